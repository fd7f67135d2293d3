/* s3dlio-credentials.h
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

#define S3DLIO_TYPE_CREDENTIALS (s3dlio_credentials_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioCredentials, s3dlio_credentials, S3DLIO, CREDENTIALS, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_credentials_new                  (const char  *access_key_id,
                                                            const char  *secret_access_key,
                                                            const char  *session_token);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_credentials_new_anonymous        (void);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_credentials_new_from_environment (const char  *profile,
                                                            GError     **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_credentials_new_from_profile     (const char  *profile,
                                                            GError     **error);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_credentials_get_access_key_id    (S3dlioCredentials *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_credentials_has_session_token    (S3dlioCredentials *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_credentials_is_anonymous         (S3dlioCredentials *self);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_credentials_get_source           (S3dlioCredentials *self);
S3DLIO_AVAILABLE_IN_ALL
char              *s3dlio_credentials_to_string            (S3dlioCredentials *self);

G_END_DECLS
