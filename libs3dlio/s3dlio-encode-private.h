/* s3dlio-encode-private.h: the S3 percent-encoding
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* S3 URI encoding, as SigV4 defines it for S3: every byte except
 * `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex digits, and `/` is
 * kept when @keep_slash is set (object keys in paths) and encoded otherwise
 * (query names and values). @len may be -1 for a NUL-terminated @s. */
void  _s3dlio_uri_encode_append (GString    *out,
                                 const char *s,
                                 gssize      len,
                                 gboolean    keep_slash);
char *_s3dlio_uri_encode        (const char *s,
                                 gboolean    keep_slash);

/* Decodes `%XX` escapes (either case), and `+` as a space with
 * @plus_as_space. Returns %NULL for a malformed escape (`%G1`, `%4` at the
 * end) or an escape that decodes to NUL (`%00`). The result is not checked
 * for UTF-8. @len may be -1 for a NUL-terminated @s. */
char *_s3dlio_uri_decode        (const char *s,
                                 gssize      len,
                                 gboolean    plus_as_space);

G_END_DECLS
