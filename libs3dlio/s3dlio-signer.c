/* s3dlio-signer.c: AWS Signature Version 4 for S3
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-credentials-private.h"
#include "s3dlio-encode-private.h"
#include "s3dlio-enum-types.h"
#include "s3dlio-error.h"
#include "s3dlio-request-private.h"
#include "s3dlio-signer.h"
#include "s3dlio-signer-private.h"

/**
 * S3dlioSigner:
 *
 * Signs [class@S3dlio.Request]s with AWS Signature Version 4, by the S3
 * rules: the path is encoded once and never normalised, and the
 * `x-amz-content-sha256` header is always sent and signed.
 *
 * [method@S3dlio.Signer.sign] adds the `Authorization` header (and
 * `x-amz-date`, `x-amz-content-sha256` and, with temporary credentials,
 * `x-amz-security-token`); [method@S3dlio.Signer.presign] returns a
 * presigned URL instead. With anonymous credentials nothing is signed.
 *
 * The signing key, derived from the secret key for one date, region and
 * service, is cached. Signing is thread-safe: one signer may sign requests
 * from several threads at once (each request in one thread).
 */

#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_EXPIRES_SECONDS 604800   /* 7 days, the SigV4 limit */
#define SHA256_LEN 32

struct _S3dlioSigner
{
  GObject             parent_instance;

  S3dlioCredentials  *credentials;
  char               *region;
  const char         *service;      /* interned, so readers need no lock */
  guint               flags;        /* S3dlioSignerFlags, atomic */

  /* The signing key of one (date, service): region and credentials do not
   * change. Dates change once a day, so one entry is enough. */
  GMutex              key_lock;
  char                key_date[9];  /* YYYYMMDD */
  const char         *key_service;  /* interned */
  guint8              key[SHA256_LEN];
  gboolean            key_valid;
  guint               key_derivations;
};

G_DEFINE_FINAL_TYPE (S3dlioSigner, s3dlio_signer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CREDENTIALS,
  PROP_REGION,
  PROP_SERVICE,
  PROP_FLAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Overwrites memory that held key material, in a way the compiler cannot
 * drop as a dead store. */
static void
wipe (gpointer data,
      gsize    len)
{
  explicit_bzero (data, len);
}

static void
s3dlio_signer_constructed (GObject *object)
{
  S3dlioSigner *self = (S3dlioSigner *) object;

  G_OBJECT_CLASS (s3dlio_signer_parent_class)->constructed (object);

  if (self->credentials == NULL)
    self->credentials = s3dlio_credentials_new_anonymous ();
}

static void
s3dlio_signer_finalize (GObject *object)
{
  S3dlioSigner *self = (S3dlioSigner *) object;

  wipe (self->key, sizeof self->key);
  g_mutex_clear (&self->key_lock);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->region, g_free);

  G_OBJECT_CLASS (s3dlio_signer_parent_class)->finalize (object);
}

static void
s3dlio_signer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  S3dlioSigner *self = S3DLIO_SIGNER (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SERVICE:
      g_value_set_string (value, s3dlio_signer_get_service (self));
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, s3dlio_signer_get_flags (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_signer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  S3dlioSigner *self = S3DLIO_SIGNER (object);

  switch (prop_id)
    {
    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;
    case PROP_REGION:
      g_free (self->region);
      self->region = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "us-east-1");
      break;
    case PROP_SERVICE:
      s3dlio_signer_set_service (self, g_value_get_string (value));
      break;
    case PROP_FLAGS:
      s3dlio_signer_set_flags (self, g_value_get_flags (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_signer_class_init (S3dlioSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = s3dlio_signer_constructed;
  object_class->finalize = s3dlio_signer_finalize;
  object_class->get_property = s3dlio_signer_get_property;
  object_class->set_property = s3dlio_signer_set_property;

  /**
   * S3dlioSigner:credentials:
   *
   * The credentials requests are signed with. When none are given the
   * signer uses anonymous credentials and signs nothing.
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         S3DLIO_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioSigner:region:
   *
   * The region in the credential scope, such as `us-east-1`.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL,
                         "us-east-1",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioSigner:service:
   *
   * The service in the credential scope: `s3` for S3.
   */
  properties[PROP_SERVICE] =
    g_param_spec_string ("service", NULL, NULL,
                         "s3",
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioSigner:flags:
   *
   * Departures from the S3 rules, for other AWS services and for the
   * generic SigV4 test suite. S3 needs none.
   */
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL,
                        S3DLIO_TYPE_SIGNER_FLAGS,
                        S3DLIO_SIGNER_FLAGS_NONE,
                        G_PARAM_READWRITE |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_signer_init (S3dlioSigner *self)
{
  g_mutex_init (&self->key_lock);
  self->region = g_strdup ("us-east-1");
  self->service = g_intern_static_string ("s3");
}

/**
 * s3dlio_signer_new:
 * @credentials: the credentials to sign with
 * @region: the region, such as `us-east-1`
 *
 * Creates a signer for the S3 service of @region.
 *
 * Returns: (transfer full): a new signer
 */
S3dlioSigner *
s3dlio_signer_new (S3dlioCredentials *credentials,
                   const char        *region)
{
  g_return_val_if_fail (S3DLIO_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (region != NULL && *region != '\0', NULL);

  return g_object_new (S3DLIO_TYPE_SIGNER,
                       "credentials", credentials,
                       "region", region,
                       NULL);
}

/**
 * s3dlio_signer_get_credentials:
 * @self: a signer
 *
 * Gets the credentials requests are signed with.
 *
 * Returns: (transfer none): the credentials
 */
S3dlioCredentials *
s3dlio_signer_get_credentials (S3dlioSigner *self)
{
  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), NULL);

  return self->credentials;
}

/**
 * s3dlio_signer_get_region:
 * @self: a signer
 *
 * Gets the region in the credential scope.
 *
 * Returns: the region
 */
const char *
s3dlio_signer_get_region (S3dlioSigner *self)
{
  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), NULL);

  return self->region;
}

/**
 * s3dlio_signer_get_service:
 * @self: a signer
 *
 * Gets the service in the credential scope.
 *
 * Returns: the service, `s3` unless changed
 */
const char *
s3dlio_signer_get_service (S3dlioSigner *self)
{
  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), NULL);

  return g_atomic_pointer_get (&self->service);
}

/**
 * s3dlio_signer_set_service:
 * @self: a signer
 * @service: (nullable): the service, or %NULL for `s3`
 *
 * Sets the service in the credential scope.
 */
void
s3dlio_signer_set_service (S3dlioSigner *self,
                           const char   *service)
{
  const char *interned;

  g_return_if_fail (S3DLIO_IS_SIGNER (self));
  g_return_if_fail (service == NULL || *service != '\0');

  interned = g_intern_string (service ? service : "s3");
  if (g_atomic_pointer_get (&self->service) == interned)
    return;

  g_atomic_pointer_set (&self->service, interned);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

/**
 * s3dlio_signer_get_flags:
 * @self: a signer
 *
 * Gets the departures from the S3 signing rules.
 *
 * Returns: the flags
 */
S3dlioSignerFlags
s3dlio_signer_get_flags (S3dlioSigner *self)
{
  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), S3DLIO_SIGNER_FLAGS_NONE);

  return (S3dlioSignerFlags) g_atomic_int_get (&self->flags);
}

/**
 * s3dlio_signer_set_flags:
 * @self: a signer
 * @flags: the departures from the S3 signing rules
 *
 * Sets the departures from the S3 signing rules, for services other than
 * S3.
 */
void
s3dlio_signer_set_flags (S3dlioSigner      *self,
                         S3dlioSignerFlags  flags)
{
  g_return_if_fail (S3DLIO_IS_SIGNER (self));

  if ((guint) g_atomic_int_get (&self->flags) == (guint) flags)
    return;

  g_atomic_int_set (&self->flags, (guint) flags);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAGS]);
}

/* Signature structure */

void
_s3dlio_signature_clear (S3dlioSignature *signature)
{
  g_clear_pointer (&signature->canonical_request, g_free);
  g_clear_pointer (&signature->string_to_sign, g_free);
  g_clear_pointer (&signature->credential_scope, g_free);
  g_clear_pointer (&signature->signed_headers, g_free);
  g_clear_pointer (&signature->signature, g_free);
  g_clear_pointer (&signature->authorization, g_free);
  g_clear_pointer (&signature->presigned_url, g_free);
  g_clear_pointer (&signature->amz_date, g_free);
  g_clear_pointer (&signature->payload_hash, g_free);
}

gboolean
_s3dlio_signature_equal (const char *a,
                         const char *b)
{
  gsize len;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;

  /* Signature lengths are public: only the bytes need constant time. */
  len = strlen (a);
  if (len != strlen (b))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];

  return diff == 0;
}

/* Canonical URI */

char *
_s3dlio_signer_normalize_path (const char *path)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  gboolean trailing_slash = FALSE;
  GString *out;
  guint n;

  g_return_val_if_fail (path != NULL, NULL);

  segments = g_strsplit (path, "/", -1);
  n = g_strv_length (segments);
  kept = g_ptr_array_sized_new (n);

  /* RFC 3986 remove_dot_segments, with empty segments (`//`) dropped too;
   * a path that ends in `/`, `/.` or `/..` keeps a trailing slash. */
  for (guint i = 0; i < n; i++)
    {
      const char *segment = segments[i];
      gboolean last = (i + 1 == n);

      if (strcmp (segment, "..") == 0)
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          trailing_slash = last;
        }
      else if (*segment == '\0' || strcmp (segment, ".") == 0)
        {
          trailing_slash = last;
        }
      else
        {
          g_ptr_array_add (kept, (gpointer) segment);
          trailing_slash = FALSE;
        }
    }

  out = g_string_sized_new (strlen (path) + 1);
  for (guint i = 0; i < kept->len; i++)
    {
      g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (kept, i));
    }
  if (out->len == 0 || trailing_slash)
    g_string_append_c (out, '/');

  return g_string_free (out, FALSE);
}

static void
append_canonical_uri (GString           *out,
                      S3dlioRequest     *request,
                      S3dlioSignerFlags  flags)
{
  g_autofree char *normalized = NULL;
  const char *path = s3dlio_request_get_path (request);

  if (flags & S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH)
    path = normalized = _s3dlio_signer_normalize_path (path);

  if (flags & S3DLIO_SIGNER_FLAGS_DOUBLE_ENCODE_PATH)
    {
      g_autofree char *once = _s3dlio_uri_encode (path, TRUE);

      _s3dlio_uri_encode_append (out, once, -1, TRUE);
    }
  else
    {
      _s3dlio_uri_encode_append (out, path, -1, TRUE);
    }
}

/* Canonical query */

typedef struct {
  char *name;    /* encoded */
  char *value;   /* encoded, "" for a parameter without a value */
} EncodedParam;

static void
encoded_param_clear (gpointer data)
{
  EncodedParam *param = data;

  g_free (param->name);
  g_free (param->value);
}

static void
add_encoded_param (GArray     *params,
                   const char *name,
                   const char *value)
{
  EncodedParam param = {
    _s3dlio_uri_encode (name, FALSE),
    _s3dlio_uri_encode (value ? value : "", FALSE),
  };

  g_array_append_val (params, param);
}

static int
compare_encoded_params (gconstpointer a,
                        gconstpointer b)
{
  const EncodedParam *pa = a;
  const EncodedParam *pb = b;
  int cmp = strcmp (pa->name, pb->name);

  return cmp != 0 ? cmp : strcmp (pa->value, pb->value);
}

/* The query parameters a presigned URL gets from the signer. */
static const char *const presign_params[] = {
  "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
  "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
};

static gboolean
is_presign_param (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (presign_params); i++)
    if (strcmp (name, presign_params[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Canonical headers */

typedef struct {
  char       *name;    /* lowercase */
  const char *value;   /* as on the request */
  guint       order;   /* keeps repeated headers in their order */
} HeaderEntry;

static void
header_entry_clear (gpointer data)
{
  HeaderEntry *entry = data;

  g_free (entry->name);
}

static int
compare_header_entries (gconstpointer a,
                        gconstpointer b)
{
  const HeaderEntry *ea = a;
  const HeaderEntry *eb = b;
  int cmp = strcmp (ea->name, eb->name);

  if (cmp != 0)
    return cmp;
  return ea->order < eb->order ? -1 : (ea->order > eb->order ? 1 : 0);
}

static gboolean
is_unsigned_header (const char *lower_name)
{
  static const char *const unsigned_headers[] = {
    "authorization", "user-agent", "expect", "x-amzn-trace-id",
    "host",   /* the request's host is signed instead */
  };

  for (guint i = 0; i < G_N_ELEMENTS (unsigned_headers); i++)
    if (strcmp (lower_name, unsigned_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trims the value and turns every run of whitespace inside it, line breaks
 * of obs-fold continuation lines included, into one space. */
static void
append_canonical_header_value (GString    *out,
                               const char *value)
{
  gboolean started = FALSE;
  gboolean pending_space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (is_space (*p))
        {
          pending_space = started;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      g_string_append_c (out, *p);
      started = TRUE;
      pending_space = FALSE;
    }
}

/* Everything one signing needs, gathered once. */
typedef struct {
  S3dlioSignerFlags  flags;
  const char        *service;          /* interned */
  const char        *access_key_id;
  const char        *secret_access_key;
  const char        *session_token;    /* NULL without one */
  gboolean           presign;
  guint              expires_seconds;
  char               date[9];          /* 20150830 */
  char               amz_date[17];     /* 20150830T123600Z */
  char              *scope;
  const char        *payload_hash;
} SignContext;

static gboolean
sign_token (const SignContext *ctx)
{
  return ctx->session_token != NULL &&
         !(ctx->flags & S3DLIO_SIGNER_FLAGS_UNSIGNED_SESSION_TOKEN);
}

/* Whether @lower_name is a header sign() sets, so that one already on the
 * request is replaced rather than signed. */
static gboolean
is_replaced_header (const SignContext *ctx,
                    const char        *lower_name)
{
  if (ctx->presign)
    return FALSE;
  if (strcmp (lower_name, "x-amz-date") == 0)
    return TRUE;
  if (strcmp (lower_name, "x-amz-content-sha256") == 0)
    return !(ctx->flags & S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER);
  if (strcmp (lower_name, "x-amz-security-token") == 0)
    return ctx->session_token != NULL;
  return FALSE;
}

static void
add_header_entry (GArray     *entries,
                  char       *lower_name,
                  const char *value)
{
  HeaderEntry entry = { lower_name, value, entries->len };

  g_array_append_val (entries, entry);
}

/* Appends the canonical headers block (each `name:value\n`) to
 * @canonical and returns the signed headers list. */
static char *
append_canonical_headers (GString           *canonical,
                          S3dlioRequest     *request,
                          const SignContext *ctx)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (HeaderEntry));
  GString *signed_headers = g_string_sized_new (64);
  guint n_headers = _s3dlio_request_get_n_headers (request);

  g_array_set_clear_func (entries, header_entry_clear);

  add_header_entry (entries, g_strdup ("host"), s3dlio_request_get_host (request));
  for (guint i = 0; i < n_headers; i++)
    {
      const char *name, *value;
      char *lower_name;

      _s3dlio_request_get_header_nth (request, i, &name, &value);
      lower_name = g_ascii_strdown (name, -1);
      if (is_unsigned_header (lower_name) || is_replaced_header (ctx, lower_name))
        g_free (lower_name);
      else
        add_header_entry (entries, lower_name, value);
    }

  if (!ctx->presign)
    {
      add_header_entry (entries, g_strdup ("x-amz-date"), ctx->amz_date);
      if (!(ctx->flags & S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER))
        add_header_entry (entries, g_strdup ("x-amz-content-sha256"), ctx->payload_hash);
      if (sign_token (ctx))
        add_header_entry (entries, g_strdup ("x-amz-security-token"), ctx->session_token);
    }

  g_array_sort (entries, compare_header_entries);

  /* Repeated headers become one line, their values joined with `,`. */
  for (guint i = 0; i < entries->len; i++)
    {
      HeaderEntry *entry = &g_array_index (entries, HeaderEntry, i);
      gboolean continues = (i > 0 &&
                            strcmp (entry->name,
                                    g_array_index (entries, HeaderEntry, i - 1).name) == 0);

      if (continues)
        {
          g_string_append_c (canonical, ',');
        }
      else
        {
          if (i > 0)
            {
              g_string_append_c (canonical, '\n');
              g_string_append_c (signed_headers, ';');
            }
          g_string_append (canonical, entry->name);
          g_string_append_c (canonical, ':');
          g_string_append (signed_headers, entry->name);
        }
      append_canonical_header_value (canonical, entry->value);
    }
  g_string_append_c (canonical, '\n');

  return g_string_free (signed_headers, FALSE);
}

static char *
format_expires (guint expires_seconds)
{
  return g_strdup_printf ("%u", expires_seconds);
}

static void
append_canonical_query (GString           *canonical,
                        S3dlioRequest     *request,
                        const SignContext *ctx,
                        const char        *signed_headers)
{
  g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (EncodedParam));
  guint n_queries = _s3dlio_request_get_n_queries (request);

  g_array_set_clear_func (params, encoded_param_clear);

  for (guint i = 0; i < n_queries; i++)
    {
      const char *name, *value;

      _s3dlio_request_get_query_nth (request, i, &name, &value);
      if (!ctx->presign || !is_presign_param (name))
        add_encoded_param (params, name, value);
    }

  if (ctx->presign)
    {
      g_autofree char *credential = g_strconcat (ctx->access_key_id, "/", ctx->scope, NULL);
      g_autofree char *expires = format_expires (ctx->expires_seconds);

      add_encoded_param (params, "X-Amz-Algorithm", ALGORITHM);
      add_encoded_param (params, "X-Amz-Credential", credential);
      add_encoded_param (params, "X-Amz-Date", ctx->amz_date);
      add_encoded_param (params, "X-Amz-Expires", expires);
      add_encoded_param (params, "X-Amz-SignedHeaders", signed_headers);
      if (sign_token (ctx))
        add_encoded_param (params, "X-Amz-Security-Token", ctx->session_token);
    }

  g_array_sort (params, compare_encoded_params);

  for (guint i = 0; i < params->len; i++)
    {
      EncodedParam *param = &g_array_index (params, EncodedParam, i);

      if (i > 0)
        g_string_append_c (canonical, '&');
      g_string_append (canonical, param->name);
      g_string_append_c (canonical, '=');
      g_string_append (canonical, param->value);
    }
}

/* Signing key */

static void
hmac_sha256 (const guint8 *key,
             gsize         key_len,
             const char   *data,
             gsize         data_len,
             guint8        digest[SHA256_LEN])
{
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize digest_len = SHA256_LEN;

  g_hmac_update (hmac, (const guchar *) data, data_len);
  g_hmac_get_digest (hmac, digest, &digest_len);
  g_hmac_unref (hmac);

  g_assert (digest_len == SHA256_LEN);
}

static void
derive_signing_key (const SignContext *ctx,
                    const char        *region,
                    guint8             key[SHA256_LEN])
{
  gsize secret_len = strlen (ctx->secret_access_key);
  gsize seed_len = 4 + secret_len;
  guint8 *seed = g_malloc (seed_len);
  guint8 step[SHA256_LEN];

  memcpy (seed, "AWS4", 4);
  memcpy (seed + 4, ctx->secret_access_key, secret_len);

  hmac_sha256 (seed, seed_len, ctx->date, strlen (ctx->date), step);
  hmac_sha256 (step, SHA256_LEN, region, strlen (region), step);
  hmac_sha256 (step, SHA256_LEN, ctx->service, strlen (ctx->service), step);
  hmac_sha256 (step, SHA256_LEN, "aws4_request", strlen ("aws4_request"), key);

  wipe (seed, seed_len);
  wipe (step, sizeof step);
  g_free (seed);
}

/* Copies the signing key of the context's date and service into @key,
 * deriving it only when the cached one is for another day or service. */
static void
get_signing_key (S3dlioSigner      *self,
                 const SignContext *ctx,
                 guint8             key[SHA256_LEN])
{
  g_mutex_lock (&self->key_lock);

  if (!self->key_valid ||
      self->key_service != ctx->service ||
      memcmp (self->key_date, ctx->date, sizeof self->key_date) != 0)
    {
      derive_signing_key (ctx, self->region, self->key);
      memcpy (self->key_date, ctx->date, sizeof self->key_date);
      self->key_service = ctx->service;
      self->key_valid = TRUE;
      self->key_derivations++;
      g_debug ("Derived the signing key for %s/%s/%s",
               ctx->date, self->region, ctx->service);
    }
  memcpy (key, self->key, SHA256_LEN);

  g_mutex_unlock (&self->key_lock);
}

guint
_s3dlio_signer_get_key_derivations (S3dlioSigner *self)
{
  guint n;

  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), 0);

  g_mutex_lock (&self->key_lock);
  n = self->key_derivations;
  g_mutex_unlock (&self->key_lock);

  return n;
}

/* Computation */

static gboolean
check_expires (guint    expires_seconds,
               GError **error)
{
  if (expires_seconds >= 1 && expires_seconds <= MAX_EXPIRES_SECONDS)
    return TRUE;

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
               _("Presigned URL lifetime of %u seconds is out of range: "
                  "it must be 1 to %u seconds (7 days)"),
               expires_seconds, (guint) MAX_EXPIRES_SECONDS);
  return FALSE;
}

static gboolean
init_context (S3dlioSigner   *self,
              S3dlioRequest  *request,
              GDateTime      *timestamp,
              gboolean        presign,
              guint           expires_seconds,
              SignContext    *ctx,
              GError        **error)
{
  g_autoptr(GDateTime) utc = NULL;
  const char *token;

  if (s3dlio_credentials_is_anonymous (self->credentials))
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS,
                           _("Anonymous credentials cannot sign a request"));
      return FALSE;
    }

  ctx->access_key_id = s3dlio_credentials_get_access_key_id (self->credentials);
  ctx->secret_access_key = _s3dlio_credentials_get_secret_access_key (self->credentials);
  if (ctx->access_key_id == NULL || *ctx->access_key_id == '\0' ||
      ctx->secret_access_key == NULL || *ctx->secret_access_key == '\0')
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS,
                           _("The credentials lack an access key id or a secret access key"));
      return FALSE;
    }
  token = _s3dlio_credentials_get_session_token (self->credentials);
  ctx->session_token = (token != NULL && *token != '\0') ? token : NULL;

  if (*s3dlio_request_get_host (request) == '\0')
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("Cannot sign a request without a host"));
      return FALSE;
    }

  if (presign && !check_expires (expires_seconds, error))
    return FALSE;

  ctx->flags = s3dlio_signer_get_flags (self);
  ctx->service = g_atomic_pointer_get (&self->service);
  ctx->presign = presign;
  ctx->expires_seconds = expires_seconds;

  utc = timestamp ? g_date_time_to_utc (timestamp) : g_date_time_new_now_utc ();
  g_snprintf (ctx->date, sizeof ctx->date, "%04d%02d%02d",
              g_date_time_get_year (utc), g_date_time_get_month (utc),
              g_date_time_get_day_of_month (utc));
  g_snprintf (ctx->amz_date, sizeof ctx->amz_date, "%sT%02d%02d%02dZ",
              ctx->date, g_date_time_get_hour (utc),
              g_date_time_get_minute (utc), g_date_time_get_second (utc));
  ctx->scope = g_strconcat (ctx->date, "/", self->region, "/", ctx->service,
                            "/aws4_request", NULL);

  /* A presigned URL cannot carry a body hash header: unless the caller
   * chose a hash, S3 is told the payload is not signed. */
  if (presign && !_s3dlio_request_has_payload_hash (request))
    ctx->payload_hash = S3DLIO_UNSIGNED_PAYLOAD;
  else
    ctx->payload_hash = s3dlio_request_get_payload_hash (request);

  return TRUE;
}

static char *
build_presigned_url (S3dlioRequest     *request,
                     const SignContext *ctx,
                     const char        *signed_headers,
                     const char        *signature)
{
  g_autofree char *credential = g_strconcat (ctx->access_key_id, "/", ctx->scope, NULL);
  g_autofree char *expires = format_expires (ctx->expires_seconds);
  GString *url = g_string_sized_new (256);
  guint n_queries = _s3dlio_request_get_n_queries (request);

  g_string_append (url, s3dlio_request_get_scheme (request));
  g_string_append (url, "://");
  g_string_append (url, s3dlio_request_get_host (request));
  _s3dlio_request_append_encoded_path (request, url);
  g_string_append_c (url, '?');

  for (guint i = 0; i < n_queries; i++)
    {
      const char *name, *value;

      _s3dlio_request_get_query_nth (request, i, &name, &value);
      if (is_presign_param (name))
        continue;
      _s3dlio_uri_encode_append (url, name, -1, FALSE);
      if (value != NULL)
        {
          g_string_append_c (url, '=');
          _s3dlio_uri_encode_append (url, value, -1, FALSE);
        }
      g_string_append_c (url, '&');
    }

  g_string_append (url, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
  _s3dlio_uri_encode_append (url, credential, -1, FALSE);
  g_string_append (url, "&X-Amz-Date=");
  g_string_append (url, ctx->amz_date);
  g_string_append (url, "&X-Amz-Expires=");
  g_string_append (url, expires);
  g_string_append (url, "&X-Amz-SignedHeaders=");
  _s3dlio_uri_encode_append (url, signed_headers, -1, FALSE);
  if (ctx->session_token != NULL)
    {
      g_string_append (url, "&X-Amz-Security-Token=");
      _s3dlio_uri_encode_append (url, ctx->session_token, -1, FALSE);
    }
  g_string_append (url, "&X-Amz-Signature=");
  g_string_append (url, signature);

  return g_string_free (url, FALSE);
}

/* _s3dlio_signer_compute(), also telling which flags it used: they may
 * change while it runs, and sign() must add the headers that were signed. */
static gboolean
compute (S3dlioSigner       *self,
         S3dlioRequest      *request,
         GDateTime          *timestamp,
         gboolean            presign,
         guint               expires_seconds,
         S3dlioSignature    *out,
         S3dlioSignerFlags  *flags_used,
         GError            **error)
{
  SignContext ctx = { 0 };
  g_autoptr(GString) canonical = NULL;
  g_autoptr(GString) headers_block = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *canonical_hash = NULL;
  g_autofree char *string_to_sign = NULL;
  guint8 key[SHA256_LEN];
  guint8 digest[SHA256_LEN];
  char *signature;

  _s3dlio_signature_clear (out);

  if (!init_context (self, request, timestamp, presign, expires_seconds, &ctx, error))
    {
      g_free (ctx.scope);
      return FALSE;
    }

  /* The headers come before the query in the canonical request, but a
   * presigned query lists the signed headers: build them first. */
  headers_block = g_string_sized_new (256);
  signed_headers = append_canonical_headers (headers_block, request, &ctx);

  canonical = g_string_sized_new (512);
  g_string_append (canonical, s3dlio_request_get_method (request));
  g_string_append_c (canonical, '\n');
  append_canonical_uri (canonical, request, ctx.flags);
  g_string_append_c (canonical, '\n');
  append_canonical_query (canonical, request, &ctx, signed_headers);
  g_string_append_c (canonical, '\n');
  g_string_append_len (canonical, headers_block->str, headers_block->len);
  g_string_append_c (canonical, '\n');
  g_string_append (canonical, signed_headers);
  g_string_append_c (canonical, '\n');
  g_string_append (canonical, ctx.payload_hash);

  canonical_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                (const guchar *) canonical->str,
                                                canonical->len);
  string_to_sign = g_strconcat (ALGORITHM "\n", ctx.amz_date, "\n", ctx.scope, "\n",
                                canonical_hash, NULL);

  get_signing_key (self, &ctx, key);
  hmac_sha256 (key, SHA256_LEN, string_to_sign, strlen (string_to_sign), digest);
  wipe (key, sizeof key);
  signature = g_malloc (SHA256_LEN * 2 + 1);
  for (guint i = 0; i < SHA256_LEN; i++)
    {
      signature[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      signature[2 * i + 1] = "0123456789abcdef"[digest[i] & 0xf];
    }
  signature[SHA256_LEN * 2] = '\0';

  if (presign)
    out->presigned_url = build_presigned_url (request, &ctx, signed_headers, signature);
  else
    out->authorization = g_strconcat (ALGORITHM " Credential=", ctx.access_key_id, "/", ctx.scope,
                                      ", SignedHeaders=", signed_headers,
                                      ", Signature=", signature, NULL);

  out->canonical_request = g_string_free (g_steal_pointer (&canonical), FALSE);
  out->string_to_sign = g_steal_pointer (&string_to_sign);
  out->credential_scope = g_steal_pointer (&ctx.scope);
  out->signed_headers = g_steal_pointer (&signed_headers);
  out->signature = signature;
  out->amz_date = g_strdup (ctx.amz_date);
  out->payload_hash = g_strdup (ctx.payload_hash);
  if (flags_used)
    *flags_used = ctx.flags;

  return TRUE;
}

gboolean
_s3dlio_signer_compute (S3dlioSigner     *self,
                        S3dlioRequest    *request,
                        GDateTime        *timestamp,
                        gboolean          presign,
                        guint             expires_seconds,
                        S3dlioSignature  *out,
                        GError          **error)
{
  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_REQUEST (request), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return compute (self, request, timestamp, presign, expires_seconds, out, NULL, error);
}

static void
log_signed (S3dlioRequest         *request,
            const S3dlioSignature *signature,
            const char            *how)
{
  /* Only names that are not secret: never the canonical request, which
   * holds the session token. Checked first so that the hot path does not
   * format a message nobody reads. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;

  g_debug ("%s %s %s%s (scope %s, signed headers %s)",
           how, s3dlio_request_get_method (request),
           s3dlio_request_get_host (request), s3dlio_request_get_path (request),
           signature->credential_scope, signature->signed_headers);
}

/**
 * s3dlio_signer_sign:
 * @self: a signer
 * @request: the request to sign
 * @timestamp: (nullable): the signing time, or %NULL for now
 * @error: return location for a #GError
 *
 * Signs @request in place. It sets `x-amz-date`, `x-amz-content-sha256`
 * (the request's [property@S3dlio.Request:payload-hash]),
 * `x-amz-security-token` when the credentials have a session token, and
 * `Authorization`, replacing any headers of those names.
 *
 * With anonymous credentials the request is left as it is.
 *
 * This may be called from several threads at once with different requests.
 *
 * Returns: %TRUE on success
 */
gboolean
s3dlio_signer_sign (S3dlioSigner   *self,
                    S3dlioRequest  *request,
                    GDateTime      *timestamp,
                    GError        **error)
{
  g_auto(S3dlioSignature) signature = { 0 };
  S3dlioSignerFlags flags = S3DLIO_SIGNER_FLAGS_NONE;
  const char *token;

  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_REQUEST (request), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (s3dlio_credentials_is_anonymous (self->credentials))
    return TRUE;

  if (!compute (self, request, timestamp, FALSE, 0, &signature, &flags, error))
    return FALSE;

  /* In the order of the AWS test suite's signed requests. */
  token = _s3dlio_credentials_get_session_token (self->credentials);
  if (token != NULL && *token != '\0')
    s3dlio_request_set_header (request, "X-Amz-Security-Token", token);
  s3dlio_request_set_header (request, "X-Amz-Date", signature.amz_date);
  if (!(flags & S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER))
    s3dlio_request_set_header (request, "x-amz-content-sha256", signature.payload_hash);
  s3dlio_request_set_header (request, "Authorization", signature.authorization);

  log_signed (request, &signature, "Signed");

  return TRUE;
}

/**
 * s3dlio_signer_presign:
 * @self: a signer
 * @request: the request to presign
 * @timestamp: (nullable): the signing time, or %NULL for now
 * @expires_seconds: how long the URL stays valid, 1 to 604800 (7 days)
 * @error: return location for a #GError
 *
 * Makes a presigned URL for @request: its URI with the `X-Amz-Algorithm`,
 * `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with temporary
 * credentials) and `X-Amz-Signature` query parameters added. The request's
 * headers are signed too, so whoever uses the URL must send them.
 *
 * The payload hash is `UNSIGNED-PAYLOAD` unless one was set on @request
 * with [method@S3dlio.Request.set_payload] or
 * [method@S3dlio.Request.set_payload_hash]. @request is not modified.
 *
 * With anonymous credentials this is the plain URI of @request.
 *
 * Returns: (transfer full): the URL, or %NULL with @error set when
 *   @expires_seconds is out of range
 */
char *
s3dlio_signer_presign (S3dlioSigner   *self,
                       S3dlioRequest  *request,
                       GDateTime      *timestamp,
                       guint           expires_seconds,
                       GError        **error)
{
  g_auto(S3dlioSignature) signature = { 0 };

  g_return_val_if_fail (S3DLIO_IS_SIGNER (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_REQUEST (request), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_expires (expires_seconds, error))
    return NULL;

  if (s3dlio_credentials_is_anonymous (self->credentials))
    return s3dlio_request_to_uri_string (request);

  if (!compute (self, request, timestamp, TRUE, expires_seconds, &signature, NULL, error))
    return NULL;

  log_signed (request, &signature, "Presigned");

  return g_steal_pointer (&signature.presigned_url);
}
