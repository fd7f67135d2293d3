/* s3dlio-uri.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"

G_BEGIN_DECLS

/**
 * S3dlioUriScheme:
 * @S3DLIO_URI_SCHEME_S3: `s3://bucket/key`, an object or prefix in a bucket
 * @S3DLIO_URI_SCHEME_FILE: `file:///path`, a local file or directory
 *
 * The kinds of location an [class@S3dlio.Uri] can name.
 */
typedef enum {
  S3DLIO_URI_SCHEME_S3,
  S3DLIO_URI_SCHEME_FILE,
} S3dlioUriScheme;

/**
 * S3DLIO_MAX_KEY_LENGTH:
 *
 * The longest object key S3 accepts, in bytes of UTF-8.
 */
#define S3DLIO_MAX_KEY_LENGTH 1024

#define S3DLIO_TYPE_URI (s3dlio_uri_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioUri, s3dlio_uri, S3DLIO, URI, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioUri       *s3dlio_uri_parse                 (const char  *uri,
                                                   GError     **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri       *s3dlio_uri_new_s3                (const char  *bucket,
                                                   const char  *key,
                                                   GError     **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri       *s3dlio_uri_new_file              (const char  *path);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUriScheme  s3dlio_uri_get_scheme            (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
const char      *s3dlio_uri_get_bucket            (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
const char      *s3dlio_uri_get_key               (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
const char      *s3dlio_uri_get_path              (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean         s3dlio_uri_is_prefix             (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
char            *s3dlio_uri_get_basename          (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri       *s3dlio_uri_append                (S3dlioUri   *self,
                                                   const char  *suffix,
                                                   GError     **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri       *s3dlio_uri_with_key              (S3dlioUri   *self,
                                                   const char  *key,
                                                   GError     **error);
S3DLIO_AVAILABLE_IN_ALL
char            *s3dlio_uri_to_string             (S3dlioUri   *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean         s3dlio_uri_equal                 (S3dlioUri   *a,
                                                   S3dlioUri   *b);

S3DLIO_AVAILABLE_IN_ALL
gboolean         s3dlio_bucket_name_is_valid      (const char  *name,
                                                   GError     **error);

G_END_DECLS
