/* s3dlio-bounded-read-private.h: send a message and read its whole body,
 * up to a limit
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The longest reply body read whole into memory (S3's answers to list,
 * delete-many and multipart requests, error documents). The largest real
 * ones, a ListObjectsV2 page of 1000 URL-encoded 1024-byte keys or a
 * ListBuckets of 10,000 buckets, stay under 4 MiB; a server that sends
 * more is broken or hostile, and must not fill the client's memory. */
#define S3DLIO_REPLY_BODY_MAX (32 * 1024 * 1024)

/* soup_session_send_and_read_async(), except that a body longer than
 * @max_bytes (declared by Content-Length or found while reading) fails
 * with S3DLIO_ERROR_MALFORMED_RESPONSE at once, and the connection is
 * dropped rather than drained. Runs on the thread-default main context,
 * which must be @session's. */
void     _s3dlio_send_and_read_bounded_async  (SoupSession          *session,
                                               SoupMessage          *msg,
                                               gsize                 max_bytes,
                                               int                   io_priority,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GBytes  *_s3dlio_send_and_read_bounded_finish (SoupSession          *session,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
