/* s3dlio-file-store.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"
#include "s3dlio-config.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_FILE_STORE (s3dlio_file_store_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioFileStore, s3dlio_file_store, S3DLIO, FILE_STORE, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioFileStore *s3dlio_file_store_new        (S3dlioConfig    *config);
S3DLIO_AVAILABLE_IN_ALL
S3dlioConfig    *s3dlio_file_store_get_config (S3dlioFileStore *self);

G_END_DECLS
