/* s3dlio-upload-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-client.h"
#include "s3dlio-upload.h"

G_BEGIN_DECLS

typedef enum {
  S3DLIO_UPLOAD_SOURCE_NONE,
  S3DLIO_UPLOAD_SOURCE_BYTES,    /* a GBytes, sliced into parts without a copy */
  S3DLIO_UPLOAD_SOURCE_PATH,     /* a regular file, read part by part with pread() */
  S3DLIO_UPLOAD_SOURCE_STREAM,   /* a GInputStream, read in order, part by part */
} S3dlioUploadSourceKind;

/* The source, as configured by the caller. */
S3dlioUploadSourceKind  _s3dlio_upload_get_source_kind    (S3dlioUpload     *self);
GBytes                 *_s3dlio_upload_get_source_bytes   (S3dlioUpload     *self);
const char             *_s3dlio_upload_get_source_path    (S3dlioUpload     *self);
GInputStream           *_s3dlio_upload_get_source_stream  (S3dlioUpload     *self,
                                                           gint64           *size);

/* Life cycle, on the caller's context. */
gboolean                _s3dlio_upload_begin              (S3dlioUpload     *self,
                                                           GMainContext     *context,
                                                           GError          **error);
void                    _s3dlio_upload_end                (S3dlioUpload     *self,
                                                           const GError     *error,
                                                           const char       *etag);

/* Progress, from any thread. */
void                    _s3dlio_upload_set_total_size     (S3dlioUpload     *self,
                                                           guint64           total_size);
void                    _s3dlio_upload_set_upload_id      (S3dlioUpload     *self,
                                                           const char       *upload_id);
/* Grows the part map to @n_parts parts (it never shrinks). */
void                    _s3dlio_upload_set_n_parts        (S3dlioUpload     *self,
                                                           guint             n_parts);
void                    _s3dlio_upload_set_part_state     (S3dlioUpload     *self,
                                                           guint             index,
                                                           S3dlioPartState   state);
/* @n_bytes is negative to take back the bytes of a failed attempt. */
void                    _s3dlio_upload_add_bytes          (S3dlioUpload     *self,
                                                           gint64            n_bytes);
void                    _s3dlio_upload_add_request        (S3dlioUpload     *self);
void                    _s3dlio_upload_add_retry          (S3dlioUpload     *self);

/* The upload engine (s3dlio-put.c): runs @upload and returns a boolean
 * through @task, whose task data it takes. */
void                    _s3dlio_put_start                 (S3dlioClient     *client,
                                                           S3dlioUpload     *upload,
                                                           GTask            *task);

G_END_DECLS
