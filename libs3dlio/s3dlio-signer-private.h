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
  char *amz_date;           /* 20150830T123600Z */
  char *payload_hash;       /* the last line of the canonical request */
} S3dlioSignature;

/* Frees the fields of @signature and sets them to %NULL. */
void     _s3dlio_signature_clear (S3dlioSignature *signature);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3dlioSignature, _s3dlio_signature_clear)

/* Compares two signatures in time that depends only on their lengths, for
 * the loopback server. %NULL is equal to nothing. */
gboolean _s3dlio_signature_equal (const char *a,
                                  const char *b);

/* Computes the signature of @request without modifying it. The headers (or,
 * with @presign, the query parameters) the signer would add are taken into
 * account and replace any of the same name already on the request
 * (X-Amz-Signature included). @expires_seconds is only used with @presign.
 * @out must be zero-initialised or hold an earlier result (it is cleared
 * first); it is filled only on success. Fails with
 * %S3DLIO_ERROR_NO_CREDENTIALS for anonymous credentials. Thread-safe. */
gboolean _s3dlio_signer_compute  (S3dlioSigner    *self,
                                  S3dlioRequest   *request,
                                  GDateTime       *timestamp,
                                  gboolean         presign,
                                  guint            expires_seconds,
                                  S3dlioSignature *out,
                                  GError         **error);

/* The path with `.` and `..` segments removed and repeated `/` collapsed,
 * as %S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH does before encoding. */
char    *_s3dlio_signer_normalize_path       (const char   *path);

/* How many signing keys @self has derived: the cache holds one key per
 * date and service, so this grows once a day, not once a request. */
guint    _s3dlio_signer_get_key_derivations  (S3dlioSigner *self);

G_END_DECLS
