/* s3dlio-object-info.c: what a listing or a HEAD says about an object
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "s3dlio-error.h"
#include "s3dlio-error-private.h"
#include "s3dlio-object-info.h"
#include "s3dlio-object-info-private.h"

#define USER_METADATA_PREFIX "x-amz-meta-"

/* Longest header value quoted in an error message. */
#define HEADER_QUOTE_MAX 80

/**
 * S3dlioObjectInfo:
 *
 * What S3 says about one object: its key, size, ETag, modification time,
 * content type, storage class and user metadata (the `x-amz-meta-*`
 * headers).
 *
 * Object infos come from listings (where only the key, size, ETag,
 * modification time and storage class are known) and from `HEAD` or `GET`
 * responses. In a listing with a delimiter, a common prefix (a "directory")
 * is an object info whose [property@S3dlio.ObjectInfo:is-prefix] is %TRUE
 * and whose key is the prefix, ending with the delimiter.
 */

struct _S3dlioObjectInfo
{
  GObject     parent_instance;

  char       *key;
  guint64     size;
  char       *etag;
  GDateTime  *last_modified;
  char       *content_type;
  char       *storage_class;
  gboolean    is_prefix;
  GHashTable *metadata;   /* lowercase name → value */
};

G_DEFINE_FINAL_TYPE (S3dlioObjectInfo, s3dlio_object_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_SIZE,
  PROP_ETAG,
  PROP_LAST_MODIFIED,
  PROP_CONTENT_TYPE,
  PROP_STORAGE_CLASS,
  PROP_IS_PREFIX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_object_info_finalize (GObject *object)
{
  S3dlioObjectInfo *self = (S3dlioObjectInfo *) object;

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->last_modified, g_date_time_unref);
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->storage_class, g_free);
  g_clear_pointer (&self->metadata, g_hash_table_unref);

  G_OBJECT_CLASS (s3dlio_object_info_parent_class)->finalize (object);
}

static void
s3dlio_object_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  S3dlioObjectInfo *self = S3DLIO_OBJECT_INFO (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_ETAG:
      g_value_set_string (value, self->etag);
      break;
    case PROP_LAST_MODIFIED:
      g_value_set_boxed (value, self->last_modified);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;
    case PROP_STORAGE_CLASS:
      g_value_set_string (value, self->storage_class);
      break;
    case PROP_IS_PREFIX:
      g_value_set_boolean (value, self->is_prefix);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_object_info_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  S3dlioObjectInfo *self = S3DLIO_OBJECT_INFO (object);

  switch (prop_id)
    {
    case PROP_KEY:
      s3dlio_object_info_set_key (self, g_value_get_string (value));
      break;
    case PROP_SIZE:
      s3dlio_object_info_set_size (self, g_value_get_uint64 (value));
      break;
    case PROP_ETAG:
      s3dlio_object_info_set_etag (self, g_value_get_string (value));
      break;
    case PROP_LAST_MODIFIED:
      s3dlio_object_info_set_last_modified (self, g_value_get_boxed (value));
      break;
    case PROP_CONTENT_TYPE:
      s3dlio_object_info_set_content_type (self, g_value_get_string (value));
      break;
    case PROP_STORAGE_CLASS:
      s3dlio_object_info_set_storage_class (self, g_value_get_string (value));
      break;
    case PROP_IS_PREFIX:
      s3dlio_object_info_set_is_prefix (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_object_info_class_init (S3dlioObjectInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_object_info_finalize;
  object_class->get_property = s3dlio_object_info_get_property;
  object_class->set_property = s3dlio_object_info_set_property;

  /**
   * S3dlioObjectInfo:key:
   *
   * The object key, decoded (a listing made with `encoding-type=url` has
   * already been decoded). For a common prefix, the prefix itself.
   */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:size:
   *
   * The size of the object in bytes; 0 for a common prefix.
   */
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:etag:
   *
   * The entity tag exactly as S3 sent it, with its double quotes, for
   * example `"9b2cf535f27731c974343645a3985328"` (a multipart upload's ends
   * with `-N`), or %NULL if unknown.
   */
  properties[PROP_ETAG] =
    g_param_spec_string ("etag", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:last-modified:
   *
   * When the object was last modified, or %NULL if unknown.
   */
  properties[PROP_LAST_MODIFIED] =
    g_param_spec_boxed ("last-modified", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:content-type:
   *
   * The `Content-Type` of the object, or %NULL if unknown (listings do not
   * give it).
   */
  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:storage-class:
   *
   * The storage class, such as `STANDARD` or `GLACIER`, or %NULL if unknown
   * (S3 leaves out the `x-amz-storage-class` header for `STANDARD`).
   */
  properties[PROP_STORAGE_CLASS] =
    g_param_spec_string ("storage-class", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectInfo:is-prefix:
   *
   * Whether this is a common prefix of a delimited listing (shown as a
   * directory) rather than an object.
   */
  properties[PROP_IS_PREFIX] =
    g_param_spec_boolean ("is-prefix", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_object_info_init (S3dlioObjectInfo *self)
{
  self->key = g_strdup ("");
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * s3dlio_object_info_new:
 * @key: the object key
 *
 * Creates an object info for @key with nothing else known.
 *
 * Returns: (transfer full): a new object info
 */
S3dlioObjectInfo *
s3dlio_object_info_new (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_object_new (S3DLIO_TYPE_OBJECT_INFO, "key", key, NULL);
}

static void
set_string (S3dlioObjectInfo  *self,
            char             **field,
            const char        *value,
            guint              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * s3dlio_object_info_get_key:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:key].
 *
 * Returns: the object key, or the prefix of a common prefix
 */
const char *
s3dlio_object_info_get_key (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->key;
}

/**
 * s3dlio_object_info_set_key:
 * @self: an object info
 * @key: the object key
 *
 * Sets the [property@S3dlio.ObjectInfo:key].
 */
void
s3dlio_object_info_set_key (S3dlioObjectInfo *self,
                            const char       *key)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  set_string (self, &self->key, key != NULL ? key : "", PROP_KEY);
}

/**
 * s3dlio_object_info_get_size:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:size].
 *
 * Returns: the size of the object in bytes
 */
guint64
s3dlio_object_info_get_size (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), 0);

  return self->size;
}

/**
 * s3dlio_object_info_set_size:
 * @self: an object info
 * @size: the size in bytes
 *
 * Sets the [property@S3dlio.ObjectInfo:size].
 */
void
s3dlio_object_info_set_size (S3dlioObjectInfo *self,
                             guint64           size)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  if (self->size == size)
    return;

  self->size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

/**
 * s3dlio_object_info_get_etag:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:etag].
 *
 * Returns: (nullable): the entity tag with its quotes, or %NULL
 */
const char *
s3dlio_object_info_get_etag (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->etag;
}

/**
 * s3dlio_object_info_set_etag:
 * @self: an object info
 * @etag: (nullable): the entity tag, or %NULL
 *
 * Sets the [property@S3dlio.ObjectInfo:etag].
 */
void
s3dlio_object_info_set_etag (S3dlioObjectInfo *self,
                             const char       *etag)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  set_string (self, &self->etag, etag, PROP_ETAG);
}

/**
 * s3dlio_object_info_get_last_modified:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:last-modified].
 *
 * Returns: (nullable) (transfer none): the modification time, or %NULL
 */
GDateTime *
s3dlio_object_info_get_last_modified (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->last_modified;
}

/**
 * s3dlio_object_info_set_last_modified:
 * @self: an object info
 * @last_modified: (nullable): the modification time, or %NULL
 *
 * Sets the [property@S3dlio.ObjectInfo:last-modified].
 */
void
s3dlio_object_info_set_last_modified (S3dlioObjectInfo *self,
                                      GDateTime        *last_modified)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  if (self->last_modified == last_modified ||
      (self->last_modified != NULL && last_modified != NULL &&
       g_date_time_equal (self->last_modified, last_modified)))
    return;

  g_clear_pointer (&self->last_modified, g_date_time_unref);
  if (last_modified != NULL)
    self->last_modified = g_date_time_ref (last_modified);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MODIFIED]);
}

/**
 * s3dlio_object_info_get_content_type:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:content-type].
 *
 * Returns: (nullable): the content type, or %NULL
 */
const char *
s3dlio_object_info_get_content_type (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->content_type;
}

/**
 * s3dlio_object_info_set_content_type:
 * @self: an object info
 * @content_type: (nullable): the content type, or %NULL
 *
 * Sets the [property@S3dlio.ObjectInfo:content-type].
 */
void
s3dlio_object_info_set_content_type (S3dlioObjectInfo *self,
                                     const char       *content_type)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  set_string (self, &self->content_type, content_type, PROP_CONTENT_TYPE);
}

/**
 * s3dlio_object_info_get_storage_class:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:storage-class].
 *
 * Returns: (nullable): the storage class, or %NULL
 */
const char *
s3dlio_object_info_get_storage_class (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->storage_class;
}

/**
 * s3dlio_object_info_set_storage_class:
 * @self: an object info
 * @storage_class: (nullable): the storage class, or %NULL
 *
 * Sets the [property@S3dlio.ObjectInfo:storage-class].
 */
void
s3dlio_object_info_set_storage_class (S3dlioObjectInfo *self,
                                      const char       *storage_class)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  set_string (self, &self->storage_class, storage_class, PROP_STORAGE_CLASS);
}

/**
 * s3dlio_object_info_get_is_prefix:
 * @self: an object info
 *
 * Gets the [property@S3dlio.ObjectInfo:is-prefix].
 *
 * Returns: %TRUE for a common prefix of a delimited listing
 */
gboolean
s3dlio_object_info_get_is_prefix (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), FALSE);

  return self->is_prefix;
}

/**
 * s3dlio_object_info_set_is_prefix:
 * @self: an object info
 * @is_prefix: whether this is a common prefix
 *
 * Sets the [property@S3dlio.ObjectInfo:is-prefix].
 */
void
s3dlio_object_info_set_is_prefix (S3dlioObjectInfo *self,
                                  gboolean          is_prefix)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));

  is_prefix = !!is_prefix;
  if (self->is_prefix == is_prefix)
    return;

  self->is_prefix = is_prefix;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_PREFIX]);
}

/**
 * s3dlio_object_info_get_metadata:
 * @self: an object info
 *
 * Gets the user metadata: the `x-amz-meta-NAME` headers of the object, by
 * NAME in lowercase (without the prefix).
 *
 * Returns: (transfer none) (element-type utf8 utf8): the metadata, owned by
 *   @self; do not modify it
 */
GHashTable *
s3dlio_object_info_get_metadata (S3dlioObjectInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  return self->metadata;
}

/**
 * s3dlio_object_info_get_metadata_value:
 * @self: an object info
 * @name: a metadata name, without `x-amz-meta-`; case does not matter
 *
 * Looks up one item of user metadata.
 *
 * Returns: (nullable): the value, or %NULL if @self has no metadata @name
 */
const char *
s3dlio_object_info_get_metadata_value (S3dlioObjectInfo *self,
                                       const char       *name)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  lower = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (self->metadata, lower);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * s3dlio_object_info_get_metadata_keys:
 * @self: an object info
 *
 * Lists the names of the user metadata, sorted.
 *
 * Returns: (transfer full) (array zero-terminated=1): the lowercase metadata
 *   names, possibly none
 */
char **
s3dlio_object_info_get_metadata_keys (S3dlioObjectInfo *self)
{
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;
  char **names;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_INFO (self), NULL);

  keys = g_hash_table_get_keys_as_array (self->metadata, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);

  names = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    names[i] = g_strdup (keys[i]);

  return names;
}

/**
 * s3dlio_object_info_set_metadata_value:
 * @self: an object info
 * @name: a metadata name, without `x-amz-meta-`; it is lowercased
 * @value: (nullable): the value, or %NULL to remove @name
 *
 * Sets or removes one item of user metadata.
 */
void
s3dlio_object_info_set_metadata_value (S3dlioObjectInfo *self,
                                       const char       *name,
                                       const char       *value)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_INFO (self));
  g_return_if_fail (name != NULL && *name != '\0');

  if (value == NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      g_hash_table_remove (self->metadata, lower);
      return;
    }

  g_hash_table_replace (self->metadata, g_ascii_strdown (name, -1), g_strdup (value));
}

/* Content-Range and headers (private) */

static gboolean
set_header_error (GError     **error,
                  const char  *header,
                  const char  *value,
                  const char  *problem)
{
  g_autofree char *quoted = _s3dlio_error_sanitize_text (value, -1, HEADER_QUOTE_MAX);

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               /* Translators: a header name such as Content-Range, its value,
                * then the problem */
               _("Malformed %s header “%s”: %s"), header, quoted, problem);
  return FALSE;
}

/* Reads one or more decimal digits at *@p, advancing it. */
static gboolean
read_decimal (const char **p,
              guint64     *out)
{
  guint64 number = 0;
  const char *q = *p;

  if (!g_ascii_isdigit (*q))
    return FALSE;

  for (; g_ascii_isdigit (*q); q++)
    {
      guint digit = *q - '0';

      if (number > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      number = number * 10 + digit;
    }

  *p = q;
  *out = number;
  return TRUE;
}

static gboolean
skip_char (const char **p,
           char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

#define CONTENT_RANGE_EXPECTED N_("expected “bytes START-END/TOTAL” or “bytes */TOTAL”")

static gboolean
parse_content_range (const char  *value,
                     guint64     *start,
                     guint64     *end,
                     guint64     *total,
                     GError     **error)
{
  const char *p = value;

  if (!g_str_has_prefix (p, "bytes "))
    return set_header_error (error, "Content-Range", value, _(CONTENT_RANGE_EXPECTED));
  p += strlen ("bytes ");

  if (*p == '*')
    {
      *start = *end = G_MAXUINT64;
      p++;
    }
  else
    {
      if (!read_decimal (&p, start) || !skip_char (&p, '-') || !read_decimal (&p, end))
        return set_header_error (error, "Content-Range", value, _(CONTENT_RANGE_EXPECTED));
      if (*end < *start)
        return set_header_error (error, "Content-Range", value,
                                 _("the range ends before it starts"));
    }

  if (!skip_char (&p, '/') || !read_decimal (&p, total) || *p != '\0')
    return set_header_error (error, "Content-Range", value, _(CONTENT_RANGE_EXPECTED));

  if (*start != G_MAXUINT64 && *end >= *total)
    return set_header_error (error, "Content-Range", value,
                             _("the range ends beyond the object"));

  return TRUE;
}

gboolean
_s3dlio_parse_content_range (const char  *value,
                             guint64     *start,
                             guint64     *end,
                             guint64     *total,
                             GError     **error)
{
  guint64 s = 0, e = 0, t = 0;

  if (value == NULL)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                           _("Missing Content-Range header"));
      return FALSE;
    }

  if (!parse_content_range (value, &s, &e, &t, error))
    return FALSE;

  if (start != NULL)
    *start = s;
  if (end != NULL)
    *end = e;
  if (total != NULL)
    *total = t;
  return TRUE;
}

static gboolean
size_from_headers (SoupMessageHeaders  *headers,
                   guint64             *size,
                   GError             **error)
{
  const char *content_range = soup_message_headers_get_one (headers, "Content-Range");
  const char *content_length = soup_message_headers_get_one (headers, "Content-Length");
  const char *p = content_length;

  if (content_range != NULL)
    return _s3dlio_parse_content_range (content_range, NULL, NULL, size, error);

  if (content_length == NULL)
    return TRUE;

  if (!read_decimal (&p, size) || *p != '\0')
    return set_header_error (error, "Content-Length", content_length,
                             _("expected a decimal number of bytes"));

  return TRUE;
}

/* Header values are bytes; properties and bindings want UTF-8. */
static char *
header_text (SoupMessageHeaders *headers,
             const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  return value != NULL ? g_utf8_make_valid (value, -1) : NULL;
}

static void
add_user_metadata (S3dlioObjectInfo   *self,
                   SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      gsize prefix_len = strlen (USER_METADATA_PREFIX);
      g_autofree char *meta_name = NULL;
      g_autofree char *meta_value = NULL;
      const char *previous;

      if (g_ascii_strncasecmp (name, USER_METADATA_PREFIX, prefix_len) != 0 ||
          name[prefix_len] == '\0')
        continue;

      meta_name = g_utf8_make_valid (name + prefix_len, -1);
      meta_value = g_utf8_make_valid (value, -1);

      /* A repeated header is a list (RFC 9110, 5.3). */
      previous = s3dlio_object_info_get_metadata_value (self, meta_name);
      if (previous != NULL)
        {
          g_autofree char *joined = g_strconcat (previous, ", ", meta_value, NULL);

          s3dlio_object_info_set_metadata_value (self, meta_name, joined);
        }
      else
        s3dlio_object_info_set_metadata_value (self, meta_name, meta_value);
    }
}

S3dlioObjectInfo *
_s3dlio_object_info_new_from_headers (const char          *key,
                                      SoupMessageHeaders  *headers,
                                      GError             **error)
{
  g_autoptr(S3dlioObjectInfo) self = NULL;
  g_autoptr(GDateTime) last_modified = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *storage_class = NULL;
  const char *last_modified_header;
  guint64 size = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (headers != NULL, NULL);

  if (!size_from_headers (headers, &size, error))
    return NULL;

  self = s3dlio_object_info_new (key);
  s3dlio_object_info_set_size (self, size);

  etag = header_text (headers, "ETag");
  s3dlio_object_info_set_etag (self, etag);

  last_modified_header = soup_message_headers_get_one (headers, "Last-Modified");
  if (last_modified_header != NULL)
    last_modified = soup_date_time_new_from_http_string (last_modified_header);
  if (last_modified_header != NULL && last_modified == NULL)
    g_debug ("Ignoring unparsable Last-Modified of %s", key);
  s3dlio_object_info_set_last_modified (self, last_modified);

  content_type = header_text (headers, "Content-Type");
  s3dlio_object_info_set_content_type (self, content_type);

  storage_class = header_text (headers, "x-amz-storage-class");
  s3dlio_object_info_set_storage_class (self, storage_class);

  add_user_metadata (self, headers);

  return g_steal_pointer (&self);
}
