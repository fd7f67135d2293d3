/* s3dlio-request.h
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
 * S3DLIO_UNSIGNED_PAYLOAD:
 *
 * The payload hash that tells S3 the body is not covered by the signature.
 */
#define S3DLIO_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/**
 * S3DLIO_EMPTY_PAYLOAD_SHA256:
 *
 * The hex SHA-256 of an empty body.
 */
#define S3DLIO_EMPTY_PAYLOAD_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#define S3DLIO_TYPE_REQUEST (s3dlio_request_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioRequest, s3dlio_request, S3DLIO, REQUEST, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioRequest  *s3dlio_request_new                (const char    *method,
                                                   const char    *host,
                                                   const char    *path);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_method         (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_host           (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_path           (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_scheme         (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_set_scheme         (S3dlioRequest *self,
                                                   const char    *scheme);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_add_query          (S3dlioRequest *self,
                                                   const char    *name,
                                                   const char    *value);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_query          (S3dlioRequest *self,
                                                   const char    *name);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_set_header         (S3dlioRequest *self,
                                                   const char    *name,
                                                   const char    *value);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_append_header      (S3dlioRequest *self,
                                                   const char    *name,
                                                   const char    *value);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_remove_header      (S3dlioRequest *self,
                                                   const char    *name);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_header         (S3dlioRequest *self,
                                                   const char    *name);
S3DLIO_AVAILABLE_IN_ALL
char          **s3dlio_request_get_header_names   (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_set_payload        (S3dlioRequest *self,
                                                   GBytes        *payload);
S3DLIO_AVAILABLE_IN_ALL
GBytes         *s3dlio_request_get_payload        (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_set_payload_hash   (S3dlioRequest *self,
                                                   const char    *payload_hash);
S3DLIO_AVAILABLE_IN_ALL
const char     *s3dlio_request_get_payload_hash   (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
char           *s3dlio_request_to_uri_string      (S3dlioRequest *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean        s3dlio_request_has_query          (S3dlioRequest *self,
                                                   const char    *name);
S3DLIO_AVAILABLE_IN_ALL
void            s3dlio_request_remove_query       (S3dlioRequest *self,
                                                   const char    *name);
S3DLIO_AVAILABLE_IN_ALL
S3dlioRequest  *s3dlio_request_copy               (S3dlioRequest *self);

G_END_DECLS
