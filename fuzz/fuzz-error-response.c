/* fuzz-error-response.c: turning an HTTP error response into a GError
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is what a server controls in an error response:
 *
 *     STATUS[ REASON]\n
 *     X-AMZ-REQUEST-ID\n
 *     BODY
 *
 * An empty reason or request id line stands for a missing one. Then
 * _s3dlio_error_from_response() maps it, and the text sanitiser it relies
 * on runs over the body on its own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <s3dlio.h>

#include "s3dlio-error-private.h"

#include "fuzz-common.h"

/* Every part of the message is capped (S3DLIO_ERROR_MESSAGE_MAX for the S3
 * <Message>, less for the rest): the whole stays a log line. */
#define MESSAGE_LIMIT 1024

/* Takes the text up to the next newline (or the end) from *@data. */
static char *
take_line (const char **data,
           gsize       *size)
{
  const char *newline = memchr (*data, '\n', *size);
  gsize len = newline != NULL ? (gsize) (newline - *data) : *size;
  char *line = g_strndup (*data, len);

  *data += MIN (len + 1, *size);
  *size -= MIN (len + 1, *size);
  return line;
}

static gboolean
is_unwanted (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    case G_UNICODE_SPACE_SEPARATOR:
      return c != ' ';
    default:
      return FALSE;
    }
}

/* What _s3dlio_error_sanitize_text() promises: UTF-8, no control, format
 * or separator character but single spaces, none at either end, and at
 * most @max_bytes bytes plus the "…" that marks a cut. */
static void
assert_sanitized (const char *text,
                  gsize       max_bytes)
{
  const char *last = NULL;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), <=, max_bytes + strlen ("…"));
  g_assert_true (text[0] != ' ');
  g_assert_null (strstr (text, "  "));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_assert_false (is_unwanted (g_utf8_get_char (p)));
      last = p;
    }

  if (last != NULL)
    g_assert_true (*last != ' ');
}

static void
assert_no_control_bytes (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *rest = (const char *) data;
  gsize rest_len = size;
  g_autofree char *status_line = take_line (&rest, &rest_len);
  g_autofree char *request_id = take_line (&rest, &rest_len);
  g_autoptr(GError) error = NULL;
  const char *reason = NULL;
  char *end = NULL;
  guint64 status;

  fuzz_init ();

  status = g_ascii_strtoull (status_line, &end, 10);
  if (*end == ' ')
    reason = end + 1;

  g_assert_false (_s3dlio_error_from_response ((guint) status, reason,
                                               rest_len > 0 ? rest : NULL, rest_len,
                                               *request_id != '\0' ? request_id : NULL,
                                               &error));
  fuzz_assert_error (error, -1);
  g_assert_cmpuint (strlen (error->message), <=, MESSAGE_LIMIT);
  assert_no_control_bytes (error->message);

  /* The sanitiser alone, with a length and NUL-terminated, with caps from
   * nothing to more than the input. */
  {
    static const gsize caps[] = { 0, 1, 7, 80, 4096 };

    for (guint i = 0; i < G_N_ELEMENTS (caps); i++)
      {
        g_autofree char *counted = _s3dlio_error_sanitize_text (rest, rest_len, caps[i]);
        g_autofree char *terminated = _s3dlio_error_sanitize_text (request_id, -1, caps[i]);

        assert_sanitized (counted, caps[i]);
        assert_sanitized (terminated, caps[i]);
      }
  }

  return 0;
}
