/* s3dlio-config.c: every tuning knob, as a property
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "s3dlio-config.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"

/**
 * S3dlioConfig:
 *
 * The tuning knobs of a client: how big objects are split into ranged GETs
 * and multipart uploads, how many requests run at once, connection limits,
 * timeouts, worker threads and retries.
 *
 * Every knob is a property with a documented default and range, so a user
 * interface can bind it and be told of changes with `notify`.
 * [ctor@S3dlio.Config.new_from_environment] starts from the `S3DLIO_*`
 * environment variables (the same ones the Rust s3dlio reads). A bad value
 * there is an error naming the variable and the value, never a silent
 * fallback to the default.
 *
 * | property                   | variable                                                   | default            |
 * |----------------------------|------------------------------------------------------------|--------------------|
 * | part-size                  | `S3DLIO_GET_PART_SIZE`                                     | 8 MiB              |
 * | max-inflight               | `S3DLIO_GET_INFLIGHT` (alias `S3DLIO_RANGE_CONCURRENCY`)   | 64                 |
 * | threshold                  | `S3DLIO_GET_THRESHOLD`                                     | 32 MiB             |
 * | max-connections-per-host   | `S3DLIO_MAX_HTTP_CONNECTIONS` (alias `S3DLIO_HTTP_MAX_CONNS`) | 200             |
 * | max-connections            | `S3DLIO_MAX_TOTAL_CONNECTIONS`                             | 400                |
 * | idle-timeout-ms            | `S3DLIO_HTTP_IDLE_TIMEOUT_MS` (alias `S3DLIO_HTTP_IDLE_SECS`, in seconds) | 800 |
 * | connect-timeout-ms         | `S3DLIO_HTTP_CONNECT_MS`                                   | 5000               |
 * | io-timeout-ms              | `S3DLIO_HTTP_IO_TIMEOUT_MS`                                | 30000              |
 * | operation-timeout          | `S3DLIO_OPERATION_TIMEOUT_SECS`                            | 120 (seconds)      |
 * | worker-threads             | `S3DLIO_RT_THREADS`                                        | one per core, at most 32 |
 * | max-retries                | `S3DLIO_MAX_RETRIES`                                       | 3                  |
 * | busy-poll-us               | `S3DLIO_BUSY_POLL_US`                                      | 0 (off)            |
 * | optimized-http             | `S3DLIO_USE_OPTIMIZED_HTTP`                                | true               |
 * | head-first                 | `S3DLIO_GET_HEAD_FIRST`                                    | false              |
 * | single-request             | `S3DLIO_GET_SINGLE_REQUEST`                                | false              |
 * | upload-part-size           | `S3DLIO_PUT_PART_SIZE`                                     | 8 MiB              |
 * | upload-threshold           | `S3DLIO_PUT_THRESHOLD`                                     | 32 MiB             |
 * | upload-inflight            | `S3DLIO_PUT_INFLIGHT`                                      | 8                  |
 * | unsigned-payload           | `S3DLIO_PUT_UNSIGNED_PAYLOAD`                              | false              |
 *
 * When a variable and its alias are both set, the first name wins.
 *
 * A config is not thread-safe: change it from one thread. A client reads
 * the values when an operation starts, so a change applies to the next
 * operation, not to one under way.
 */

struct _S3dlioConfig
{
  GObject  parent_instance;

  guint64  part_size;
  guint64  threshold;
  guint    max_inflight;
  guint    max_connections_per_host;
  guint    max_connections;
  guint    idle_timeout_ms;
  guint    connect_timeout_ms;
  guint    io_timeout_ms;
  guint    operation_timeout;
  guint    worker_threads;
  guint    max_retries;
  guint    busy_poll_us;
  guint    optimized_http : 1;
  guint    head_first : 1;
  guint    single_request : 1;
  guint    unsigned_payload : 1;
  guint64  upload_part_size;
  guint64  upload_threshold;
  guint    upload_inflight;
};

G_DEFINE_FINAL_TYPE (S3dlioConfig, s3dlio_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PART_SIZE,
  PROP_MAX_INFLIGHT,
  PROP_THRESHOLD,
  PROP_MAX_CONNECTIONS_PER_HOST,
  PROP_MAX_CONNECTIONS,
  PROP_IDLE_TIMEOUT_MS,
  PROP_CONNECT_TIMEOUT_MS,
  PROP_IO_TIMEOUT_MS,
  PROP_OPERATION_TIMEOUT,
  PROP_WORKER_THREADS,
  PROP_MAX_RETRIES,
  PROP_BUSY_POLL_US,
  PROP_OPTIMIZED_HTTP,
  PROP_HEAD_FIRST,
  PROP_SINGLE_REQUEST,
  PROP_UPLOAD_PART_SIZE,
  PROP_UPLOAD_THRESHOLD,
  PROP_UPLOAD_INFLIGHT,
  PROP_UNSIGNED_PAYLOAD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define KiB ((guint64) 1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

#define DEFAULT_PART_SIZE          (8 * MiB)
#define DEFAULT_MAX_INFLIGHT       64
#define DEFAULT_THRESHOLD          (32 * MiB)
#define DEFAULT_CONNS_PER_HOST     200
#define DEFAULT_CONNS              400
#define DEFAULT_IDLE_TIMEOUT_MS    800
#define DEFAULT_CONNECT_TIMEOUT_MS 5000
#define DEFAULT_IO_TIMEOUT_MS      30000
#define DEFAULT_OPERATION_TIMEOUT  120
#define DEFAULT_MAX_RETRIES        3
#define DEFAULT_UPLOAD_PART_SIZE   (8 * MiB)
#define DEFAULT_UPLOAD_THRESHOLD   (32 * MiB)
#define DEFAULT_UPLOAD_INFLIGHT    8

/* One worker per core, at most 32. The seed used max(8, 2 × cores), but
 * workers only spread CPU work (every request is asynchronous), and
 * measured against nginx on a 2-core machine 8 workers gave half the
 * throughput of 2 at three times the CPU per GiB: more threads than cores
 * only add wake-ups and context switches. See README.md, "Measurements". */
static guint
default_worker_threads (void)
{
  guint n = g_get_num_processors ();

  return CLAMP (n, 1, 32);
}

/* Environment variables, in the order they are read. Aliases follow their
 * primary name and are only read when the primary is unset. */
typedef struct {
  const char *variable;
  guint       prop_id;
  guint       scale;        /* the alias S3DLIO_HTTP_IDLE_SECS is in seconds */
  gboolean    is_alias;
} EnvBinding;

static const EnvBinding env_bindings[] = {
  { "S3DLIO_GET_PART_SIZE",          PROP_PART_SIZE, 1, FALSE },
  { "S3DLIO_GET_INFLIGHT",           PROP_MAX_INFLIGHT, 1, FALSE },
  { "S3DLIO_RANGE_CONCURRENCY",      PROP_MAX_INFLIGHT, 1, TRUE },
  { "S3DLIO_GET_THRESHOLD",          PROP_THRESHOLD, 1, FALSE },
  { "S3DLIO_MAX_HTTP_CONNECTIONS",   PROP_MAX_CONNECTIONS_PER_HOST, 1, FALSE },
  { "S3DLIO_HTTP_MAX_CONNS",         PROP_MAX_CONNECTIONS_PER_HOST, 1, TRUE },
  { "S3DLIO_MAX_TOTAL_CONNECTIONS",  PROP_MAX_CONNECTIONS, 1, FALSE },
  { "S3DLIO_HTTP_IDLE_TIMEOUT_MS",   PROP_IDLE_TIMEOUT_MS, 1, FALSE },
  { "S3DLIO_HTTP_IDLE_SECS",         PROP_IDLE_TIMEOUT_MS, 1000, TRUE },
  { "S3DLIO_HTTP_CONNECT_MS",        PROP_CONNECT_TIMEOUT_MS, 1, FALSE },
  { "S3DLIO_HTTP_IO_TIMEOUT_MS",     PROP_IO_TIMEOUT_MS, 1, FALSE },
  { "S3DLIO_OPERATION_TIMEOUT_SECS", PROP_OPERATION_TIMEOUT, 1, FALSE },
  { "S3DLIO_RT_THREADS",             PROP_WORKER_THREADS, 1, FALSE },
  { "S3DLIO_MAX_RETRIES",            PROP_MAX_RETRIES, 1, FALSE },
  { "S3DLIO_BUSY_POLL_US",           PROP_BUSY_POLL_US, 1, FALSE },
  { "S3DLIO_USE_OPTIMIZED_HTTP",     PROP_OPTIMIZED_HTTP, 1, FALSE },
  { "S3DLIO_GET_HEAD_FIRST",         PROP_HEAD_FIRST, 1, FALSE },
  { "S3DLIO_GET_SINGLE_REQUEST",     PROP_SINGLE_REQUEST, 1, FALSE },
  { "S3DLIO_PUT_PART_SIZE",          PROP_UPLOAD_PART_SIZE, 1, FALSE },
  { "S3DLIO_PUT_THRESHOLD",          PROP_UPLOAD_THRESHOLD, 1, FALSE },
  { "S3DLIO_PUT_INFLIGHT",           PROP_UPLOAD_INFLIGHT, 1, FALSE },
  { "S3DLIO_PUT_UNSIGNED_PAYLOAD",   PROP_UNSIGNED_PAYLOAD, 1, FALSE },
};

static void
s3dlio_config_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  S3dlioConfig *self = S3DLIO_CONFIG (object);

  switch (prop_id)
    {
    case PROP_PART_SIZE:
      g_value_set_uint64 (value, self->part_size);
      break;
    case PROP_MAX_INFLIGHT:
      g_value_set_uint (value, self->max_inflight);
      break;
    case PROP_THRESHOLD:
      g_value_set_uint64 (value, self->threshold);
      break;
    case PROP_MAX_CONNECTIONS_PER_HOST:
      g_value_set_uint (value, self->max_connections_per_host);
      break;
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case PROP_IDLE_TIMEOUT_MS:
      g_value_set_uint (value, self->idle_timeout_ms);
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_IO_TIMEOUT_MS:
      g_value_set_uint (value, self->io_timeout_ms);
      break;
    case PROP_OPERATION_TIMEOUT:
      g_value_set_uint (value, self->operation_timeout);
      break;
    case PROP_WORKER_THREADS:
      g_value_set_uint (value, self->worker_threads);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;

    case PROP_BUSY_POLL_US:
      g_value_set_uint (value, self->busy_poll_us);
      break;
    case PROP_OPTIMIZED_HTTP:
      g_value_set_boolean (value, self->optimized_http);
      break;
    case PROP_HEAD_FIRST:
      g_value_set_boolean (value, self->head_first);
      break;
    case PROP_SINGLE_REQUEST:
      g_value_set_boolean (value, self->single_request);
      break;
    case PROP_UPLOAD_PART_SIZE:
      g_value_set_uint64 (value, self->upload_part_size);
      break;
    case PROP_UPLOAD_THRESHOLD:
      g_value_set_uint64 (value, self->upload_threshold);
      break;
    case PROP_UPLOAD_INFLIGHT:
      g_value_set_uint (value, self->upload_inflight);
      break;
    case PROP_UNSIGNED_PAYLOAD:
      g_value_set_boolean (value, self->unsigned_payload);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_config_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  S3dlioConfig *self = S3DLIO_CONFIG (object);

  switch (prop_id)
    {
    case PROP_PART_SIZE:
      s3dlio_config_set_part_size (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_INFLIGHT:
      s3dlio_config_set_max_inflight (self, g_value_get_uint (value));
      break;
    case PROP_THRESHOLD:
      s3dlio_config_set_threshold (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_CONNECTIONS_PER_HOST:
      s3dlio_config_set_max_connections_per_host (self, g_value_get_uint (value));
      break;
    case PROP_MAX_CONNECTIONS:
      s3dlio_config_set_max_connections (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT_MS:
      s3dlio_config_set_idle_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      s3dlio_config_set_connect_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_IO_TIMEOUT_MS:
      s3dlio_config_set_io_timeout_ms (self, g_value_get_uint (value));
      break;
    case PROP_OPERATION_TIMEOUT:
      s3dlio_config_set_operation_timeout (self, g_value_get_uint (value));
      break;
    case PROP_WORKER_THREADS:
      s3dlio_config_set_worker_threads (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      s3dlio_config_set_max_retries (self, g_value_get_uint (value));
      break;

    case PROP_BUSY_POLL_US:
      s3dlio_config_set_busy_poll_us (self, g_value_get_uint (value));
      break;
    case PROP_OPTIMIZED_HTTP:
      s3dlio_config_set_optimized_http (self, g_value_get_boolean (value));
      break;
    case PROP_HEAD_FIRST:
      s3dlio_config_set_head_first (self, g_value_get_boolean (value));
      break;
    case PROP_SINGLE_REQUEST:
      s3dlio_config_set_single_request (self, g_value_get_boolean (value));
      break;
    case PROP_UPLOAD_PART_SIZE:
      s3dlio_config_set_upload_part_size (self, g_value_get_uint64 (value));
      break;
    case PROP_UPLOAD_THRESHOLD:
      s3dlio_config_set_upload_threshold (self, g_value_get_uint64 (value));
      break;
    case PROP_UPLOAD_INFLIGHT:
      s3dlio_config_set_upload_inflight (self, g_value_get_uint (value));
      break;
    case PROP_UNSIGNED_PAYLOAD:
      s3dlio_config_set_unsigned_payload (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define KNOB_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
s3dlio_config_class_init (S3dlioConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _s3dlio_i18n_init ();

  object_class->get_property = s3dlio_config_get_property;
  object_class->set_property = s3dlio_config_set_property;

  /**
   * S3dlioConfig:part-size:
   *
   * The size in bytes of each ranged GET a large object is split into.
   * Default 8 MiB (`S3DLIO_GET_PART_SIZE`), from 4 KiB to 5 GiB.
   */
  properties[PROP_PART_SIZE] =
    g_param_spec_uint64 ("part-size", NULL, NULL,
                         4 * KiB, 5 * GiB, DEFAULT_PART_SIZE, KNOB_FLAGS);

  /**
   * S3dlioConfig:max-inflight:
   *
   * The most ranged GETs of one object that run at once.
   * Default 64 (`S3DLIO_GET_INFLIGHT`), from 1 to 1024.
   */
  properties[PROP_MAX_INFLIGHT] =
    g_param_spec_uint ("max-inflight", NULL, NULL,
                       1, 1024, DEFAULT_MAX_INFLIGHT, KNOB_FLAGS);

  /**
   * S3dlioConfig:threshold:
   *
   * Objects of at least this many bytes are downloaded as concurrent
   * ranged GETs; smaller ones with one GET. 0 means always split.
   * Default 32 MiB (`S3DLIO_GET_THRESHOLD`).
   */
  properties[PROP_THRESHOLD] =
    g_param_spec_uint64 ("threshold", NULL, NULL,
                         0, G_MAXUINT64, DEFAULT_THRESHOLD, KNOB_FLAGS);

  /**
   * S3dlioConfig:max-connections-per-host:
   *
   * The most HTTP connections to one host, per session. libsoup's own
   * default of 2 would serialise ranged GETs, so it is never left in place.
   * Default 200 (`S3DLIO_MAX_HTTP_CONNECTIONS`), from 1 to 10000. Sessions
   * take it when they are created: a change needs a new session pool.
   */
  properties[PROP_MAX_CONNECTIONS_PER_HOST] =
    g_param_spec_uint ("max-connections-per-host", NULL, NULL,
                       1, 10000, DEFAULT_CONNS_PER_HOST, KNOB_FLAGS);

  /**
   * S3dlioConfig:max-connections:
   *
   * The most HTTP connections in all, per session.
   * Default 400 (`S3DLIO_MAX_TOTAL_CONNECTIONS`), from 1 to 100000.
   * A change needs a new session pool.
   */
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL,
                       1, 100000, DEFAULT_CONNS, KNOB_FLAGS);

  /**
   * S3dlioConfig:idle-timeout-ms:
   *
   * How long an idle connection is kept open, in milliseconds; 0 keeps it
   * until the server closes it. Default 800 (`S3DLIO_HTTP_IDLE_TIMEOUT_MS`,
   * or `S3DLIO_HTTP_IDLE_SECS` in seconds). A change needs a new session
   * pool.
   */
  properties[PROP_IDLE_TIMEOUT_MS] =
    g_param_spec_uint ("idle-timeout-ms", NULL, NULL,
                       0, 24 * 3600 * 1000, DEFAULT_IDLE_TIMEOUT_MS, KNOB_FLAGS);

  /**
   * S3dlioConfig:connect-timeout-ms:
   *
   * How long establishing a connection may take, in milliseconds.
   * Default 5000 (`S3DLIO_HTTP_CONNECT_MS`), from 1 ms to 10 minutes.
   */
  properties[PROP_CONNECT_TIMEOUT_MS] =
    g_param_spec_uint ("connect-timeout-ms", NULL, NULL,
                       1, 600 * 1000, DEFAULT_CONNECT_TIMEOUT_MS, KNOB_FLAGS);

  /**
   * S3dlioConfig:io-timeout-ms:
   *
   * How long a connection may go without sending or receiving a byte
   * before it is considered stalled, dropped, and the request retried; 0
   * disables the check. Default 30000 (`S3DLIO_HTTP_IO_TIMEOUT_MS`).
   */
  properties[PROP_IO_TIMEOUT_MS] =
    g_param_spec_uint ("io-timeout-ms", NULL, NULL,
                       0, 3600 * 1000, DEFAULT_IO_TIMEOUT_MS, KNOB_FLAGS);

  /**
   * S3dlioConfig:operation-timeout:
   *
   * The longest one request (one part of a ranged download) may take, in
   * seconds; 0 means no limit. Default 120
   * (`S3DLIO_OPERATION_TIMEOUT_SECS`), at most one day.
   */
  properties[PROP_OPERATION_TIMEOUT] =
    g_param_spec_uint ("operation-timeout", NULL, NULL,
                       0, 24 * 3600, DEFAULT_OPERATION_TIMEOUT, KNOB_FLAGS);

  /**
   * S3dlioConfig:worker-threads:
   *
   * How many worker threads run libsoup sessions, each with its own main
   * context. Default: one per core, at most 32 (`S3DLIO_RT_THREADS`), from
   * 1 to 256. (The seed's max(8, 2 × cores) measured slower and costlier
   * on 2 cores.) A change needs a new session pool.
   */
  properties[PROP_WORKER_THREADS] =
    g_param_spec_uint ("worker-threads", NULL, NULL,
                       1, 256, 8, KNOB_FLAGS);

  /**
   * S3dlioConfig:max-retries:
   *
   * How many times a failed request (a part, for ranged downloads) is
   * retried on a transient error, with exponential backoff and jitter.
   * Default 3 (`S3DLIO_MAX_RETRIES`), at most 100.
   */
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL,
                       0, 100, DEFAULT_MAX_RETRIES, KNOB_FLAGS);

  /**
   * S3dlioConfig:busy-poll-us:
   *
   * How long, in microseconds, a worker thread that has just handled
   * data keeps polling its sockets before it sleeps; 0 (the default)
   * sleeps at once.
   *
   * Polling burns CPU while it waits, so it is off by default. It pays on
   * virtual machines whose idle CPUs halt without polling first (such as
   * Firecracker guests with `guest_halt_poll_ns=0`): there each wake-up of
   * a sleeping worker costs the sender more than the data it brings. On
   * such a 2-core guest, against nginx on loopback (1 GiB, 8 parts in
   * flight, the machine idle for half a second before each run), 30 took
   * the download from about 0.9x to 1.09-1.13x the speed of `curl -Z`
   * with 8 ranges on an object written hours before, at 1.5 times the
   * client's CPU time (still 0.8x curl's); on a freshly written object it
   * helps less (README.md, "Measurements"). While it is on, parts read in
   * smaller batches (512 KiB instead of 1 MiB), which keeps the worker's
   * wake-ups within the polling window. Default 0
   * (`S3DLIO_BUSY_POLL_US`), at most 1000.
   * A change needs a new session pool.
   */
  properties[PROP_BUSY_POLL_US] =
    g_param_spec_uint ("busy-poll-us", NULL, NULL,
                       0, 1000, 0, KNOB_FLAGS);

  /**
   * S3dlioConfig:optimized-http:
   *
   * Whether sessions use the tuned settings above; %FALSE gives libsoup's
   * stock session settings (2 connections per host, 10 in all, its own
   * timeouts) for comparison. Default %TRUE (`S3DLIO_USE_OPTIMIZED_HTTP`).
   * A change needs a new session pool.
   */
  properties[PROP_OPTIMIZED_HTTP] =
    g_param_spec_boolean ("optimized-http", NULL, NULL,
                          TRUE, KNOB_FLAGS);

  /**
   * S3dlioConfig:head-first:
   *
   * Whether a size-aware GET learns the object size with a HEAD request
   * first (the seed's design) instead of from the `Content-Range` of the
   * first ranged GET. Default %FALSE (`S3DLIO_GET_HEAD_FIRST`).
   */
  properties[PROP_HEAD_FIRST] =
    g_param_spec_boolean ("head-first", NULL, NULL,
                          FALSE, KNOB_FLAGS);

  /**
   * S3dlioConfig:single-request:
   *
   * Whether every object is downloaded with one plain GET, without ranges
   * (the baseline the size-aware GET is measured against). Default %FALSE
   * (`S3DLIO_GET_SINGLE_REQUEST`).
   */
  properties[PROP_SINGLE_REQUEST] =
    g_param_spec_boolean ("single-request", NULL, NULL,
                          FALSE, KNOB_FLAGS);

  /**
   * S3dlioConfig:upload-part-size:
   *
   * The size in bytes of each part of a multipart upload (the last part
   * may be shorter). Default 8 MiB (`S3DLIO_PUT_PART_SIZE`), from 64 KiB
   * to 5 GiB. S3 rejects parts below 5 MiB other than the last one (at
   * CompleteMultipartUpload, with `EntityTooSmall`): the lower minimum is
   * for test servers with a lower limit. An object that would need more
   * than 10000 parts, the S3 limit, is sent in larger parts.
   */
  properties[PROP_UPLOAD_PART_SIZE] =
    g_param_spec_uint64 ("upload-part-size", NULL, NULL,
                         64 * KiB, 5 * GiB, DEFAULT_UPLOAD_PART_SIZE, KNOB_FLAGS);

  /**
   * S3dlioConfig:upload-threshold:
   *
   * Objects of at least this many bytes are uploaded as multipart uploads,
   * their parts sent concurrently; smaller ones with one PUT. 0 means
   * always multipart (except empty objects). Default 32 MiB
   * (`S3DLIO_PUT_THRESHOLD`), at most 5 GiB, the largest single PUT S3
   * takes. A single PUT of a file or stream holds the object in memory.
   */
  properties[PROP_UPLOAD_THRESHOLD] =
    g_param_spec_uint64 ("upload-threshold", NULL, NULL,
                         0, 5 * GiB, DEFAULT_UPLOAD_THRESHOLD, KNOB_FLAGS);

  /**
   * S3dlioConfig:upload-inflight:
   *
   * The most parts of one multipart upload that are sent at once, and so
   * the most part buffers in memory. Default 8 (`S3DLIO_PUT_INFLIGHT`),
   * from 1 to 1024.
   */
  properties[PROP_UPLOAD_INFLIGHT] =
    g_param_spec_uint ("upload-inflight", NULL, NULL,
                       1, 1024, DEFAULT_UPLOAD_INFLIGHT, KNOB_FLAGS);

  /**
   * S3dlioConfig:unsigned-payload:
   *
   * Whether uploads leave their bodies out of the signature
   * (`x-amz-content-sha256: UNSIGNED-PAYLOAD`) instead of hashing every
   * byte with SHA-256, which saves CPU time. The body is then protected by
   * a `Content-MD5` header instead (S3 checks it), and, over HTTPS, by
   * TLS. Default %FALSE (`S3DLIO_PUT_UNSIGNED_PAYLOAD`).
   */
  properties[PROP_UNSIGNED_PAYLOAD] =
    g_param_spec_boolean ("unsigned-payload", NULL, NULL,
                          FALSE, KNOB_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_config_init (S3dlioConfig *self)
{
  self->part_size = DEFAULT_PART_SIZE;
  self->max_inflight = DEFAULT_MAX_INFLIGHT;
  self->threshold = DEFAULT_THRESHOLD;
  self->max_connections_per_host = DEFAULT_CONNS_PER_HOST;
  self->max_connections = DEFAULT_CONNS;
  self->idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_MS;
  self->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  self->io_timeout_ms = DEFAULT_IO_TIMEOUT_MS;
  self->operation_timeout = DEFAULT_OPERATION_TIMEOUT;
  self->worker_threads = default_worker_threads ();
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->optimized_http = TRUE;
  self->head_first = FALSE;
  self->upload_part_size = DEFAULT_UPLOAD_PART_SIZE;
  self->upload_threshold = DEFAULT_UPLOAD_THRESHOLD;
  self->upload_inflight = DEFAULT_UPLOAD_INFLIGHT;
  self->unsigned_payload = FALSE;
}

/**
 * s3dlio_config_new:
 *
 * Creates a configuration with the built-in defaults, ignoring the
 * environment.
 *
 * Returns: (transfer full): a new #S3dlioConfig
 */
S3dlioConfig *
s3dlio_config_new (void)
{
  return g_object_new (S3DLIO_TYPE_CONFIG, NULL);
}

/**
 * s3dlio_config_new_from_environment:
 * @error: return location for a #GError
 *
 * Creates a configuration from the defaults and the `S3DLIO_*`
 * environment variables (see [class@S3dlio.Config]).
 *
 * Returns: (transfer full): a new #S3dlioConfig, or %NULL with @error set
 *   to %S3DLIO_ERROR_INVALID_CONFIG naming the variable and the value
 */
S3dlioConfig *
s3dlio_config_new_from_environment (GError **error)
{
  g_autoptr(S3dlioConfig) self = s3dlio_config_new ();

  if (!s3dlio_config_load_environment (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * s3dlio_config_dup:
 * @self: a #S3dlioConfig
 *
 * Copies every knob of @self into a new configuration, so an operation can
 * keep the values it started with.
 *
 * Returns: (transfer full): a new #S3dlioConfig
 */
S3dlioConfig *
s3dlio_config_dup (S3dlioConfig *self)
{
  S3dlioConfig *copy;

  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), NULL);

  copy = s3dlio_config_new ();
  copy->part_size = self->part_size;
  copy->max_inflight = self->max_inflight;
  copy->threshold = self->threshold;
  copy->max_connections_per_host = self->max_connections_per_host;
  copy->max_connections = self->max_connections;
  copy->idle_timeout_ms = self->idle_timeout_ms;
  copy->connect_timeout_ms = self->connect_timeout_ms;
  copy->io_timeout_ms = self->io_timeout_ms;
  copy->operation_timeout = self->operation_timeout;
  copy->worker_threads = self->worker_threads;
  copy->max_retries = self->max_retries;
  copy->busy_poll_us = self->busy_poll_us;
  copy->optimized_http = self->optimized_http;
  copy->head_first = self->head_first;
  copy->single_request = self->single_request;
  copy->upload_part_size = self->upload_part_size;
  copy->upload_threshold = self->upload_threshold;
  copy->upload_inflight = self->upload_inflight;
  copy->unsigned_payload = self->unsigned_payload;

  return copy;
}

/* Parsing. */

static gboolean
parse_unsigned (const char  *text,
                guint64     *out,
                const char **rest)
{
  const char *p = text;
  guint64 value = 0;

  if (!g_ascii_isdigit (*p))
    return FALSE;

  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = *p - '0';

      if (value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }

  *out = value;
  *rest = p;
  return TRUE;
}

static gboolean
size_suffix_multiplier (const char *suffix,
                        guint64    *multiplier)
{
  static const struct {
    const char *name;
    guint64     multiplier;
  } suffixes[] = {
    { "", 1 }, { "b", 1 },
    { "k", KiB }, { "kib", KiB }, { "kb", 1000 },
    { "m", MiB }, { "mib", MiB }, { "mb", 1000 * 1000 },
    { "g", GiB }, { "gib", GiB }, { "gb", 1000 * 1000 * 1000 },
    { "t", 1024 * GiB }, { "tib", 1024 * GiB }, { "tb", G_GUINT64_CONSTANT (1000000000000) },
  };
  g_autofree char *lower = g_ascii_strdown (suffix, -1);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_equal (lower, suffixes[i].name))
      {
        *multiplier = suffixes[i].multiplier;
        return TRUE;
      }

  return FALSE;
}

/**
 * s3dlio_parse_size:
 * @text: a size such as `8388608`, `8M`, `8MiB` or `8 MiB`
 * @size: (out): return location for the size in bytes
 * @error: return location for a #GError
 *
 * Parses a size in bytes. `K`, `M`, `G` and `T` (and `KiB`, `MiB`, `GiB`,
 * `TiB`) are powers of 1024; `KB`, `MB`, `GB` and `TB` are powers of 1000,
 * as in dd(1). Case does not matter; blanks around the number and between
 * it and the unit are allowed. Negative numbers, fractions and values that
 * do not fit in 64 bits are errors.
 *
 * Returns: %TRUE on success, %FALSE with @error set to
 *   %S3DLIO_ERROR_INVALID_ARGUMENT otherwise
 */
gboolean
s3dlio_parse_size (const char  *text,
                   guint64     *size,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *shown = NULL;
  const char *rest = NULL;
  guint64 value;
  guint64 multiplier;

  g_return_val_if_fail (size != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("empty size (expected e.g. 8MiB, 8M or 8388608)"));
      return FALSE;
    }

  /* Environment variables may hold any bytes; messages are UTF-8. */
  shown = g_utf8_make_valid (text, -1);
  stripped = g_strstrip (g_strdup (text));
  if (!parse_unsigned (stripped, &value, &rest))
    {
      if (g_ascii_isdigit (stripped[0]))
        g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a size (expected e.g. 8MiB, 8M or 8388608): too large"),
                     shown);
      else
        g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a size (expected e.g. 8MiB, 8M or 8388608)"), shown);
      return FALSE;
    }

  while (*rest == ' ' || *rest == '\t')
    rest++;

  if (!size_suffix_multiplier (rest, &multiplier))
    {
      g_autofree char *unit = g_utf8_make_valid (rest, -1);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a size: unknown unit “%s” (use B, K, KiB, KB, M, MiB, MB, G, GiB, GB, T, TiB or TB)"),
                   shown, unit);
      return FALSE;
    }

  if (value > G_MAXUINT64 / multiplier)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a size: too large"), shown);
      return FALSE;
    }

  *size = value * multiplier;
  return TRUE;
}

/**
 * s3dlio_parse_boolean:
 * @text: `1`, `true`, `yes`, `on`, `0`, `false`, `no` or `off`
 * @value: (out): return location for the value
 * @error: return location for a #GError
 *
 * Parses a boolean as environment variables and options spell them (case
 * does not matter).
 *
 * Returns: %TRUE on success, %FALSE with @error set to
 *   %S3DLIO_ERROR_INVALID_ARGUMENT otherwise
 */
gboolean
s3dlio_parse_boolean (const char  *text,
                      gboolean    *value,
                      GError     **error)
{
  static const char *const yes[] = { "1", "true", "yes", "on" };
  static const char *const no[] = { "0", "false", "no", "off" };
  g_autofree char *lower = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (value != NULL, FALSE);

  lower = g_strstrip (g_ascii_strdown (text ? text : "", -1));
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_str_equal (lower, yes[i]))
        {
          *value = TRUE;
          return TRUE;
        }
      if (g_str_equal (lower, no[i]))
        {
          *value = FALSE;
          return TRUE;
        }
    }

  shown = g_utf8_make_valid (text ? text : "", -1);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a boolean (expected 1, 0, true, false, yes, no, on or off)"),
               shown);
  return FALSE;
}

/* Parses @text for @pspec (scaled by @scale, for units such as seconds
 * standing in for milliseconds) into @value, checking the property's range.
 * Errors are prefixed with @what: the variable or property being set. */
static gboolean
parse_for_pspec (GParamSpec  *pspec,
                 const char  *what,
                 const char  *text,
                 guint        scale,
                 GValue      *value,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  guint64 number = 0;
  guint64 minimum;
  guint64 maximum;
  gboolean is_size = G_IS_PARAM_SPEC_UINT64 (pspec);

  if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    {
      gboolean b;

      if (!s3dlio_parse_boolean (text, &b, &local_error))
        goto fail;
      g_value_init (value, G_TYPE_BOOLEAN);
      g_value_set_boolean (value, b);
      return TRUE;
    }

  if (is_size)
    {
      minimum = G_PARAM_SPEC_UINT64 (pspec)->minimum;
      maximum = G_PARAM_SPEC_UINT64 (pspec)->maximum;
      if (!s3dlio_parse_size (text, &number, &local_error))
        goto fail;
    }
  else
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      const char *rest = NULL;

      minimum = G_PARAM_SPEC_UINT (pspec)->minimum;
      maximum = G_PARAM_SPEC_UINT (pspec)->maximum;
      if (!parse_unsigned (stripped, &number, &rest) || *rest != '\0')
        {
          g_autofree char *shown = g_utf8_make_valid (text, -1);

          g_set_error (&local_error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a whole number from %" PRIu64 " to %" PRIu64),
                       shown, minimum / scale, maximum / scale);
          goto fail;
        }
    }

  if (number > maximum / scale || number * scale < minimum)
    {
      g_set_error (&local_error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is out of range (from %" PRIu64 " to %" PRIu64 ")"),
                   text, (minimum + scale - 1) / scale, maximum / scale);
      goto fail;
    }
  number *= scale;

  if (is_size)
    {
      g_value_init (value, G_TYPE_UINT64);
      g_value_set_uint64 (value, number);
    }
  else
    {
      g_value_init (value, G_TYPE_UINT);
      g_value_set_uint (value, (guint) number);
    }
  return TRUE;

fail:
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               "%s: %s", what, local_error->message);
  return FALSE;
}

/**
 * s3dlio_config_set_from_string:
 * @self: a #S3dlioConfig
 * @property_name: the name of a knob, such as `part-size`
 * @value: its value as text: a size (`16MiB`) for sizes, a whole number
 *   for counts and timeouts, a boolean (`true`, `0`) for switches
 * @error: return location for a #GError
 *
 * Sets a knob from text, as command-line options and settings give it,
 * with the same parsing and range checks as the environment variables.
 *
 * Returns: %TRUE on success, %FALSE with @error set to
 *   %S3DLIO_ERROR_INVALID_CONFIG naming the knob and the value
 */
gboolean
s3dlio_config_set_from_string (S3dlioConfig  *self,
                               const char    *property_name,
                               const char    *value,
                               GError       **error)
{
  g_auto(GValue) parsed = G_VALUE_INIT;
  GParamSpec *pspec;

  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (property_name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property_name);
  if (pspec == NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("Unknown setting “%s”"), property_name);
      return FALSE;
    }

  if (!parse_for_pspec (pspec, property_name, value, 1, &parsed, error))
    return FALSE;

  g_object_set_property (G_OBJECT (self), property_name, &parsed);
  return TRUE;
}

/**
 * s3dlio_config_load_environment:
 * @self: a #S3dlioConfig
 * @error: return location for a #GError
 *
 * Sets every knob whose `S3DLIO_*` variable is set in the environment. On
 * error @self is left unchanged.
 *
 * Returns: %TRUE on success, %FALSE with @error set to
 *   %S3DLIO_ERROR_INVALID_CONFIG naming the variable and its value
 */
gboolean
s3dlio_config_load_environment (S3dlioConfig  *self,
                                GError       **error)
{
  GValue values[N_PROPS] = { G_VALUE_INIT, };
  gboolean ok = TRUE;

  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);

  /* Parse everything first, so a bad value leaves @self untouched. */
  for (guint i = 0; ok && i < G_N_ELEMENTS (env_bindings); i++)
    {
      const EnvBinding *binding = &env_bindings[i];
      const char *text = g_getenv (binding->variable);
      g_autofree char *shown = NULL;
      g_autofree char *what = NULL;

      if (text == NULL || G_IS_VALUE (&values[binding->prop_id]))
        continue;

      shown = g_utf8_make_valid (text, -1);
      what = g_strdup_printf ("%s=%s", binding->variable, shown);
      ok = parse_for_pspec (properties[binding->prop_id], what, text,
                            binding->scale, &values[binding->prop_id], error);
    }

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      if (!G_IS_VALUE (&values[prop_id]))
        continue;
      if (ok)
        g_object_set_property (G_OBJECT (self), properties[prop_id]->name, &values[prop_id]);
      g_value_unset (&values[prop_id]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return ok;
}

/**
 * s3dlio_config_get_environment_variable:
 * @property_name: the name of a knob, such as `part-size`
 *
 * Tells which environment variable sets a knob, so that a user interface
 * can show where a starting value came from.
 *
 * Returns: (nullable): the variable's name, or %NULL if none sets it
 */
const char *
s3dlio_config_get_environment_variable (const char *property_name)
{
  g_return_val_if_fail (property_name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (env_bindings); i++)
    if (!env_bindings[i].is_alias &&
        g_str_equal (properties[env_bindings[i].prop_id]->name, property_name))
      return env_bindings[i].variable;

  return NULL;
}

/* Accessors. Setters check the property's range, then notify on change. */

static gboolean
uint_in_range (guint prop_id,
               guint value)
{
  GParamSpecUInt *pspec = G_PARAM_SPEC_UINT (properties[prop_id]);

  return value >= pspec->minimum && value <= pspec->maximum;
}

static void
set_uint (S3dlioConfig *self,
          guint        *field,
          guint         value,
          guint         prop_id)
{
  if (!uint_in_range (prop_id, value))
    {
      g_critical ("%s: %u is out of range for “%s”", G_STRFUNC, value,
                  properties[prop_id]->name);
      return;
    }

  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint64 (S3dlioConfig *self,
            guint64      *field,
            guint64       value,
            guint         prop_id)
{
  GParamSpecUInt64 *pspec = G_PARAM_SPEC_UINT64 (properties[prop_id]);

  if (value < pspec->minimum || value > pspec->maximum)
    {
      g_critical ("%s: %" G_GUINT64_FORMAT " is out of range for “%s”", G_STRFUNC,
                  value, properties[prop_id]->name);
      return;
    }

  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_flag (S3dlioConfig *self,
          gboolean      old_value,
          gboolean      new_value,
          guint         prop_id)
{
  if (!old_value == !new_value)
    return;

  switch (prop_id)
    {
    case PROP_OPTIMIZED_HTTP:
      self->optimized_http = !!new_value;
      break;
    case PROP_HEAD_FIRST:
      self->head_first = !!new_value;
      break;
    case PROP_SINGLE_REQUEST:
      self->single_request = !!new_value;
      break;
    case PROP_UNSIGNED_PAYLOAD:
      self->unsigned_payload = !!new_value;
      break;
    default:
      g_assert_not_reached ();
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * s3dlio_config_get_part_size:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:part-size].
 *
 * Returns: the value of [property@S3dlio.Config:part-size]
 */
guint64
s3dlio_config_get_part_size (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->part_size;
}

/**
 * s3dlio_config_set_part_size:
 * @self: a #S3dlioConfig
 * @part_size: the new value
 *
 * Sets [property@S3dlio.Config:part-size].
 */
void
s3dlio_config_set_part_size (S3dlioConfig *self,
                             guint64       part_size)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint64 (self, &self->part_size, part_size, PROP_PART_SIZE);
}

/**
 * s3dlio_config_get_max_inflight:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:max-inflight].
 *
 * Returns: the value of [property@S3dlio.Config:max-inflight]
 */
guint
s3dlio_config_get_max_inflight (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->max_inflight;
}

/**
 * s3dlio_config_set_max_inflight:
 * @self: a #S3dlioConfig
 * @max_inflight: the new value
 *
 * Sets [property@S3dlio.Config:max-inflight].
 */
void
s3dlio_config_set_max_inflight (S3dlioConfig *self,
                                guint         max_inflight)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->max_inflight, max_inflight, PROP_MAX_INFLIGHT);
}

/**
 * s3dlio_config_get_threshold:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:threshold].
 *
 * Returns: the value of [property@S3dlio.Config:threshold]
 */
guint64
s3dlio_config_get_threshold (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->threshold;
}

/**
 * s3dlio_config_set_threshold:
 * @self: a #S3dlioConfig
 * @threshold: the new value
 *
 * Sets [property@S3dlio.Config:threshold].
 */
void
s3dlio_config_set_threshold (S3dlioConfig *self,
                             guint64       threshold)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint64 (self, &self->threshold, threshold, PROP_THRESHOLD);
}

/**
 * s3dlio_config_get_max_connections_per_host:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:max-connections-per-host].
 *
 * Returns: the value of [property@S3dlio.Config:max-connections-per-host]
 */
guint
s3dlio_config_get_max_connections_per_host (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->max_connections_per_host;
}

/**
 * s3dlio_config_set_max_connections_per_host:
 * @self: a #S3dlioConfig
 * @max_connections: the new value
 *
 * Sets [property@S3dlio.Config:max-connections-per-host].
 */
void
s3dlio_config_set_max_connections_per_host (S3dlioConfig *self,
                                            guint         max_connections)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->max_connections_per_host, max_connections,
            PROP_MAX_CONNECTIONS_PER_HOST);
}

/**
 * s3dlio_config_get_max_connections:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:max-connections].
 *
 * Returns: the value of [property@S3dlio.Config:max-connections]
 */
guint
s3dlio_config_get_max_connections (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->max_connections;
}

/**
 * s3dlio_config_set_max_connections:
 * @self: a #S3dlioConfig
 * @max_connections: the new value
 *
 * Sets [property@S3dlio.Config:max-connections].
 */
void
s3dlio_config_set_max_connections (S3dlioConfig *self,
                                   guint         max_connections)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->max_connections, max_connections, PROP_MAX_CONNECTIONS);
}

/**
 * s3dlio_config_get_idle_timeout_ms:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:idle-timeout-ms].
 *
 * Returns: the value of [property@S3dlio.Config:idle-timeout-ms]
 */
guint
s3dlio_config_get_idle_timeout_ms (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->idle_timeout_ms;
}

/**
 * s3dlio_config_set_idle_timeout_ms:
 * @self: a #S3dlioConfig
 * @timeout_ms: the new value
 *
 * Sets [property@S3dlio.Config:idle-timeout-ms].
 */
void
s3dlio_config_set_idle_timeout_ms (S3dlioConfig *self,
                                   guint         timeout_ms)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->idle_timeout_ms, timeout_ms, PROP_IDLE_TIMEOUT_MS);
}

/**
 * s3dlio_config_get_connect_timeout_ms:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:connect-timeout-ms].
 *
 * Returns: the value of [property@S3dlio.Config:connect-timeout-ms]
 */
guint
s3dlio_config_get_connect_timeout_ms (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->connect_timeout_ms;
}

/**
 * s3dlio_config_set_connect_timeout_ms:
 * @self: a #S3dlioConfig
 * @timeout_ms: the new value
 *
 * Sets [property@S3dlio.Config:connect-timeout-ms].
 */
void
s3dlio_config_set_connect_timeout_ms (S3dlioConfig *self,
                                      guint         timeout_ms)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->connect_timeout_ms, timeout_ms, PROP_CONNECT_TIMEOUT_MS);
}

/**
 * s3dlio_config_get_io_timeout_ms:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:io-timeout-ms].
 *
 * Returns: the value of [property@S3dlio.Config:io-timeout-ms]
 */
guint
s3dlio_config_get_io_timeout_ms (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->io_timeout_ms;
}

/**
 * s3dlio_config_set_io_timeout_ms:
 * @self: a #S3dlioConfig
 * @timeout_ms: the new value
 *
 * Sets [property@S3dlio.Config:io-timeout-ms].
 */
void
s3dlio_config_set_io_timeout_ms (S3dlioConfig *self,
                                 guint         timeout_ms)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->io_timeout_ms, timeout_ms, PROP_IO_TIMEOUT_MS);
}

/**
 * s3dlio_config_get_operation_timeout:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:operation-timeout].
 *
 * Returns: the value of [property@S3dlio.Config:operation-timeout]
 */
guint
s3dlio_config_get_operation_timeout (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->operation_timeout;
}

/**
 * s3dlio_config_set_operation_timeout:
 * @self: a #S3dlioConfig
 * @timeout_seconds: the new value
 *
 * Sets [property@S3dlio.Config:operation-timeout].
 */
void
s3dlio_config_set_operation_timeout (S3dlioConfig *self,
                                     guint         timeout_seconds)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->operation_timeout, timeout_seconds, PROP_OPERATION_TIMEOUT);
}

/**
 * s3dlio_config_get_worker_threads:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:worker-threads].
 *
 * Returns: the value of [property@S3dlio.Config:worker-threads]
 */
guint
s3dlio_config_get_worker_threads (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->worker_threads;
}

/**
 * s3dlio_config_set_worker_threads:
 * @self: a #S3dlioConfig
 * @worker_threads: the new value
 *
 * Sets [property@S3dlio.Config:worker-threads].
 */
void
s3dlio_config_set_worker_threads (S3dlioConfig *self,
                                  guint         worker_threads)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->worker_threads, worker_threads, PROP_WORKER_THREADS);
}

/**
 * s3dlio_config_get_max_retries:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:max-retries].
 *
 * Returns: the value of [property@S3dlio.Config:max-retries]
 */
guint
s3dlio_config_get_max_retries (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->max_retries;
}

/**
 * s3dlio_config_set_max_retries:
 * @self: a #S3dlioConfig
 * @max_retries: the new value
 *
 * Sets [property@S3dlio.Config:max-retries].
 */
void
s3dlio_config_set_max_retries (S3dlioConfig *self,
                               guint         max_retries)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->max_retries, max_retries, PROP_MAX_RETRIES);
}

/**
 * s3dlio_config_get_busy_poll_us:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:busy-poll-us].
 *
 * Returns: the value of [property@S3dlio.Config:busy-poll-us]
 */
guint
s3dlio_config_get_busy_poll_us (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->busy_poll_us;
}

/**
 * s3dlio_config_set_busy_poll_us:
 * @self: a #S3dlioConfig
 * @busy_poll_us: the new value, in microseconds
 *
 * Sets [property@S3dlio.Config:busy-poll-us].
 */
void
s3dlio_config_set_busy_poll_us (S3dlioConfig *self,
                                guint         busy_poll_us)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->busy_poll_us, busy_poll_us, PROP_BUSY_POLL_US);
}

/**
 * s3dlio_config_get_optimized_http:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:optimized-http].
 *
 * Returns: the value of [property@S3dlio.Config:optimized-http]
 */
gboolean
s3dlio_config_get_optimized_http (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);
  return self->optimized_http;
}

/**
 * s3dlio_config_set_optimized_http:
 * @self: a #S3dlioConfig
 * @optimized_http: the new value
 *
 * Sets [property@S3dlio.Config:optimized-http].
 */
void
s3dlio_config_set_optimized_http (S3dlioConfig *self,
                                  gboolean      optimized_http)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_flag (self, self->optimized_http, optimized_http, PROP_OPTIMIZED_HTTP);
}

/**
 * s3dlio_config_get_head_first:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:head-first].
 *
 * Returns: the value of [property@S3dlio.Config:head-first]
 */
gboolean
s3dlio_config_get_head_first (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);
  return self->head_first;
}

/**
 * s3dlio_config_set_head_first:
 * @self: a #S3dlioConfig
 * @head_first: the new value
 *
 * Sets [property@S3dlio.Config:head-first].
 */
void
s3dlio_config_set_head_first (S3dlioConfig *self,
                              gboolean      head_first)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_flag (self, self->head_first, head_first, PROP_HEAD_FIRST);
}

/**
 * s3dlio_config_get_single_request:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:single-request].
 *
 * Returns: the value of [property@S3dlio.Config:single-request]
 */
gboolean
s3dlio_config_get_single_request (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);
  return self->single_request;
}

/**
 * s3dlio_config_set_single_request:
 * @self: a #S3dlioConfig
 * @single_request: the new value
 *
 * Sets [property@S3dlio.Config:single-request].
 */
void
s3dlio_config_set_single_request (S3dlioConfig *self,
                                  gboolean      single_request)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_flag (self, self->single_request, single_request, PROP_SINGLE_REQUEST);
}

/**
 * s3dlio_config_get_upload_part_size:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:upload-part-size].
 *
 * Returns: the value of [property@S3dlio.Config:upload-part-size]
 */
guint64
s3dlio_config_get_upload_part_size (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->upload_part_size;
}

/**
 * s3dlio_config_set_upload_part_size:
 * @self: a #S3dlioConfig
 * @part_size: the new value
 *
 * Sets [property@S3dlio.Config:upload-part-size].
 */
void
s3dlio_config_set_upload_part_size (S3dlioConfig *self,
                                    guint64       part_size)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint64 (self, &self->upload_part_size, part_size, PROP_UPLOAD_PART_SIZE);
}

/**
 * s3dlio_config_get_upload_threshold:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:upload-threshold].
 *
 * Returns: the value of [property@S3dlio.Config:upload-threshold]
 */
guint64
s3dlio_config_get_upload_threshold (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->upload_threshold;
}

/**
 * s3dlio_config_set_upload_threshold:
 * @self: a #S3dlioConfig
 * @threshold: the new value
 *
 * Sets [property@S3dlio.Config:upload-threshold].
 */
void
s3dlio_config_set_upload_threshold (S3dlioConfig *self,
                                    guint64       threshold)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint64 (self, &self->upload_threshold, threshold, PROP_UPLOAD_THRESHOLD);
}

/**
 * s3dlio_config_get_upload_inflight:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:upload-inflight].
 *
 * Returns: the value of [property@S3dlio.Config:upload-inflight]
 */
guint
s3dlio_config_get_upload_inflight (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), 0);
  return self->upload_inflight;
}

/**
 * s3dlio_config_set_upload_inflight:
 * @self: a #S3dlioConfig
 * @upload_inflight: the new value
 *
 * Sets [property@S3dlio.Config:upload-inflight].
 */
void
s3dlio_config_set_upload_inflight (S3dlioConfig *self,
                                   guint         upload_inflight)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_uint (self, &self->upload_inflight, upload_inflight, PROP_UPLOAD_INFLIGHT);
}

/**
 * s3dlio_config_get_unsigned_payload:
 * @self: a #S3dlioConfig
 *
 * Gets the value of [property@S3dlio.Config:unsigned-payload].
 *
 * Returns: the value of [property@S3dlio.Config:unsigned-payload]
 */
gboolean
s3dlio_config_get_unsigned_payload (S3dlioConfig *self)
{
  g_return_val_if_fail (S3DLIO_IS_CONFIG (self), FALSE);
  return self->unsigned_payload;
}

/**
 * s3dlio_config_set_unsigned_payload:
 * @self: a #S3dlioConfig
 * @unsigned_payload: the new value
 *
 * Sets [property@S3dlio.Config:unsigned-payload].
 */
void
s3dlio_config_set_unsigned_payload (S3dlioConfig *self,
                                    gboolean      unsigned_payload)
{
  g_return_if_fail (S3DLIO_IS_CONFIG (self));
  set_flag (self, self->unsigned_payload, unsigned_payload, PROP_UNSIGNED_PAYLOAD);
}
