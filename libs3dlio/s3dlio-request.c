/* s3dlio-request.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-request.h"

struct _S3dlioRequest
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioRequest, s3dlio_request, G_TYPE_OBJECT)

static void
s3dlio_request_class_init (S3dlioRequestClass *klass)
{
}

static void
s3dlio_request_init (S3dlioRequest *self)
{
}
