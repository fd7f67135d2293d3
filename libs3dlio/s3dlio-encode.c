/* s3dlio-encode.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <string.h>

#include "s3dlio-encode-private.h"

/* Encoding classes: a byte is copied as it is when its class has the bit of
 * the mode set. Unreserved bytes (3) are kept in both modes, `/` (2) only
 * when slashes are kept, everything else (0) is escaped. */
#define KEEP_ALWAYS     1
#define KEEP_WITH_SLASH 2

static const guint8 encode_class[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 2,
  3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0,
  0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
  3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,
  0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
  3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 3, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Value of a hex digit, or -1. */
static const gint8 hex_value[256] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static const char upper_hex[] = "0123456789ABCDEF";

void
_s3dlio_uri_encode_append (GString    *out,
                           const char *s,
                           gssize      len,
                           gboolean    keep_slash)
{
  const guchar *p = (const guchar *) s;
  const guchar *end;
  guint8 mode = keep_slash ? KEEP_WITH_SLASH : KEEP_ALWAYS;

  g_return_if_fail (out != NULL);
  g_return_if_fail (s != NULL || len == 0);

  if (len < 0)
    len = strlen (s);
  end = p + len;

  /* Copy runs of bytes that stay as they are in one go: keys are mostly
   * unreserved characters. */
  while (p < end)
    {
      const guchar *run = p;

      while (p < end && (encode_class[*p] & mode) != 0)
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);

      if (p < end)
        {
          char escape[3] = { '%', upper_hex[*p >> 4], upper_hex[*p & 0xf] };

          g_string_append_len (out, escape, sizeof escape);
          p++;
        }
    }
}

char *
_s3dlio_uri_encode (const char *s,
                    gboolean    keep_slash)
{
  GString *out;
  gsize len;

  g_return_val_if_fail (s != NULL, NULL);

  len = strlen (s);
  out = g_string_sized_new (len + len / 2 + 1);
  _s3dlio_uri_encode_append (out, s, len, keep_slash);

  return g_string_free (out, FALSE);
}

char *
_s3dlio_uri_decode (const char *s,
                    gssize      len,
                    gboolean    plus_as_space)
{
  const guchar *p = (const guchar *) s;
  const guchar *end;
  char *result;
  char *q;

  g_return_val_if_fail (s != NULL || len == 0, NULL);

  if (len < 0)
    len = strlen (s);
  end = p + len;

  /* Decoding never makes the string longer. */
  result = q = g_malloc (len + 1);
  while (p < end)
    {
      if (*p == '%')
        {
          int high, low;

          if (end - p < 3)
            goto malformed;
          high = hex_value[p[1]];
          low = hex_value[p[2]];
          if (high < 0 || low < 0 || (high | low) == 0)
            goto malformed;
          *q++ = (char) ((high << 4) | low);
          p += 3;
        }
      else if (*p == '\0')
        {
          goto malformed;
        }
      else
        {
          *q++ = (plus_as_space && *p == '+') ? ' ' : (char) *p;
          p++;
        }
    }
  *q = '\0';

  return result;

malformed:
  g_free (result);
  return NULL;
}
