/* s3dlio-config.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_CONFIG (s3dlio_config_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioConfig, s3dlio_config, S3DLIO, CONFIG, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioConfig *s3dlio_config_new                        (void);
S3DLIO_AVAILABLE_IN_ALL
S3dlioConfig *s3dlio_config_new_from_environment       (GError      **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_load_environment           (S3dlioConfig *self,
                                                        GError      **error);
S3DLIO_AVAILABLE_IN_ALL
S3dlioConfig *s3dlio_config_dup                        (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_set_from_string            (S3dlioConfig *self,
                                                        const char   *property_name,
                                                        const char   *value,
                                                        GError      **error);
S3DLIO_AVAILABLE_IN_ALL
const char   *s3dlio_config_get_environment_variable   (const char   *property_name);

S3DLIO_AVAILABLE_IN_ALL
guint64       s3dlio_config_get_part_size              (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_part_size              (S3dlioConfig *self,
                                                        guint64       part_size);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_max_inflight           (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_max_inflight           (S3dlioConfig *self,
                                                        guint         max_inflight);
S3DLIO_AVAILABLE_IN_ALL
guint64       s3dlio_config_get_threshold              (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_threshold              (S3dlioConfig *self,
                                                        guint64       threshold);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_max_connections_per_host (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_max_connections_per_host (S3dlioConfig *self,
                                                          guint         max_connections);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_max_connections        (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_max_connections        (S3dlioConfig *self,
                                                        guint         max_connections);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_idle_timeout_ms        (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_idle_timeout_ms        (S3dlioConfig *self,
                                                        guint         timeout_ms);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_connect_timeout_ms     (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_connect_timeout_ms     (S3dlioConfig *self,
                                                        guint         timeout_ms);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_io_timeout_ms          (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_io_timeout_ms          (S3dlioConfig *self,
                                                        guint         timeout_ms);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_operation_timeout      (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_operation_timeout      (S3dlioConfig *self,
                                                        guint         timeout_seconds);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_worker_threads         (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_worker_threads         (S3dlioConfig *self,
                                                        guint         worker_threads);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_max_retries            (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_max_retries            (S3dlioConfig *self,
                                                        guint         max_retries);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_busy_poll_us           (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_busy_poll_us           (S3dlioConfig *self,
                                                        guint         busy_poll_us);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_get_optimized_http         (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_optimized_http         (S3dlioConfig *self,
                                                        gboolean      optimized_http);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_get_head_first             (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_head_first             (S3dlioConfig *self,
                                                        gboolean      head_first);

S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_get_single_request         (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_single_request         (S3dlioConfig *self,
                                                        gboolean      single_request);

S3DLIO_AVAILABLE_IN_ALL
guint64       s3dlio_config_get_upload_part_size       (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_upload_part_size       (S3dlioConfig *self,
                                                        guint64       part_size);
S3DLIO_AVAILABLE_IN_ALL
guint64       s3dlio_config_get_upload_threshold       (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_upload_threshold       (S3dlioConfig *self,
                                                        guint64       threshold);
S3DLIO_AVAILABLE_IN_ALL
guint         s3dlio_config_get_upload_inflight        (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_upload_inflight        (S3dlioConfig *self,
                                                        guint         upload_inflight);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_config_get_unsigned_payload       (S3dlioConfig *self);
S3DLIO_AVAILABLE_IN_ALL
void          s3dlio_config_set_unsigned_payload       (S3dlioConfig *self,
                                                        gboolean      unsigned_payload);

S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_parse_size                        (const char   *text,
                                                        guint64      *size,
                                                        GError      **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean      s3dlio_parse_boolean                     (const char   *text,
                                                        gboolean     *value,
                                                        GError      **error);

G_END_DECLS
