/* s3dlio-cat.c: s3dlio cat URI…
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "s3dlio-tool.h"

int
s3dlio_tool_cat (int      argc,
                 char   **argv,
                 gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_object_unref);

  context = s3dlio_tool_option_context_new ("cat", _("URI…"),
                                            _("Write objects to standard output, one after the other. Each is still fetched\n"
                                              "as concurrent ranged GETs, written out in order; memory stays bounded by the\n"
                                              "parts in flight."),
                                            TRUE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc < 2)
    return s3dlio_tool_usage_error (context, _("Give at least one object URI"));
  s3dlio_tool_apply_output_options ();

  /* Check every argument before writing anything. */
  for (int i = 1; i < argc; i++)
    {
      S3dlioUri *uri = s3dlio_tool_parse_location (argv[i], &error);

      if (uri == NULL)
        return s3dlio_tool_usage_error (context, error->message);
      g_ptr_array_add (uris, uri);
      if (s3dlio_uri_is_prefix (uri))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is a prefix, not an object: use ls to list it"),
                                                      argv[i]);

          return s3dlio_tool_usage_error (context, message);
        }
    }

  if (!(stores = s3dlio_tool_make_stores (uris, &error)))
    return s3dlio_tool_client_failed (context, error);

  out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  for (guint i = 0; i < uris->len; i++)
    {
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (g_ptr_array_index (uris, i));

      s3dlio_transfer_set_destination_stream (transfer, out);
      /* The progress line goes to stderr, a line per object: standard
       * output carries the objects and nothing else. */
      s3dlio_tool_attach_progress (transfer);
      if (!s3dlio_object_store_download (g_ptr_array_index (stores, i), transfer,
                                         s3dlio_tool_get_cancellable (), &error))
        return s3dlio_tool_failed (error);
      s3dlio_tool_end_progress ();
    }

  return S3DLIO_TOOL_EXIT_OK;
}
