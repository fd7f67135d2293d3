/* s3dlio-config.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-config.h"

struct _S3dlioConfig
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioConfig, s3dlio_config, G_TYPE_OBJECT)

static void
s3dlio_config_class_init (S3dlioConfigClass *klass)
{
}

static void
s3dlio_config_init (S3dlioConfig *self)
{
}
