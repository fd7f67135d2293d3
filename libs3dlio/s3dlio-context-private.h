/* s3dlio-context-private.h: running code on a given main context
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Queues @func on @context, always from an idle source. Not
 * g_main_context_invoke(): from a thread without a thread-default context
 * (a GThreadPool thread) it acquires the global default context and runs
 * @func right there whenever the main thread is between iterations — on
 * the wrong thread, and inside whatever lock the caller holds. */
void _s3dlio_main_context_post (GMainContext   *context,
                                GSourceFunc     func,
                                gpointer        data,
                                GDestroyNotify  notify);

G_END_DECLS
