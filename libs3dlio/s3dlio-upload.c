/* s3dlio-upload.c: one upload, its source and its progress
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
#include "s3dlio-upload-private.h"

/**
 * S3dlioUpload:
 *
 * One upload: which object to write, where its bytes come from, its
 * `Content-Type` and user metadata, and how it is going.
 *
 * Make one with [ctor@S3dlio.Upload.new], choose a source
 * ([method@S3dlio.Upload.set_source_bytes],
 * [method@S3dlio.Upload.set_source_path] or
 * [method@S3dlio.Upload.set_source_stream]), and run it with
 * [method@S3dlio.Client.upload_async]. The shortcuts
 * [method@S3dlio.Client.put_async], [method@S3dlio.Client.put_file_async]
 * and [method@S3dlio.Client.put_stream_async] make one for you.
 *
 * While it runs, its properties (bytes sent, parts in flight,
 * throughput…) are updated and [signal@S3dlio.Upload::progress] is emitted
 * on the main context the upload was started from, a few times per second
 * (see [property@S3dlio.Upload:progress-interval]), and once more at the
 * end. The state of every part is available for a map of the upload with
 * [method@S3dlio.Upload.get_part_states].
 *
 * An upload runs once.
 */

#define DEFAULT_PROGRESS_INTERVAL_MS 200

struct _S3dlioUpload
{
  GObject                 parent_instance;

  S3dlioUri              *uri;
  char                   *content_type;
  GHashTable             *metadata;

  /* Source. */
  S3dlioUploadSourceKind  source_kind;
  GBytes                 *source_bytes;
  char                   *source_path;
  GInputStream           *source_stream;
  gint64                  source_size;

  /* Written by the worker threads. */
  GMutex                  live_mutex;
  guint64                 live_total_size;
  char                   *live_upload_id;
  guint                   live_n_parts;
  guint8                 *part_states;
  _Atomic gint64          live_bytes_done;
  _Atomic guint           live_parts_done;
  _Atomic guint           live_parts_in_flight;
  _Atomic guint           live_retries;
  _Atomic guint           live_requests;

  /* What the properties show, refreshed on the caller's context. */
  S3dlioTransferState     state;
  guint64                 total_size;
  guint64                 bytes_done;
  guint                   n_parts;
  guint                   parts_done;
  guint                   parts_in_flight;
  guint                   retries;
  guint                   requests;
  double                  throughput;
  double                  average_throughput;
  double                  elapsed;
  char                   *etag;
  char                   *upload_id;

  guint                   progress_interval;
  GSource                *progress_source;
  gint64                  start_time;
  gint64                  last_tick_time;
  guint64                 last_tick_bytes;
};

G_DEFINE_FINAL_TYPE (S3dlioUpload, s3dlio_upload, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_CONTENT_TYPE,
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
  PROP_UPLOAD_ID,
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
clear_source (S3dlioUpload *self)
{
  g_clear_pointer (&self->source_bytes, g_bytes_unref);
  g_clear_pointer (&self->source_path, g_free);
  g_clear_object (&self->source_stream);
  self->source_size = -1;
  self->source_kind = S3DLIO_UPLOAD_SOURCE_NONE;
}

static void
stop_progress (S3dlioUpload *self)
{
  if (self->progress_source != NULL)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
}

static void
s3dlio_upload_finalize (GObject *object)
{
  S3dlioUpload *self = (S3dlioUpload *) object;

  stop_progress (self);
  clear_source (self);
  g_clear_object (&self->uri);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_clear_pointer (&self->live_upload_id, g_free);
  g_clear_pointer (&self->part_states, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->upload_id, g_free);
  g_mutex_clear (&self->live_mutex);

  G_OBJECT_CLASS (s3dlio_upload_parent_class)->finalize (object);
}

static void
s3dlio_upload_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  S3dlioUpload *self = S3DLIO_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_object (value, self->uri);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
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
    case PROP_UPLOAD_ID:
      g_value_set_string (value, self->upload_id);
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_uint (value, self->progress_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_upload_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  S3dlioUpload *self = S3DLIO_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_object (value);
      break;
    case PROP_CONTENT_TYPE:
      s3dlio_upload_set_content_type (self, g_value_get_string (value));
      break;
    case PROP_PROGRESS_INTERVAL:
      s3dlio_upload_set_progress_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STATUS_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
s3dlio_upload_class_init (S3dlioUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_upload_finalize;
  object_class->get_property = s3dlio_upload_get_property;
  object_class->set_property = s3dlio_upload_set_property;

  /**
   * S3dlioUpload:uri:
   *
   * The object to write.
   */
  properties[PROP_URI] =
    g_param_spec_object ("uri", NULL, NULL, S3DLIO_TYPE_URI,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioUpload:content-type:
   *
   * The `Content-Type` the object is stored with, or %NULL to leave it to
   * the server (S3 uses `binary/octet-stream`).
   */
  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioUpload:state:
   *
   * Where the upload is in its life.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       S3DLIO_TYPE_TRANSFER_STATE, S3DLIO_TRANSFER_STATE_PENDING,
                       STATUS_FLAGS);

  /**
   * S3dlioUpload:total-size:
   *
   * The size of the object in bytes, once known: at the start for bytes,
   * files and streams of known size, at the end of the stream otherwise
   * (0 before).
   */
  properties[PROP_TOTAL_SIZE] =
    g_param_spec_uint64 ("total-size", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:bytes-done:
   *
   * How many bytes have been sent. The bytes of an attempt that failed are
   * taken back when the part is retried, so this never exceeds
   * [property@S3dlio.Upload:total-size].
   */
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:n-parts:
   *
   * How many requests carry the object: 1 for a single PUT, the number of
   * parts of a multipart upload (for a stream of unknown size, the parts
   * read so far).
   */
  properties[PROP_N_PARTS] =
    g_param_spec_uint ("n-parts", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:parts-done:
   *
   * How many parts the server has accepted.
   */
  properties[PROP_PARTS_DONE] =
    g_param_spec_uint ("parts-done", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:parts-in-flight:
   *
   * How many parts have a request under way.
   */
  properties[PROP_PARTS_IN_FLIGHT] =
    g_param_spec_uint ("parts-in-flight", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:retries:
   *
   * How many part requests were retried after a transient failure.
   */
  properties[PROP_RETRIES] =
    g_param_spec_uint ("retries", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:requests:
   *
   * How many HTTP requests were sent: parts (retries included), and the
   * requests that create, complete or abort a multipart upload.
   */
  properties[PROP_REQUESTS] =
    g_param_spec_uint ("requests", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:throughput:
   *
   * The current throughput in bytes per second, over the last progress
   * interval.
   */
  properties[PROP_THROUGHPUT] =
    g_param_spec_double ("throughput", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:average-throughput:
   *
   * Bytes per second since the upload started.
   */
  properties[PROP_AVERAGE_THROUGHPUT] =
    g_param_spec_double ("average-throughput", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:elapsed:
   *
   * Seconds since the upload started (until it ended, once it has).
   */
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioUpload:etag:
   *
   * The ETag the server gave the new object, once the upload is done.
   */
  properties[PROP_ETAG] =
    g_param_spec_string ("etag", NULL, NULL, NULL, STATUS_FLAGS);

  /**
   * S3dlioUpload:upload-id:
   *
   * The id of the multipart upload, once the server has created it; %NULL
   * for an object sent with a single PUT.
   */
  properties[PROP_UPLOAD_ID] =
    g_param_spec_string ("upload-id", NULL, NULL, NULL, STATUS_FLAGS);

  /**
   * S3dlioUpload:progress-interval:
   *
   * How often, in milliseconds, the properties are refreshed and
   * [signal@S3dlio.Upload::progress] is emitted while the upload runs.
   * From 10 to 10000, default 200.
   */
  properties[PROP_PROGRESS_INTERVAL] =
    g_param_spec_uint ("progress-interval", NULL, NULL,
                       10, 10000, DEFAULT_PROGRESS_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioUpload::progress:
   * @self: the upload
   *
   * Emitted on the main context the upload was started from, every
   * [property@S3dlio.Upload:progress-interval] milliseconds while it runs
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
s3dlio_upload_init (S3dlioUpload *self)
{
  g_mutex_init (&self->live_mutex);
  self->progress_interval = DEFAULT_PROGRESS_INTERVAL_MS;
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->source_kind = S3DLIO_UPLOAD_SOURCE_NONE;
  self->source_size = -1;
}

/**
 * s3dlio_upload_new:
 * @uri: the object to write (an `s3://` URI with a key)
 *
 * Creates an upload to @uri. Choose a source before running it.
 *
 * Returns: (transfer full): a new #S3dlioUpload
 */
S3dlioUpload *
s3dlio_upload_new (S3dlioUri *uri)
{
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  return g_object_new (S3DLIO_TYPE_UPLOAD, "uri", uri, NULL);
}

/**
 * s3dlio_upload_get_uri:
 * @self: a #S3dlioUpload
 *
 * Gets the object the upload writes.
 *
 * Returns: (transfer none): the object being written
 */
S3dlioUri *
s3dlio_upload_get_uri (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);

  return self->uri;
}

static gboolean
check_pending (S3dlioUpload *self,
               const char   *func)
{
  if (self->state != S3DLIO_TRANSFER_STATE_PENDING)
    {
      g_critical ("%s: the upload has already been started", func);
      return FALSE;
    }
  return TRUE;
}

/**
 * s3dlio_upload_set_source_bytes:
 * @self: a #S3dlioUpload
 * @data: the content of the object
 *
 * Uploads @data. Parts of a multipart upload are slices of @data: no copy
 * is made.
 */
void
s3dlio_upload_set_source_bytes (S3dlioUpload *self,
                                GBytes       *data)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  g_return_if_fail (data != NULL);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_source (self);
  self->source_kind = S3DLIO_UPLOAD_SOURCE_BYTES;
  self->source_bytes = g_bytes_ref (data);
}

/**
 * s3dlio_upload_set_source_path:
 * @self: a #S3dlioUpload
 * @path: (type filename): a regular file
 *
 * Uploads the file at @path. Its size is read when the upload starts;
 * parts are read with `pread()` into one buffer each, on the client's
 * worker threads, just before they are sent, so memory stays bounded by
 * [property@S3dlio.Config:upload-part-size] times
 * [property@S3dlio.Config:upload-inflight] whatever the file size. A file
 * that changes size or modification time during the upload fails it.
 */
void
s3dlio_upload_set_source_path (S3dlioUpload *self,
                               const char   *path)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  g_return_if_fail (path != NULL);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_source (self);
  self->source_kind = S3DLIO_UPLOAD_SOURCE_PATH;
  self->source_path = g_strdup (path);
}

/**
 * s3dlio_upload_set_source_stream:
 * @self: a #S3dlioUpload
 * @stream: the stream to read the object from
 * @size: how many bytes @stream gives, or -1 if that is not known
 *
 * Uploads what @stream gives until its end. The stream is read in order,
 * [property@S3dlio.Config:upload-part-size] bytes at a time, on the main
 * context the upload was started from, while the parts read so far are
 * sent concurrently, at most [property@S3dlio.Config:upload-inflight] at
 * a time (and as many in memory). A stream of unknown size that ends
 * within the first part is sent with a single PUT. If @size is given, a
 * stream that ends early or goes on fails the upload. The stream is not
 * closed.
 */
void
s3dlio_upload_set_source_stream (S3dlioUpload *self,
                                 GInputStream *stream,
                                 gint64        size)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (size >= -1);
  if (!check_pending (self, G_STRFUNC))
    return;

  clear_source (self);
  self->source_kind = S3DLIO_UPLOAD_SOURCE_STREAM;
  self->source_stream = g_object_ref (stream);
  self->source_size = size;
}

/**
 * s3dlio_upload_get_content_type:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:content-type].
 *
 * Returns: (nullable): the value of [property@S3dlio.Upload:content-type]
 */
const char *
s3dlio_upload_get_content_type (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);

  return self->content_type;
}

/**
 * s3dlio_upload_set_content_type:
 * @self: a #S3dlioUpload
 * @content_type: (nullable): a media type such as `text/plain`, or %NULL
 *
 * Sets [property@S3dlio.Upload:content-type].
 */
void
s3dlio_upload_set_content_type (S3dlioUpload *self,
                                const char   *content_type)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  if (!check_pending (self, G_STRFUNC))
    return;

  if (g_strcmp0 (self->content_type, content_type) == 0)
    return;

  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT_TYPE]);
}

/**
 * s3dlio_upload_get_metadata:
 * @self: a #S3dlioUpload
 *
 * Gets the user metadata the object is stored with, by name without the
 * `x-amz-meta-` prefix.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the metadata; do not
 *   change it, use [method@S3dlio.Upload.set_metadata_value]
 */
GHashTable *
s3dlio_upload_get_metadata (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);

  return self->metadata;
}

/**
 * s3dlio_upload_set_metadata:
 * @self: a #S3dlioUpload
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name
 *   (without the `x-amz-meta-` prefix), or %NULL for none
 *
 * Replaces the user metadata, sent as `x-amz-meta-<name>: <value>`
 * headers. @metadata is copied. S3 stores names in lowercase, and accepts
 * at most 2 KiB of metadata in all. Names must be valid HTTP header names
 * and values may not hold control characters: the upload fails with
 * %S3DLIO_ERROR_INVALID_ARGUMENT otherwise. S3 expects ASCII values;
 * other UTF-8 is sent as it is.
 */
void
s3dlio_upload_set_metadata (S3dlioUpload *self,
                            GHashTable   *metadata)
{
  GHashTableIter iter;
  gpointer name, value;

  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  if (!check_pending (self, G_STRFUNC))
    return;

  g_hash_table_remove_all (self->metadata);
  if (metadata == NULL)
    return;

  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (name != NULL && value != NULL)
      g_hash_table_insert (self->metadata, g_strdup (name), g_strdup (value));
}

/**
 * s3dlio_upload_set_metadata_value:
 * @self: a #S3dlioUpload
 * @name: a metadata name, without the `x-amz-meta-` prefix
 * @value: (nullable): its value, or %NULL to remove it
 *
 * Sets or removes one user metadata value. See
 * [method@S3dlio.Upload.set_metadata].
 */
void
s3dlio_upload_set_metadata_value (S3dlioUpload *self,
                                  const char   *name,
                                  const char   *value)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  g_return_if_fail (name != NULL);
  if (!check_pending (self, G_STRFUNC))
    return;

  if (value == NULL)
    g_hash_table_remove (self->metadata, name);
  else
    g_hash_table_insert (self->metadata, g_strdup (name), g_strdup (value));
}

/**
 * s3dlio_upload_get_state:
 * @self: a #S3dlioUpload
 *
 * Gets the state of the upload.
 *
 * Returns: the state of the upload
 */
S3dlioTransferState
s3dlio_upload_get_state (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), S3DLIO_TRANSFER_STATE_PENDING);
  return self->state;
}

/**
 * s3dlio_upload_get_total_size:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:total-size].
 *
 * Returns: the value of [property@S3dlio.Upload:total-size]
 */
guint64
s3dlio_upload_get_total_size (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->total_size;
}

/**
 * s3dlio_upload_get_bytes_done:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:bytes-done].
 *
 * Returns: the value of [property@S3dlio.Upload:bytes-done]
 */
guint64
s3dlio_upload_get_bytes_done (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->bytes_done;
}

/**
 * s3dlio_upload_get_n_parts:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:n-parts].
 *
 * Returns: the value of [property@S3dlio.Upload:n-parts]
 */
guint
s3dlio_upload_get_n_parts (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->n_parts;
}

/**
 * s3dlio_upload_get_parts_done:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:parts-done].
 *
 * Returns: the value of [property@S3dlio.Upload:parts-done]
 */
guint
s3dlio_upload_get_parts_done (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->parts_done;
}

/**
 * s3dlio_upload_get_parts_in_flight:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:parts-in-flight].
 *
 * Returns: the value of [property@S3dlio.Upload:parts-in-flight]
 */
guint
s3dlio_upload_get_parts_in_flight (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->parts_in_flight;
}

/**
 * s3dlio_upload_get_retries:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:retries].
 *
 * Returns: the value of [property@S3dlio.Upload:retries]
 */
guint
s3dlio_upload_get_retries (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->retries;
}

/**
 * s3dlio_upload_get_requests:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:requests].
 *
 * Returns: the value of [property@S3dlio.Upload:requests]
 */
guint
s3dlio_upload_get_requests (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->requests;
}

/**
 * s3dlio_upload_get_throughput:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:throughput].
 *
 * Returns: the value of [property@S3dlio.Upload:throughput]
 */
double
s3dlio_upload_get_throughput (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->throughput;
}

/**
 * s3dlio_upload_get_average_throughput:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:average-throughput].
 *
 * Returns: the value of [property@S3dlio.Upload:average-throughput]
 */
double
s3dlio_upload_get_average_throughput (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->average_throughput;
}

/**
 * s3dlio_upload_get_elapsed:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:elapsed].
 *
 * Returns: the value of [property@S3dlio.Upload:elapsed]
 */
double
s3dlio_upload_get_elapsed (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->elapsed;
}

/**
 * s3dlio_upload_get_etag:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:etag].
 *
 * Returns: (nullable): the value of [property@S3dlio.Upload:etag]
 */
const char *
s3dlio_upload_get_etag (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);
  return self->etag;
}

/**
 * s3dlio_upload_get_upload_id:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:upload-id].
 *
 * Returns: (nullable): the value of [property@S3dlio.Upload:upload-id]
 */
const char *
s3dlio_upload_get_upload_id (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);
  return self->upload_id;
}

/**
 * s3dlio_upload_get_part_state:
 * @self: a #S3dlioUpload
 * @index: a part index, from 0 to [property@S3dlio.Upload:n-parts] - 1
 *   (part number @index + 1)
 *
 * Gets the live state of one part.
 *
 * Returns: the state of the part (%S3DLIO_PART_STATE_PENDING for an
 *   index out of range)
 */
S3dlioPartState
s3dlio_upload_get_part_state (S3dlioUpload *self,
                              guint         index)
{
  S3dlioPartState state = S3DLIO_PART_STATE_PENDING;

  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), S3DLIO_PART_STATE_PENDING);

  g_mutex_lock (&self->live_mutex);
  if (index < self->live_n_parts)
    state = self->part_states[index];
  g_mutex_unlock (&self->live_mutex);

  return state;
}

/**
 * s3dlio_upload_get_part_states:
 * @self: a #S3dlioUpload
 *
 * Gets the live state of every part at once, for drawing a map of the
 * whole upload: one byte per part, each an #S3dlioPartState value.
 *
 * Returns: (transfer full): the states, empty until the parts are known
 */
GBytes *
s3dlio_upload_get_part_states (S3dlioUpload *self)
{
  GBytes *states;

  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), NULL);

  g_mutex_lock (&self->live_mutex);
  states = g_bytes_new (self->part_states, self->live_n_parts);
  g_mutex_unlock (&self->live_mutex);

  return states;
}

/**
 * s3dlio_upload_get_progress_interval:
 * @self: a #S3dlioUpload
 *
 * Gets the value of [property@S3dlio.Upload:progress-interval].
 *
 * Returns: the value of [property@S3dlio.Upload:progress-interval]
 */
guint
s3dlio_upload_get_progress_interval (S3dlioUpload *self)
{
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (self), 0);
  return self->progress_interval;
}

/**
 * s3dlio_upload_set_progress_interval:
 * @self: a #S3dlioUpload
 * @interval_ms: the new interval, from 10 to 10000 ms
 *
 * Sets [property@S3dlio.Upload:progress-interval]. It applies from the
 * next start of an upload.
 */
void
s3dlio_upload_set_progress_interval (S3dlioUpload *self,
                                     guint         interval_ms)
{
  g_return_if_fail (S3DLIO_IS_UPLOAD (self));
  g_return_if_fail (interval_ms >= 10 && interval_ms <= 10000);

  if (self->progress_interval == interval_ms)
    return;

  self->progress_interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_INTERVAL]);
}

/* Private API for the engine. */

S3dlioUploadSourceKind
_s3dlio_upload_get_source_kind (S3dlioUpload *self)
{
  return self->source_kind;
}

GBytes *
_s3dlio_upload_get_source_bytes (S3dlioUpload *self)
{
  return self->source_bytes;
}

const char *
_s3dlio_upload_get_source_path (S3dlioUpload *self)
{
  return self->source_path;
}

GInputStream *
_s3dlio_upload_get_source_stream (S3dlioUpload *self,
                                  gint64       *size)
{
  *size = self->source_size;
  return self->source_stream;
}

#define SET_AND_NOTIFY(field, value, prop)                                \
  G_STMT_START {                                                          \
    if (self->field != (value))                                           \
      {                                                                   \
        self->field = (value);                                            \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);     \
      }                                                                   \
  } G_STMT_END

static void
set_string (S3dlioUpload  *self,
            char         **field,
            char          *value,
            guint          prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }

  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Copies the live counters into the properties, on the caller's context. */
static void
refresh (S3dlioUpload *self,
         gboolean      final)
{
  gint64 now = g_get_monotonic_time ();
  gint64 signed_bytes = atomic_load (&self->live_bytes_done);
  guint64 bytes = signed_bytes > 0 ? (guint64) signed_bytes : 0;
  guint64 total;
  guint n_parts;
  char *upload_id;
  double interval = (now - self->last_tick_time) / (double) G_USEC_PER_SEC;
  double elapsed = (now - self->start_time) / (double) G_USEC_PER_SEC;

  g_mutex_lock (&self->live_mutex);
  total = self->live_total_size;
  n_parts = self->live_n_parts;
  upload_id = g_strdup (self->live_upload_id);
  g_mutex_unlock (&self->live_mutex);

  g_object_freeze_notify (G_OBJECT (self));

  SET_AND_NOTIFY (total_size, total, PROP_TOTAL_SIZE);
  SET_AND_NOTIFY (bytes_done, bytes, PROP_BYTES_DONE);
  SET_AND_NOTIFY (n_parts, n_parts, PROP_N_PARTS);
  SET_AND_NOTIFY (parts_done, atomic_load (&self->live_parts_done), PROP_PARTS_DONE);
  SET_AND_NOTIFY (parts_in_flight, atomic_load (&self->live_parts_in_flight), PROP_PARTS_IN_FLIGHT);
  SET_AND_NOTIFY (retries, atomic_load (&self->live_retries), PROP_RETRIES);
  SET_AND_NOTIFY (requests, atomic_load (&self->live_requests), PROP_REQUESTS);
  set_string (self, &self->upload_id, upload_id, PROP_UPLOAD_ID);

  if (!final && interval > 0)
    SET_AND_NOTIFY (throughput, (bytes - MIN (bytes, self->last_tick_bytes)) / interval, PROP_THROUGHPUT);
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
  refresh (S3DLIO_UPLOAD (data), FALSE);
  return G_SOURCE_CONTINUE;
}

gboolean
_s3dlio_upload_begin (S3dlioUpload  *self,
                      GMainContext  *context,
                      GError       **error)
{
  if (self->state != S3DLIO_TRANSFER_STATE_PENDING)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("This upload has already been run; make a new one"));
      return FALSE;
    }

  self->start_time = self->last_tick_time = g_get_monotonic_time ();
  SET_AND_NOTIFY (state, S3DLIO_TRANSFER_STATE_RUNNING, PROP_STATE);

  /* The source holds no reference: the upload outlives it, since the
   * running operation holds the upload and stops the source at its end. */
  self->progress_source = g_timeout_source_new (self->progress_interval);
  g_source_set_callback (self->progress_source, progress_tick, self, NULL);
  g_source_set_static_name (self->progress_source, "[s3dlio] upload progress");
  g_source_attach (self->progress_source, context);

  return TRUE;
}

void
_s3dlio_upload_end (S3dlioUpload *self,
                    const GError *error,
                    const char   *etag)
{
  S3dlioTransferState state;

  stop_progress (self);

  if (error == NULL)
    state = S3DLIO_TRANSFER_STATE_DONE;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = S3DLIO_TRANSFER_STATE_CANCELLED;
  else
    state = S3DLIO_TRANSFER_STATE_FAILED;

  g_object_freeze_notify (G_OBJECT (self));
  refresh (self, TRUE);
  set_string (self, &self->etag, g_strdup (etag), PROP_ETAG);
  SET_AND_NOTIFY (state, state, PROP_STATE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_s3dlio_upload_set_total_size (S3dlioUpload *self,
                               guint64       total_size)
{
  g_mutex_lock (&self->live_mutex);
  self->live_total_size = total_size;
  g_mutex_unlock (&self->live_mutex);
}

void
_s3dlio_upload_set_upload_id (S3dlioUpload *self,
                              const char   *upload_id)
{
  g_mutex_lock (&self->live_mutex);
  g_free (self->live_upload_id);
  self->live_upload_id = g_strdup (upload_id);
  g_mutex_unlock (&self->live_mutex);
}

void
_s3dlio_upload_set_n_parts (S3dlioUpload *self,
                            guint         n_parts)
{
  g_mutex_lock (&self->live_mutex);
  if (n_parts > self->live_n_parts)
    {
      self->part_states = g_realloc (self->part_states, n_parts);
      memset (self->part_states + self->live_n_parts, S3DLIO_PART_STATE_PENDING,
              n_parts - self->live_n_parts);
      self->live_n_parts = n_parts;
    }
  g_mutex_unlock (&self->live_mutex);
}

void
_s3dlio_upload_set_part_state (S3dlioUpload    *self,
                               guint            index,
                               S3dlioPartState  state)
{
  S3dlioPartState old;

  g_mutex_lock (&self->live_mutex);
  if (index >= self->live_n_parts)
    {
      g_mutex_unlock (&self->live_mutex);
      g_return_if_reached ();
    }
  old = self->part_states[index];
  self->part_states[index] = state;
  g_mutex_unlock (&self->live_mutex);

  if (old == state)
    return;

  if (old == S3DLIO_PART_STATE_IN_FLIGHT)
    atomic_fetch_sub (&self->live_parts_in_flight, 1);
  if (state == S3DLIO_PART_STATE_IN_FLIGHT)
    atomic_fetch_add (&self->live_parts_in_flight, 1);
  if (state == S3DLIO_PART_STATE_DONE)
    atomic_fetch_add (&self->live_parts_done, 1);
}

void
_s3dlio_upload_add_bytes (S3dlioUpload *self,
                          gint64        n_bytes)
{
  atomic_fetch_add_explicit (&self->live_bytes_done, n_bytes, memory_order_relaxed);
}

void
_s3dlio_upload_add_request (S3dlioUpload *self)
{
  atomic_fetch_add (&self->live_requests, 1);
}

void
_s3dlio_upload_add_retry (S3dlioUpload *self)
{
  atomic_fetch_add (&self->live_retries, 1);
}
