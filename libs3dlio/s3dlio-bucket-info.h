/* s3dlio-bucket-info.h
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

#define S3DLIO_TYPE_BUCKET_INFO (s3dlio_bucket_info_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioBucketInfo, s3dlio_bucket_info, S3DLIO, BUCKET_INFO, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioBucketInfo *s3dlio_bucket_info_new               (const char       *name);

S3DLIO_AVAILABLE_IN_ALL
const char       *s3dlio_bucket_info_get_name          (S3dlioBucketInfo *self);
S3DLIO_AVAILABLE_IN_ALL
GDateTime        *s3dlio_bucket_info_get_creation_date (S3dlioBucketInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void              s3dlio_bucket_info_set_creation_date (S3dlioBucketInfo *self,
                                                        GDateTime        *creation_date);
S3DLIO_AVAILABLE_IN_ALL
const char       *s3dlio_bucket_info_get_region        (S3dlioBucketInfo *self);
S3DLIO_AVAILABLE_IN_ALL
void              s3dlio_bucket_info_set_region        (S3dlioBucketInfo *self,
                                                        const char       *region);

G_END_DECLS
