/* s3dlio-put.c: the upload engine (PUT and multipart uploads)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "s3dlio-bounded-read-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-multipart-private.h"
#include "s3dlio-upload-private.h"
#include "s3dlio-xml-private.h"

/* How an upload goes:
 *
 * 1. The size is learnt (bytes, file, or a stream's declared size). An
 *    object below upload-threshold (or empty) is sent with one PUT. A
 *    stream of unknown size is read one part first: if it ends there, it
 *    is sent with one PUT too.
 * 2. Otherwise CreateMultipartUpload gives an upload id, and the parts go
 *    out at most upload-inflight at a time, spread over the worker
 *    threads. Each part's body is made on its worker just before it is
 *    sent: a slice of the bytes (no copy), or a pread() of the file into a
 *    buffer of its own; its SHA-256 (signed payload) or MD5 (unsigned
 *    payload, sent as Content-MD5) is computed there too, once, and kept
 *    with the buffer for retries. A part's buffer is freed as soon as the
 *    server has it, so at most upload-inflight buffers exist at a time.
 *    Streams are read in order, one part at a time, on the caller's main
 *    context, never more than upload-inflight parts ahead of the server.
 * 3. A part that fails transiently is retried on its own with backoff;
 *    anything else fails the upload and stops the other parts at once.
 * 4. When every part is in, CompleteMultipartUpload lists them with their
 *    ETags in order (a 200 whose body is an <Error> is an error). On any
 *    failure, cancellation included, the upload is aborted once no part
 *    is in flight any more, so that no orphaned parts remain, and only
 *    then does the operation return.
 *
 * An upload is a GTask; everything else hangs off its task data. Each
 * request in flight, retry wait or stream read holds a reference on the
 * task.
 *
 * Stopping: every cancellable is cancelled on the thread that uses it (a
 * part's on its worker, the stream read's on the caller's context), never
 * from another thread: GLib 2.74 leaks a GCancellableSource that is
 * destroyed while another thread emits "cancelled" on its cancellable, and
 * libsoup makes such sources for every socket wait. */

typedef enum {
  PART_SINGLE,   /* the whole object, one PUT */
  PART_MULTI,    /* UploadPart */
} PartKind;

typedef struct _Put Put;

typedef struct {
  Put          *put;
  guint         index;          /* the part number is index + 1 */
  PartKind      kind;
  guint64       offset;
  guint64       length;
  GBytes       *data;           /* the body, once made; kept for retries */
  char         *sha256;         /* hex, for a signed payload */
  char         *md5;            /* base64, for an unsigned one */
  char         *etag;
  guint         attempt;
  gboolean      give_up;        /* a local failure: no retry */

  /* The attempt under way. */
  S3dlioWorker *worker;
  SoupMessage  *msg;
  GCancellable *cancellable;    /* only touched on the worker */
  GSource      *retry_wait;     /* under the mutex */
  guint64       sent;
  gint64        sent_us;
} Part;

/* A stream read under way. */
typedef struct _Read {
  GTask        *task;
  guint8       *buffer;
  gsize         size;
  GCancellable *cancellable;
} Read;

struct _Put
{
  S3dlioClient           *client;
  S3dlioSessionPool      *pool;
  S3dlioUpload           *upload;
  GTask                  *task;          /* unowned: it owns us */
  GMainContext           *context;
  char                   *bucket;
  char                   *key;
  char                   *uri_string;
  char                   *content_type;
  GHashTable             *metadata;

  guint64                 part_size;
  guint64                 threshold;
  guint                   inflight;
  guint                   max_retries;
  gboolean                unsigned_payload;

  S3dlioUploadSourceKind  source_kind;
  GBytes                 *bytes;
  char                   *path;
  int                     fd;
  struct stat             file_stat;
  GInputStream           *stream;
  gint64                  declared_size; /* -1: unknown */

  GCancellable           *caller_cancellable;
  gulong                  caller_cancel_id;
  Read                   *read;          /* under way; on the caller's context */

  GMutex                  mutex;
  gboolean                multipart;
  gboolean                decided;       /* single or multipart is known */
  guint64                 bytes_read;    /* streams */
  char                   *upload_id;
  GPtrArray              *parts;         /* Part* */
  guint                   next_part;
  guint                   parts_active;  /* attempts and retry waits */
  guint                   active;        /* all of the above, reads, control requests */
  guint                   done;
  gboolean                reading;
  gboolean                eof;           /* every part is known */
  gboolean                completing;
  gboolean                completed;
  gboolean                finished;
  gboolean                stopping;
  GError                 *error;
  char                   *etag;
};

static void schedule_locked (Put *put);
static void maybe_finish_locked (Put *put);
static gboolean send_part (gpointer data);

/* {{{ Small helpers */

static char *
compute_md5_base64 (GBytes *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[16];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_checksum_get_digest (checksum, digest, &digest_len);

  return g_base64_encode (digest, digest_len);
}

/* HTTP header names are tokens (RFC 9110). */
static gboolean
is_token (const char *text)
{
  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;

  return TRUE;
}

/* Header values may not hold control characters (a CR or LF would end
 * the header), and must be UTF-8 here. */
static gboolean
is_header_value (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;

  return g_utf8_validate (text, -1, NULL);
}

static gboolean
check_headers (Put     *put,
               GError **error)
{
  GHashTableIter iter;
  gpointer name, value;

  if (put->content_type != NULL && !is_header_value (put->content_type))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the content type holds control characters"), put->uri_string);
      return FALSE;
    }

  g_hash_table_iter_init (&iter, put->metadata);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      if (!is_token (name))
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("%s: “%s” is not a valid metadata name (it must be an HTTP header name)"),
                       put->uri_string, (const char *) name);
          return FALSE;
        }
      if (!is_header_value (value))
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("%s: the value of metadata “%s” holds control characters or invalid UTF-8"),
                       put->uri_string, (const char *) name);
          return FALSE;
        }
    }

  return TRUE;
}

/* Content-Type and x-amz-meta-*: on the single PUT or on
 * CreateMultipartUpload. */
static void
add_object_headers (Put           *put,
                    S3dlioRequest *request)
{
  GHashTableIter iter;
  gpointer name, value;

  if (put->content_type != NULL)
    s3dlio_request_set_header (request, "Content-Type", put->content_type);

  g_hash_table_iter_init (&iter, put->metadata);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_autofree char *header = g_strconcat ("x-amz-meta-", (const char *) name, NULL);

      s3dlio_request_set_header (request, header, value);
    }
}

/* The part size for @size bytes: the configured one, or larger when that
 * would give more than S3DLIO_MULTIPART_MAX_PARTS parts; 0 when even parts
 * of 5 GiB would be too many. */
static guint64
part_size_for (Put     *put,
               guint64  size)
{
  guint64 part_size = _s3dlio_multipart_part_size (size, put->part_size);

  if (part_size != 0 && part_size != put->part_size)
    g_debug ("%s: %" G_GUINT64_FORMAT " bytes would take more than %u parts of %"
             G_GUINT64_FORMAT " bytes: using parts of %" G_GUINT64_FORMAT " bytes",
             put->uri_string, size, S3DLIO_MULTIPART_MAX_PARTS, put->part_size, part_size);

  return part_size;
}

/* }}} */
/* {{{ Life cycle */

static void
part_free (gpointer data)
{
  Part *part = data;

  g_assert (part->msg == NULL);
  g_clear_pointer (&part->retry_wait, g_source_unref);
  g_clear_pointer (&part->data, g_bytes_unref);
  g_free (part->sha256);
  g_free (part->md5);
  g_free (part->etag);
  g_free (part);
}

static Part *
part_new (Put      *put,
          PartKind  kind,
          guint64   offset,
          guint64   length,
          GBytes   *data)
{
  Part *part = g_new0 (Part, 1);

  part->put = put;
  part->index = put->parts->len;
  part->kind = kind;
  part->offset = offset;
  part->length = length;
  part->data = data;
  g_ptr_array_add (put->parts, part);

  return part;
}

static void
put_free (gpointer data)
{
  Put *put = data;

  if (put->caller_cancellable != NULL)
    g_cancellable_disconnect (put->caller_cancellable, put->caller_cancel_id);
  g_clear_object (&put->caller_cancellable);
  if (put->fd >= 0)
    g_close (put->fd, NULL);
  g_clear_pointer (&put->parts, g_ptr_array_unref);
  g_clear_error (&put->error);
  g_clear_object (&put->stream);
  g_clear_pointer (&put->bytes, g_bytes_unref);
  g_clear_pointer (&put->metadata, g_hash_table_unref);
  g_clear_object (&put->upload);
  g_clear_object (&put->pool);
  g_clear_object (&put->client);
  g_clear_pointer (&put->context, g_main_context_unref);
  g_free (put->path);
  g_free (put->bucket);
  g_free (put->key);
  g_free (put->uri_string);
  g_free (put->content_type);
  g_free (put->upload_id);
  g_free (put->etag);
  g_mutex_clear (&put->mutex);
  g_free (put);
}

/* Runs @func on the caller's context with a reference on the task,
 * always from an idle source: g_main_context_invoke() would call it at
 * once when the context is ours, with the mutex held. */
static void
defer_on_context (Put         *put,
                  GSourceFunc  func,
                  const char  *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, g_object_ref (put->task), g_object_unref);
  g_source_set_static_name (source, name);
  g_source_attach (source, put->context);
  g_source_unref (source);
}

/* Records the first failure. Whoever unlocks with unlock_put() then stops
 * everything under way. */
static void
fail_locked (Put    *put,
             GError *error)
{
  if (put->error == NULL)
    put->error = error;
  else
    g_error_free (error);
}

/* Parts waiting to be retried stop waiting: they see the failure and
 * end. A GCancellableSource would do it, but GLib 2.74 leaks one that is
 * destroyed while another thread cancels its cancellable. */
static void
wake_retry_waits_locked (Put *put)
{
  for (guint i = 0; i < put->parts->len; i++)
    {
      Part *part = g_ptr_array_index (put->parts, i);

      if (part->retry_wait != NULL)
        g_source_set_ready_time (part->retry_wait, 0);
    }
}

typedef struct {
  GTask        *task;
  S3dlioWorker *worker;
} StopJob;

static void
stop_job_free (gpointer data)
{
  StopJob *job = data;

  g_object_unref (job->task);
  g_free (job);
}

/* On a worker: cancels the attempts of the parts it runs. */
static gboolean
stop_parts_on_worker (gpointer data)
{
  StopJob *job = data;
  Put *put = g_task_get_task_data (job->task);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();

  /* The array may grow (streams): read it under the mutex, but cancel
   * outside, since handlers may call back. */
  g_mutex_lock (&put->mutex);
  for (guint i = 0; i < put->parts->len; i++)
    {
      Part *part = g_ptr_array_index (put->parts, i);

      if (part->worker == job->worker)
        g_ptr_array_add (mine, part);
    }
  g_mutex_unlock (&put->mutex);

  for (guint i = 0; i < mine->len; i++)
    {
      Part *part = g_ptr_array_index (mine, i);

      if (part->cancellable != NULL)
        g_cancellable_cancel (part->cancellable);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
stop_read_on_context (gpointer data)
{
  Put *put = g_task_get_task_data (G_TASK (data));

  if (put->read != NULL)
    g_cancellable_cancel (put->read->cancellable);

  return G_SOURCE_REMOVE;
}

/* Once the upload failed: stops whatever is under way, each on its own
 * thread. */
static void
stop_locked (Put *put)
{
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();

  wake_retry_waits_locked (put);
  if (put->stopping)
    return;
  put->stopping = TRUE;

  for (guint i = 0; i < put->parts->len; i++)
    {
      Part *part = g_ptr_array_index (put->parts, i);

      if (part->worker != NULL && part->etag == NULL &&
          !g_ptr_array_find (workers, part->worker, NULL))
        g_ptr_array_add (workers, part->worker);
    }

  for (guint i = 0; i < workers->len; i++)
    {
      StopJob *job = g_new0 (StopJob, 1);
      GSource *source = g_idle_source_new ();

      job->task = g_object_ref (put->task);
      job->worker = g_ptr_array_index (workers, i);
      g_source_set_priority (source, G_PRIORITY_HIGH);
      g_source_set_callback (source, stop_parts_on_worker, job, stop_job_free);
      g_source_set_static_name (source, "[s3dlio] stop parts");
      g_source_attach (source, _s3dlio_worker_get_context (job->worker));
      g_source_unref (source);
    }

  if (put->source_kind == S3DLIO_UPLOAD_SOURCE_STREAM)
    defer_on_context (put, stop_read_on_context, "[s3dlio] stop upload stream");
}

static void
unlock_put (Put *put)
{
  if (put->error != NULL)
    stop_locked (put);
  g_mutex_unlock (&put->mutex);
}

static void
caller_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  Put *put = data;

  /* Once every part is in, the upload completes: it is too late to
   * cancel. */
  g_mutex_lock (&put->mutex);
  if (put->error == NULL && !put->completing && !put->finished)
    put->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  unlock_put (put);
}

static gboolean
check_file_unchanged (Put     *put,
                      GError **error)
{
  struct stat now;

  if (fstat (put->fd, &now) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot check “%s”: %s"), put->path, g_strerror (saved_errno));
      return FALSE;
    }

  if (now.st_size != put->file_stat.st_size ||
      now.st_mtim.tv_sec != put->file_stat.st_mtim.tv_sec ||
      now.st_mtim.tv_nsec != put->file_stat.st_mtim.tv_nsec)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("“%s” changed during the upload (it was %" PRId64
                      " bytes, now %" PRId64 ")"),
                   put->path, (gint64) put->file_stat.st_size, (gint64) now.st_size);
      return FALSE;
    }

  return TRUE;
}

static void
return_result (Put *put)
{
  g_autoptr(GError) error = g_steal_pointer (&put->error);

  _s3dlio_upload_end (put->upload, error, put->etag);

  if (error != NULL)
    g_task_return_error (put->task, g_steal_pointer (&error));
  else
    g_task_return_boolean (put->task, TRUE);
}

static void
abort_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GTask) task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = _s3dlio_client_send_finish (put->client, result, &error);
  g_debug ("%s: %s the multipart upload %s%s%s", put->uri_string,
           response != NULL ? "aborted" : "cannot abort", put->upload_id,
           error ? ": " : "", error ? error->message : "");
  _s3dlio_multipart_note_abort (&put->error, put->upload_id, error);

  return_result (put);
}

/* The end, on the caller's context: no part is in flight any more. */
static gboolean
finish_on_context (gpointer data)
{
  GTask *task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = NULL;

  if (put->error == NULL || put->upload_id == NULL)
    {
      return_result (put);
      return G_SOURCE_REMOVE;
    }

  /* Not cancellable: a cancelled upload must be aborted too. Retries and
   * the session's timeouts bound it. */
  request = _s3dlio_multipart_abort_request (put->client, put->bucket, put->key, put->upload_id);
  _s3dlio_upload_add_request (put->upload);
  g_main_context_push_thread_default (put->context);
  _s3dlio_client_send_async (put->client, request, NULL, abort_cb, g_object_ref (task));
  g_main_context_pop_thread_default (put->context);

  return G_SOURCE_REMOVE;
}

/* }}} */
/* {{{ CompleteMultipartUpload */

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioCompleteMultipartUploadResult) complete = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (put->client, result, &error);
  if (response != NULL)
    {
      gsize len;
      const char *body = g_bytes_get_data (response->body, &len);

      /* A 200 may still carry an <Error>: the parser makes it one. */
      complete = _s3dlio_xml_parse_complete_multipart_upload (body, len, &error);
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&error, _("%s: completing the multipart upload: "), put->uri_string);

  g_mutex_lock (&put->mutex);
  if (error != NULL)
    fail_locked (put, error);
  else
    {
      put->completed = TRUE;
      put->etag = g_strdup (complete->etag);
      g_debug ("%s: completed the multipart upload %s of %u parts, ETag %s",
               put->uri_string, put->upload_id, put->parts->len, put->etag);
    }
  put->active--;
  maybe_finish_locked (put);
  unlock_put (put);
}

static gboolean
complete_on_context (gpointer data)
{
  GTask *task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree const char **etags = NULL;
  GError *error = NULL;

  if (put->source_kind == S3DLIO_UPLOAD_SOURCE_PATH && !check_file_unchanged (put, &error))
    {
      g_prefix_error (&error, "%s: ", put->uri_string);
      g_mutex_lock (&put->mutex);
      fail_locked (put, error);
      put->active--;
      maybe_finish_locked (put);
      unlock_put (put);
      return G_SOURCE_REMOVE;
    }

  /* Every part is in: nothing changes the array any more. */
  etags = g_new (const char *, put->parts->len);
  for (guint i = 0; i < put->parts->len; i++)
    etags[i] = ((Part *) g_ptr_array_index (put->parts, i))->etag;
  request = _s3dlio_multipart_complete_request (put->client, put->bucket, put->key, put->upload_id,
                                                etags, put->parts->len);
  _s3dlio_upload_add_request (put->upload);
  g_main_context_push_thread_default (put->context);
  _s3dlio_client_send_async (put->client, request, NULL, complete_cb, g_object_ref (task));
  g_main_context_pop_thread_default (put->context);

  return G_SOURCE_REMOVE;
}

static gboolean
all_parts_done_locked (Put *put)
{
  return put->decided && put->eof && !put->reading &&
         put->parts->len > 0 && put->done == put->parts->len;
}

/* Called with the mutex held by whoever ended something. */
static void
maybe_finish_locked (Put *put)
{
  if (put->finished || put->active > 0)
    return;

  if (put->error == NULL && !all_parts_done_locked (put))
    return;

  if (put->error == NULL && put->multipart && !put->completed)
    {
      g_assert (!put->completing);
      put->completing = TRUE;
      put->active++;
      defer_on_context (put, complete_on_context, "[s3dlio] complete upload");
      return;
    }

  if (put->error == NULL && !put->multipart)
    put->etag = g_strdup (((Part *) g_ptr_array_index (put->parts, 0))->etag);

  put->finished = TRUE;
  defer_on_context (put, finish_on_context, "[s3dlio] finish upload");
}

/* }}} */
/* {{{ CreateMultipartUpload */

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioMultipartUpload) created = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (put->client, result, &error);
  if (response != NULL)
    {
      gsize len;
      const char *body = g_bytes_get_data (response->body, &len);

      created = _s3dlio_xml_parse_initiate_multipart_upload (body, len, &error);
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&error, _("%s: creating the multipart upload: "), put->uri_string);

  g_mutex_lock (&put->mutex);
  if (created != NULL)
    {
      /* Kept even if the upload failed meanwhile: it is aborted then. */
      put->upload_id = g_strdup (created->upload_id);
      _s3dlio_upload_set_upload_id (put->upload, put->upload_id);
      g_debug ("%s: created the multipart upload %s", put->uri_string, put->upload_id);
    }
  else
    fail_locked (put, error);
  put->active--;
  schedule_locked (put);
  maybe_finish_locked (put);
  unlock_put (put);
}

static gboolean
create_on_context (gpointer data)
{
  GTask *task = data;
  Put *put = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = NULL;
  gboolean failed;

  /* Failed or cancelled before the request went out: there is nothing to
   * create, nor then to abort. */
  g_mutex_lock (&put->mutex);
  failed = put->error != NULL;
  if (failed)
    {
      put->active--;
      maybe_finish_locked (put);
    }
  unlock_put (put);
  if (failed)
    return G_SOURCE_REMOVE;

  request = _s3dlio_multipart_create_request (put->client, put->bucket, put->key);
  add_object_headers (put, request);
  _s3dlio_upload_add_request (put->upload);
  g_main_context_push_thread_default (put->context);
  _s3dlio_client_send_async (put->client, request, NULL, create_cb, g_object_ref (task));
  g_main_context_pop_thread_default (put->context);

  return G_SOURCE_REMOVE;
}

static void
start_multipart_locked (Put *put)
{
  put->multipart = TRUE;
  put->active++;
  defer_on_context (put, create_on_context, "[s3dlio] create upload");
}

/* }}} */
/* {{{ Streams */

static void
read_free (Read *read)
{
  g_clear_object (&read->cancellable);
  g_free (read->buffer);
  g_object_unref (read->task);
  g_free (read);
}

/* How much the next read asks for. A stream of known size below the
 * threshold is read whole, plus one byte to see that it ends there. */
static gsize
read_size (Put *put)
{
  if (put->declared_size >= 0 && !put->multipart)
    return (gsize) put->declared_size + 1;

  return put->part_size;
}

static gboolean check_stream_length_locked (Put *put, GError **error);

/* Takes in what a read gave. */
static void
stream_chunk_locked (Put     *put,
                     guint8  *buffer,
                     gsize    n,
                     gboolean at_end)
{
  g_autoptr(GError) error = NULL;
  GBytes *data = g_bytes_new_take (buffer, n);
  guint64 offset = put->bytes_read;

  put->bytes_read += n;
  if (at_end)
    put->eof = TRUE;

  if (!put->decided)
    {
      /* A stream of unknown size that ends within the first part (or of
       * known size below the threshold) is one PUT. */
      put->decided = TRUE;
      if (at_end || put->declared_size >= 0)
        {
          put->eof = TRUE;
          part_new (put, PART_SINGLE, 0, n, data);
          _s3dlio_upload_set_n_parts (put->upload, 1);
          _s3dlio_upload_set_total_size (put->upload, put->bytes_read);
          if (!check_stream_length_locked (put, &error))
            fail_locked (put, g_steal_pointer (&error));
          return;
        }
      start_multipart_locked (put);
    }

  if (n > 0)
    {
      if (put->parts->len == S3DLIO_MULTIPART_MAX_PARTS)
        {
          g_bytes_unref (data);
          fail_locked (put, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                                         _("%s: the stream is longer than %u parts of %" PRIu64
                                            " bytes; raise upload-part-size"),
                                         put->uri_string, S3DLIO_MULTIPART_MAX_PARTS,
                                         put->part_size));
          return;
        }
      part_new (put, PART_MULTI, offset, n, data);
      _s3dlio_upload_set_n_parts (put->upload, put->parts->len);
    }
  else
    g_bytes_unref (data);

  if (put->eof)
    _s3dlio_upload_set_total_size (put->upload, put->bytes_read);
  if (!check_stream_length_locked (put, &error))
    fail_locked (put, g_steal_pointer (&error));
}

/* A stream of declared size must give exactly that many bytes. */
static gboolean
check_stream_length_locked (Put     *put,
                            GError **error)
{
  if (put->declared_size < 0)
    return TRUE;

  if (put->bytes_read > (guint64) put->declared_size)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the stream gives more than the %" PRId64 " bytes announced"),
                   put->uri_string, put->declared_size);
      return FALSE;
    }
  if (put->eof && put->bytes_read < (guint64) put->declared_size)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the stream ended after %" PRIu64 " of the %" PRId64
                      " bytes announced"), put->uri_string, put->bytes_read, put->declared_size);
      return FALSE;
    }

  return TRUE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Read *read = data;
  Put *put = g_task_get_task_data (read->task);
  GError *error = NULL;
  gsize n = 0;

  g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error);
  put->read = NULL;

  g_mutex_lock (&put->mutex);
  put->reading = FALSE;
  put->active--;
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, _("%s: reading the stream: "), put->uri_string);
      fail_locked (put, error);
    }
  else if (put->error == NULL)
    {
      guint8 *buffer = g_steal_pointer (&read->buffer);

      /* A short last part need not keep a whole part's memory. */
      if (n < read->size / 2)
        buffer = g_realloc (buffer, MAX (n, 1));
      stream_chunk_locked (put, buffer, n, n < read->size);
    }
  schedule_locked (put);
  maybe_finish_locked (put);
  unlock_put (put);

  read_free (read);
}

static gboolean
read_on_context (gpointer data)
{
  GTask *task = data;
  Put *put = g_task_get_task_data (task);
  Read *read = g_new0 (Read, 1);

  read->task = g_object_ref (task);
  g_mutex_lock (&put->mutex);
  read->size = read_size (put);
  g_mutex_unlock (&put->mutex);
  read->buffer = g_malloc (read->size);
  read->cancellable = g_cancellable_new ();
  put->read = read;

  g_main_context_push_thread_default (put->context);
  g_input_stream_read_all_async (put->stream, read->buffer, read->size, G_PRIORITY_DEFAULT,
                                 read->cancellable, read_cb, read);
  g_main_context_pop_thread_default (put->context);

  return G_SOURCE_REMOVE;
}

/* A stream is read ahead while fewer than upload-inflight parts wait for
 * the server: that bounds the buffers in memory. */
static void
maybe_read_locked (Put *put)
{
  if (put->source_kind != S3DLIO_UPLOAD_SOURCE_STREAM || put->eof || put->reading ||
      put->error != NULL || put->parts->len - put->done >= put->inflight)
    return;

  put->reading = TRUE;
  put->active++;
  defer_on_context (put, read_on_context, "[s3dlio] read upload stream");
}

/* }}} */
/* {{{ Parts */

static void
clear_attempt (Part *part)
{
  if (part->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (part->msg, part);
      g_clear_object (&part->msg);
    }
  g_clear_object (&part->cancellable);
}

static void
part_done (Part       *part,
           const char *etag)
{
  Put *put = part->put;
  GTask *task = put->task;

  clear_attempt (part);

  /* Should the body not have been reported as it went out. */
  _s3dlio_upload_add_bytes (put->upload, (gint64) (part->length - MIN (part->sent, part->length)));

  g_mutex_lock (&put->mutex);
  part->etag = g_strdup (etag);
  g_clear_pointer (&part->data, g_bytes_unref);
  g_clear_pointer (&part->sha256, g_free);
  g_clear_pointer (&part->md5, g_free);
  _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_DONE);
  put->done++;
  put->parts_active--;
  put->active--;
  schedule_locked (put);
  maybe_finish_locked (put);
  unlock_put (put);

  g_object_unref (task);
}

static gboolean
retry_cb (gpointer data)
{
  Part *part = data;
  Put *put = part->put;
  GTask *task = put->task;
  gboolean stop;

  g_mutex_lock (&put->mutex);
  g_clear_pointer (&part->retry_wait, g_source_unref);
  stop = put->error != NULL;
  if (stop)
    {
      _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_FAILED);
      put->parts_active--;
      put->active--;
      maybe_finish_locked (put);
    }
  unlock_put (put);

  if (stop)
    g_object_unref (task);
  else
    send_part (part);   /* the wait's reference passes to the attempt */

  return G_SOURCE_REMOVE;
}

/* Called with the mutex held. A failure of the upload ends the wait at
 * once (see wake_retry_waits_locked()). */
static void
schedule_retry_locked (Part *part)
{
  Put *put = part->put;

  part->retry_wait = g_timeout_source_new (_s3dlio_retry_delay_ms (part->attempt));
  g_object_ref (put->task);
  g_source_set_callback (part->retry_wait, retry_cb, part, NULL);
  g_source_set_static_name (part->retry_wait, "[s3dlio] part retry");
  g_source_attach (part->retry_wait, _s3dlio_worker_get_context (part->worker));
}

static void
part_failed (Part   *part,
             GError *error)
{
  Put *put = part->put;
  GTask *task = put->task;

  clear_attempt (part);
  _s3dlio_upload_add_bytes (put->upload, -(gint64) part->sent);
  part->sent = 0;

  g_mutex_lock (&put->mutex);
  if (put->error != NULL)
    {
      g_error_free (error);
      _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_FAILED);
      put->parts_active--;
      put->active--;
      maybe_finish_locked (put);
    }
  else if (!part->give_up && _s3dlio_error_is_transient (error) &&
           part->attempt <= put->max_retries)
    {
      g_debug ("%s: part %u failed (attempt %u), will retry: %s",
               put->uri_string, part->index + 1, part->attempt, error->message);
      _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_RETRYING);
      _s3dlio_upload_add_retry (put->upload);
      g_error_free (error);
      schedule_retry_locked (part);
    }
  else
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ;
      else if (part->kind == PART_SINGLE)
        g_prefix_error (&error, "%s: ", put->uri_string);
      else if (part->attempt > 1 && !part->give_up && _s3dlio_error_is_transient (error))
        g_prefix_error (&error, _("%s: part %u: gave up after %u attempts: "),
                        put->uri_string, part->index + 1, part->attempt);
      else
        g_prefix_error (&error, _("%s: part %u: "), put->uri_string, part->index + 1);
      _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_FAILED);
      fail_locked (put, error);
      put->parts_active--;
      put->active--;
      maybe_finish_locked (put);
    }
  unlock_put (put);

  g_object_unref (task);
}

/* Reads a file part into a buffer of its own. */
static GBytes *
read_file_part (Put      *put,
                Part     *part,
                GError  **error)
{
  guint8 *buffer = g_malloc (MAX (part->length, 1));
  guint64 got = 0;

  while (got < part->length)
    {
      gssize n = pread (put->fd, buffer + got, MIN (part->length - got, G_MAXSSIZE),
                        (off_t) (part->offset + got));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_free (buffer);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read “%s” at byte %" PRIu64 ": %s"),
                       put->path, part->offset + got, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        {
          g_free (buffer);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("“%s” changed during the upload (it ends at byte %" PRIu64
                          ", not %" PRId64 ")"),
                       put->path, part->offset + got, (gint64) put->file_stat.st_size);
          return NULL;
        }
      got += n;
    }

  return g_bytes_new_take (buffer, part->length);
}

/* Makes the body and its digest, once: retries reuse them. */
static gboolean
prepare_part (Part    *part,
              GError **error)
{
  Put *put = part->put;

  if (part->data == NULL && put->source_kind == S3DLIO_UPLOAD_SOURCE_BYTES)
    part->data = g_bytes_new_from_bytes (put->bytes, part->offset, part->length);
  else if (part->data == NULL && put->source_kind == S3DLIO_UPLOAD_SOURCE_PATH)
    {
      part->data = read_file_part (put, part, error);
      if (part->data == NULL ||
          (part->kind == PART_SINGLE && !check_file_unchanged (put, error)))
        return FALSE;
    }
  g_assert (part->data != NULL);

  if (put->unsigned_payload && part->md5 == NULL)
    part->md5 = compute_md5_base64 (part->data);
  else if (!put->unsigned_payload && part->sha256 == NULL)
    part->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, part->data);

  return TRUE;
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    gpointer     data)
{
  Part *part = data;

  part->sent += chunk_size;
  _s3dlio_upload_add_bytes (part->put->upload, chunk_size);
}

/* libsoup 3.2 drops the request body when it sends a message again (after
 * a kept-alive connection turned out closed), but keeps Content-Length:
 * the body must be set again, or the server waits for bytes that never
 * come. */
static void
restarted_cb (SoupMessage *msg,
              gpointer     data)
{
  Part *part = data;

  g_debug ("%s: part %u is sent again on another connection",
           part->put->uri_string, part->index + 1);
  _s3dlio_upload_add_bytes (part->put->upload, -(gint64) part->sent);
  part->sent = 0;
  soup_message_set_request_body_from_bytes (msg, NULL, part->data);
}

/* Whether a successful reply to a part's PUT says the server has it:
 * S3 answers 200 with the ETag of what it stored, for a part as for a
 * whole object. A 206, a web page or a reply without an ETag is malformed
 * (and retried as such): it may come from something other than S3. */
static gboolean
check_stored (Part                *part,
              guint                status,
              SoupMessageHeaders  *headers,
              GError             **error)
{
  if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   /* Translators: %s is an HTTP method (PUT, DELETE, HEAD…),
                    * %u the status, 206 */
                   _("The server answered the %s request with HTTP %u (Partial Content), "
                     "which only a ranged GET may get"), "PUT", status);
      return FALSE;
    }

  if (!_s3dlio_check_not_web_page (status, headers, error))
    return FALSE;

  if (soup_message_headers_get_one (headers, "ETag") == NULL)
    {
      if (part->kind == PART_MULTI)
        g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                     _("The server accepted the part but sent no ETag (HTTP %u)"), status);
      else
        g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                     _("The server accepted the object but sent no ETag (HTTP %u)"), status);
      return FALSE;
    }

  return TRUE;
}

static void
part_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Part *part = data;
  Put *put = part->put;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  const char *etag = NULL;
  guint status;

  body = _s3dlio_send_and_read_bounded_finish (SOUP_SESSION (source), result, &error);
  _s3dlio_error_from_transport (&error);
  status = soup_message_get_status (part->msg);

  if (body != NULL)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (part->msg);

      if (!SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          gsize len;
          const char *text = g_bytes_get_data (body, &len);

          _s3dlio_error_from_response (status, soup_message_get_reason_phrase (part->msg),
                                       text, len,
                                       soup_message_headers_get_one (headers, "x-amz-request-id"),
                                       &error);
        }
      else if (check_stored (part, status, headers, &error))
        etag = soup_message_headers_get_one (headers, "ETag");
    }

  g_debug ("PUT %s part %u (%" G_GUINT64_FORMAT " bytes) -> %u in %.1f ms (attempt %u)%s%s",
           put->uri_string, part->index + 1, part->length, status,
           (g_get_monotonic_time () - part->sent_us) / 1000.0, part->attempt,
           error ? ": " : "", error ? error->message : "");

  if (error != NULL)
    part_failed (part, error);
  else
    part_done (part, etag);
}

/* On the part's worker. */
static gboolean
send_part (gpointer data)
{
  Part *part = data;
  Put *put = part->put;
  g_autoptr(S3dlioRequest) request = NULL;
  GError *error = NULL;
  gboolean stopped;

  part->attempt++;
  part->sent = 0;
  part->sent_us = g_get_monotonic_time ();

  g_mutex_lock (&put->mutex);
  stopped = put->error != NULL;
  g_mutex_unlock (&put->mutex);

  /* Once stop_parts_on_worker() has run here, nothing new may start. */
  if (stopped)
    {
      part_failed (part, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("Operation was cancelled")));
      return G_SOURCE_REMOVE;
    }
  if (!prepare_part (part, &error))
    {
      part->give_up = TRUE;
      part_failed (part, error);
      return G_SOURCE_REMOVE;
    }

  request = _s3dlio_client_new_request (put->client, "PUT", put->bucket, put->key);
  if (part->kind == PART_MULTI)
    {
      g_autofree char *number = g_strdup_printf ("%u", part->index + 1);

      s3dlio_request_add_query (request, "partNumber", number);
      s3dlio_request_add_query (request, "uploadId", put->upload_id);
    }
  else
    add_object_headers (put, request);

  if (put->unsigned_payload)
    {
      s3dlio_request_set_payload_hash (request, S3DLIO_UNSIGNED_PAYLOAD);
      s3dlio_request_set_header (request, "Content-MD5", part->md5);
    }
  else
    s3dlio_request_set_payload_hash (request, part->sha256);

  /* The body goes on the message, not the request: the request would hash
   * it again. */
  part->msg = _s3dlio_client_prepare_message (put->client, request, &error);
  if (part->msg == NULL)
    {
      part->give_up = TRUE;
      part_failed (part, error);
      return G_SOURCE_REMOVE;
    }
  soup_message_set_request_body_from_bytes (part->msg, NULL, part->data);
  g_signal_connect (part->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), part);
  g_signal_connect (part->msg, "restarted", G_CALLBACK (restarted_cb), part);

  part->cancellable = g_cancellable_new ();
  _s3dlio_upload_set_part_state (put->upload, part->index, S3DLIO_PART_STATE_IN_FLIGHT);
  _s3dlio_upload_add_request (put->upload);

  _s3dlio_send_and_read_bounded_async (_s3dlio_worker_get_session (part->worker), part->msg,
                                       S3DLIO_REPLY_BODY_MAX, G_PRIORITY_DEFAULT, part->cancellable,
                                       part_sent_cb, part);
  return G_SOURCE_REMOVE;
}

/* Always from an idle source, as for the caller's context: this may run
 * on the part's own worker, with the mutex held. */
static void
send_on_worker (Part *part)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, send_part, part, NULL);
  g_source_set_static_name (source, "[s3dlio] send part");
  g_source_attach (source, _s3dlio_worker_get_context (part->worker));
  g_source_unref (source);
}

/* Starts parts as the in-flight limit allows, and reads a stream ahead. */
static void
schedule_locked (Put *put)
{
  if (put->error != NULL)
    return;

  while (put->decided &&
         (!put->multipart || put->upload_id != NULL) &&
         put->next_part < put->parts->len &&
         put->parts_active < put->inflight)
    {
      Part *part = g_ptr_array_index (put->parts, put->next_part++);

      put->parts_active++;
      put->active++;
      g_object_ref (put->task);
      part->worker = _s3dlio_session_pool_next_worker (put->pool);
      send_on_worker (part);
    }

  maybe_read_locked (put);
}

/* }}} */
/* {{{ Start */

static gboolean
open_source_file (Put     *put,
                  GError **error)
{
  int saved_errno;

  /* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
  put->fd = g_open (put->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (put->fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot open “%s”: %s"), put->path, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (put->fd, &put->file_stat) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read the size of “%s”: %s"), put->path, g_strerror (saved_errno));
      return FALSE;
    }

  if (S_ISDIR (put->file_stat.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot upload “%s”: it is a directory"), put->path);
      return FALSE;
    }
  if (!S_ISREG (put->file_stat.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("Cannot upload “%s”: it is not a regular file (upload it as a stream)"),
                   put->path);
      return FALSE;
    }

  /* Files of /proc and /sys say they hold 0 bytes and have more: an
   * empty object would lose them without a word. */
  if (put->file_stat.st_size == 0)
    {
      char byte;
      gssize n;

      do
        n = pread (put->fd, &byte, 1, 0);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read “%s”: %s"), put->path, g_strerror (saved_errno));
          return FALSE;
        }
      if (n > 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                       _("Cannot upload “%s”: it says it is empty but is not, as files of /proc "
                          "and /sys do (upload it as a stream)"), put->path);
          return FALSE;
        }
    }

  return TRUE;
}

/* Lays out the parts of an object of known size. */
static void
plan_known_size_locked (Put     *put,
                        guint64  size)
{
  guint n_parts;

  _s3dlio_upload_set_total_size (put->upload, size);

  if (size == 0 || size < put->threshold)
    {
      if (put->source_kind != S3DLIO_UPLOAD_SOURCE_STREAM)
        {
          put->decided = put->eof = TRUE;
          part_new (put, PART_SINGLE, 0, size, NULL);
          _s3dlio_upload_set_n_parts (put->upload, 1);
        }
      /* A stream is read first; it then decides. */
      return;
    }

  put->part_size = part_size_for (put, size);
  if (put->part_size == 0)
    {
      fail_locked (put, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                                     _("%s: %" PRIu64 " bytes do not fit in %u parts of"
                                        " at most %" PRIu64 " bytes"),
                                     put->uri_string, size, S3DLIO_MULTIPART_MAX_PARTS,
                                     S3DLIO_MULTIPART_MAX_PART_SIZE));
      return;
    }
  n_parts = (guint) (size / put->part_size + (size % put->part_size != 0));
  _s3dlio_upload_set_n_parts (put->upload, n_parts);
  put->decided = TRUE;
  start_multipart_locked (put);

  if (put->source_kind == S3DLIO_UPLOAD_SOURCE_STREAM)
    return;

  for (guint64 offset = 0; offset < size; offset += put->part_size)
    part_new (put, PART_MULTI, offset, MIN (put->part_size, size - offset), NULL);
  put->eof = TRUE;
}

static gboolean
check_object_uri (S3dlioUri  *uri,
                  GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3 && !s3dlio_uri_is_prefix (uri))
    return TRUE;

  text = s3dlio_uri_to_string (uri);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("%s: not an object (an s3:// URI with a key is needed)"), text);
  return FALSE;
}

static gboolean
prepare_source (Put     *put,
                GError **error)
{
  switch (put->source_kind)
    {
    case S3DLIO_UPLOAD_SOURCE_NONE:
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the upload has no source (set bytes, a file or a stream)"),
                   put->uri_string);
      return FALSE;

    case S3DLIO_UPLOAD_SOURCE_PATH:
      if (!open_source_file (put, error))
        {
          g_prefix_error (error, "%s: ", put->uri_string);
          return FALSE;
        }
      return TRUE;

    case S3DLIO_UPLOAD_SOURCE_BYTES:
    case S3DLIO_UPLOAD_SOURCE_STREAM:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

void
_s3dlio_put_start (S3dlioClient *client,
                   S3dlioUpload *upload,
                   GTask        *task)
{
  S3dlioConfig *config = s3dlio_client_get_config (client);
  S3dlioUri *uri = s3dlio_upload_get_uri (upload);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  Put *put;

  if (!check_object_uri (uri, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  put = g_new0 (Put, 1);
  g_mutex_init (&put->mutex);
  put->fd = -1;
  put->client = g_object_ref (client);
  put->pool = g_object_ref (_s3dlio_client_get_pool (client));
  put->upload = g_object_ref (upload);
  put->task = task;
  put->context = g_main_context_ref (g_task_get_context (task));
  put->bucket = g_strdup (s3dlio_uri_get_bucket (uri));
  put->key = g_strdup (s3dlio_uri_get_key (uri));
  put->uri_string = s3dlio_uri_to_string (uri);
  put->parts = g_ptr_array_new_with_free_func (part_free);
  g_task_set_task_data (task, put, put_free);

  /* Settings and the upload's description are read once: a change applies
   * to the next upload. */
  put->part_size = s3dlio_config_get_upload_part_size (config);
  put->threshold = s3dlio_config_get_upload_threshold (config);
  put->inflight = s3dlio_config_get_upload_inflight (config);
  put->max_retries = s3dlio_config_get_max_retries (config);
  put->unsigned_payload = s3dlio_config_get_unsigned_payload (config);
  put->content_type = g_strdup (s3dlio_upload_get_content_type (upload));
  put->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    GHashTableIter iter;
    gpointer name, value;

    g_hash_table_iter_init (&iter, s3dlio_upload_get_metadata (upload));
    while (g_hash_table_iter_next (&iter, &name, &value))
      g_hash_table_insert (put->metadata, g_strdup (name), g_strdup (value));
  }
  put->source_kind = _s3dlio_upload_get_source_kind (upload);
  put->bytes = _s3dlio_upload_get_source_bytes (upload);
  if (put->bytes != NULL)
    g_bytes_ref (put->bytes);
  put->path = g_strdup (_s3dlio_upload_get_source_path (upload));
  put->stream = _s3dlio_upload_get_source_stream (upload, &put->declared_size);
  if (put->stream != NULL)
    g_object_ref (put->stream);

  if (!_s3dlio_upload_begin (upload, put->context, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!check_headers (put, &error) || !prepare_source (put, &error))
    {
      _s3dlio_upload_end (upload, error, NULL);
      g_task_return_error (task, error);
      return;
    }

  if (caller_cancellable != NULL)
    {
      put->caller_cancellable = g_object_ref (caller_cancellable);
      put->caller_cancel_id = g_cancellable_connect (caller_cancellable,
                                                     G_CALLBACK (caller_cancelled), put, NULL);
    }

  g_mutex_lock (&put->mutex);
  /* Cancelled while starting: nothing to plan. */
  if (put->error != NULL)
    {
      maybe_finish_locked (put);
      unlock_put (put);
      return;
    }

  switch (put->source_kind)
    {
    case S3DLIO_UPLOAD_SOURCE_BYTES:
      plan_known_size_locked (put, g_bytes_get_size (put->bytes));
      break;
    case S3DLIO_UPLOAD_SOURCE_PATH:
      plan_known_size_locked (put, put->file_stat.st_size);
      break;
    case S3DLIO_UPLOAD_SOURCE_STREAM:
      if (put->declared_size >= 0)
        plan_known_size_locked (put, put->declared_size);
      break;
    default:
      g_assert_not_reached ();
    }

  g_debug ("%s: upload of %s bytes: %s, parts of %" G_GUINT64_FORMAT " bytes, %u in flight, %s payload",
           put->uri_string,
           put->source_kind == S3DLIO_UPLOAD_SOURCE_STREAM && put->declared_size < 0 ? "unknown" : "known",
           !put->decided ? "to be decided" : put->multipart ? "multipart" : "single PUT",
           put->part_size, put->inflight, put->unsigned_payload ? "unsigned" : "signed");

  schedule_locked (put);
  maybe_finish_locked (put);
  unlock_put (put);
}

/* }}} */
