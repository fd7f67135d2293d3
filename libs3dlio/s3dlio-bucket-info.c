/* s3dlio-bucket-info.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-bucket-info.h"

struct _S3dlioBucketInfo
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioBucketInfo, s3dlio_bucket_info, G_TYPE_OBJECT)

static void
s3dlio_bucket_info_class_init (S3dlioBucketInfoClass *klass)
{
}

static void
s3dlio_bucket_info_init (S3dlioBucketInfo *self)
{
}
