/* s3dlio-client-objects.c: server-side copy and presigned URLs
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <string.h>

#include "s3dlio-client-private.h"
#include "s3dlio-encode-private.h"
#include "s3dlio-error.h"
#include "s3dlio-signer.h"
#include "s3dlio-xml-private.h"

static gboolean
check_object (S3dlioUri  *uri,
              const char *role,
              GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3 && !s3dlio_uri_is_prefix (uri))
    return TRUE;

  text = s3dlio_uri_to_string (uri);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               "%s: the %s is not an object (an s3:// URI with a key is needed)", text, role);
  return FALSE;
}

/* {{{ CopyObject */

typedef struct {
  S3dlioUri *source;
  S3dlioUri *destination;
} CopyData;

static void
copy_data_free (gpointer data)
{
  CopyData *copy = data;

  g_clear_object (&copy->source);
  g_clear_object (&copy->destination);
  g_free (copy);
}

static void
copy_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  CopyData *copy = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioCopyResult) copied = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  /* S3 may answer 200 and only then fail: the body is an <Error>. */
  if (response != NULL)
    copied = _s3dlio_xml_parse_copy_result (g_bytes_get_data (response->body, NULL),
                                            g_bytes_get_size (response->body), &error);
  if (copied == NULL)
    {
      g_autofree char *from = s3dlio_uri_to_string (copy->source);
      g_autofree char *to = s3dlio_uri_to_string (copy->destination);

      g_prefix_error (&error, "Copying %s to %s: ", from, to);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

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
 * Copies an object on the server side (CopyObject), without downloading
 * it: content type and user metadata are copied along. CopyObject takes
 * objects of up to 5 GiB.
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
  g_autoptr(S3dlioRequest) request = NULL;
  g_autoptr(GString) copy_source = NULL;
  CopyData *copy;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (source));
  g_return_if_fail (S3DLIO_IS_URI (destination));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_copy_async);
  copy = g_new0 (CopyData, 1);
  copy->source = g_object_ref (source);
  copy->destination = g_object_ref (destination);
  g_task_set_task_data (task, copy, copy_data_free);

  if (!check_object (source, "source", &error) ||
      !check_object (destination, "destination", &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* `/bucket/key`, URL-encoded: the key may hold `?`, `%`, spaces… */
  copy_source = g_string_new ("/");
  g_string_append (copy_source, s3dlio_uri_get_bucket (source));
  g_string_append_c (copy_source, '/');
  _s3dlio_uri_encode_append (copy_source, s3dlio_uri_get_key (source), -1, TRUE);

  request = _s3dlio_client_new_request (self, "PUT", s3dlio_uri_get_bucket (destination),
                                        s3dlio_uri_get_key (destination));
  s3dlio_request_set_header (request, "x-amz-copy-source", copy_source->str);
  _s3dlio_client_send_async (self, request, cancellable, copy_cb, g_steal_pointer (&task));
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
 *   otherwise (%S3DLIO_ERROR_NO_SUCH_KEY for a missing source)
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

  if (!check_object (uri, "presigned location", error))
    return NULL;

  text = s3dlio_uri_to_string (uri);
  if (!g_strv_contains (methods, method))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   "%s: cannot presign the method “%s” (GET, HEAD, PUT or DELETE)", text, method);
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
