/* s3dlio-uri.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-uri.h"

struct _S3dlioUri
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioUri, s3dlio_uri, G_TYPE_OBJECT)

static void
s3dlio_uri_class_init (S3dlioUriClass *klass)
{
}

static void
s3dlio_uri_init (S3dlioUri *self)
{
}
