/* s3dlio-inspector-connection.c: a client, and the demo endpoint it may talk to
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-connection.h"

struct _S3dlioInspectorConnection
{
  GObject       parent_instance;

  S3dlioClient *client;
  S3dlioServer *server;          /* the local demo, or NULL */
  char         *title;
  char         *default_bucket;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorConnection, s3dlio_inspector_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SERVER,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_inspector_connection_dispose (GObject *object)
{
  S3dlioInspectorConnection *self = (S3dlioInspectorConnection *) object;

  /* The client first: its requests must not outlive the server. */
  g_clear_object (&self->client);
  if (self->server != NULL)
    s3dlio_server_stop (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (s3dlio_inspector_connection_parent_class)->dispose (object);
}

static void
s3dlio_inspector_connection_finalize (GObject *object)
{
  S3dlioInspectorConnection *self = (S3dlioInspectorConnection *) object;

  g_free (self->title);
  g_free (self->default_bucket);

  G_OBJECT_CLASS (s3dlio_inspector_connection_parent_class)->finalize (object);
}

static void
s3dlio_inspector_connection_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  S3dlioInspectorConnection *self = S3DLIO_INSPECTOR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_connection_class_init (S3dlioInspectorConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = s3dlio_inspector_connection_dispose;
  object_class->finalize = s3dlio_inspector_connection_finalize;
  object_class->get_property = s3dlio_inspector_connection_get_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, S3DLIO_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL, S3DLIO_TYPE_SERVER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_inspector_connection_init (S3dlioInspectorConnection *self)
{
}

static char *
describe_endpoint (S3dlioEndpoint *endpoint)
{
  g_autoptr(GUri) uri = g_uri_parse (s3dlio_endpoint_get_url (endpoint), G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : s3dlio_endpoint_get_url (endpoint);

  if (s3dlio_endpoint_is_aws (endpoint))
    /* Translators: the title of a connection: Amazon S3 and a region */
    return g_strdup_printf (_("Amazon S3 (%s)"), s3dlio_endpoint_get_region (endpoint));
  if (uri != NULL && g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", host, g_uri_get_port (uri));
  return g_strdup (host);
}

/**
 * s3dlio_inspector_connection_new_for_endpoint:
 * @config: the tuning knobs the client follows
 * @url: (nullable): the endpoint URL, or %NULL for the profile's, the
 *   environment's or Amazon S3's
 * @region: (nullable): the region, or %NULL for the profile's or the
 *   environment's
 * @path_style: whether buckets go in the path rather than the host name
 * @credentials_kind: where the credentials come from
 * @profile: (nullable): the profile (%NULL for AWS_PROFILE or "default")
 * @access_key_id: (nullable): with %S3DLIO_INSPECTOR_CREDENTIALS_KEYS
 * @secret_access_key: (nullable): with %S3DLIO_INSPECTOR_CREDENTIALS_KEYS
 * @error: return location for a #GError
 *
 * Makes a client for an S3 endpoint. Nothing is sent yet.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
S3dlioInspectorConnection *
s3dlio_inspector_connection_new_for_endpoint (S3dlioConfig                    *config,
                                              const char                      *url,
                                              const char                      *region,
                                              gboolean                         path_style,
                                              S3dlioInspectorCredentialsKind   credentials_kind,
                                              const char                      *profile,
                                              const char                      *access_key_id,
                                              const char                      *secret_access_key,
                                              GError                         **error)
{
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  S3dlioInspectorConnection *self;

  g_return_val_if_fail (S3DLIO_IS_CONFIG (config), NULL);

  endpoint = s3dlio_endpoint_new_with_overrides (profile, url, region,
                                                 path_style ? S3DLIO_ADDRESSING_STYLE_PATH
                                                            : S3DLIO_ADDRESSING_STYLE_AUTO,
                                                 NULL, error);
  if (endpoint == NULL)
    return NULL;

  switch (credentials_kind)
    {
    case S3DLIO_INSPECTOR_CREDENTIALS_KEYS:
      if (access_key_id == NULL || *access_key_id == '\0' ||
          secret_access_key == NULL || *secret_access_key == '\0')
        {
          g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                               _("Enter both the access key ID and the secret access key"));
          return NULL;
        }
      credentials = s3dlio_credentials_new (access_key_id, secret_access_key, NULL);
      break;
    case S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS:
      credentials = s3dlio_credentials_new_anonymous ();
      break;
    case S3DLIO_INSPECTOR_CREDENTIALS_PROFILE:
    default:
      credentials = s3dlio_credentials_new_from_environment (profile, error);
      if (credentials == NULL)
        return NULL;
      break;
    }

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_CONNECTION, NULL);
  self->client = s3dlio_client_new (endpoint, credentials, config);
  self->title = describe_endpoint (endpoint);
  return self;
}

typedef struct {
  S3dlioConfig            *config;
  S3dlioInspectorDemoSize  size;
  guint                    page_size;
} DemoData;

static void
demo_data_free (DemoData *data)
{
  g_clear_object (&data->config);
  g_free (data);
}

static void
start_demo_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DemoData *data = task_data;
  g_autoptr(S3dlioServer) server = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;
  S3dlioInspectorConnection *self;
  GError *error = NULL;

  server = s3dlio_inspector_demo_start (data->size, data->page_size, cancellable, &error);
  if (server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  uri = s3dlio_server_get_uri (server);
  endpoint = s3dlio_endpoint_new_with_overrides (NULL, uri, s3dlio_server_get_region (server),
                                                 S3DLIO_ADDRESSING_STYLE_PATH, NULL, &error);
  if (endpoint == NULL)
    {
      s3dlio_server_stop (server);
      g_task_return_error (task, error);
      return;
    }

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_CONNECTION, NULL);
  self->server = g_steal_pointer (&server);
  self->client = s3dlio_client_new (endpoint, s3dlio_server_get_credentials (self->server), data->config);
  self->title = g_strdup (_("Local Demo"));
  self->default_bucket = g_strdup (S3DLIO_INSPECTOR_DEMO_BUCKET);
  g_task_return_pointer (task, self, g_object_unref);
}

/**
 * s3dlio_inspector_connection_new_demo_async:
 * @config: the tuning knobs the client follows
 * @size: how much the demo bucket holds
 * @page_size: the most keys per listing page, or 0 for the server's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the demo endpoint runs
 * @user_data: data for @callback
 *
 * Starts the local demo endpoint (in a thread, since its sample objects
 * take a moment to make) and a client for it.
 */
void
s3dlio_inspector_connection_new_demo_async (S3dlioConfig            *config,
                                            S3dlioInspectorDemoSize  size,
                                            guint                    page_size,
                                            GCancellable            *cancellable,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  DemoData *data;

  g_return_if_fail (S3DLIO_IS_CONFIG (config));

  data = g_new0 (DemoData, 1);
  data->config = g_object_ref (config);
  data->size = size;
  data->page_size = page_size;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_inspector_connection_new_demo_async);
  g_task_set_task_data (task, data, (GDestroyNotify) demo_data_free);
  g_task_run_in_thread (task, start_demo_thread);
}

S3dlioInspectorConnection *
s3dlio_inspector_connection_new_demo_finish (GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

S3dlioClient *
s3dlio_inspector_connection_get_client (S3dlioInspectorConnection *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_CONNECTION (self), NULL);
  return self->client;
}

/**
 * s3dlio_inspector_connection_get_store:
 * @self: a connection
 *
 * Gets the client as the `s3://` S3dlioObjectStore. Listing, stat and
 * downloads go through it; the client itself is only for what S3 alone
 * has (buckets) and for its config and endpoint.
 *
 * Returns: (transfer none): the store
 */
S3dlioObjectStore *
s3dlio_inspector_connection_get_store (S3dlioInspectorConnection *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_CONNECTION (self), NULL);
  return S3DLIO_OBJECT_STORE (self->client);
}

S3dlioServer *
s3dlio_inspector_connection_get_server (S3dlioInspectorConnection *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_CONNECTION (self), NULL);
  return self->server;
}

const char *
s3dlio_inspector_connection_get_title (S3dlioInspectorConnection *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_CONNECTION (self), NULL);
  return self->title;
}

/* The bucket to open first, when the connection knows one. */
const char *
s3dlio_inspector_connection_get_default_bucket (S3dlioInspectorConnection *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_CONNECTION (self), NULL);
  return self->default_bucket;
}
