/* fuzz-common.c: what the fuzz targets share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <s3dlio.h>

#include "fuzz-common.h"

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  /* Warnings and criticals are bugs: printed, then abort(), which libFuzzer
   * catches and saves the input of (GLib's own fatal messages end in a
   * SIGTRAP, which it does not). Anything else is dropped. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_default (log_level & ~G_LOG_FLAG_FATAL, fields, n_fields, user_data);
      abort ();
    }

  return G_LOG_WRITER_HANDLED;
}

static void
clear_environment (void)
{
  g_auto(GStrv) environment = g_get_environ ();

  for (guint i = 0; environment[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (environment[i], strcspn (environment[i], "="));

      if (g_str_has_prefix (name, "AWS_") || g_str_has_prefix (name, "S3DLIO_"))
        g_unsetenv (name);
    }

  g_setenv ("HOME", "/nonexistent/s3dlio-fuzz", TRUE);
}

void
fuzz_init (void)
{
  static gboolean initialized = FALSE;

  if (initialized)
    return;
  initialized = TRUE;

  clear_environment ();
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  /* g_strndup() stops at the first NUL. */
  return g_strndup ((const char *) data, size);
}

void
fuzz_assert_error (const GError *error,
                   int           code)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == S3DLIO_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}
