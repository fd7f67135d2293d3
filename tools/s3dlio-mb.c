/* s3dlio-mb.c: s3dlio mb s3://BUCKET
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

int
s3dlio_tool_mb (int      argc,
                char   **argv,
                gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = NULL;

  context = s3dlio_tool_option_context_new ("mb", _("s3://BUCKET"),
                                            _("Make a bucket, in the region of the endpoint (--region)."),
                                            FALSE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 2)
    return s3dlio_tool_usage_error (context, _("Give one bucket, as s3://BUCKET"));
  s3dlio_tool_apply_output_options ();

  if (!(uri = s3dlio_tool_parse_bucket_uri (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (!(client = s3dlio_tool_make_client (&error)))
    return s3dlio_tool_client_failed (context, error);

  if (!s3dlio_client_create_bucket (client, s3dlio_uri_get_bucket (uri),
                                    s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);

  if (s3dlio_tool_options.verbose)
    s3dlio_tool_message (_("made bucket %s"), s3dlio_uri_get_bucket (uri));
  return S3DLIO_TOOL_EXIT_OK;
}
