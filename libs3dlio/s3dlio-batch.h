/* s3dlio-batch.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-batch-item.h"
#include "s3dlio-transfer.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_BATCH (s3dlio_batch_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioBatch, s3dlio_batch, S3DLIO, BATCH, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioBatch         *s3dlio_batch_new                    (S3dlioUri   *prefix,
                                                          const char  *directory);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri           *s3dlio_batch_get_prefix             (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_batch_get_directory          (S3dlioBatch *self);

S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_max_concurrent     (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_batch_set_max_concurrent     (S3dlioBatch *self,
                                                          guint        max_concurrent);
S3DLIO_AVAILABLE_IN_ALL
gboolean             s3dlio_batch_get_keep_going         (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_batch_set_keep_going         (S3dlioBatch *self,
                                                          gboolean     keep_going);
S3DLIO_AVAILABLE_IN_ALL
gboolean             s3dlio_batch_get_keep_finished      (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_batch_set_keep_finished      (S3dlioBatch *self,
                                                          gboolean     keep_finished);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_progress_interval  (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_batch_set_progress_interval  (S3dlioBatch *self,
                                                          guint        interval_ms);

S3DLIO_AVAILABLE_IN_ALL
GListModel          *s3dlio_batch_get_items              (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioTransferState  s3dlio_batch_get_state              (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_n_objects          (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_objects_done       (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_objects_failed     (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_batch_get_objects_in_flight  (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_batch_get_total_bytes        (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_batch_get_bytes_done         (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_batch_get_elapsed            (S3dlioBatch *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_batch_get_average_throughput (S3dlioBatch *self);

G_END_DECLS
