/* s3dlio-server.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-server.h"

struct _S3dlioServer
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioServer, s3dlio_server, G_TYPE_OBJECT)

static void
s3dlio_server_class_init (S3dlioServerClass *klass)
{
}

static void
s3dlio_server_init (S3dlioServer *self)
{
}
