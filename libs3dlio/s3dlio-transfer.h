/* s3dlio-transfer.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

/**
 * S3dlioTransferState:
 * @S3DLIO_TRANSFER_STATE_PENDING: not started yet
 * @S3DLIO_TRANSFER_STATE_RUNNING: requests are under way
 * @S3DLIO_TRANSFER_STATE_DONE: every byte arrived and was checked
 * @S3DLIO_TRANSFER_STATE_FAILED: the transfer failed; nothing that looks
 *   complete was left behind
 * @S3DLIO_TRANSFER_STATE_CANCELLED: the transfer was cancelled
 *
 * The life of an [class@S3dlio.Transfer].
 */
typedef enum {
  S3DLIO_TRANSFER_STATE_PENDING,
  S3DLIO_TRANSFER_STATE_RUNNING,
  S3DLIO_TRANSFER_STATE_DONE,
  S3DLIO_TRANSFER_STATE_FAILED,
  S3DLIO_TRANSFER_STATE_CANCELLED,
} S3dlioTransferState;

/**
 * S3dlioPartState:
 * @S3DLIO_PART_STATE_PENDING: not requested yet
 * @S3DLIO_PART_STATE_IN_FLIGHT: its request is under way
 * @S3DLIO_PART_STATE_DONE: all its bytes arrived and were checked
 * @S3DLIO_PART_STATE_RETRYING: it failed and waits to be requested again
 * @S3DLIO_PART_STATE_FAILED: it failed for good
 *
 * The state of one ranged GET of a transfer, for a map of the transfer.
 */
typedef enum {
  S3DLIO_PART_STATE_PENDING,
  S3DLIO_PART_STATE_IN_FLIGHT,
  S3DLIO_PART_STATE_DONE,
  S3DLIO_PART_STATE_RETRYING,
  S3DLIO_PART_STATE_FAILED,
} S3dlioPartState;

/**
 * S3dlioChunkFunc:
 * @offset: where in the object @data starts
 * @data: (array length=length) (element-type guint8): the bytes
 * @length: how many bytes @data holds
 * @user_data: the data given to [method@S3dlio.Transfer.set_chunk_func]
 *
 * Receives an object piece by piece as it arrives. It is called from the
 * client's worker threads, possibly for several parts at the same time
 * (but in order within one part), so it must be thread-safe. @data is only
 * valid during the call: it is a small buffer that is reused for the next
 * piece.
 *
 * Returns: %TRUE to go on, %FALSE to stop the transfer (it then fails
 *   with %G_IO_ERROR_CANCELLED)
 */
typedef gboolean (*S3dlioChunkFunc) (guint64       offset,
                                     const guint8 *data,
                                     gsize         length,
                                     gpointer      user_data);

#define S3DLIO_TYPE_TRANSFER (s3dlio_transfer_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioTransfer, s3dlio_transfer, S3DLIO, TRANSFER, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioTransfer      *s3dlio_transfer_new                    (S3dlioUri      *uri);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri           *s3dlio_transfer_get_uri                (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_range              (S3dlioTransfer *self,
                                                             guint64         offset,
                                                             guint64         length);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_destination_path   (S3dlioTransfer *self,
                                                             const char     *path);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_destination_buffer (S3dlioTransfer *self,
                                                             guint8         *buffer,
                                                             gsize           size);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_destination_stream (S3dlioTransfer *self,
                                                             GOutputStream  *stream);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_chunk_func         (S3dlioTransfer *self,
                                                             S3dlioChunkFunc func,
                                                             gpointer        user_data,
                                                             GDestroyNotify  destroy);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_discard            (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
GBytes              *s3dlio_transfer_get_bytes              (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_transfer_get_length             (S3dlioTransfer *self);

S3DLIO_AVAILABLE_IN_ALL
S3dlioTransferState  s3dlio_transfer_get_state              (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_transfer_get_total_size         (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_transfer_get_bytes_done         (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_n_parts            (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_parts_done         (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_parts_in_flight    (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_retries            (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_requests           (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_transfer_get_throughput         (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_transfer_get_average_throughput (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_transfer_get_elapsed            (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_transfer_get_etag               (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioPartState      s3dlio_transfer_get_part_state         (S3dlioTransfer *self,
                                                             guint           index);
S3DLIO_AVAILABLE_IN_ALL
GBytes              *s3dlio_transfer_get_part_states        (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
GBytes              *s3dlio_transfer_get_retried_parts      (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_transfer_get_progress_interval  (S3dlioTransfer *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_transfer_set_progress_interval  (S3dlioTransfer *self,
                                                             guint           interval_ms);

G_END_DECLS
