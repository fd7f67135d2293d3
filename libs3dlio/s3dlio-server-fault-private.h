/* s3dlio-server-fault-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-server-fault.h"

G_BEGIN_DECLS

/* What one firing of a fault asks the server to do: a copy of the fault's
 * parameters taken under its lock, so the server thread never reads a fault
 * the owning thread is changing. */
typedef struct {
  S3dlioFaultKind  kind;
  guint            status;
  char            *s3_code;
  guint64          after_bytes;
  guint            stall_ms;
  GBytes          *replacement;
} S3dlioServerFaultAction;

void     _s3dlio_server_fault_action_clear (S3dlioServerFaultAction *action);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3dlioServerFaultAction, _s3dlio_server_fault_action_clear)

/* Called by the server thread for every request. Returns %TRUE, counts a hit
 * and fills @action when @self matches the request and its skip and count
 * say it fires now. @key is %NULL for requests that name no object;
 * @range_start is the first byte position written in the Range header, or
 * -1 when there is none (or for a suffix range). */
gboolean _s3dlio_server_fault_try_fire     (S3dlioServerFault       *self,
                                            const char              *method,
                                            const char              *key,
                                            gboolean                 ranged,
                                            gint64                   range_start,
                                            S3dlioServerFaultAction *action);

/* The S3 error code that goes with an HTTP status when a STATUS fault names
 * none: 503 SlowDown, 500 InternalError, and so on. */
const char *_s3dlio_server_fault_default_s3_code (guint status);

G_END_DECLS
