/* s3dlio-transfer-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-transfer.h"

G_BEGIN_DECLS

typedef enum {
  S3DLIO_SINK_MEMORY,   /* a buffer allocated for the object, returned as GBytes */
  S3DLIO_SINK_BUFFER,   /* the caller's buffer */
  S3DLIO_SINK_PATH,     /* a file, written at offsets, renamed into place */
  S3DLIO_SINK_STREAM,   /* a GOutputStream, in order */
  S3DLIO_SINK_CHUNKS,   /* a callback, piece by piece */
  S3DLIO_SINK_DISCARD,  /* nothing: for measuring */
} S3dlioSinkKind;

/* Destination, as configured by the caller. */
S3dlioSinkKind   _s3dlio_transfer_get_sink_kind     (S3dlioTransfer  *self);
const char      *_s3dlio_transfer_get_path          (S3dlioTransfer  *self);
guint8          *_s3dlio_transfer_get_buffer        (S3dlioTransfer  *self,
                                                     gsize           *size);
GOutputStream   *_s3dlio_transfer_get_stream        (S3dlioTransfer  *self);
S3dlioChunkFunc  _s3dlio_transfer_get_chunk_func    (S3dlioTransfer  *self,
                                                     gpointer        *user_data);
gboolean         _s3dlio_transfer_get_range         (S3dlioTransfer  *self,
                                                     guint64         *offset,
                                                     guint64         *length);

/* Life cycle, on the caller's context. */
gboolean         _s3dlio_transfer_begin             (S3dlioTransfer  *self,
                                                     GMainContext    *context,
                                                     GError         **error);
void             _s3dlio_transfer_end               (S3dlioTransfer  *self,
                                                     const GError    *error,
                                                     GBytes          *bytes);

/* Progress, from any thread. */
void             _s3dlio_transfer_set_layout        (S3dlioTransfer  *self,
                                                     guint64          total_size,
                                                     guint64          length,
                                                     guint            n_parts,
                                                     const char      *etag);
void             _s3dlio_transfer_set_part_state    (S3dlioTransfer  *self,
                                                     guint            index,
                                                     S3dlioPartState  state);
void             _s3dlio_transfer_add_bytes         (S3dlioTransfer  *self,
                                                     guint64          n_bytes);
void             _s3dlio_transfer_take_back_bytes   (S3dlioTransfer  *self,
                                                     guint64          n_bytes);
void             _s3dlio_transfer_add_request       (S3dlioTransfer  *self);
void             _s3dlio_transfer_add_retry         (S3dlioTransfer  *self);

G_END_DECLS
