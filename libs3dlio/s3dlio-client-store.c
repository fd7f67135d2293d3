/* s3dlio-client-store.c: S3dlioClient as the s3:// S3dlioObjectStore
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-client-private.h"
#include "s3dlio-object-store.h"

/* Every operation of the interface is an operation of the client: the
 * tasks are the client's, so the client's finish functions take them. */

static void
client_stat_async (S3dlioObjectStore   *store,
                   S3dlioUri           *uri,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  s3dlio_client_stat_async (S3DLIO_CLIENT (store), uri, cancellable, callback, user_data);
}

static S3dlioObjectInfo *
client_stat_finish (S3dlioObjectStore  *store,
                    GAsyncResult       *result,
                    GError            **error)
{
  return s3dlio_client_stat_finish (S3DLIO_CLIENT (store), result, error);
}

static void
client_download_async (S3dlioObjectStore   *store,
                       S3dlioTransfer      *transfer,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  s3dlio_client_download_async (S3DLIO_CLIENT (store), transfer, cancellable, callback, user_data);
}

static gboolean
client_download_finish (S3dlioObjectStore  *store,
                        GAsyncResult       *result,
                        GError            **error)
{
  return s3dlio_client_download_finish (S3DLIO_CLIENT (store), result, error);
}

static GListModel *
client_list (S3dlioObjectStore *store,
             S3dlioUri         *uri,
             const char        *delimiter,
             GCancellable      *cancellable)
{
  return G_LIST_MODEL (s3dlio_client_list (S3DLIO_CLIENT (store), uri, delimiter, cancellable));
}

static void
client_put_async (S3dlioObjectStore   *store,
                  S3dlioUri           *uri,
                  GBytes              *data,
                  const char          *content_type,
                  GHashTable          *metadata,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  s3dlio_client_put_async (S3DLIO_CLIENT (store), uri, data, content_type, metadata,
                           cancellable, callback, user_data);
}

static gboolean
client_put_finish (S3dlioObjectStore  *store,
                   GAsyncResult       *result,
                   GError            **error)
{
  return s3dlio_client_put_finish (S3DLIO_CLIENT (store), result, error);
}

static void
client_put_file_async (S3dlioObjectStore   *store,
                       S3dlioUri           *uri,
                       const char          *path,
                       const char          *content_type,
                       GHashTable          *metadata,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  s3dlio_client_put_file_async (S3DLIO_CLIENT (store), uri, path, content_type, metadata,
                                cancellable, callback, user_data);
}

static gboolean
client_put_file_finish (S3dlioObjectStore  *store,
                        GAsyncResult       *result,
                        GError            **error)
{
  return s3dlio_client_put_file_finish (S3DLIO_CLIENT (store), result, error);
}

static void
client_delete_async (S3dlioObjectStore   *store,
                     S3dlioUri           *uri,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  s3dlio_client_delete_async (S3DLIO_CLIENT (store), uri, cancellable, callback, user_data);
}

static gboolean
client_delete_finish (S3dlioObjectStore  *store,
                      GAsyncResult       *result,
                      GError            **error)
{
  return s3dlio_client_delete_finish (S3DLIO_CLIENT (store), result, error);
}

static void
client_list_foreach_async (S3dlioObjectStore   *store,
                           S3dlioUri           *uri,
                           const char          *delimiter,
                           S3dlioListFunc       func,
                           gpointer             func_data,
                           GDestroyNotify       func_notify,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  s3dlio_client_list_foreach_async (S3DLIO_CLIENT (store), uri, delimiter, NULL,
                                    func, func_data, func_notify,
                                    cancellable, callback, user_data);
}

static gboolean
client_list_foreach_finish (S3dlioObjectStore  *store,
                            GAsyncResult       *result,
                            GError            **error)
{
  return s3dlio_client_list_foreach_finish (S3DLIO_CLIENT (store), result, error);
}

/* DeleteObjects, a page of keys per request. */
static void
client_delete_prefix_async (S3dlioObjectStore   *store,
                            S3dlioUri           *uri,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  s3dlio_client_delete_prefix_async (S3DLIO_CLIENT (store), uri, cancellable, callback, user_data);
}

static GListModel *
client_delete_prefix_finish (S3dlioObjectStore  *store,
                             GAsyncResult       *result,
                             guint64            *n_deleted,
                             GError            **error)
{
  return s3dlio_client_delete_prefix_finish (S3DLIO_CLIENT (store), result, n_deleted, error);
}

static void
client_upload_async (S3dlioObjectStore   *store,
                     S3dlioUpload        *upload,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  s3dlio_client_upload_async (S3DLIO_CLIENT (store), upload, cancellable, callback, user_data);
}

static gboolean
client_upload_finish (S3dlioObjectStore  *store,
                      GAsyncResult       *result,
                      GError            **error)
{
  return s3dlio_client_upload_finish (S3DLIO_CLIENT (store), result, error);
}

void
s3dlio_client_store_iface_init (S3dlioObjectStoreInterface *iface)
{
  iface->stat_async = client_stat_async;
  iface->stat_finish = client_stat_finish;
  iface->download_async = client_download_async;
  iface->download_finish = client_download_finish;
  iface->list = client_list;
  iface->put_async = client_put_async;
  iface->put_finish = client_put_finish;
  iface->put_file_async = client_put_file_async;
  iface->put_file_finish = client_put_file_finish;
  iface->delete_async = client_delete_async;
  iface->delete_finish = client_delete_finish;
  iface->list_foreach_async = client_list_foreach_async;
  iface->list_foreach_finish = client_list_foreach_finish;
  iface->delete_prefix_async = client_delete_prefix_async;
  iface->delete_prefix_finish = client_delete_prefix_finish;
  iface->upload_async = client_upload_async;
  iface->upload_finish = client_upload_finish;
}
