/* test-xml.c: S3 XML parsers, error mapping, object and bucket infos
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "test-utils.h"

#include "s3dlio-error-private.h"
#include "s3dlio-object-info-private.h"
#include "s3dlio-xml-private.h"

/* An error message built from server data stays below this, whatever the
 * server sent. */
#define MESSAGE_LIMIT 1024

/* Mutated copies of each sample fed to every parser. */
#define N_MUTATIONS 48

/* ------------------------------------------------------------------------
 * Parsers by S3 operation, behind one signature
 * ------------------------------------------------------------------------ */

typedef gpointer (*ParseFunc) (const char  *data,
                               gsize        len,
                               GError     **error);

static gpointer
parse_list_objects (const char  *data,
                    gsize        len,
                    GError     **error)
{
  return _s3dlio_xml_parse_list_objects (data, len, error);
}

static gpointer
parse_list_buckets (const char  *data,
                    gsize        len,
                    GError     **error)
{
  return _s3dlio_xml_parse_list_buckets (data, len, error);
}

static gpointer
parse_initiate (const char  *data,
                gsize        len,
                GError     **error)
{
  return _s3dlio_xml_parse_initiate_multipart_upload (data, len, error);
}

static gpointer
parse_complete (const char  *data,
                gsize        len,
                GError     **error)
{
  return _s3dlio_xml_parse_complete_multipart_upload (data, len, error);
}

static gpointer
parse_copy (const char  *data,
            gsize        len,
            GError     **error)
{
  return _s3dlio_xml_parse_copy_result (data, len, error);
}

static gpointer
parse_delete (const char  *data,
              gsize        len,
              GError     **error)
{
  return _s3dlio_xml_parse_delete_result (data, len, error);
}

static gpointer
parse_list_parts (const char  *data,
                  gsize        len,
                  GError     **error)
{
  return _s3dlio_xml_parse_list_parts (data, len, error);
}

static gpointer
parse_list_uploads (const char  *data,
                    gsize        len,
                    GError     **error)
{
  return _s3dlio_xml_parse_list_uploads (data, len, error);
}

static gpointer
parse_error_document (const char  *data,
                      gsize        len,
                      GError     **error)
{
  S3dlioS3ErrorInfo *info = g_new0 (S3dlioS3ErrorInfo, 1);

  if (!_s3dlio_xml_parse_error (data, len, info, error))
    {
      g_free (info);
      return NULL;
    }
  return info;
}

static void
error_info_free (gpointer info)
{
  _s3dlio_s3_error_info_clear (info);
  g_free (info);
}

typedef struct {
  const char     *operation;
  ParseFunc       parse;
  GDestroyNotify  free;
} OperationParser;

static const OperationParser operation_parsers[] = {
  { "ListObjectsV2", parse_list_objects, (GDestroyNotify) _s3dlio_list_page_free },
  { "ListObjects", parse_list_objects, (GDestroyNotify) _s3dlio_list_page_free },
  /* No typed parser: the listing parser must refuse its document. */
  { "ListObjectVersions", parse_list_objects, (GDestroyNotify) _s3dlio_list_page_free },
  { "ListBuckets", parse_list_buckets, (GDestroyNotify) _s3dlio_bucket_list_free },
  { "CreateMultipartUpload", parse_initiate, (GDestroyNotify) _s3dlio_multipart_upload_free },
  { "CompleteMultipartUpload", parse_complete, (GDestroyNotify) _s3dlio_complete_multipart_upload_result_free },
  { "CopyObject", parse_copy, (GDestroyNotify) _s3dlio_copy_result_free },
  { "UploadPartCopy", parse_copy, (GDestroyNotify) _s3dlio_copy_result_free },
  { "DeleteObjects", parse_delete, (GDestroyNotify) _s3dlio_delete_result_free },
  { "ListParts", parse_list_parts, (GDestroyNotify) _s3dlio_list_parts_result_free },
  { "ListMultipartUploads", parse_list_uploads, (GDestroyNotify) _s3dlio_list_uploads_result_free },
  /* Operations whose success body is not XML: only errors apply. */
  { "GetObject", parse_error_document, error_info_free },
  { "PutObject", parse_error_document, error_info_free },
  { "UploadPart", parse_error_document, error_info_free },
  { "CreateBucket", parse_error_document, error_info_free },
};

static const OperationParser *
find_operation_parser (const char *operation)
{
  for (gsize i = 0; i < G_N_ELEMENTS (operation_parsers); i++)
    if (strcmp (operation_parsers[i].operation, operation) == 0)
      return &operation_parsers[i];

  g_error ("no parser for operation %s", operation);
}

/* Runs @parser and checks the contract: a result or an S3DLIO_ERROR, never
 * both; returns the error code or -1 on success. */
static int
run_parser (const OperationParser *parser,
            const char            *data,
            gsize                  len)
{
  g_autoptr(GError) error = NULL;
  gpointer result = parser->parse (data, len, &error);

  if (result != NULL)
    {
      g_assert_no_error (error);
      parser->free (result);
      return -1;
    }

  g_assert_nonnull (error);
  g_assert_true (error->domain == S3DLIO_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  return error->code;
}

/* ------------------------------------------------------------------------
 * Samples: tests/data/s3-xml/index.json and expected/<file>.json
 * ------------------------------------------------------------------------ */

typedef struct {
  char       *file;          /* relative to tests/data/s3-xml */
  char       *operation;
  guint       http_status;
  GBytes     *body;
  JsonParser *expected;
} Sample;

static void
sample_free (Sample *sample)
{
  g_free (sample->file);
  g_free (sample->operation);
  g_bytes_unref (sample->body);
  g_object_unref (sample->expected);
  g_free (sample);
}

static JsonParser *
load_json (const char *first_element,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *relative = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonParser *parser = json_parser_new ();
  va_list args;

  va_start (args, first_element);
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) e);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  relative = g_build_filenamev ((char **) parts->pdata);
  bytes = s3dlio_test_load_data (relative, NULL);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                              g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  return parser;
}

/* expected/<file with .xml replaced by .json and # by _> */
static char *
expected_path_for (const char *file)
{
  g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".xml"));

  g_strdelimit (stem, "#", '_');
  return g_strconcat (stem, ".json", NULL);
}

static GPtrArray *
load_samples (void)
{
  g_autoptr(JsonParser) index = load_json ("s3-xml", "index.json", NULL);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (json_parser_get_root (index)),
                                                     "samples");
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify) sample_free);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      Sample *sample = g_new0 (Sample, 1);
      g_autofree char *expected = NULL;

      sample->file = g_strdup (json_object_get_string_member (entry, "file"));
      sample->operation = g_strdup (json_object_get_string_member (entry, "operation"));
      sample->http_status = (guint) json_object_get_int_member (entry, "http_status");
      sample->body = s3dlio_test_load_data ("s3-xml", sample->file, NULL);
      expected = expected_path_for (sample->file);
      sample->expected = load_json ("s3-xml", "expected", expected, NULL);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (sample->expected)), "file"),
                       ==, sample->file);

      g_ptr_array_add (samples, sample);
    }

  g_assert_cmpuint (samples->len, >=, 44);
  return samples;
}

static JsonObject *
sample_expected (const Sample *sample)
{
  return json_node_get_object (json_parser_get_root (sample->expected));
}

/* botocore.parsed, or NULL when botocore could not parse the body. */
static JsonObject *
sample_botocore (const Sample *sample)
{
  JsonObject *botocore = json_object_get_object_member (sample_expected (sample), "botocore");
  JsonNode *parsed = json_object_get_member (botocore, "parsed");

  if (parsed == NULL || JSON_NODE_HOLDS_NULL (parsed))
    return NULL;
  return json_node_get_object (parsed);
}

/* The text of the first leaf at @path in the leaf_text reading, "" for an
 * empty element, NULL if there is none. */
static const char *
sample_leaf (const Sample *sample,
             const char   *path)
{
  JsonNode *node = json_object_get_member (sample_expected (sample), "leaf_text");
  JsonArray *leaves;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  leaves = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (leaves); i++)
    {
      JsonArray *leaf = json_array_get_array_element (leaves, i);

      if (strcmp (json_array_get_string_element (leaf, 0), path) == 0)
        {
          const char *text = json_array_get_string_element (leaf, 1);
          return text != NULL ? text : "";
        }
    }

  return NULL;
}

static const char *
sample_data (const Sample *sample,
             gsize        *len)
{
  return g_bytes_get_data (sample->body, len);
}

/* ------------------------------------------------------------------------
 * Comparisons with botocore's reading
 * ------------------------------------------------------------------------ */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  return json_object_has_member (object, name) ? json_object_get_string_member (object, name) : NULL;
}

static void
assert_string_member (JsonObject *object,
                      const char *name,
                      const char *actual)
{
  g_test_message ("  %s: %s", name, actual ? actual : "(null)");
  g_assert_cmpstr (actual, ==, member_string (object, name));
}

static void
assert_uint_member (JsonObject *object,
                    const char *name,
                    guint64     actual)
{
  guint64 expected = json_object_has_member (object, name) ?
                     (guint64) json_object_get_int_member (object, name) : 0;

  g_test_message ("  %s: %" G_GUINT64_FORMAT, name, actual);
  g_assert_cmpuint (actual, ==, expected);
}

static void
assert_boolean_member (JsonObject *object,
                       const char *name,
                       gboolean    actual)
{
  gboolean expected = json_object_has_member (object, name) &&
                      json_object_get_boolean_member (object, name);

  g_assert_cmpint (!!actual, ==, !!expected);
}

static void
assert_date_member (JsonObject *object,
                    const char *name,
                    GDateTime  *actual)
{
  const char *text = member_string (object, name);
  g_autoptr(GDateTime) expected = NULL;

  if (text == NULL)
    {
      g_assert_null (actual);
      return;
    }

  expected = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (expected);
  g_assert_nonnull (actual);
  g_assert_cmpint (g_date_time_to_unix (actual), ==, g_date_time_to_unix (expected));
  g_assert_cmpint (g_date_time_get_microsecond (actual), ==, g_date_time_get_microsecond (expected));
}

static JsonArray *
array_member (JsonObject *object,
              const char *name,
              guint      *length)
{
  JsonArray *array = json_object_has_member (object, name) ?
                     json_object_get_array_member (object, name) : NULL;

  *length = array != NULL ? json_array_get_length (array) : 0;
  return array;
}

static void
check_list_page (JsonObject     *expected,
                 S3dlioListPage *page)
{
  JsonArray *contents, *prefixes;
  guint n_contents, n_prefixes;

  assert_string_member (expected, "Name", page->bucket);
  assert_string_member (expected, "Prefix", page->prefix);
  assert_string_member (expected, "Delimiter", page->delimiter);
  assert_string_member (expected, "StartAfter", page->start_after);
  assert_string_member (expected, "EncodingType", page->encoding_type);
  assert_string_member (expected, "ContinuationToken", page->continuation_token);
  assert_string_member (expected, "NextContinuationToken", page->next_continuation_token);
  assert_string_member (expected, "Marker", page->marker);
  assert_string_member (expected, "NextMarker", page->next_marker);
  assert_boolean_member (expected, "IsTruncated", page->is_truncated);
  assert_uint_member (expected, "KeyCount", page->key_count);
  assert_uint_member (expected, "MaxKeys", page->max_keys);

  contents = array_member (expected, "Contents", &n_contents);
  g_assert_cmpuint (page->objects->len, ==, n_contents);
  for (guint i = 0; i < n_contents; i++)
    {
      JsonObject *object = json_array_get_object_element (contents, i);
      S3dlioObjectInfo *info = g_ptr_array_index (page->objects, i);

      assert_string_member (object, "Key", s3dlio_object_info_get_key (info));
      assert_uint_member (object, "Size", s3dlio_object_info_get_size (info));
      assert_string_member (object, "ETag", s3dlio_object_info_get_etag (info));
      assert_string_member (object, "StorageClass", s3dlio_object_info_get_storage_class (info));
      assert_date_member (object, "LastModified", s3dlio_object_info_get_last_modified (info));
      g_assert_false (s3dlio_object_info_get_is_prefix (info));
    }

  prefixes = array_member (expected, "CommonPrefixes", &n_prefixes);
  g_assert_cmpuint (page->common_prefixes->len, ==, n_prefixes);
  for (guint i = 0; i < n_prefixes; i++)
    {
      JsonObject *prefix = json_array_get_object_element (prefixes, i);
      S3dlioObjectInfo *info = g_ptr_array_index (page->common_prefixes, i);

      assert_string_member (prefix, "Prefix", s3dlio_object_info_get_key (info));
      g_assert_true (s3dlio_object_info_get_is_prefix (info));
      g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 0);
      g_assert_null (s3dlio_object_info_get_etag (info));
    }
}

/* botocore 1.29 drops BucketRegion, ContinuationToken and Prefix, so those
 * are compared with the leaf reading. */
static void
check_bucket_list (const Sample     *sample,
                   JsonObject       *expected,
                   S3dlioBucketList *list)
{
  JsonObject *owner = json_object_has_member (expected, "Owner") ?
                      json_object_get_object_member (expected, "Owner") : NULL;
  JsonNode *leaves = json_object_get_member (sample_expected (sample), "leaf_text");
  JsonArray *buckets;
  guint n_buckets, n_regions = 0;

  buckets = array_member (expected, "Buckets", &n_buckets);
  g_assert_cmpuint (list->buckets->len, ==, n_buckets);
  for (guint i = 0; i < n_buckets; i++)
    {
      JsonObject *bucket = json_array_get_object_element (buckets, i);
      S3dlioBucketInfo *info = g_ptr_array_index (list->buckets, i);

      assert_string_member (bucket, "Name", s3dlio_bucket_info_get_name (info));
      assert_date_member (bucket, "CreationDate", s3dlio_bucket_info_get_creation_date (info));
    }

  /* The regions, in order, are the BucketRegion leaves. */
  for (guint i = 0; i < json_array_get_length (json_node_get_array (leaves)); i++)
    {
      JsonArray *leaf = json_array_get_array_element (json_node_get_array (leaves), i);

      if (strcmp (json_array_get_string_element (leaf, 0),
                  "/ListAllMyBucketsResult/Buckets/Bucket/BucketRegion") != 0)
        continue;
      g_assert_cmpuint (n_regions, <, list->buckets->len);
      g_assert_cmpstr (s3dlio_bucket_info_get_region (g_ptr_array_index (list->buckets, n_regions)),
                       ==, json_array_get_string_element (leaf, 1));
      n_regions++;
    }
  for (guint i = n_regions; i < list->buckets->len; i++)
    g_assert_null (s3dlio_bucket_info_get_region (g_ptr_array_index (list->buckets, i)));

  g_assert_cmpstr (list->continuation_token, ==,
                   sample_leaf (sample, "/ListAllMyBucketsResult/ContinuationToken"));
  g_assert_cmpstr (list->prefix, ==, sample_leaf (sample, "/ListAllMyBucketsResult/Prefix"));
  g_assert_cmpstr (list->owner_id, ==, owner ? member_string (owner, "ID") : NULL);
  g_assert_cmpstr (list->owner_display_name, ==, owner ? member_string (owner, "DisplayName") : NULL);
}

static void
check_list_parts (JsonObject            *expected,
                  S3dlioListPartsResult *result)
{
  JsonArray *parts;
  guint n_parts;

  assert_string_member (expected, "Bucket", result->bucket);
  assert_string_member (expected, "Key", result->key);
  assert_string_member (expected, "UploadId", result->upload_id);
  assert_uint_member (expected, "PartNumberMarker", result->part_number_marker);
  assert_uint_member (expected, "NextPartNumberMarker", result->next_part_number_marker);
  assert_uint_member (expected, "MaxParts", result->max_parts);
  assert_boolean_member (expected, "IsTruncated", result->is_truncated);

  parts = array_member (expected, "Parts", &n_parts);
  g_assert_cmpuint (result->parts->len, ==, n_parts);
  for (guint i = 0; i < n_parts; i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);
      S3dlioPartInfo *info = g_ptr_array_index (result->parts, i);

      assert_uint_member (part, "PartNumber", info->part_number);
      assert_string_member (part, "ETag", info->etag);
      assert_uint_member (part, "Size", info->size);
      assert_date_member (part, "LastModified", info->last_modified);
    }
}

static void
check_list_uploads (JsonObject              *expected,
                    S3dlioListUploadsResult *result)
{
  JsonArray *uploads, *prefixes;
  guint n_uploads, n_prefixes;

  assert_string_member (expected, "Bucket", result->bucket);
  assert_string_member (expected, "Prefix", result->prefix);
  assert_string_member (expected, "Delimiter", result->delimiter);
  assert_string_member (expected, "EncodingType", result->encoding_type);
  assert_string_member (expected, "KeyMarker", result->key_marker);
  assert_string_member (expected, "UploadIdMarker", result->upload_id_marker);
  assert_string_member (expected, "NextKeyMarker", result->next_key_marker);
  assert_string_member (expected, "NextUploadIdMarker", result->next_upload_id_marker);
  assert_uint_member (expected, "MaxUploads", result->max_uploads);
  assert_boolean_member (expected, "IsTruncated", result->is_truncated);

  uploads = array_member (expected, "Uploads", &n_uploads);
  g_assert_cmpuint (result->uploads->len, ==, n_uploads);
  for (guint i = 0; i < n_uploads; i++)
    {
      JsonObject *upload = json_array_get_object_element (uploads, i);
      S3dlioMultipartUpload *info = g_ptr_array_index (result->uploads, i);

      assert_string_member (upload, "Key", info->key);
      assert_string_member (upload, "UploadId", info->upload_id);
      assert_string_member (upload, "StorageClass", info->storage_class);
      assert_date_member (upload, "Initiated", info->initiated);
    }

  prefixes = array_member (expected, "CommonPrefixes", &n_prefixes);
  g_assert_cmpuint (result->common_prefixes->len, ==, n_prefixes);
  for (guint i = 0; i < n_prefixes; i++)
    assert_string_member (json_array_get_object_element (prefixes, i), "Prefix",
                          g_ptr_array_index (result->common_prefixes, i));
}

/* The S3dlioError each S3 code of the samples must map to, written out here
 * rather than taken from the library's table. */
static S3dlioError
expected_code_for (const char *s3_code,
                   const char *region)
{
  static const struct {
    const char  *s3_code;
    S3dlioError  code;
  } codes[] = {
    { "AccessDenied", S3DLIO_ERROR_ACCESS_DENIED },
    { "BucketAlreadyOwnedByYou", S3DLIO_ERROR_BUCKET_EXISTS },
    { "InternalError", S3DLIO_ERROR_SERVER_ERROR },
    { "NoSuchKey", S3DLIO_ERROR_NO_SUCH_KEY },
    { "PermanentRedirect", S3DLIO_ERROR_REDIRECT },
    { "RequestTimeTooSkewed", S3DLIO_ERROR_CLOCK_SKEW },
    { "RequestTimeout", S3DLIO_ERROR_TIMEOUT },
    { "SlowDown", S3DLIO_ERROR_THROTTLED },
  };

  if (strcmp (s3_code, "AuthorizationHeaderMalformed") == 0)
    return region != NULL ? S3DLIO_ERROR_REDIRECT : S3DLIO_ERROR_BAD_REQUEST;

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].s3_code, s3_code) == 0)
      return codes[i].code;

  g_error ("sample with unexpected S3 code %s", s3_code);
}

static void
check_error_sample (const Sample *sample,
                    JsonObject   *expected_error)
{
  g_auto(S3dlioS3ErrorInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message_start = NULL;
  const char *expected_message = member_string (expected_error, "Message");
  const char *expected_bucket = member_string (expected_error, "Bucket");
  const char *request_id = sample_leaf (sample, "/Error/RequestId");
  const char *region = member_string (expected_error, "Region");
  const char *endpoint = member_string (expected_error, "Endpoint");
  gsize len;
  const char *data = sample_data (sample, &len);
  S3dlioError expected_code;

  /* The fields, verbatim. */
  _s3dlio_xml_parse_error (data, len, &info, &error);
  g_assert_no_error (error);
  assert_string_member (expected_error, "Code", info.code);
  assert_string_member (expected_error, "Message", info.message);
  assert_string_member (expected_error, "Resource", info.resource);
  assert_string_member (expected_error, "Region", info.region);
  assert_string_member (expected_error, "Endpoint", info.endpoint);
  if (expected_bucket == NULL)
    expected_bucket = member_string (expected_error, "BucketName");
  g_assert_cmpstr (info.bucket, ==, expected_bucket);
  g_assert_cmpstr (info.request_id, ==, request_id);
  g_assert_cmpstr (info.host_id, ==, sample_leaf (sample, "/Error/HostId"));

  /* The GError: from the operation's parser for a 200 with an <Error>
   * body, from the response otherwise. */
  if (sample->http_status / 100 == 2)
    {
      const OperationParser *parser = find_operation_parser (sample->operation);

      g_assert_null (parser->parse (data, len, &error));
    }
  else
    {
      g_assert_false (_s3dlio_error_from_response (sample->http_status, NULL, data, len,
                                                   NULL, &error));
    }

  expected_code = expected_code_for (info.code, region);
  g_test_message ("GError: %s", error->message);
  g_assert_error (error, S3DLIO_ERROR, (int) expected_code);
  g_assert_true (g_str_has_prefix (error->message, info.code));
  g_assert_nonnull (strstr (error->message, "(HTTP "));
  g_assert_cmpuint (strlen (error->message), <, MESSAGE_LIMIT);
  if (request_id != NULL)
    {
      g_autofree char *needle = g_strdup_printf ("(request id %s)", request_id);
      g_assert_nonnull (strstr (error->message, needle));
    }
  if (expected_message != NULL)
    {
      /* The start of the message, with white space runs collapsed. */
      g_autofree char *clean = _s3dlio_error_sanitize_text (expected_message, -1, 24);
      message_start = g_strndup (clean, strlen (clean) - strlen ("…"));
      g_assert_nonnull (strstr (error->message, message_start));
    }
  if (expected_code == S3DLIO_ERROR_REDIRECT && endpoint != NULL)
    g_assert_nonnull (strstr (error->message, endpoint));
  if (expected_code == S3DLIO_ERROR_REDIRECT && region != NULL)
    g_assert_nonnull (strstr (error->message, region));
}

static void
check_success_sample (const Sample *sample,
                      JsonObject   *expected)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = sample_data (sample, &len);
  const char *operation = sample->operation;

  if (strcmp (operation, "ListObjectsV2") == 0 || strcmp (operation, "ListObjects") == 0)
    {
      g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (data, len, &error);

      g_assert_no_error (error);
      check_list_page (expected, page);
    }
  else if (strcmp (operation, "ListObjectVersions") == 0)
    {
      g_assert_null (_s3dlio_xml_parse_list_objects (data, len, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_assert_nonnull (strstr (error->message, "<ListBucketResult>"));
      g_assert_nonnull (strstr (error->message, "<ListVersionsResult>"));
    }
  else if (strcmp (operation, "ListBuckets") == 0)
    {
      g_autoptr(S3dlioBucketList) list = _s3dlio_xml_parse_list_buckets (data, len, &error);

      g_assert_no_error (error);
      check_bucket_list (sample, expected, list);
    }
  else if (strcmp (operation, "CreateMultipartUpload") == 0)
    {
      g_autoptr(S3dlioMultipartUpload) upload =
        _s3dlio_xml_parse_initiate_multipart_upload (data, len, &error);

      g_assert_no_error (error);
      assert_string_member (expected, "Bucket", upload->bucket);
      assert_string_member (expected, "Key", upload->key);
      assert_string_member (expected, "UploadId", upload->upload_id);
    }
  else if (strcmp (operation, "CompleteMultipartUpload") == 0)
    {
      g_autoptr(S3dlioCompleteMultipartUploadResult) result =
        _s3dlio_xml_parse_complete_multipart_upload (data, len, &error);

      g_assert_no_error (error);
      assert_string_member (expected, "Location", result->location);
      assert_string_member (expected, "Bucket", result->bucket);
      assert_string_member (expected, "Key", result->key);
      assert_string_member (expected, "ETag", result->etag);
    }
  else if (strcmp (operation, "CopyObject") == 0)
    {
      g_autoptr(S3dlioCopyResult) result = _s3dlio_xml_parse_copy_result (data, len, &error);
      JsonObject *copy = json_object_get_object_member (expected, "CopyObjectResult");

      g_assert_no_error (error);
      assert_string_member (copy, "ETag", result->etag);
      assert_date_member (copy, "LastModified", result->last_modified);
    }
  else if (strcmp (operation, "ListParts") == 0)
    {
      g_autoptr(S3dlioListPartsResult) result = _s3dlio_xml_parse_list_parts (data, len, &error);

      g_assert_no_error (error);
      check_list_parts (expected, result);
    }
  else if (strcmp (operation, "ListMultipartUploads") == 0)
    {
      g_autoptr(S3dlioListUploadsResult) result = _s3dlio_xml_parse_list_uploads (data, len, &error);

      g_assert_no_error (error);
      check_list_uploads (expected, result);
    }
  else
    {
      g_error ("no success check for operation %s", operation);
    }
}

static void
test_sample_parse (gconstpointer user_data)
{
  const Sample *sample = user_data;
  JsonObject *botocore = sample_botocore (sample);

  if (botocore == NULL)
    {
      /* botocore could not read it (an incomplete body): neither can we. */
      g_autoptr(GError) error = NULL;
      gsize len;
      const char *data = sample_data (sample, &len);
      const OperationParser *parser = find_operation_parser (sample->operation);

      g_assert_null (parser->parse (data, len, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_test_message ("GError: %s", error->message);
      return;
    }

  if (json_object_has_member (botocore, "Error"))
    check_error_sample (sample, json_object_get_object_member (botocore, "Error"));
  else
    check_success_sample (sample, botocore);
}

/* The shared reader against the leaf_text reading, for every sample. */
typedef struct {
  GPtrArray *paths;
  GPtrArray *texts;
} Leaves;

static gboolean
collect_leaf (const char  *path,
              const char  *text,
              gpointer     user_data,
              GError     **error)
{
  Leaves *leaves = user_data;

  g_ptr_array_add (leaves->paths, g_strdup (path));
  g_ptr_array_add (leaves->texts, g_strdup (text));
  return TRUE;
}

static const S3dlioXmlHandler leaf_handler = { .leaf = collect_leaf };

static void
test_sample_leaves (gconstpointer user_data)
{
  const Sample *sample = user_data;
  JsonNode *expected = json_object_get_member (sample_expected (sample), "leaf_text");
  Leaves leaves = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  gsize len;
  const char *data = sample_data (sample, &len);
  gboolean ok = _s3dlio_xml_parse (data, len, &leaf_handler, &leaves, &root, &error);

  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      g_assert_false (ok);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_test_message ("expat: %s; GError: %s",
                      json_object_get_string_member (json_node_get_object (expected), "parse_error"),
                      error->message);
    }
  else
    {
      JsonArray *array = json_node_get_array (expected);

      g_assert_no_error (error);
      g_assert_cmpuint (leaves.paths->len, ==, json_array_get_length (array));
      for (guint i = 0; i < leaves.paths->len; i++)
        {
          JsonArray *leaf = json_array_get_array_element (array, i);
          const char *path = g_ptr_array_index (leaves.paths, i);
          g_autofree char *full_path = *path ? g_strdup_printf ("/%s/%s", root, path)
                                             : g_strdup_printf ("/%s", root);
          const char *text = json_array_get_string_element (leaf, 1);

          g_assert_cmpstr (full_path, ==, json_array_get_string_element (leaf, 0));
          g_assert_cmpstr (g_ptr_array_index (leaves.texts, i), ==, text ? text : "");
        }
    }

  g_ptr_array_unref (leaves.paths);
  g_ptr_array_unref (leaves.texts);
}

/* ------------------------------------------------------------------------
 * Robustness: truncations and mutations
 * ------------------------------------------------------------------------ */

static gboolean
ignore_leaf (const char  *path,
             const char  *text,
             gpointer     user_data,
             GError     **error)
{
  return TRUE;
}

static const S3dlioXmlHandler any_handler = { .leaf = ignore_leaf };

static void
check_error_from_response (guint       status,
                           const char *data,
                           gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (_s3dlio_error_from_response (status, NULL, data, len, "REQ123", &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == S3DLIO_ERROR);
  g_assert_cmpuint (strlen (error->message), <, MESSAGE_LIMIT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* Every prefix of every sample, copied into a buffer of exactly that size
 * so that a read past the end shows under valgrind or ASan. A prefix that
 * stops before the last '>' cannot be a complete document; one that
 * includes it parses like the whole body. */
static void
test_sample_truncations (gconstpointer user_data)
{
  const Sample *sample = user_data;
  const OperationParser *parser = find_operation_parser (sample->operation);
  gsize len;
  const char *data = sample_data (sample, &len);
  const char *last_close = g_strrstr_len (data, len, ">");
  gsize complete_len = last_close != NULL ? (gsize) (last_close - data) + 1 : len + 1;
  int whole = run_parser (parser, data, len);

  for (gsize n = 0; n <= len; n++)
    {
      g_autofree char *copy = n > 0 ? g_memdup2 (data, n) : NULL;
      int code = run_parser (parser, copy, n);

      if (n < complete_len)
        g_assert_cmpint (code, ==, S3DLIO_ERROR_MALFORMED_RESPONSE);
      else
        g_assert_cmpint (code, ==, whole);

      check_error_from_response (sample->http_status, copy, n);
    }
}

static const char *const mutation_tokens[] = {
  "<", ">", "&", "\"", "'", "/", "%", "%zz", "%00", "%FF", "+",
  "&#0;", "&#x110000;", "&#xD800;", "&bogus;", "&amp", "&#x1F600;",
  "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "<!DOCTYPE x>",
  "\xff", "\xc3", "\xf0\x9f\x99", "\xef\xbb\xbf", "\x01",
  "<X>", "</X>", "<a:b:c>", "</Contents>", "<Contents>", "<Error>", "</Error>",
  "99999999999999999999999", "-1", "true", "<Size>1</Size>", "<Key>%</Key>",
};

static GByteArray *
mutate (GRand      *rand,
        const char *data,
        gsize       len)
{
  GByteArray *out = g_byte_array_sized_new (len + 64);
  guint kind = g_rand_int_range (rand, 0, 5);
  guint at = len > 0 ? g_rand_int_range (rand, 0, len) : 0;

  g_byte_array_append (out, (const guint8 *) data, len);

  switch (kind)
    {
    case 0: /* change one byte */
      if (len > 0)
        out->data[at] = (guint8) g_rand_int_range (rand, 0, 256);
      break;
    case 1: /* insert a token */
      {
        const char *token = mutation_tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (mutation_tokens))];

        g_byte_array_set_size (out, 0);
        g_byte_array_append (out, (const guint8 *) data, at);
        g_byte_array_append (out, (const guint8 *) token, strlen (token));
        g_byte_array_append (out, (const guint8 *) data + at, len - at);
      }
      break;
    case 2: /* delete a range */
      if (len > 0)
        g_byte_array_remove_range (out, at, g_rand_int_range (rand, 0, len - at) + 1);
      break;
    case 3: /* copy a range elsewhere */
      if (len > 0)
        {
          guint from = g_rand_int_range (rand, 0, len);
          guint wanted = g_rand_int_range (rand, 1, 64);
          guint count = MIN (len - from, wanted);

          g_byte_array_set_size (out, 0);
          g_byte_array_append (out, (const guint8 *) data, at);
          g_byte_array_append (out, (const guint8 *) data + from, count);
          g_byte_array_append (out, (const guint8 *) data + at, len - at);
        }
      break;
    default: /* swap two neighbours */
      if (at + 1 < len)
        {
          guint8 byte = out->data[at];

          out->data[at] = out->data[at + 1];
          out->data[at + 1] = byte;
        }
      break;
    }

  return out;
}

static void
test_sample_mutations (gconstpointer user_data)
{
  const Sample *sample = user_data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (sample->file));
  gsize len;
  const char *data = sample_data (sample, &len);

  for (guint i = 0; i < N_MUTATIONS; i++)
    {
      g_autoptr(GByteArray) mutated = mutate (rand, data, len);
      g_autofree char *copy = mutated->len > 0 ? g_memdup2 (mutated->data, mutated->len) : NULL;
      g_autoptr(GError) error = NULL;

      for (gsize p = 0; p < G_N_ELEMENTS (operation_parsers); p++)
        if (p == 0 || operation_parsers[p].parse != operation_parsers[p - 1].parse)
          run_parser (&operation_parsers[p], copy, mutated->len);

      if (!_s3dlio_xml_parse (copy, mutated->len, &any_handler, NULL, NULL, &error))
        g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);

      check_error_from_response (sample->http_status, copy, mutated->len);
    }
}

/* ------------------------------------------------------------------------
 * The reader
 * ------------------------------------------------------------------------ */

static void
assert_malformed (ParseFunc   parse,
                  const char *xml,
                  gssize      len,
                  const char *needle)
{
  g_autoptr(GError) error = NULL;
  gsize n = len < 0 ? strlen (xml) : (gsize) len;
  g_autofree char *copy = n > 0 ? g_memdup2 (xml, n) : NULL;

  g_assert_null (parse (copy, n, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static void
test_reader_empty (void)
{
  assert_malformed (parse_list_objects, "", 0, "Empty response body where an S3 <ListBucketResult>");
  assert_malformed (parse_list_objects, "  \n\t ", -1, "<ListBucketResult>");
  assert_malformed (parse_list_objects, "<?xml version=\"1.0\"?>\n\n", -1, "no document element");
  assert_malformed (parse_list_objects, "<!-- nothing -->", -1, "no document element");
  assert_malformed (parse_error_document, "", 0, "<Error>");
}

static void
test_reader_malformed (void)
{
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>x</Name>", -1, "Malformed S3 <ListBucketResult> response");
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>x</Nome></ListBucketResult>", -1, "Nome");
  assert_malformed (parse_list_objects, "<ListBucketResult>&bogus;</ListBucketResult>", -1, NULL);
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>a & b</Name></ListBucketResult>", -1, NULL);
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>&#0;</Name></ListBucketResult>", -1, NULL);
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>\xc3\x28</Name></ListBucketResult>", -1, NULL);
  assert_malformed (parse_list_objects, "<ListBucketResult/>trailing", -1, NULL);
  assert_malformed (parse_list_objects, "<ListBucketResult/><ListBucketResult/>", -1, "second document element");
  assert_malformed (parse_list_objects, "<ListBucketResult><Name>a\0b</Name></ListBucketResult>", 50, "NUL");
  /* GMarkup lets invalid UTF-8 in CDATA through with an error set, then
   * sets a second one (found by fuzz/fuzz-xml.c). */
  assert_malformed (parse_list_objects, "<ListBucketResult><Name><![CDATA[\xff]]></Name></ListBucketResult>", -1,
                    "invalid UTF-8 at byte 33");
  assert_malformed (parse_list_objects, "<![CDATA[\xff]]>", -1, "invalid UTF-8 at byte 9");
  assert_malformed (parse_error_document, "<Error><Code><![CDATA[\xc3]]></Code></Error>", -1, "UTF-8");
  assert_malformed (parse_list_objects, "<html><body>502</body></html>", -1,
                    "expected a <ListBucketResult> document but the document element is <html>");
  assert_malformed (parse_copy, "<ListBucketResult/>", -1, "<CopyObjectResult> or <CopyPartResult>");
}

static void
test_reader_tolerance (void)
{
  /* Namespace prefixes, a BOM, a declaration after blank lines, CDATA,
   * comments, attributes and unknown elements. */
  static const char xml[] =
    "\xef\xbb\xbf\n\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- a comment -->\n"
    "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\" extra='1'>\n"
    "  <s3:Name>bucket</s3:Name>\n"
    "  <Unknown><Deeper><Deepest>x</Deepest></Deeper></Unknown>\n"
    "  <s3:Contents><s3:Key><![CDATA[a<b>&c]]></s3:Key><s3:Size>\n 42 \n</s3:Size>"
    "<s3:IsLatest>true</s3:IsLatest><ETag>\"e\"</ETag></s3:Contents>\n"
    "  <IsTruncated> TRUE </IsTruncated>\n"
    "</s3:ListBucketResult>\n\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPage) page = NULL;
  S3dlioObjectInfo *info;

  page = _s3dlio_xml_parse_list_objects (xml, strlen (xml), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (page->bucket, ==, "bucket");
  g_assert_true (page->is_truncated);
  g_assert_cmpuint (page->objects->len, ==, 1);
  info = g_ptr_array_index (page->objects, 0);
  g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, "a<b>&c");
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 42);
  g_assert_cmpstr (s3dlio_object_info_get_etag (info), ==, "\"e\"");
  g_assert_null (s3dlio_object_info_get_last_modified (info));
}

/* The input is a buffer and a length: whatever follows is not read. */
static void
test_reader_not_nul_terminated (void)
{
  static const char xml[] =
    "<InitiateMultipartUploadResult><UploadId>abc</UploadId></InitiateMultipartUploadResult>"
    "<garbage that must not be read";
  gsize len = strlen (xml) - strlen ("<garbage that must not be read");
  g_autofree char *copy = g_memdup2 (xml, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioMultipartUpload) upload = NULL;

  upload = _s3dlio_xml_parse_initiate_multipart_upload (copy, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (upload->upload_id, ==, "abc");
  g_assert_null (upload->bucket);

  assert_malformed (parse_initiate, "<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>",
                    -1, "without an <UploadId>");
}

static char *
nested_document (guint depth)
{
  GString *xml = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<a>");
  g_string_append (xml, "x");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</a>");

  return g_string_free (xml, FALSE);
}

static void
test_reader_depth (void)
{
  g_autofree char *ok_xml = nested_document (S3DLIO_XML_MAX_DEPTH);
  g_autofree char *deep_xml = nested_document (S3DLIO_XML_MAX_DEPTH + 1);
  g_autofree char *very_deep_xml = nested_document (100000);
  Leaves leaves = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;

  g_assert_true (_s3dlio_xml_parse (ok_xml, strlen (ok_xml), &leaf_handler, &leaves, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (leaves.paths->len, ==, 1);
  g_assert_cmpuint (strlen (g_ptr_array_index (leaves.paths, 0)), ==, 2 * (S3DLIO_XML_MAX_DEPTH - 1) - 1);
  g_assert_cmpstr (g_ptr_array_index (leaves.texts, 0), ==, "x");

  g_assert_false (_s3dlio_xml_parse (deep_xml, strlen (deep_xml), &any_handler, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than 32 levels"));
  g_clear_error (&error);

  g_assert_false (_s3dlio_xml_parse (very_deep_xml, strlen (very_deep_xml), &any_handler, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);

  g_ptr_array_unref (leaves.paths);
  g_ptr_array_unref (leaves.texts);
}

/* ------------------------------------------------------------------------
 * ListObjects values
 * ------------------------------------------------------------------------ */

static char *
listing_with_contents (const char *contents)
{
  return g_strdup_printf ("<ListBucketResult><Name>b</Name><Contents>%s</Contents></ListBucketResult>",
                          contents);
}

static void
test_list_objects_numbers (void)
{
  static const struct {
    const char *contents;
    const char *needle;
  } bad[] = {
    { "<Key>k</Key><Size>abc</Size>", "<Contents/Size> “abc” is not" },
    { "<Key>k</Key><Size></Size>", "<Contents/Size>" },
    { "<Key>k</Key><Size>-1</Size>", "<Contents/Size> “-1”" },
    { "<Key>k</Key><Size>+1</Size>", "<Contents/Size>" },
    { "<Key>k</Key><Size>1 2</Size>", "<Contents/Size>" },
    { "<Key>k</Key><Size>0x10</Size>", "<Contents/Size>" },
    { "<Key>k</Key><Size>18446744073709551616</Size>", "18446744073709551616" },
    { "<Key>k</Key><Size>99999999999999999999999999</Size>", "<Contents/Size>" },
    { "<Key>k</Key><LastModified>yesterday</LastModified>", "<Contents/LastModified> “yesterday”" },
    { "<Size>1</Size>", "<Contents> without a <Key>" },
  };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *xml = listing_with_contents (bad[i].contents);
      assert_malformed (parse_list_objects, xml, -1, bad[i].needle);
    }

  assert_malformed (parse_list_objects, "<ListBucketResult><KeyCount>4294967296</KeyCount></ListBucketResult>",
                    -1, "<KeyCount>");
  assert_malformed (parse_list_objects, "<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>",
                    -1, "<IsTruncated> “yes” is not “true” or “false”");
  assert_malformed (parse_list_objects, "<ListBucketResult><CommonPrefixes/></ListBucketResult>",
                    -1, "<CommonPrefixes> without a <Prefix>");

  {
    g_autofree char *xml = listing_with_contents ("<Key>k</Key><Size>18446744073709551615</Size>"
                                                  "<LastModified>2024-02-29T23:59:59.123Z</LastModified>");
    g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (xml, strlen (xml), &error);
    S3dlioObjectInfo *info;

    g_assert_no_error (error);
    info = g_ptr_array_index (page->objects, 0);
    g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, G_MAXUINT64);
    g_assert_cmpint (g_date_time_get_microsecond (s3dlio_object_info_get_last_modified (info)), ==, 123000);
    g_assert_cmpint (g_date_time_get_utc_offset (s3dlio_object_info_get_last_modified (info)), ==, 0);
  }
}

static void
test_list_objects_url_encoding (void)
{
  static const char xml[] =
    "<ListBucketResult>"
    "<Prefix>a%2Fb+c%2F</Prefix>"
    "<NextContinuationToken>tok+en%2F==</NextContinuationToken>"
    "<ContinuationToken>a+b%20c</ContinuationToken>"
    "<StartAfter>%C3%A9+%2B</StartAfter>"
    "<Contents><Key>x+y%2Bz%25</Key></Contents>"
    "<CommonPrefixes><Prefix>d+1%2F</Prefix></CommonPrefixes>"
    "<Delimiter>%2F</Delimiter>"
    "<EncodingType>url</EncodingType>"
    "</ListBucketResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (page->prefix, ==, "a/b c/");
  g_assert_cmpstr (page->delimiter, ==, "/");
  g_assert_cmpstr (page->start_after, ==, "é +");
  g_assert_cmpstr (page->next_continuation_token, ==, "tok+en%2F==");
  g_assert_cmpstr (page->continuation_token, ==, "a+b%20c");
  g_assert_cmpstr (s3dlio_object_info_get_key (g_ptr_array_index (page->objects, 0)), ==, "x y+z%");
  g_assert_cmpstr (s3dlio_object_info_get_key (g_ptr_array_index (page->common_prefixes, 0)), ==, "d 1/");
}

static void
test_list_objects_not_encoded (void)
{
  static const char xml[] =
    "<ListBucketResult><Prefix>a+b%2F</Prefix><Contents><Key>x+y%zz</Key></Contents></ListBucketResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (page->prefix, ==, "a+b%2F");
  g_assert_cmpstr (s3dlio_object_info_get_key (g_ptr_array_index (page->objects, 0)), ==, "x+y%zz");
}

static void
test_list_objects_bad_encoding (void)
{
  static const struct {
    const char *key;
    const char *needle;
  } bad[] = {
    { "a%G1", "<Contents/Key> “a%G1” is not valid URL encoding" },
    { "a%2", "valid URL encoding" },
    { "a%", "valid URL encoding" },
    { "%%", "valid URL encoding" },
    { "a%00b", "NUL" },
    { "%FF", "UTF-8" },
    { "%C3", "UTF-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *xml =
        g_strdup_printf ("<ListBucketResult><EncodingType>url</EncodingType>"
                         "<Contents><Key>%s</Key></Contents></ListBucketResult>", bad[i].key);
      assert_malformed (parse_list_objects, xml, -1, bad[i].needle);
    }

  assert_malformed (parse_list_objects,
                    "<ListBucketResult><EncodingType>url</EncodingType><Prefix>%zz</Prefix></ListBucketResult>",
                    -1, "<Prefix>");
  assert_malformed (parse_list_objects,
                    "<ListBucketResult><EncodingType>url</EncodingType>"
                    "<CommonPrefixes><Prefix>%</Prefix></CommonPrefixes></ListBucketResult>",
                    -1, "<CommonPrefixes/Prefix>");
}

static void
test_list_objects_v1_markers (void)
{
  static const char xml[] =
    "<ListBucketResult><EncodingType>url</EncodingType><Marker>a+b</Marker>"
    "<NextMarker>c%2Fd</NextMarker><IsTruncated>true</IsTruncated></ListBucketResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (page->marker, ==, "a b");
  g_assert_cmpstr (page->next_marker, ==, "c/d");
  g_assert_true (page->is_truncated);
  g_assert_null (page->next_continuation_token);
}

/* ------------------------------------------------------------------------
 * Other documents
 * ------------------------------------------------------------------------ */

static void
test_delete_result (void)
{
  static const char xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Deleted><Key>a.txt</Key></Deleted>"
    "<Deleted><Key>b &amp; c.txt</Key><DeleteMarker>true</DeleteMarker>"
    "<DeleteMarkerVersionId>v1</DeleteMarkerVersionId></Deleted>"
    "<Error><Key>secret.txt</Key><VersionId>v2</VersionId><Code>AccessDenied</Code>"
    "<Message>Access Denied</Message></Error>"
    "</DeleteResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioDeleteResult) result = _s3dlio_xml_parse_delete_result (xml, strlen (xml), &error);
  S3dlioDeleteError *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (result->deleted->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (result->deleted, 0), ==, "a.txt");
  g_assert_cmpstr (g_ptr_array_index (result->deleted, 1), ==, "b & c.txt");
  g_assert_cmpuint (result->errors->len, ==, 1);
  entry = g_ptr_array_index (result->errors, 0);
  g_assert_cmpstr (entry->key, ==, "secret.txt");
  g_assert_cmpstr (entry->version_id, ==, "v2");
  g_assert_cmpstr (entry->code, ==, "AccessDenied");
  g_assert_cmpstr (entry->message, ==, "Access Denied");

  assert_malformed (parse_delete, "<DeleteResult><Deleted/></DeleteResult>", -1, "<Deleted> without a <Key>");
  assert_malformed (parse_delete, "<DeleteResult><Error><Code>X</Code></Error></DeleteResult>", -1,
                    "<Error> without a <Key>");
}

static void
test_error_in_200 (void)
{
  static const struct {
    ParseFunc    parse;
    const char  *code;
    S3dlioError  expected;
  } cases[] = {
    { parse_complete, "InternalError", S3DLIO_ERROR_SERVER_ERROR },
    { parse_copy, "SlowDown", S3DLIO_ERROR_THROTTLED },
    { parse_delete, "AccessDenied", S3DLIO_ERROR_ACCESS_DENIED },
    { parse_list_objects, "NoSuchBucket", S3DLIO_ERROR_NO_SUCH_BUCKET },
    { parse_list_parts, "NoSuchUpload", S3DLIO_ERROR_NO_SUCH_UPLOAD },
    { parse_list_uploads, "Weird", S3DLIO_ERROR_FAILED },
    { parse_list_buckets, "InvalidAccessKeyId", S3DLIO_ERROR_INVALID_ACCESS_KEY },
    { parse_initiate, "InvalidArgument", S3DLIO_ERROR_BAD_REQUEST },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml =
        g_strdup_printf ("<?xml version=\"1.0\"?>\n\n<Error><Code>%s</Code><Message>m</Message>"
                         "<RequestId>R1</RequestId></Error>\n", cases[i].code);
      g_autofree char *expected_message =
        g_strdup_printf ("%s (HTTP 200): m (request id R1)", cases[i].code);
      g_autoptr(GError) error = NULL;

      g_assert_null (cases[i].parse (xml, strlen (xml), &error));
      g_assert_error (error, S3DLIO_ERROR, (int) cases[i].expected);
      g_assert_cmpstr (error->message, ==, expected_message);
    }

  /* A truncated <Error> body is malformed, not an S3 error. */
  assert_malformed (parse_complete, "<Error><Code>InternalError</Code>", -1, NULL);
}

static void
test_copy_part_result (void)
{
  static const char xml[] =
    "<CopyPartResult><LastModified>2011-04-11T20:34:56.000Z</LastModified>"
    "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyPartResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCopyResult) result = _s3dlio_xml_parse_copy_result (xml, strlen (xml), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (result->etag, ==, "\"9b2cf535f27731c974343645a3985328\"");
  g_assert_cmpint (g_date_time_to_unix (result->last_modified), ==, 1302554096);
}

static void
test_list_uploads_encoding (void)
{
  static const char xml[] =
    "<ListMultipartUploadsResult><Bucket>b</Bucket><EncodingType>url</EncodingType>"
    "<KeyMarker>a+b</KeyMarker><UploadIdMarker>u+1</UploadIdMarker>"
    "<Upload><Key>my%2Fmovie+1.m2ts</Key><UploadId>id+1==</UploadId>"
    "<Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>"
    "<CommonPrefixes><Prefix>photos%2F</Prefix></CommonPrefixes>"
    "</ListMultipartUploadsResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListUploadsResult) result = _s3dlio_xml_parse_list_uploads (xml, strlen (xml), &error);
  S3dlioMultipartUpload *upload;

  g_assert_no_error (error);
  g_assert_cmpstr (result->key_marker, ==, "a b");
  g_assert_cmpstr (result->upload_id_marker, ==, "u+1");
  upload = g_ptr_array_index (result->uploads, 0);
  g_assert_cmpstr (upload->key, ==, "my/movie 1.m2ts");
  g_assert_cmpstr (upload->upload_id, ==, "id+1==");
  g_assert_cmpstr (g_ptr_array_index (result->common_prefixes, 0), ==, "photos/");

  assert_malformed (parse_list_uploads,
                    "<ListMultipartUploadsResult><Upload><Key>k</Key></Upload></ListMultipartUploadsResult>",
                    -1, "<Upload> without a <UploadId>");
  assert_malformed (parse_list_parts, "<ListPartsResult><Part><ETag>e</ETag></Part></ListPartsResult>",
                    -1, "<Part> without a <PartNumber>");
  assert_malformed (parse_list_parts, "<ListPartsResult><Part><PartNumber>4294967296</PartNumber></Part></ListPartsResult>",
                    -1, "<Part/PartNumber>");
}

/* ------------------------------------------------------------------------
 * Error mapping
 * ------------------------------------------------------------------------ */

static GError *
error_for (guint       status,
           const char *body,
           const char *request_id_header)
{
  GError *error = NULL;

  g_assert_false (_s3dlio_error_from_response (status, NULL, body, body ? strlen (body) : 0,
                                               request_id_header, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == S3DLIO_ERROR);
  return error;
}

static void
test_error_s3_codes (void)
{
  static const struct {
    const char  *s3_code;
    S3dlioError  code;
  } table[] = {
    { "NoSuchKey", S3DLIO_ERROR_NO_SUCH_KEY },
    { "NoSuchBucket", S3DLIO_ERROR_NO_SUCH_BUCKET },
    { "NoSuchUpload", S3DLIO_ERROR_NO_SUCH_UPLOAD },
    { "AccessDenied", S3DLIO_ERROR_ACCESS_DENIED },
    { "AllAccessDisabled", S3DLIO_ERROR_ACCESS_DENIED },
    { "InvalidAccessKeyId", S3DLIO_ERROR_INVALID_ACCESS_KEY },
    { "SignatureDoesNotMatch", S3DLIO_ERROR_SIGNATURE_MISMATCH },
    { "RequestTimeTooSkewed", S3DLIO_ERROR_CLOCK_SKEW },
    { "SlowDown", S3DLIO_ERROR_THROTTLED },
    { "Throttling", S3DLIO_ERROR_THROTTLED },
    { "ThrottlingException", S3DLIO_ERROR_THROTTLED },
    { "RequestLimitExceeded", S3DLIO_ERROR_THROTTLED },
    { "TooManyRequestsException", S3DLIO_ERROR_THROTTLED },
    { "ServiceUnavailable", S3DLIO_ERROR_THROTTLED },
    { "InvalidRange", S3DLIO_ERROR_INVALID_RANGE },
    { "PreconditionFailed", S3DLIO_ERROR_PRECONDITION_FAILED },
    { "BucketNotEmpty", S3DLIO_ERROR_BUCKET_NOT_EMPTY },
    { "BucketAlreadyExists", S3DLIO_ERROR_BUCKET_EXISTS },
    { "BucketAlreadyOwnedByYou", S3DLIO_ERROR_BUCKET_EXISTS },
    { "PermanentRedirect", S3DLIO_ERROR_REDIRECT },
    { "TemporaryRedirect", S3DLIO_ERROR_REDIRECT },
    { "AuthorizationHeaderMalformed", S3DLIO_ERROR_BAD_REQUEST },
    { "InternalError", S3DLIO_ERROR_SERVER_ERROR },
    { "RequestTimeout", S3DLIO_ERROR_TIMEOUT },
    { "NotImplemented", S3DLIO_ERROR_NOT_SUPPORTED },
    { "InvalidArgument", S3DLIO_ERROR_BAD_REQUEST },
    { "InvalidBucketName", S3DLIO_ERROR_BAD_REQUEST },
    { "MalformedXML", S3DLIO_ERROR_BAD_REQUEST },
    { "InvalidRequest", S3DLIO_ERROR_BAD_REQUEST },
    { "EntityTooSmall", S3DLIO_ERROR_BAD_REQUEST },
    { "InvalidPart", S3DLIO_ERROR_BAD_REQUEST },
    { "InvalidPartOrder", S3DLIO_ERROR_BAD_REQUEST },
    { "InvalidDigest", S3DLIO_ERROR_BAD_REQUEST },
    { "BadDigest", S3DLIO_ERROR_BAD_REQUEST },
    { "KeyTooLongError", S3DLIO_ERROR_BAD_REQUEST },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      /* The status says otherwise (418): the S3 code wins. */
      g_autofree char *body =
        g_strdup_printf ("<Error><Code>%s</Code><Message>Some text.</Message>"
                         "<RequestId>REQ%" G_GSIZE_FORMAT "</RequestId></Error>", table[i].s3_code, i);
      g_autofree char *expected =
        g_strdup_printf ("%s (HTTP 418): Some text. (request id REQ%" G_GSIZE_FORMAT ")",
                         table[i].s3_code, i);
      g_autoptr(GError) error = error_for (418, body, "HEADER-ID");

      g_test_message ("%s → %s", table[i].s3_code, error->message);
      g_assert_error (error, S3DLIO_ERROR, (int) table[i].code);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpint (_s3dlio_error_code_for_s3_code (table[i].s3_code), ==, table[i].code);
    }

  g_assert_cmpint (_s3dlio_error_code_for_s3_code (NULL), ==, S3DLIO_ERROR_FAILED);
  g_assert_cmpint (_s3dlio_error_code_for_s3_code ("nosuchkey"), ==, S3DLIO_ERROR_FAILED);
}

static void
test_error_unknown_code (void)
{
  g_autoptr(GError) not_found = error_for (404, "<Error><Code>NoSuchThing</Code></Error>", NULL);
  g_autoptr(GError) teapot = error_for (418, "<Error><Code>NoSuchThing</Code></Error>", NULL);
  g_autoptr(GError) no_code = error_for (503, "<Error><Message>busy</Message></Error>", "R9");

  g_assert_error (not_found, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_cmpstr (not_found->message, ==, "NoSuchThing (HTTP 404)");
  g_assert_error (teapot, S3DLIO_ERROR, S3DLIO_ERROR_FAILED);
  g_assert_error (no_code, S3DLIO_ERROR, S3DLIO_ERROR_THROTTLED);
  g_assert_cmpstr (no_code->message, ==, "HTTP 503 Service Unavailable: busy (request id R9)");
}

static void
test_error_status_fallback (void)
{
  static const struct {
    guint        status;
    S3dlioError  code;
    const char  *message;
  } table[] = {
    { 404, S3DLIO_ERROR_NO_SUCH_KEY, "HTTP 404 Not Found" },
    { 403, S3DLIO_ERROR_ACCESS_DENIED, "HTTP 403 Forbidden" },
    { 412, S3DLIO_ERROR_PRECONDITION_FAILED, "HTTP 412 Precondition Failed" },
    { 416, S3DLIO_ERROR_INVALID_RANGE, "HTTP 416 Requested Range Not Satisfiable" },
    { 503, S3DLIO_ERROR_THROTTLED, "HTTP 503 Service Unavailable" },
    { 429, S3DLIO_ERROR_THROTTLED, "HTTP 429 " },
    { 500, S3DLIO_ERROR_SERVER_ERROR, "HTTP 500 Internal Server Error" },
    { 502, S3DLIO_ERROR_SERVER_ERROR, "HTTP 502 Bad Gateway" },
    { 504, S3DLIO_ERROR_SERVER_ERROR, "HTTP 504 Gateway Timeout" },
    { 400, S3DLIO_ERROR_BAD_REQUEST, "HTTP 400 Bad Request" },
    { 301, S3DLIO_ERROR_REDIRECT, "HTTP 301 Moved Permanently" },
    { 307, S3DLIO_ERROR_REDIRECT, "HTTP 307 Temporary Redirect" },
    { 409, S3DLIO_ERROR_FAILED, "HTTP 409 Conflict" },
    { 501, S3DLIO_ERROR_FAILED, "HTTP 501 Not Implemented" },
    { 200, S3DLIO_ERROR_FAILED, "HTTP 200 OK" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) no_body = error_for (table[i].status, NULL, NULL);
      g_autoptr(GError) blank_body = error_for (table[i].status, " \r\n", "ABC");
      g_autofree char *with_id = g_strdup_printf ("%s (request id ABC)", table[i].message);

      g_assert_error (no_body, S3DLIO_ERROR, (int) table[i].code);
      g_assert_error (blank_body, S3DLIO_ERROR, (int) table[i].code);
      g_assert_true (g_str_has_prefix (no_body->message, table[i].message));
      g_assert_null (strstr (no_body->message, "request id"));
      g_assert_true (g_str_has_prefix (blank_body->message, table[i].message));
      g_assert_true (g_str_has_suffix (blank_body->message, "(request id ABC)"));
      if (table[i].status != 429)
        {
          g_assert_cmpstr (no_body->message, ==, table[i].message);
          g_assert_cmpstr (blank_body->message, ==, with_id);
        }
      g_assert_cmpint (_s3dlio_error_code_for_http_status (table[i].status), ==, table[i].code);
    }

  {
    /* The server's reason phrase is used, sanitised. */
    g_autoptr(GError) error = NULL;

    _s3dlio_error_from_response (404, "Gone\r\n\x1b[31mFishing", NULL, 0, NULL, &error);
    g_assert_cmpstr (error->message, ==, "HTTP 404 Gone [31mFishing");
  }
}

static void
test_error_request_id (void)
{
  g_autoptr(GError) from_body = error_for (404, "<Error><Code>NoSuchKey</Code><RequestId>BODY</RequestId></Error>", "HEADER");
  g_autoptr(GError) from_header = error_for (404, "<Error><Code>NoSuchKey</Code></Error>", "HEADER");
  g_autoptr(GError) empty_in_body = error_for (404, "<Error><Code>NoSuchKey</Code><RequestId/></Error>", "HEADER");
  g_autoptr(GError) docs = NULL;
  g_autoptr(GBytes) sample = s3dlio_test_load_data ("s3-xml", "aws-docs", "error-nosuchkey.xml", NULL);
  gsize len;
  const char *data = g_bytes_get_data (sample, &len);

  g_assert_cmpstr (from_body->message, ==, "NoSuchKey (HTTP 404) (request id BODY)");
  g_assert_cmpstr (from_header->message, ==, "NoSuchKey (HTTP 404) (request id HEADER)");
  g_assert_cmpstr (empty_in_body->message, ==, "NoSuchKey (HTTP 404) (request id HEADER)");

  _s3dlio_error_from_response (404, "Not Found", data, len, "IGNORED", &docs);
  g_assert_error (docs, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_cmpstr (docs->message, ==,
                   "NoSuchKey (HTTP 404): The resource you requested does not exist "
                   "(request id 4442587FB7D0A2F9)");
}

static void
test_error_redirect (void)
{
  g_autoptr(GError) permanent = error_for (301,
    "<Error><Code>PermanentRedirect</Code><Message>Use the\n   endpoint.</Message>"
    "<Bucket>foo</Bucket><Endpoint>foo.s3.eu-central-1.amazonaws.com</Endpoint>"
    "<RequestId>R</RequestId></Error>", NULL);
  g_autoptr(GError) wrong_region = error_for (400,
    "<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message>"
    "<Region>eu-central-1</Region></Error>", "R2");
  g_autoptr(GError) not_region = error_for (400,
    "<Error><Code>AuthorizationHeaderMalformed</Code><Message>bad</Message><Region></Region></Error>", NULL);

  g_assert_error (permanent, S3DLIO_ERROR, S3DLIO_ERROR_REDIRECT);
  g_assert_cmpstr (permanent->message, ==,
                   "PermanentRedirect (HTTP 301): Use the endpoint. "
                   "(endpoint foo.s3.eu-central-1.amazonaws.com) (request id R)");
  g_assert_error (wrong_region, S3DLIO_ERROR, S3DLIO_ERROR_REDIRECT);
  g_assert_cmpstr (wrong_region->message, ==,
                   "AuthorizationHeaderMalformed (HTTP 400): wrong region (region eu-central-1) (request id R2)");
  g_assert_error (not_region, S3DLIO_ERROR, S3DLIO_ERROR_BAD_REQUEST);
}

static void
test_error_non_s3_body (void)
{
  static const char html[] =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";
  g_autoptr(GError) gateway = error_for (502, html, "R");
  g_autoptr(GError) json = error_for (403, "{\"message\":\"Forbidden\"}", NULL);
  g_autoptr(GError) truncated = error_for (404, "<Error><Code>NoSuchKey</Code>", NULL);

  g_test_message ("%s", gateway->message);
  g_assert_error (gateway, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
  g_assert_true (g_str_has_prefix (gateway->message, "HTTP 502 Bad Gateway with a non-S3 body ("));
  g_assert_nonnull (strstr (gateway->message, "<title>502 Bad Gateway</title>"));
  g_assert_null (strchr (gateway->message, '\r'));
  g_assert_true (g_str_has_suffix (gateway->message, "(request id R)"));

  g_assert_error (json, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (json->message, ==, "HTTP 403 Forbidden with a non-S3 body (23 bytes): {\"message\":\"Forbidden\"}");

  /* A broken <Error> is not trusted: the status decides. */
  g_assert_error (truncated, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_true (g_str_has_prefix (truncated->message, "HTTP 404 Not Found with a non-S3 body"));
}

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT)
        return TRUE;
    }
  return FALSE;
}

static void
test_error_garbage (void)
{
  gsize size = 1024 * 1024;
  g_autofree guint8 *garbage = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GString) huge_error = g_string_new ("<Error><Code>Slow\tDown&#x202E;</Code><Message>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) huge = NULL;

  for (gsize i = 0; i < size; i++)
    garbage[i] = (guint8) g_rand_int_range (rand, 0, 256);

  g_assert_false (_s3dlio_error_from_response (500, "Internal Server Error", (const char *) garbage, size,
                                               NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
  g_assert_cmpuint (strlen (error->message), <, 512);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_false (has_control_characters (error->message));
  g_assert_nonnull (strstr (error->message, "(1048576 bytes)"));

  /* A well-formed error with a megabyte of message, control characters
   * (as character references) and a bidi override in the code. */
  for (gsize i = 0; huge_error->len < size - 100; i++)
    g_string_append (huge_error, i % 7 == 0 ? "&#9;&#10;&#x7F;\xe2\x80\xae " : "word ");
  g_string_append (huge_error, "</Message><RequestId>RID</RequestId></Error>");

  g_assert_false (_s3dlio_error_from_response (503, NULL, huge_error->str, huge_error->len, NULL, &huge));
  g_test_message ("%s", huge->message);
  /* Not a known code once decoded: the status decides. */
  g_assert_error (huge, S3DLIO_ERROR, S3DLIO_ERROR_THROTTLED);
  g_assert_true (g_str_has_prefix (huge->message, "Slow Down (HTTP 503): "));
  g_assert_true (g_str_has_suffix (huge->message, "… (request id RID)"));
  g_assert_cmpuint (strlen (huge->message), <, 512);
  g_assert_false (has_control_characters (huge->message));
}

static void
test_error_sanitize (void)
{
  static const struct {
    const char *in;
    gssize      len;
    gsize       max;
    const char *out;
  } cases[] = {
    { "plain", -1, 100, "plain" },
    { "  a\t\tb\r\n\x1b[0mc  ", -1, 100, "a b [0mc" },
    { "\xff\xfe", -1, 100, "\xef\xbf\xbd\xef\xbf\xbd" },
    { "a\0b", 3, 100, "a\xef\xbf\xbd" "b" },
    { "abcdef", -1, 3, "abc…" },
    { "ab\xc3\xa9", -1, 3, "ab…" },
    { "ab \xf0\x9f\x99\x82", -1, 6, "ab…" },
    { "\xe2\x80\xae" "evil" "\xe2\x80\x8b", -1, 100, "evil" },
    { "", -1, 10, "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = _s3dlio_error_sanitize_text (cases[i].in, cases[i].len, cases[i].max);
      g_assert_cmpstr (out, ==, cases[i].out);
    }

  {
    g_autofree char *out = _s3dlio_error_sanitize_text (NULL, -1, 10);
    g_assert_cmpstr (out, ==, "");
  }
}

/* ------------------------------------------------------------------------
 * Content-Range and headers
 * ------------------------------------------------------------------------ */

static void
test_content_range_good (void)
{
  static const struct {
    const char *value;
    guint64     start, end, total;
  } good[] = {
    { "bytes 0-0/1", 0, 0, 1 },
    { "bytes 0-99/100", 0, 99, 100 },
    { "bytes 100-199/1000", 100, 199, 1000 },
    { "bytes 0-18446744073709551613/18446744073709551614", 0, G_GUINT64_CONSTANT (18446744073709551613),
      G_GUINT64_CONSTANT (18446744073709551614) },
    { "bytes 5-5/18446744073709551615", 5, 5, G_MAXUINT64 },
    { "bytes */0", G_MAXUINT64, G_MAXUINT64, 0 },
    { "bytes */12345", G_MAXUINT64, G_MAXUINT64, 12345 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 start = 1, end = 1, total = 1;

      g_assert_true (_s3dlio_parse_content_range (good[i].value, &start, &end, &total, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (start, ==, good[i].start);
      g_assert_cmpuint (end, ==, good[i].end);
      g_assert_cmpuint (total, ==, good[i].total);
    }

  g_assert_true (_s3dlio_parse_content_range ("bytes 1-2/3", NULL, NULL, NULL, NULL));
}

static void
test_content_range_bad (void)
{
  static const struct {
    const char *value;
    const char *needle;
  } bad[] = {
    { "", "expected" },
    { "bytes", "expected" },
    { "bytes ", "expected" },
    { "bytes 0-", "expected" },
    { "bytes 0-9", "expected" },
    { "bytes 0-9/", "expected" },
    { "bytes 0-9/*", "expected" },
    { "bytes */*", "expected" },
    { "bytes *", "expected" },
    { "bytes -9/10", "expected" },
    { "bytes 0--9/10", "expected" },
    { "bytes +0-9/10", "expected" },
    { "bytes 0-+9/10", "expected" },
    { "bytes 0 -9/10", "expected" },
    { "bytes 0-9 /10", "expected" },
    { "bytes 0-9/10 ", "expected" },
    { " bytes 0-9/10", "expected" },
    { "bytes  0-9/10", "expected" },
    { "Bytes 0-9/10", "expected" },
    { "items 0-9/10", "expected" },
    { "bytes=0-9/10", "expected" },
    { "bytes 0x0-9/10", "expected" },
    { "bytes 0-9/10,20-29/30", "expected" },
    { "bytes 9-0/10", "ends before it starts" },
    { "bytes 0-10/10", "beyond the object" },
    { "bytes 0-0/0", "beyond the object" },
    { "bytes 5-9/5", "beyond the object" },
    { "bytes 0-18446744073709551616/18446744073709551617", "expected" },
    { "bytes 0-1/18446744073709551616", "expected" },
    { "bytes 0-1/99999999999999999999999999999", "expected" },
    { "bytes 0-1/10\r\nX: y", "expected" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 start = 7, end = 7, total = 7;

      g_test_message ("Content-Range: %s", bad[i].value);
      g_assert_false (_s3dlio_parse_content_range (bad[i].value, &start, &end, &total, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_assert_nonnull (strstr (error->message, "Content-Range"));
      g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_assert_null (strchr (error->message, '\r'));
      /* Outputs are untouched on failure. */
      g_assert_cmpuint (start, ==, 7);
      g_assert_cmpuint (end, ==, 7);
      g_assert_cmpuint (total, ==, 7);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (_s3dlio_parse_content_range (NULL, NULL, NULL, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  }
}

static void
test_object_info_from_headers (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;
  GHashTable *metadata;

  soup_message_headers_append (headers, "Content-Length", "100");
  soup_message_headers_append (headers, "Content-Range", "bytes 0-99/5000");
  soup_message_headers_append (headers, "ETag", "\"abc-2\"");
  soup_message_headers_append (headers, "Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT");
  soup_message_headers_append (headers, "Content-Type", "text/plain; charset=utf-8");
  soup_message_headers_append (headers, "x-amz-storage-class", "GLACIER");
  soup_message_headers_append (headers, "x-amz-meta-Color", "blue");
  soup_message_headers_append (headers, "X-Amz-Meta-mtime", "1700000000");
  soup_message_headers_append (headers, "x-amz-meta-list", "a");
  soup_message_headers_append (headers, "x-amz-meta-list", "b");
  soup_message_headers_append (headers, "x-amz-meta-", "no name");
  soup_message_headers_append (headers, "x-amz-metadata-directive", "COPY");
  soup_message_headers_append (headers, "x-amz-meta-latin1", "caf\xe9");

  info = _s3dlio_object_info_new_from_headers ("dir/file.txt", headers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, "dir/file.txt");
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 5000);
  g_assert_cmpstr (s3dlio_object_info_get_etag (info), ==, "\"abc-2\"");
  g_assert_cmpint (g_date_time_to_unix (s3dlio_object_info_get_last_modified (info)), ==, 1255369800);
  g_assert_cmpstr (s3dlio_object_info_get_content_type (info), ==, "text/plain; charset=utf-8");
  g_assert_cmpstr (s3dlio_object_info_get_storage_class (info), ==, "GLACIER");
  g_assert_false (s3dlio_object_info_get_is_prefix (info));

  metadata = s3dlio_object_info_get_metadata (info);
  g_assert_cmpuint (g_hash_table_size (metadata), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (metadata, "color"), ==, "blue");
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "MTIME"), ==, "1700000000");
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "list"), ==, "a, b");
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "latin1"), ==, "caf\xef\xbf\xbd");
  keys = s3dlio_object_info_get_metadata_keys (info);
  g_assert_cmpstrv (keys, ((const char *const[]) { "color", "latin1", "list", "mtime", NULL }));
}

static void
test_object_info_from_headers_length (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(S3dlioObjectInfo) bare = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "Content-Length", "18446744073709551615");
  soup_message_headers_append (headers, "Last-Modified", "not a date");
  info = _s3dlio_object_info_new_from_headers ("k", headers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, G_MAXUINT64);
  g_assert_null (s3dlio_object_info_get_last_modified (info));
  g_assert_null (s3dlio_object_info_get_etag (info));
  g_assert_null (s3dlio_object_info_get_content_type (info));

  soup_message_headers_replace (headers, "Content-Length", "12abc");
  g_assert_null (_s3dlio_object_info_new_from_headers ("k", headers, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  g_assert_nonnull (strstr (error->message, "Content-Length"));
  g_clear_error (&error);

  soup_message_headers_replace (headers, "Content-Length", "10");
  soup_message_headers_replace (headers, "Content-Range", "bytes 0-10/10");
  g_assert_null (_s3dlio_object_info_new_from_headers ("k", headers, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  g_clear_error (&error);

  /* A 416 answer gives the total. */
  soup_message_headers_replace (headers, "Content-Range", "bytes */777");
  g_clear_object (&info);
  info = _s3dlio_object_info_new_from_headers ("k", headers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 777);

  soup_message_headers_clear (headers);
  bare = _s3dlio_object_info_new_from_headers ("k", headers, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_object_info_get_size (bare), ==, 0);
  g_assert_cmpuint (g_hash_table_size (s3dlio_object_info_get_metadata (bare)), ==, 0);
}

/* ------------------------------------------------------------------------
 * The GObjects
 * ------------------------------------------------------------------------ */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_object_info_properties (void)
{
  g_autoptr(S3dlioObjectInfo) info = s3dlio_object_info_new ("a/b");
  g_autoptr(GDateTime) date = g_date_time_new_utc (2024, 1, 2, 3, 4, 5);
  g_autoptr(GDateTime) same_date = g_date_time_new_from_unix_utc (g_date_time_to_unix (date));
  g_autoptr(GDateTime) read_back = NULL;
  g_autofree char *etag = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) no_keys = NULL;
  guint notified = 0;
  guint64 size = 0;
  gboolean is_prefix = FALSE;

  g_signal_connect (info, "notify", G_CALLBACK (count_notify), &notified);

  s3dlio_object_info_set_size (info, 10);
  s3dlio_object_info_set_size (info, 10);
  g_assert_cmpuint (notified, ==, 1);
  s3dlio_object_info_set_etag (info, "\"e\"");
  s3dlio_object_info_set_etag (info, "\"e\"");
  g_assert_cmpuint (notified, ==, 2);
  s3dlio_object_info_set_last_modified (info, date);
  s3dlio_object_info_set_last_modified (info, same_date);
  g_assert_cmpuint (notified, ==, 3);
  s3dlio_object_info_set_is_prefix (info, 42);
  s3dlio_object_info_set_is_prefix (info, TRUE);
  g_assert_cmpuint (notified, ==, 4);
  s3dlio_object_info_set_key (info, "a/b");
  g_assert_cmpuint (notified, ==, 4);
  s3dlio_object_info_set_key (info, "a/c");
  g_assert_cmpuint (notified, ==, 5);
  s3dlio_object_info_set_storage_class (info, "STANDARD");
  s3dlio_object_info_set_content_type (info, "image/png");
  s3dlio_object_info_set_content_type (info, NULL);
  g_assert_cmpuint (notified, ==, 8);

  g_object_get (info, "size", &size, "etag", &etag, "last-modified", &read_back,
                "is-prefix", &is_prefix, NULL);
  g_assert_cmpuint (size, ==, 10);
  g_assert_cmpstr (etag, ==, "\"e\"");
  g_assert_true (g_date_time_equal (read_back, date));
  g_assert_true (is_prefix);
  g_assert_null (s3dlio_object_info_get_content_type (info));

  no_keys = s3dlio_object_info_get_metadata_keys (info);
  g_assert_cmpstrv (no_keys, ((const char *const[]) { NULL }));

  s3dlio_object_info_set_metadata_value (info, "Zeta", "1");
  s3dlio_object_info_set_metadata_value (info, "alpha", "2");
  s3dlio_object_info_set_metadata_value (info, "ALPHA", "3");
  s3dlio_object_info_set_metadata_value (info, "mid", "4");
  s3dlio_object_info_set_metadata_value (info, "MID", NULL);
  keys = s3dlio_object_info_get_metadata_keys (info);
  g_assert_cmpstrv (keys, ((const char *const[]) { "alpha", "zeta", NULL }));
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "Alpha"), ==, "3");
  g_assert_null (s3dlio_object_info_get_metadata_value (info, "mid"));
}

static void
test_bucket_info_properties (void)
{
  g_autoptr(S3dlioBucketInfo) info = s3dlio_bucket_info_new ("my-bucket");
  g_autoptr(GDateTime) date = g_date_time_new_utc (2019, 12, 11, 23, 32, 47);
  g_autofree char *name = NULL;
  guint notified = 0;

  g_signal_connect (info, "notify", G_CALLBACK (count_notify), &notified);

  g_assert_cmpstr (s3dlio_bucket_info_get_name (info), ==, "my-bucket");
  g_assert_null (s3dlio_bucket_info_get_creation_date (info));
  g_assert_null (s3dlio_bucket_info_get_region (info));

  s3dlio_bucket_info_set_region (info, "eu-west-1");
  s3dlio_bucket_info_set_region (info, "eu-west-1");
  s3dlio_bucket_info_set_creation_date (info, date);
  s3dlio_bucket_info_set_creation_date (info, date);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (s3dlio_bucket_info_get_region (info), ==, "eu-west-1");
  g_assert_true (s3dlio_bucket_info_get_creation_date (info) == date);

  g_object_get (info, "name", &name, NULL);
  g_assert_cmpstr (name, ==, "my-bucket");
  s3dlio_bucket_info_set_region (info, NULL);
  g_assert_null (s3dlio_bucket_info_get_region (info));
}

/* ------------------------------------------------------------------------ */

static void
add_sample_tests (GPtrArray *samples)
{
  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *sample = g_ptr_array_index (samples, i);
      g_autofree char *name = g_strndup (sample->file, strlen (sample->file) - strlen (".xml"));
      g_autofree char *parse = g_strdup_printf ("/xml/sample/parse/%s", name);
      g_autofree char *leaves = g_strdup_printf ("/xml/sample/leaves/%s", name);
      g_autofree char *truncations = g_strdup_printf ("/xml/sample/truncations/%s", name);
      g_autofree char *mutations = g_strdup_printf ("/xml/sample/mutations/%s", name);

      g_test_add_data_func (parse, sample, test_sample_parse);
      g_test_add_data_func (leaves, sample, test_sample_leaves);
      g_test_add_data_func (truncations, sample, test_sample_truncations);
      g_test_add_data_func (mutations, sample, test_sample_mutations);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) samples = NULL;

  s3dlio_test_init (&argc, &argv);

  samples = load_samples ();
  add_sample_tests (samples);

  g_test_add_func ("/xml/reader/empty", test_reader_empty);
  g_test_add_func ("/xml/reader/malformed", test_reader_malformed);
  g_test_add_func ("/xml/reader/tolerance", test_reader_tolerance);
  g_test_add_func ("/xml/reader/not-nul-terminated", test_reader_not_nul_terminated);
  g_test_add_func ("/xml/reader/depth", test_reader_depth);
  g_test_add_func ("/xml/list-objects/numbers", test_list_objects_numbers);
  g_test_add_func ("/xml/list-objects/url-encoding", test_list_objects_url_encoding);
  g_test_add_func ("/xml/list-objects/not-encoded", test_list_objects_not_encoded);
  g_test_add_func ("/xml/list-objects/bad-encoding", test_list_objects_bad_encoding);
  g_test_add_func ("/xml/list-objects/v1-markers", test_list_objects_v1_markers);
  g_test_add_func ("/xml/delete-result", test_delete_result);
  g_test_add_func ("/xml/error-in-200", test_error_in_200);
  g_test_add_func ("/xml/copy-part-result", test_copy_part_result);
  g_test_add_func ("/xml/list-uploads/encoding", test_list_uploads_encoding);
  g_test_add_func ("/error/s3-codes", test_error_s3_codes);
  g_test_add_func ("/error/unknown-code", test_error_unknown_code);
  g_test_add_func ("/error/status-fallback", test_error_status_fallback);
  g_test_add_func ("/error/request-id", test_error_request_id);
  g_test_add_func ("/error/redirect", test_error_redirect);
  g_test_add_func ("/error/non-s3-body", test_error_non_s3_body);
  g_test_add_func ("/error/garbage", test_error_garbage);
  g_test_add_func ("/error/sanitize", test_error_sanitize);
  g_test_add_func ("/content-range/good", test_content_range_good);
  g_test_add_func ("/content-range/bad", test_content_range_bad);
  g_test_add_func ("/object-info/from-headers", test_object_info_from_headers);
  g_test_add_func ("/object-info/from-headers-length", test_object_info_from_headers_length);
  g_test_add_func ("/object-info/properties", test_object_info_properties);
  g_test_add_func ("/bucket-info/properties", test_bucket_info_properties);

  return g_test_run ();
}
