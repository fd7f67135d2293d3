/* s3dlio-uri.c: s3:// and file:// locations
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-enum-types.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-uri.h"

/**
 * S3dlioUri:
 *
 * A parsed `s3://bucket/key` or `file:///path` location.
 *
 * Object keys are taken exactly as written: they may hold any UTF-8,
 * spaces, `+`, `%`, `?`, `#`, `//`, `./` and `../`, none of which is
 * decoded or normalised, so a key always round-trips unchanged through
 * [method@S3dlio.Uri.to_string]. `file://` paths are literal in the same way
 * (no percent-decoding), so `file:///data/50%.bin` names the file `50%.bin`.
 *
 * A key that is empty or ends with `/` names a prefix: see
 * [method@S3dlio.Uri.is_prefix].
 *
 * `S3dlioUri` is immutable.
 */

struct _S3dlioUri
{
  GObject          parent_instance;

  S3dlioUriScheme  scheme;
  char            *bucket;      /* S3 only */
  char            *key;         /* S3 only, never NULL; "" for the bucket root */
  char            *path;        /* file only */
  gboolean         bucket_slash; /* "s3://b/" rather than "s3://b" */
};

G_DEFINE_FINAL_TYPE (S3dlioUri, s3dlio_uri, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SCHEME,
  PROP_BUCKET,
  PROP_KEY,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_uri_finalize (GObject *object)
{
  S3dlioUri *self = (S3dlioUri *) object;

  g_clear_pointer (&self->bucket, g_free);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (s3dlio_uri_parent_class)->finalize (object);
}

static void
s3dlio_uri_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  S3dlioUri *self = S3DLIO_URI (object);

  switch (prop_id)
    {
    case PROP_SCHEME:
      g_value_set_enum (value, self->scheme);
      break;
    case PROP_BUCKET:
      g_value_set_string (value, self->bucket);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_uri_class_init (S3dlioUriClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _s3dlio_i18n_init ();

  object_class->finalize = s3dlio_uri_finalize;
  object_class->get_property = s3dlio_uri_get_property;

  /**
   * S3dlioUri:scheme:
   *
   * Whether this is an S3 object (or prefix) or a local path.
   */
  properties[PROP_SCHEME] =
    g_param_spec_enum ("scheme", NULL, NULL,
                       S3DLIO_TYPE_URI_SCHEME, S3DLIO_URI_SCHEME_S3,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioUri:bucket:
   *
   * The bucket of an `s3://` URI, %NULL for `file://`.
   */
  properties[PROP_BUCKET] =
    g_param_spec_string ("bucket", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioUri:key:
   *
   * The key of an `s3://` URI, exactly as written; empty for the bucket
   * itself, %NULL for `file://`.
   */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioUri:path:
   *
   * The absolute local path of a `file://` URI, %NULL for `s3://`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_uri_init (S3dlioUri *self)
{
}

static gboolean
is_ipv4_address_shaped (const char *name)
{
  guint dots = 0;

  for (const char *p = name; *p; p++)
    {
      if (*p == '.')
        dots++;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return dots == 3;
}

static gboolean
set_bucket_error (GError     **error,
                  const char  *name,
                  const char  *why)
{
  /* @name may be any bytes; messages are UTF-8. */
  g_autofree char *shown = g_utf8_make_valid (name, -1);

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               /* Translators: the name, then the rule it breaks, such as
                * "bucket names are 3 to 63 characters long" */
               _("Invalid bucket name “%s”: %s"), shown, why);
  return FALSE;
}

/**
 * s3dlio_bucket_name_is_valid:
 * @name: a bucket name
 * @error: return location for a #GError
 *
 * Checks @name against the S3 rules for general purpose buckets: 3 to 63
 * characters; lowercase letters, digits, `.` and `-`; a letter or digit at
 * both ends; no `..`; not shaped like an IPv4 address; none of the reserved
 * prefixes (`xn--`, `sthree-`) and suffixes (`-s3alias`, `--ol-s3`).
 *
 * Returns: %TRUE if @name is a valid bucket name, otherwise %FALSE with
 *   @error set to %S3DLIO_ERROR_INVALID_URI explaining which rule it breaks
 */
gboolean
s3dlio_bucket_name_is_valid (const char  *name,
                             GError     **error)
{
  gsize len;

  g_return_val_if_fail (name != NULL, FALSE);

  len = strlen (name);
  if (len < 3 || len > 63)
    return set_bucket_error (error, name, _("bucket names are 3 to 63 characters long"));

  for (const char *p = name; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '.' || *p == '-'))
      return set_bucket_error (error, name,
                               _("bucket names may contain only lowercase letters, digits, “.” and “-”"));

  if (!g_ascii_isalnum (name[0]) || !g_ascii_isalnum (name[len - 1]))
    return set_bucket_error (error, name, _("bucket names must begin and end with a letter or digit"));

  if (strstr (name, "..") != NULL)
    return set_bucket_error (error, name, _("bucket names must not contain “..”"));

  if (is_ipv4_address_shaped (name))
    return set_bucket_error (error, name, _("bucket names must not look like an IP address"));

  if (g_str_has_prefix (name, "xn--") || g_str_has_prefix (name, "sthree-") ||
      g_str_has_suffix (name, "-s3alias") || g_str_has_suffix (name, "--ol-s3"))
    return set_bucket_error (error, name, _("the name uses a prefix or suffix that S3 reserves"));

  return TRUE;
}

static gboolean
key_is_valid (const char  *key,
              GError     **error)
{
  if (!g_utf8_validate (key, -1, NULL))
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                           _("Invalid object key: it is not valid UTF-8"));
      return FALSE;
    }

  if (strlen (key) > S3DLIO_MAX_KEY_LENGTH)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("Invalid object key: it is %zu bytes long, S3 allows at most %d"),
                   strlen (key), S3DLIO_MAX_KEY_LENGTH);
      return FALSE;
    }

  return TRUE;
}

static S3dlioUri *
uri_new_s3 (const char  *bucket,
            const char  *key,
            gboolean     bucket_slash,
            GError     **error)
{
  S3dlioUri *self;

  if (!s3dlio_bucket_name_is_valid (bucket, error))
    return NULL;
  if (!key_is_valid (key, error))
    return NULL;

  self = g_object_new (S3DLIO_TYPE_URI, NULL);
  self->scheme = S3DLIO_URI_SCHEME_S3;
  self->bucket = g_strdup (bucket);
  self->key = g_strdup (key);
  self->bucket_slash = bucket_slash || key[0] != '\0';

  return self;
}

static S3dlioUri *
parse_s3 (const char  *uri,
          const char  *rest,
          GError     **error)
{
  const char *slash = strchr (rest, '/');
  g_autofree char *bucket = NULL;

  bucket = slash ? g_strndup (rest, slash - rest) : g_strdup (rest);
  if (bucket[0] == '\0')
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("Invalid URI “%s”: no bucket (expected s3://bucket/key)"), uri);
      return NULL;
    }

  return uri_new_s3 (bucket, slash ? slash + 1 : "", slash != NULL, error);
}

static S3dlioUri *
parse_file (const char  *uri,
            const char  *rest,
            GError     **error)
{
  S3dlioUri *self;

  /* file://localhost/path is the same as file:///path (RFC 8089). */
  if (g_str_has_prefix (rest, "localhost/"))
    rest += strlen ("localhost");

  if (rest[0] != '/')
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("Invalid URI “%s”: file URIs take an absolute path and no host "
                      "(expected file:///path)"), uri);
      return NULL;
    }

  self = g_object_new (S3DLIO_TYPE_URI, NULL);
  self->scheme = S3DLIO_URI_SCHEME_FILE;
  self->path = g_strdup (rest);

  return self;
}

/**
 * s3dlio_uri_parse:
 * @uri: a URI such as `s3://bucket/key`, `s3://bucket/prefix/`,
 *   `s3://bucket` or `file:///path`
 * @error: return location for a #GError
 *
 * Parses @uri. The scheme is case-insensitive; the key and path are
 * taken literally (see [class@S3dlio.Uri]).
 *
 * Returns: (transfer full): a new #S3dlioUri, or %NULL with @error set to
 *   %S3DLIO_ERROR_INVALID_URI naming the problem: an empty URI, an unknown
 *   scheme, no bucket, an illegal bucket name, a key that is not UTF-8 or
 *   too long, or a relative file path
 */
S3dlioUri *
s3dlio_uri_parse (const char  *uri,
                  GError     **error)
{
  const char *sep;
  g_autofree char *scheme = NULL;

  if (uri == NULL || uri[0] == '\0')
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                           _("Invalid URI: it is empty"));
      return NULL;
    }

  if (!g_utf8_validate (uri, -1, NULL))
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                           _("Invalid URI: it is not valid UTF-8"));
      return NULL;
    }

  sep = strstr (uri, "://");
  if (sep == NULL || sep == uri)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("Invalid URI “%s”: no scheme (expected s3://bucket/key or file:///path)"),
                   uri);
      return NULL;
    }

  scheme = g_ascii_strdown (uri, sep - uri);
  if (g_str_equal (scheme, "s3"))
    return parse_s3 (uri, sep + 3, error);
  if (g_str_equal (scheme, "file"))
    return parse_file (uri, sep + 3, error);

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("Invalid URI “%s”: unknown scheme “%s” (expected s3:// or file://)"),
               uri, scheme);
  return NULL;
}

/**
 * s3dlio_uri_new_s3:
 * @bucket: a bucket name
 * @key: (nullable): an object key or prefix, taken literally
 * @error: return location for a #GError
 *
 * Creates an `s3://` URI from its parts.
 *
 * Returns: (transfer full): a new #S3dlioUri, or %NULL with @error set if
 *   @bucket or @key is invalid
 */
S3dlioUri *
s3dlio_uri_new_s3 (const char  *bucket,
                   const char  *key,
                   GError     **error)
{
  g_return_val_if_fail (bucket != NULL, NULL);

  return uri_new_s3 (bucket, key ? key : "", key != NULL, error);
}

/**
 * s3dlio_uri_new_file:
 * @path: an absolute local path
 *
 * Creates a `file://` URI for @path.
 *
 * Returns: (transfer full): a new #S3dlioUri
 */
S3dlioUri *
s3dlio_uri_new_file (const char *path)
{
  S3dlioUri *self;

  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);

  self = g_object_new (S3DLIO_TYPE_URI, NULL);
  self->scheme = S3DLIO_URI_SCHEME_FILE;
  self->path = g_strdup (path);

  return self;
}

/**
 * s3dlio_uri_get_scheme:
 * @self: a #S3dlioUri
 *
 * Gets the scheme of the URI.
 *
 * Returns: the scheme of @self
 */
S3dlioUriScheme
s3dlio_uri_get_scheme (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), S3DLIO_URI_SCHEME_S3);

  return self->scheme;
}

/**
 * s3dlio_uri_get_bucket:
 * @self: a #S3dlioUri
 *
 * Gets the bucket of an `s3://` URI.
 *
 * Returns: (nullable): the bucket, or %NULL for a `file://` URI
 */
const char *
s3dlio_uri_get_bucket (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);

  return self->bucket;
}

/**
 * s3dlio_uri_get_key:
 * @self: a #S3dlioUri
 *
 * Gets the key of an `s3://` URI.
 *
 * Returns: (nullable): the key exactly as written (empty for the bucket
 *   itself), or %NULL for a `file://` URI
 */
const char *
s3dlio_uri_get_key (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);

  return self->key;
}

/**
 * s3dlio_uri_get_path:
 * @self: a #S3dlioUri
 *
 * Gets the local path of a `file://` URI.
 *
 * Returns: (nullable) (type filename): the local path, or %NULL for an
 *   `s3://` URI
 */
const char *
s3dlio_uri_get_path (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);

  return self->path;
}

/**
 * s3dlio_uri_is_prefix:
 * @self: a #S3dlioUri
 *
 * Tells whether @self names a prefix ("directory") rather than one object:
 * its key is empty or ends with `/` (or, for `file://`, its path ends with
 * `/`).
 *
 * Returns: %TRUE for a prefix
 */
gboolean
s3dlio_uri_is_prefix (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), FALSE);

  if (self->scheme == S3DLIO_URI_SCHEME_FILE)
    return g_str_has_suffix (self->path, "/");

  return self->key[0] == '\0' || g_str_has_suffix (self->key, "/");
}

/**
 * s3dlio_uri_get_basename:
 * @self: a #S3dlioUri
 *
 * Gets the last segment of the key or path, ignoring a trailing `/`: the
 * name a download is saved under by default. For the root of a bucket this
 * is the bucket name.
 *
 * Returns: (transfer full): the last segment
 */
char *
s3dlio_uri_get_basename (S3dlioUri *self)
{
  const char *name;
  const char *end;
  const char *start;

  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);

  name = self->scheme == S3DLIO_URI_SCHEME_FILE ? self->path : self->key;
  end = name + strlen (name);
  while (end > name && end[-1] == '/')
    end--;
  if (end == name)
    return g_strdup (self->scheme == S3DLIO_URI_SCHEME_FILE ? "/" : self->bucket);

  start = end;
  while (start > name && start[-1] != '/')
    start--;

  return g_strndup (start, end - start);
}

/**
 * s3dlio_uri_append:
 * @self: a #S3dlioUri
 * @suffix: text to append to the key or path, taken literally
 * @error: return location for a #GError
 *
 * Makes a new URI whose key (or path) is the one of @self followed by
 * @suffix, as when a listing under a prefix yields relative names. No `/`
 * is added: pass it in @suffix or end the prefix with one.
 *
 * Returns: (transfer full): a new #S3dlioUri, or %NULL if the result is not
 *   a valid key
 */
S3dlioUri *
s3dlio_uri_append (S3dlioUri   *self,
                   const char  *suffix,
                   GError     **error)
{
  g_autofree char *joined = NULL;

  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);
  g_return_val_if_fail (suffix != NULL, NULL);

  if (self->scheme == S3DLIO_URI_SCHEME_FILE)
    {
      joined = g_strconcat (self->path, suffix, NULL);
      return s3dlio_uri_new_file (joined);
    }

  joined = g_strconcat (self->key, suffix, NULL);
  return uri_new_s3 (self->bucket, joined, self->bucket_slash || suffix[0] != '\0', error);
}

/**
 * s3dlio_uri_with_key:
 * @self: a #S3dlioUri
 * @key: the key of an object of the store @self is in, as a listing gives
 *   it: an S3 key, or the absolute path of a file
 * @error: return location for a #GError
 *
 * Makes the URI of another object of the same store: @key in the bucket of
 * @self for `s3://`, the file @key for `file://`. This turns the keys of
 * the [class@S3dlio.ObjectInfo] items of a listing of @self into URIs,
 * whatever the store.
 *
 * Returns: (transfer full): a new #S3dlioUri, or %NULL with @error set if
 *   @key is not a valid key (for `file://`, an absolute path in UTF-8)
 */
S3dlioUri *
s3dlio_uri_with_key (S3dlioUri   *self,
                     const char  *key,
                     GError     **error)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (self->scheme == S3DLIO_URI_SCHEME_S3)
    return uri_new_s3 (self->bucket, key, TRUE, error);

  /* A URI is text, and s3dlio_uri_parse() of its string must give it back
   * (which refuses bytes that are not UTF-8), so a file name that is not
   * UTF-8 has no URI. */
  if (!g_utf8_validate (key, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (key, -1);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("“%s” is not the key of a file: it is not valid UTF-8"), shown);
      return NULL;
    }
  if (!g_path_is_absolute (key))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("“%s” is not the key of a file: an absolute path is needed"), key);
      return NULL;
    }
  return s3dlio_uri_new_file (key);
}

/**
 * s3dlio_uri_to_string:
 * @self: a #S3dlioUri
 *
 * Formats @self back into a URI. Keys and paths are written literally, so
 * `s3dlio_uri_parse (s3dlio_uri_to_string (u))` gives back the same key.
 *
 * Returns: (transfer full): the URI as a string
 */
char *
s3dlio_uri_to_string (S3dlioUri *self)
{
  g_return_val_if_fail (S3DLIO_IS_URI (self), NULL);

  if (self->scheme == S3DLIO_URI_SCHEME_FILE)
    return g_strconcat ("file://", self->path, NULL);

  return g_strconcat ("s3://", self->bucket, self->bucket_slash ? "/" : "", self->key, NULL);
}

/**
 * s3dlio_uri_equal:
 * @a: a #S3dlioUri
 * @b: another #S3dlioUri
 *
 * Compares two URIs: equal when they name the same bucket and key, or the
 * same path.
 *
 * Returns: %TRUE if @a and @b name the same location
 */
gboolean
s3dlio_uri_equal (S3dlioUri *a,
                  S3dlioUri *b)
{
  g_return_val_if_fail (S3DLIO_IS_URI (a), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (b), FALSE);

  return a->scheme == b->scheme &&
         g_strcmp0 (a->bucket, b->bucket) == 0 &&
         g_strcmp0 (a->key, b->key) == 0 &&
         g_strcmp0 (a->path, b->path) == 0;
}
