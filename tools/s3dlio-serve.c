/* s3dlio-serve.c: s3dlio serve DIR
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

static int port;
static char *address;
static char *access_key_id;
static char *secret_access_key;

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default: any free port)"), N_("PORT") },
  { "address", 'a', 0, G_OPTION_ARG_STRING, &address, N_("Address to listen on (default 127.0.0.1)"), N_("ADDRESS") },
  { "access-key-id", 0, 0, G_OPTION_ARG_STRING, &access_key_id,
    N_("Require requests signed with this key id (and --secret-access-key)"), N_("ID") },
  { "secret-access-key", 0, 0, G_OPTION_ARG_STRING, &secret_access_key,
    N_("The secret for --access-key-id"), N_("SECRET") },
  { NULL }
};

int
s3dlio_tool_serve (int      argc,
                   char   **argv,
                   gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioServer) server = NULL;
  g_autoptr(GSource) stop = NULL;
  g_autofree char *uri = NULL;
  GCancellable *cancellable = s3dlio_tool_get_cancellable ();

  context = s3dlio_tool_option_context_new ("serve", _("DIR"),
                                            _("Serve DIR as a local S3 endpoint: each subdirectory is a bucket, each file\n"
                                              "below it an object. Listens on 127.0.0.1 unless told otherwise."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 2)
    return s3dlio_tool_usage_error (context, _("Give the directory to serve"));
  if (port < 0 || port > 65535)
    return s3dlio_tool_usage_error (context, _("--port must be from 0 to 65535"));
  if ((access_key_id == NULL) != (secret_access_key == NULL))
    return s3dlio_tool_usage_error (context, _("--access-key-id and --secret-access-key go together"));
  s3dlio_tool_apply_output_options ();

  if (!g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("“%s” is not a directory"), argv[1]);
      return s3dlio_tool_failed (error);
    }

  server = s3dlio_server_new (argv[1]);
  s3dlio_server_set_port (server, port);
  if (address != NULL)
    s3dlio_server_set_address (server, address);
  if (access_key_id != NULL)
    {
      g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (access_key_id, secret_access_key, NULL);

      s3dlio_server_set_credentials (server, credentials);
    }

  if (!s3dlio_server_start (server, &error))
    return s3dlio_tool_failed (error);

  uri = s3dlio_server_get_uri (server);
  g_print (_("Serving %s at %s (press Ctrl+C to stop)\n"), argv[1], uri);
  g_print (_("Try: s3dlio --endpoint-url %s%s ls\n"), uri,
           access_key_id ? "" : " --no-sign-request");

  /* The signal thread cancels; this loop wakes up and ends. */
  stop = g_cancellable_source_new (cancellable);
  g_source_set_dummy_callback (stop);
  g_source_attach (stop, NULL);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);

  s3dlio_server_stop (server);
  return S3DLIO_TOOL_EXIT_OK;
}
