/* s3dlio-upload.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-transfer.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_UPLOAD (s3dlio_upload_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioUpload, s3dlio_upload, S3DLIO, UPLOAD, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioUpload        *s3dlio_upload_new                    (S3dlioUri     *uri);
S3DLIO_AVAILABLE_IN_ALL
S3dlioUri           *s3dlio_upload_get_uri                (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_source_bytes       (S3dlioUpload  *self,
                                                           GBytes        *data);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_source_path        (S3dlioUpload  *self,
                                                           const char    *path);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_source_stream      (S3dlioUpload  *self,
                                                           GInputStream  *stream,
                                                           gint64         size);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_upload_get_content_type       (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_content_type       (S3dlioUpload  *self,
                                                           const char    *content_type);
S3DLIO_AVAILABLE_IN_ALL
GHashTable          *s3dlio_upload_get_metadata           (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_metadata           (S3dlioUpload  *self,
                                                           GHashTable    *metadata);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_metadata_value     (S3dlioUpload  *self,
                                                           const char    *name,
                                                           const char    *value);

S3DLIO_AVAILABLE_IN_ALL
S3dlioTransferState  s3dlio_upload_get_state              (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_upload_get_total_size         (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint64              s3dlio_upload_get_bytes_done         (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_n_parts            (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_parts_done         (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_parts_in_flight    (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_retries            (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_requests           (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_upload_get_throughput         (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_upload_get_average_throughput (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
double               s3dlio_upload_get_elapsed            (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_upload_get_etag               (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
const char          *s3dlio_upload_get_upload_id          (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
S3dlioPartState      s3dlio_upload_get_part_state         (S3dlioUpload  *self,
                                                           guint          index);
S3DLIO_AVAILABLE_IN_ALL
GBytes              *s3dlio_upload_get_part_states        (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
guint                s3dlio_upload_get_progress_interval  (S3dlioUpload  *self);
S3DLIO_AVAILABLE_IN_ALL
void                 s3dlio_upload_set_progress_interval  (S3dlioUpload  *self,
                                                           guint          interval_ms);

G_END_DECLS
