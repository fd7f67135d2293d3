/* s3dlio-inspector-connection.h: a client, and the demo endpoint it may talk to
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <s3dlio.h>

#include "s3dlio-inspector-demo.h"

G_BEGIN_DECLS

typedef enum {
  S3DLIO_INSPECTOR_CREDENTIALS_PROFILE,
  S3DLIO_INSPECTOR_CREDENTIALS_KEYS,
  S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS,
} S3dlioInspectorCredentialsKind;

#define S3DLIO_INSPECTOR_TYPE_CONNECTION (s3dlio_inspector_connection_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorConnection, s3dlio_inspector_connection,
                      S3DLIO_INSPECTOR, CONNECTION, GObject)

S3dlioInspectorConnection *s3dlio_inspector_connection_new_for_endpoint (S3dlioConfig                    *config,
                                                                          const char                      *url,
                                                                          const char                      *region,
                                                                          gboolean                         path_style,
                                                                          S3dlioInspectorCredentialsKind   credentials_kind,
                                                                          const char                      *profile,
                                                                          const char                      *access_key_id,
                                                                          const char                      *secret_access_key,
                                                                          GError                         **error);
void                       s3dlio_inspector_connection_new_demo_async   (S3dlioConfig                    *config,
                                                                          S3dlioInspectorDemoSize          size,
                                                                          guint                            page_size,
                                                                          GCancellable                    *cancellable,
                                                                          GAsyncReadyCallback              callback,
                                                                          gpointer                         user_data);
S3dlioInspectorConnection *s3dlio_inspector_connection_new_demo_finish  (GAsyncResult                    *result,
                                                                          GError                         **error);

S3dlioClient              *s3dlio_inspector_connection_get_client       (S3dlioInspectorConnection       *self);
S3dlioObjectStore         *s3dlio_inspector_connection_get_store        (S3dlioInspectorConnection       *self);
S3dlioServer              *s3dlio_inspector_connection_get_server       (S3dlioInspectorConnection       *self);
const char                *s3dlio_inspector_connection_get_title        (S3dlioInspectorConnection       *self);
const char                *s3dlio_inspector_connection_get_default_bucket (S3dlioInspectorConnection     *self);

G_END_DECLS
