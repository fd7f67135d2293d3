/* s3dlio-signer.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-signer.h"

struct _S3dlioSigner
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (S3dlioSigner, s3dlio_signer, G_TYPE_OBJECT)

static void
s3dlio_signer_class_init (S3dlioSignerClass *klass)
{
}

static void
s3dlio_signer_init (S3dlioSigner *self)
{
}
