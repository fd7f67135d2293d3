/* s3dlio-transfer.c: one download, its destination and its progress
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdatomic.h>
#include <string.h>

#include "s3dlio-enum-types.h"
#include "s3dlio-error.h"
#include "s3dlio-transfer-private.h"

/**
 * S3dlioTransfer:
 *
 * One download: which object (and which range of it), where its bytes go,
 * and how it is going.
 *
 * Make one with [ctor@S3dlio.Transfer.new], choose a destination (by
 * default the object is returned in memory, see
 * [method@S3dlio.Transfer.get_bytes]), and run it with
 * [method@S3dlio.Client.download_async].
 *
 * While it runs, its properties (bytes done, parts in flight, throughput…)
 * are updated and [signal@S3dlio.Transfer::progress] is emitted on the
 * main context the download was started from, a few times per second (see
 * [property@S3dlio.Transfer:progress-interval]), and once more at the end.
 * The state of every ranged GET is available for a map of the transfer
 * with [method@S3dlio.Transfer.get_part_states].
 *
 * A transfer runs once.
 */

#define DEFAULT_PROGRESS_INTERVAL_MS 200

/* A byte of part_states: an S3dlioPartState, and a mark for a part that
 * was ever retried. */
#define PART_STATE_MASK 0x7f
#define PART_RETRIED    0x80

struct _S3dlioTransfer
{
  GObject               parent_instance;

  S3dlioUri            *uri;
  guint64               range_offset;
  guint64               range_length;
  guint                 has_range : 1;

  /* Destination. */
  S3dlioSinkKind        sink_kind;
  char                 *path;
  guint8               *buffer;
  gsize                 buffer_size;
  GOutputStream        *stream;
  S3dlioChunkFunc       chunk_func;
  gpointer              chunk_data;
  GDestroyNotify        chunk_destroy;
  GBytes               *bytes;

  /* Written by the worker threads. */
  GMutex                layout_mutex;
  guint64               live_total_size;
  guint64               live_length;
  guint                 live_n_parts;
  char                 *live_etag;
  guint8               *part_states;     /* NULL once all done, unless one was retried */
  gboolean              all_parts_done;
  _Atomic guint64       live_bytes_done;
  _Atomic guint         live_parts_done;
  _Atomic guint         live_parts_in_flight;
  _Atomic guint         live_retries;
  _Atomic guint         live_requests;

  /* What the properties show, refreshed on the caller's context. */
  S3dlioTransferState   state;
  guint64               total_size;
  guint64               bytes_done;
  guint                 n_parts;
  guint                 parts_done;
  guint                 parts_in_flight;
  guint                 retries;
  guint                 requests;
  double                throughput;
  double                average_throughput;
  double                elapsed;
  char                 *etag;

  guint                 progress_interval;
  GSource              *progress_source;
  gint64                start_time;
  gint64                last_tick_time;
  guint64               last_tick_bytes;
};

G_DEFINE_FINAL_TYPE (S3dlioTransfer, s3dlio_transfer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_STATE,
  PROP_TOTAL_SIZE,
  PROP_BYTES_DONE,
  PROP_N_PARTS,
  PROP_PARTS_DONE,
  PROP_PARTS_IN_FLIGHT,
  PROP_RETRIES,
  PROP_REQUESTS,
  PROP_THROUGHPUT,
  PROP_AVERAGE_THROUGHPUT,
  PROP_ELAPSED,
  PROP_ETAG,
  PROP_PROGRESS_INTERVAL,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_destination (S3dlioTransfer *self)
{
  if (self->chunk_destroy != NULL)
    self->chunk_destroy (self->chunk_data);
  self->chunk_func = NULL;
  self->chunk_data = NULL;
  self->chunk_destroy = NULL;
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->stream);
  self->buffer = NULL;
  self->buffer_size = 0;
  self->sink_kind = S3DLIO_SINK_MEMORY;
}

static void
stop_progress (S3dlioTransfer *self)
{
  if (self->progress_source != NULL)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
}

static void
s3dlio_transfer_finalize (GObject *object)
{
  S3dlioTransfer *self = (S3dlioTransfer *) object;

  stop_progress (self);
  clear_destination (self);
  g_clear_object (&self->uri);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->live_etag, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->part_states, g_free);
  g_mutex_clear (&self->layout_mutex);

  G_OBJECT_CLASS (s3dlio_transfer_parent_class)->finalize (object);
}

static void
s3dlio_transfer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  S3dlioTransfer *self = S3DLIO_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_object (value, self->uri);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TOTAL_SIZE:
      g_value_set_uint64 (value, self->total_size);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;
    case PROP_N_PARTS:
      g_value_set_uint (value, self->n_parts);
      break;
    case PROP_PARTS_DONE:
      g_value_set_uint (value, self->parts_done);
      break;
    case PROP_PARTS_IN_FLIGHT:
      g_value_set_uint (value, self->parts_in_flight);
      break;
    case PROP_RETRIES:
      g_value_set_uint (value, self->retries);
      break;
    case PROP_REQUESTS:
      g_value_set_uint (value, self->requests);
      break;
    case PROP_THROUGHPUT:
      g_value_set_double (value, self->throughput);
      break;
    case PROP_AVERAGE_THROUGHPUT:
      g_value_set_double (value, self->average_throughput);
      break;
    case PROP_ELAPSED:
      g_value_set_double (value, self->elapsed);
      break;
    case PROP_ETAG:
      g_value_set_string (value, self->etag);
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_uint (value, self->progress_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_transfer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  S3dlioTransfer *self = S3DLIO_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_object (value);
      break;
    case PROP_PROGRESS_INTERVAL:
      s3dlio_transfer_set_progress_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STATUS_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
s3dlio_transfer_class_init (S3dlioTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_transfer_finalize;
  object_class->get_property = s3dlio_transfer_get_property;
  object_class->set_property = s3dlio_transfer_set_property;

  /**
   * S3dlioTransfer:uri:
   *
   * The object to download.
   */
  properties[PROP_URI] =
    g_param_spec_object ("uri", NULL, NULL, S3DLIO_TYPE_URI,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioTransfer:state:
   *
   * Where the transfer is in its life.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       S3DLIO_TYPE_TRANSFER_STATE, S3DLIO_TRANSFER_STATE_PENDING,
                       STATUS_FLAGS);

  /**
   * S3dlioTransfer:total-size:
   *
   * The size of the whole object in bytes, once known (0 before).
   */
  properties[PROP_TOTAL_SIZE] =
    g_param_spec_uint64 ("total-size", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:bytes-done:
   *
   * How many bytes have arrived and been written to the destination.
   * When an attempt at a part fails, its bytes are taken back, so the
   * count never runs past the length.
   */
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:n-parts:
   *
   * How many ranged GETs the download is split into, once known.
   */
  properties[PROP_N_PARTS] =
    g_param_spec_uint ("n-parts", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:parts-done:
   *
   * How many parts are complete.
   */
  properties[PROP_PARTS_DONE] =
    g_param_spec_uint ("parts-done", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:parts-in-flight:
   *
   * How many parts have a request under way.
   */
  properties[PROP_PARTS_IN_FLIGHT] =
    g_param_spec_uint ("parts-in-flight", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:retries:
   *
   * How many requests were retried after a transient failure.
   */
  properties[PROP_RETRIES] =
    g_param_spec_uint ("retries", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:requests:
   *
   * How many HTTP requests were sent, retries included.
   */
  properties[PROP_REQUESTS] =
    g_param_spec_uint ("requests", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:throughput:
   *
   * The current throughput in bytes per second, over the last progress
   * interval.
   */
  properties[PROP_THROUGHPUT] =
    g_param_spec_double ("throughput", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:average-throughput:
   *
   * Bytes per second since the transfer started.
   */
  properties[PROP_AVERAGE_THROUGHPUT] =
    g_param_spec_double ("average-throughput", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:elapsed:
   *
   * Seconds since the transfer started (until it ended, once it has).
   */
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioTransfer:etag:
   *
   * The ETag of the object being downloaded, once known. Every part is
   * requested with `If-Match` on it.
   */
  properties[PROP_ETAG] =
    g_param_spec_string ("etag", NULL, NULL, NULL, STATUS_FLAGS);

  /**
   * S3dlioTransfer:progress-interval:
   *
   * How often, in milliseconds, the properties are refreshed and
   * [signal@S3dlio.Transfer::progress] is emitted while the transfer runs.
   * From 10 to 10000, default 200.
   */
  properties[PROP_PROGRESS_INTERVAL] =
    g_param_spec_uint ("progress-interval", NULL, NULL,
                       10, 10000, DEFAULT_PROGRESS_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioTransfer::progress:
   * @self: the transfer
   *
   * Emitted on the main context the transfer was started from, every
   * [property@S3dlio.Transfer:progress-interval] milliseconds while it runs
   * and once when it ends, after the properties were refreshed.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
s3dlio_transfer_init (S3dlioTransfer *self)
{
  g_mutex_init (&self->layout_mutex);
  self->progress_interval = DEFAULT_PROGRESS_INTERVAL_MS;
  self->sink_kind = S3DLIO_SINK_MEMORY;
}

/**
 * s3dlio_transfer_new:
 * @uri: the object to download (an `s3://` or `file://` URI)
 *
 * Creates a transfer of the whole of @uri into memory. Choose another
 * destination or a range before running it.
 *
 * Returns: (transfer full): a new #S3dlioTransfer
 */
S3dlioTransfer *
s3dlio_transfer_new (S3dlioUri *uri)
{
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  return g_object_new (S3DLIO_TYPE_TRANSFER, "uri", uri, NULL);
}

/**
 * s3dlio_transfer_get_uri:
 * @self: a #S3dlioTransfer
 *
 * Gets the object the transfer downloads.
 *
 * Returns: (transfer none): the object being downloaded
 */
S3dlioUri *
s3dlio_transfer_get_uri (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), NULL);

  return self->uri;
}

static gboolean
check_pending (S3dlioTransfer *self,
               const char     *func)
{
  if (self->state != S3DLIO_TRANSFER_STATE_PENDING)
    {
      g_critical ("%s: the transfer has already been started", func);
      return FALSE;
    }
  return TRUE;
}

/**
 * s3dlio_transfer_set_range:
 * @self: a #S3dlioTransfer
 * @offset: the first byte to download
 * @length: how many bytes to download; %G_MAXUINT64 for up to the end
 *
 * Downloads only part of the object. A range that runs past the end of
 * the object is cut at the end; one that starts past it fails with
 * %S3DLIO_ERROR_INVALID_RANGE. Large ranges are split like whole objects.
 */
void
s3dlio_transfer_set_range (S3dlioTransfer *self,
                           guint64         offset,
                           guint64         length)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  if (!check_pending (self, G_STRFUNC))
    return;

  self->has_range = TRUE;
  self->range_offset = offset;
  self->range_length = length;
}

/**
 * s3dlio_transfer_set_destination_path:
 * @self: a #S3dlioTransfer
 * @path: (type filename): the file to write
 *
 * Writes the object to @path. The data goes to a temporary file in the
 * same directory, sized up front, each part written at its offset as it
 * arrives; the file is renamed to @path only when every byte is there, so
 * a failed or cancelled download never leaves a file that looks complete.
 * Memory stays bounded by the parts in flight, whatever the object size.
 */
void
s3dlio_transfer_set_destination_path (S3dlioTransfer *self,
                                      const char     *path)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  g_return_if_fail (path != NULL);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_destination (self);
  self->sink_kind = S3DLIO_SINK_PATH;
  self->path = g_strdup (path);
}

/**
 * s3dlio_transfer_set_destination_buffer: (skip)
 * @self: a #S3dlioTransfer
 * @buffer: memory to write the object into
 * @size: the size of @buffer
 *
 * Writes the object straight into @buffer, each part at its offset, so a
 * data loader can reuse the same memory for many downloads. The transfer
 * fails with %S3DLIO_ERROR_INVALID_ARGUMENT if the object does not fit.
 * @buffer must stay valid until the transfer has ended.
 * [method@S3dlio.Transfer.get_length] tells how much was written.
 */
void
s3dlio_transfer_set_destination_buffer (S3dlioTransfer *self,
                                        guint8         *buffer,
                                        gsize           size)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  g_return_if_fail (buffer != NULL || size == 0);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_destination (self);
  self->sink_kind = S3DLIO_SINK_BUFFER;
  self->buffer = buffer;
  self->buffer_size = size;
}

/**
 * s3dlio_transfer_set_destination_stream:
 * @self: a #S3dlioTransfer
 * @stream: a stream to write the object to, in order
 *
 * Writes the object to @stream in order, as standard output needs. Parts
 * still run concurrently; memory is bounded by the in-flight window. The
 * stream is written from the client's worker threads, one write at a time,
 * and is not closed.
 */
void
s3dlio_transfer_set_destination_stream (S3dlioTransfer *self,
                                        GOutputStream  *stream)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_destination (self);
  self->sink_kind = S3DLIO_SINK_STREAM;
  self->stream = g_object_ref (stream);
}

/**
 * s3dlio_transfer_set_chunk_func:
 * @self: a #S3dlioTransfer
 * @func: (scope notified) (closure user_data) (destroy destroy): the function
 *   that receives the data
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the transfer no longer needs it
 *
 * Hands the object to @func piece by piece as it arrives, out of small
 * reused buffers (at most 1 MiB per part in flight), for consumers that
 * hash, decode or discard data as it comes. See #S3dlioChunkFunc for the
 * threads it runs in.
 */
void
s3dlio_transfer_set_chunk_func (S3dlioTransfer  *self,
                                S3dlioChunkFunc  func,
                                gpointer         user_data,
                                GDestroyNotify   destroy)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  g_return_if_fail (func != NULL);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_destination (self);
  self->sink_kind = S3DLIO_SINK_CHUNKS;
  self->chunk_func = func;
  self->chunk_data = user_data;
  self->chunk_destroy = destroy;
}

/**
 * s3dlio_transfer_set_discard:
 * @self: a #S3dlioTransfer
 *
 * Reads the object and throws the bytes away (they are still counted and
 * checked), to measure the network and the client alone.
 */
void
s3dlio_transfer_set_discard (S3dlioTransfer *self)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_destination (self);
  self->sink_kind = S3DLIO_SINK_DISCARD;
}

/**
 * s3dlio_transfer_get_bytes:
 * @self: a #S3dlioTransfer
 *
 * Gets the downloaded object when no other destination was chosen. The
 * bytes are the buffer the parts were written into: no copy is made.
 *
 * Returns: (transfer full) (nullable): the object, or %NULL before the
 *   transfer is done or when it had another destination
 */
GBytes *
s3dlio_transfer_get_bytes (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), NULL);

  return self->bytes ? g_bytes_ref (self->bytes) : NULL;
}

/**
 * s3dlio_transfer_get_length:
 * @self: a #S3dlioTransfer
 *
 * Gets how many bytes the download covers: the object size, or the length
 * of the range once it was cut at the end of the object.
 *
 * Returns: the length in bytes, 0 until known
 */
guint64
s3dlio_transfer_get_length (S3dlioTransfer *self)
{
  guint64 length;

  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);

  g_mutex_lock (&self->layout_mutex);
  length = self->live_length;
  g_mutex_unlock (&self->layout_mutex);

  return length;
}

/**
 * s3dlio_transfer_get_state:
 * @self: a #S3dlioTransfer
 *
 * Gets the state of the transfer.
 *
 * Returns: the state of the transfer
 */
S3dlioTransferState
s3dlio_transfer_get_state (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), S3DLIO_TRANSFER_STATE_PENDING);
  return self->state;
}

/**
 * s3dlio_transfer_get_total_size:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:total-size].
 *
 * Returns: the value of [property@S3dlio.Transfer:total-size]
 */
guint64
s3dlio_transfer_get_total_size (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->total_size;
}

/**
 * s3dlio_transfer_get_bytes_done:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:bytes-done].
 *
 * Returns: the value of [property@S3dlio.Transfer:bytes-done]
 */
guint64
s3dlio_transfer_get_bytes_done (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->bytes_done;
}

/**
 * s3dlio_transfer_get_n_parts:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:n-parts].
 *
 * Returns: the value of [property@S3dlio.Transfer:n-parts]
 */
guint
s3dlio_transfer_get_n_parts (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->n_parts;
}

/**
 * s3dlio_transfer_get_parts_done:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:parts-done].
 *
 * Returns: the value of [property@S3dlio.Transfer:parts-done]
 */
guint
s3dlio_transfer_get_parts_done (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->parts_done;
}

/**
 * s3dlio_transfer_get_parts_in_flight:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:parts-in-flight].
 *
 * Returns: the value of [property@S3dlio.Transfer:parts-in-flight]
 */
guint
s3dlio_transfer_get_parts_in_flight (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->parts_in_flight;
}

/**
 * s3dlio_transfer_get_retries:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:retries].
 *
 * Returns: the value of [property@S3dlio.Transfer:retries]
 */
guint
s3dlio_transfer_get_retries (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->retries;
}

/**
 * s3dlio_transfer_get_requests:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:requests].
 *
 * Returns: the value of [property@S3dlio.Transfer:requests]
 */
guint
s3dlio_transfer_get_requests (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->requests;
}

/**
 * s3dlio_transfer_get_throughput:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:throughput].
 *
 * Returns: the value of [property@S3dlio.Transfer:throughput]
 */
double
s3dlio_transfer_get_throughput (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->throughput;
}

/**
 * s3dlio_transfer_get_average_throughput:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:average-throughput].
 *
 * Returns: the value of [property@S3dlio.Transfer:average-throughput]
 */
double
s3dlio_transfer_get_average_throughput (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->average_throughput;
}

/**
 * s3dlio_transfer_get_elapsed:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:elapsed].
 *
 * Returns: the value of [property@S3dlio.Transfer:elapsed]
 */
double
s3dlio_transfer_get_elapsed (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->elapsed;
}

/**
 * s3dlio_transfer_get_etag:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:etag].
 *
 * Returns: (nullable): the value of [property@S3dlio.Transfer:etag]
 */
const char *
s3dlio_transfer_get_etag (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), NULL);
  return self->etag;
}

/**
 * s3dlio_transfer_get_part_state:
 * @self: a #S3dlioTransfer
 * @index: a part number, from 0 to [property@S3dlio.Transfer:n-parts] - 1
 *
 * Gets the live state of one part.
 *
 * Returns: the state of the part (%S3DLIO_PART_STATE_PENDING for an
 *   index out of range)
 */
S3dlioPartState
s3dlio_transfer_get_part_state (S3dlioTransfer *self,
                                guint           index)
{
  S3dlioPartState state = S3DLIO_PART_STATE_PENDING;

  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), S3DLIO_PART_STATE_PENDING);

  g_mutex_lock (&self->layout_mutex);
  if (index < self->live_n_parts && self->part_states != NULL)
    state = __atomic_load_n (&self->part_states[index], __ATOMIC_RELAXED) & PART_STATE_MASK;
  else if (index < self->live_n_parts && self->all_parts_done)
    state = S3DLIO_PART_STATE_DONE;
  g_mutex_unlock (&self->layout_mutex);

  return state;
}

/**
 * s3dlio_transfer_get_part_states:
 * @self: a #S3dlioTransfer
 *
 * Gets the live state of every part at once, for drawing a map of the
 * whole download: one byte per part, each an #S3dlioPartState value.
 *
 * Returns: (transfer full): the states, empty until the layout is known
 */
GBytes *
s3dlio_transfer_get_part_states (S3dlioTransfer *self)
{
  guint8 *copy;
  guint n;

  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), NULL);

  g_mutex_lock (&self->layout_mutex);
  n = self->part_states || self->all_parts_done ? self->live_n_parts : 0;
  copy = g_malloc (MAX (n, 1));
  if (self->part_states == NULL)
    memset (copy, S3DLIO_PART_STATE_DONE, n);
  for (guint i = 0; self->part_states != NULL && i < n; i++)
    copy[i] = __atomic_load_n (&self->part_states[i], __ATOMIC_RELAXED) & PART_STATE_MASK;
  g_mutex_unlock (&self->layout_mutex);

  return g_bytes_new_take (copy, n);
}

/**
 * s3dlio_transfer_get_retried_parts:
 * @self: a #S3dlioTransfer
 *
 * Gets which parts needed more than one attempt so far, whatever their
 * state now: a part waits in %S3DLIO_PART_STATE_RETRYING only for its
 * backoff, often between two progress reports, and a map of the transfer
 * should still show it was retried once it is done.
 *
 * Returns: (transfer full): one byte per part, 1 for a part that was
 *   retried and 0 for one that was not; empty until the layout is known
 */
GBytes *
s3dlio_transfer_get_retried_parts (S3dlioTransfer *self)
{
  guint8 *copy;
  guint n;

  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), NULL);

  g_mutex_lock (&self->layout_mutex);
  n = self->part_states || self->all_parts_done ? self->live_n_parts : 0;
  copy = g_malloc0 (MAX (n, 1));
  for (guint i = 0; self->part_states != NULL && i < n; i++)
    copy[i] = (__atomic_load_n (&self->part_states[i], __ATOMIC_RELAXED) & PART_RETRIED) != 0;
  g_mutex_unlock (&self->layout_mutex);

  return g_bytes_new_take (copy, n);
}

/**
 * s3dlio_transfer_get_progress_interval:
 * @self: a #S3dlioTransfer
 *
 * Gets the value of [property@S3dlio.Transfer:progress-interval].
 *
 * Returns: the value of [property@S3dlio.Transfer:progress-interval]
 */
guint
s3dlio_transfer_get_progress_interval (S3dlioTransfer *self)
{
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (self), 0);
  return self->progress_interval;
}

/**
 * s3dlio_transfer_set_progress_interval:
 * @self: a #S3dlioTransfer
 * @interval_ms: the new interval, from 10 to 10000 ms
 *
 * Sets [property@S3dlio.Transfer:progress-interval]. It applies from the
 * next start of a transfer.
 */
void
s3dlio_transfer_set_progress_interval (S3dlioTransfer *self,
                                       guint           interval_ms)
{
  g_return_if_fail (S3DLIO_IS_TRANSFER (self));
  g_return_if_fail (interval_ms >= 10 && interval_ms <= 10000);

  if (self->progress_interval == interval_ms)
    return;

  self->progress_interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_INTERVAL]);
}

/* Private API for the engine. */

S3dlioSinkKind
_s3dlio_transfer_get_sink_kind (S3dlioTransfer *self)
{
  return self->sink_kind;
}

const char *
_s3dlio_transfer_get_path (S3dlioTransfer *self)
{
  return self->path;
}

guint8 *
_s3dlio_transfer_get_buffer (S3dlioTransfer *self,
                             gsize          *size)
{
  *size = self->buffer_size;
  return self->buffer;
}

GOutputStream *
_s3dlio_transfer_get_stream (S3dlioTransfer *self)
{
  return self->stream;
}

S3dlioChunkFunc
_s3dlio_transfer_get_chunk_func (S3dlioTransfer *self,
                                 gpointer       *user_data)
{
  *user_data = self->chunk_data;
  return self->chunk_func;
}

gboolean
_s3dlio_transfer_get_range (S3dlioTransfer *self,
                            guint64        *offset,
                            guint64        *length)
{
  *offset = self->has_range ? self->range_offset : 0;
  *length = self->has_range ? self->range_length : G_MAXUINT64;
  return self->has_range;
}

#define SET_AND_NOTIFY(field, value, prop)                                \
  G_STMT_START {                                                          \
    if (self->field != (value))                                           \
      {                                                                   \
        self->field = (value);                                            \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);     \
      }                                                                   \
  } G_STMT_END

/* Copies the live counters into the properties, on the caller's context. */
static void
refresh (S3dlioTransfer *self,
         gboolean        final)
{
  gint64 now = g_get_monotonic_time ();
  guint64 bytes = atomic_load (&self->live_bytes_done);
  guint64 total;
  guint n_parts;
  g_autofree char *etag = NULL;
  double interval = (now - self->last_tick_time) / (double) G_USEC_PER_SEC;
  double elapsed = (now - self->start_time) / (double) G_USEC_PER_SEC;

  g_mutex_lock (&self->layout_mutex);
  total = self->live_total_size;
  n_parts = self->live_n_parts;
  etag = g_strdup (self->live_etag);
  g_mutex_unlock (&self->layout_mutex);

  g_object_freeze_notify (G_OBJECT (self));

  SET_AND_NOTIFY (total_size, total, PROP_TOTAL_SIZE);
  SET_AND_NOTIFY (bytes_done, bytes, PROP_BYTES_DONE);
  SET_AND_NOTIFY (n_parts, n_parts, PROP_N_PARTS);
  SET_AND_NOTIFY (parts_done, atomic_load (&self->live_parts_done), PROP_PARTS_DONE);
  SET_AND_NOTIFY (parts_in_flight, atomic_load (&self->live_parts_in_flight), PROP_PARTS_IN_FLIGHT);
  SET_AND_NOTIFY (retries, atomic_load (&self->live_retries), PROP_RETRIES);
  SET_AND_NOTIFY (requests, atomic_load (&self->live_requests), PROP_REQUESTS);

  if (g_strcmp0 (self->etag, etag) != 0)
    {
      g_free (self->etag);
      self->etag = g_steal_pointer (&etag);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETAG]);
    }

  if (!final && interval > 0)
    SET_AND_NOTIFY (throughput, (bytes - self->last_tick_bytes) / interval, PROP_THROUGHPUT);
  if (elapsed > 0)
    SET_AND_NOTIFY (average_throughput, bytes / elapsed, PROP_AVERAGE_THROUGHPUT);
  if (final)
    SET_AND_NOTIFY (throughput, self->average_throughput, PROP_THROUGHPUT);
  SET_AND_NOTIFY (elapsed, elapsed, PROP_ELAPSED);

  self->last_tick_time = now;
  self->last_tick_bytes = bytes;

  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[PROGRESS], 0);
}

static gboolean
progress_tick (gpointer data)
{
  refresh (S3DLIO_TRANSFER (data), FALSE);
  return G_SOURCE_CONTINUE;
}

static void
set_state (S3dlioTransfer      *self,
           S3dlioTransferState  state)
{
  SET_AND_NOTIFY (state, state, PROP_STATE);
}

gboolean
_s3dlio_transfer_begin (S3dlioTransfer  *self,
                        GMainContext    *context,
                        GError         **error)
{
  if (self->state != S3DLIO_TRANSFER_STATE_PENDING)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("This transfer has already been run; make a new one"));
      return FALSE;
    }

  self->start_time = self->last_tick_time = g_get_monotonic_time ();
  set_state (self, S3DLIO_TRANSFER_STATE_RUNNING);

  /* The source holds no reference: the transfer outlives it, since the
   * running operation holds the transfer and stops the source at its end. */
  self->progress_source = g_timeout_source_new (self->progress_interval);
  g_source_set_callback (self->progress_source, progress_tick, self, NULL);
  g_source_set_static_name (self->progress_source, "[s3dlio] transfer progress");
  g_source_attach (self->progress_source, context);

  return TRUE;
}

/* A batch may keep thousands of finished transfers: what one no longer
 * needs goes. Once it is done, so is every part: the states go and are
 * read back as done (the workers are gone: they had ended every part
 * before the end was posted), unless a part was retried, which the
 * states remember. So does the live ETag, copied into the property by
 * the last refresh. The sink made its own copy of the path. */
static void
release_finished (S3dlioTransfer *self)
{
  g_mutex_lock (&self->layout_mutex);
  if (atomic_load (&self->live_retries) == 0)
    g_clear_pointer (&self->part_states, g_free);
  g_clear_pointer (&self->live_etag, g_free);
  self->all_parts_done = TRUE;
  g_mutex_unlock (&self->layout_mutex);

  g_clear_pointer (&self->path, g_free);
}

void
_s3dlio_transfer_end (S3dlioTransfer *self,
                      const GError   *error,
                      GBytes         *bytes)
{
  S3dlioTransferState state;

  stop_progress (self);

  if (error == NULL)
    state = S3DLIO_TRANSFER_STATE_DONE;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = S3DLIO_TRANSFER_STATE_CANCELLED;
  else
    state = S3DLIO_TRANSFER_STATE_FAILED;

  if (bytes != NULL)
    {
      g_clear_pointer (&self->bytes, g_bytes_unref);
      self->bytes = g_bytes_ref (bytes);
    }

  g_object_freeze_notify (G_OBJECT (self));
  refresh (self, TRUE);
  set_state (self, state);
  g_object_thaw_notify (G_OBJECT (self));

  if (state == S3DLIO_TRANSFER_STATE_DONE)
    release_finished (self);
}

void
_s3dlio_transfer_set_layout (S3dlioTransfer *self,
                             guint64         total_size,
                             guint64         length,
                             guint           n_parts,
                             const char     *etag)
{
  g_mutex_lock (&self->layout_mutex);
  self->live_total_size = total_size;
  self->live_length = length;
  g_free (self->live_etag);
  self->live_etag = g_strdup (etag);
  g_free (self->part_states);
  self->part_states = g_malloc0 (MAX (n_parts, 1));
  self->live_n_parts = n_parts;
  g_mutex_unlock (&self->layout_mutex);
}

void
_s3dlio_transfer_set_part_state (S3dlioTransfer  *self,
                                 guint            index,
                                 S3dlioPartState  state)
{
  guint8 *slot;
  guint8 seen, next;
  S3dlioPartState old;

  g_return_if_fail (index < self->live_n_parts);

  /* The retried mark stays with the part whatever its state next. */
  slot = &self->part_states[index];
  seen = __atomic_load_n (slot, __ATOMIC_RELAXED);
  do
    next = (guint8) state | (seen & PART_RETRIED) |
           (state == S3DLIO_PART_STATE_RETRYING ? PART_RETRIED : 0);
  while (!__atomic_compare_exchange_n (slot, &seen, next, TRUE, __ATOMIC_RELAXED, __ATOMIC_RELAXED));

  old = seen & PART_STATE_MASK;
  if (old == state)
    return;

  if (old == S3DLIO_PART_STATE_IN_FLIGHT)
    atomic_fetch_sub (&self->live_parts_in_flight, 1);
  if (state == S3DLIO_PART_STATE_IN_FLIGHT)
    atomic_fetch_add (&self->live_parts_in_flight, 1);
  if (state == S3DLIO_PART_STATE_DONE)
    atomic_fetch_add (&self->live_parts_done, 1);
}

/* A failed attempt's bytes will come again with the retry. */
void
_s3dlio_transfer_take_back_bytes (S3dlioTransfer *self,
                                  guint64         n_bytes)
{
  atomic_fetch_sub_explicit (&self->live_bytes_done, n_bytes, memory_order_relaxed);
}

void
_s3dlio_transfer_add_bytes (S3dlioTransfer *self,
                            guint64         n_bytes)
{
  atomic_fetch_add_explicit (&self->live_bytes_done, n_bytes, memory_order_relaxed);
}

void
_s3dlio_transfer_add_request (S3dlioTransfer *self)
{
  atomic_fetch_add (&self->live_requests, 1);
}

void
_s3dlio_transfer_add_retry (S3dlioTransfer *self)
{
  atomic_fetch_add (&self->live_retries, 1);
}
