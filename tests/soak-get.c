/* soak-get.c: many GETs through injected faults, every byte checked
 *
 * Runs --count GETs of objects from 1 MiB to --max-size against an
 * S3dlioServer in this process, in turn into memory, into a file, to a
 * GOutputStream, into one reused buffer and to a chunk function. About
 * --fault-rate of them meet a fault on one of their requests: 503 SlowDown,
 * 500 InternalError, a reset or a short body part-way through, a stall
 * longer than the I/O timeout, a wrong Content-Range, or the object
 * replaced between two parts. A fault either passes (it fires fewer times
 * than the client retries) or persists (it fires on every try), so the
 * outcome of every GET is known beforehand:
 *
 * - a GET that should succeed must deliver the object's bytes (SHA-256);
 * - a GET that should fail must fail with the S3DLIO_ERROR code that names
 *   the fault, a message naming the object, after the configured retries;
 * - a GET into a file leaves the file or nothing: no temporary file;
 * - no GET may outlive its deadline (it is then cancelled and counted as
 *   a hang).
 *
 * Exits 1 on wrong bytes, a hang, a leftover file, an unexpected outcome or
 * a warning from the library. Not a unit test: see "Fault soak" in
 * bench/README.md; meson test runs a short version (suite "soak").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <s3dlio.h>

#define KiB (G_GUINT64_CONSTANT (1) << 10)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

#define BUCKET            "soak"
#define IO_TIMEOUT_MS     300
#define MAX_RETRIES       3
#define CANCEL_GRACE_S    15

/* {{{ A GOutputStream that only hashes what is written to it */

#define SOAK_TYPE_HASH_STREAM (soak_hash_stream_get_type ())
G_DECLARE_FINAL_TYPE (SoakHashStream, soak_hash_stream, SOAK, HASH_STREAM, GOutputStream)

struct _SoakHashStream
{
  GOutputStream  parent_instance;

  GChecksum     *checksum;
  guint64        written;
};

G_DEFINE_FINAL_TYPE (SoakHashStream, soak_hash_stream, G_TYPE_OUTPUT_STREAM)

static gssize
soak_hash_stream_write (GOutputStream  *stream,
                        const void     *buffer,
                        gsize           count,
                        GCancellable   *cancellable,
                        GError        **error)
{
  SoakHashStream *self = SOAK_HASH_STREAM (stream);

  g_checksum_update (self->checksum, buffer, count);
  self->written += count;

  return count;
}

static void
soak_hash_stream_finalize (GObject *object)
{
  SoakHashStream *self = SOAK_HASH_STREAM (object);

  g_checksum_free (self->checksum);

  G_OBJECT_CLASS (soak_hash_stream_parent_class)->finalize (object);
}

static void
soak_hash_stream_class_init (SoakHashStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = soak_hash_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = soak_hash_stream_write;
}

static void
soak_hash_stream_init (SoakHashStream *self)
{
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

/* }}} */
/* {{{ Set-up */

typedef enum {
  MODE_MEMORY,
  MODE_FILE,
  MODE_STREAM,
  MODE_BUFFER,
  MODE_CHUNKS,
  N_MODES
} Mode;

static const char *mode_names[N_MODES] = {
  "memory", "file", "stream", "buffer", "chunks",
};

typedef enum {
  FAULT_NONE,
  FAULT_SLOW_DOWN,
  FAULT_INTERNAL_ERROR,
  FAULT_RESET,
  FAULT_STALL,
  FAULT_SHORT_BODY,
  FAULT_WRONG_CONTENT_RANGE,
  FAULT_REPLACED,
  N_FAULTS
} Fault;

static const char *fault_names[N_FAULTS] = {
  "none", "503 SlowDown", "500 InternalError", "reset", "stall",
  "short body", "wrong Content-Range", "object replaced",
};

typedef struct {
  char   *key;
  GBytes *data;
  char   *sha256;
} Object;

typedef struct {
  Fault              kind;
  gboolean           persistent;   /* fires on every try: the GET must fail */
  guint              count;        /* how often it fires, when it passes */
  guint              request;      /* which request of the GET it hits */
  guint64            range_start;
  S3dlioServerFault *fault;
} Plan;

typedef struct {
  /* Options */
  guint              count;
  guint32            seed;
  guint64            max_size;
  double             fault_rate;
  guint64            part_size;
  guint64            threshold;
  guint              n_objects;
  gboolean           verbose;

  /* Set-up */
  GRand             *rand;
  S3dlioServer      *server;
  S3dlioConfig      *config;
  S3dlioClient      *client;
  char              *tmpdir;
  Object            *objects;
  guint8            *buffer;
  gsize              buffer_size;

  /* Outcomes */
  guint              per_mode[N_MODES];
  guint              per_fault[N_FAULTS];
  guint              persistent_faults;
  guint              ok_first_try;
  guint              ok_after_retries;
  guint              failed_cleanly;
  guint              unexpected;
  guint              wrong_bytes;
  guint              hangs;
  guint              leftovers;
  guint              retries;
  guint              retries_without_fault;
  guint64            bytes_ok;
  guint64            bytes_requested;
} Soak;

static guint warnings;

/* Criticals abort (g_log_set_always_fatal); warnings are counted: a fault
 * must end as a GError, not as noise on stderr. */
static GLogWriterOutput
count_warnings (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_atomic_int_inc (&warnings);

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static GBytes *
random_bytes (GRand  *rand,
              gsize   size)
{
  guint32 *words = g_malloc (size + sizeof (guint32));

  for (gsize i = 0; i < size / sizeof (guint32) + 1; i++)
    words[i] = g_rand_int (rand);

  return g_bytes_new_take (words, size);
}

static char *
sha256_of (const guint8 *data,
           gsize         size)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
}

/* Log-uniform between @min and @max, then moved off any round number. */
static guint64
random_size (GRand   *rand,
             guint64  min,
             guint64  max)
{
  double size = exp (g_rand_double_range (rand, log ((double) min), log ((double) max)));

  return CLAMP ((guint64) size - g_rand_int_range (rand, 0, 4096), min, max);
}

static void
make_objects (Soak *soak)
{
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  soak->objects = g_new0 (Object, soak->n_objects);
  for (guint i = 0; i < soak->n_objects; i++)
    {
      Object *o = &soak->objects[i];
      g_autoptr(GRand) rand = g_rand_new_with_seed (g_rand_int (soak->rand));
      guint64 size;

      /* The smallest and the largest are always there. */
      if (i == 0)
        size = MIN (MiB, soak->max_size);
      else if (i == 1)
        size = soak->max_size;
      else
        size = random_size (soak->rand, MIN (MiB, soak->max_size), soak->max_size);

      o->key = g_strdup_printf ("objects/%02u-%" G_GUINT64_FORMAT, i, size);
      o->data = random_bytes (rand, size);
      o->sha256 = sha256_of (g_bytes_get_data (o->data, NULL), size);
      if (!s3dlio_server_put_object (soak->server, BUCKET, o->key, o->data, &error))
        g_error ("Cannot store %s: %s", o->key, error->message);
      total += size;
    }

  soak->buffer_size = soak->max_size;
  soak->buffer = g_malloc (soak->buffer_size);
  g_print ("%u objects, %.1f MiB in all\n", soak->n_objects, total / (double) MiB);
}

static void
set_up (Soak *soak)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;

  /* Signed: the server checks every request's SigV4 signature. */
  credentials = s3dlio_credentials_new ("AKIDSOAK", "soak-secret", NULL);
  soak->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (soak->server, credentials);
  if (!s3dlio_server_start (soak->server, &error) ||
      !s3dlio_server_create_bucket (soak->server, BUCKET, &error))
    g_error ("Cannot start the server: %s", error->message);

  uri = s3dlio_server_get_uri (soak->server);
  endpoint = s3dlio_endpoint_new (uri, "us-east-1", &error);
  if (endpoint == NULL)
    g_error ("%s", error->message);

  soak->config = s3dlio_config_new ();
  s3dlio_config_set_part_size (soak->config, soak->part_size);
  s3dlio_config_set_threshold (soak->config, soak->threshold);
  s3dlio_config_set_io_timeout_ms (soak->config, IO_TIMEOUT_MS);
  s3dlio_config_set_max_retries (soak->config, MAX_RETRIES);
  soak->client = s3dlio_client_new (endpoint, credentials, soak->config);

  soak->tmpdir = g_dir_make_tmp ("s3dlio-soak-XXXXXX", &error);
  if (soak->tmpdir == NULL)
    g_error ("%s", error->message);

  make_objects (soak);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
tear_down (Soak *soak)
{
  g_clear_object (&soak->client);
  s3dlio_server_stop (soak->server);
  g_clear_object (&soak->server);
  g_clear_object (&soak->config);
  for (guint i = 0; i < soak->n_objects; i++)
    {
      g_free (soak->objects[i].key);
      g_bytes_unref (soak->objects[i].data);
      g_free (soak->objects[i].sha256);
    }
  g_free (soak->objects);
  g_free (soak->buffer);
  remove_tree (soak->tmpdir);
  g_free (soak->tmpdir);
  g_rand_free (soak->rand);
}

/* }}} */
/* {{{ Faults */

/* The requests of a GET, as the engine makes them: the first part (whose
 * Content-Range gives the size), then the rest in one request below the
 * threshold, or in parts from it on. */
static guint
n_requests (Soak    *soak,
            guint64  size)
{
  if (size <= soak->part_size)
    return 1;
  if (size < soak->threshold)
    return 2;
  return (size + soak->part_size - 1) / soak->part_size;
}

static guint64
request_length (Soak    *soak,
                guint64  size,
                guint    request)
{
  if (request + 1 < n_requests (soak, size))
    return soak->part_size;
  return size - request * soak->part_size;
}

static void
plan_fault (Soak   *soak,
            Object *o,
            Plan   *plan)
{
  guint64 size = g_bytes_get_size (o->data);
  guint requests = n_requests (soak, size);
  guint64 length;

  memset (plan, 0, sizeof *plan);
  if (g_rand_double (soak->rand) >= soak->fault_rate)
    return;

  /* Replacing the object before the first request only gives the GET the
   * new object: it takes a second request to see a change. */
  plan->kind = g_rand_int_range (soak->rand, FAULT_SLOW_DOWN, requests > 1 ? N_FAULTS : FAULT_REPLACED);
  plan->request = plan->kind == FAULT_REPLACED
                  ? (guint) g_rand_int_range (soak->rand, 1, requests)
                  : (guint) g_rand_int_range (soak->rand, 0, requests);
  plan->range_start = (guint64) plan->request * soak->part_size;
  length = request_length (soak, size, plan->request);

  /* A quarter persist. Those that pass leave one retry spare, so a slow
   * moment on a busy machine does not turn into a failure. */
  plan->persistent = plan->kind != FAULT_REPLACED && g_rand_int_range (soak->rand, 0, 4) == 0;
  plan->count = plan->persistent || plan->kind == FAULT_REPLACED
                ? 0 : (guint) g_rand_int_range (soak->rand, 1, MAX_RETRIES);

  switch (plan->kind)
    {
    case FAULT_SLOW_DOWN:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);
      s3dlio_server_fault_set_status (plan->fault, 503);
      s3dlio_server_fault_set_s3_code (plan->fault, "SlowDown");
      break;
    case FAULT_INTERNAL_ERROR:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);
      s3dlio_server_fault_set_status (plan->fault, 500);
      s3dlio_server_fault_set_s3_code (plan->fault, "InternalError");
      break;
    case FAULT_RESET:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_RESET);
      s3dlio_server_fault_set_after_bytes (plan->fault, g_rand_int_range (soak->rand, 0, MIN (length, G_MAXINT32)));
      break;
    case FAULT_SHORT_BODY:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_SHORT_BODY);
      s3dlio_server_fault_set_after_bytes (plan->fault, g_rand_int_range (soak->rand, 0, MIN (length, G_MAXINT32)));
      break;
    case FAULT_STALL:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
      s3dlio_server_fault_set_after_bytes (plan->fault, g_rand_int_range (soak->rand, 0, MIN (length, MiB)));
      s3dlio_server_fault_set_stall_ms (plan->fault, g_rand_int_range (soak->rand, 3, 7) * IO_TIMEOUT_MS);
      break;
    case FAULT_WRONG_CONTENT_RANGE:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE);
      break;
    case FAULT_REPLACED:
      plan->fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_REPLACE_OBJECT);
      plan->count = 1;
      /* Half the time another size; otherwise the server flips a byte. */
      if (g_rand_boolean (soak->rand))
        {
          g_autoptr(GBytes) other = random_bytes (soak->rand, size / 2 + 1);

          s3dlio_server_fault_set_replacement (plan->fault, other);
        }
      break;
    case FAULT_NONE:
    case N_FAULTS:
    default:
      g_assert_not_reached ();
    }

  s3dlio_server_fault_set_method (plan->fault, "GET");
  s3dlio_server_fault_set_key_pattern (plan->fault, o->key);
  s3dlio_server_fault_set_range_start (plan->fault, plan->range_start);
  s3dlio_server_fault_set_count (plan->fault, plan->count);
  s3dlio_server_add_fault (soak->server, plan->fault);
}

/* The S3DLIO_ERROR code a GET must end with when @kind persists. */
static gboolean
error_names_fault (const GError *error,
                   Fault         kind)
{
  if (error->domain != S3DLIO_ERROR)
    return FALSE;

  switch (kind)
    {
    case FAULT_SLOW_DOWN:
      return error->code == S3DLIO_ERROR_THROTTLED;
    case FAULT_INTERNAL_ERROR:
      return error->code == S3DLIO_ERROR_SERVER_ERROR;
    case FAULT_RESET:
      return error->code == S3DLIO_ERROR_CONNECTION;
    case FAULT_STALL:
      return error->code == S3DLIO_ERROR_TIMEOUT;
    case FAULT_SHORT_BODY:
      return error->code == S3DLIO_ERROR_CONNECTION ||
             error->code == S3DLIO_ERROR_MALFORMED_RESPONSE;
    case FAULT_WRONG_CONTENT_RANGE:
      return error->code == S3DLIO_ERROR_MALFORMED_RESPONSE;
    case FAULT_REPLACED:
      return error->code == S3DLIO_ERROR_OBJECT_MODIFIED;
    case FAULT_NONE:
    case N_FAULTS:
    default:
      return FALSE;
    }
}

/* }}} */
/* {{{ One GET */

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Outcome *outcome = data;

  outcome->ok = s3dlio_client_download_finish (S3DLIO_CLIENT (source), result, &outcome->error);
  outcome->done = TRUE;
}

static gboolean
deadline_cb (gpointer data)
{
  gboolean *passed = data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

/* Chunks arrive from the worker threads, parts side by side: each lands
 * at its offset in the buffer. */
static gboolean
copy_chunk (guint64       offset,
            const guint8 *data,
            gsize         length,
            gpointer      user_data)
{
  Soak *soak = user_data;

  if (offset > soak->buffer_size || length > soak->buffer_size - offset)
    return FALSE;
  memcpy (soak->buffer + offset, data, length);
  return TRUE;
}

static char *
file_sha256 (const char *path,
             guint64    *size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *chunk = g_malloc (MiB);
  FILE *f = fopen (path, "rb");
  size_t n;

  *size = 0;
  if (f == NULL)
    return NULL;
  while ((n = fread (chunk, 1, MiB, f)) > 0)
    {
      g_checksum_update (checksum, chunk, n);
      *size += n;
    }
  fclose (f);

  return g_strdup (g_checksum_get_string (checksum));
}

/* What is in the temporary directory but @expected (which is removed):
 * after a GET, the file it made or nothing at all. */
static guint
count_leftovers (const char *directory,
                 const char *expected)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (expected == NULL || strcmp (name, expected) != 0)
        {
          g_printerr ("    leftover: %s\n", path);
          n++;
        }
      g_unlink (path);
    }

  return n;
}

/* Runs the GET; returns FALSE when it hung. */
static gboolean
run_bounded (Soak           *soak,
             S3dlioTransfer *transfer,
             guint64         size,
             const char     *label,
             Outcome        *outcome)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) deadline = NULL;
  /* Generous: retries cost a few I/O timeouts at most, and even a busy
   * 2-core machine moves 8 MiB in far less than a second. */
  guint deadline_s = 30 + size / (8 * MiB);
  gboolean passed = FALSE;
  gint64 grace_end;

  deadline = g_timeout_source_new_seconds (deadline_s);
  g_source_set_callback (deadline, deadline_cb, &passed, NULL);
  g_source_attach (deadline, NULL);

  s3dlio_client_download_async (soak->client, transfer, cancellable, downloaded_cb, outcome);
  while (!outcome->done && !passed)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (deadline);
  if (outcome->done)
    return TRUE;

  /* A hang: cancel it, and it must still end, and soon. */
  g_cancellable_cancel (cancellable);
  grace_end = g_get_monotonic_time () + CANCEL_GRACE_S * G_USEC_PER_SEC;
  while (!outcome->done && g_get_monotonic_time () < grace_end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  if (!outcome->done)
    {
      g_printerr ("soak-get: %s hung for %u s and did not end %u s after being cancelled (seed %u)\n",
                  label, deadline_s, CANCEL_GRACE_S, soak->seed);
      remove_tree (soak->tmpdir);
      exit (2);
    }

  return FALSE;
}

static char *
describe (guint   index,
          Object *o,
          Mode    mode,
          Plan   *plan)
{
  return g_strdup_printf ("GET %u: %s (%" G_GSIZE_FORMAT " bytes) into %s, fault %s%s on request %u"
                          " (range-start %" G_GUINT64_FORMAT ", count %u)",
                          index, o->key, g_bytes_get_size (o->data), mode_names[mode],
                          fault_names[plan->kind], plan->persistent ? " (persistent)" : "",
                          plan->request, plan->range_start, plan->count);
}

static void
report (const char *label,
        const char *what)
{
  g_printerr ("  %s: %s\n", label, what);
}

static void
run_one (Soak *soak,
         guint index)
{
  Object *o = &soak->objects[g_rand_int_range (soak->rand, 0, soak->n_objects)];
  Mode mode = index % N_MODES;
  guint64 size = g_bytes_get_size (o->data);
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autoptr(SoakHashStream) stream = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *got_sha = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  Outcome outcome = { 0, };
  gboolean expect_failure;
  guint64 got_size = 0;
  guint retries;
  Plan plan;

  plan_fault (soak, o, &plan);
  label = describe (index, o, mode, &plan);
  expect_failure = plan.persistent || plan.kind == FAULT_REPLACED;
  soak->per_mode[mode]++;
  soak->per_fault[plan.kind]++;
  soak->persistent_faults += plan.persistent;
  soak->bytes_requested += size;

  uri = s3dlio_uri_new_s3 (BUCKET, o->key, &error);
  g_assert_no_error (error);
  transfer = s3dlio_transfer_new (uri);
  switch (mode)
    {
    case MODE_MEMORY:
      break;
    case MODE_FILE:
      name = g_strdup_printf ("get-%u.out", index);
      path = g_build_filename (soak->tmpdir, name, NULL);
      s3dlio_transfer_set_destination_path (transfer, path);
      break;
    case MODE_STREAM:
      stream = g_object_new (SOAK_TYPE_HASH_STREAM, NULL);
      s3dlio_transfer_set_destination_stream (transfer, G_OUTPUT_STREAM (stream));
      break;
    case MODE_BUFFER:
    case MODE_CHUNKS:
      /* What a previous GET left there must not pass for this object. */
      memset (soak->buffer, 0xa5, size);
      if (mode == MODE_BUFFER)
        s3dlio_transfer_set_destination_buffer (transfer, soak->buffer, soak->buffer_size);
      else
        s3dlio_transfer_set_chunk_func (transfer, copy_chunk, soak, NULL);
      break;
    case N_MODES:
    default:
      g_assert_not_reached ();
    }

  if (!run_bounded (soak, transfer, size, label, &outcome))
    {
      soak->hangs++;
      report (label, "HUNG (cancelled at the deadline)");
      g_clear_error (&outcome.error);
      goto out;
    }
  error = g_steal_pointer (&outcome.error);
  retries = s3dlio_transfer_get_retries (transfer);
  soak->retries += retries;
  if (plan.kind == FAULT_NONE)
    soak->retries_without_fault += retries;

  if (mode == MODE_FILE)
    {
      if (outcome.ok)
        got_sha = file_sha256 (path, &got_size);
      soak->leftovers += count_leftovers (soak->tmpdir, outcome.ok ? name : NULL);
    }

  if (!outcome.ok)
    {
      g_autofree char *uri_text = s3dlio_uri_to_string (uri);
      gboolean clean = expect_failure &&
                       error_names_fault (error, plan.kind) &&
                       error->message != NULL && *error->message != '\0' &&
                       strstr (error->message, uri_text) != NULL &&
                       (plan.kind == FAULT_REPLACED || retries >= MAX_RETRIES);
      g_autofree char *what = g_strdup_printf ("%s: %s (%s %d), %u retries",
                                               clean ? "failed cleanly" : "UNEXPECTED FAILURE",
                                               error->message, g_quark_to_string (error->domain),
                                               error->code, retries);

      if (clean)
        soak->failed_cleanly++;
      else
        soak->unexpected++;
      if (!clean || soak->verbose)
        report (label, what);
      goto out;
    }

  switch (mode)
    {
    case MODE_MEMORY:
      {
        g_autoptr(GBytes) bytes = s3dlio_transfer_get_bytes (transfer);

        got_size = g_bytes_get_size (bytes);
        got_sha = sha256_of (g_bytes_get_data (bytes, NULL), got_size);
      }
      break;
    case MODE_STREAM:
      got_size = stream->written;
      got_sha = g_strdup (g_checksum_get_string (stream->checksum));
      break;
    case MODE_BUFFER:
    case MODE_CHUNKS:
      got_size = s3dlio_transfer_get_length (transfer);
      got_sha = sha256_of (soak->buffer, MIN (got_size, soak->buffer_size));
      break;
    case MODE_FILE:
    case N_MODES:
    default:
      break;
    }

  if (got_size != size || g_strcmp0 (got_sha, o->sha256) != 0)
    {
      g_autofree char *what = g_strdup_printf ("WRONG BYTES: %" G_GUINT64_FORMAT " bytes, sha256 %s, want %s",
                                               got_size, got_sha, o->sha256);

      soak->wrong_bytes++;
      report (label, what);
    }
  else if (expect_failure)
    {
      soak->unexpected++;
      report (label, "UNEXPECTED SUCCESS: the fault did not bite");
    }
  else
    {
      soak->bytes_ok += size;
      if (retries == 0)
        soak->ok_first_try++;
      else
        soak->ok_after_retries++;
      if (plan.fault != NULL && s3dlio_server_fault_get_hits (plan.fault) != plan.count)
        {
          g_autofree char *what = g_strdup_printf ("UNEXPECTED: the fault fired %u times",
                                                   s3dlio_server_fault_get_hits (plan.fault));

          soak->unexpected++;
          report (label, what);
        }
      else if (soak->verbose)
        {
          g_autofree char *what = g_strdup_printf ("ok, %u retries", retries);

          report (label, what);
        }
    }

out:
  if (plan.fault != NULL)
    {
      s3dlio_server_clear_faults (soak->server);
      g_clear_object (&plan.fault);
    }
  /* Undo a replacement. */
  if (plan.kind == FAULT_REPLACED)
    {
      g_autoptr(GError) restore_error = NULL;

      if (!s3dlio_server_put_object (soak->server, BUCKET, o->key, o->data, &restore_error))
        g_error ("Cannot restore %s: %s", o->key, restore_error->message);
    }
}

/* }}} */

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
print_summary (Soak   *soak,
               double  wall)
{
  g_print ("\nGETs:                  %u (", soak->count);
  for (guint m = 0; m < N_MODES; m++)
    g_print ("%s%s %u", m ? ", " : "", mode_names[m], soak->per_mode[m]);
  g_print (")\n");
  g_print ("faults injected:       %u, %u of them persistent (", soak->count - soak->per_fault[FAULT_NONE],
           soak->persistent_faults);
  for (guint f = FAULT_SLOW_DOWN; f < N_FAULTS; f++)
    g_print ("%s%s %u", f > FAULT_SLOW_DOWN ? ", " : "", fault_names[f], soak->per_fault[f]);
  g_print (")\n");
  g_print ("ok first try:          %u\n", soak->ok_first_try);
  g_print ("ok after retries:      %u\n", soak->ok_after_retries);
  g_print ("failed cleanly:        %u\n", soak->failed_cleanly);
  g_print ("unexpected outcomes:   %u\n", soak->unexpected);
  g_print ("wrong bytes:           %u\n", soak->wrong_bytes);
  g_print ("hangs:                 %u\n", soak->hangs);
  g_print ("leftover temp files:   %u\n", soak->leftovers);
  g_print ("library warnings:      %u\n", warnings);
  g_print ("retries:               %u (%u on GETs without a fault)\n", soak->retries, soak->retries_without_fault);
  g_print ("bytes moved:           %.2f GB delivered and checked, of %.2f GB asked for\n",
           soak->bytes_ok / 1e9, soak->bytes_requested / 1e9);
  g_print ("wall time:             %.1f s\n", wall);
}

static guint64 max_size_option;
static guint64 part_size_option;

static gboolean
parse_size_option (const char  *option_name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  guint64 *target = g_str_equal (option_name, "--max-size") ? &max_size_option : &part_size_option;

  return s3dlio_parse_size (value, target, error);
}

int
main (int   argc,
      char *argv[])
{
  int count = -1;
  gint64 seed = -1;
  double fault_rate = 0.2;
  int n_objects = 16;
  gboolean quick = FALSE;
  gboolean verbose = FALSE;
  const GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "How many GETs (default 1000, --quick 60)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the random choices (default: random, printed)", "SEED" },
    { "max-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_size_option, "Largest object (default 256M, --quick 8M)", "SIZE" },
    { "part-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_size_option, "Part size (default max-size/32, from 256K to 8M)", "SIZE" },
    { "fault-rate", 'f', 0, G_OPTION_ARG_DOUBLE, &fault_rate, "Share of GETs that meet a fault (default 0.2)", "RATE" },
    { "objects", 0, 0, G_OPTION_ARG_INT, &n_objects, "How many objects to pick from (default 16)", "N" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "A short run: --count 60 --max-size 8M", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print every GET", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- GETs through injected faults, every byte checked");
  g_autoptr(GError) error = NULL;
  Soak soak = { 0, };
  gint64 start;
  gboolean failed;

  /* Loopback only: no proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
  g_log_set_writer_func (count_warnings, NULL, NULL);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("soak-get: %s\n", error->message);
      return 1;
    }
  if (count < 0)
    count = quick ? 60 : 1000;
  if (max_size_option == 0)
    max_size_option = quick ? 8 * MiB : 256 * MiB;
  if (part_size_option == 0)
    part_size_option = CLAMP (max_size_option / 32, 256 * KiB, 8 * MiB);
  if (seed < 0)
    seed = g_random_int ();
  if (count == 0 || n_objects < 2 || fault_rate < 0 || fault_rate > 1 || seed > G_MAXUINT32 ||
      max_size_option < 4 * KiB || part_size_option < 4 * KiB)
    {
      g_printerr ("soak-get: bad option value: see --help\n");
      return 1;
    }

  soak.count = count;
  soak.seed = seed;
  soak.max_size = max_size_option;
  soak.part_size = part_size_option;
  soak.threshold = 4 * soak.part_size;
  soak.fault_rate = fault_rate;
  soak.n_objects = n_objects;
  soak.verbose = verbose;
  soak.rand = g_rand_new_with_seed (soak.seed);

  g_print ("soak-get --seed %u --count %u --max-size %" G_GUINT64_FORMAT " --fault-rate %.2f\n",
           soak.seed, soak.count, soak.max_size, soak.fault_rate);
  g_print ("part size %" G_GUINT64_FORMAT ", threshold %" G_GUINT64_FORMAT ", I/O timeout %u ms, %u retries\n",
           soak.part_size, soak.threshold, IO_TIMEOUT_MS, MAX_RETRIES);

  start = g_get_monotonic_time ();
  set_up (&soak);
  g_print ("set up in %.1f s\n", seconds_since (start));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < soak.count; i++)
    {
      run_one (&soak, i);
      if ((i + 1) % 100 == 0 && i + 1 < soak.count)
        g_print ("  %u GETs, %.1f s\n", i + 1, seconds_since (start));
    }
  print_summary (&soak, seconds_since (start));

  failed = soak.wrong_bytes || soak.hangs || soak.leftovers || soak.unexpected || warnings;
  g_print ("%s (seed %u)\n", failed ? "FAILED" : "passed", soak.seed);
  tear_down (&soak);

  return failed ? 1 : 0;
}
