/* main.c: s3dlio-inspector
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "s3dlio-inspector-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(S3dlioInspectorApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("S3 Inspector"));

  app = s3dlio_inspector_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
