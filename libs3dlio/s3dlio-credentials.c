/* s3dlio-credentials.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-credentials.h"
#include "s3dlio-credentials-private.h"
#include "s3dlio-error.h"
#include "s3dlio-profile-file-private.h"

/**
 * S3dlioCredentials:
 *
 * The AWS credentials requests are signed with: an access key id, a secret
 * access key and, for temporary credentials, a session token; or nothing,
 * for anonymous access to public buckets.
 *
 * [ctor@S3dlio.Credentials.new_from_environment] finds them the way the AWS
 * CLI does. The secret access key and the session token can be set but
 * never read back: they are write-only properties, and they appear in no
 * error message, log or [method@S3dlio.Credentials.to_string] output.
 *
 * Credentials are immutable, and may be shared between threads.
 */

struct _S3dlioCredentials
{
  GObject parent_instance;

  char *access_key_id;
  char *secret_access_key;
  char *session_token;
  const char *source;       /* static string, NULL before construction ends */
};

G_DEFINE_FINAL_TYPE (S3dlioCredentials, s3dlio_credentials, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCESS_KEY_ID,
  PROP_SECRET_ACCESS_KEY,
  PROP_SESSION_TOKEN,
  PROP_ANONYMOUS,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define SOURCE_EXPLICIT         "explicit"
#define SOURCE_ENVIRONMENT      "environment"
#define SOURCE_CREDENTIALS_FILE "shared-credentials-file"
#define SOURCE_CONFIG_FILE      "config-file"
#define SOURCE_ANONYMOUS        "anonymous"

/* Secrets are overwritten before their memory is given back. */
static void
wipe_and_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

/* Empty strings count as unset, as the AWS CLI treats empty variables. */
static char *
dup_nonempty (const char *s)
{
  return (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
}

static void
s3dlio_credentials_constructed (GObject *object)
{
  S3dlioCredentials *self = S3DLIO_CREDENTIALS (object);

  G_OBJECT_CLASS (s3dlio_credentials_parent_class)->constructed (object);

  if (self->access_key_id == NULL)
    {
      g_clear_pointer (&self->secret_access_key, wipe_and_free);
      g_clear_pointer (&self->session_token, wipe_and_free);
      self->source = SOURCE_ANONYMOUS;
    }
  else
    {
      if (self->secret_access_key == NULL)
        g_critical ("S3dlioCredentials: an access-key-id without a secret-access-key");
      self->source = SOURCE_EXPLICIT;
    }
}

static void
s3dlio_credentials_finalize (GObject *object)
{
  S3dlioCredentials *self = S3DLIO_CREDENTIALS (object);

  g_free (self->access_key_id);
  wipe_and_free (self->secret_access_key);
  wipe_and_free (self->session_token);

  G_OBJECT_CLASS (s3dlio_credentials_parent_class)->finalize (object);
}

static void
s3dlio_credentials_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  S3dlioCredentials *self = S3DLIO_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_ACCESS_KEY_ID:
      g_value_set_string (value, self->access_key_id);
      break;
    case PROP_ANONYMOUS:
      g_value_set_boolean (value, s3dlio_credentials_is_anonymous (self));
      break;
    case PROP_SOURCE:
      g_value_set_string (value, s3dlio_credentials_get_source (self));
      break;
    default:
      /* secret-access-key and session-token are write-only: GObject
       * refuses to read them before this is ever reached. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_credentials_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  S3dlioCredentials *self = S3DLIO_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_ACCESS_KEY_ID:
      g_free (self->access_key_id);
      self->access_key_id = dup_nonempty (g_value_get_string (value));
      break;
    case PROP_SECRET_ACCESS_KEY:
      wipe_and_free (self->secret_access_key);
      self->secret_access_key = dup_nonempty (g_value_get_string (value));
      break;
    case PROP_SESSION_TOKEN:
      wipe_and_free (self->session_token);
      self->session_token = dup_nonempty (g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_credentials_class_init (S3dlioCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = s3dlio_credentials_constructed;
  object_class->finalize = s3dlio_credentials_finalize;
  object_class->get_property = s3dlio_credentials_get_property;
  object_class->set_property = s3dlio_credentials_set_property;

  /**
   * S3dlioCredentials:access-key-id: (getter get_access_key_id)
   *
   * The access key id, or %NULL for anonymous credentials.
   */
  properties[PROP_ACCESS_KEY_ID] =
    g_param_spec_string ("access-key-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioCredentials:secret-access-key:
   *
   * The secret access key. Write-only: it cannot be read back.
   */
  properties[PROP_SECRET_ACCESS_KEY] =
    g_param_spec_string ("secret-access-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioCredentials:session-token:
   *
   * The session token of temporary credentials, or %NULL. Write-only: it
   * cannot be read back; see [method@S3dlio.Credentials.has_session_token].
   */
  properties[PROP_SESSION_TOKEN] =
    g_param_spec_string ("session-token", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioCredentials:anonymous: (getter is_anonymous)
   *
   * Whether these are anonymous credentials: requests are not signed.
   */
  properties[PROP_ANONYMOUS] =
    g_param_spec_boolean ("anonymous", NULL, NULL, FALSE,
                          G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioCredentials:source: (getter get_source)
   *
   * Where the credentials come from: `explicit`, `environment`,
   * `shared-credentials-file`, `config-file` or `anonymous`.
   */
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READABLE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_credentials_init (S3dlioCredentials *self)
{
}

static S3dlioCredentials *
credentials_new_with_source (const char *access_key_id,
                             const char *secret_access_key,
                             const char *session_token,
                             const char *source)
{
  S3dlioCredentials *self;

  self = g_object_new (S3DLIO_TYPE_CREDENTIALS,
                       "access-key-id", access_key_id,
                       "secret-access-key", secret_access_key,
                       "session-token", session_token,
                       NULL);
  self->source = source;
  return self;
}

/**
 * s3dlio_credentials_new:
 * @access_key_id: the access key id
 * @secret_access_key: the secret access key
 * @session_token: (nullable): the session token of temporary credentials
 *
 * Creates credentials from explicit values.
 *
 * Returns: (transfer full): new credentials
 */
S3dlioCredentials *
s3dlio_credentials_new (const char *access_key_id,
                        const char *secret_access_key,
                        const char *session_token)
{
  g_return_val_if_fail (access_key_id != NULL && *access_key_id != '\0', NULL);
  g_return_val_if_fail (secret_access_key != NULL && *secret_access_key != '\0', NULL);

  return credentials_new_with_source (access_key_id, secret_access_key,
                                      session_token, SOURCE_EXPLICIT);
}

/**
 * s3dlio_credentials_new_anonymous:
 *
 * Creates anonymous credentials: requests are sent unsigned, which is
 * enough to read public buckets (the AWS CLI's `--no-sign-request`).
 *
 * Returns: (transfer full): new anonymous credentials
 */
S3dlioCredentials *
s3dlio_credentials_new_anonymous (void)
{
  return g_object_new (S3DLIO_TYPE_CREDENTIALS, NULL);
}

static void
log_chosen (S3dlioCredentials *self,
            const char        *where)
{
  g_autofree char *masked = _s3dlio_credentials_mask_access_key_id (self->access_key_id);

  g_debug ("Using credentials from %s: access key id %s%s", where, masked,
           self->session_token != NULL ? ", with a session token" : "");
}

/* The environment provider. Returns FALSE on error; *out stays NULL when
 * no credentials are set. */
static gboolean
try_environment (S3dlioCredentials **out,
                 GError            **error)
{
  const char *access_key_id = _s3dlio_getenv ("AWS_ACCESS_KEY_ID");
  const char *secret_access_key = _s3dlio_getenv ("AWS_SECRET_ACCESS_KEY");
  const char *session_token = _s3dlio_getenv ("AWS_SESSION_TOKEN");

  if (access_key_id == NULL && secret_access_key == NULL)
    return TRUE;

  if (access_key_id == NULL || secret_access_key == NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("%s is set but %s is not: set both, or neither"),
                   access_key_id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                   access_key_id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
      return FALSE;
    }

  if (session_token == NULL)
    session_token = _s3dlio_getenv ("AWS_SECURITY_TOKEN");

  *out = credentials_new_with_source (access_key_id, secret_access_key,
                                      session_token, SOURCE_ENVIRONMENT);
  log_chosen (*out, "the environment (AWS_ACCESS_KEY_ID)");
  return TRUE;
}

/* The static keys of @profile in one of the two files. */
static gboolean
try_profile_file (S3dlioSharedConfig        *config,
                  S3dlioSharedConfigOrigin   origin,
                  const char                *profile,
                  S3dlioCredentials        **out,
                  GError                   **error)
{
  const char *path = _s3dlio_shared_config_get_path (config, origin);
  const char *access_key_id, *secret_access_key, *session_token;
  g_autofree char *where = NULL;

  access_key_id = _s3dlio_shared_config_get_in (config, origin, profile, "aws_access_key_id");
  secret_access_key = _s3dlio_shared_config_get_in (config, origin, profile, "aws_secret_access_key");

  if (access_key_id == NULL && secret_access_key == NULL)
    return TRUE;

  if (access_key_id == NULL || secret_access_key == NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("The config profile (%s) in %s sets %s but not %s"),
                   profile, path,
                   access_key_id ? "aws_access_key_id" : "aws_secret_access_key",
                   access_key_id ? "aws_secret_access_key" : "aws_access_key_id");
      return FALSE;
    }

  session_token = _s3dlio_shared_config_get_in (config, origin, profile, "aws_session_token");
  if (session_token == NULL)
    session_token = _s3dlio_shared_config_get_in (config, origin, profile, "aws_security_token");

  *out = credentials_new_with_source (access_key_id, secret_access_key, session_token,
                                      origin == S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE
                                        ? SOURCE_CREDENTIALS_FILE : SOURCE_CONFIG_FILE);
  where = g_strdup_printf ("the config profile (%s) in %s", profile, path);
  log_chosen (*out, where);
  return TRUE;
}

/* Profile settings for credential providers botocore has and we do not. */
static const char *const unsupported_profile_settings[] = {
  "role_arn",
  "credential_source",
  "credential_process",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "sso_role_name",
  "sso_region",
};

static gboolean
check_unsupported_profile (S3dlioSharedConfig  *config,
                           const char          *profile,
                           GError             **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (unsupported_profile_settings); i++)
    {
      S3dlioSharedConfigOrigin origin;

      if (_s3dlio_shared_config_get (config, profile, unsupported_profile_settings[i], &origin) == NULL)
        continue;

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED,
                   _("The config profile (%s) in %s gets its credentials through “%s”, "
                      "which s3dlio does not support. Give the profile static keys "
                      "(aws_access_key_id and aws_secret_access_key), or export "
                      "temporary credentials into the environment, for instance with "
                      "“eval \"$(aws configure export-credentials --profile %s --format env)\"”"),
                   profile, _s3dlio_shared_config_get_path (config, origin),
                   unsupported_profile_settings[i], profile);
      return FALSE;
    }

  return TRUE;
}

/* Variables for credential providers botocore has and we do not; only
 * worth an error when nothing else gave credentials. */
static const char *const unsupported_variables[] = {
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
};

static gboolean
check_unsupported_variables (GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (unsupported_variables); i++)
    {
      if (_s3dlio_getenv (unsupported_variables[i]) == NULL)
        continue;

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED,
                   _("No AWS credentials found, and %s is set: s3dlio does not support "
                      "that credential provider. Export temporary credentials into the "
                      "environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
                      "AWS_SESSION_TOKEN) instead"),
                   unsupported_variables[i]);
      return FALSE;
    }

  return TRUE;
}

static void
set_no_credentials_error (S3dlioSharedConfig  *config,
                          const char          *profile,
                          gboolean             looked_in_environment,
                          GError             **error)
{
  const char *credentials_file =
    _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE);
  const char *config_file =
    _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CONFIG_FILE);

  if (looked_in_environment)
    g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS,
                 /* Translators: the first %s is a profile name, the other two
                  * are the paths of the credentials and config files */
                 _("No AWS credentials found. Looked in the environment (AWS_ACCESS_KEY_ID, "
                   "AWS_SECRET_ACCESS_KEY), the config profile (%s) of %s and of %s. "
                   "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id "
                   "and aws_secret_access_key to the profile. Public buckets can be read "
                   "with anonymous access (--no-sign-request)"),
                 profile, credentials_file, config_file);
  else
    g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS,
                 /* Translators: the first %s is a profile name, the other two
                  * are the paths of the credentials and config files */
                 _("No AWS credentials found. Looked in the config profile (%s) of %s and of %s. "
                   "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id "
                   "and aws_secret_access_key to the profile. Public buckets can be read "
                   "with anonymous access (--no-sign-request)"),
                 profile, credentials_file, config_file);
}

/* The profile part of the chain: the shared credentials file, then the
 * config file. */
static S3dlioCredentials *
credentials_from_profile (const char  *explicit_profile,
                          gboolean     looked_in_environment,
                          GError     **error)
{
  g_autoptr(S3dlioSharedConfig) config = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  const S3dlioSharedConfigOrigin order[] = {
    S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE,
    S3DLIO_SHARED_CONFIG_CONFIG_FILE,
  };
  gboolean named;
  const char *profile = _s3dlio_shared_config_get_profile_name (explicit_profile, &named);

  config = _s3dlio_shared_config_load (error);
  if (config == NULL)
    return NULL;

  if (!_s3dlio_shared_config_has_profile (config, profile))
    {
      /* Only the implicit default profile may be missing. */
      if (named)
        g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND,
                     _("The config profile (%s) could not be found in %s or %s"),
                     profile,
                     _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE),
                     _s3dlio_shared_config_get_path (config, S3DLIO_SHARED_CONFIG_CONFIG_FILE));
      else if (check_unsupported_variables (error))
        set_no_credentials_error (config, profile, looked_in_environment, error);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (!try_profile_file (config, order[i], profile, &credentials, error))
        return NULL;
      if (credentials != NULL)
        return g_steal_pointer (&credentials);
    }

  if (check_unsupported_profile (config, profile, error) &&
      check_unsupported_variables (error))
    set_no_credentials_error (config, profile, looked_in_environment, error);
  return NULL;
}

/**
 * s3dlio_credentials_new_from_environment:
 * @profile: (nullable): the profile to use, or %NULL
 * @error: return location for a #GError
 *
 * Finds credentials the way the AWS CLI (botocore) does.
 *
 * When @profile is %NULL:
 *
 * 1. the `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` environment
 *    variables, with `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`);
 * 2. the static keys of the profile named by `AWS_PROFILE` (or
 *    `AWS_DEFAULT_PROFILE`, else `default`) in the shared credentials file
 *    (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`);
 * 3. the same profile in the config file (`AWS_CONFIG_FILE`, else
 *    `~/.aws/config`), where it is `[profile NAME]` (or `[default]`).
 *
 * When @profile is given, as with the AWS CLI's `--profile`, the
 * environment variables are skipped: only steps 2 and 3 are tried, with
 * @profile. This is the same as [ctor@S3dlio.Credentials.new_from_profile].
 *
 * A profile that is named (by @profile, `AWS_PROFILE` or
 * `AWS_DEFAULT_PROFILE`) must exist, else the error is
 * %S3DLIO_ERROR_PROFILE_NOT_FOUND. Profiles that get their credentials
 * from roles, SSO, processes or web identity tokens are not supported
 * (%S3DLIO_ERROR_NOT_SUPPORTED). Only one of the two keys in the
 * environment or a profile is %S3DLIO_ERROR_INVALID_CONFIG, and no
 * credentials at all is %S3DLIO_ERROR_NO_CREDENTIALS: anonymous access
 * ([ctor@S3dlio.Credentials.new_anonymous]) must be asked for explicitly.
 *
 * Returns: (transfer full): the credentials, or %NULL on error
 */
S3dlioCredentials *
s3dlio_credentials_new_from_environment (const char  *profile,
                                         GError     **error)
{
  g_autoptr(S3dlioCredentials) credentials = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (profile == NULL)
    {
      if (!try_environment (&credentials, error))
        return NULL;
      if (credentials != NULL)
        return g_steal_pointer (&credentials);
    }

  return credentials_from_profile (profile, profile == NULL, error);
}

/**
 * s3dlio_credentials_new_from_profile:
 * @profile: (nullable): the profile to use, or %NULL for the one named by
 *   `AWS_PROFILE` or `AWS_DEFAULT_PROFILE`, else `default`
 * @error: return location for a #GError
 *
 * Reads the static keys of a profile in the shared credentials file, then
 * in the config file, ignoring the `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY` variables. See
 * [ctor@S3dlio.Credentials.new_from_environment] for the files and errors.
 *
 * Returns: (transfer full): the credentials, or %NULL on error
 */
S3dlioCredentials *
s3dlio_credentials_new_from_profile (const char  *profile,
                                     GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return credentials_from_profile (profile, FALSE, error);
}

/**
 * s3dlio_credentials_get_access_key_id: (get-property access-key-id)
 * @self: credentials
 *
 * Gets the access key id, the part of the credentials that may be shown.
 *
 * Returns: (nullable): the access key id, or %NULL for anonymous credentials
 */
const char *
s3dlio_credentials_get_access_key_id (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), NULL);

  return self->access_key_id;
}

/**
 * s3dlio_credentials_has_session_token:
 * @self: credentials
 *
 * Tells whether the credentials carry a session token.
 *
 * Returns: whether these are temporary credentials, with a session token
 */
gboolean
s3dlio_credentials_has_session_token (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), FALSE);

  return self->session_token != NULL;
}

/**
 * s3dlio_credentials_is_anonymous: (get-property anonymous)
 * @self: credentials
 *
 * Tells whether these are anonymous credentials.
 *
 * Returns: whether requests are to be sent unsigned
 */
gboolean
s3dlio_credentials_is_anonymous (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), FALSE);

  return self->access_key_id == NULL;
}

/**
 * s3dlio_credentials_get_source: (get-property source)
 * @self: credentials
 *
 * Tells where the credentials were found.
 *
 * Returns: where the credentials come from: `explicit`, `environment`,
 *   `shared-credentials-file`, `config-file` or `anonymous`
 */
const char *
s3dlio_credentials_get_source (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), NULL);

  if (self->access_key_id == NULL)
    return SOURCE_ANONYMOUS;
  return self->source != NULL ? self->source : SOURCE_EXPLICIT;
}

/**
 * s3dlio_credentials_to_string:
 * @self: credentials
 *
 * Describes the credentials for debugging, with the access key id masked
 * and without the secret parts, e.g.
 * `S3dlioCredentials(source=environment, access-key-id=AKID…MPLE, session-token=yes)`.
 *
 * Returns: (transfer full): a description
 */
char *
s3dlio_credentials_to_string (S3dlioCredentials *self)
{
  g_autofree char *masked = NULL;

  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), NULL);

  if (self->access_key_id == NULL)
    return g_strdup ("S3dlioCredentials(source=anonymous)");

  masked = _s3dlio_credentials_mask_access_key_id (self->access_key_id);
  return g_strdup_printf ("S3dlioCredentials(source=%s, access-key-id=%s, session-token=%s)",
                          s3dlio_credentials_get_source (self), masked,
                          self->session_token != NULL ? "yes" : "no");
}

const char *
_s3dlio_credentials_get_secret_access_key (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), NULL);

  return self->secret_access_key;
}

const char *
_s3dlio_credentials_get_session_token (S3dlioCredentials *self)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (self), NULL);

  return self->session_token;
}

char *
_s3dlio_credentials_mask_access_key_id (const char *access_key_id)
{
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  glong len;

  if (access_key_id == NULL || !g_utf8_validate (access_key_id, -1, NULL))
    return g_strdup ("…");

  /* Real key ids have 20 characters; below 12, showing eight would show
   * most of it. */
  len = g_utf8_strlen (access_key_id, -1);
  if (len < 12)
    return g_strdup ("…");

  head = g_utf8_substring (access_key_id, 0, 4);
  tail = g_utf8_substring (access_key_id, len - 4, len);
  return g_strconcat (head, "…", tail, NULL);
}
