/* test-utils.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "test-utils.h"

extern char **environ;

static gboolean
is_isolated_variable (const char *name,
                      gsize       len)
{
  static const char *const prefixes[] = { "AWS_", "S3DLIO_" };
  static const char *const names[] = {
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (len >= strlen (prefixes[i]) && strncmp (name, prefixes[i], strlen (prefixes[i])) == 0)
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (len == strlen (names[i]) && strncmp (name, names[i], len) == 0)
      return TRUE;
  return FALSE;
}

static void
clear_environment (void)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_free);

  for (char **e = environ; *e != NULL; e++)
    {
      const char *eq = strchr (*e, '=');
      gsize len = eq ? (gsize) (eq - *e) : strlen (*e);

      if (is_isolated_variable (*e, len))
        g_ptr_array_add (doomed, g_strndup (*e, len));
    }

  for (guint i = 0; i < doomed->len; i++)
    g_unsetenv (g_ptr_array_index (doomed, i));
}

void
s3dlio_test_init (int    *argc,
                  char ***argv)
{
  clear_environment ();
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Debug output must not mix with the TAP stream on stdout. */
  g_log_writer_default_set_use_stderr (TRUE);
}

void
s3dlio_test_write_file (const char *path,
                        const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
data_path_va (const char *first_element,
              va_list     args)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  g_ptr_array_add (parts, (gpointer) (srcdir ? srcdir : "."));
  g_ptr_array_add (parts, (gpointer) "data");
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) e);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

char *
s3dlio_test_data_path (const char *first_element,
                       ...)
{
  va_list args;
  char *path;

  va_start (args, first_element);
  path = data_path_va (first_element, args);
  va_end (args);

  return path;
}

GBytes *
s3dlio_test_load_data (const char *first_element,
                       ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize len = 0;
  va_list args;

  va_start (args, first_element);
  path = data_path_va (first_element, args);
  va_end (args);

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("cannot read test data %s: %s", path, error->message);

  return g_bytes_new_take (contents, len);
}

void
s3dlio_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        s3dlio_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

guint
s3dlio_test_fetch (const char  *method,
                   const char  *url,
                   GBytes      *body,
                   GBytes     **response_body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) got = NULL;

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  got = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (response_body != NULL)
    *response_body = g_steal_pointer (&got);

  return soup_message_get_status (msg);
}
