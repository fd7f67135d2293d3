/* s3dlio-signer.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"
#include "s3dlio-credentials.h"
#include "s3dlio-request.h"

G_BEGIN_DECLS

/**
 * S3dlioSignerFlags:
 * @S3DLIO_SIGNER_FLAGS_NONE: the S3 rules: keys encoded once, no path
 *   normalisation, `x-amz-content-sha256` always sent and signed
 * @S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH: remove `.` and `..` segments and
 *   repeated slashes from the canonical path (generic SigV4, not S3)
 * @S3DLIO_SIGNER_FLAGS_DOUBLE_ENCODE_PATH: encode the already encoded path a
 *   second time (generic SigV4, not S3)
 * @S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER: do not add the
 *   `x-amz-content-sha256` header (generic SigV4, not S3)
 * @S3DLIO_SIGNER_FLAGS_UNSIGNED_SESSION_TOKEN: add the session token after
 *   signing, outside the signature (some non-S3 services)
 *
 * Flags that select the generic SigV4 rules some AWS services use instead
 * of the S3 rules. S3 needs none of them.
 */
typedef enum /*< flags >*/ {
  S3DLIO_SIGNER_FLAGS_NONE                    = 0,
  S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH          = 1 << 0,
  S3DLIO_SIGNER_FLAGS_DOUBLE_ENCODE_PATH      = 1 << 1,
  S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER = 1 << 2,
  S3DLIO_SIGNER_FLAGS_UNSIGNED_SESSION_TOKEN  = 1 << 3,
} S3dlioSignerFlags;

#define S3DLIO_TYPE_SIGNER (s3dlio_signer_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioSigner, s3dlio_signer, S3DLIO, SIGNER, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioSigner       *s3dlio_signer_new             (S3dlioCredentials *credentials,
                                                   const char        *region);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials  *s3dlio_signer_get_credentials (S3dlioSigner      *self);
S3DLIO_AVAILABLE_IN_ALL
const char         *s3dlio_signer_get_region      (S3dlioSigner      *self);
S3DLIO_AVAILABLE_IN_ALL
const char         *s3dlio_signer_get_service     (S3dlioSigner      *self);
S3DLIO_AVAILABLE_IN_ALL
void                s3dlio_signer_set_service     (S3dlioSigner      *self,
                                                   const char        *service);
S3DLIO_AVAILABLE_IN_ALL
S3dlioSignerFlags   s3dlio_signer_get_flags       (S3dlioSigner      *self);
S3DLIO_AVAILABLE_IN_ALL
void                s3dlio_signer_set_flags       (S3dlioSigner      *self,
                                                   S3dlioSignerFlags  flags);
S3DLIO_AVAILABLE_IN_ALL
gboolean            s3dlio_signer_sign            (S3dlioSigner      *self,
                                                   S3dlioRequest     *request,
                                                   GDateTime         *timestamp,
                                                   GError           **error);
S3DLIO_AVAILABLE_IN_ALL
char               *s3dlio_signer_presign         (S3dlioSigner      *self,
                                                   S3dlioRequest     *request,
                                                   GDateTime         *timestamp,
                                                   guint              expires_seconds,
                                                   GError           **error);

G_END_DECLS
