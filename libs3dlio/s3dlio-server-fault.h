/* s3dlio-server-fault.h
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

/**
 * S3dlioFaultKind:
 * @S3DLIO_FAULT_KIND_STATUS: answer with an error status and an S3 error
 *   document (for example 503 `SlowDown` or 500 `InternalError`) instead of
 *   performing the operation; with status 200, the error document comes
 *   with a success status, as S3 may answer a CompleteMultipartUpload or a
 *   copy that failed after it began to reply
 * @S3DLIO_FAULT_KIND_RESET: send the response headers and the first
 *   [property@S3dlio.ServerFault:after-bytes] bytes of the body, then reset
 *   the connection (TCP RST)
 * @S3DLIO_FAULT_KIND_STALL: send the response headers and the first
 *   [property@S3dlio.ServerFault:after-bytes] bytes of the body, send nothing
 *   for [property@S3dlio.ServerFault:stall-ms] milliseconds, then close the
 *   connection
 * @S3DLIO_FAULT_KIND_SHORT_BODY: announce the full `Content-Length` but send
 *   only the first [property@S3dlio.ServerFault:after-bytes] bytes of the
 *   body, then close the connection
 * @S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE: answer with a 206 whose
 *   `Content-Range` does not describe the requested range
 * @S3DLIO_FAULT_KIND_REPLACE_OBJECT: replace the object's content (and so its
 *   ETag) with [property@S3dlio.ServerFault:replacement] right before
 *   answering, as if another client had overwritten it; for a copy
 *   (CopyObject, UploadPartCopy), the object replaced is the copy source
 * @S3DLIO_FAULT_KIND_DELAY: perform the operation, but hold the response for
 *   [property@S3dlio.ServerFault:stall-ms] milliseconds before sending it,
 *   as a slow server would; other requests are served meanwhile
 *
 * What an [class@S3dlio.ServerFault] does to the requests it matches.
 */
typedef enum {
  S3DLIO_FAULT_KIND_STATUS,
  S3DLIO_FAULT_KIND_RESET,
  S3DLIO_FAULT_KIND_STALL,
  S3DLIO_FAULT_KIND_SHORT_BODY,
  S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE,
  S3DLIO_FAULT_KIND_REPLACE_OBJECT,
  S3DLIO_FAULT_KIND_DELAY,
} S3dlioFaultKind;

#define S3DLIO_TYPE_SERVER_FAULT (s3dlio_server_fault_get_type ())

S3DLIO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (S3dlioServerFault, s3dlio_server_fault, S3DLIO, SERVER_FAULT, GObject)

S3DLIO_AVAILABLE_IN_ALL
S3dlioServerFault *s3dlio_server_fault_new              (S3dlioFaultKind    kind);
S3DLIO_AVAILABLE_IN_ALL
S3dlioFaultKind    s3dlio_server_fault_get_kind         (S3dlioServerFault *self);

S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_fault_get_method       (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_method       (S3dlioServerFault *self,
                                                         const char        *method);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_fault_get_key_pattern  (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_key_pattern  (S3dlioServerFault *self,
                                                         const char        *key_pattern);
S3DLIO_AVAILABLE_IN_ALL
gboolean           s3dlio_server_fault_get_only_ranged  (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_only_ranged  (S3dlioServerFault *self,
                                                         gboolean           only_ranged);
S3DLIO_AVAILABLE_IN_ALL
gint64             s3dlio_server_fault_get_range_start  (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_range_start  (S3dlioServerFault *self,
                                                         gint64             range_start);

S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_fault_get_skip         (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_skip         (S3dlioServerFault *self,
                                                         guint              skip);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_fault_get_count        (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_count        (S3dlioServerFault *self,
                                                         guint              count);

S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_fault_get_status       (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_status       (S3dlioServerFault *self,
                                                         guint              status);
S3DLIO_AVAILABLE_IN_ALL
const char        *s3dlio_server_fault_get_s3_code      (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_s3_code      (S3dlioServerFault *self,
                                                         const char        *s3_code);
S3DLIO_AVAILABLE_IN_ALL
guint64            s3dlio_server_fault_get_after_bytes  (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_after_bytes  (S3dlioServerFault *self,
                                                         guint64            after_bytes);
S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_fault_get_stall_ms     (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_stall_ms     (S3dlioServerFault *self,
                                                         guint              stall_ms);
S3DLIO_AVAILABLE_IN_ALL
GBytes            *s3dlio_server_fault_get_replacement  (S3dlioServerFault *self);
S3DLIO_AVAILABLE_IN_ALL
void               s3dlio_server_fault_set_replacement  (S3dlioServerFault *self,
                                                         GBytes            *replacement);

S3DLIO_AVAILABLE_IN_ALL
guint              s3dlio_server_fault_get_hits         (S3dlioServerFault *self);

G_END_DECLS
