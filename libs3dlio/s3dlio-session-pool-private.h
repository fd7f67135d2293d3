/* s3dlio-session-pool-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <libsoup/soup.h>

#include "s3dlio-config.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_SESSION_POOL (s3dlio_session_pool_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioSessionPool, s3dlio_session_pool, S3DLIO, SESSION_POOL, GObject)

typedef struct _S3dlioWorker S3dlioWorker;

S3dlioSessionPool *_s3dlio_session_pool_new         (S3dlioConfig      *config,
                                                     GTlsDatabase      *tls_database);
gboolean           _s3dlio_session_pool_matches     (S3dlioSessionPool *self,
                                                     S3dlioConfig      *config);
guint              _s3dlio_session_pool_get_size    (S3dlioSessionPool *self);
guint              _s3dlio_session_pool_get_busy_polls_caught (S3dlioSessionPool *self);
S3dlioWorker      *_s3dlio_session_pool_next_worker (S3dlioSessionPool *self);

SoupSession       *_s3dlio_worker_get_session       (S3dlioWorker      *worker);
GMainContext      *_s3dlio_worker_get_context       (S3dlioWorker      *worker);
guint              _s3dlio_worker_get_index         (S3dlioWorker      *worker);
GSocket           *_s3dlio_worker_lookup_socket    (S3dlioWorker      *worker,
                                                     SoupMessage       *msg);
void               _s3dlio_worker_invoke            (S3dlioWorker      *worker,
                                                     GSourceFunc        func,
                                                     gpointer           data,
                                                     GDestroyNotify     notify);

G_END_DECLS
