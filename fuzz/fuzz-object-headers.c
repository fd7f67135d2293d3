/* fuzz-object-headers.c: an object's metadata from response headers
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is a header block, one `Name: value` per line. The lines are
 * added to a SoupMessageHeaders the way libsoup adds what it reads from the
 * network (bad names and lines are dropped, values trimmed and made valid
 * UTF-8), then _s3dlio_object_info_new_from_headers() describes the object
 * from them, as HEAD and GET do: size from Content-Range or Content-Length,
 * ETag, Last-Modified, Content-Type, storage class and x-amz-meta-*.
 */
#include "config.h"

#include <string.h>

#include <s3dlio.h>

#include "s3dlio-object-info-private.h"

#include "fuzz-common.h"

static void
add_header_line (SoupMessageHeaders *headers,
                 const char         *line)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  g_autofree char *valid_name = NULL;
  g_autofree char *valid_value = NULL;

  /* What soup_headers_parse() ignores. */
  if (colon == NULL || colon == line || strcspn (line, " \t\r") < (gsize) (colon - line))
    return;

  name = g_strndup (line, colon - line);
  value = g_strdup (colon + 1);
  g_strchomp (g_strchug (value));
  g_strdelimit (value, "\r", ' ');

  valid_name = g_utf8_make_valid (name, -1);
  valid_value = g_utf8_make_valid (value, -1);
  soup_message_headers_append (headers, valid_name, valid_value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  const char *content_range;
  guint64 total = 0;

  fuzz_init ();

  for (guint i = 0; lines[i] != NULL; i++)
    add_header_line (headers, lines[i]);

  info = _s3dlio_object_info_new_from_headers ("key", headers, &error);
  content_range = soup_message_headers_get_one (headers, "Content-Range");

  if (info == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_MALFORMED_RESPONSE);
      g_assert_true (content_range != NULL ||
                     soup_message_headers_get_one (headers, "Content-Length") != NULL);
    }
  else
    {
      g_auto(GStrv) names = s3dlio_object_info_get_metadata_keys (info);

      g_assert_no_error (error);
      g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, "key");
      /* A ranged response gives the size of the whole object. */
      if (content_range != NULL)
        {
          g_assert_true (_s3dlio_parse_content_range (content_range, NULL, NULL, &total, NULL));
          g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, total);
        }

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *lower = g_ascii_strdown (names[i], -1);

          g_assert_cmpstr (names[i], ==, lower);
          g_assert_true (g_utf8_validate (names[i], -1, NULL));
          g_assert_nonnull (s3dlio_object_info_get_metadata_value (info, names[i]));
          g_assert_true (g_utf8_validate (s3dlio_object_info_get_metadata_value (info, names[i]), -1, NULL));
        }
      if (s3dlio_object_info_get_etag (info) != NULL)
        g_assert_true (g_utf8_validate (s3dlio_object_info_get_etag (info), -1, NULL));
      if (s3dlio_object_info_get_content_type (info) != NULL)
        g_assert_true (g_utf8_validate (s3dlio_object_info_get_content_type (info), -1, NULL));
      if (s3dlio_object_info_get_storage_class (info) != NULL)
        g_assert_true (g_utf8_validate (s3dlio_object_info_get_storage_class (info), -1, NULL));
    }

  soup_message_headers_unref (headers);
  return 0;
}
