/* s3dlio-multipart-private.h: what multipart uploads and multipart copies
 * share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

#include "s3dlio-client.h"
#include "s3dlio-request.h"

G_BEGIN_DECLS

/* The limits S3 sets on a multipart upload. */
#define S3DLIO_MULTIPART_MAX_PARTS     10000
#define S3DLIO_MULTIPART_MAX_PART_SIZE (G_GUINT64_CONSTANT (5) * 1024 * 1024 * 1024)

/* The size of the parts of an object of @size bytes: @part_size, or larger
 * (rounded up to a MiB) when that would make more than
 * S3DLIO_MULTIPART_MAX_PARTS parts, and never above
 * S3DLIO_MULTIPART_MAX_PART_SIZE. Returns 0 when @size does not fit in
 * S3DLIO_MULTIPART_MAX_PARTS parts of the largest size. */
guint64        _s3dlio_multipart_part_size        (guint64              size,
                                                   guint64              part_size);

/* CreateMultipartUpload: POST ?uploads. The caller adds the object's
 * headers (Content-Type, x-amz-meta-*…). */
S3dlioRequest *_s3dlio_multipart_create_request   (S3dlioClient        *client,
                                                   const char          *bucket,
                                                   const char          *key);

/* CompleteMultipartUpload: POST ?uploadId with the <CompleteMultipartUpload>
 * document listing parts 1 to @n_parts with their ETags, in order. */
S3dlioRequest *_s3dlio_multipart_complete_request (S3dlioClient        *client,
                                                   const char          *bucket,
                                                   const char          *key,
                                                   const char          *upload_id,
                                                   const char * const  *etags,
                                                   guint                n_parts);

/* AbortMultipartUpload: DELETE ?uploadId. */
S3dlioRequest *_s3dlio_multipart_abort_request    (S3dlioClient        *client,
                                                   const char          *bucket,
                                                   const char          *key,
                                                   const char          *upload_id);

/* After an abort that failed with @abort_error (NULL if it did not): says
 * in *@failure, the error the operation ends with, that the parts of
 * @upload_id stay. NoSuchUpload is no failure: nothing is left. */
void           _s3dlio_multipart_note_abort       (GError             **failure,
                                                   const char          *upload_id,
                                                   const GError        *abort_error);

G_END_DECLS
