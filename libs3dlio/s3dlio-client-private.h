/* s3dlio-client-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <libsoup/soup.h>

#include "s3dlio-client.h"
#include "s3dlio-object-store.h"
#include "s3dlio-request.h"
#include "s3dlio-signer.h"
#include "s3dlio-session-pool-private.h"

G_BEGIN_DECLS

/* The session pool for new operations; made anew when a knob it was built
 * with changed. Operations keep the pool they started with. */
S3dlioSessionPool *_s3dlio_client_get_pool         (S3dlioClient   *self);

/* The signer requests are signed with (for presigned URLs). */
S3dlioSigner      *_s3dlio_client_get_signer       (S3dlioClient   *self);

/* An unsigned request for @bucket/@key (both nullable) on the endpoint. */
S3dlioRequest     *_s3dlio_client_new_request      (S3dlioClient   *self,
                                                    const char     *method,
                                                    const char     *bucket,
                                                    const char     *key);

/* After an error response to @msg (signed for @bucket): whether it named
 * another region for the bucket, which requests are signed for from now
 * on. The caller then sends the request again. */
gboolean           _s3dlio_client_learn_bucket_region (S3dlioClient *self,
                                                       const char   *bucket,
                                                       SoupMessage  *msg,
                                                       const char   *body,
                                                       gsize         body_len);

/* Signs @request (now) and makes the message to send: no redirects are
 * followed (a signed request must be signed again for another URL). */
SoupMessage       *_s3dlio_client_prepare_message  (S3dlioClient   *self,
                                                    S3dlioRequest  *request,
                                                    GError        **error);

/* How long to wait before retry @attempt (1 for the first retry):
 * exponential backoff with full jitter. */
guint              _s3dlio_retry_delay_ms          (guint           attempt);

/* Whether a failed attempt may be retried. */
gboolean           _s3dlio_error_is_transient      (const GError   *error);

/* Fails with S3DLIO_ERROR_MALFORMED_RESPONSE if a successful response is
 * a web page (text/html without an ETag) rather than S3's reply. */
gboolean           _s3dlio_check_not_web_page      (guint                status,
                                                    SoupMessageHeaders  *headers,
                                                    GError             **error);

/* One request with its whole (small) response body, retried on transient
 * failures. The response is passed to the callback of
 * _s3dlio_client_send_async() through _s3dlio_client_send_finish(). */
typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} S3dlioResponse;

void               _s3dlio_response_free           (S3dlioResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioResponse, _s3dlio_response_free)

void               _s3dlio_client_send_async       (S3dlioClient        *self,
                                                    S3dlioRequest       *request,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
S3dlioResponse    *_s3dlio_client_send_finish      (S3dlioClient        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Runs an async operation to completion in a private main context: the
 * blocking forms of every operation. @start gets the callback to pass on. */
typedef void (*S3dlioStartFunc) (gpointer             data,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GAsyncResult      *_s3dlio_run_sync                (S3dlioStartFunc      start,
                                                    gpointer             data);

/* S3dlioClient as the s3:// S3dlioObjectStore (s3dlio-client-store.c). */
void               s3dlio_client_store_iface_init  (S3dlioObjectStoreInterface *iface);

/* The size-aware download engine (s3dlio-download.c). */
void               _s3dlio_download_start          (S3dlioClient        *client,
                                                    S3dlioTransfer      *transfer,
                                                    gboolean             single_request,
                                                    GTask               *task);

/* The server-side copy engine (s3dlio-copy.c): copies @source (an
 * object) to @destination and returns a boolean through @task, whose task
 * data it takes. */
void               _s3dlio_copy_start              (S3dlioClient        *client,
                                                    S3dlioUri           *source,
                                                    S3dlioUri           *destination,
                                                    GTask               *task);

G_END_DECLS
