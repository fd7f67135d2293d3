/* s3dlio-delete-failure.h
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

#define S3DLIO_TYPE_DELETE_FAILURE (s3dlio_delete_failure_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioDeleteFailure, s3dlio_delete_failure, S3DLIO, DELETE_FAILURE, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioDeleteFailure *s3dlio_delete_failure_new       (const char          *key,
                                                      const GError        *error);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_delete_failure_get_key   (S3dlioDeleteFailure *self);
S3DLIO_AVAILABLE_IN_ALL
const GError        *s3dlio_delete_failure_get_error (S3dlioDeleteFailure *self);

G_END_DECLS
