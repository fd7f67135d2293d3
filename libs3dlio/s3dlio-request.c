/* s3dlio-request.c: an HTTP request before it is signed and sent
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-encode-private.h"
#include "s3dlio-error.h"
#include "s3dlio-request.h"
#include "s3dlio-request-private.h"

/**
 * S3dlioRequest:
 *
 * An HTTP request to S3 as the signer sees it: a method, a host, a raw
 * path, query parameters, headers and a payload.
 *
 * Everything is kept raw, that is not percent-encoded: the path is the
 * bucket and key exactly as S3 names them (`/bucket/my key+%.txt`), and query
 * names and values are the strings S3 should receive. Encoding happens once,
 * when the request is written out with [method@S3dlio.Request.to_uri_string]
 * or sent, with the S3 rule: every byte except `A-Z a-z 0-9 - . _ ~` becomes
 * `%XX`, and `/` is kept in the path. Nothing in the path is normalised, so
 * keys holding `//`, `./` or `../` reach S3 unchanged.
 *
 * Query parameters and headers keep their order and may repeat. Header
 * names are compared without regard to case.
 *
 * Sign a request with [method@S3dlio.Signer.sign]. A request is not
 * thread-safe: use it from one thread at a time.
 */

typedef struct {
  char *name;
  char *value;   /* NULL for a query parameter without `=` */
} Pair;

struct _S3dlioRequest
{
  GObject  parent_instance;

  char    *method;
  char    *host;
  char    *path;
  char    *scheme;
  GArray  *query;         /* of Pair, raw */
  GArray  *headers;       /* of Pair, never Host */
  GBytes  *payload;
  char    *payload_hash;  /* NULL: not set, the empty-payload hash */
  char    *bucket;        /* private: which bucket it is for, if any */
};

G_DEFINE_FINAL_TYPE (S3dlioRequest, s3dlio_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_METHOD,
  PROP_HOST,
  PROP_PATH,
  PROP_SCHEME,
  PROP_PAYLOAD,
  PROP_PAYLOAD_HASH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pair_clear (gpointer data)
{
  Pair *pair = data;

  g_clear_pointer (&pair->name, g_free);
  g_clear_pointer (&pair->value, g_free);
}

static GArray *
pair_array_new (void)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (Pair));

  g_array_set_clear_func (array, pair_clear);
  return array;
}

static void
pair_array_append (GArray     *array,
                   const char *name,
                   const char *value)
{
  Pair pair = { g_strdup (name), g_strdup (value) };

  g_array_append_val (array, pair);
}

static GArray *
pair_array_copy (GArray *array)
{
  GArray *copy = pair_array_new ();

  for (guint i = 0; i < array->len; i++)
    {
      Pair *pair = &g_array_index (array, Pair, i);

      pair_array_append (copy, pair->name, pair->value);
    }
  return copy;
}

static void
s3dlio_request_finalize (GObject *object)
{
  S3dlioRequest *self = (S3dlioRequest *) object;

  g_clear_pointer (&self->method, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->scheme, g_free);
  g_clear_pointer (&self->query, g_array_unref);
  g_clear_pointer (&self->headers, g_array_unref);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->payload_hash, g_free);
  g_clear_pointer (&self->bucket, g_free);

  G_OBJECT_CLASS (s3dlio_request_parent_class)->finalize (object);
}

static void
s3dlio_request_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  S3dlioRequest *self = S3DLIO_REQUEST (object);

  switch (prop_id)
    {
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SCHEME:
      g_value_set_string (value, self->scheme);
      break;
    case PROP_PAYLOAD:
      g_value_set_boxed (value, self->payload);
      break;
    case PROP_PAYLOAD_HASH:
      g_value_set_string (value, s3dlio_request_get_payload_hash (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_path (S3dlioRequest *self,
          const char    *path)
{
  if (path == NULL)
    path = "/";

  if (path[0] != '/')
    {
      g_critical ("S3dlioRequest:path must start with '/', got \"%s\"", path);
      path = "/";
    }

  g_free (self->path);
  self->path = g_strdup (path);
}

static void
s3dlio_request_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  S3dlioRequest *self = S3DLIO_REQUEST (object);

  switch (prop_id)
    {
    case PROP_METHOD:
      g_free (self->method);
      self->method = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "GET");
      break;
    case PROP_HOST:
      g_free (self->host);
      self->host = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "");
      break;
    case PROP_PATH:
      set_path (self, g_value_get_string (value));
      break;
    case PROP_SCHEME:
      s3dlio_request_set_scheme (self, g_value_get_string (value));
      break;
    case PROP_PAYLOAD:
      s3dlio_request_set_payload (self, g_value_get_boxed (value));
      break;
    case PROP_PAYLOAD_HASH:
      s3dlio_request_set_payload_hash (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_request_class_init (S3dlioRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_request_finalize;
  object_class->get_property = s3dlio_request_get_property;
  object_class->set_property = s3dlio_request_set_property;

  /**
   * S3dlioRequest:method:
   *
   * The HTTP method, such as `GET` or `PUT`.
   */
  properties[PROP_METHOD] =
    g_param_spec_string ("method", NULL, NULL,
                         "GET",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioRequest:host:
   *
   * The host as in the `Host` header: a name or address, with `:port` when
   * the port is not the scheme's default (`s3.example.com:9000`,
   * `[::1]:9000`).
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioRequest:path:
   *
   * The raw path, not percent-encoded, starting with `/`: for example
   * `/bucket/my key+%.txt` in path-style addressing. It is encoded once
   * when the request is written out and never normalised.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         "/",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioRequest:scheme:
   *
   * The URI scheme, `https` or `http`.
   */
  properties[PROP_SCHEME] =
    g_param_spec_string ("scheme", NULL, NULL,
                         "https",
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioRequest:payload:
   *
   * The request body, or %NULL for none. Setting it also sets
   * [property@S3dlio.Request:payload-hash] to the SHA-256 of the body.
   */
  properties[PROP_PAYLOAD] =
    g_param_spec_boxed ("payload", NULL, NULL,
                        G_TYPE_BYTES,
                        G_PARAM_READWRITE |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioRequest:payload-hash:
   *
   * The payload hash the signer uses and sends as `x-amz-content-sha256`:
   * the lowercase hex SHA-256 of the body, or [const@S3dlio.UNSIGNED_PAYLOAD].
   * Reads as [const@S3dlio.EMPTY_PAYLOAD_SHA256] until something is set;
   * setting %NULL goes back to that.
   */
  properties[PROP_PAYLOAD_HASH] =
    g_param_spec_string ("payload-hash", NULL, NULL,
                         S3DLIO_EMPTY_PAYLOAD_SHA256,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_request_init (S3dlioRequest *self)
{
  self->method = g_strdup ("GET");
  self->host = g_strdup ("");
  self->path = g_strdup ("/");
  self->scheme = g_strdup ("https");
  self->query = pair_array_new ();
  self->headers = pair_array_new ();
}

/**
 * s3dlio_request_new:
 * @method: the HTTP method, such as `GET`
 * @host: the host as in the `Host` header, with `:port` if needed
 * @path: the raw (not encoded) path, starting with `/`
 *
 * Creates a request with no query, no headers and no payload.
 *
 * Returns: (transfer full): a new request
 */
S3dlioRequest *
s3dlio_request_new (const char *method,
                    const char *host,
                    const char *path)
{
  g_return_val_if_fail (method != NULL && *method != '\0', NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_object_new (S3DLIO_TYPE_REQUEST,
                       "method", method,
                       "host", host,
                       "path", path,
                       NULL);
}

/**
 * s3dlio_request_copy:
 * @self: a request
 *
 * Makes an independent copy of @self: the same method, host, path, scheme,
 * query, headers, payload (shared, it is immutable) and payload hash.
 *
 * Returns: (transfer full): a new request
 */
S3dlioRequest *
s3dlio_request_copy (S3dlioRequest *self)
{
  S3dlioRequest *copy;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  copy = s3dlio_request_new (self->method, self->host, self->path);
  g_free (copy->scheme);
  copy->scheme = g_strdup (self->scheme);
  g_array_unref (copy->query);
  copy->query = pair_array_copy (self->query);
  g_array_unref (copy->headers);
  copy->headers = pair_array_copy (self->headers);
  copy->payload = self->payload ? g_bytes_ref (self->payload) : NULL;
  copy->payload_hash = g_strdup (self->payload_hash);
  copy->bucket = g_strdup (self->bucket);

  return copy;
}

/**
 * s3dlio_request_get_method:
 * @self: a request
 *
 * Gets the HTTP method.
 *
 * Returns: the method
 */
const char *
s3dlio_request_get_method (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->method;
}

/**
 * s3dlio_request_get_host:
 * @self: a request
 *
 * Gets the host, as in the `Host` header.
 *
 * Returns: the host
 */
const char *
s3dlio_request_get_host (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->host;
}

/**
 * s3dlio_request_get_path:
 * @self: a request
 *
 * Gets the raw (not encoded) path.
 *
 * Returns: the path, starting with `/`
 */
const char *
s3dlio_request_get_path (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->path;
}

/**
 * s3dlio_request_get_scheme:
 * @self: a request
 *
 * Gets the URI scheme.
 *
 * Returns: `https` or `http`
 */
const char *
s3dlio_request_get_scheme (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->scheme;
}

/**
 * s3dlio_request_set_scheme:
 * @self: a request
 * @scheme: (nullable): `https` or `http`; %NULL for `https`
 *
 * Sets the URI scheme.
 */
void
s3dlio_request_set_scheme (S3dlioRequest *self,
                           const char    *scheme)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));

  if (scheme == NULL)
    scheme = "https";

  if (g_strcmp0 (self->scheme, scheme) == 0)
    return;

  g_free (self->scheme);
  self->scheme = g_strdup (scheme);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEME]);
}

/**
 * s3dlio_request_add_query:
 * @self: a request
 * @name: the raw (not encoded) parameter name
 * @value: (nullable): the raw parameter value, or %NULL for a parameter
 *   without a value (`?uploads`)
 *
 * Appends a query parameter. Parameters keep their order and may repeat.
 */
void
s3dlio_request_add_query (S3dlioRequest *self,
                          const char    *name,
                          const char    *value)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (name != NULL);

  pair_array_append (self->query, name, value);
}

static Pair *
find_query (S3dlioRequest *self,
            const char    *name)
{
  for (guint i = 0; i < self->query->len; i++)
    {
      Pair *pair = &g_array_index (self->query, Pair, i);

      if (strcmp (pair->name, name) == 0)
        return pair;
    }
  return NULL;
}

/**
 * s3dlio_request_get_query:
 * @self: a request
 * @name: a raw parameter name (case matters)
 *
 * Gets the value of the first query parameter called @name. A parameter
 * without a value also gives %NULL: use [method@S3dlio.Request.has_query] to
 * tell it from a missing one.
 *
 * Returns: (nullable): the raw value, or %NULL
 */
const char *
s3dlio_request_get_query (S3dlioRequest *self,
                          const char    *name)
{
  Pair *pair;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  pair = find_query (self, name);
  return pair ? pair->value : NULL;
}

/**
 * s3dlio_request_has_query:
 * @self: a request
 * @name: a raw parameter name (case matters)
 *
 * Tells whether @self has a query parameter called @name, with or without
 * a value.
 *
 * Returns: %TRUE if there is one
 */
gboolean
s3dlio_request_has_query (S3dlioRequest *self,
                          const char    *name)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return find_query (self, name) != NULL;
}

/**
 * s3dlio_request_remove_query:
 * @self: a request
 * @name: a raw parameter name (case matters)
 *
 * Removes every query parameter called @name.
 */
void
s3dlio_request_remove_query (S3dlioRequest *self,
                             const char    *name)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (name != NULL);

  for (guint i = self->query->len; i > 0; i--)
    {
      Pair *pair = &g_array_index (self->query, Pair, i - 1);

      if (strcmp (pair->name, name) == 0)
        g_array_remove_index (self->query, i - 1);
    }
}

static gboolean
is_host_header (const char *name)
{
  return g_ascii_strcasecmp (name, "Host") == 0;
}

/**
 * s3dlio_request_set_header:
 * @self: a request
 * @name: a header name
 * @value: (nullable): the value, or %NULL to remove the header
 *
 * Sets the header @name to @value, replacing every header of that name
 * (compared without regard to case). The header keeps the place of the
 * first one it replaces.
 *
 * The `Host` header cannot be set: it is always
 * [property@S3dlio.Request:host].
 */
void
s3dlio_request_set_header (S3dlioRequest *self,
                           const char    *name,
                           const char    *value)
{
  gboolean replaced = FALSE;

  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (!is_host_header (name));

  if (value == NULL)
    {
      s3dlio_request_remove_header (self, name);
      return;
    }

  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      if (g_ascii_strcasecmp (pair->name, name) != 0)
        continue;

      if (!replaced)
        {
          g_free (pair->name);
          pair->name = g_strdup (name);
          g_free (pair->value);
          pair->value = g_strdup (value);
          replaced = TRUE;
        }
      else
        {
          g_array_remove_index (self->headers, i);
          i--;
        }
    }

  if (!replaced)
    pair_array_append (self->headers, name, value);
}

/**
 * s3dlio_request_append_header:
 * @self: a request
 * @name: a header name
 * @value: the value
 *
 * Adds a header, after any others of the same name. Repeated headers are
 * signed joined with `,` in the order they were added.
 *
 * The `Host` header cannot be added: it is always
 * [property@S3dlio.Request:host].
 */
void
s3dlio_request_append_header (S3dlioRequest *self,
                              const char    *name,
                              const char    *value)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (value != NULL);
  g_return_if_fail (!is_host_header (name));

  pair_array_append (self->headers, name, value);
}

/**
 * s3dlio_request_remove_header:
 * @self: a request
 * @name: a header name
 *
 * Removes every header called @name (compared without regard to case).
 */
void
s3dlio_request_remove_header (S3dlioRequest *self,
                              const char    *name)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (name != NULL);

  for (guint i = self->headers->len; i > 0; i--)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i - 1);

      if (g_ascii_strcasecmp (pair->name, name) == 0)
        g_array_remove_index (self->headers, i - 1);
    }
}

/**
 * s3dlio_request_get_header:
 * @self: a request
 * @name: a header name (compared without regard to case)
 *
 * Gets the value of the first header called @name.
 *
 * Returns: (nullable): the value, or %NULL if there is no such header
 */
const char *
s3dlio_request_get_header (S3dlioRequest *self,
                           const char    *name)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      if (g_ascii_strcasecmp (pair->name, name) == 0)
        return pair->value;
    }
  return NULL;
}

/**
 * s3dlio_request_get_header_names:
 * @self: a request
 *
 * Lists the names of the headers, each once (spelled as when it was first
 * added), in the order they were first added.
 *
 * Returns: (transfer full) (array zero-terminated=1): the header names
 */
char **
s3dlio_request_get_header_names (S3dlioRequest *self)
{
  GPtrArray *names;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  names = g_ptr_array_sized_new (self->headers->len + 1);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < names->len && !seen; j++)
        seen = g_ascii_strcasecmp (g_ptr_array_index (names, j), pair->name) == 0;
      if (!seen)
        g_ptr_array_add (names, g_strdup (pair->name));
    }
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (names, FALSE);
}

static void
replace_payload_hash (S3dlioRequest *self,
                      const char    *payload_hash)
{
  if (g_strcmp0 (self->payload_hash, payload_hash) == 0)
    return;

  g_free (self->payload_hash);
  self->payload_hash = g_strdup (payload_hash);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAYLOAD_HASH]);
}

/**
 * s3dlio_request_set_payload:
 * @self: a request
 * @payload: (nullable): the body, or %NULL for none
 *
 * Sets the request body, and the payload hash to its hex SHA-256 (or back
 * to the default, the empty-payload hash, for %NULL).
 */
void
s3dlio_request_set_payload (S3dlioRequest *self,
                            GBytes        *payload)
{
  g_autofree char *hash = NULL;

  g_return_if_fail (S3DLIO_IS_REQUEST (self));

  if (payload != NULL)
    hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, payload);

  if (self->payload != payload)
    {
      g_clear_pointer (&self->payload, g_bytes_unref);
      self->payload = payload ? g_bytes_ref (payload) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAYLOAD]);
    }

  replace_payload_hash (self, hash);
}

/**
 * s3dlio_request_get_payload:
 * @self: a request
 *
 * Gets the request body.
 *
 * Returns: (transfer none) (nullable): the body, or %NULL
 */
GBytes *
s3dlio_request_get_payload (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->payload;
}

/**
 * s3dlio_request_set_payload_hash:
 * @self: a request
 * @payload_hash: (nullable): the lowercase hex SHA-256 of the body,
 *   [const@S3dlio.UNSIGNED_PAYLOAD], or %NULL for the default
 *
 * Sets the payload hash without touching the body: for example
 * [const@S3dlio.UNSIGNED_PAYLOAD] for a body that is not signed, or the hash
 * of a body that is streamed from elsewhere.
 */
void
s3dlio_request_set_payload_hash (S3dlioRequest *self,
                                 const char    *payload_hash)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (payload_hash == NULL || *payload_hash != '\0');
  g_return_if_fail (payload_hash == NULL || strpbrk (payload_hash, "\r\n") == NULL);

  replace_payload_hash (self, payload_hash);
}

/**
 * s3dlio_request_get_payload_hash:
 * @self: a request
 *
 * Gets the payload hash: what was set with
 * [method@S3dlio.Request.set_payload] or
 * [method@S3dlio.Request.set_payload_hash], or
 * [const@S3dlio.EMPTY_PAYLOAD_SHA256] if nothing was.
 *
 * Returns: the payload hash
 */
const char *
s3dlio_request_get_payload_hash (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->payload_hash ? self->payload_hash : S3DLIO_EMPTY_PAYLOAD_SHA256;
}

/**
 * s3dlio_request_to_uri_string:
 * @self: a request
 *
 * Writes the request's URI: `scheme://host`, the path encoded once with
 * `/` kept, and `?name=value&…` with names and values encoded (`/` too). A
 * parameter without a value is written as its name alone.
 *
 * Returns: (transfer full): the URI
 */
char *
s3dlio_request_to_uri_string (S3dlioRequest *self)
{
  GString *out;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  out = g_string_sized_new (strlen (self->scheme) + strlen (self->host) +
                            strlen (self->path) * 3 / 2 + 16);
  g_string_append (out, self->scheme);
  g_string_append (out, "://");
  g_string_append (out, self->host);
  _s3dlio_request_append_encoded_path (self, out);
  if (self->query->len > 0)
    {
      g_string_append_c (out, '?');
      _s3dlio_request_append_encoded_query (self, out);
    }

  return g_string_free (out, FALSE);
}

/* Private API */

void
_s3dlio_request_foreach_header (S3dlioRequest    *self,
                                S3dlioHeaderFunc  func,
                                gpointer          user_data)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (func != NULL);

  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      func (pair->name, pair->value, user_data);
    }
}

guint
_s3dlio_request_get_n_headers (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), 0);

  return self->headers->len;
}

void
_s3dlio_request_get_header_nth (S3dlioRequest  *self,
                                guint           index,
                                const char    **name,
                                const char    **value)
{
  Pair *pair;

  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (index < self->headers->len);

  pair = &g_array_index (self->headers, Pair, index);
  if (name)
    *name = pair->name;
  if (value)
    *value = pair->value;
}

guint
_s3dlio_request_get_n_queries (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), 0);

  return self->query->len;
}

void
_s3dlio_request_get_query_nth (S3dlioRequest  *self,
                               guint           index,
                               const char    **name,
                               const char    **value)
{
  Pair *pair;

  g_return_if_fail (S3DLIO_IS_REQUEST (self));
  g_return_if_fail (index < self->query->len);

  pair = &g_array_index (self->query, Pair, index);
  if (name)
    *name = pair->name;
  if (value)
    *value = pair->value;
}

gboolean
_s3dlio_request_add_encoded_query (S3dlioRequest  *self,
                                   const char     *query,
                                   GError        **error)
{
  g_autoptr(GArray) parsed = pair_array_new ();
  const char *p;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);

  /* Each round consumes one `&`-separated piece, so this ends. */
  for (p = query; *p != '\0';)
    {
      const char *amp = strchr (p, '&');
      const char *piece_end = amp ? amp : p + strlen (p);
      const char *eq = memchr (p, '=', piece_end - p);
      Pair pair = { NULL, NULL };

      if (piece_end > p)
        {
          pair.name = _s3dlio_uri_decode (p, (eq ? eq : piece_end) - p, FALSE);
          if (eq)
            pair.value = _s3dlio_uri_decode (eq + 1, piece_end - eq - 1, FALSE);
          if (pair.name == NULL || (eq && pair.value == NULL))
            {
              pair_clear (&pair);
              g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                           _("Malformed percent-encoding in query parameter “%.*s”"),
                           (int) MIN (piece_end - p, 200), p);
              return FALSE;
            }
          g_array_append_val (parsed, pair);
        }

      p = amp ? amp + 1 : piece_end;
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      Pair *pair = &g_array_index (parsed, Pair, i);

      pair_array_append (self->query, pair->name, pair->value);
    }

  return TRUE;
}

gboolean
_s3dlio_request_has_payload_hash (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), FALSE);

  return self->payload_hash != NULL;
}

void
_s3dlio_request_append_encoded_path (S3dlioRequest *self,
                                     GString       *out)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));

  _s3dlio_uri_encode_append (out, self->path, -1, TRUE);
}

void
_s3dlio_request_append_encoded_query (S3dlioRequest *self,
                                      GString       *out)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));

  for (guint i = 0; i < self->query->len; i++)
    {
      Pair *pair = &g_array_index (self->query, Pair, i);

      if (i > 0)
        g_string_append_c (out, '&');
      _s3dlio_uri_encode_append (out, pair->name, -1, FALSE);
      if (pair->value != NULL)
        {
          g_string_append_c (out, '=');
          _s3dlio_uri_encode_append (out, pair->value, -1, FALSE);
        }
    }
}

/* RFC 9110 token characters, for methods and header names. */
static gboolean
is_token (const char *s)
{
  if (*s == '\0')
    return FALSE;

  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isalnum (*s) && strchr ("!#$%&'*+-.^_`|~", *s) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_host_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_';
}

/* Splits a Host header value into the host (brackets removed from an IPv6
 * literal) and the port (-1 when there is none). */
static gboolean
split_host_port (const char  *host_port,
                 char       **host,
                 int         *port,
                 GError     **error)
{
  g_autofree char *name = NULL;
  const char *rest;
  guint64 number = 0;

  if (host_port[0] == '[')
    {
      const char *close = strchr (host_port, ']');

      if (close == NULL || close == host_port + 1)
        goto invalid;
      name = g_strndup (host_port + 1, close - host_port - 1);
      for (const char *c = name; *c != '\0'; c++)
        if (!g_ascii_isxdigit (*c) && *c != ':' && *c != '.')
          goto invalid;
      rest = close + 1;
    }
  else
    {
      const char *colon = strchr (host_port, ':');

      rest = colon ? colon : host_port + strlen (host_port);
      name = g_strndup (host_port, rest - host_port);
      if (*name == '\0')
        goto invalid;
      for (const char *c = name; *c != '\0'; c++)
        if (!is_host_char (*c))
          goto invalid;
    }

  if (*rest == '\0')
    {
      *port = -1;
    }
  else if (*rest == ':' &&
           g_ascii_string_to_unsigned (rest + 1, 10, 1, 65535, &number, NULL))
    {
      *port = (int) number;
    }
  else
    {
      goto invalid;
    }

  *host = g_steal_pointer (&name);
  return TRUE;

invalid:
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("Invalid host “%s”"), host_port);
  return FALSE;
}

static gboolean
check_headers (S3dlioRequest  *self,
               GError        **error)
{
  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      /* The value is not quoted: it may be a session token. */
      if (!is_token (pair->name))
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("Invalid HTTP header name “%s”"), pair->name);
          return FALSE;
        }
      if (strpbrk (pair->value, "\r\n") != NULL)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("The value of HTTP header “%s” contains a line break"),
                       pair->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* libsoup 3.2 drops the request body when it sends a message again (after
 * a kept-alive connection turned out to be closed) but keeps its
 * Content-Length, so the server would wait for bytes that never come. */
static void
restore_payload_cb (SoupMessage *message,
                    gpointer     user_data)
{
  GBytes *payload = g_object_get_data (G_OBJECT (message), "s3dlio-payload");
  const char *content_type =
    soup_message_headers_get_content_type (soup_message_get_request_headers (message), NULL);

  soup_message_set_request_body_from_bytes (message, content_type, payload);
}

SoupMessage *
_s3dlio_request_new_message (S3dlioRequest  *self,
                             GError        **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GString) path = NULL;
  g_autoptr(GString) query = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  int port = -1;

  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_ascii_strcasecmp (self->scheme, "https") != 0 &&
      g_ascii_strcasecmp (self->scheme, "http") != 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("Unsupported URI scheme “%s” (expected https or http)"),
                   self->scheme);
      return NULL;
    }
  if (!is_token (self->method))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("Invalid HTTP method “%s”"), self->method);
      return NULL;
    }
  if (!split_host_port (self->host, &host, &port, error) ||
      !check_headers (self, error))
    return NULL;

  path = g_string_sized_new (strlen (self->path) * 3 / 2 + 1);
  _s3dlio_request_append_encoded_path (self, path);
  if (self->query->len > 0)
    {
      query = g_string_new (NULL);
      _s3dlio_request_append_encoded_query (self, query);
    }

  /* Already encoded, so GUri neither encodes again nor decodes; and
   * g_uri_build(), unlike g_uri_parse(), does not remove dot segments. */
  scheme = g_ascii_strdown (self->scheme, -1);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, host, port, path->str,
                     query ? query->str : NULL, NULL);
  message = soup_message_new_from_uri (self->method, uri);

  headers = soup_message_get_request_headers (message);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Pair *pair = &g_array_index (self->headers, Pair, i);

      if (g_ascii_strcasecmp (pair->name, "Content-Length") == 0 ||
          (self->payload != NULL &&
           g_ascii_strcasecmp (pair->name, "Content-Type") == 0))
        continue;
      soup_message_headers_append (headers, pair->name, pair->value);
    }

  if (self->payload != NULL)
    {
      content_type = s3dlio_request_get_header (self, "Content-Type");
      soup_message_set_request_body_from_bytes (message, content_type, self->payload);
      g_object_set_data_full (G_OBJECT (message), "s3dlio-payload",
                              g_bytes_ref (self->payload), (GDestroyNotify) g_bytes_unref);
      g_signal_connect (message, "restarted", G_CALLBACK (restore_payload_cb), NULL);
    }

  return g_steal_pointer (&message);
}

void
_s3dlio_request_set_bucket (S3dlioRequest *self,
                            const char    *bucket)
{
  g_return_if_fail (S3DLIO_IS_REQUEST (self));

  g_free (self->bucket);
  self->bucket = g_strdup (bucket);
}

const char *
_s3dlio_request_get_bucket (S3dlioRequest *self)
{
  g_return_val_if_fail (S3DLIO_IS_REQUEST (self), NULL);

  return self->bucket;
}
