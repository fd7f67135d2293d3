/* s3dlio-client-put.c: uploads on S3dlioClient
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-client-private.h"
#include "s3dlio-upload-private.h"

/* The arguments of the blocking forms. */
typedef struct {
  S3dlioClient *client;
  S3dlioUpload *upload;
  S3dlioUri    *uri;
  GBytes       *data;
  const char   *path;
  GInputStream *stream;
  gint64        size;
  const char   *content_type;
  GHashTable   *metadata;
  GCancellable *cancellable;
} PutArgs;

/* upload */

/**
 * s3dlio_client_upload_async:
 * @self: a #S3dlioClient
 * @upload: what to upload, and where from
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the upload ends
 * @user_data: data for @callback
 *
 * Runs an upload. An object smaller than
 * [property@S3dlio.Config:upload-threshold] is sent with one PUT; a
 * larger one as a multipart upload of
 * [property@S3dlio.Config:upload-part-size] parts, at most
 * [property@S3dlio.Config:upload-inflight] in flight, spread over the
 * worker threads, each retried on its own with backoff on transient
 * errors, then completed with the ETags of the parts in order. See
 * [class@S3dlio.Upload] for the sources and how much memory each takes.
 *
 * Bodies are signed with their SHA-256, or sent as `UNSIGNED-PAYLOAD`
 * with a `Content-MD5` header when
 * [property@S3dlio.Config:unsigned-payload] is set.
 *
 * If a multipart upload fails or is cancelled, it is aborted once no part
 * is in flight, before the operation returns, so no orphaned parts are
 * left behind (should the abort itself fail, the error says so and names
 * the upload id). Cancelling fails with %G_IO_ERROR_CANCELLED, unless it
 * comes too late: once every part is in and CompleteMultipartUpload is
 * under way (or the single PUT was answered), the upload ends as the
 * server says. Progress is reported through @upload.
 */
void
s3dlio_client_upload_async (S3dlioClient        *self,
                            S3dlioUpload        *upload,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_UPLOAD (upload));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_upload_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The engine says whether a cancellation came in time. */
  g_task_set_check_cancellable (task, FALSE);

  _s3dlio_put_start (self, upload, task);
}

/**
 * s3dlio_client_upload_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.upload_async].
 *
 * Returns: %TRUE if the server stored the whole object
 */
gboolean
s3dlio_client_upload_finish (S3dlioClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_upload (gpointer            data,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  PutArgs *args = data;

  s3dlio_client_upload_async (args->client, args->upload, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_upload:
 * @self: a #S3dlioClient
 * @upload: what to upload, and where from
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.upload_async]. Progress
 * signals of @upload are emitted in the calling thread; a stream source
 * is read there too.
 *
 * Returns: %TRUE if the server stored the whole object
 */
gboolean
s3dlio_client_upload (S3dlioClient  *self,
                      S3dlioUpload  *upload,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PutArgs args = { .client = self, .upload = upload, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_upload, &args);

  return s3dlio_client_upload_finish (self, result, error);
}

/* Shortcuts over upload. */

static void
shortcut_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (!s3dlio_client_upload_finish (S3DLIO_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Runs @upload for a shortcut whose finish function checks @source_tag. */
static void
upload_shortcut (S3dlioClient        *self,
                 S3dlioUpload        *upload,
                 const char          *content_type,
                 GHashTable          *metadata,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  s3dlio_upload_set_content_type (upload, content_type);
  s3dlio_upload_set_metadata (upload, metadata);
  s3dlio_client_upload_async (self, upload, cancellable, shortcut_cb, task);
}

static gboolean
shortcut_finish (S3dlioClient  *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* put */

/**
 * s3dlio_client_put_async:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @data: its content
 * @content_type: (nullable): its `Content-Type`, or %NULL to leave it to
 *   the server
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name
 *   (without the `x-amz-meta-` prefix), or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the upload ends
 * @user_data: data for @callback
 *
 * Writes @data to @uri, with one PUT or, from
 * [property@S3dlio.Config:upload-threshold] on, as a multipart upload
 * whose parts are slices of @data. See
 * [method@S3dlio.Client.upload_async].
 */
void
s3dlio_client_put_async (S3dlioClient        *self,
                         S3dlioUri           *uri,
                         GBytes              *data,
                         const char          *content_type,
                         GHashTable          *metadata,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(S3dlioUpload) upload = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (data != NULL);

  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_bytes (upload, data);
  upload_shortcut (self, upload, content_type, metadata, s3dlio_client_put_async,
                   cancellable, callback, user_data);
}

/**
 * s3dlio_client_put_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.put_async].
 *
 * Returns: %TRUE if the server stored the whole object
 */
gboolean
s3dlio_client_put_finish (S3dlioClient  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return shortcut_finish (self, result, s3dlio_client_put_async, error);
}

static void
start_put (gpointer            data,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  PutArgs *args = data;

  s3dlio_client_put_async (args->client, args->uri, args->data, args->content_type,
                           args->metadata, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_put:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @data: its content
 * @content_type: (nullable): its `Content-Type`, or %NULL
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.put_async].
 *
 * Returns: %TRUE if the server stored the whole object
 */
gboolean
s3dlio_client_put (S3dlioClient  *self,
                   S3dlioUri     *uri,
                   GBytes        *data,
                   const char    *content_type,
                   GHashTable    *metadata,
                   GCancellable  *cancellable,
                   GError       **error)
{
  PutArgs args = {
    .client = self, .uri = uri, .data = data, .content_type = content_type,
    .metadata = metadata, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_put, &args);

  return s3dlio_client_put_finish (self, result, error);
}

/* put_file */

/**
 * s3dlio_client_put_file_async:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @path: (type filename): a regular file
 * @content_type: (nullable): the object's `Content-Type`, or %NULL to
 *   leave it to the server
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name
 *   (without the `x-amz-meta-` prefix), or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the upload ends
 * @user_data: data for @callback
 *
 * Writes the file at @path to @uri. Large files are read part by part with
 * `pread()`, concurrently, so memory stays bounded by
 * [property@S3dlio.Config:upload-part-size] times
 * [property@S3dlio.Config:upload-inflight]; see
 * [method@S3dlio.Upload.set_source_path]. A missing or unreadable file, a
 * directory or another non-regular file fails with the matching
 * #GIOErrorEnum code, before any request is sent.
 */
void
s3dlio_client_put_file_async (S3dlioClient        *self,
                              S3dlioUri           *uri,
                              const char          *path,
                              const char          *content_type,
                              GHashTable          *metadata,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(S3dlioUpload) upload = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (path != NULL);

  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_path (upload, path);
  upload_shortcut (self, upload, content_type, metadata, s3dlio_client_put_file_async,
                   cancellable, callback, user_data);
}

/**
 * s3dlio_client_put_file_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.put_file_async].
 *
 * Returns: %TRUE if the server stored the whole file
 */
gboolean
s3dlio_client_put_file_finish (S3dlioClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return shortcut_finish (self, result, s3dlio_client_put_file_async, error);
}

static void
start_put_file (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  PutArgs *args = data;

  s3dlio_client_put_file_async (args->client, args->uri, args->path, args->content_type,
                                args->metadata, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_put_file:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @path: (type filename): a regular file
 * @content_type: (nullable): the object's `Content-Type`, or %NULL
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.put_file_async].
 *
 * Returns: %TRUE if the server stored the whole file
 */
gboolean
s3dlio_client_put_file (S3dlioClient  *self,
                        S3dlioUri     *uri,
                        const char    *path,
                        const char    *content_type,
                        GHashTable    *metadata,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PutArgs args = {
    .client = self, .uri = uri, .path = path, .content_type = content_type,
    .metadata = metadata, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_put_file, &args);

  return s3dlio_client_put_file_finish (self, result, error);
}

/* put_stream */

/**
 * s3dlio_client_put_stream_async:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @stream: the stream to read the object from
 * @size: how many bytes @stream gives, or -1 if that is not known
 * @content_type: (nullable): the object's `Content-Type`, or %NULL to
 *   leave it to the server
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name
 *   (without the `x-amz-meta-` prefix), or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the upload ends
 * @user_data: data for @callback
 *
 * Writes what @stream gives, up to its end, to @uri. The stream is read in
 * order, one part at a time, while earlier parts are being sent; see
 * [method@S3dlio.Upload.set_source_stream]. The stream is not closed.
 */
void
s3dlio_client_put_stream_async (S3dlioClient        *self,
                                S3dlioUri           *uri,
                                GInputStream        *stream,
                                gint64               size,
                                const char          *content_type,
                                GHashTable          *metadata,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(S3dlioUpload) upload = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (size >= -1);

  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_stream (upload, stream, size);
  upload_shortcut (self, upload, content_type, metadata, s3dlio_client_put_stream_async,
                   cancellable, callback, user_data);
}

/**
 * s3dlio_client_put_stream_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.put_stream_async].
 *
 * Returns: %TRUE if the server stored everything the stream gave
 */
gboolean
s3dlio_client_put_stream_finish (S3dlioClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return shortcut_finish (self, result, s3dlio_client_put_stream_async, error);
}

static void
start_put_stream (gpointer            data,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  PutArgs *args = data;

  s3dlio_client_put_stream_async (args->client, args->uri, args->stream, args->size,
                                  args->content_type, args->metadata, args->cancellable,
                                  callback, user_data);
}

/**
 * s3dlio_client_put_stream:
 * @self: a #S3dlioClient
 * @uri: the object to write
 * @stream: the stream to read the object from
 * @size: how many bytes @stream gives, or -1 if that is not known
 * @content_type: (nullable): the object's `Content-Type`, or %NULL
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.put_stream_async]. The
 * stream is read in the calling thread.
 *
 * Returns: %TRUE if the server stored everything the stream gave
 */
gboolean
s3dlio_client_put_stream (S3dlioClient  *self,
                          S3dlioUri     *uri,
                          GInputStream  *stream,
                          gint64         size,
                          const char    *content_type,
                          GHashTable    *metadata,
                          GCancellable  *cancellable,
                          GError       **error)
{
  PutArgs args = {
    .client = self, .uri = uri, .stream = stream, .size = size,
    .content_type = content_type, .metadata = metadata, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_put_stream, &args);

  return s3dlio_client_put_stream_finish (self, result, error);
}
