/* s3dlio-client.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-config.h"
#include "s3dlio-credentials.h"
#include "s3dlio-endpoint.h"
#include "s3dlio-object-info.h"
#include "s3dlio-transfer.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_CLIENT (s3dlio_client_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioClient, s3dlio_client, S3DLIO, CLIENT, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioClient      *s3dlio_client_new                  (S3dlioEndpoint       *endpoint,
                                                       S3dlioCredentials    *credentials,
                                                       S3dlioConfig         *config);
S3DLIO_AVAILABLE_IN_ALL
S3dlioClient      *s3dlio_client_new_from_environment (const char           *profile,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioEndpoint    *s3dlio_client_get_endpoint         (S3dlioClient         *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_client_get_credentials      (S3dlioClient         *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioConfig      *s3dlio_client_get_config           (S3dlioClient         *self);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_stat_async           (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectInfo  *s3dlio_client_stat_finish          (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectInfo  *s3dlio_client_stat                 (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_download_async       (S3dlioClient         *self,
                                                       S3dlioTransfer       *transfer,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_download_finish      (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_download             (S3dlioClient         *self,
                                                       S3dlioTransfer       *transfer,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_get_async            (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get_finish           (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get                  (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_get_range_async      (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       guint64               offset,
                                                       guint64               length,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get_range_finish     (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get_range            (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       guint64               offset,
                                                       guint64               length,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_get_object_async     (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get_object_finish    (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_client_get_object           (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_get_to_file_async    (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *path,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_get_to_file_finish   (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_get_to_file          (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *path,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_get_into_buffer      (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       guint8               *buffer,
                                                       gsize                 size,
                                                       guint64              *length,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

G_END_DECLS

/* Listing, buckets, deletion, copy, presign */

#include "s3dlio-delete-failure.h"
#include "s3dlio-object-list.h"

G_BEGIN_DECLS

/**
 * S3dlioListFunc:
 * @info: (transfer none): an object, or a common prefix (with
 *   [property@S3dlio.ObjectInfo:is-prefix] set)
 * @user_data: the data given with the function
 *
 * Called by [method@S3dlio.Client.list_foreach_async] for each item of a
 * listing, in key order.
 *
 * Returns: %TRUE to go on, %FALSE to stop the listing there
 */
typedef gboolean (*S3dlioListFunc) (S3dlioObjectInfo *info,
                                    gpointer          user_data);

S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectList  *s3dlio_object_list_new             (S3dlioClient         *client,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter);
S3DLIO_AVAILABLE_IN_ALL
S3dlioClient      *s3dlio_object_list_get_client      (S3dlioObjectList     *self);

S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectList  *s3dlio_client_list                 (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter,
                                                       GCancellable         *cancellable);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_list_all_async       (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectList  *s3dlio_client_list_all_finish      (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectList  *s3dlio_client_list_all             (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_list_foreach_async   (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter,
                                                       const char           *start_after,
                                                       S3dlioListFunc        func,
                                                       gpointer              func_data,
                                                       GDestroyNotify        func_notify,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_list_foreach_finish  (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_list_foreach         (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *delimiter,
                                                       const char           *start_after,
                                                       S3dlioListFunc        func,
                                                       gpointer              user_data,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_list_buckets_async   (S3dlioClient         *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_list_buckets_finish  (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_list_buckets         (S3dlioClient         *self,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_create_bucket_async  (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_create_bucket_finish (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_create_bucket        (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_delete_bucket_async  (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_delete_bucket_finish (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_delete_bucket        (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_delete_async         (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_delete_finish        (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_delete               (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_delete_many_async    (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       const char * const   *keys,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_delete_many_finish   (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_delete_many          (S3dlioClient         *self,
                                                       const char           *bucket,
                                                       const char * const   *keys,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_delete_prefix_async  (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_delete_prefix_finish (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       guint64              *n_deleted,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
GListModel        *s3dlio_client_delete_prefix        (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       guint64              *n_deleted,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_copy_async           (S3dlioClient         *self,
                                                       S3dlioUri            *source,
                                                       S3dlioUri            *destination,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_copy_finish          (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_copy                 (S3dlioClient         *self,
                                                       S3dlioUri            *source,
                                                       S3dlioUri            *destination,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
char              *s3dlio_client_presign              (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *method,
                                                       guint                 expires_seconds,
                                                       GError              **error);

G_END_DECLS

/* Uploads */

#include "s3dlio-upload.h"

G_BEGIN_DECLS

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_upload_async         (S3dlioClient         *self,
                                                       S3dlioUpload         *upload,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_upload_finish        (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_upload               (S3dlioClient         *self,
                                                       S3dlioUpload         *upload,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_put_async            (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GBytes               *data,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put_finish           (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put                  (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GBytes               *data,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_put_file_async       (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *path,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put_file_finish      (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put_file             (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       const char           *path,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_client_put_stream_async     (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GInputStream         *stream,
                                                       gint64                size,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put_stream_finish    (S3dlioClient         *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_client_put_stream           (S3dlioClient         *self,
                                                       S3dlioUri            *uri,
                                                       GInputStream         *stream,
                                                       gint64                size,
                                                       const char           *content_type,
                                                       GHashTable           *metadata,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

G_END_DECLS
