/* s3dlio-signer-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-signer.h"

G_BEGIN_DECLS

/* Every intermediate of one SigV4 computation, for the tests (which compare
 * them with the AWS vectors) and for the loopback server (which recomputes
 * the signature of an incoming request to verify it). */
typedef struct {
  char *canonical_request;
  char *string_to_sign;
  char *credential_scope;   /* 20150830/us-east-1/service/aws4_request */
  char *signed_headers;     /* host;x-amz-date */
  char *signature;          /* lowercase hex */
  char *authorization;      /* header mode only */
  char *presigned_url;      /* query mode only */
} S3dlioSignature;

void     _s3dlio_signature_clear (S3dlioSignature *signature);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3dlioSignature, _s3dlio_signature_clear)

/* Computes the signature of @request without modifying it. The headers (or,
 * with @presign, the query parameters) the signer would add are taken into
 * account and replace any of the same name already on the request.
 * @expires_seconds is only used with @presign. */
gboolean _s3dlio_signer_compute  (S3dlioSigner    *self,
                                  S3dlioRequest   *request,
                                  GDateTime       *timestamp,
                                  gboolean         presign,
                                  guint            expires_seconds,
                                  S3dlioSignature *out,
                                  GError         **error);

G_END_DECLS
