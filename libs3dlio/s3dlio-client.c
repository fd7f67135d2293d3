/* s3dlio-client.c: the S3 client
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-bounded-read-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-object-info-private.h"
#include "s3dlio-request-private.h"
#include "s3dlio-signer.h"
#include "s3dlio-transfer-private.h"
#include "s3dlio-xml-private.h"

/**
 * S3dlioClient:
 *
 * An S3 client: an endpoint, credentials, a [class@S3dlio.Config] and a
 * pool of libsoup sessions run by worker threads.
 *
 * Every operation is an `_async`/`_finish` pair in the GIO style, with a
 * #GCancellable; results are delivered on the thread-default main context
 * of the thread that started the operation. Each also has a blocking form
 * for simple programs, which runs the operation in a private main context.
 *
 * The heart of the client is the size-aware GET
 * ([method@S3dlio.Client.download_async] and its shortcuts
 * [method@S3dlio.Client.get_async] and
 * [method@S3dlio.Client.get_to_file_async]): the first request is a ranged
 * GET of the first part, whose `Content-Range` gives the object size; large
 * objects are then fetched as concurrent ranged GETs written straight into
 * place.
 *
 * Changing the config applies to the next operation. Worker threads,
 * connection limits, idle and I/O timeouts and
 * [property@S3dlio.Config:optimized-http] are built into the session pool:
 * a change to them makes the client build a new pool for the next
 * operation, while operations under way finish on the old one.
 */

struct _S3dlioClient
{
  GObject             parent_instance;

  S3dlioEndpoint     *endpoint;
  S3dlioCredentials  *credentials;
  S3dlioConfig       *config;
  S3dlioSigner       *signer;

  GMutex              pool_mutex;
  S3dlioSessionPool  *pool;

  GMutex              regions_mutex;
  GHashTable         *bucket_regions;   /* bucket → region the server named */
  GHashTable         *region_signers;   /* region → S3dlioSigner for it */
  GTlsDatabase       *tls_database;
  GError             *tls_error;
};

G_DEFINE_FINAL_TYPE_WITH_CODE (S3dlioClient, s3dlio_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (S3DLIO_TYPE_OBJECT_STORE,
                                                      s3dlio_client_store_iface_init))

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_CREDENTIALS,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_client_constructed (GObject *object)
{
  S3dlioClient *self = S3DLIO_CLIENT (object);
  const char *ca_file;

  G_OBJECT_CLASS (s3dlio_client_parent_class)->constructed (object);

  if (self->config == NULL)
    self->config = s3dlio_config_new ();
  if (self->credentials == NULL)
    self->credentials = s3dlio_credentials_new_anonymous ();
  if (self->endpoint == NULL)
    self->endpoint = s3dlio_endpoint_new (NULL, NULL, NULL);

  self->signer = s3dlio_signer_new (self->credentials, s3dlio_endpoint_get_region (self->endpoint));

  ca_file = s3dlio_endpoint_get_ca_file (self->endpoint);
  if (ca_file != NULL)
    {
      self->tls_database = g_tls_file_database_new (ca_file, &self->tls_error);
      if (self->tls_error != NULL)
        g_prefix_error (&self->tls_error, _("Cannot use the CA bundle “%s”: "), ca_file);
    }
}

static void
s3dlio_client_finalize (GObject *object)
{
  S3dlioClient *self = (S3dlioClient *) object;

  g_clear_object (&self->pool);
  g_clear_object (&self->signer);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->credentials);
  g_clear_object (&self->config);
  g_clear_object (&self->tls_database);
  g_clear_error (&self->tls_error);
  g_mutex_clear (&self->pool_mutex);
  g_clear_pointer (&self->bucket_regions, g_hash_table_unref);
  g_clear_pointer (&self->region_signers, g_hash_table_unref);
  g_mutex_clear (&self->regions_mutex);

  G_OBJECT_CLASS (s3dlio_client_parent_class)->finalize (object);
}

static void
s3dlio_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  S3dlioClient *self = S3DLIO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_object (value, self->endpoint);
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  S3dlioClient *self = S3DLIO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      self->endpoint = g_value_dup_object (value);
      break;
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_client_class_init (S3dlioClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _s3dlio_i18n_init ();

  object_class->constructed = s3dlio_client_constructed;
  object_class->finalize = s3dlio_client_finalize;
  object_class->get_property = s3dlio_client_get_property;
  object_class->set_property = s3dlio_client_set_property;

  /**
   * S3dlioClient:endpoint:
   *
   * Where requests go: URL, region and addressing style. AWS in
   * `us-east-1` when not given.
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_object ("endpoint", NULL, NULL, S3DLIO_TYPE_ENDPOINT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioClient:credentials:
   *
   * The credentials requests are signed with; anonymous when not given.
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, S3DLIO_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioClient:config:
   *
   * The tuning knobs. The client reads them at the start of every
   * operation, so changes apply to the next one.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, S3DLIO_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_client_init (S3dlioClient *self)
{
  g_mutex_init (&self->pool_mutex);
  g_mutex_init (&self->regions_mutex);
  self->bucket_regions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->region_signers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * s3dlio_client_new:
 * @endpoint: (nullable): where requests go, or %NULL for AWS in `us-east-1`
 * @credentials: (nullable): the credentials to sign with, or %NULL for
 *   anonymous requests
 * @config: (nullable): the tuning knobs, or %NULL for the defaults
 *
 * Creates a client. The session pool is started by the first operation.
 *
 * Returns: (transfer full): a new #S3dlioClient
 */
S3dlioClient *
s3dlio_client_new (S3dlioEndpoint    *endpoint,
                   S3dlioCredentials *credentials,
                   S3dlioConfig      *config)
{
  g_return_val_if_fail (endpoint == NULL || S3DLIO_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (credentials == NULL || S3DLIO_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (config == NULL || S3DLIO_IS_CONFIG (config), NULL);

  return g_object_new (S3DLIO_TYPE_CLIENT,
                       "endpoint", endpoint,
                       "credentials", credentials,
                       "config", config,
                       NULL);
}

/**
 * s3dlio_client_new_from_environment:
 * @profile: (nullable): a profile name, as `--profile` gives it, or %NULL
 *   for `AWS_PROFILE` or `default`
 * @error: return location for a #GError
 *
 * Creates a client the way the AWS CLI would: endpoint and region from
 * [ctor@S3dlio.Endpoint.new_from_environment], credentials from
 * [ctor@S3dlio.Credentials.new_from_environment], and the tuning knobs
 * from [ctor@S3dlio.Config.new_from_environment].
 *
 * Returns: (transfer full): a new #S3dlioClient, or %NULL with @error set
 *   if any of those fails
 */
S3dlioClient *
s3dlio_client_new_from_environment (const char  *profile,
                                    GError     **error)
{
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autoptr(S3dlioConfig) config = NULL;

  if (!(config = s3dlio_config_new_from_environment (error)) ||
      !(endpoint = s3dlio_endpoint_new_from_environment (profile, error)) ||
      !(credentials = s3dlio_credentials_new_from_environment (profile, error)))
    return NULL;

  return s3dlio_client_new (endpoint, credentials, config);
}

/**
 * s3dlio_client_get_endpoint:
 * @self: a #S3dlioClient
 *
 * Gets the endpoint the client sends its requests to.
 *
 * Returns: (transfer none): the endpoint
 */
S3dlioEndpoint *
s3dlio_client_get_endpoint (S3dlioClient *self)
{
  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), NULL);
  return self->endpoint;
}

/**
 * s3dlio_client_get_credentials:
 * @self: a #S3dlioClient
 *
 * Gets the credentials the client signs its requests with.
 *
 * Returns: (transfer none): the credentials
 */
S3dlioCredentials *
s3dlio_client_get_credentials (S3dlioClient *self)
{
  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), NULL);
  return self->credentials;
}

/**
 * s3dlio_client_get_config:
 * @self: a #S3dlioClient
 *
 * Gets the tuning knobs, to read or change.
 *
 * Returns: (transfer none): the config
 */
S3dlioConfig *
s3dlio_client_get_config (S3dlioClient *self)
{
  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), NULL);
  return self->config;
}

/* Private API. */

S3dlioSessionPool *
_s3dlio_client_get_pool (S3dlioClient *self)
{
  S3dlioSessionPool *pool;

  g_mutex_lock (&self->pool_mutex);
  if (self->pool != NULL && !_s3dlio_session_pool_matches (self->pool, self->config))
    g_clear_object (&self->pool);
  if (self->pool == NULL)
    self->pool = _s3dlio_session_pool_new (self->config, self->tls_database);
  pool = self->pool;
  g_mutex_unlock (&self->pool_mutex);

  return pool;
}

S3dlioSigner *
_s3dlio_client_get_signer (S3dlioClient *self)
{
  return self->signer;
}

S3dlioRequest *
_s3dlio_client_new_request (S3dlioClient *self,
                            const char   *method,
                            const char   *bucket,
                            const char   *key)
{
  S3dlioRequest *request = s3dlio_endpoint_new_request (self->endpoint, method, bucket, key);

  _s3dlio_request_set_bucket (request, bucket);
  return request;
}

/* Buckets in another region.
 *
 * A signed request names its region, so libsoup must never follow a
 * redirect with it. When a response says the bucket lives elsewhere (the
 * `x-amz-bucket-region` header, or the `<Region>` of an S3 error such as
 * AuthorizationHeaderMalformed), the client remembers the bucket's region
 * and the request is signed again for it, as botocore does. The host stays
 * the endpoint's: S3 routes a virtual-hosted bucket name to its region,
 * and S3-compatible stores serve every region on one host. A redirect
 * that needs another host (a 301 to a regional endpoint for a path-style
 * request) is reported as %S3DLIO_ERROR_REDIRECT naming it. */

static gboolean
is_region_name (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (text[i]) && !g_ascii_isdigit (text[i]) && text[i] != '-')
      return FALSE;
  return TRUE;
}

static S3dlioSigner *
signer_for_bucket (S3dlioClient *self,
                   const char   *bucket)
{
  S3dlioSigner *signer;
  const char *region;

  g_mutex_lock (&self->regions_mutex);
  region = bucket ? g_hash_table_lookup (self->bucket_regions, bucket) : NULL;
  if (region == NULL)
    signer = g_object_ref (self->signer);
  else
    {
      signer = g_hash_table_lookup (self->region_signers, region);
      if (signer == NULL)
        {
          signer = s3dlio_signer_new (self->credentials, region);
          g_hash_table_insert (self->region_signers, g_strdup (region), signer);
        }
      g_object_ref (signer);
    }
  g_mutex_unlock (&self->regions_mutex);

  return signer;
}

/* The region in the credential scope of a signed message
 * (`Credential=AKID/20250101/eu-west-1/s3/aws4_request`), or NULL. */
static char *
signed_region (SoupMessage *msg)
{
  const char *authorization = soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                                            "Authorization");
  const char *credential = authorization ? strstr (authorization, "Credential=") : NULL;
  g_auto(GStrv) scope = NULL;

  if (credential == NULL)
    return NULL;
  credential += strlen ("Credential=");
  scope = g_strsplit (credential, "/", 5);
  if (g_strv_length (scope) < 5)
    return NULL;
  return g_strdup (scope[2]);
}

gboolean
_s3dlio_client_learn_bucket_region (S3dlioClient *self,
                                    const char   *bucket,
                                    SoupMessage  *msg,
                                    const char   *body,
                                    gsize         body_len)
{
  g_auto(S3dlioS3ErrorInfo) info = { 0 };
  g_autofree char *used = NULL;
  const char *region;
  guint status = soup_message_get_status (msg);

  if (bucket == NULL ||
      (status != SOUP_STATUS_MOVED_PERMANENTLY && status != SOUP_STATUS_TEMPORARY_REDIRECT &&
       status != SOUP_STATUS_BAD_REQUEST))
    return FALSE;

  /* An unsigned request names no region: nothing to sign again. */
  used = signed_region (msg);
  if (used == NULL)
    return FALSE;

  region = soup_message_headers_get_one (soup_message_get_response_headers (msg), "x-amz-bucket-region");
  if (region == NULL && body != NULL && body_len > 0 && body_len <= S3DLIO_ERROR_BODY_MAX &&
      _s3dlio_xml_parse_error (body, body_len, &info, NULL))
    region = info.region;

  if (!is_region_name (region) || g_str_equal (region, used))
    return FALSE;

  g_mutex_lock (&self->regions_mutex);
  g_hash_table_replace (self->bucket_regions, g_strdup (bucket), g_strdup (region));
  g_mutex_unlock (&self->regions_mutex);

  g_debug ("Bucket %s is in %s, not %s: signing again for %s", bucket, region, used, region);
  return TRUE;
}

SoupMessage *
_s3dlio_client_prepare_message (S3dlioClient   *self,
                                S3dlioRequest  *request,
                                GError        **error)
{
  g_autoptr(S3dlioSigner) signer = NULL;
  SoupMessage *msg;

  if (self->tls_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->tls_error));
      return NULL;
    }

  signer = signer_for_bucket (self, _s3dlio_request_get_bucket (request));
  if (!s3dlio_signer_sign (signer, request, NULL, error))
    return NULL;

  msg = _s3dlio_request_new_message (request, error);
  if (msg == NULL)
    return NULL;

  /* A redirect would resend the old signature to another URL. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  return msg;
}

guint
_s3dlio_retry_delay_ms (guint attempt)
{
  const guint base_ms = 50;
  const guint cap_ms = 5000;
  guint ceiling = base_ms << MIN (attempt > 0 ? attempt - 1 : 0, 16);

  /* Full jitter: anywhere between nothing and the exponential ceiling. */
  ceiling = MIN (ceiling, cap_ms);
  return (guint) g_random_int_range (1, (gint32) ceiling + 1);
}

gboolean
_s3dlio_error_is_transient (const GError *error)
{
  if (s3dlio_error_is_retryable (error))
    return TRUE;

  if (error->domain == S3DLIO_ERROR)
    return error->code == S3DLIO_ERROR_MALFORMED_RESPONSE;

  if (error->domain == SOUP_SESSION_ERROR)
    return error->code == SOUP_SESSION_ERROR_PARSING ||
           error->code == SOUP_SESSION_ERROR_ENCODING;

  /* Resets and other socket failures come as plain G_IO_ERROR_FAILED. */
  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_FAILED;

  return FALSE;
}

gboolean
_s3dlio_check_not_web_page (guint                status,
                            SoupMessageHeaders  *headers,
                            GError             **error)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  /* A proxy, captive portal or login page answers in S3's place with a
   * web page, often with a 200 that would pass for success (an empty
   * listing, an object made of HTML). S3 never sends its XML as text/html,
   * and an object stored as text/html comes with its ETag. */
  if (type == NULL || g_ascii_strcasecmp (type, "text/html") != 0 ||
      soup_message_headers_get_one (headers, "ETag") != NULL)
    return TRUE;

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               _("The server sent a web page (HTTP %u, Content-Type text/html, no ETag), "
                  "not S3 XML or an S3 object: is a proxy or captive portal in the way?"),
               status);
  return FALSE;
}

void
_s3dlio_response_free (S3dlioResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/* One request, whole response body, retries. */

typedef struct {
  S3dlioClient       *client;
  S3dlioSessionPool  *pool;
  S3dlioWorker       *worker;
  S3dlioRequest      *request;
  SoupMessage        *msg;
  guint               attempt;
  guint               region_changes;
  gint64              sent_us;
  /* libsoup gets a cancellable of the worker's own: the caller's may fire
   * from any thread, and libsoup leaks a source now and then when that
   * happens from a thread other than the one running the request. */
  GCancellable       *cancellable;
  GCancellable       *caller_cancellable;
  gulong              caller_cancel_id;
} SendData;

static gboolean
cancel_on_worker (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
forward_cancel (GCancellable *caller,
                gpointer      data)
{
  SendData *send = data;

  _s3dlio_worker_invoke (send->worker, cancel_on_worker,
                         g_object_ref (send->cancellable), g_object_unref);
}

static void
send_data_free (gpointer data)
{
  SendData *send = data;

  if (send->caller_cancellable != NULL)
    g_cancellable_disconnect (send->caller_cancellable, send->caller_cancel_id);
  g_clear_object (&send->caller_cancellable);
  g_clear_object (&send->cancellable);

  g_clear_object (&send->msg);
  g_clear_object (&send->request);
  g_clear_object (&send->pool);
  g_clear_object (&send->client);
  g_free (send);
}

static gboolean send_on_worker (gpointer data);

/* 206 answers a ranged GET, and nothing else: a DELETE, HEAD, PUT or
 * CreateBucket answered so (by a proxy or a broken server) cannot be taken
 * for done. Like any malformed reply, it is retried. */
static gboolean
check_not_partial (S3dlioRequest  *request,
                   guint           status,
                   GError        **error)
{
  const char *method = s3dlio_request_get_method (request);

  if (status != SOUP_STATUS_PARTIAL_CONTENT ||
      (g_str_equal (method, "GET") && s3dlio_request_get_header (request, "Range") != NULL))
    return TRUE;

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               /* Translators: %s is an HTTP method (PUT, DELETE, HEAD…),
                * %u the status, 206 */
               _("The server answered the %s request with HTTP %u (Partial Content), "
                 "which only a ranged GET may get"), method, status);
  return FALSE;
}

static gboolean
retry_send (gpointer data)
{
  GTask *task = data;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  return send_on_worker (task);
}

static void
send_and_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  SendData *send = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status;

  body = _s3dlio_send_and_read_bounded_finish (SOUP_SESSION (source), result, &error);
  _s3dlio_error_from_transport (&error);
  status = soup_message_get_status (send->msg);

  if (body != NULL && !SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gsize len;
      const char *text = g_bytes_get_data (body, &len);

      /* The bucket is in another region: sign again for it, at once and
       * without using up a retry (at most twice, against ping-pong). */
      if (send->region_changes < 2 &&
          _s3dlio_client_learn_bucket_region (send->client, _s3dlio_request_get_bucket (send->request),
                                              send->msg, text, len))
        {
          send->region_changes++;
          send->attempt--;
          g_clear_object (&send->msg);
          send_on_worker (task);
          return;
        }

      _s3dlio_error_from_response (status, soup_message_get_reason_phrase (send->msg),
                                   text, len,
                                   soup_message_headers_get_one (soup_message_get_response_headers (send->msg),
                                                                 "x-amz-request-id"),
                                   &error);
    }
  else if (body != NULL && check_not_partial (send->request, status, &error))
    _s3dlio_check_not_web_page (status, soup_message_get_response_headers (send->msg), &error);

  g_debug ("%s %s%s%s -> %u in %.1f ms (attempt %u)%s%s",
           s3dlio_request_get_method (send->request),
           s3dlio_request_get_host (send->request),
           s3dlio_request_get_path (send->request),
           s3dlio_request_get_query (send->request, "list-type") ? "?list-type=2…" : "",
           status, (g_get_monotonic_time () - send->sent_us) / 1000.0, send->attempt,
           error ? ": " : "", error ? error->message : "");

  if (error != NULL)
    {
      if (_s3dlio_error_is_transient (error) &&
          send->attempt <= s3dlio_config_get_max_retries (send->client->config) &&
          !g_cancellable_is_cancelled (send->cancellable))
        {
          GSource *timeout = g_timeout_source_new (_s3dlio_retry_delay_ms (send->attempt));

          g_error_free (error);
          g_clear_object (&send->msg);
          g_source_set_callback (timeout, retry_send, g_steal_pointer (&task), g_object_unref);
          g_source_set_static_name (timeout, "[s3dlio] request retry");
          g_source_attach (timeout, _s3dlio_worker_get_context (send->worker));
          g_source_unref (timeout);
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  {
    S3dlioResponse *response = g_new0 (S3dlioResponse, 1);

    response->status = status;
    response->headers = soup_message_headers_ref (soup_message_get_response_headers (send->msg));
    response->body = g_steal_pointer (&body);
    g_task_return_pointer (task, response, (GDestroyNotify) _s3dlio_response_free);
  }
}

static gboolean
send_on_worker (gpointer data)
{
  GTask *task = data;
  SendData *send = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = s3dlio_request_copy (send->request);
  GError *error = NULL;

  send->attempt++;
  send->sent_us = g_get_monotonic_time ();

  /* Signed afresh for every attempt: the date is part of the signature. */
  send->msg = _s3dlio_client_prepare_message (send->client, request, &error);
  if (send->msg == NULL)
    {
      g_task_return_error (task, error);
      return G_SOURCE_REMOVE;
    }

  _s3dlio_send_and_read_bounded_async (_s3dlio_worker_get_session (send->worker), send->msg,
                                       S3DLIO_REPLY_BODY_MAX, G_PRIORITY_DEFAULT, send->cancellable,
                                       send_and_read_cb, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

void
_s3dlio_client_send_async (S3dlioClient        *self,
                           S3dlioRequest       *request,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *send;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _s3dlio_client_send_async);

  send = g_new0 (SendData, 1);
  send->client = g_object_ref (self);
  send->pool = g_object_ref (_s3dlio_client_get_pool (self));
  send->worker = _s3dlio_session_pool_next_worker (send->pool);
  send->request = g_object_ref (request);
  send->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, send, send_data_free);
  if (cancellable != NULL)
    {
      send->caller_cancellable = g_object_ref (cancellable);
      send->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                      send, NULL);
    }

  _s3dlio_worker_invoke (send->worker, send_on_worker, g_steal_pointer (&task), g_object_unref);
}

S3dlioResponse *
_s3dlio_client_send_finish (S3dlioClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Blocking forms. */

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

GAsyncResult *
_s3dlio_run_sync (S3dlioStartFunc start,
                  gpointer        data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  GAsyncResult *result = NULL;

  g_main_context_push_thread_default (context);
  start (data, sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return result;
}

typedef struct {
  S3dlioClient   *client;
  S3dlioUri      *uri;
  S3dlioTransfer *transfer;
  const char     *path;
  guint64         offset;
  guint64         length;
  GCancellable   *cancellable;
} SyncArgs;

/* stat */

static void
stat_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(S3dlioResponse) response = NULL;
  S3dlioUri *uri = g_task_get_task_data (task);
  GError *error = NULL;
  S3dlioObjectInfo *info;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  info = response ? _s3dlio_object_info_new_from_headers (s3dlio_uri_get_key (uri),
                                                          response->headers, &error) : NULL;
  if (info == NULL)
    {
      g_autofree char *text = s3dlio_uri_to_string (uri);

      g_prefix_error (&error, "%s: ", text);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, info, g_object_unref);
}

static gboolean
check_object_uri (S3dlioUri  *uri,
                  GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3 && !s3dlio_uri_is_prefix (uri))
    return TRUE;

  text = s3dlio_uri_to_string (uri);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("%s: not an object (an s3:// URI with a key is needed)"), text);
  return FALSE;
}

/**
 * s3dlio_client_stat_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Asks for the metadata of an object (a HEAD request): size, ETag,
 * last-modified time, content type and user metadata.
 */
void
s3dlio_client_stat_async (S3dlioClient        *self,
                          S3dlioUri           *uri,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(S3dlioRequest) request = NULL;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_stat_async);
  g_task_set_task_data (task, g_object_ref (uri), g_object_unref);

  if (!check_object_uri (uri, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  request = _s3dlio_client_new_request (self, "HEAD", s3dlio_uri_get_bucket (uri),
                                        s3dlio_uri_get_key (uri));
  _s3dlio_client_send_async (self, request, cancellable, stat_cb, g_steal_pointer (&task));
}

/**
 * s3dlio_client_stat_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.stat_async].
 *
 * Returns: (transfer full): the object's metadata, or %NULL with @error
 *   set (%S3DLIO_ERROR_NO_SUCH_KEY for a missing object)
 */
S3dlioObjectInfo *
s3dlio_client_stat_finish (S3dlioClient  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_stat (gpointer            data,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_stat_async (args->client, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_stat:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.stat_async].
 *
 * Returns: (transfer full): the object's metadata, or %NULL with @error set
 */
S3dlioObjectInfo *
s3dlio_client_stat (S3dlioClient  *self,
                    S3dlioUri     *uri,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SyncArgs args = { self, uri, NULL, NULL, 0, 0, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_stat, &args);

  return s3dlio_client_stat_finish (self, result, error);
}

/* download */

/**
 * s3dlio_client_download_async:
 * @self: a #S3dlioClient
 * @transfer: what to download, and where to
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Runs a size-aware download. The object (or the range of it) is fetched
 * with one GET when it is smaller than
 * [property@S3dlio.Config:threshold], otherwise as ranged GETs of
 * [property@S3dlio.Config:part-size] with at most
 * [property@S3dlio.Config:max-inflight] in flight, each written straight
 * into its place. Every response is checked (status, `Content-Range`,
 * length), later parts carry `If-Match` with the ETag of the first, and a
 * part that fails transiently is retried on its own with backoff. Progress
 * is reported through @transfer.
 *
 * Cancelling stops every part at once, frees their memory, leaves no
 * temporary file, and fails with %G_IO_ERROR_CANCELLED.
 */
void
s3dlio_client_download_async (S3dlioClient        *self,
                              S3dlioTransfer      *transfer,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_TRANSFER (transfer));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_download_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  _s3dlio_download_start (self, transfer, FALSE, task);
}

/**
 * s3dlio_client_download_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.download_async].
 *
 * Returns: %TRUE if every byte arrived and was checked
 */
gboolean
s3dlio_client_download_finish (S3dlioClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_download (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_download_async (args->client, args->transfer, args->cancellable,
                                callback, user_data);
}

/**
 * s3dlio_client_download:
 * @self: a #S3dlioClient
 * @transfer: what to download, and where to
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.download_async]. Progress
 * signals of @transfer are emitted in the calling thread.
 *
 * Returns: %TRUE if every byte arrived and was checked
 */
gboolean
s3dlio_client_download (S3dlioClient    *self,
                        S3dlioTransfer  *transfer,
                        GCancellable    *cancellable,
                        GError         **error)
{
  SyncArgs args = { self, NULL, transfer, NULL, 0, 0, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_download, &args);

  return s3dlio_client_download_finish (self, result, error);
}

/* Shortcuts over download. */

static void
bytes_download_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GTask) task = data;
  S3dlioTransfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;

  if (!s3dlio_client_download_finish (S3DLIO_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, s3dlio_transfer_get_bytes (transfer),
                           (GDestroyNotify) g_bytes_unref);
}

static void
download_shortcut (S3dlioClient        *self,
                   S3dlioTransfer      *transfer,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_object_ref (transfer), g_object_unref);
  s3dlio_client_download_async (self, transfer, cancellable, bytes_download_cb, task);
}

/**
 * s3dlio_client_get_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads an object into memory with the size-aware GET (see
 * [method@S3dlio.Client.download_async]). The parts are written straight
 * into one buffer, which is returned without a copy.
 */
void
s3dlio_client_get_async (S3dlioClient        *self,
                         S3dlioUri           *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  transfer = s3dlio_transfer_new (uri);
  download_shortcut (self, transfer, s3dlio_client_get_async, cancellable, callback, user_data);
}

/**
 * s3dlio_client_get_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.get_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
GBytes *
s3dlio_client_get_finish (S3dlioClient  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_get (gpointer            data,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_get_async (args->client, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_get:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.get_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
GBytes *
s3dlio_client_get (S3dlioClient  *self,
                   S3dlioUri     *uri,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SyncArgs args = { self, uri, NULL, NULL, 0, 0, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_get, &args);

  return s3dlio_client_get_finish (self, result, error);
}

/**
 * s3dlio_client_get_range_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @offset: the first byte
 * @length: how many bytes; %G_MAXUINT64 for up to the end
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads part of an object into memory. A range that runs past the end
 * of the object is cut there. Large ranges are split like whole objects.
 */
void
s3dlio_client_get_range_async (S3dlioClient        *self,
                               S3dlioUri           *uri,
                               guint64              offset,
                               guint64              length,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  transfer = s3dlio_transfer_new (uri);
  s3dlio_transfer_set_range (transfer, offset, length);
  download_shortcut (self, transfer, s3dlio_client_get_range_async, cancellable, callback, user_data);
}

/**
 * s3dlio_client_get_range_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.get_range_async].
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 *   (%S3DLIO_ERROR_INVALID_RANGE for a range past the end)
 */
GBytes *
s3dlio_client_get_range_finish (S3dlioClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_get_range (gpointer            data,
                 GAsyncReadyCallback callback,
                 gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_get_range_async (args->client, args->uri, args->offset, args->length,
                                 args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_get_range:
 * @self: a #S3dlioClient
 * @uri: the object
 * @offset: the first byte
 * @length: how many bytes; %G_MAXUINT64 for up to the end
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.get_range_async].
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
s3dlio_client_get_range (S3dlioClient  *self,
                         S3dlioUri     *uri,
                         guint64        offset,
                         guint64        length,
                         GCancellable  *cancellable,
                         GError       **error)
{
  SyncArgs args = { self, uri, NULL, NULL, offset, length, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_get_range, &args);

  return s3dlio_client_get_range_finish (self, result, error);
}

/**
 * s3dlio_client_get_object_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads an object into memory with one plain GET, whatever its size,
 * as most S3 clients do. For comparison with the size-aware
 * [method@S3dlio.Client.get_async].
 */
void
s3dlio_client_get_object_async (S3dlioClient        *self,
                                S3dlioUri           *uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autoptr(GTask) inner = NULL;
  GTask *task;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  transfer = s3dlio_transfer_new (uri);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_get_object_async);
  g_task_set_task_data (task, g_object_ref (transfer), g_object_unref);

  inner = g_task_new (self, cancellable, bytes_download_cb, task);
  g_task_set_source_tag (inner, s3dlio_client_download_async);
  _s3dlio_download_start (self, transfer, TRUE, inner);
}

/**
 * s3dlio_client_get_object_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.get_object_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
GBytes *
s3dlio_client_get_object_finish (S3dlioClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_get_object (gpointer            data,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_get_object_async (args->client, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_get_object:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.get_object_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
GBytes *
s3dlio_client_get_object (S3dlioClient  *self,
                          S3dlioUri     *uri,
                          GCancellable  *cancellable,
                          GError       **error)
{
  SyncArgs args = { self, uri, NULL, NULL, 0, 0, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_get_object, &args);

  return s3dlio_client_get_object_finish (self, result, error);
}

/* To a file. */

static void
file_download_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (!s3dlio_client_download_finish (S3DLIO_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * s3dlio_client_get_to_file_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @path: (type filename): the file to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads an object into a file with the size-aware GET. See
 * [method@S3dlio.Transfer.set_destination_path]: the file only appears,
 * complete, when every byte arrived.
 */
void
s3dlio_client_get_to_file_async (S3dlioClient        *self,
                                 S3dlioUri           *uri,
                                 const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;
  GTask *task;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (path != NULL);

  transfer = s3dlio_transfer_new (uri);
  s3dlio_transfer_set_destination_path (transfer, path);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_get_to_file_async);
  s3dlio_client_download_async (self, transfer, cancellable, file_download_cb, task);
}

/**
 * s3dlio_client_get_to_file_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.get_to_file_async].
 *
 * Returns: %TRUE if the file was written whole
 */
gboolean
s3dlio_client_get_to_file_finish (S3dlioClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_get_to_file (gpointer            data,
                   GAsyncReadyCallback callback,
                   gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_client_get_to_file_async (args->client, args->uri, args->path, args->cancellable,
                                   callback, user_data);
}

/**
 * s3dlio_client_get_to_file:
 * @self: a #S3dlioClient
 * @uri: the object
 * @path: (type filename): the file to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.get_to_file_async].
 *
 * Returns: %TRUE if the file was written whole
 */
gboolean
s3dlio_client_get_to_file (S3dlioClient  *self,
                           S3dlioUri     *uri,
                           const char    *path,
                           GCancellable  *cancellable,
                           GError       **error)
{
  SyncArgs args = { self, uri, NULL, path, 0, 0, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_get_to_file, &args);

  return s3dlio_client_get_to_file_finish (self, result, error);
}

/**
 * s3dlio_client_get_into_buffer: (skip)
 * @self: a #S3dlioClient
 * @uri: the object
 * @buffer: memory to write the object into
 * @size: the size of @buffer
 * @length: (out) (optional): return location for the object size
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Downloads an object straight into @buffer with the size-aware GET, so a
 * data loader can reuse the same memory for many objects. Fails with
 * %S3DLIO_ERROR_INVALID_ARGUMENT if the object is larger than @size. For
 * the asynchronous form, use [method@S3dlio.Transfer.set_destination_buffer]
 * with [method@S3dlio.Client.download_async]; bindings use
 * [method@S3dlio.Client.get] instead.
 *
 * Returns: %TRUE if the whole object was written
 */
gboolean
s3dlio_client_get_into_buffer (S3dlioClient  *self,
                               S3dlioUri     *uri,
                               guint8        *buffer,
                               gsize          size,
                               guint64       *length,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;

  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), FALSE);

  transfer = s3dlio_transfer_new (uri);
  s3dlio_transfer_set_destination_buffer (transfer, buffer, size);
  if (!s3dlio_client_download (self, transfer, cancellable, error))
    return FALSE;

  if (length != NULL)
    *length = s3dlio_transfer_get_length (transfer);
  return TRUE;
}
