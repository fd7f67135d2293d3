/* s3dlio-server.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#if !defined (__S3DLIO_H_INSIDE__) && !defined (S3DLIO_COMPILATION)
#error "Only <s3dlio.h> can be included directly."
#endif

#include <glib-object.h>

#include "s3dlio-version.h"
#include "s3dlio-credentials.h"
#include "s3dlio-server-fault.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_SERVER (s3dlio_server_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioServer, s3dlio_server, S3DLIO, SERVER, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioServer      *s3dlio_server_new                 (const char         *root_directory);

S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_get_root_directory  (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_get_address         (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_address         (S3dlioServer       *self,
                                                      const char         *address);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_get_port            (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_port            (S3dlioServer       *self,
                                                      guint               port);
S3DLIO_AVAILABLE_IN_ALL
S3dlioCredentials *s3dlio_server_get_credentials     (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_credentials     (S3dlioServer       *self,
                                                      S3dlioCredentials  *credentials);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_get_region          (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_region          (S3dlioServer       *self,
                                                      const char         *region);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_get_page_size       (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_page_size       (S3dlioServer       *self,
                                                      guint               page_size);
S3DLIO_AVAILABLE_IN_ALL
guint64            s3dlio_server_get_min_part_size   (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_set_min_part_size   (S3dlioServer       *self,
                                                      guint64             min_part_size);

S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_server_start               (S3dlioServer       *self,
                                                      GError            **error);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_stop                (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_server_is_running          (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
char              *s3dlio_server_get_uri             (S3dlioServer       *self);

S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_server_create_bucket       (S3dlioServer       *self,
                                                      const char         *bucket,
                                                      GError            **error);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_server_put_object          (S3dlioServer       *self,
                                                      const char         *bucket,
                                                      const char         *key,
                                                      GBytes             *data,
                                                      GError            **error);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_server_get_object_data     (S3dlioServer       *self,
                                                      const char         *bucket,
                                                      const char         *key);
S3DLIO_AVAILABLE_IN_ALL
char              *s3dlio_server_get_object_etag     (S3dlioServer       *self,
                                                      const char         *bucket,
                                                      const char         *key);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_get_upload_count    (S3dlioServer       *self,
                                                      const char         *bucket);

S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_get_request_count   (S3dlioServer       *self,
                                                      const char         *method);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_get_connection_count (S3dlioServer      *self);
S3DLIO_AVAILABLE_IN_ALL
char             **s3dlio_server_get_request_log     (S3dlioServer       *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_reset_counters      (S3dlioServer       *self);

S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_add_fault           (S3dlioServer       *self,
                                                      S3dlioServerFault  *fault);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_clear_faults        (S3dlioServer       *self);

G_END_DECLS
