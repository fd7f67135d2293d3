/* s3dlio-info.c: s3dlio info URI
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

static gboolean human;

static const GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json, N_("Print JSON"), NULL },
  { "human-readable", 'h', 0, G_OPTION_ARG_NONE, &human, N_("Sizes in KiB, MiB, GiB"), NULL },
  { NULL }
};

static void
print_json (S3dlioUri        *uri,
            S3dlioObjectInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = s3dlio_uri_to_string (uri);
  g_auto(GStrv) keys = s3dlio_object_info_get_metadata_keys (info);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, s3dlio_object_info_get_key (info));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, s3dlio_object_info_get_size (info));
  json_builder_set_member_name (builder, "etag");
  json_builder_add_string_value (builder, s3dlio_object_info_get_etag (info));
  /* The same form as ls prints, so that the two can be compared. */
  s3dlio_tool_json_add_date (builder, "last_modified", s3dlio_object_info_get_last_modified (info));
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, s3dlio_object_info_get_content_type (info));
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, keys[i]);
      json_builder_add_string_value (builder, s3dlio_object_info_get_metadata_value (info, keys[i]));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  s3dlio_tool_print_json (builder);
}

static void
print_text (S3dlioUri        *uri,
            S3dlioObjectInfo *info)
{
  g_autofree char *text = s3dlio_uri_to_string (uri);
  g_autofree char *size = s3dlio_tool_format_size (s3dlio_object_info_get_size (info), human);
  g_auto(GStrv) keys = s3dlio_object_info_get_metadata_keys (info);
  g_autofree char *modified = s3dlio_tool_format_date (s3dlio_object_info_get_last_modified (info));

  g_print ("uri: %s\n", text);
  g_print ("size: %s\n", size);
  g_print ("etag: %s\n", s3dlio_object_info_get_etag (info) ? s3dlio_object_info_get_etag (info) : "");
  g_print ("last-modified: %s\n", modified ? modified : "");
  g_print ("content-type: %s\n", s3dlio_object_info_get_content_type (info) ? s3dlio_object_info_get_content_type (info) : "");
  if (s3dlio_object_info_get_storage_class (info) != NULL)
    g_print ("storage-class: %s\n", s3dlio_object_info_get_storage_class (info));
  if (keys[0] != NULL)
    {
      g_print ("metadata:\n");
      for (guint i = 0; keys[i] != NULL; i++)
        g_print ("  %s: %s\n", keys[i], s3dlio_object_info_get_metadata_value (info, keys[i]));
    }
}

int
s3dlio_tool_info (int      argc,
                  char   **argv,
                  gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;

  context = s3dlio_tool_option_context_new ("info", _("URI"),
                                            _("Show the size, ETag, modification time, content type and metadata of an object."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* -h is --human-readable here, as in ls(1); --help still works. */
  g_option_context_set_help_enabled (context, TRUE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 2)
    return s3dlio_tool_usage_error (context, _("Give one object URI"));
  s3dlio_tool_apply_output_options ();

  if (!(uri = s3dlio_tool_parse_location (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (s3dlio_uri_is_prefix (uri))
    return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: use ls to list it"));
  if (!(store = s3dlio_tool_make_store (uri, &error)))
    return s3dlio_tool_client_failed (context, error);

  info = s3dlio_object_store_stat (store, uri, s3dlio_tool_get_cancellable (), &error);
  if (info == NULL)
    return s3dlio_tool_failed (error);

  if (s3dlio_tool_options.json)
    print_json (uri, info);
  else
    print_text (uri, info);

  return S3DLIO_TOOL_EXIT_OK;
}
