/* s3dlio.c: the s3dlio command-line tool, dispatched like GLib's gio tool
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <s3dlio.h>

static void
usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage:\n  s3dlio COMMAND [ARGS…]\n\nCommands:\n  help     Show help for a command\n  version  Print the version"));
}

int
main (int   argc,
      char *argv[])
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return 1;
    }

  command = argv[1];
  if (g_str_equal (command, "version") || g_str_equal (command, "--version"))
    {
      g_print ("s3dlio %u.%u.%u\n", s3dlio_get_major_version (),
               s3dlio_get_minor_version (), s3dlio_get_micro_version ());
      return 0;
    }
  if (g_str_equal (command, "help") || g_str_equal (command, "--help") || g_str_equal (command, "-h"))
    {
      usage (stdout);
      return 0;
    }

  g_printerr ("s3dlio: %s\n", _("Unknown command"));
  usage (stderr);
  return 1;
}
