/* s3dlio-batch-item.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"
#include "s3dlio-transfer.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_BATCH_ITEM (s3dlio_batch_item_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioBatchItem, s3dlio_batch_item, S3DLIO, BATCH_ITEM, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioUri           *s3dlio_batch_item_get_uri          (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_batch_item_get_relative_key (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_batch_item_get_path         (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_batch_item_get_size         (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioTransferState  s3dlio_batch_item_get_state        (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
const GError        *s3dlio_batch_item_get_error        (S3dlioBatchItem *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioTransfer      *s3dlio_batch_item_get_transfer     (S3dlioBatchItem *self);

G_END_DECLS
