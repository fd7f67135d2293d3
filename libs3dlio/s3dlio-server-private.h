/* s3dlio-server-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-server.h"

G_BEGIN_DECLS

/* The most requests with @method the server had under way at once since
 * it was created or since s3dlio_server_reset_counters(). A request is
 * under way from the moment the server has read it whole until its
 * response is sent (or the client went away), so a fault of kind
 * S3DLIO_FAULT_KIND_DELAY widens the window enough for the requests a
 * client sends together to overlap. Requests answered by a RESET, STALL or
 * SHORT_BODY fault are not counted. */
guint _s3dlio_server_get_peak_in_flight (S3dlioServer *self,
                                         const char   *method);

G_END_DECLS
