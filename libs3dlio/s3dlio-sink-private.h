/* s3dlio-sink-private.h: where the bytes of a download go
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>

#include "s3dlio-transfer-private.h"

G_BEGIN_DECLS

typedef struct _S3dlioSink S3dlioSink;

/* Made from the destination the transfer was given. Thread-safe: the
 * engine calls it from its worker threads. */
S3dlioSink *_s3dlio_sink_new           (S3dlioTransfer  *transfer,
                                        guint64          max_window_bytes);
void        _s3dlio_sink_free          (S3dlioSink      *self);

/* Once the length is known: allocates memory, creates the temporary file
 * (sized to @length). @base is the object offset of the first byte. */
gboolean    _s3dlio_sink_begin         (S3dlioSink      *self,
                                        guint64          base,
                                        guint64          length,
                                        GError         **error);

/* Where a part can be read straight into (memory, the caller's buffer, the
 * in-order window of a stream), or %NULL when its bytes must go through
 * _s3dlio_sink_write() from a small scratch buffer (file, chunks, discard).
 * Called for each attempt at a part. */
guint8     *_s3dlio_sink_part_target   (S3dlioSink      *self,
                                        guint            index,
                                        guint64          offset,
                                        guint64          length);
gboolean    _s3dlio_sink_write         (S3dlioSink      *self,
                                        guint64          offset,
                                        const guint8    *data,
                                        gsize            length,
                                        GError         **error);

/* A part is complete: a stream sink writes every part it can in order. */
gboolean    _s3dlio_sink_part_done     (S3dlioSink      *self,
                                        guint            index,
                                        GError         **error);

/* Whether part @index may start now: a stream sink keeps at most its
 * window of parts ahead of the last one written. */
gboolean    _s3dlio_sink_may_start     (S3dlioSink      *self,
                                        guint            index,
                                        guint            window);

/* All parts are done: renames the file into place, hands over the memory.
 * On failure, or after _s3dlio_sink_abort(), nothing is left behind. */
gboolean    _s3dlio_sink_finish        (S3dlioSink      *self,
                                        GBytes         **bytes,
                                        GError         **error);
void        _s3dlio_sink_abort         (S3dlioSink      *self);

/* Whether the sink reads into a scratch buffer. */
gboolean    _s3dlio_sink_uses_scratch  (S3dlioSink      *self);

G_END_DECLS
