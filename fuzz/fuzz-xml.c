/* fuzz-xml.c: the S3 XML parsers
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every input goes through every parser (s3dlio-xml-private.h). A parser
 * stops at the first document element it does not expect, so this costs
 * little; it lets the seeds be the sample bodies byte for byte, and a
 * mutated document element moves an input from one parser to the next.
 * Then the shared reader runs alone, accepting any document element, and
 * checks the promises its callbacks rely on.
 */
#include "config.h"

#include <string.h>

#include <s3dlio.h>

#include "s3dlio-xml-private.h"

#include "fuzz-common.h"

/* Strings come out of GMarkup, or out of the URL decoding that promises
 * UTF-8: anything else would reach bindings and labels. */
static void
assert_text (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
assert_object_infos (GPtrArray *infos,
                     gboolean   prefixes)
{
  g_assert_nonnull (infos);

  for (guint i = 0; i < infos->len; i++)
    {
      S3dlioObjectInfo *info = g_ptr_array_index (infos, i);

      g_assert_nonnull (s3dlio_object_info_get_key (info));
      assert_text (s3dlio_object_info_get_key (info));
      assert_text (s3dlio_object_info_get_etag (info));
      assert_text (s3dlio_object_info_get_storage_class (info));
      g_assert_true (s3dlio_object_info_get_is_prefix (info) == prefixes);
    }
}

static void
fuzz_error_document (const char *data,
                     gsize       size)
{
  g_auto(S3dlioS3ErrorInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  if (!_s3dlio_xml_parse_error (data, size, &info, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_MALFORMED_RESPONSE);
      return;
    }

  g_assert_no_error (error);
  assert_text (info.code);
  assert_text (info.message);
  assert_text (info.request_id);
  assert_text (info.host_id);
  assert_text (info.resource);
  assert_text (info.region);
  assert_text (info.endpoint);
  assert_text (info.bucket);
  assert_text (info.key);
}

static void
fuzz_list_objects (const char *data,
                   gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPage) page = _s3dlio_xml_parse_list_objects (data, size, &error);

  if (page == NULL)
    {
      /* Any code: an <Error> document is mapped to its own. */
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  assert_text (page->bucket);
  assert_text (page->prefix);
  assert_text (page->delimiter);
  assert_text (page->start_after);
  assert_text (page->encoding_type);
  assert_text (page->continuation_token);
  assert_text (page->next_continuation_token);
  assert_text (page->marker);
  assert_text (page->next_marker);
  assert_object_infos (page->objects, FALSE);
  assert_object_infos (page->common_prefixes, TRUE);
}

static void
fuzz_list_buckets (const char *data,
                   gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioBucketList) list = _s3dlio_xml_parse_list_buckets (data, size, &error);

  if (list == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (list->buckets);
  for (guint i = 0; i < list->buckets->len; i++)
    {
      S3dlioBucketInfo *info = g_ptr_array_index (list->buckets, i);

      g_assert_nonnull (s3dlio_bucket_info_get_name (info));
      assert_text (s3dlio_bucket_info_get_name (info));
      assert_text (s3dlio_bucket_info_get_region (info));
    }
  assert_text (list->continuation_token);
  assert_text (list->prefix);
  assert_text (list->owner_id);
  assert_text (list->owner_display_name);
}

static void
fuzz_initiate_multipart_upload (const char *data,
                                gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioMultipartUpload) upload =
    _s3dlio_xml_parse_initiate_multipart_upload (data, size, &error);

  if (upload == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (upload->upload_id);
  g_assert_cmpstr (upload->upload_id, !=, "");
  assert_text (upload->upload_id);
  assert_text (upload->bucket);
  assert_text (upload->key);
}

static void
fuzz_complete_multipart_upload (const char *data,
                                gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCompleteMultipartUploadResult) result =
    _s3dlio_xml_parse_complete_multipart_upload (data, size, &error);

  if (result == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  assert_text (result->location);
  assert_text (result->bucket);
  assert_text (result->key);
  assert_text (result->etag);
}

static void
fuzz_copy_result (const char *data,
                  gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCopyResult) result = _s3dlio_xml_parse_copy_result (data, size, &error);

  if (result == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  assert_text (result->etag);
}

static void
fuzz_delete_result (const char *data,
                    gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioDeleteResult) result = _s3dlio_xml_parse_delete_result (data, size, &error);

  if (result == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  for (guint i = 0; i < result->deleted->len; i++)
    {
      g_assert_nonnull (g_ptr_array_index (result->deleted, i));
      assert_text (g_ptr_array_index (result->deleted, i));
    }
  for (guint i = 0; i < result->errors->len; i++)
    {
      S3dlioDeleteError *entry = g_ptr_array_index (result->errors, i);

      g_assert_nonnull (entry->key);
      assert_text (entry->key);
      assert_text (entry->version_id);
      assert_text (entry->code);
      assert_text (entry->message);
    }
}

static void
fuzz_list_parts (const char *data,
                 gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListPartsResult) result = _s3dlio_xml_parse_list_parts (data, size, &error);

  if (result == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  assert_text (result->bucket);
  assert_text (result->key);
  assert_text (result->upload_id);
  for (guint i = 0; i < result->parts->len; i++)
    {
      S3dlioPartInfo *part = g_ptr_array_index (result->parts, i);

      g_assert_cmpuint (part->part_number, !=, 0);
      assert_text (part->etag);
    }
}

static void
fuzz_list_uploads (const char *data,
                   gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioListUploadsResult) result = _s3dlio_xml_parse_list_uploads (data, size, &error);

  if (result == NULL)
    {
      fuzz_assert_error (error, -1);
      return;
    }

  g_assert_no_error (error);
  assert_text (result->bucket);
  assert_text (result->prefix);
  assert_text (result->delimiter);
  assert_text (result->key_marker);
  assert_text (result->next_key_marker);
  for (guint i = 0; i < result->uploads->len; i++)
    {
      S3dlioMultipartUpload *upload = g_ptr_array_index (result->uploads, i);

      g_assert_nonnull (upload->key);
      g_assert_nonnull (upload->upload_id);
      assert_text (upload->key);
      assert_text (upload->upload_id);
      assert_text (upload->storage_class);
    }
  for (guint i = 0; i < result->common_prefixes->len; i++)
    assert_text (g_ptr_array_index (result->common_prefixes, i));
}

/* The shared reader on its own: every element is opened and closed under
 * the same path, leaves come in between, nothing is nested deeper than
 * S3DLIO_XML_MAX_DEPTH. */
typedef struct {
  GPtrArray *open_paths;
  guint      n_elements;
} ReaderState;

static guint
path_depth (const char *path)
{
  guint depth = 1;

  if (*path == '\0')
    return depth;

  for (const char *p = path; *p != '\0'; p++)
    if (*p == '/')
      depth++;
  return depth + 1;
}

static gboolean
reader_open (const char  *path,
             gpointer     user_data,
             GError     **error)
{
  ReaderState *state = user_data;

  g_assert_true (g_utf8_validate (path, -1, NULL));
  g_assert_cmpuint (path_depth (path), <=, S3DLIO_XML_MAX_DEPTH);
  /* The document element is "", its children are named below it. */
  g_assert_true ((state->open_paths->len == 0) == (*path == '\0'));
  g_ptr_array_add (state->open_paths, g_strdup (path));
  state->n_elements++;
  return TRUE;
}

static gboolean
reader_leaf (const char  *path,
             const char  *text,
             gpointer     user_data,
             GError     **error)
{
  ReaderState *state = user_data;

  g_assert_cmpuint (state->open_paths->len, >, 0);
  g_assert_cmpstr (path, ==, g_ptr_array_index (state->open_paths, state->open_paths->len - 1));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  return TRUE;
}

static gboolean
reader_close (const char  *path,
              gpointer     user_data,
              GError     **error)
{
  ReaderState *state = user_data;

  g_assert_cmpuint (state->open_paths->len, >, 0);
  g_assert_cmpstr (path, ==, g_ptr_array_index (state->open_paths, state->open_paths->len - 1));
  g_ptr_array_remove_index (state->open_paths, state->open_paths->len - 1);
  return TRUE;
}

static const S3dlioXmlHandler any_document_handler = {
  .roots = NULL,
  .open = reader_open,
  .leaf = reader_leaf,
  .close = reader_close,
};

static void
fuzz_reader (const char *data,
             gsize       size)
{
  g_autoptr(GPtrArray) open_paths = g_ptr_array_new_with_free_func (g_free);
  ReaderState state = { open_paths, 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;

  if (!_s3dlio_xml_parse (data, size, &any_document_handler, &state, &root, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_assert_null (root);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_true (g_utf8_validate (root, -1, NULL));
  g_assert_cmpuint (state.n_elements, >, 0);
  g_assert_cmpuint (open_paths->len, ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  fuzz_init ();

  fuzz_error_document (text, size);
  fuzz_list_objects (text, size);
  fuzz_list_buckets (text, size);
  fuzz_initiate_multipart_upload (text, size);
  fuzz_complete_multipart_upload (text, size);
  fuzz_copy_result (text, size);
  fuzz_delete_result (text, size);
  fuzz_list_parts (text, size);
  fuzz_list_uploads (text, size);
  fuzz_reader (text, size);

  return 0;
}
