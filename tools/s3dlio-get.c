/* s3dlio-get.c: s3dlio get URI [DEST]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <unistd.h>

#include "s3dlio-tool.h"

static gboolean discard;
static gboolean recursive;
static int jobs = 4;

static const GOptionEntry entries[] = {
  { "discard", 0, 0, G_OPTION_ARG_NONE, &discard,
    N_("Read the object and throw it away (to measure)"), NULL },
  { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive,
    N_("Download every object under a prefix into a directory"), NULL },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
    N_("Objects downloaded at the same time with -r (default 4)"), N_("N") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json,
    N_("Print the result as JSON"), NULL },
  { NULL }
};

/* Where the object goes: DEST as a file, into DEST if it is a directory
 * (or ends with "/"), stdout for "-", the object's name here without DEST. */
static char *
destination_path (S3dlioUri  *uri,
                  const char *dest)
{
  g_autofree char *name = s3dlio_uri_get_basename (uri);

  if (dest == NULL)
    return g_steal_pointer (&name);
  if (g_str_has_suffix (dest, "/") || g_file_test (dest, G_FILE_TEST_IS_DIR))
    return g_build_filename (dest, name, NULL);
  return g_strdup (dest);
}

static void
print_result (S3dlioUri      *uri,
              const char     *path,
              S3dlioTransfer *transfer)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = s3dlio_uri_to_string (uri);
  double seconds = s3dlio_transfer_get_elapsed (transfer);
  guint64 bytes = s3dlio_transfer_get_length (transfer);

  if (!s3dlio_tool_options.json)
    {
      if (s3dlio_tool_options.verbose || discard)
        g_printerr ("s3dlio: %s: %" G_GUINT64_FORMAT " bytes in %.3f s (%.2f GB/s), %u requests, %u retries\n",
                    text, bytes, seconds, seconds > 0 ? bytes / seconds / 1e9 : 0.0,
                    s3dlio_transfer_get_requests (transfer), s3dlio_transfer_get_retries (transfer));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "path");
  if (path != NULL)
    json_builder_add_string_value (builder, path);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, bytes);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "gbps");
  json_builder_add_double_value (builder, seconds > 0 ? bytes / seconds / 1e9 : 0.0);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, s3dlio_transfer_get_requests (transfer));
  json_builder_set_member_name (builder, "retries");
  json_builder_add_int_value (builder, s3dlio_transfer_get_retries (transfer));
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

static int
get_one (S3dlioClient *client,
         S3dlioUri    *uri,
         const char   *dest)
{
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (discard)
    s3dlio_transfer_set_discard (transfer);
  else if (g_strcmp0 (dest, "-") == 0)
    {
      out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      s3dlio_transfer_set_destination_stream (transfer, out);
    }
  else
    {
      path = destination_path (uri, dest);
      s3dlio_transfer_set_destination_path (transfer, path);
    }

  s3dlio_tool_attach_progress (transfer);
  if (!s3dlio_client_download (client, transfer, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);
  s3dlio_tool_end_progress ();

  print_result (uri, path, transfer);
  return S3DLIO_TOOL_EXIT_OK;
}

int
s3dlio_tool_get (int      argc,
                 char   **argv,
                 gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  const char *dest;

  context = s3dlio_tool_option_context_new ("get", _("URI [DEST]"),
                                            _("Download an object to DEST: a file, a directory, or “-” for standard output.\n"
                                              "Large objects are fetched as concurrent ranged GETs written straight into place;\n"
                                              "the file only appears, complete, when every byte has arrived."),
                                            TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc < 2 || argc > 3)
    return s3dlio_tool_usage_error (context, _("Give an object URI and at most one destination"));
  if (jobs < 1 || jobs > 1024)
    return s3dlio_tool_usage_error (context, _("--jobs must be from 1 to 1024"));
  if (discard && argc == 3)
    return s3dlio_tool_usage_error (context, _("--discard takes no destination"));
  s3dlio_tool_apply_output_options ();

  dest = argc == 3 ? argv[2] : NULL;
  if (!(uri = s3dlio_tool_parse_location (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_S3)
    return s3dlio_tool_usage_error (context, _("The source must be an s3:// URI"));
  if (recursive)
    return s3dlio_tool_usage_error (context, _("-r is not available yet"));
  if (s3dlio_uri_is_prefix (uri))
    return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: use -r to download everything under it"));

  if (!(client = s3dlio_tool_make_client (&error)))
    return s3dlio_tool_failed (error);

  return get_one (client, uri, dest);
}
