/* s3dlio-error.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib.h>

#include "s3dlio-version.h"

G_BEGIN_DECLS

/**
 * S3DLIO_ERROR:
 *
 * The error domain of libs3dlio. Errors in this domain are from the
 * [error@S3dlio.Error] enumeration.
 */
#define S3DLIO_ERROR (s3dlio_error_quark ())

/**
 * S3dlioError:
 * @S3DLIO_ERROR_FAILED: a failure with no more specific code
 * @S3DLIO_ERROR_INVALID_URI: a URI that cannot be parsed or names an illegal bucket
 * @S3DLIO_ERROR_INVALID_ARGUMENT: an argument or option value that is out of range or malformed
 * @S3DLIO_ERROR_INVALID_CONFIG: a bad configuration value (environment variable or profile)
 * @S3DLIO_ERROR_NO_CREDENTIALS: no credentials could be found
 * @S3DLIO_ERROR_PROFILE_NOT_FOUND: the named profile does not exist
 * @S3DLIO_ERROR_NO_SUCH_KEY: the object does not exist (S3 `NoSuchKey`, 404)
 * @S3DLIO_ERROR_NO_SUCH_BUCKET: the bucket does not exist (S3 `NoSuchBucket`)
 * @S3DLIO_ERROR_NO_SUCH_UPLOAD: the multipart upload does not exist (S3 `NoSuchUpload`)
 * @S3DLIO_ERROR_ACCESS_DENIED: access was denied (S3 `AccessDenied`, 403)
 * @S3DLIO_ERROR_INVALID_ACCESS_KEY: the access key is unknown (S3 `InvalidAccessKeyId`)
 * @S3DLIO_ERROR_SIGNATURE_MISMATCH: the server computed another signature (S3 `SignatureDoesNotMatch`)
 * @S3DLIO_ERROR_CLOCK_SKEW: the request time is too far from the server's (S3 `RequestTimeTooSkewed`)
 * @S3DLIO_ERROR_THROTTLED: the server asks to slow down (S3 `SlowDown`, 503)
 * @S3DLIO_ERROR_INVALID_RANGE: the requested range is not satisfiable (416)
 * @S3DLIO_ERROR_PRECONDITION_FAILED: a condition such as `If-Match` did not hold (412)
 * @S3DLIO_ERROR_OBJECT_MODIFIED: the object changed while it was being downloaded
 * @S3DLIO_ERROR_BUCKET_NOT_EMPTY: the bucket still holds objects (S3 `BucketNotEmpty`)
 * @S3DLIO_ERROR_BUCKET_EXISTS: the bucket already exists (S3 `BucketAlreadyExists` or `BucketAlreadyOwnedByYou`)
 * @S3DLIO_ERROR_REDIRECT: the bucket must be addressed through another endpoint or region (S3 `PermanentRedirect`, 301/307)
 * @S3DLIO_ERROR_BAD_REQUEST: the server rejected the request as malformed (400)
 * @S3DLIO_ERROR_SERVER_ERROR: the server failed (S3 `InternalError`, 5xx)
 * @S3DLIO_ERROR_TIMEOUT: the request timed out (S3 `RequestTimeout`, or a local timeout)
 * @S3DLIO_ERROR_CONNECTION: the connection failed or was reset
 * @S3DLIO_ERROR_MALFORMED_RESPONSE: the server sent something that could not be understood (malformed XML, bad headers, short body)
 * @S3DLIO_ERROR_NOT_SUPPORTED: the operation is not supported by this backend or server
 *
 * Error codes in the [error@S3dlio.Error] domain. Errors that come from an
 * S3 error response carry the S3 error code, message and request id in
 * their message.
 */
typedef enum {
  S3DLIO_ERROR_FAILED,
  S3DLIO_ERROR_INVALID_URI,
  S3DLIO_ERROR_INVALID_ARGUMENT,
  S3DLIO_ERROR_INVALID_CONFIG,
  S3DLIO_ERROR_NO_CREDENTIALS,
  S3DLIO_ERROR_PROFILE_NOT_FOUND,
  S3DLIO_ERROR_NO_SUCH_KEY,
  S3DLIO_ERROR_NO_SUCH_BUCKET,
  S3DLIO_ERROR_NO_SUCH_UPLOAD,
  S3DLIO_ERROR_ACCESS_DENIED,
  S3DLIO_ERROR_INVALID_ACCESS_KEY,
  S3DLIO_ERROR_SIGNATURE_MISMATCH,
  S3DLIO_ERROR_CLOCK_SKEW,
  S3DLIO_ERROR_THROTTLED,
  S3DLIO_ERROR_INVALID_RANGE,
  S3DLIO_ERROR_PRECONDITION_FAILED,
  S3DLIO_ERROR_OBJECT_MODIFIED,
  S3DLIO_ERROR_BUCKET_NOT_EMPTY,
  S3DLIO_ERROR_BUCKET_EXISTS,
  S3DLIO_ERROR_REDIRECT,
  S3DLIO_ERROR_BAD_REQUEST,
  S3DLIO_ERROR_SERVER_ERROR,
  S3DLIO_ERROR_TIMEOUT,
  S3DLIO_ERROR_CONNECTION,
  S3DLIO_ERROR_MALFORMED_RESPONSE,
  S3DLIO_ERROR_NOT_SUPPORTED,
} S3dlioError;

S3DLIO_AVAILABLE_IN_ALL
GQuark   s3dlio_error_quark        (void);

S3DLIO_AVAILABLE_IN_ALL
gboolean s3dlio_error_is_retryable (const GError *error);

G_END_DECLS
