/* s3dlio-request-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <libsoup/soup.h>

#include "s3dlio-request.h"

G_BEGIN_DECLS

typedef void (*S3dlioHeaderFunc) (const char *name,
                                  const char *value,
                                  gpointer    user_data);

/* Headers in the order they were added, with their names spelled as given.
 * The Host header is not among them: it is the request's host. */
void         _s3dlio_request_foreach_header       (S3dlioRequest    *self,
                                                   S3dlioHeaderFunc  func,
                                                   gpointer          user_data);
guint        _s3dlio_request_get_n_headers        (S3dlioRequest    *self);
void         _s3dlio_request_get_header_nth       (S3dlioRequest    *self,
                                                   guint             index,
                                                   const char      **name,
                                                   const char      **value);

/* Query parameters in order, raw (not encoded); @value is %NULL for a
 * parameter written without `=` (`?uploads`). */
guint        _s3dlio_request_get_n_queries        (S3dlioRequest    *self);
void         _s3dlio_request_get_query_nth        (S3dlioRequest    *self,
                                                   guint             index,
                                                   const char      **name,
                                                   const char      **value);

/* Adds the parameters of an encoded query string (`a=1&b&c=%2F`, no `?`),
 * decoded (`+` stays `+`). Fails with %S3DLIO_ERROR_INVALID_URI on a
 * malformed escape; the request is unchanged then. For the loopback server,
 * which receives queries encoded. */
gboolean     _s3dlio_request_add_encoded_query    (S3dlioRequest    *self,
                                                   const char       *query,
                                                   GError          **error);

/* Whether a payload hash was set with set_payload() or set_payload_hash(),
 * rather than the empty-payload default. */
gboolean     _s3dlio_request_has_payload_hash     (S3dlioRequest    *self);

/* The path encoded once, `/` kept, as sent on the wire. */
void         _s3dlio_request_append_encoded_path  (S3dlioRequest    *self,
                                                   GString          *out);
/* `name=value&name` as sent on the wire, without `?`; nothing when the
 * request has no query. */
void         _s3dlio_request_append_encoded_query (S3dlioRequest    *self,
                                                   GString          *out);

/* A message for @self: the URI carries the path and query exactly as
 * encoded (no dot-segment removal, no `//` collapsing), every header is
 * copied except Host (libsoup writes it from the URI) and Content-Length
 * (libsoup computes it from the body), and the payload is the body. Fails
 * with %S3DLIO_ERROR_INVALID_URI for a bad scheme or host, and with
 * %S3DLIO_ERROR_INVALID_ARGUMENT for a bad method or header. */
SoupMessage *_s3dlio_request_new_message          (S3dlioRequest    *self,
                                                   GError          **error);

/* The bucket the request is for (%NULL for none): the client signs it for
 * the region it learned that bucket is in. Kept by s3dlio_request_copy(). */
void         _s3dlio_request_set_bucket           (S3dlioRequest    *self,
                                                   const char       *bucket);
const char  *_s3dlio_request_get_bucket           (S3dlioRequest    *self);

G_END_DECLS
