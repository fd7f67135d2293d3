/* s3dlio-xml.c: parsers for the XML documents S3 sends
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "s3dlio-bucket-info.h"
#include "s3dlio-error.h"
#include "s3dlio-error-private.h"
#include "s3dlio-object-info.h"
#include "s3dlio-xml-private.h"

/* Longest server-supplied value quoted in a parse error. */
#define QUOTE_MAX 80

/* Longest description of a parse error (GMarkup's, or a callback's). */
#define PROBLEM_MAX 400

/* ------------------------------------------------------------------------
 * The reader
 * ------------------------------------------------------------------------ */

typedef struct {
  const S3dlioXmlHandler *handler;
  gpointer                user_data;
  gboolean                callbacks;       /* FALSE for an accepted <Error> root */
  char                   *root;            /* local name of the document element */
  gboolean                root_closed;
  guint                   depth;           /* 0 outside the document element */
  GString                *path;            /* below the document element */
  GString                *text;            /* of the innermost open element */
  gsize                   path_len[S3DLIO_XML_MAX_DEPTH + 1];
  gboolean                has_children[S3DLIO_XML_MAX_DEPTH + 1];
} XmlReader;

static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  if (colon != NULL && colon[1] != '\0')
    return colon + 1;
  return name;
}

static char *
describe_roots (const char *const *roots)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (roots == NULL)
    return g_strdup ("XML");

  for (gsize i = 0; roots[i] != NULL; i++)
    {
      if (i > 0)
        {
          /* Translators: joins the names of XML elements, as in
           * "<ListBucketResult> or <Error>" */
          g_string_append (names, _(" or "));
        }
      g_string_append_printf (names, "<%s>", roots[i]);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
root_is_accepted (const S3dlioXmlHandler *handler,
                  const char             *name)
{
  if (handler->roots == NULL)
    return TRUE;

  for (gsize i = 0; handler->roots[i] != NULL; i++)
    if (strcmp (handler->roots[i], name) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
start_root (XmlReader   *reader,
            const char  *name,
            GError     **error)
{
  if (reader->root != NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("a second document element <%s> after </%s>"), name, reader->root);
      return FALSE;
    }

  if (root_is_accepted (reader->handler, name))
    reader->callbacks = TRUE;
  else if (reader->handler->error_root && strcmp (name, "Error") == 0)
    reader->callbacks = FALSE;
  else
    {
      g_autofree char *expected = describe_roots (reader->handler->roots);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   /* Translators: the expected root element(s), then the one found */
                   _("expected a %s document but the document element is <%s>"),
                   expected, name);
      return FALSE;
    }

  reader->root = g_strdup (name);
  return TRUE;
}

static void
reader_start_element (GMarkupParseContext  *context,
                      const char           *element_name,
                      const char          **attribute_names,
                      const char          **attribute_values,
                      gpointer              user_data,
                      GError              **error)
{
  XmlReader *reader = user_data;
  const char *name = local_name (element_name);

  if (reader->depth == 0)
    {
      if (!start_root (reader, name, error))
        return;
    }
  else if (reader->depth >= S3DLIO_XML_MAX_DEPTH)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("elements nested deeper than %d levels (<%s> in <%s/%s>)"),
                   S3DLIO_XML_MAX_DEPTH, name, reader->root, reader->path->str);
      return;
    }
  else
    {
      reader->has_children[reader->depth] = TRUE;
    }

  reader->depth++;
  reader->path_len[reader->depth] = reader->path->len;
  reader->has_children[reader->depth] = FALSE;
  if (reader->depth > 1)
    {
      if (reader->path->len > 0)
        g_string_append_c (reader->path, '/');
      g_string_append (reader->path, name);
    }
  g_string_truncate (reader->text, 0);

  if (reader->callbacks && reader->handler->open != NULL)
    reader->handler->open (reader->path->str, reader->user_data, error);
}

static void
reader_end_element (GMarkupParseContext  *context,
                    const char           *element_name,
                    gpointer              user_data,
                    GError              **error)
{
  XmlReader *reader = user_data;
  const S3dlioXmlHandler *handler = reader->handler;
  guint depth = reader->depth;

  g_assert (depth > 0 && depth <= S3DLIO_XML_MAX_DEPTH);

  if (reader->callbacks)
    {
      if (!reader->has_children[depth] && handler->leaf != NULL &&
          !handler->leaf (reader->path->str, reader->text->str, reader->user_data, error))
        return;
      if (handler->close != NULL &&
          !handler->close (reader->path->str, reader->user_data, error))
        return;
    }

  g_string_truncate (reader->path, reader->path_len[depth]);
  g_string_truncate (reader->text, 0);
  reader->depth--;
  if (reader->depth == 0)
    reader->root_closed = TRUE;
}

static void
reader_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 text_len,
             gpointer              user_data,
             GError              **error)
{
  XmlReader *reader = user_data;

  /* Only the text of leaves matters; white space between elements and
   * mixed content are dropped. */
  if (reader->depth > 0 && !reader->has_children[reader->depth])
    g_string_append_len (reader->text, text, text_len);
}

static const GMarkupParser reader_parser = {
  reader_start_element,
  reader_end_element,
  reader_text,
  NULL,
  NULL,
};

/* Errors are built only when asked for: _s3dlio_error_from_response() tries
 * every error body it gets, wanting no details. */
static gboolean
set_malformed (GError            **error,
               const char *const  *roots,
               const char         *problem)
{
  g_autofree char *document = NULL;
  g_autofree char *clean = NULL;

  if (error == NULL)
    return FALSE;

  /* GMarkup's messages may quote invalid UTF-8 or control characters. */
  document = describe_roots (roots);
  clean = _s3dlio_error_sanitize_text (problem, -1, PROBLEM_MAX);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               /* Translators: the expected root element(s), such as
                * "<ListBucketResult>", then the problem */
               _("Malformed S3 %s response: %s"), document, clean);
  return FALSE;
}

static gboolean
run_reader (XmlReader   *reader,
            const char  *data,
            gsize        len,
            GError     **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;

  context = g_markup_parse_context_new (&reader_parser,
                                        G_MARKUP_TREAT_CDATA_AS_TEXT |
                                        G_MARKUP_PREFIX_ERROR_POSITION,
                                        reader, NULL);

  return g_markup_parse_context_parse (context, data, len, error) &&
         g_markup_parse_context_end_parse (context, error);
}

gboolean
_s3dlio_xml_parse (const char             *data,
                   gsize                   len,
                   const S3dlioXmlHandler *handler,
                   gpointer                user_data,
                   char                  **out_root,
                   GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  XmlReader reader = { 0 };
  const char *invalid = NULL;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (handler != NULL, FALSE);

  if (len == 0)
    {
      g_autofree char *document = describe_roots (handler->roots);

      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   /* Translators: the expected root element(s), such as "<ListBucketResult>" */
                   _("Empty response body where an S3 %s document was expected"), document);
      return FALSE;
    }

  /* GMarkup stops silently at a NUL byte instead of failing. */
  if (memchr (data, '\0', len) != NULL)
    return set_malformed (error, handler->roots, _("the body holds a NUL byte"));

  /* GMarkup reads nothing but UTF-8, yet invalid UTF-8 in a CDATA section
   * sets its error without stopping it (GLib 2.74, and still 2.86): the
   * parse goes on, and succeeds without that text or sets a second error
   * over the first. So the whole body is checked first. */
  if (!g_utf8_validate_len (data, len, &invalid))
    {
      g_autofree char *problem = g_strdup_printf (_("invalid UTF-8 at byte %zu"),
                                                  (gsize) (invalid - data));

      return set_malformed (error, handler->roots, problem);
    }

  /* A UTF-8 byte order mark is legal XML that GMarkup refuses. */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  reader.handler = handler;
  reader.user_data = user_data;
  reader.path = g_string_new (NULL);
  reader.text = g_string_new (NULL);

  ok = run_reader (&reader, data, len, &local_error);
  if (ok && !reader.root_closed)
    {
      ok = FALSE;
      g_set_error_literal (&local_error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                           _("no document element"));
    }

  g_string_free (reader.path, TRUE);
  g_string_free (reader.text, TRUE);

  if (!ok)
    {
      /* GMarkup prefixes the position even to our callbacks' errors. */
      g_free (reader.root);
      return set_malformed (error, handler->roots, local_error->message);
    }

  if (out_root != NULL)
    *out_root = g_steal_pointer (&reader.root);
  g_free (reader.root);

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */

/* Parse errors name the element and quote the (sanitised) value. */
static gboolean
set_value_error (GError     **error,
                 const char  *path,
                 const char  *text,
                 const char  *what)
{
  g_autofree char *quoted = _s3dlio_error_sanitize_text (text, -1, QUOTE_MAX);

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               /* Translators: an element path, its value, then what was expected,
                * such as "a number" or "an ISO 8601 date" */
               _("<%s> “%s” is not %s"), path, quoted, what);
  return FALSE;
}

static char *
strip_ascii_space (const char *text)
{
  return g_strstrip (g_strdup (text));
}

static gboolean
parse_uint64 (const char  *path,
              const char  *text,
              guint64      max,
              guint64     *out,
              GError     **error)
{
  g_autofree char *value = strip_ascii_space (text);
  guint64 number = 0;

  if (*value == '\0')
    return set_value_error (error, path, text, _("a number"));

  for (const char *p = value; *p != '\0'; p++)
    {
      guint digit;

      if (!g_ascii_isdigit (*p))
        return set_value_error (error, path, text, _("an unsigned decimal number"));

      digit = *p - '0';
      if (number > (max - digit) / 10)
        return set_value_error (error, path, text, _("a number in range"));
      number = number * 10 + digit;
    }

  *out = number;
  return TRUE;
}

static gboolean
parse_uint (const char  *path,
            const char  *text,
            guint       *out,
            GError     **error)
{
  guint64 number;

  if (!parse_uint64 (path, text, G_MAXUINT, &number, error))
    return FALSE;

  *out = (guint) number;
  return TRUE;
}

static gboolean
parse_boolean (const char  *path,
               const char  *text,
               gboolean    *out,
               GError     **error)
{
  g_autofree char *value = strip_ascii_space (text);

  if (g_ascii_strcasecmp (value, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    *out = FALSE;
  else
    return set_value_error (error, path, text, _("“true” or “false”"));

  return TRUE;
}

static gboolean
parse_date_time (const char  *path,
                 const char  *text,
                 GDateTime  **out,
                 GError     **error)
{
  g_autofree char *value = strip_ascii_space (text);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *date_time = g_date_time_new_from_iso8601 (value, utc);

  if (date_time == NULL)
    return set_value_error (error, path, text, _("an ISO 8601 date"));

  g_clear_pointer (out, g_date_time_unref);
  *out = date_time;
  return TRUE;
}

/* Python's urllib.parse.unquote_plus(), but strict: a `%` not followed by
 * two hex digits, an encoded NUL or a result that is not UTF-8 is an error
 * rather than something to guess about. */
static char *
url_decode_plus (const char  *path,
                 const char  *text,
                 GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, ' ');
      else if (*p != '%')
        g_string_append_c (out, *p);
      else if (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          char byte = (char) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]));

          if (byte == '\0')
            {
              set_value_error (error, path, text, _("usable URL encoding (it encodes a NUL)"));
              return NULL;
            }
          g_string_append_c (out, byte);
          p += 2;
        }
      else
        {
          set_value_error (error, path, text, _("valid URL encoding"));
          return NULL;
        }
    }

  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      set_value_error (error, path, text, _("URL-encoded UTF-8"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
url_decode_in_place (const char  *path,
                     char       **text,
                     GError     **error)
{
  char *decoded;

  if (*text == NULL)
    return TRUE;

  decoded = url_decode_plus (path, *text, error);
  if (decoded == NULL)
    return FALSE;

  g_free (*text);
  *text = decoded;
  return TRUE;
}

static gboolean
is_url_encoding (const char *encoding_type)
{
  return g_strcmp0 (encoding_type, "url") == 0;
}

/* ------------------------------------------------------------------------
 * Leaf text by path: each document describes its fields in a table
 * ------------------------------------------------------------------------ */

typedef enum {
  FIELD_STRING,
  FIELD_UINT,
  FIELD_UINT64,
  FIELD_BOOLEAN,
  FIELD_DATE_TIME,
} FieldType;

typedef struct {
  const char *name;      /* path below the record's element */
  FieldType   type;
  gsize       offset;    /* in the record */
} XmlField;

#define STRING_FIELD(name, type, member) { name, FIELD_STRING, G_STRUCT_OFFSET (type, member) }
#define UINT_FIELD(name, type, member) { name, FIELD_UINT, G_STRUCT_OFFSET (type, member) }
#define UINT64_FIELD(name, type, member) { name, FIELD_UINT64, G_STRUCT_OFFSET (type, member) }
#define BOOLEAN_FIELD(name, type, member) { name, FIELD_BOOLEAN, G_STRUCT_OFFSET (type, member) }
#define DATE_TIME_FIELD(name, type, member) { name, FIELD_DATE_TIME, G_STRUCT_OFFSET (type, member) }

static gboolean
store_field (const XmlField  *field,
             gpointer         record,
             const char      *path,
             const char      *text,
             GError         **error)
{
  gpointer member = G_STRUCT_MEMBER_P (record, field->offset);

  switch (field->type)
    {
    case FIELD_STRING:
      g_free (*(char **) member);
      *(char **) member = g_strdup (text);
      return TRUE;
    case FIELD_UINT:
      return parse_uint (path, text, member, error);
    case FIELD_UINT64:
      return parse_uint64 (path, text, G_MAXUINT64, member, error);
    case FIELD_BOOLEAN:
      return parse_boolean (path, text, member, error);
    case FIELD_DATE_TIME:
      return parse_date_time (path, text, member, error);
    default:
      g_assert_not_reached ();
    }
}

/* If @path is @prefix followed by the name of one of @fields, parses @text
 * into that field of @record. Other paths are ignored. */
static gboolean
collect_leaf (const XmlField  *fields,
              gsize            n_fields,
              gpointer         record,
              const char      *prefix,
              const char      *path,
              const char      *text,
              GError         **error)
{
  gsize prefix_len = strlen (prefix);
  const char *name;

  if (strncmp (path, prefix, prefix_len) != 0)
    return TRUE;
  name = path + prefix_len;

  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].name, name) == 0)
      return store_field (&fields[i], record, path, text, error);

  return TRUE;
}

static gboolean
set_missing_error (GError     **error,
                   const char  *element,
                   const char  *child)
{
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               _("<%s> without a <%s>"), element, child);
  return FALSE;
}

/* A document whose element is <Error> where a result was expected: map it.
 * S3 answers CompleteMultipartUpload and CopyObject with 200 and an <Error>
 * body when it fails after sending the status line. */
static gboolean
parse_result_document (const char             *data,
                       gsize                   len,
                       const S3dlioXmlHandler *handler,
                       gpointer                state,
                       GError                **error)
{
  g_autofree char *root = NULL;

  if (!_s3dlio_xml_parse (data, len, handler, state, &root, error))
    return FALSE;

  if (strcmp (root, "Error") == 0 && !root_is_accepted (handler, root))
    return _s3dlio_error_from_response (SOUP_STATUS_OK, NULL, data, len, NULL, error);

  return TRUE;
}

/* ------------------------------------------------------------------------
 * <Error>
 * ------------------------------------------------------------------------ */

void
_s3dlio_s3_error_info_clear (S3dlioS3ErrorInfo *info)
{
  g_clear_pointer (&info->code, g_free);
  g_clear_pointer (&info->message, g_free);
  g_clear_pointer (&info->request_id, g_free);
  g_clear_pointer (&info->host_id, g_free);
  g_clear_pointer (&info->resource, g_free);
  g_clear_pointer (&info->region, g_free);
  g_clear_pointer (&info->endpoint, g_free);
  g_clear_pointer (&info->bucket, g_free);
  g_clear_pointer (&info->key, g_free);
}

static const XmlField error_fields[] = {
  STRING_FIELD ("Code", S3dlioS3ErrorInfo, code),
  STRING_FIELD ("Message", S3dlioS3ErrorInfo, message),
  STRING_FIELD ("RequestId", S3dlioS3ErrorInfo, request_id),
  STRING_FIELD ("HostId", S3dlioS3ErrorInfo, host_id),
  STRING_FIELD ("Resource", S3dlioS3ErrorInfo, resource),
  STRING_FIELD ("Region", S3dlioS3ErrorInfo, region),
  STRING_FIELD ("Endpoint", S3dlioS3ErrorInfo, endpoint),
  STRING_FIELD ("BucketName", S3dlioS3ErrorInfo, bucket),
  STRING_FIELD ("Bucket", S3dlioS3ErrorInfo, bucket),
  STRING_FIELD ("Key", S3dlioS3ErrorInfo, key),
};

static gboolean
error_leaf (const char  *path,
            const char  *text,
            gpointer     user_data,
            GError     **error)
{
  return collect_leaf (error_fields, G_N_ELEMENTS (error_fields), user_data,
                       "", path, text, error);
}

static const char *const error_roots[] = { "Error", NULL };

static const S3dlioXmlHandler error_handler = {
  .roots = error_roots,
  .leaf = error_leaf,
};

gboolean
_s3dlio_xml_parse_error (const char         *data,
                         gsize               len,
                         S3dlioS3ErrorInfo  *info,
                         GError            **error)
{
  g_auto(S3dlioS3ErrorInfo) parsed = { 0 };

  g_return_val_if_fail (info != NULL, FALSE);

  if (!_s3dlio_xml_parse (data, len, &error_handler, &parsed, NULL, error))
    return FALSE;

  _s3dlio_s3_error_info_clear (info);
  *info = parsed;
  memset (&parsed, 0, sizeof parsed);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Objects in listings: <Contents>
 * ------------------------------------------------------------------------ */

typedef struct {
  char      *key;
  char      *etag;
  char      *storage_class;
  guint64    size;
  GDateTime *last_modified;
} ObjectRecord;

static void
object_record_clear (ObjectRecord *record)
{
  g_clear_pointer (&record->key, g_free);
  g_clear_pointer (&record->etag, g_free);
  g_clear_pointer (&record->storage_class, g_free);
  g_clear_pointer (&record->last_modified, g_date_time_unref);
  record->size = 0;
}

static const XmlField object_fields[] = {
  STRING_FIELD ("Key", ObjectRecord, key),
  STRING_FIELD ("ETag", ObjectRecord, etag),
  STRING_FIELD ("StorageClass", ObjectRecord, storage_class),
  UINT64_FIELD ("Size", ObjectRecord, size),
  DATE_TIME_FIELD ("LastModified", ObjectRecord, last_modified),
};

static S3dlioObjectInfo *
object_record_to_info (const ObjectRecord *record)
{
  S3dlioObjectInfo *info = s3dlio_object_info_new (record->key);

  s3dlio_object_info_set_size (info, record->size);
  s3dlio_object_info_set_etag (info, record->etag);
  s3dlio_object_info_set_last_modified (info, record->last_modified);
  s3dlio_object_info_set_storage_class (info, record->storage_class);

  return info;
}

static S3dlioObjectInfo *
prefix_to_info (const char *prefix)
{
  S3dlioObjectInfo *info = s3dlio_object_info_new (prefix);

  s3dlio_object_info_set_is_prefix (info, TRUE);
  return info;
}

static gboolean
decode_object_keys (GPtrArray   *objects,
                    const char  *path,
                    GError     **error)
{
  for (guint i = 0; i < objects->len; i++)
    {
      S3dlioObjectInfo *info = g_ptr_array_index (objects, i);
      g_autofree char *key = url_decode_plus (path, s3dlio_object_info_get_key (info), error);

      if (key == NULL)
        return FALSE;
      s3dlio_object_info_set_key (info, key);
    }

  return TRUE;
}

/* ------------------------------------------------------------------------
 * ListObjectsV2 and ListObjects: <ListBucketResult>
 * ------------------------------------------------------------------------ */

void
_s3dlio_list_page_free (S3dlioListPage *page)
{
  if (page == NULL)
    return;

  g_free (page->bucket);
  g_free (page->prefix);
  g_free (page->delimiter);
  g_free (page->start_after);
  g_free (page->encoding_type);
  g_free (page->continuation_token);
  g_free (page->next_continuation_token);
  g_free (page->marker);
  g_free (page->next_marker);
  g_ptr_array_unref (page->objects);
  g_ptr_array_unref (page->common_prefixes);
  g_free (page);
}

static S3dlioListPage *
list_page_new (void)
{
  S3dlioListPage *page = g_new0 (S3dlioListPage, 1);

  page->objects = g_ptr_array_new_with_free_func (g_object_unref);
  page->common_prefixes = g_ptr_array_new_with_free_func (g_object_unref);
  return page;
}

typedef struct {
  S3dlioListPage *page;
  ObjectRecord    object;          /* the <Contents> being read */
  char           *common_prefix;   /* the <CommonPrefixes> being read */
} ListObjectsState;

static const XmlField list_objects_fields[] = {
  STRING_FIELD ("Name", S3dlioListPage, bucket),
  STRING_FIELD ("Prefix", S3dlioListPage, prefix),
  STRING_FIELD ("Delimiter", S3dlioListPage, delimiter),
  STRING_FIELD ("StartAfter", S3dlioListPage, start_after),
  STRING_FIELD ("EncodingType", S3dlioListPage, encoding_type),
  STRING_FIELD ("ContinuationToken", S3dlioListPage, continuation_token),
  STRING_FIELD ("NextContinuationToken", S3dlioListPage, next_continuation_token),
  STRING_FIELD ("Marker", S3dlioListPage, marker),
  STRING_FIELD ("NextMarker", S3dlioListPage, next_marker),
  BOOLEAN_FIELD ("IsTruncated", S3dlioListPage, is_truncated),
  UINT_FIELD ("KeyCount", S3dlioListPage, key_count),
  UINT_FIELD ("MaxKeys", S3dlioListPage, max_keys),
};

static gboolean
list_objects_open (const char  *path,
                   gpointer     user_data,
                   GError     **error)
{
  ListObjectsState *state = user_data;

  if (strcmp (path, "Contents") == 0)
    object_record_clear (&state->object);
  else if (strcmp (path, "CommonPrefixes") == 0)
    g_clear_pointer (&state->common_prefix, g_free);

  return TRUE;
}

static gboolean
list_objects_leaf (const char  *path,
                   const char  *text,
                   gpointer     user_data,
                   GError     **error)
{
  ListObjectsState *state = user_data;

  if (g_str_has_prefix (path, "Contents/"))
    return collect_leaf (object_fields, G_N_ELEMENTS (object_fields), &state->object,
                         "Contents/", path, text, error);

  if (strcmp (path, "CommonPrefixes/Prefix") == 0)
    {
      g_free (state->common_prefix);
      state->common_prefix = g_strdup (text);
      return TRUE;
    }

  return collect_leaf (list_objects_fields, G_N_ELEMENTS (list_objects_fields), state->page,
                       "", path, text, error);
}

static gboolean
list_objects_close (const char  *path,
                    gpointer     user_data,
                    GError     **error)
{
  ListObjectsState *state = user_data;

  if (strcmp (path, "Contents") == 0)
    {
      if (state->object.key == NULL)
        return set_missing_error (error, "Contents", "Key");
      g_ptr_array_add (state->page->objects, object_record_to_info (&state->object));
      object_record_clear (&state->object);
    }
  else if (strcmp (path, "CommonPrefixes") == 0)
    {
      if (state->common_prefix == NULL)
        return set_missing_error (error, "CommonPrefixes", "Prefix");
      g_ptr_array_add (state->page->common_prefixes, prefix_to_info (state->common_prefix));
      g_clear_pointer (&state->common_prefix, g_free);
    }

  return TRUE;
}

static const char *const list_objects_roots[] = { "ListBucketResult", NULL };

static const S3dlioXmlHandler list_objects_handler = {
  .roots = list_objects_roots,
  .error_root = TRUE,
  .open = list_objects_open,
  .leaf = list_objects_leaf,
  .close = list_objects_close,
};

static gboolean
decode_list_page (S3dlioListPage  *page,
                  GError         **error)
{
  return url_decode_in_place ("Prefix", &page->prefix, error) &&
         url_decode_in_place ("Delimiter", &page->delimiter, error) &&
         url_decode_in_place ("StartAfter", &page->start_after, error) &&
         url_decode_in_place ("Marker", &page->marker, error) &&
         url_decode_in_place ("NextMarker", &page->next_marker, error) &&
         decode_object_keys (page->objects, "Contents/Key", error) &&
         decode_object_keys (page->common_prefixes, "CommonPrefixes/Prefix", error);
}

S3dlioListPage *
_s3dlio_xml_parse_list_objects (const char  *data,
                                gsize        len,
                                GError     **error)
{
  g_autoptr(S3dlioListPage) page = list_page_new ();
  g_autoptr(GError) local_error = NULL;
  ListObjectsState state = { .page = page };
  gboolean ok;

  ok = parse_result_document (data, len, &list_objects_handler, &state, error);
  object_record_clear (&state.object);
  g_free (state.common_prefix);
  if (!ok)
    return NULL;

  if (is_url_encoding (page->encoding_type) && !decode_list_page (page, &local_error))
    {
      set_malformed (error, list_objects_roots, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&page);
}

/* ------------------------------------------------------------------------
 * ListBuckets: <ListAllMyBucketsResult>
 * ------------------------------------------------------------------------ */

void
_s3dlio_bucket_list_free (S3dlioBucketList *list)
{
  if (list == NULL)
    return;

  g_ptr_array_unref (list->buckets);
  g_free (list->continuation_token);
  g_free (list->prefix);
  g_free (list->owner_id);
  g_free (list->owner_display_name);
  g_free (list);
}

typedef struct {
  char      *name;
  char      *region;
  GDateTime *creation_date;
} BucketRecord;

static void
bucket_record_clear (BucketRecord *record)
{
  g_clear_pointer (&record->name, g_free);
  g_clear_pointer (&record->region, g_free);
  g_clear_pointer (&record->creation_date, g_date_time_unref);
}

static const XmlField bucket_fields[] = {
  STRING_FIELD ("Name", BucketRecord, name),
  STRING_FIELD ("BucketRegion", BucketRecord, region),
  DATE_TIME_FIELD ("CreationDate", BucketRecord, creation_date),
};

static const XmlField bucket_list_fields[] = {
  STRING_FIELD ("ContinuationToken", S3dlioBucketList, continuation_token),
  STRING_FIELD ("Prefix", S3dlioBucketList, prefix),
  STRING_FIELD ("Owner/ID", S3dlioBucketList, owner_id),
  STRING_FIELD ("Owner/DisplayName", S3dlioBucketList, owner_display_name),
};

typedef struct {
  S3dlioBucketList *list;
  BucketRecord      bucket;
} ListBucketsState;

static gboolean
list_buckets_open (const char  *path,
                   gpointer     user_data,
                   GError     **error)
{
  ListBucketsState *state = user_data;

  if (strcmp (path, "Buckets/Bucket") == 0)
    bucket_record_clear (&state->bucket);

  return TRUE;
}

static gboolean
list_buckets_leaf (const char  *path,
                   const char  *text,
                   gpointer     user_data,
                   GError     **error)
{
  ListBucketsState *state = user_data;

  if (g_str_has_prefix (path, "Buckets/Bucket/"))
    return collect_leaf (bucket_fields, G_N_ELEMENTS (bucket_fields), &state->bucket,
                         "Buckets/Bucket/", path, text, error);

  return collect_leaf (bucket_list_fields, G_N_ELEMENTS (bucket_list_fields), state->list,
                       "", path, text, error);
}

static gboolean
list_buckets_close (const char  *path,
                    gpointer     user_data,
                    GError     **error)
{
  ListBucketsState *state = user_data;
  S3dlioBucketInfo *info;

  if (strcmp (path, "Buckets/Bucket") != 0)
    return TRUE;

  if (state->bucket.name == NULL)
    return set_missing_error (error, "Bucket", "Name");

  info = s3dlio_bucket_info_new (state->bucket.name);
  s3dlio_bucket_info_set_creation_date (info, state->bucket.creation_date);
  s3dlio_bucket_info_set_region (info, state->bucket.region);
  g_ptr_array_add (state->list->buckets, info);
  bucket_record_clear (&state->bucket);

  return TRUE;
}

static const char *const list_buckets_roots[] = { "ListAllMyBucketsResult", NULL };

static const S3dlioXmlHandler list_buckets_handler = {
  .roots = list_buckets_roots,
  .error_root = TRUE,
  .open = list_buckets_open,
  .leaf = list_buckets_leaf,
  .close = list_buckets_close,
};

S3dlioBucketList *
_s3dlio_xml_parse_list_buckets (const char  *data,
                                gsize        len,
                                GError     **error)
{
  g_autoptr(S3dlioBucketList) list = g_new0 (S3dlioBucketList, 1);
  ListBucketsState state = { .list = list };
  gboolean ok;

  list->buckets = g_ptr_array_new_with_free_func (g_object_unref);

  ok = parse_result_document (data, len, &list_buckets_handler, &state, error);
  bucket_record_clear (&state.bucket);

  return ok ? g_steal_pointer (&list) : NULL;
}

/* ------------------------------------------------------------------------
 * Multipart uploads
 * ------------------------------------------------------------------------ */

void
_s3dlio_multipart_upload_free (S3dlioMultipartUpload *upload)
{
  if (upload == NULL)
    return;

  g_free (upload->bucket);
  g_free (upload->key);
  g_free (upload->upload_id);
  g_clear_pointer (&upload->initiated, g_date_time_unref);
  g_free (upload->storage_class);
  g_free (upload);
}

static const XmlField initiate_fields[] = {
  STRING_FIELD ("Bucket", S3dlioMultipartUpload, bucket),
  STRING_FIELD ("Key", S3dlioMultipartUpload, key),
  STRING_FIELD ("UploadId", S3dlioMultipartUpload, upload_id),
};

static gboolean
initiate_leaf (const char  *path,
               const char  *text,
               gpointer     user_data,
               GError     **error)
{
  return collect_leaf (initiate_fields, G_N_ELEMENTS (initiate_fields), user_data,
                       "", path, text, error);
}

static const char *const initiate_roots[] = { "InitiateMultipartUploadResult", NULL };

static const S3dlioXmlHandler initiate_handler = {
  .roots = initiate_roots,
  .error_root = TRUE,
  .leaf = initiate_leaf,
};

S3dlioMultipartUpload *
_s3dlio_xml_parse_initiate_multipart_upload (const char  *data,
                                             gsize        len,
                                             GError     **error)
{
  g_autoptr(S3dlioMultipartUpload) upload = g_new0 (S3dlioMultipartUpload, 1);

  if (!parse_result_document (data, len, &initiate_handler, upload, error))
    return NULL;

  if (upload->upload_id == NULL || *upload->upload_id == '\0')
    {
      set_malformed (error, initiate_roots, _("<InitiateMultipartUploadResult> without an <UploadId>"));
      return NULL;
    }

  return g_steal_pointer (&upload);
}

void
_s3dlio_complete_multipart_upload_result_free (S3dlioCompleteMultipartUploadResult *result)
{
  if (result == NULL)
    return;

  g_free (result->location);
  g_free (result->bucket);
  g_free (result->key);
  g_free (result->etag);
  g_free (result);
}

static const XmlField complete_fields[] = {
  STRING_FIELD ("Location", S3dlioCompleteMultipartUploadResult, location),
  STRING_FIELD ("Bucket", S3dlioCompleteMultipartUploadResult, bucket),
  STRING_FIELD ("Key", S3dlioCompleteMultipartUploadResult, key),
  STRING_FIELD ("ETag", S3dlioCompleteMultipartUploadResult, etag),
};

static gboolean
complete_leaf (const char  *path,
               const char  *text,
               gpointer     user_data,
               GError     **error)
{
  return collect_leaf (complete_fields, G_N_ELEMENTS (complete_fields), user_data,
                       "", path, text, error);
}

static const char *const complete_roots[] = { "CompleteMultipartUploadResult", NULL };

static const S3dlioXmlHandler complete_handler = {
  .roots = complete_roots,
  .error_root = TRUE,
  .leaf = complete_leaf,
};

S3dlioCompleteMultipartUploadResult *
_s3dlio_xml_parse_complete_multipart_upload (const char  *data,
                                             gsize        len,
                                             GError     **error)
{
  g_autoptr(S3dlioCompleteMultipartUploadResult) result =
    g_new0 (S3dlioCompleteMultipartUploadResult, 1);

  if (!parse_result_document (data, len, &complete_handler, result, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ------------------------------------------------------------------------
 * CopyObject and UploadPartCopy
 * ------------------------------------------------------------------------ */

void
_s3dlio_copy_result_free (S3dlioCopyResult *result)
{
  if (result == NULL)
    return;

  g_free (result->etag);
  g_clear_pointer (&result->last_modified, g_date_time_unref);
  g_free (result);
}

static const XmlField copy_fields[] = {
  STRING_FIELD ("ETag", S3dlioCopyResult, etag),
  DATE_TIME_FIELD ("LastModified", S3dlioCopyResult, last_modified),
};

static gboolean
copy_leaf (const char  *path,
           const char  *text,
           gpointer     user_data,
           GError     **error)
{
  return collect_leaf (copy_fields, G_N_ELEMENTS (copy_fields), user_data,
                       "", path, text, error);
}

static const char *const copy_roots[] = { "CopyObjectResult", "CopyPartResult", NULL };

static const S3dlioXmlHandler copy_handler = {
  .roots = copy_roots,
  .error_root = TRUE,
  .leaf = copy_leaf,
};

S3dlioCopyResult *
_s3dlio_xml_parse_copy_result (const char  *data,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(S3dlioCopyResult) result = g_new0 (S3dlioCopyResult, 1);

  if (!parse_result_document (data, len, &copy_handler, result, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ------------------------------------------------------------------------
 * DeleteObjects: <DeleteResult>
 * ------------------------------------------------------------------------ */

static void
delete_error_free (S3dlioDeleteError *entry)
{
  g_free (entry->key);
  g_free (entry->version_id);
  g_free (entry->code);
  g_free (entry->message);
  g_free (entry);
}

void
_s3dlio_delete_result_free (S3dlioDeleteResult *result)
{
  if (result == NULL)
    return;

  g_ptr_array_unref (result->deleted);
  g_ptr_array_unref (result->errors);
  g_free (result);
}

static const XmlField delete_error_fields[] = {
  STRING_FIELD ("Key", S3dlioDeleteError, key),
  STRING_FIELD ("VersionId", S3dlioDeleteError, version_id),
  STRING_FIELD ("Code", S3dlioDeleteError, code),
  STRING_FIELD ("Message", S3dlioDeleteError, message),
};

typedef struct {
  S3dlioDeleteResult *result;
  char               *deleted_key;   /* the <Deleted> being read */
  S3dlioDeleteError  *error;         /* the <Error> being read */
} DeleteState;

static gboolean
delete_open (const char  *path,
             gpointer     user_data,
             GError     **error)
{
  DeleteState *state = user_data;

  if (strcmp (path, "Deleted") == 0)
    g_clear_pointer (&state->deleted_key, g_free);
  else if (strcmp (path, "Error") == 0)
    {
      g_clear_pointer (&state->error, delete_error_free);
      state->error = g_new0 (S3dlioDeleteError, 1);
    }

  return TRUE;
}

static gboolean
delete_leaf (const char  *path,
             const char  *text,
             gpointer     user_data,
             GError     **error)
{
  DeleteState *state = user_data;

  if (strcmp (path, "Deleted/Key") == 0)
    {
      g_free (state->deleted_key);
      state->deleted_key = g_strdup (text);
    }
  else if (g_str_has_prefix (path, "Error/") && state->error != NULL)
    {
      return collect_leaf (delete_error_fields, G_N_ELEMENTS (delete_error_fields), state->error,
                           "Error/", path, text, error);
    }

  return TRUE;
}

static gboolean
delete_close (const char  *path,
              gpointer     user_data,
              GError     **error)
{
  DeleteState *state = user_data;

  if (strcmp (path, "Deleted") == 0)
    {
      if (state->deleted_key == NULL)
        return set_missing_error (error, "Deleted", "Key");
      g_ptr_array_add (state->result->deleted, g_steal_pointer (&state->deleted_key));
    }
  else if (strcmp (path, "Error") == 0)
    {
      if (state->error->key == NULL)
        return set_missing_error (error, "Error", "Key");
      g_ptr_array_add (state->result->errors, g_steal_pointer (&state->error));
    }

  return TRUE;
}

static const char *const delete_roots[] = { "DeleteResult", NULL };

static const S3dlioXmlHandler delete_handler = {
  .roots = delete_roots,
  .error_root = TRUE,
  .open = delete_open,
  .leaf = delete_leaf,
  .close = delete_close,
};

S3dlioDeleteResult *
_s3dlio_xml_parse_delete_result (const char  *data,
                                 gsize        len,
                                 GError     **error)
{
  g_autoptr(S3dlioDeleteResult) result = g_new0 (S3dlioDeleteResult, 1);
  DeleteState state = { .result = result };
  gboolean ok;

  result->deleted = g_ptr_array_new_with_free_func (g_free);
  result->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) delete_error_free);

  ok = parse_result_document (data, len, &delete_handler, &state, error);
  g_free (state.deleted_key);
  g_clear_pointer (&state.error, delete_error_free);

  return ok ? g_steal_pointer (&result) : NULL;
}

/* ------------------------------------------------------------------------
 * ListParts: <ListPartsResult>
 * ------------------------------------------------------------------------ */

static void
part_info_free (S3dlioPartInfo *part)
{
  g_free (part->etag);
  g_clear_pointer (&part->last_modified, g_date_time_unref);
  g_free (part);
}

void
_s3dlio_list_parts_result_free (S3dlioListPartsResult *result)
{
  if (result == NULL)
    return;

  g_free (result->bucket);
  g_free (result->key);
  g_free (result->upload_id);
  g_ptr_array_unref (result->parts);
  g_free (result);
}

static const XmlField list_parts_fields[] = {
  STRING_FIELD ("Bucket", S3dlioListPartsResult, bucket),
  STRING_FIELD ("Key", S3dlioListPartsResult, key),
  STRING_FIELD ("UploadId", S3dlioListPartsResult, upload_id),
  UINT_FIELD ("PartNumberMarker", S3dlioListPartsResult, part_number_marker),
  UINT_FIELD ("NextPartNumberMarker", S3dlioListPartsResult, next_part_number_marker),
  UINT_FIELD ("MaxParts", S3dlioListPartsResult, max_parts),
  BOOLEAN_FIELD ("IsTruncated", S3dlioListPartsResult, is_truncated),
};

static const XmlField part_fields[] = {
  UINT_FIELD ("PartNumber", S3dlioPartInfo, part_number),
  STRING_FIELD ("ETag", S3dlioPartInfo, etag),
  UINT64_FIELD ("Size", S3dlioPartInfo, size),
  DATE_TIME_FIELD ("LastModified", S3dlioPartInfo, last_modified),
};

typedef struct {
  S3dlioListPartsResult *result;
  S3dlioPartInfo        *part;      /* the <Part> being read */
} ListPartsState;

static gboolean
list_parts_open (const char  *path,
                 gpointer     user_data,
                 GError     **error)
{
  ListPartsState *state = user_data;

  if (strcmp (path, "Part") == 0)
    {
      g_clear_pointer (&state->part, part_info_free);
      state->part = g_new0 (S3dlioPartInfo, 1);
    }

  return TRUE;
}

static gboolean
list_parts_leaf (const char  *path,
                 const char  *text,
                 gpointer     user_data,
                 GError     **error)
{
  ListPartsState *state = user_data;

  if (g_str_has_prefix (path, "Part/"))
    {
      if (state->part == NULL)
        return TRUE;
      return collect_leaf (part_fields, G_N_ELEMENTS (part_fields), state->part,
                           "Part/", path, text, error);
    }

  return collect_leaf (list_parts_fields, G_N_ELEMENTS (list_parts_fields), state->result,
                       "", path, text, error);
}

static gboolean
list_parts_close (const char  *path,
                  gpointer     user_data,
                  GError     **error)
{
  ListPartsState *state = user_data;

  if (strcmp (path, "Part") != 0)
    return TRUE;

  /* Part numbers run from 1 to 10000. */
  if (state->part->part_number == 0)
    return set_missing_error (error, "Part", "PartNumber");

  g_ptr_array_add (state->result->parts, g_steal_pointer (&state->part));
  return TRUE;
}

static const char *const list_parts_roots[] = { "ListPartsResult", NULL };

static const S3dlioXmlHandler list_parts_handler = {
  .roots = list_parts_roots,
  .error_root = TRUE,
  .open = list_parts_open,
  .leaf = list_parts_leaf,
  .close = list_parts_close,
};

S3dlioListPartsResult *
_s3dlio_xml_parse_list_parts (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(S3dlioListPartsResult) result = g_new0 (S3dlioListPartsResult, 1);
  ListPartsState state = { .result = result };
  gboolean ok;

  result->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_info_free);

  ok = parse_result_document (data, len, &list_parts_handler, &state, error);
  g_clear_pointer (&state.part, part_info_free);

  return ok ? g_steal_pointer (&result) : NULL;
}

/* ------------------------------------------------------------------------
 * ListMultipartUploads: <ListMultipartUploadsResult>
 * ------------------------------------------------------------------------ */

void
_s3dlio_list_uploads_result_free (S3dlioListUploadsResult *result)
{
  if (result == NULL)
    return;

  g_free (result->bucket);
  g_free (result->prefix);
  g_free (result->delimiter);
  g_free (result->encoding_type);
  g_free (result->key_marker);
  g_free (result->upload_id_marker);
  g_free (result->next_key_marker);
  g_free (result->next_upload_id_marker);
  g_ptr_array_unref (result->uploads);
  g_ptr_array_unref (result->common_prefixes);
  g_free (result);
}

static const XmlField list_uploads_fields[] = {
  STRING_FIELD ("Bucket", S3dlioListUploadsResult, bucket),
  STRING_FIELD ("Prefix", S3dlioListUploadsResult, prefix),
  STRING_FIELD ("Delimiter", S3dlioListUploadsResult, delimiter),
  STRING_FIELD ("EncodingType", S3dlioListUploadsResult, encoding_type),
  STRING_FIELD ("KeyMarker", S3dlioListUploadsResult, key_marker),
  STRING_FIELD ("UploadIdMarker", S3dlioListUploadsResult, upload_id_marker),
  STRING_FIELD ("NextKeyMarker", S3dlioListUploadsResult, next_key_marker),
  STRING_FIELD ("NextUploadIdMarker", S3dlioListUploadsResult, next_upload_id_marker),
  UINT_FIELD ("MaxUploads", S3dlioListUploadsResult, max_uploads),
  BOOLEAN_FIELD ("IsTruncated", S3dlioListUploadsResult, is_truncated),
};

static const XmlField upload_fields[] = {
  STRING_FIELD ("Key", S3dlioMultipartUpload, key),
  STRING_FIELD ("UploadId", S3dlioMultipartUpload, upload_id),
  STRING_FIELD ("StorageClass", S3dlioMultipartUpload, storage_class),
  DATE_TIME_FIELD ("Initiated", S3dlioMultipartUpload, initiated),
};

typedef struct {
  S3dlioListUploadsResult *result;
  S3dlioMultipartUpload   *upload;          /* the <Upload> being read */
  char                    *common_prefix;   /* the <CommonPrefixes> being read */
} ListUploadsState;

static gboolean
list_uploads_open (const char  *path,
                   gpointer     user_data,
                   GError     **error)
{
  ListUploadsState *state = user_data;

  if (strcmp (path, "Upload") == 0)
    {
      g_clear_pointer (&state->upload, _s3dlio_multipart_upload_free);
      state->upload = g_new0 (S3dlioMultipartUpload, 1);
    }
  else if (strcmp (path, "CommonPrefixes") == 0)
    g_clear_pointer (&state->common_prefix, g_free);

  return TRUE;
}

static gboolean
list_uploads_leaf (const char  *path,
                   const char  *text,
                   gpointer     user_data,
                   GError     **error)
{
  ListUploadsState *state = user_data;

  if (g_str_has_prefix (path, "Upload/"))
    {
      if (state->upload == NULL)
        return TRUE;
      return collect_leaf (upload_fields, G_N_ELEMENTS (upload_fields), state->upload,
                           "Upload/", path, text, error);
    }

  if (strcmp (path, "CommonPrefixes/Prefix") == 0)
    {
      g_free (state->common_prefix);
      state->common_prefix = g_strdup (text);
      return TRUE;
    }

  return collect_leaf (list_uploads_fields, G_N_ELEMENTS (list_uploads_fields), state->result,
                       "", path, text, error);
}

static gboolean
list_uploads_close (const char  *path,
                    gpointer     user_data,
                    GError     **error)
{
  ListUploadsState *state = user_data;

  if (strcmp (path, "Upload") == 0)
    {
      if (state->upload->key == NULL)
        return set_missing_error (error, "Upload", "Key");
      if (state->upload->upload_id == NULL)
        return set_missing_error (error, "Upload", "UploadId");
      g_ptr_array_add (state->result->uploads, g_steal_pointer (&state->upload));
    }
  else if (strcmp (path, "CommonPrefixes") == 0)
    {
      if (state->common_prefix == NULL)
        return set_missing_error (error, "CommonPrefixes", "Prefix");
      g_ptr_array_add (state->result->common_prefixes, g_steal_pointer (&state->common_prefix));
    }

  return TRUE;
}

static const char *const list_uploads_roots[] = { "ListMultipartUploadsResult", NULL };

static const S3dlioXmlHandler list_uploads_handler = {
  .roots = list_uploads_roots,
  .error_root = TRUE,
  .open = list_uploads_open,
  .leaf = list_uploads_leaf,
  .close = list_uploads_close,
};

static gboolean
decode_list_uploads (S3dlioListUploadsResult  *result,
                     GError                  **error)
{
  if (!url_decode_in_place ("Prefix", &result->prefix, error) ||
      !url_decode_in_place ("Delimiter", &result->delimiter, error) ||
      !url_decode_in_place ("KeyMarker", &result->key_marker, error) ||
      !url_decode_in_place ("NextKeyMarker", &result->next_key_marker, error))
    return FALSE;

  for (guint i = 0; i < result->uploads->len; i++)
    {
      S3dlioMultipartUpload *upload = g_ptr_array_index (result->uploads, i);

      if (!url_decode_in_place ("Upload/Key", &upload->key, error))
        return FALSE;
    }

  for (guint i = 0; i < result->common_prefixes->len; i++)
    if (!url_decode_in_place ("CommonPrefixes/Prefix",
                              (char **) &g_ptr_array_index (result->common_prefixes, i), error))
      return FALSE;

  return TRUE;
}

S3dlioListUploadsResult *
_s3dlio_xml_parse_list_uploads (const char  *data,
                                gsize        len,
                                GError     **error)
{
  g_autoptr(S3dlioListUploadsResult) result = g_new0 (S3dlioListUploadsResult, 1);
  g_autoptr(GError) local_error = NULL;
  ListUploadsState state = { .result = result };
  gboolean ok;

  result->uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) _s3dlio_multipart_upload_free);
  result->common_prefixes = g_ptr_array_new_with_free_func (g_free);

  ok = parse_result_document (data, len, &list_uploads_handler, &state, error);
  g_clear_pointer (&state.upload, _s3dlio_multipart_upload_free);
  g_free (state.common_prefix);
  if (!ok)
    return NULL;

  if (is_url_encoding (result->encoding_type) && !decode_list_uploads (result, &local_error))
    {
      set_malformed (error, list_uploads_roots, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&result);
}
