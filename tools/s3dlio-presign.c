/* s3dlio-presign.c: s3dlio presign URI
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

#define MAX_EXPIRES (7 * 24 * 3600)

static int expires = 3600;
static gboolean put;

static const GOptionEntry entries[] = {
  { "expires", 'e', 0, G_OPTION_ARG_INT, &expires,
    N_("Seconds the URL stays valid, up to 604800 (7 days; default 3600)"), N_("SECONDS") },
  { "put", 0, 0, G_OPTION_ARG_NONE, &put,
    N_("A URL to upload the object with PUT, instead of downloading it"), NULL },
  { NULL }
};

int
s3dlio_tool_presign (int      argc,
                     char   **argv,
                     gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autofree char *url = NULL;

  context = s3dlio_tool_option_context_new ("presign", _("URI"),
                                            _("Print a presigned URL for an object: anyone holding it can GET (or, with --put,\n"
                                              "PUT) the object with any HTTP client, without credentials, until it expires.\n"
                                              "It is signed locally: nothing is sent to the endpoint."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 2)
    return s3dlio_tool_usage_error (context, _("Give one object URI"));
  if (expires < 1 || expires > MAX_EXPIRES)
    return s3dlio_tool_range_error (context, "--expires", expires, 1, MAX_EXPIRES);
  s3dlio_tool_apply_output_options ();

  if (!(uri = s3dlio_tool_parse_s3_uri (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (s3dlio_uri_is_prefix (uri))
    return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: presigned URLs name one object"));

  if (!(client = s3dlio_tool_make_client (&error)))
    return s3dlio_tool_client_failed (context, error);

  url = s3dlio_client_presign (client, uri, put ? "PUT" : "GET", expires, &error);
  if (url == NULL)
    return s3dlio_tool_failed (error);

  g_print ("%s\n", url);
  return S3DLIO_TOOL_EXIT_OK;
}
