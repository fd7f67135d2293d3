/* s3dlio-client-objects.c: server-side copy (the engine is in
 * s3dlio-copy.c) and presigned URLs
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-client-private.h"
#include "s3dlio-error.h"
#include "s3dlio-signer.h"

typedef enum {
  ROLE_SOURCE,
  ROLE_DESTINATION,
  ROLE_PRESIGNED,
} ObjectRole;

static gboolean
check_object (S3dlioUri  *uri,
              ObjectRole  role,
              GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3 && !s3dlio_uri_is_prefix (uri))
    return TRUE;

  /* One whole sentence per role: translations may need to inflect. */
  text = s3dlio_uri_to_string (uri);
  switch (role)
    {
    case ROLE_SOURCE:
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("%s: the source is not an object (an s3:// URI with a key is needed)"),
                   text);
      break;
    case ROLE_DESTINATION:
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("%s: the destination is not an object (an s3:// URI with a key is needed)"),
                   text);
      break;
    case ROLE_PRESIGNED:
    default:
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("%s: the presigned location is not an object (an s3:// URI with a key is needed)"),
                   text);
      break;
    }
  return FALSE;
}

/* {{{ Copy */

/**
 * s3dlio_client_copy_async:
 * @self: a #S3dlioClient
 * @source: the object to copy
 * @destination: the object to create or replace, in the same bucket or
 *   another one of the same endpoint
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Copies an object on the server side, without downloading it, as the
 * AWS CLI does.
 *
 * The source's size is learnt first, with a HEAD request. A source
 * smaller than [property@S3dlio.Config:upload-threshold] (or empty) is
 * copied with one CopyObject request, which copies its content type and
 * user metadata along.
 *
 * A larger one, or one over 5 GiB (the most CopyObject takes), is copied
 * in parts: a multipart upload of the destination whose parts are
 * UploadPartCopy requests of [property@S3dlio.Config:upload-part-size]
 * each (larger when that would make more than 10000 parts), at most
 * [property@S3dlio.Config:upload-inflight] at a time, and retried on
 * transient failures. The destination gets the `Content-Type`,
 * `Cache-Control`, `Content-Disposition`, `Content-Encoding`,
 * `Content-Language`, `Expires` and user metadata that the HEAD reported;
 * tags, ACLs, the storage class and encryption settings are not carried
 * over. Every part is pinned to the ETag of the HEAD: a source replaced
 * during the copy fails it with %S3DLIO_ERROR_OBJECT_MODIFIED rather than
 * mixing two versions. On any failure, cancellation included, the
 * multipart upload is aborted before the operation returns, so that no
 * part is left behind (the error says so if that failed too). Once every
 * part is copied, the copy completes: it is too late to cancel it, and
 * the operation succeeds.
 */
void
s3dlio_client_copy_async (S3dlioClient        *self,
                          S3dlioUri           *source,
                          S3dlioUri           *destination,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (source));
  g_return_if_fail (S3DLIO_IS_URI (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_copy_async);

  if (!check_object (source, ROLE_SOURCE, &error) ||
      !check_object (destination, ROLE_DESTINATION, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _s3dlio_copy_start (self, source, destination, task);
}

/**
 * s3dlio_client_copy_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.copy_async].
 *
 * Returns: %TRUE if the object was copied, %FALSE with @error set
 *   otherwise (%S3DLIO_ERROR_NO_SUCH_KEY for a missing source,
 *   %S3DLIO_ERROR_OBJECT_MODIFIED for a source replaced during a copy in
 *   parts)
 */
gboolean
s3dlio_client_copy_finish (S3dlioClient  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  S3dlioClient  *client;
  S3dlioUri     *source;
  S3dlioUri     *destination;
  GCancellable  *cancellable;
} CopySyncArgs;

static void
start_copy (gpointer            data,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  CopySyncArgs *args = data;

  s3dlio_client_copy_async (args->client, args->source, args->destination, args->cancellable,
                            callback, user_data);
}

/**
 * s3dlio_client_copy:
 * @self: a #S3dlioClient
 * @source: the object to copy
 * @destination: the object to create or replace
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.copy_async].
 *
 * Returns: %TRUE if the object was copied
 */
gboolean
s3dlio_client_copy (S3dlioClient  *self,
                    S3dlioUri     *source,
                    S3dlioUri     *destination,
                    GCancellable  *cancellable,
                    GError       **error)
{
  CopySyncArgs args = { self, source, destination, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_copy, &args);

  return s3dlio_client_copy_finish (self, result, error);
}

/* }}} */
/* {{{ Presigned URLs */

/**
 * s3dlio_client_presign:
 * @self: a #S3dlioClient
 * @uri: the object
 * @method: `GET`, `HEAD`, `PUT` or `DELETE`
 * @expires_seconds: how long the URL stays valid, 1 to 604800 (7 days)
 * @error: return location for a #GError
 *
 * Makes a presigned URL: anyone holding it can send @method for @uri
 * without credentials until it expires, with any HTTP client. It is
 * signed now with the client's credentials, for the client's endpoint and
 * region. A `PUT` URL takes any body (the payload is not signed). With
 * anonymous credentials, this is the plain URL of the object.
 *
 * With temporary credentials, the URL stops working when they expire,
 * whatever @expires_seconds says.
 *
 * Returns: (transfer full): the URL, or %NULL with @error set
 *   (%S3DLIO_ERROR_INVALID_ARGUMENT for another method or an expiry out of
 *   range)
 */
char *
s3dlio_client_presign (S3dlioClient  *self,
                       S3dlioUri     *uri,
                       const char    *method,
                       guint          expires_seconds,
                       GError       **error)
{
  static const char *const methods[] = { "GET", "HEAD", "PUT", "DELETE", NULL };
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree char *text = NULL;
  char *url;

  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_object (uri, ROLE_PRESIGNED, error))
    return NULL;

  text = s3dlio_uri_to_string (uri);
  if (!g_strv_contains (methods, method))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: cannot presign the method “%s” (GET, HEAD, PUT or DELETE)"), text, method);
      return NULL;
    }

  request = _s3dlio_client_new_request (self, method, s3dlio_uri_get_bucket (uri),
                                        s3dlio_uri_get_key (uri));
  url = s3dlio_signer_presign (_s3dlio_client_get_signer (self), request, NULL,
                               expires_seconds, error);
  if (url == NULL)
    g_prefix_error (error, "%s: ", text);

  return url;
}

/* }}} */
