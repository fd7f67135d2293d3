/* s3dlio-endpoint.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "s3dlio-endpoint.h"
#include "s3dlio-enum-types.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-profile-file-private.h"
#include "s3dlio-request.h"

/**
 * S3dlioEndpoint:
 *
 * Where S3 requests go, and how a bucket and key become a request.
 *
 * An endpoint is AWS (no URL: `https://s3.<region>.amazonaws.com`) or any
 * S3-compatible server given by its URL (`http://localhost:9000`). It knows
 * the region, the addressing style (bucket in the host name or in the path)
 * and an optional CA bundle for TLS.
 *
 * [method@S3dlio.Endpoint.new_request] turns a bucket and a key into an
 * [class@S3dlio.Request]. Keys are passed through unchanged: the request
 * encodes them.
 *
 * The URL and region are fixed at construction; the other properties should
 * not be changed while requests are being built from other threads.
 */

#define DEFAULT_REGION "us-east-1"

struct _S3dlioEndpoint
{
  GObject parent_instance;

  char *url;                        /* as given; NULL for AWS */
  char *region;
  S3dlioAddressingStyle addressing_style;
  char *ca_file;

  /* derived from url and region at construction */
  char *scheme;                     /* "http" or "https" */
  char *host;                       /* lowercase, IPv6 without brackets */
  int port;                         /* -1 for the scheme's default */
  gboolean is_aws;
};

G_DEFINE_FINAL_TYPE (S3dlioEndpoint, s3dlio_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_REGION,
  PROP_ADDRESSING_STYLE,
  PROP_CA_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Validation */

/* A copy of @url safe to show: whatever precedes an "@" (user, password)
 * is replaced with "…", and so is invalid UTF-8 (an environment variable
 * may hold any bytes; error messages are UTF-8). */
static char *
redact_url (const char *url)
{
  const char *at = strrchr (url, '@');
  const char *start = strstr (url, "://");
  g_autofree char *redacted = NULL;

  if (at == NULL)
    return g_utf8_make_valid (url, -1);

  start = (start != NULL && start < at) ? start + 3 : url;
  redacted = g_strdup_printf ("%.*s…%s", (int) (start - url), url, at);
  return g_utf8_make_valid (redacted, -1);
}

static gboolean
is_valid_host (const char *host)
{
  if (*host == '\0')
    return FALSE;

  if (strchr (host, ':') != NULL)
    return strspn (host, "0123456789abcdefABCDEF:.") == strlen (host);

  return strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == strlen (host) &&
         host[0] != '.' && host[0] != '-' && strstr (host, "..") == NULL;
}

/* Parses an endpoint URL: http or https, a host, an optional port, and
 * nothing else but a trailing "/". On failure, returns FALSE and the reason
 * in @reason. */
static gboolean
parse_url (const char  *url,
           char       **scheme,
           char       **host,
           int         *port,
           const char **reason)
{
  g_autoptr(GUri) uri = NULL;
  const char *path;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      *reason = _("not a URL such as https://s3.example.com or http://localhost:9000");
      return FALSE;
    }

  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    {
      *reason = _("the scheme must be http:// or https://");
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      *reason = _("credentials do not belong in the URL");
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || !is_valid_host (g_uri_get_host (uri)))
    {
      *reason = _("no valid host name");
      return FALSE;
    }
  if (g_uri_get_port (uri) == 0)
    {
      *reason = _("invalid port");
      return FALSE;
    }

  path = g_uri_get_path (uri);
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      (path[0] != '\0' && strcmp (path, "/") != 0))
    {
      *reason = _("an endpoint URL has no path, query or fragment");
      return FALSE;
    }

  *scheme = g_strdup (g_uri_get_scheme (uri));
  *host = g_ascii_strdown (g_uri_get_host (uri), -1);
  *port = g_uri_get_port (uri);
  return TRUE;
}

static gboolean
is_valid_region (const char *region)
{
  gsize len = strlen (region);

  return len > 0 && len <= 64 &&
         strspn (region, "abcdefghijklmnopqrstuvwxyz0123456789-") == len &&
         region[0] != '-' && region[len - 1] != '-';
}

static gboolean
is_aws_host (const char *host)
{
  return g_str_has_suffix (host, ".amazonaws.com") ||
         g_str_has_suffix (host, ".amazonaws.com.cn");
}

/* Bucket names usable as a host name label (or labels): the S3 rules for
 * DNS-compatible names. */
static gboolean
is_dns_compatible_bucket (const char *bucket,
                          gboolean    allow_dots)
{
  gsize len = strlen (bucket);

  if (len < 3 || len > 63)
    return FALSE;
  if (!g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[len - 1]))
    return FALSE;
  if (strspn (bucket, allow_dots ? "abcdefghijklmnopqrstuvwxyz0123456789-."
                                 : "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
    return FALSE;
  if (strstr (bucket, "..") || strstr (bucket, ".-") || strstr (bucket, "-."))
    return FALSE;
  if (g_hostname_is_ip_address (bucket))
    return FALSE;
  return TRUE;
}

/* Construction */

static void
s3dlio_endpoint_constructed (GObject *object)
{
  S3dlioEndpoint *self = S3DLIO_ENDPOINT (object);
  const char *reason = NULL;

  G_OBJECT_CLASS (s3dlio_endpoint_parent_class)->constructed (object);

  if (!is_valid_region (self->region))
    {
      g_critical ("S3dlioEndpoint: invalid region “%s”", self->region);
      g_free (self->region);
      self->region = g_strdup (DEFAULT_REGION);
    }

  if (self->url == NULL)
    {
      self->scheme = g_strdup ("https");
      self->host = g_strdup_printf ("s3.%s.%s", self->region,
                                    g_str_has_prefix (self->region, "cn-")
                                      ? "amazonaws.com.cn" : "amazonaws.com");
      self->port = -1;
      self->is_aws = TRUE;
    }
  else if (parse_url (self->url, &self->scheme, &self->host, &self->port, &reason))
    {
      self->is_aws = is_aws_host (self->host);
    }
  else
    {
      /* Left without a host: every request-building call refuses it. */
      g_autofree char *shown = redact_url (self->url);

      g_critical ("S3dlioEndpoint: invalid url “%s”: %s", shown, reason);
    }
}

static void
s3dlio_endpoint_finalize (GObject *object)
{
  S3dlioEndpoint *self = S3DLIO_ENDPOINT (object);

  g_free (self->url);
  g_free (self->region);
  g_free (self->ca_file);
  g_free (self->scheme);
  g_free (self->host);

  G_OBJECT_CLASS (s3dlio_endpoint_parent_class)->finalize (object);
}

static void
s3dlio_endpoint_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  S3dlioEndpoint *self = S3DLIO_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_ADDRESSING_STYLE:
      g_value_set_enum (value, self->addressing_style);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_endpoint_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  S3dlioEndpoint *self = S3DLIO_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_free (self->url);
      self->url = g_value_dup_string (value);
      break;
    case PROP_REGION:
      g_free (self->region);
      self->region = g_value_dup_string (value);
      if (self->region == NULL)
        self->region = g_strdup (DEFAULT_REGION);
      break;
    case PROP_ADDRESSING_STYLE:
      s3dlio_endpoint_set_addressing_style (self, g_value_get_enum (value));
      break;
    case PROP_CA_FILE:
      s3dlio_endpoint_set_ca_file (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_endpoint_class_init (S3dlioEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _s3dlio_i18n_init ();

  object_class->constructed = s3dlio_endpoint_constructed;
  object_class->finalize = s3dlio_endpoint_finalize;
  object_class->get_property = s3dlio_endpoint_get_property;
  object_class->set_property = s3dlio_endpoint_set_property;

  /**
   * S3dlioEndpoint:url: (getter get_url)
   *
   * The URL of the S3 server (`http://localhost:9000`), or %NULL for AWS.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioEndpoint:region: (getter get_region)
   *
   * The region requests are signed for, and for AWS the region in the host
   * name.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, DEFAULT_REGION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioEndpoint:addressing-style: (getter get_addressing_style) (setter set_addressing_style)
   *
   * Whether the bucket goes in the host name or in the path.
   */
  properties[PROP_ADDRESSING_STYLE] =
    g_param_spec_enum ("addressing-style", NULL, NULL,
                       S3DLIO_TYPE_ADDRESSING_STYLE, S3DLIO_ADDRESSING_STYLE_AUTO,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioEndpoint:ca-file: (getter get_ca_file) (setter set_ca_file)
   *
   * A PEM file of CA certificates to verify the server with instead of the
   * system's, or %NULL.
   */
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_endpoint_init (S3dlioEndpoint *self)
{
  self->region = g_strdup (DEFAULT_REGION);
  self->port = -1;
}

/**
 * s3dlio_endpoint_new:
 * @url: (nullable): the URL of an S3-compatible server, such as
 *   `http://localhost:9000`, or %NULL for AWS
 * @region: (nullable): the region, or %NULL for `us-east-1`
 * @error: return location for a #GError
 *
 * Creates an endpoint. @url must be `http` or `https` with a host and
 * optionally a port, and nothing else but a trailing `/`.
 *
 * Returns: (transfer full): a new endpoint, or %NULL with
 *   %S3DLIO_ERROR_INVALID_ARGUMENT if @url or @region is invalid
 */
S3dlioEndpoint *
s3dlio_endpoint_new (const char  *url,
                     const char  *region,
                     GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *reason = NULL;
  int port;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (url != NULL && !parse_url (url, &scheme, &host, &port, &reason))
    {
      g_autofree char *shown = redact_url (url);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   /* Translators: the URL, then the problem, such as "invalid port" */
                   _("Invalid endpoint URL “%s”: %s"), shown, reason);
      return NULL;
    }

  if (region != NULL && !is_valid_region (region))
    {
      g_autofree char *shown = g_utf8_make_valid (region, -1);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("Invalid region “%s”: expected lowercase letters, digits and "
                      "“-”, such as eu-west-1"), shown);
      return NULL;
    }

  return g_object_new (S3DLIO_TYPE_ENDPOINT,
                       "url", url,
                       "region", region,
                       NULL);
}

/* From the environment and the profile */

/* One setting found by the lookup: its value, and where it came from in
 * words, for messages. */
typedef struct {
  const char *value;
  char *origin;
} Setting;

static void
setting_clear (Setting *setting)
{
  g_clear_pointer (&setting->origin, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Setting, setting_clear)

static gboolean
from_variable (Setting    *setting,
               const char *variable)
{
  const char *value = _s3dlio_getenv (variable);

  if (value == NULL)
    return FALSE;

  setting->value = value;
  setting->origin = g_strdup (variable);
  return TRUE;
}

static gboolean
from_profile (Setting            *setting,
              S3dlioSharedConfig *config,
              const char         *profile,
              const char         *key)
{
  S3dlioSharedConfigOrigin origin;
  const char *value = _s3dlio_shared_config_get (config, profile, key, &origin);

  if (value == NULL)
    return FALSE;

  setting->value = value;
  /* Translators: a setting name, a profile name and a file's path */
  setting->origin = g_strdup_printf (_("%s in the config profile (%s) of %s"), key, profile,
                                     _s3dlio_shared_config_get_path (config, origin));
  return TRUE;
}

static gboolean
from_services (Setting            *setting,
               S3dlioSharedConfig *config,
               const char         *profile,
               const char         *key)
{
  const char *value = _s3dlio_shared_config_get_service (config, profile, "s3", key);

  if (value == NULL)
    return FALSE;

  setting->value = value;
  /* Translators: a setting name, a profile name and a file's path */
  setting->origin = g_strdup_printf (_("s3.%s in the services of the config profile (%s) of %s"),
                                     key, profile,
                                     _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CONFIG_FILE));
  return TRUE;
}

/* botocore's ensure_boolean(): only "true" is true. */
static gboolean
ignores_configured_endpoints (S3dlioSharedConfig *config,
                              const char         *profile)
{
  const char *value = _s3dlio_getenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

  if (value == NULL)
    value = _s3dlio_shared_config_get (config, profile, "ignore_configured_endpoint_urls", NULL);
  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

static gboolean
find_url (S3dlioSharedConfig  *config,
          const char          *profile,
          Setting             *url,
          GError             **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *shown = NULL;
  const char *reason = NULL;
  int port;

  if (ignores_configured_endpoints (config, profile))
    return TRUE;

  if (!from_variable (url, "AWS_ENDPOINT_URL_S3") &&
      !from_variable (url, "AWS_ENDPOINT_URL") &&
      !from_profile (url, config, profile, "s3.endpoint_url") &&
      !from_services (url, config, profile, "endpoint_url") &&
      !from_profile (url, config, profile, "endpoint_url"))
    return TRUE;

  if (parse_url (url->value, &scheme, &host, &port, &reason))
    return TRUE;

  shown = redact_url (url->value);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               /* Translators: where the setting comes from, the URL, then the problem */
               _("%s: invalid endpoint URL “%s”: %s"), url->origin, shown, reason);
  return FALSE;
}

static gboolean
find_region (S3dlioSharedConfig  *config,
             const char          *profile,
             Setting             *region,
             GError             **error)
{
  g_autofree char *shown = NULL;

  if (!from_variable (region, "AWS_REGION") &&
      !from_variable (region, "AWS_DEFAULT_REGION") &&
      !from_profile (region, config, profile, "region"))
    return TRUE;

  if (is_valid_region (region->value))
    return TRUE;

  shown = g_utf8_make_valid (region->value, -1);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               _("%s: invalid region “%s”: expected lowercase letters, digits and "
                  "“-”, such as eu-west-1"), region->origin, shown);
  return FALSE;
}

static gboolean
find_addressing_style (S3dlioSharedConfig     *config,
                       const char             *profile,
                       S3dlioAddressingStyle  *style,
                       GError                **error)
{
  g_auto(Setting) setting = { NULL, NULL };
  g_autoptr(GError) local_error = NULL;

  *style = S3DLIO_ADDRESSING_STYLE_AUTO;

  if (!from_variable (&setting, "S3DLIO_ADDRESSING_STYLE") &&
      !from_profile (&setting, config, profile, "s3.addressing_style"))
    return TRUE;

  if (s3dlio_addressing_style_parse (setting.value, style, &local_error))
    return TRUE;

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               "%s: %s", setting.origin, local_error->message);
  return FALSE;
}

static gboolean
find_ca_file (S3dlioSharedConfig  *config,
              const char          *profile,
              char               **ca_file,
              GError             **error)
{
  g_auto(Setting) setting = { NULL, NULL };
  g_autofree char *expanded = NULL;
  g_autofree char *path = NULL;

  if (!from_variable (&setting, "AWS_CA_BUNDLE") &&
      !from_profile (&setting, config, profile, "ca_bundle"))
    return TRUE;

  /* Absolute: GTlsFileDatabase ignores a relative one, with a warning. */
  expanded = _s3dlio_expand_home (setting.value);
  path = g_canonicalize_filename (expanded, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_access (path, R_OK) != 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("%s: the CA bundle “%s” is not a readable file"),
                   setting.origin, path);
      return FALSE;
    }

  *ca_file = g_steal_pointer (&path);
  return TRUE;
}

/* Logs which endpoint requests will go to, and where its URL and region
 * came from (origins are %NULL for the defaults). */
static void
log_endpoint (S3dlioEndpoint *self,
              const char     *url_origin,
              const char     *region_origin)
{
  g_autofree char *description = s3dlio_endpoint_to_string (self);

  g_debug ("%s (url from %s, region from %s)", description,
           url_origin ? url_origin : "the default",
           region_origin ? region_origin : "the default");
}

/* The endpoint the environment and the profile describe; @url_origin and
 * @region_origin say where those two came from (%NULL: the default). */
static S3dlioEndpoint *
resolve_from_environment (const char  *profile,
                          char       **url_origin,
                          char       **region_origin,
                          GError     **error)
{
  g_autoptr(S3dlioSharedConfig) config = NULL;
  g_autoptr(S3dlioEndpoint) self = NULL;
  g_auto(Setting) url = { NULL, NULL };
  g_auto(Setting) region = { NULL, NULL };
  g_autofree char *ca_file = NULL;
  S3dlioAddressingStyle style;
  gboolean named;

  profile = _s3dlio_shared_config_get_profile_name (profile, &named);

  config = _s3dlio_shared_config_load (error);
  if (config == NULL)
    return NULL;

  if (named && !_s3dlio_shared_config_has_profile (config, profile))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND,
                   _("The config profile (%s) could not be found in %s or %s"),
                   profile,
                   _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE),
                   _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CONFIG_FILE));
      return NULL;
    }

  if (!find_url (config, profile, &url, error) ||
      !find_region (config, profile, &region, error) ||
      !find_addressing_style (config, profile, &style, error) ||
      !find_ca_file (config, profile, &ca_file, error))
    return NULL;

  self = g_object_new (S3DLIO_TYPE_ENDPOINT,
                       "url", url.value,
                       "region", region.value,
                       "addressing-style", style,
                       "ca-file", ca_file,
                       NULL);

  *url_origin = g_steal_pointer (&url.origin);
  *region_origin = g_steal_pointer (&region.origin);

  return g_steal_pointer (&self);
}

/**
 * s3dlio_endpoint_new_from_environment:
 * @profile: (nullable): the profile to read, or %NULL for the one named by
 *   `AWS_PROFILE` or `AWS_DEFAULT_PROFILE`, else `default`
 * @error: return location for a #GError
 *
 * Creates an endpoint configured the way the AWS CLI (botocore) configures
 * S3, from environment variables and the profile in the shared credentials
 * and config files (see [ctor@S3dlio.Credentials.new_from_environment]):
 *
 * - URL: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's nested
 *   `s3 = endpoint_url = …`, the `s3 = endpoint_url = …` of the
 *   `[services NAME]` section the profile names with `services = NAME`, the
 *   profile's `endpoint_url`; none of them when
 *   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
 *   `ignore_configured_endpoint_urls`) is `true`; else AWS;
 * - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else
 *   `us-east-1`;
 * - addressing style: `S3DLIO_ADDRESSING_STYLE` (`auto`, `path` or
 *   `virtual`), the profile's nested `s3 = addressing_style = …`, else
 *   automatic;
 * - CA bundle: `AWS_CA_BUNDLE`, the profile's `ca_bundle`, else none.
 *
 * Invalid values are %S3DLIO_ERROR_INVALID_CONFIG errors naming the
 * variable or the profile setting. A named profile that does not exist is
 * %S3DLIO_ERROR_PROFILE_NOT_FOUND.
 *
 * Returns: (transfer full): a new endpoint, or %NULL on error
 */
S3dlioEndpoint *
s3dlio_endpoint_new_from_environment (const char  *profile,
                                      GError     **error)
{
  g_autoptr(S3dlioEndpoint) self = NULL;
  g_autofree char *url_origin = NULL;
  g_autofree char *region_origin = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = resolve_from_environment (profile, &url_origin, &region_origin, error);
  if (self != NULL)
    log_endpoint (self, url_origin, region_origin);

  return g_steal_pointer (&self);
}

/**
 * s3dlio_endpoint_new_with_overrides:
 * @profile: (nullable): a profile name, or %NULL for `AWS_PROFILE` or
 *   `default`
 * @url: (nullable): an endpoint URL that replaces the configured one
 * @region: (nullable): a region that replaces the configured one
 * @addressing_style: an addressing style, or %S3DLIO_ADDRESSING_STYLE_AUTO
 *   to keep the configured one
 * @ca_file: (nullable) (type filename): a CA bundle that replaces the
 *   configured one: a readable file, a relative path being taken from the
 *   current directory
 * @error: return location for a #GError
 *
 * Resolves the endpoint like [ctor@S3dlio.Endpoint.new_from_environment],
 * then applies the values a user gave explicitly (command-line options, a
 * connection dialog): they win over the environment and the profile, as
 * `--endpoint-url` and `--region` do in the AWS CLI.
 *
 * Returns: (transfer full): a new endpoint, or %NULL on error
 */
S3dlioEndpoint *
s3dlio_endpoint_new_with_overrides (const char             *profile,
                                    const char             *url,
                                    const char             *region,
                                    S3dlioAddressingStyle   addressing_style,
                                    const char             *ca_file,
                                    GError                **error)
{
  g_autoptr(S3dlioEndpoint) configured = NULL;
  g_autoptr(S3dlioEndpoint) self = NULL;
  g_autofree char *url_origin = NULL;
  g_autofree char *region_origin = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  configured = resolve_from_environment (profile, &url_origin, &region_origin, error);
  if (configured == NULL)
    return NULL;

  if (url == NULL && region == NULL)
    self = g_steal_pointer (&configured);
  else
    {
      self = s3dlio_endpoint_new (url ? url : configured->url,
                                  region ? region : configured->region,
                                  error);
      if (self == NULL)
        return NULL;
      s3dlio_endpoint_set_addressing_style (self, configured->addressing_style);
      s3dlio_endpoint_set_ca_file (self, configured->ca_file);
    }

  if (addressing_style != S3DLIO_ADDRESSING_STYLE_AUTO)
    s3dlio_endpoint_set_addressing_style (self, addressing_style);
  if (ca_file != NULL)
    {
      g_autofree char *path = g_canonicalize_filename (ca_file, NULL);

      /* Told now, as for AWS_CA_BUNDLE, rather than at the first request. */
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_access (path, R_OK) != 0)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("The CA bundle “%s” is not a readable file"), ca_file);
          return NULL;
        }
      s3dlio_endpoint_set_ca_file (self, path);
    }

  log_endpoint (self,
                url ? "the caller" : url_origin,
                region ? "the caller" : region_origin);

  return g_steal_pointer (&self);
}

/* Accessors */

/**
 * s3dlio_endpoint_get_url: (get-property url)
 * @self: an endpoint
 *
 * Gets the endpoint URL.
 *
 * Returns: (nullable): the URL the endpoint was created with, or %NULL for
 *   AWS
 */
const char *
s3dlio_endpoint_get_url (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);

  return self->url;
}

/**
 * s3dlio_endpoint_get_region: (get-property region)
 * @self: an endpoint
 *
 * Gets the region requests are signed for.
 *
 * Returns: the region
 */
const char *
s3dlio_endpoint_get_region (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);

  return self->region;
}

/**
 * s3dlio_endpoint_get_addressing_style: (get-property addressing-style)
 * @self: an endpoint
 *
 * Gets how bucket names are placed in request URLs.
 *
 * Returns: the addressing style
 */
S3dlioAddressingStyle
s3dlio_endpoint_get_addressing_style (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), S3DLIO_ADDRESSING_STYLE_AUTO);

  return self->addressing_style;
}

/**
 * s3dlio_endpoint_set_addressing_style: (set-property addressing-style)
 * @self: an endpoint
 * @style: the addressing style
 *
 * Sets how requests address buckets.
 */
void
s3dlio_endpoint_set_addressing_style (S3dlioEndpoint        *self,
                                      S3dlioAddressingStyle  style)
{
  g_return_if_fail (S3DLIO_IS_ENDPOINT (self));
  g_return_if_fail (style <= S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);

  if (self->addressing_style == style)
    return;

  self->addressing_style = style;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESSING_STYLE]);
}

/**
 * s3dlio_endpoint_get_ca_file: (get-property ca-file)
 * @self: an endpoint
 *
 * Gets the CA bundle server certificates are checked against.
 *
 * Returns: (nullable) (type filename): the CA bundle, or %NULL for the
 *   system's certificates
 */
const char *
s3dlio_endpoint_get_ca_file (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);

  return self->ca_file;
}

/**
 * s3dlio_endpoint_set_ca_file: (set-property ca-file)
 * @self: an endpoint
 * @ca_file: (nullable) (type filename): a PEM file of CA certificates, or
 *   %NULL for the system's
 *
 * Sets the CA certificates the server is verified with. The file is read
 * when connections are made.
 */
void
s3dlio_endpoint_set_ca_file (S3dlioEndpoint *self,
                             const char     *ca_file)
{
  g_return_if_fail (S3DLIO_IS_ENDPOINT (self));

  if (g_strcmp0 (self->ca_file, ca_file) == 0)
    return;

  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
}

/**
 * s3dlio_endpoint_is_aws:
 * @self: an endpoint
 *
 * Tells whether the endpoint is Amazon S3 itself.
 *
 * Returns: whether the endpoint is AWS: no URL, or a host name under
 *   `amazonaws.com`
 */
gboolean
s3dlio_endpoint_is_aws (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), FALSE);

  return self->is_aws;
}

/* Request building */

/**
 * s3dlio_endpoint_get_scheme:
 * @self: an endpoint
 *
 * Gets the URL scheme requests are sent with.
 *
 * Returns: `https` or `http`
 */
const char *
s3dlio_endpoint_get_scheme (S3dlioEndpoint *self)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (self->host != NULL, NULL);

  return self->scheme;
}

/**
 * s3dlio_endpoint_uses_virtual_hosting:
 * @self: an endpoint
 * @bucket: (nullable): a bucket name, or %NULL
 *
 * Tells whether requests for @bucket put it in the host name.
 *
 * With %S3DLIO_ADDRESSING_STYLE_AUTO that is the case for AWS when the
 * bucket name is a valid host name label without dots (a dot would not
 * match the wildcard TLS certificate), and never for other endpoints. With
 * %S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED it is the case for every bucket
 * name that is a valid host name, unless the endpoint is an IP address.
 *
 * Returns: %TRUE for virtual-hosted style, %FALSE for path style
 */
gboolean
s3dlio_endpoint_uses_virtual_hosting (S3dlioEndpoint *self,
                                      const char     *bucket)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), FALSE);
  g_return_val_if_fail (self->host != NULL, FALSE);

  if (bucket == NULL)
    return FALSE;

  switch (self->addressing_style)
    {
    case S3DLIO_ADDRESSING_STYLE_AUTO:
      return self->is_aws && is_dns_compatible_bucket (bucket, FALSE);
    case S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED:
      return is_dns_compatible_bucket (bucket, TRUE) &&
             !g_hostname_is_ip_address (self->host);
    case S3DLIO_ADDRESSING_STYLE_PATH:
    default:
      return FALSE;
    }
}

static int
default_port (const char *scheme)
{
  return strcmp (scheme, "https") == 0 ? 443 : 80;
}

/**
 * s3dlio_endpoint_get_host:
 * @self: an endpoint
 * @bucket: (nullable): a bucket name, or %NULL
 *
 * Gives the value of the `Host` header of requests for @bucket: the
 * endpoint's host, preceded by the bucket with virtual-hosted style,
 * followed by the port when it is not the scheme's default.
 *
 * Returns: (transfer full): the host, such as `bucket.s3.eu-west-1.amazonaws.com`
 *   or `localhost:9000`
 */
char *
s3dlio_endpoint_get_host (S3dlioEndpoint *self,
                          const char     *bucket)
{
  GString *host;

  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (self->host != NULL, NULL);

  host = g_string_new (NULL);
  if (s3dlio_endpoint_uses_virtual_hosting (self, bucket))
    g_string_append_printf (host, "%s.", bucket);

  if (strchr (self->host, ':') != NULL)
    g_string_append_printf (host, "[%s]", self->host);
  else
    g_string_append (host, self->host);

  if (self->port > 0 && self->port != default_port (self->scheme))
    g_string_append_printf (host, ":%d", self->port);

  return g_string_free (host, FALSE);
}

/**
 * s3dlio_endpoint_get_path:
 * @self: an endpoint
 * @bucket: (nullable): a bucket name, or %NULL for requests on the service
 *   (listing buckets)
 * @key: (nullable): an object key, or %NULL (or empty) for requests on the
 *   bucket; must be %NULL when @bucket is
 *
 * Gives the path of requests for @bucket and @key, unencoded: `/bucket/key`
 * with path style, `/key` with virtual-hosted style, `/bucket` or `/` for
 * the bucket itself, `/` with no bucket. The key is used as it is: it is
 * not normalised (`//`, `..` stay), and the request encodes it.
 *
 * Returns: (transfer full): the path
 */
char *
s3dlio_endpoint_get_path (S3dlioEndpoint *self,
                          const char     *bucket,
                          const char     *key)
{
  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (self->host != NULL, NULL);
  g_return_val_if_fail (bucket != NULL || key == NULL, NULL);

  if (key != NULL && *key == '\0')
    key = NULL;

  if (bucket == NULL)
    return g_strdup ("/");

  if (s3dlio_endpoint_uses_virtual_hosting (self, bucket))
    return g_strconcat ("/", key, NULL);

  if (key == NULL)
    return g_strconcat ("/", bucket, NULL);

  return g_strconcat ("/", bucket, "/", key, NULL);
}

/**
 * s3dlio_endpoint_new_request:
 * @self: an endpoint
 * @method: the HTTP method, such as `GET`
 * @bucket: (nullable): a bucket name, or %NULL
 * @key: (nullable): an object key, or %NULL; must be %NULL when @bucket is
 *
 * Creates an unsigned request for @bucket and @key, with the scheme, host
 * and path of [method@S3dlio.Endpoint.get_scheme],
 * [method@S3dlio.Endpoint.get_host] and [method@S3dlio.Endpoint.get_path].
 *
 * Returns: (transfer full): a new request
 */
S3dlioRequest *
s3dlio_endpoint_new_request (S3dlioEndpoint *self,
                             const char     *method,
                             const char     *bucket,
                             const char     *key)
{
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  S3dlioRequest *request;

  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (self->host != NULL, NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (bucket != NULL || key == NULL, NULL);

  host = s3dlio_endpoint_get_host (self, bucket);
  path = s3dlio_endpoint_get_path (self, bucket, key);

  request = s3dlio_request_new (method, host, path);
  s3dlio_request_set_scheme (request, self->scheme);
  return request;
}

/**
 * s3dlio_endpoint_to_string:
 * @self: an endpoint
 *
 * Describes the endpoint for debugging, e.g.
 * `S3dlioEndpoint(url=https://s3.eu-west-1.amazonaws.com (AWS), region=eu-west-1, addressing-style=auto, ca-file=none)`.
 *
 * Returns: (transfer full): a description
 */
char *
s3dlio_endpoint_to_string (S3dlioEndpoint *self)
{
  g_autoptr(GEnumClass) styles = NULL;
  GEnumValue *style;
  g_autofree char *url = NULL;

  g_return_val_if_fail (S3DLIO_IS_ENDPOINT (self), NULL);

  styles = g_type_class_ref (S3DLIO_TYPE_ADDRESSING_STYLE);
  style = g_enum_get_value (styles, self->addressing_style);

  if (self->host == NULL)
    url = g_strdup ("(invalid)");
  else if (self->url == NULL)
    url = g_strdup_printf ("https://%s (AWS)", self->host);
  else
    url = g_strdup (self->url);

  return g_strdup_printf ("S3dlioEndpoint(url=%s, region=%s, addressing-style=%s, ca-file=%s)",
                          url, self->region, style ? style->value_nick : "?",
                          self->ca_file ? self->ca_file : "none");
}

/**
 * s3dlio_addressing_style_parse:
 * @string: `auto`, `path`, `virtual` or `virtual-hosted`
 * @style: (out): return location for the style
 * @error: return location for a #GError
 *
 * Parses an addressing style as written in the AWS config file
 * (`addressing_style`) or on a command line.
 *
 * Returns: %TRUE on success, %FALSE with %S3DLIO_ERROR_INVALID_ARGUMENT
 *   for other strings
 */
gboolean
s3dlio_addressing_style_parse (const char             *string,
                               S3dlioAddressingStyle  *style,
                               GError                **error)
{
  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strcmp (string, "auto") == 0)
    *style = S3DLIO_ADDRESSING_STYLE_AUTO;
  else if (strcmp (string, "path") == 0)
    *style = S3DLIO_ADDRESSING_STYLE_PATH;
  else if (strcmp (string, "virtual") == 0 || strcmp (string, "virtual-hosted") == 0)
    *style = S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED;
  else
    {
      g_autofree char *shown = g_utf8_make_valid (string, -1);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("Invalid addressing style “%s”: expected auto, path or virtual"),
                   shown);
      return FALSE;
    }

  return TRUE;
}
