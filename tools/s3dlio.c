/* s3dlio.c: the s3dlio command-line tool, dispatched like GLib's gio tool
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "s3dlio-tool.h"

typedef struct {
  const char        *name;
  S3dlioToolCommand  handler;
  const char        *summary;
} Command;

static const Command commands[] = {
  { "ls",      s3dlio_tool_ls,      N_("List buckets, or objects and prefixes") },
  { "get",     s3dlio_tool_get,     N_("Download objects to files, a directory or stdout") },
  { "cat",     s3dlio_tool_cat,     N_("Write objects to stdout, in order") },
  { "info",    s3dlio_tool_info,    N_("Show an object's size, ETag, date, type and metadata") },
  { "put",     s3dlio_tool_put,     N_("Upload files or a directory") },
  { "cp",      s3dlio_tool_cp,      N_("Copy between local files and objects, or objects on the server") },
  { "rm",      s3dlio_tool_rm,      N_("Delete objects, or everything under a prefix") },
  { "presign", s3dlio_tool_presign, N_("Print a presigned URL for an object") },
  { "mb",      s3dlio_tool_mb,      N_("Make a bucket") },
  { "rb",      s3dlio_tool_rb,      N_("Remove a bucket") },
  { "bench",   s3dlio_tool_bench,   N_("Measure single, HEAD-first and size-aware GETs") },
  { "serve",   s3dlio_tool_serve,   N_("Serve a directory as a local S3 endpoint") },
};

static void
usage (FILE *out)
{
  fprintf (out, "%s\n  s3dlio %s\n\n%s\n", _("Usage:"), _("COMMAND [ARGS…]"), _("Commands:"));
  fprintf (out, "  %-8s %s\n", "help", _("Show help for a command"));
  fprintf (out, "  %-8s %s\n", "version", _("Print the version"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Use “s3dlio help COMMAND” for the options of a command."));
}

/* What was printed and could not be written (a full disk, a closed
 * file) is lost: that is a failure, as in coreutils' close_stdout(). */
static int
close_stdout (int status)
{
  int saved_errno = 0;
  gboolean lost = ferror (stdout);

  if (fflush (stdout) != 0)
    {
      saved_errno = errno;
      lost = TRUE;
    }
  if (!lost)
    return status;

  if (saved_errno != 0)
    g_printerr ("s3dlio: %s: %s\n", _("Cannot write to standard output"), g_strerror (saved_errno));
  else
    g_printerr ("s3dlio: %s\n", _("Cannot write to standard output"));
  return status == S3DLIO_TOOL_EXIT_OK ? S3DLIO_TOOL_EXIT_FAILED : status;
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  const Command *command;
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Both before any thread exists: logs must not mix with data on stdout,
   * and every thread must block the signals the signal thread waits for. */
  g_log_writer_default_set_use_stderr (TRUE);
  s3dlio_tool_init_signals ();

  if (argc < 2)
    {
      g_printerr ("s3dlio: %s\n\n", _("Give a command"));
      usage (stderr);
      return S3DLIO_TOOL_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "version") || g_str_equal (name, "--version"))
    {
      g_print ("s3dlio %u.%u.%u\n", s3dlio_get_major_version (),
               s3dlio_get_minor_version (), s3dlio_get_micro_version ());
      return close_stdout (S3DLIO_TOOL_EXIT_OK);
    }

  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
    {
      if (argc < 3)
        {
          usage (stdout);
          return close_stdout (S3DLIO_TOOL_EXIT_OK);
        }
      command = find_command (argv[2]);
      if (command == NULL)
        {
          g_printerr ("s3dlio: %s “%s”\n\n", _("Unknown command"), argv[2]);
          usage (stderr);
          return S3DLIO_TOOL_EXIT_USAGE;
        }
      return close_stdout (command->handler (argc - 2, argv + 2, TRUE));
    }

  command = find_command (name);
  if (command == NULL)
    {
      g_printerr ("s3dlio: %s “%s”\n\n", _("Unknown command"), name);
      usage (stderr);
      return S3DLIO_TOOL_EXIT_USAGE;
    }

  return close_stdout (command->handler (argc - 1, argv + 1, FALSE));
}
