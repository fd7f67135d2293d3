/* s3dlio-endpoint.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-endpoint.h"

struct _S3dlioEndpoint
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioEndpoint, s3dlio_endpoint, G_TYPE_OBJECT)

static void
s3dlio_endpoint_class_init (S3dlioEndpointClass *klass)
{
}

static void
s3dlio_endpoint_init (S3dlioEndpoint *self)
{
}
