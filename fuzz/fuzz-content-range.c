/* fuzz-content-range.c: the Content-Range header of ranged GETs
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is one header value (cut at a NUL byte), given to
 * _s3dlio_parse_content_range(), which the GET engine and the object
 * metadata both use. What it accepts must be what its documentation says,
 * and must read back the same once written out again.
 */
#include "config.h"

#include <s3dlio.h>

#include "s3dlio-object-info-private.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *value = fuzz_strndup (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  guint64 start = 0, end = 0, total = 0;
  guint64 start_again = 0, end_again = 0, total_again = 0;
  gboolean ok;

  fuzz_init ();

  ok = _s3dlio_parse_content_range (value, &start, &end, &total, &error);

  /* The outputs are optional, and do not change the verdict. */
  g_assert_true (_s3dlio_parse_content_range (value, NULL, NULL, NULL, NULL) == ok);

  if (!ok)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_MALFORMED_RESPONSE);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (value, "bytes "));

  if (start == G_MAXUINT64)
    {
      /* bytes * /TOTAL, the form of a 416 */
      g_assert_cmpuint (end, ==, G_MAXUINT64);
      written = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, total);
    }
  else
    {
      g_assert_cmpuint (start, <=, end);
      g_assert_cmpuint (end, <, total);
      written = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                 start, end, total);
    }

  g_assert_true (_s3dlio_parse_content_range (written, &start_again, &end_again, &total_again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (start, ==, start_again);
  g_assert_cmpuint (end, ==, end_again);
  g_assert_cmpuint (total, ==, total_again);

  return 0;
}
