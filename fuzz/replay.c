/* replay.c: runs files through a fuzz target without libFuzzer
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Linked with one fuzz-NAME.c instead of libFuzzer's main(), so that every
 * build (gcc included) replays the seed and regression corpora as a test.
 * Each argument is a file or a directory, read recursively. A missing path
 * or an unreadable file is an error, so is finding no file at all: a test
 * that replays nothing must not pass.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean replay_path (const char *path,
                             guint      *n_files,
                             GError    **error);

static gboolean
replay_directory (const char  *path,
                  guint       *n_files,
                  GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* The same order every time, so a failure can be found again. */
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);

      if (!replay_path (child, n_files, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
replay_path (const char  *path,
             guint       *n_files,
             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return replay_directory (path, n_files, error);

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  /* libFuzzer hands over a copy of exactly @length bytes, never NUL-
   * terminated and never at NULL: so do we, so that AddressSanitizer sees a
   * read past the end. */
  {
    g_autofree guint8 *input = g_malloc (MAX (length, 1));

    memcpy (input, contents, length);
    /* Named first, so that a crash says which input it was. */
    printf ("%s\n", path);
    fflush (stdout);
    LLVMFuzzerTestOneInput (input, length);
  }

  (*n_files)++;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  guint n_files = 0;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s FILE-OR-DIRECTORY…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      guint before = n_files;

      if (!replay_path (argv[i], &n_files, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
      printf ("%s: %u inputs replayed\n", argv[i], n_files - before);
    }

  if (n_files == 0)
    {
      fprintf (stderr, "%s: no input to replay\n", argv[0]);
      return 1;
    }

  return 0;
}
