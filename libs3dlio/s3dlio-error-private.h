/* s3dlio-error-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-error.h"

G_BEGIN_DECLS

/* Longest S3 <Message> text kept in a GError message, in bytes. Servers and
 * proxies may send megabytes: the GError stays short enough for a log line. */
#define S3DLIO_ERROR_MESSAGE_MAX 320

/* Bodies longer than this are not parsed for an S3 <Error> document. */
#define S3DLIO_ERROR_BODY_MAX (1024 * 1024)

/* Binds the library's gettext domain, GETTEXT_PACKAGE, to LOCALEDIR, once.
 * Called by s3dlio_error_quark() and by the class_init of the types an
 * application starts with, so that _() finds the catalog. */
void        _s3dlio_i18n_init                 (void);

/* Turns an unsuccessful HTTP response into a GError in the S3DLIO_ERROR
 * domain. @body (not NUL-terminated, may be %NULL when @body_len is 0) is
 * parsed if it is an S3 <Error> document, and the S3 error code is mapped to
 * the most specific S3dlioError; otherwise the code comes from @http_status.
 * @reason_phrase and @request_id_header (the `x-amz-request-id` header) may
 * be %NULL. The message names the S3 code, the HTTP status, the S3 message
 * and the request id; everything from the server is sanitised and capped.
 *
 * Always sets @error and returns %FALSE, so callers can
 * `return _s3dlio_error_from_response (...);`. */
gboolean    _s3dlio_error_from_response       (guint        http_status,
                                               const char  *reason_phrase,
                                               const char  *body,
                                               gsize        body_len,
                                               const char  *request_id_header,
                                               GError     **error);

/* The S3dlioError for an S3 error code such as `NoSuchKey`, or
 * %S3DLIO_ERROR_FAILED when @s3_code is %NULL or not one we know. Does not
 * special-case `AuthorizationHeaderMalformed` with a <Region>, which is a
 * redirect: see _s3dlio_error_from_response(). */
S3dlioError _s3dlio_error_code_for_s3_code    (const char  *s3_code);

/* The S3dlioError for an HTTP status when there is no S3 error code (HEAD
 * responses have no body): 404, 403, 412, 416, 429/503, 5xx, 400, 301/307,
 * otherwise %S3DLIO_ERROR_FAILED. */
S3dlioError _s3dlio_error_code_for_http_status (guint       http_status);

/* Moves an error that a request or a response body got from the network
 * (libsoup, GIO sockets) into the S3DLIO_ERROR domain, keeping its message:
 * a timeout becomes %S3DLIO_ERROR_TIMEOUT; a refused, reset, closed or
 * unreachable connection or a body cut short %S3DLIO_ERROR_CONNECTION; an
 * HTTP response libsoup cannot parse %S3DLIO_ERROR_MALFORMED_RESPONSE. All
 * of these were and stay transient. Anything else, a cancellation above all,
 * is left alone. Only for errors from the network: a local file's
 * G_IO_ERROR_FAILED is not a connection failure. */
void        _s3dlio_error_from_transport      (GError     **error);

/* Makes server-supplied text safe to put in an error message or a log line:
 * invalid UTF-8 is replaced, control and format characters (including bidi
 * overrides) and runs of white space become one space, the ends are trimmed,
 * and the result is cut to at most @max_bytes bytes on a character boundary
 * (plus "…" when cut). Only the first few times @max_bytes of @text are
 * looked at. @len may be -1 for a NUL-terminated @text; @text may be %NULL
 * (giving ""). */
char       *_s3dlio_error_sanitize_text       (const char  *text,
                                               gssize       len,
                                               gsize        max_bytes);

G_END_DECLS
