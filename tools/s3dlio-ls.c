/* s3dlio-ls.c: s3dlio ls [-r] [-l] [-h] [URI]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

static gboolean recursive;
static gboolean long_format;
static gboolean human;

static const GOptionEntry entries[] = {
  { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive,
    N_("List every key under the prefix, not just one level"), NULL },
  { "long", 'l', 0, G_OPTION_ARG_NONE, &long_format,
    N_("Show size, modification time and ETag"), NULL },
  { "human-readable", 'h', 0, G_OPTION_ARG_NONE, &human,
    N_("Sizes in KiB, MiB, GiB"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json,
    N_("Print one JSON object per line"), NULL },
  { NULL }
};

#define SIZE_WIDTH 12

typedef struct {
  S3dlioUri  *uri;
  guint64     n_items;
} Listing;

/* {{{ Buckets */

static void
print_bucket (S3dlioBucketInfo *info)
{
  const char *name = s3dlio_bucket_info_get_name (info);
  GDateTime *created = s3dlio_bucket_info_get_creation_date (info);

  if (s3dlio_tool_options.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *uri = g_strconcat ("s3://", name, NULL);

      json_builder_begin_object (builder);
      s3dlio_tool_json_add_string (builder, "type", "bucket");
      s3dlio_tool_json_add_string (builder, "name", name);
      s3dlio_tool_json_add_string (builder, "uri", uri);
      s3dlio_tool_json_add_date (builder, "creation_date", created);
      s3dlio_tool_json_add_string (builder, "region", s3dlio_bucket_info_get_region (info));
      json_builder_end_object (builder);
      s3dlio_tool_print_json (builder);
    }
  else if (long_format)
    {
      g_autofree char *date = s3dlio_tool_format_date (created);

      g_print ("%-20s  %s\n", date ? date : "-", name);
    }
  else
    g_print ("%s\n", name);
}

static int
list_buckets (S3dlioClient *client)
{
  g_autoptr(GListModel) buckets = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  buckets = s3dlio_client_list_buckets (client, s3dlio_tool_get_cancellable (), &error);
  if (buckets == NULL)
    return s3dlio_tool_failed (error);

  n = g_list_model_get_n_items (buckets);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(S3dlioBucketInfo) info = g_list_model_get_item (buckets, i);

      print_bucket (info);
    }

  return S3DLIO_TOOL_EXIT_OK;
}

/* }}} */
/* {{{ Objects */

static void
print_json (Listing          *listing,
            S3dlioObjectInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *key = s3dlio_object_info_get_key (info);
  g_autoptr(S3dlioUri) item_uri = s3dlio_uri_with_key (listing->uri, key, NULL);
  g_autofree char *uri = item_uri ? s3dlio_uri_to_string (item_uri) : NULL;

  json_builder_begin_object (builder);
  if (s3dlio_object_info_get_is_prefix (info))
    {
      s3dlio_tool_json_add_string (builder, "type", "prefix");
      s3dlio_tool_json_add_string (builder, "uri", uri);
      s3dlio_tool_json_add_string (builder, "key", key);
    }
  else
    {
      s3dlio_tool_json_add_string (builder, "type", "object");
      s3dlio_tool_json_add_string (builder, "uri", uri);
      s3dlio_tool_json_add_string (builder, "key", key);
      s3dlio_tool_json_add_int (builder, "size", s3dlio_object_info_get_size (info));
      s3dlio_tool_json_add_date (builder, "last_modified", s3dlio_object_info_get_last_modified (info));
      s3dlio_tool_json_add_string (builder, "etag", s3dlio_object_info_get_etag (info));
      s3dlio_tool_json_add_string (builder, "storage_class", s3dlio_object_info_get_storage_class (info));
    }
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

/* @text right-aligned in @width characters (printf pads bytes, and sizes
 * such as "1.5 MiB" hold a no-break space). */
static char *
align_right (const char *text,
             guint       width)
{
  glong length = g_utf8_strlen (text, -1);
  g_autofree char *padding = g_strnfill (length < width ? width - length : 0, ' ');

  return g_strconcat (padding, text, NULL);
}

/* SIZE  DATE  ETAG  KEY, aligned; common prefixes show DIR for the size. */
static void
print_long (S3dlioObjectInfo *info)
{
  const char *key = s3dlio_object_info_get_key (info);
  g_autofree char *size = NULL;
  g_autofree char *aligned = NULL;
  g_autofree char *date = NULL;
  const char *etag;

  if (s3dlio_object_info_get_is_prefix (info))
    {
      aligned = align_right (_("DIR"), SIZE_WIDTH);
      g_print ("%s  %-20s  %-34s  %s\n", aligned, "", "", key);
      return;
    }

  size = s3dlio_tool_format_size (s3dlio_object_info_get_size (info), human);
  aligned = align_right (size, SIZE_WIDTH);
  date = s3dlio_tool_format_date (s3dlio_object_info_get_last_modified (info));
  etag = s3dlio_object_info_get_etag (info);
  g_print ("%s  %-20s  %-34s  %s\n", aligned, date ? date : "-", etag ? etag : "-", key);
}

static gboolean
print_item (S3dlioObjectInfo *info,
            gpointer          user_data)
{
  Listing *listing = user_data;

  listing->n_items++;
  if (s3dlio_tool_options.json)
    print_json (listing, info);
  else if (long_format)
    print_long (info);
  else
    g_print ("%s\n", s3dlio_object_info_get_key (info));

  return TRUE;
}

static int
list_objects (S3dlioObjectStore *store,
              S3dlioUri         *uri)
{
  Listing listing = { uri, 0 };
  g_autoptr(GError) error = NULL;

  /* One page at a time: a listing of any size runs in bounded memory. */
  if (!s3dlio_object_store_list_foreach (store, uri, recursive ? NULL : "/",
                                         print_item, &listing,
                                         s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);

  g_debug ("%" G_GUINT64_FORMAT " items", listing.n_items);
  return S3DLIO_TOOL_EXIT_OK;
}

/* }}} */

int
s3dlio_tool_ls (int      argc,
                char   **argv,
                gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_autoptr(S3dlioUri) uri = NULL;

  context = s3dlio_tool_option_context_new ("ls", _("[URI]"),
                                            _("List the buckets, or the objects and “directories” (common prefixes) under\n"
                                              "a prefix: s3://bucket/dir/ lists what is in dir/, s3://bucket/dir also\n"
                                              "dir.txt. With -r, every key under the prefix. Listings are printed page by\n"
                                              "page as they arrive."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc > 2)
    return s3dlio_tool_usage_error (context, _("Give at most one URI"));
  s3dlio_tool_apply_output_options ();

  /* A prefix of any store: s3://, file://, or a local path. */
  if (argc == 2 && !(uri = s3dlio_tool_parse_location (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (uri == NULL && recursive)
    return s3dlio_tool_usage_error (context, _("-r lists objects: give a URI"));

  /* Without one, the buckets: S3 only. */
  if (uri == NULL)
    {
      if (!(client = s3dlio_tool_make_client (&error)))
        return s3dlio_tool_client_failed (context, error);
      return list_buckets (client);
    }

  if (!(store = s3dlio_tool_make_store (uri, &error)))
    return s3dlio_tool_client_failed (context, error);
  return list_objects (store, uri);
}
