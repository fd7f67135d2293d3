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

G_BEGIN_DECLS

#define S3DLIO_TYPE_ENDPOINT (s3dlio_endpoint_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioEndpoint, s3dlio_endpoint, S3DLIO, ENDPOINT, GObject)

G_END_DECLS
