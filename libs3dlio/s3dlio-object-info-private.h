/* s3dlio-object-info-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <libsoup/soup.h>

#include "s3dlio-object-info.h"

G_BEGIN_DECLS

/* The object described by the headers of a HEAD or GET response for @key:
 * the size is the total of `Content-Range` when there is one (a ranged GET),
 * otherwise `Content-Length`; then `ETag`, `Last-Modified`, `Content-Type`,
 * `x-amz-storage-class`, and every `x-amz-meta-NAME` as metadata NAME
 * (lowercased). Fails with %S3DLIO_ERROR_MALFORMED_RESPONSE on a malformed
 * `Content-Range` or `Content-Length`; an unparsable `Last-Modified` is left
 * unset. */
S3dlioObjectInfo *_s3dlio_object_info_new_from_headers (const char          *key,
                                                        SoupMessageHeaders  *headers,
                                                        GError             **error);

/* Parses a `Content-Range` response header strictly: `bytes START-END/TOTAL`
 * with START <= END < TOTAL, or `bytes * /TOTAL` (without the space; a 416
 * response), which sets @start and @end to %G_MAXUINT64. Anything else
 * (other units, white space, signs, a `*` total, 64-bit overflow) fails
 * with %S3DLIO_ERROR_MALFORMED_RESPONSE. Outputs may be %NULL. */
gboolean _s3dlio_parse_content_range (const char  *value,
                                      guint64     *start,
                                      guint64     *end,
                                      guint64     *total,
                                      GError     **error);

G_END_DECLS
