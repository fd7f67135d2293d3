/* s3dlio-object-list.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-object-info.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_OBJECT_LIST (s3dlio_object_list_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioObjectList, s3dlio_object_list, S3DLIO, OBJECT_LIST, GObject)

/* s3dlio_object_list_new() and s3dlio_object_list_get_client() take an
 * S3dlioClient, which this header cannot see: they are declared in
 * s3dlio-client.h. */

S3DLIO_AVAILABLE_IN_ALL
S3dlioUri     *s3dlio_object_list_get_uri         (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
const char    *s3dlio_object_list_get_delimiter   (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
const char    *s3dlio_object_list_get_start_after (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
void           s3dlio_object_list_set_start_after (S3dlioObjectList     *self,
                                                   const char           *start_after);
S3DLIO_AVAILABLE_IN_ALL
guint          s3dlio_object_list_get_page_size   (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
void           s3dlio_object_list_set_page_size   (S3dlioObjectList     *self,
                                                   guint                 page_size);

S3DLIO_AVAILABLE_IN_ALL
gboolean       s3dlio_object_list_get_loading     (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean       s3dlio_object_list_get_complete    (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
guint          s3dlio_object_list_get_n_pages     (S3dlioObjectList     *self);
S3DLIO_AVAILABLE_IN_ALL
const GError  *s3dlio_object_list_get_error       (S3dlioObjectList     *self);

S3DLIO_AVAILABLE_IN_ALL
void           s3dlio_object_list_load_async      (S3dlioObjectList     *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
S3DLIO_AVAILABLE_IN_ALL
gboolean       s3dlio_object_list_load_finish     (S3dlioObjectList     *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean       s3dlio_object_list_load            (S3dlioObjectList     *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
S3DLIO_AVAILABLE_IN_ALL
void           s3dlio_object_list_cancel          (S3dlioObjectList     *self);

G_END_DECLS
