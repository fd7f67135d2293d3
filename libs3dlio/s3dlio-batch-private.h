/* s3dlio-batch-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-batch.h"
#include "s3dlio-batch-item.h"

G_BEGIN_DECLS

/* Items, made by the recursive transfers. @path is %NULL for a key that
 * was refused. */
S3dlioBatchItem *_s3dlio_batch_item_new           (S3dlioUri        *uri,
                                                   const char       *relative_key,
                                                   const char       *path,
                                                   guint64           size);
void             _s3dlio_batch_item_set_state     (S3dlioBatchItem  *self,
                                                   S3dlioTransferState state);
void             _s3dlio_batch_item_set_error     (S3dlioBatchItem  *self,
                                                   const GError     *error);
void             _s3dlio_batch_item_set_transfer  (S3dlioBatchItem  *self,
                                                   S3dlioTransfer   *transfer);
/* Where the item was in the items given to _s3dlio_batch_set_items(). */
guint            _s3dlio_batch_item_get_index     (S3dlioBatchItem  *self);
void             _s3dlio_batch_item_set_index     (S3dlioBatchItem  *self,
                                                   guint             index);

/* Life cycle, on the context the batch runs in. */
gboolean         _s3dlio_batch_begin              (S3dlioBatch      *self,
                                                   GMainContext     *context,
                                                   GError          **error);
/* The items are known, in key order (the model takes references); refused
 * ones are failed already. Called once. */
void             _s3dlio_batch_set_items          (S3dlioBatch      *self,
                                                   GPtrArray        *items);
/* Items start in the order they were given to _s3dlio_batch_set_items(),
 * each at most once; refused ones never start. */
void             _s3dlio_batch_item_started       (S3dlioBatch      *self,
                                                   S3dlioBatchItem  *item);
/* @error is %NULL on success. Only an item that started may finish. */
void             _s3dlio_batch_item_finished      (S3dlioBatch      *self,
                                                   S3dlioBatchItem  *item,
                                                   const GError     *error);
void             _s3dlio_batch_end                (S3dlioBatch      *self,
                                                   const GError     *error);

G_END_DECLS
