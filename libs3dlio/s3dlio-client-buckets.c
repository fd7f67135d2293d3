/* s3dlio-client-buckets.c: listing, creating and deleting buckets
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "s3dlio-client-private.h"
#include "s3dlio-error.h"
#include "s3dlio-xml-private.h"

/* ListBuckets pages since 2024; older servers answer everything at once
 * and send no continuation token. A bound keeps a server that repeats
 * itself from looping for ever. */
#define MAX_BUCKET_PAGES 10000

typedef struct {
  S3dlioClient  *client;
  const char    *bucket;
  GCancellable  *cancellable;
} BucketSyncArgs;

static char *
bucket_uri_string (const char *bucket)
{
  return g_strconcat ("s3://", bucket, NULL);
}

/* {{{ ListBuckets */

typedef struct {
  GListStore *buckets;
  char       *token;
  guint       n_pages;
} ListBucketsData;

static void
list_buckets_data_free (gpointer data)
{
  ListBucketsData *list = data;

  g_clear_object (&list->buckets);
  g_free (list->token);
  g_free (list);
}

static void list_buckets_next (GTask *task);

static void
list_buckets_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  ListBucketsData *list = g_task_get_task_data (task);
  S3dlioClient *client = S3DLIO_CLIENT (source);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioBucketList) page = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (client, result, &error);
  if (response != NULL)
    page = _s3dlio_xml_parse_list_buckets (g_bytes_get_data (response->body, NULL),
                                           g_bytes_get_size (response->body), &error);
  if (page == NULL)
    {
      g_prefix_error (&error, _("Listing the buckets of %s: "),
                      s3dlio_endpoint_get_url (s3dlio_client_get_endpoint (client)));
      g_task_return_error (task, error);
      return;
    }

  g_list_store_splice (list->buckets, g_list_model_get_n_items (G_LIST_MODEL (list->buckets)), 0,
                       page->buckets->pdata, page->buckets->len);
  list->n_pages++;

  if (page->continuation_token == NULL || *page->continuation_token == '\0')
    {
      g_task_return_pointer (task, g_object_ref (list->buckets), g_object_unref);
      return;
    }

  if (g_strcmp0 (page->continuation_token, list->token) == 0 || list->n_pages >= MAX_BUCKET_PAGES)
    {
      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                               _("Listing the buckets of %s: the server keeps sending the same "
                                  "ContinuationToken"),
                               s3dlio_endpoint_get_url (s3dlio_client_get_endpoint (client)));
      return;
    }

  g_free (list->token);
  list->token = g_steal_pointer (&page->continuation_token);
  if (!g_task_return_error_if_cancelled (task))
    list_buckets_next (g_steal_pointer (&task));
}

static void
list_buckets_next (GTask *task)
{
  S3dlioClient *client = g_task_get_source_object (task);
  ListBucketsData *list = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = NULL;

  request = _s3dlio_client_new_request (client, "GET", NULL, NULL);
  if (list->token != NULL)
    s3dlio_request_add_query (request, "continuation-token", list->token);
  _s3dlio_client_send_async (client, request, g_task_get_cancellable (task), list_buckets_cb, task);
}

/**
 * s3dlio_client_list_buckets_async:
 * @self: a #S3dlioClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Lists the buckets the credentials own (ListBuckets), following
 * continuation tokens when the server pages the answer.
 */
void
s3dlio_client_list_buckets_async (S3dlioClient        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  ListBucketsData *list;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_list_buckets_async);

  list = g_new0 (ListBucketsData, 1);
  list->buckets = g_list_store_new (S3DLIO_TYPE_BUCKET_INFO);
  g_task_set_task_data (task, list, list_buckets_data_free);

  list_buckets_next (task);
}

/**
 * s3dlio_client_list_buckets_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.list_buckets_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.BucketInfo] in
 *   the order of the server, or %NULL with @error set
 */
GListModel *
s3dlio_client_list_buckets_finish (S3dlioClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_list_buckets (gpointer            data,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  BucketSyncArgs *args = data;

  s3dlio_client_list_buckets_async (args->client, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_list_buckets:
 * @self: a #S3dlioClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.list_buckets_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.BucketInfo], or
 *   %NULL with @error set
 */
GListModel *
s3dlio_client_list_buckets (S3dlioClient  *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  BucketSyncArgs args = { self, NULL, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_list_buckets, &args);

  return s3dlio_client_list_buckets_finish (self, result, error);
}

/* }}} */
/* {{{ CreateBucket and DeleteBucket */

static void
bucket_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(S3dlioResponse) response = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_autofree char *text = bucket_uri_string (g_task_get_task_data (task));

      g_prefix_error (&error, "%s: ", text);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* A task for an operation on @bucket, or NULL when it already failed
 * because @bucket is not a valid name. */
static GTask *
bucket_task_new (S3dlioClient        *self,
                 const char          *bucket,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (bucket), g_free);

  if (!s3dlio_bucket_name_is_valid (bucket, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }

  return g_steal_pointer (&task);
}

/* The body S3 wants outside us-east-1, where a bucket is created in the
 * region the request is sent to only if the body names it. */
static GBytes *
create_bucket_configuration (const char *region)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                               "<LocationConstraint>");
  g_autofree char *escaped = g_markup_escape_text (region, -1);

  g_string_append (xml, escaped);
  g_string_append (xml, "</LocationConstraint></CreateBucketConfiguration>");

  return g_string_free_to_bytes (xml);
}

/**
 * s3dlio_client_create_bucket_async:
 * @self: a #S3dlioClient
 * @bucket: the name of the bucket
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Creates a bucket (CreateBucket) in the region of the client's endpoint:
 * outside `us-east-1` the request names the region as its
 * `LocationConstraint`, as S3 requires.
 */
void
s3dlio_client_create_bucket_async (S3dlioClient        *self,
                                   const char          *bucket,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(S3dlioRequest) request = NULL;
  const char *region;
  GTask *task;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (bucket != NULL);

  task = bucket_task_new (self, bucket, s3dlio_client_create_bucket_async, cancellable,
                          callback, user_data);
  if (task == NULL)
    return;

  request = _s3dlio_client_new_request (self, "PUT", bucket, NULL);
  region = s3dlio_endpoint_get_region (s3dlio_client_get_endpoint (self));
  if (region != NULL && *region != '\0' && g_strcmp0 (region, "us-east-1") != 0)
    {
      g_autoptr(GBytes) body = create_bucket_configuration (region);

      s3dlio_request_set_header (request, "Content-Type", "application/xml");
      s3dlio_request_set_payload (request, body);
    }

  _s3dlio_client_send_async (self, request, cancellable, bucket_done_cb, task);
}

/**
 * s3dlio_client_create_bucket_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.create_bucket_async].
 *
 * Returns: %TRUE if the bucket was created, %FALSE with @error set
 *   otherwise (%S3DLIO_ERROR_INVALID_URI for an invalid name,
 *   %S3DLIO_ERROR_BUCKET_EXISTS when it exists, whoever owns it)
 */
gboolean
s3dlio_client_create_bucket_finish (S3dlioClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_create_bucket (gpointer            data,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  BucketSyncArgs *args = data;

  s3dlio_client_create_bucket_async (args->client, args->bucket, args->cancellable,
                                     callback, user_data);
}

/**
 * s3dlio_client_create_bucket:
 * @self: a #S3dlioClient
 * @bucket: the name of the bucket
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.create_bucket_async].
 *
 * Returns: %TRUE if the bucket was created
 */
gboolean
s3dlio_client_create_bucket (S3dlioClient  *self,
                             const char    *bucket,
                             GCancellable  *cancellable,
                             GError       **error)
{
  BucketSyncArgs args = { self, bucket, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_create_bucket, &args);

  return s3dlio_client_create_bucket_finish (self, result, error);
}

/**
 * s3dlio_client_delete_bucket_async:
 * @self: a #S3dlioClient
 * @bucket: the name of the bucket
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes a bucket (DeleteBucket), which must be empty: see
 * [method@S3dlio.Client.delete_prefix_async] to empty it first.
 */
void
s3dlio_client_delete_bucket_async (S3dlioClient        *self,
                                   const char          *bucket,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(S3dlioRequest) request = NULL;
  GTask *task;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (bucket != NULL);

  task = bucket_task_new (self, bucket, s3dlio_client_delete_bucket_async, cancellable,
                          callback, user_data);
  if (task == NULL)
    return;

  request = _s3dlio_client_new_request (self, "DELETE", bucket, NULL);
  _s3dlio_client_send_async (self, request, cancellable, bucket_done_cb, task);
}

/**
 * s3dlio_client_delete_bucket_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.delete_bucket_async].
 *
 * Returns: %TRUE if the bucket was deleted, %FALSE with @error set
 *   otherwise (%S3DLIO_ERROR_BUCKET_NOT_EMPTY when it holds objects,
 *   %S3DLIO_ERROR_NO_SUCH_BUCKET when it does not exist)
 */
gboolean
s3dlio_client_delete_bucket_finish (S3dlioClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_delete_bucket (gpointer            data,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  BucketSyncArgs *args = data;

  s3dlio_client_delete_bucket_async (args->client, args->bucket, args->cancellable,
                                     callback, user_data);
}

/**
 * s3dlio_client_delete_bucket:
 * @self: a #S3dlioClient
 * @bucket: the name of the bucket
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.delete_bucket_async].
 *
 * Returns: %TRUE if the bucket was deleted
 */
gboolean
s3dlio_client_delete_bucket (S3dlioClient  *self,
                             const char    *bucket,
                             GCancellable  *cancellable,
                             GError       **error)
{
  BucketSyncArgs args = { self, bucket, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_delete_bucket, &args);

  return s3dlio_client_delete_bucket_finish (self, result, error);
}

/* }}} */
