/* s3dlio-credentials-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-credentials.h"

G_BEGIN_DECLS

/* The secret parts are reachable only from inside the library (the signer),
 * never through properties, so bindings and debug dumps cannot leak them. */
const char *_s3dlio_credentials_get_secret_access_key (S3dlioCredentials *self);
const char *_s3dlio_credentials_get_session_token     (S3dlioCredentials *self);

/* @access_key_id reduced to its first and last four characters
 * ("AKID…MPLE"), or to "…" when it is too short to show any of it. */
char       *_s3dlio_credentials_mask_access_key_id    (const char        *access_key_id);

G_END_DECLS
