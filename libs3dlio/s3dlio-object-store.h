/* s3dlio-object-store.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-batch.h"
#include "s3dlio-client.h"
#include "s3dlio-object-info.h"
#include "s3dlio-transfer.h"
#include "s3dlio-upload.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_OBJECT_STORE (s3dlio_object_store_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (S3dlioObjectStore, s3dlio_object_store, S3DLIO, OBJECT_STORE, GObject)

/**
 * S3dlioObjectStoreInterface:
 * @g_iface: the parent interface
 * @stat_async: starts [method@S3dlio.ObjectStore.stat_async]
 * @stat_finish: finishes it
 * @download_async: starts [method@S3dlio.ObjectStore.download_async]
 * @download_finish: finishes it
 * @list: starts a listing: see [method@S3dlio.ObjectStore.list]
 * @put_async: starts [method@S3dlio.ObjectStore.put_async]
 * @put_finish: finishes it
 * @put_file_async: starts [method@S3dlio.ObjectStore.put_file_async]
 * @put_file_finish: finishes it
 * @delete_async: starts [method@S3dlio.ObjectStore.delete_async]
 * @delete_finish: finishes it
 * @list_foreach_async: starts [method@S3dlio.ObjectStore.list_foreach_async]
 * @list_foreach_finish: finishes it
 * @delete_prefix_async: starts [method@S3dlio.ObjectStore.delete_prefix_async]
 * @delete_prefix_finish: finishes it
 * @upload_async: starts [method@S3dlio.ObjectStore.upload_async]
 * @upload_finish: finishes it
 *
 * The operations a backend implements. Every one is required.
 */
struct _S3dlioObjectStoreInterface
{
  GTypeInterface g_iface;

  void               (*stat_async)      (S3dlioObjectStore    *self,
                                         S3dlioUri            *uri,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  S3dlioObjectInfo * (*stat_finish)     (S3dlioObjectStore    *self,
                                         GAsyncResult         *result,
                                         GError              **error);

  void               (*download_async)  (S3dlioObjectStore    *self,
                                         S3dlioTransfer       *transfer,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  gboolean           (*download_finish) (S3dlioObjectStore    *self,
                                         GAsyncResult         *result,
                                         GError              **error);

  GListModel *       (*list)            (S3dlioObjectStore    *self,
                                         S3dlioUri            *uri,
                                         const char           *delimiter,
                                         GCancellable         *cancellable);

  void               (*put_async)       (S3dlioObjectStore    *self,
                                         S3dlioUri            *uri,
                                         GBytes               *data,
                                         const char           *content_type,
                                         GHashTable           *metadata,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  gboolean           (*put_finish)      (S3dlioObjectStore    *self,
                                         GAsyncResult         *result,
                                         GError              **error);

  void               (*put_file_async)  (S3dlioObjectStore    *self,
                                         S3dlioUri            *uri,
                                         const char           *path,
                                         const char           *content_type,
                                         GHashTable           *metadata,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  gboolean           (*put_file_finish) (S3dlioObjectStore    *self,
                                         GAsyncResult         *result,
                                         GError              **error);

  void               (*delete_async)    (S3dlioObjectStore    *self,
                                         S3dlioUri            *uri,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  gboolean           (*delete_finish)   (S3dlioObjectStore    *self,
                                         GAsyncResult         *result,
                                         GError              **error);

  void               (*list_foreach_async)   (S3dlioObjectStore    *self,
                                              S3dlioUri            *uri,
                                              const char           *delimiter,
                                              S3dlioListFunc        func,
                                              gpointer              func_data,
                                              GDestroyNotify        func_notify,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean           (*list_foreach_finish)  (S3dlioObjectStore    *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void               (*delete_prefix_async)  (S3dlioObjectStore    *self,
                                              S3dlioUri            *uri,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  GListModel *       (*delete_prefix_finish) (S3dlioObjectStore    *self,
                                              GAsyncResult         *result,
                                              guint64              *n_deleted,
                                              GError              **error);

  void               (*upload_async)         (S3dlioObjectStore    *self,
                                              S3dlioUpload         *upload,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean           (*upload_finish)        (S3dlioObjectStore    *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  /*< private >*/
  gpointer padding[2];
};

S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectStore *s3dlio_object_store_new_for_uri          (S3dlioUri            *uri,
                                                             S3dlioClient         *client,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_stat_async           (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectInfo  *s3dlio_object_store_stat_finish          (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectInfo  *s3dlio_object_store_stat                 (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_download_async       (S3dlioObjectStore    *self,
                                                             S3dlioTransfer       *transfer,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_download_finish      (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_download             (S3dlioObjectStore    *self,
                                                             S3dlioTransfer       *transfer,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_get_async            (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_object_store_get_finish           (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_object_store_get                  (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_get_range_async      (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             guint64               offset,
                                                             guint64               length,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_object_store_get_range_finish     (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_object_store_get_range            (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             guint64               offset,
                                                             guint64               length,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_object_store_list                 (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *delimiter,
                                                             GCancellable         *cancellable);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_list_all_async       (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *delimiter,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_object_store_list_all_finish      (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_object_store_list_all             (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *delimiter,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_list_foreach_async   (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *delimiter,
                                                             S3dlioListFunc        func,
                                                             gpointer              func_data,
                                                             GDestroyNotify        func_notify,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_list_foreach_finish  (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_list_foreach         (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *delimiter,
                                                             S3dlioListFunc        func,
                                                             gpointer              user_data,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_put_async            (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GBytes               *data,
                                                             const char           *content_type,
                                                             GHashTable           *metadata,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_put_finish           (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_put                  (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GBytes               *data,
                                                             const char           *content_type,
                                                             GHashTable           *metadata,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_put_file_async       (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *path,
                                                             const char           *content_type,
                                                             GHashTable           *metadata,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_put_file_finish      (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_put_file             (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             const char           *path,
                                                             const char           *content_type,
                                                             GHashTable           *metadata,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_delete_async         (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_delete_finish        (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_delete               (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_upload_async         (S3dlioObjectStore    *self,
                                                             S3dlioUpload         *upload,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_upload_finish        (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_upload               (S3dlioObjectStore    *self,
                                                             S3dlioUpload         *upload,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_delete_prefix_async  (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_object_store_delete_prefix_finish (S3dlioObjectStore    *self,
                                                             GAsyncResult         *result,
                                                             guint64              *n_deleted,
                                                             GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_object_store_delete_prefix        (S3dlioObjectStore    *self,
                                                             S3dlioUri            *uri,
                                                             guint64              *n_deleted,
                                                             GCancellable         *cancellable,
                                                             GError              **error);

/* Recursive transfers (s3dlio-object-store-recursive.c) */

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_download_recursive_async  (S3dlioObjectStore    *self,
                                                                  S3dlioBatch          *batch,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_download_recursive_finish (S3dlioObjectStore    *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_download_recursive        (S3dlioObjectStore    *self,
                                                                  S3dlioBatch          *batch,
                                                                  GCancellable         *cancellable,
                                                                  GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_store_upload_recursive_async    (S3dlioObjectStore    *self,
                                                                  S3dlioBatch          *batch,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_upload_recursive_finish   (S3dlioObjectStore    *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_store_upload_recursive          (S3dlioObjectStore    *self,
                                                                  S3dlioBatch          *batch,
                                                                  GCancellable         *cancellable,
                                                                  GError              **error);

G_END_DECLS
