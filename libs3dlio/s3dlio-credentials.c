/* s3dlio-credentials.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-credentials.h"

struct _S3dlioCredentials
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioCredentials, s3dlio_credentials, G_TYPE_OBJECT)

static void
s3dlio_credentials_class_init (S3dlioCredentialsClass *klass)
{
}

static void
s3dlio_credentials_init (S3dlioCredentials *self)
{
}
