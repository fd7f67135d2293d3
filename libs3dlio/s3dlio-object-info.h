/* s3dlio-object-info.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_OBJECT_INFO (s3dlio_object_info_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioObjectInfo, s3dlio_object_info, S3DLIO, OBJECT_INFO, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioObjectInfo  *s3dlio_object_info_new                 (const char       *key);

S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_object_info_get_key             (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_key             (S3dlioObjectInfo *self,
                                                           const char       *key);
S3DLIO_AVAILABLE_IN_ALL
guint64            s3dlio_object_info_get_size            (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_size            (S3dlioObjectInfo *self,
                                                           guint64           size);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_object_info_get_etag            (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_etag            (S3dlioObjectInfo *self,
                                                           const char       *etag);
S3DLIO_AVAILABLE_IN_ALL
GDateTime         *s3dlio_object_info_get_last_modified   (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_last_modified   (S3dlioObjectInfo *self,
                                                           GDateTime        *last_modified);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_object_info_get_content_type    (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_content_type    (S3dlioObjectInfo *self,
                                                           const char       *content_type);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_object_info_get_storage_class   (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_storage_class   (S3dlioObjectInfo *self,
                                                           const char       *storage_class);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_object_info_get_is_prefix       (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_is_prefix       (S3dlioObjectInfo *self,
                                                           gboolean          is_prefix);

S3DLIO_AVAILABLE_IN_ALL
GHashTable        *s3dlio_object_info_get_metadata        (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_object_info_get_metadata_value  (S3dlioObjectInfo *self,
                                                           const char       *name);
S3DLIO_AVAILABLE_IN_ALL
char             **s3dlio_object_info_get_metadata_keys   (S3dlioObjectInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_object_info_set_metadata_value  (S3dlioObjectInfo *self,
                                                           const char       *name,
                                                           const char       *value);

G_END_DECLS
