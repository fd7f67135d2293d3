/* s3dlio-object-info.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-object-info.h"

struct _S3dlioObjectInfo
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioObjectInfo, s3dlio_object_info, G_TYPE_OBJECT)

static void
s3dlio_object_info_class_init (S3dlioObjectInfoClass *klass)
{
}

static void
s3dlio_object_info_init (S3dlioObjectInfo *self)
{
}
