/* s3dlio-endpoint.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"
#include "s3dlio-request.h"

G_BEGIN_DECLS

/**
 * S3dlioAddressingStyle:
 * @S3DLIO_ADDRESSING_STYLE_AUTO: virtual-hosted for AWS when the bucket
 *   name allows it (DNS-compatible, without dots), path-style for other
 *   endpoints
 * @S3DLIO_ADDRESSING_STYLE_PATH: the bucket is the first segment of the
 *   path: `https://s3.eu-west-1.amazonaws.com/bucket/key`
 * @S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED: the bucket is part of the host
 *   name: `https://bucket.s3.eu-west-1.amazonaws.com/key` (path-style is
 *   still used for bucket names that are not valid host names, and for
 *   endpoints given as IP addresses)
 *
 * How requests address a bucket: in the path or in the host name.
 */
typedef enum {
  S3DLIO_ADDRESSING_STYLE_AUTO,
  S3DLIO_ADDRESSING_STYLE_PATH,
  S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED,
} S3dlioAddressingStyle;

S3DLIO_AVAILABLE_IN_ALL
gboolean s3dlio_addressing_style_parse (const char            *string,
                                        S3dlioAddressingStyle *style,
                                        GError               **error);

#define S3DLIO_TYPE_ENDPOINT (s3dlio_endpoint_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioEndpoint, s3dlio_endpoint, S3DLIO, ENDPOINT, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioEndpoint        *s3dlio_endpoint_new                  (const char            *url,
                                                             const char            *region,
                                                             GError               **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioEndpoint        *s3dlio_endpoint_new_from_environment (const char            *profile,
                                                             GError               **error);

S3DLIO_AVAILABLE_IN_ALL
S3dlioEndpoint        *s3dlio_endpoint_new_with_overrides   (const char            *profile,
                                                             const char            *url,
                                                             const char            *region,
                                                             S3dlioAddressingStyle  addressing_style,
                                                             const char            *ca_file,
                                                             GError               **error);
S3DLIO_AVAILABLE_IN_ALL
const char            *s3dlio_endpoint_get_url              (S3dlioEndpoint        *self);
S3DLIO_AVAILABLE_IN_ALL
const char            *s3dlio_endpoint_get_region           (S3dlioEndpoint        *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioAddressingStyle  s3dlio_endpoint_get_addressing_style (S3dlioEndpoint        *self);
S3DLIO_AVAILABLE_IN_ALL
void                   s3dlio_endpoint_set_addressing_style (S3dlioEndpoint        *self,
                                                             S3dlioAddressingStyle  style);
S3DLIO_AVAILABLE_IN_ALL
const char            *s3dlio_endpoint_get_ca_file          (S3dlioEndpoint        *self);
S3DLIO_AVAILABLE_IN_ALL
void                   s3dlio_endpoint_set_ca_file          (S3dlioEndpoint        *self,
                                                             const char            *ca_file);
S3DLIO_AVAILABLE_IN_ALL
gboolean               s3dlio_endpoint_is_aws               (S3dlioEndpoint        *self);

S3DLIO_AVAILABLE_IN_ALL
const char            *s3dlio_endpoint_get_scheme           (S3dlioEndpoint        *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean               s3dlio_endpoint_uses_virtual_hosting (S3dlioEndpoint        *self,
                                                             const char            *bucket);
S3DLIO_AVAILABLE_IN_ALL
char                  *s3dlio_endpoint_get_host             (S3dlioEndpoint        *self,
                                                             const char            *bucket);
S3DLIO_AVAILABLE_IN_ALL
char                  *s3dlio_endpoint_get_path             (S3dlioEndpoint        *self,
                                                             const char            *bucket,
                                                             const char            *key);
S3DLIO_AVAILABLE_IN_ALL
S3dlioRequest         *s3dlio_endpoint_new_request          (S3dlioEndpoint        *self,
                                                             const char            *method,
                                                             const char            *bucket,
                                                             const char            *key);
S3DLIO_AVAILABLE_IN_ALL
char                  *s3dlio_endpoint_to_string            (S3dlioEndpoint        *self);

G_END_DECLS
