/* s3dlio-put.c: s3dlio put SRC URI
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <string.h>
#include <unistd.h>

#include "s3dlio-tool.h"

static gboolean recursive;
static int jobs = 4;
static char *content_type;
static char **metadata_args;

static const GOptionEntry entries[] = {
  { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive,
    N_("Upload every file under a directory to the prefix URI"), NULL },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
    N_("Files uploaded at the same time with -r (default 4)"), N_("N") },
  { "content-type", 0, 0, G_OPTION_ARG_STRING, &content_type,
    N_("Content-Type of the object, such as text/plain"), N_("TYPE") },
  { "metadata", 0, 0, G_OPTION_ARG_STRING_ARRAY, &metadata_args,
    N_("User metadata (x-amz-meta-NAME); may be repeated"), N_("NAME=VALUE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json,
    N_("Print the result as JSON"), NULL },
  { NULL }
};

/* {{{ One file */

static void
print_result (S3dlioUpload *upload,
              const char   *source)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *text = s3dlio_uri_to_string (s3dlio_upload_get_uri (upload));
  double seconds = s3dlio_upload_get_elapsed (upload);
  guint64 bytes = s3dlio_upload_get_total_size (upload);

  if (!s3dlio_tool_options.json)
    {
      g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

      /* Numbers of 64 bits go in as text: a translatable string cannot
       * hold G_GUINT64_FORMAT. */
      if (s3dlio_tool_options.verbose)
        s3dlio_tool_message (_("%s: %s bytes in %.3f s (%.2f GB/s), %u parts, %u requests, %u retries"),
                             text, bytes_text, seconds, seconds > 0 ? bytes / seconds / 1e9 : 0.0,
                             s3dlio_upload_get_n_parts (upload), s3dlio_upload_get_requests (upload),
                             s3dlio_upload_get_retries (upload));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  s3dlio_tool_json_add_string (builder, "uri", text);
  s3dlio_tool_json_add_string (builder, "path", g_strcmp0 (source, "-") == 0 ? NULL : source);
  s3dlio_tool_json_add_int (builder, "bytes", bytes);
  s3dlio_tool_json_add_double (builder, "seconds", seconds);
  s3dlio_tool_json_add_double (builder, "gbps", seconds > 0 ? bytes / seconds / 1e9 : 0.0);
  s3dlio_tool_json_add_int (builder, "parts", s3dlio_upload_get_n_parts (upload));
  s3dlio_tool_json_add_int (builder, "requests", s3dlio_upload_get_requests (upload));
  s3dlio_tool_json_add_int (builder, "retries", s3dlio_upload_get_retries (upload));
  s3dlio_tool_json_add_string (builder, "etag", s3dlio_upload_get_etag (upload));
  s3dlio_tool_json_add_string (builder, "error", NULL);
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

int
s3dlio_tool_upload_file (S3dlioObjectStore *store,
                         const char        *source,
                         S3dlioUri         *uri,
                         const char        *type,
                         GHashTable        *metadata)
{
  gboolean from_stdin = g_strcmp0 (source, "-") == 0;
  g_autoptr(S3dlioUri) target = NULL;
  g_autoptr(S3dlioUpload) upload = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;

  /* "put file.bin s3://bucket/dir/" writes s3://bucket/dir/file.bin, as cp(1). */
  if (s3dlio_uri_is_prefix (uri))
    {
      g_autofree char *name = g_path_get_basename (source);

      if (from_stdin)
        {
          g_set_error_literal (&error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                               _("Standard input has no name: give the full key of the object"));
          return s3dlio_tool_failed (error);
        }
      if (!(target = s3dlio_uri_append (uri, name, &error)))
        return s3dlio_tool_failed (error);
    }
  else
    target = g_object_ref (uri);

  upload = s3dlio_upload_new (target);
  if (from_stdin)
    {
      in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      s3dlio_upload_set_source_stream (upload, in, -1);
    }
  else
    s3dlio_upload_set_source_path (upload, source);
  if (type != NULL)
    s3dlio_upload_set_content_type (upload, type);
  if (metadata != NULL)
    s3dlio_upload_set_metadata (upload, metadata);

  s3dlio_tool_attach_upload_progress (upload);
  if (!s3dlio_object_store_upload (store, upload, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);
  s3dlio_tool_end_progress ();

  print_result (upload, source);
  return S3DLIO_TOOL_EXIT_OK;
}

/* }}} */
/* {{{ A directory */

static void
item_finished (S3dlioBatch     *batch,
               S3dlioBatchItem *item,
               gpointer         user_data)
{
  const GError *error = s3dlio_batch_item_get_error (item);
  g_autofree char *text = s3dlio_uri_to_string (s3dlio_batch_item_get_uri (item));
  g_autoptr(JsonBuilder) builder = NULL;

  /* A cancellation is reported once, for the whole batch. */
  if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_CANCELLED)
    return;

  if (!s3dlio_tool_options.json)
    {
      if (error != NULL)
        s3dlio_tool_message ("%s", error->message);
      else if (s3dlio_tool_options.verbose)
        s3dlio_tool_message ("%s → %s", s3dlio_batch_item_get_path (item), text);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  s3dlio_tool_json_add_string (builder, "uri", text);
  s3dlio_tool_json_add_string (builder, "path", s3dlio_batch_item_get_path (item));
  s3dlio_tool_json_add_int (builder, "bytes", s3dlio_batch_item_get_size (item));
  s3dlio_tool_json_add_string (builder, "error", error ? error->message : NULL);
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

int
s3dlio_tool_upload_directory (S3dlioObjectStore *store,
                              const char        *directory,
                              S3dlioUri         *prefix,
                              guint              n_jobs)
{
  g_autoptr(S3dlioBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  batch = s3dlio_batch_new (prefix, directory);
  s3dlio_batch_set_max_concurrent (batch, n_jobs);
  /* Each object is reported as it finishes: the batch need not keep it. */
  s3dlio_batch_set_keep_finished (batch, FALSE);
  g_signal_connect (batch, "item-finished", G_CALLBACK (item_finished), NULL);
  s3dlio_tool_attach_batch_progress (batch);

  if (!s3dlio_object_store_upload_recursive (store, batch, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);
  s3dlio_tool_end_progress ();

  if (s3dlio_tool_options.verbose && !s3dlio_tool_options.json)
    s3dlio_tool_print_batch_summary (batch);

  return S3DLIO_TOOL_EXIT_OK;
}

/* }}} */

/* NAME=VALUE arguments to a table; %NULL without any. */
static GHashTable *
parse_metadata (char   **args,
                GError **error)
{
  g_autoptr(GHashTable) metadata = NULL;

  if (args == NULL || args[0] == NULL)
    return NULL;

  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *equal = strchr (args[i], '=');

      if (equal == NULL || equal == args[i])
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("--metadata “%s”: expected NAME=VALUE"), args[i]);
          return NULL;
        }
      g_hash_table_insert (metadata, g_strndup (args[i], equal - args[i]), g_strdup (equal + 1));
    }

  return g_steal_pointer (&metadata);
}

int
s3dlio_tool_put (int      argc,
                 char   **argv,
                 gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_autoptr(S3dlioUri) source_uri = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  const char *source;

  context = s3dlio_tool_option_context_new ("put", _("SRC URI"),
                                            _("Upload the file SRC (“-” for standard input) to the object URI; a URI ending\n"
                                              "with “/” gets the file’s name. Files of at least --threshold go as a multipart\n"
                                              "upload of concurrent parts, aborted on failure so no parts are left behind.\n"
                                              "\n"
                                              "With -r, upload every file under the directory SRC below the prefix URI."),
                                            TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 3)
    return s3dlio_tool_usage_error (context, _("Give a file and a URI"));
  if (jobs < 1 || jobs > 1024)
    return s3dlio_tool_range_error (context, "--jobs", jobs, 1, 1024);
  if (recursive && (content_type != NULL || metadata_args != NULL))
    return s3dlio_tool_usage_error (context, _("--content-type and --metadata apply to single files, not with -r"));
  if (!(metadata = parse_metadata (metadata_args, &error)) && error != NULL)
    return s3dlio_tool_usage_error (context, error->message);
  s3dlio_tool_apply_output_options ();

  source = argv[1];
  if (strcmp (source, "-") != 0)
    {
      if (!(source_uri = s3dlio_tool_parse_location (source, &error)))
        return s3dlio_tool_usage_error (context, error->message);
      if (s3dlio_uri_get_scheme (source_uri) != S3DLIO_URI_SCHEME_FILE)
        return s3dlio_tool_usage_error (context, _("The source must be a local file: use cp to copy objects"));
      source = s3dlio_uri_get_path (source_uri);
    }
  else if (recursive)
    return s3dlio_tool_usage_error (context, _("-r uploads a directory, not standard input"));

  /* To any store: s3://, file://, or a local path. */
  if (!(uri = s3dlio_tool_parse_location (argv[2], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_FILE && (content_type != NULL || metadata_args != NULL))
    return s3dlio_tool_usage_error (context, _("--content-type and --metadata need an s3:// destination: a file keeps neither"));
  if (!recursive && strcmp (source, "-") == 0 && s3dlio_uri_is_prefix (uri))
    return s3dlio_tool_usage_error (context, _("Standard input has no name: give the full key of the object"));
  if (!recursive && g_file_test (source, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is a directory: use -r to upload everything in it"), argv[1]);

      return s3dlio_tool_usage_error (context, message);
    }
  /* One that does not exist is a failure, told by the upload. */
  if (recursive && g_file_test (source, G_FILE_TEST_EXISTS) && !g_file_test (source, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a directory: -r uploads a directory"), argv[1]);

      return s3dlio_tool_usage_error (context, message);
    }

  s3dlio_tool_options.upload = TRUE;
  if (!(store = s3dlio_tool_make_store (uri, &error)))
    return s3dlio_tool_client_failed (context, error);

  if (recursive)
    return s3dlio_tool_upload_directory (store, source, uri, jobs);
  return s3dlio_tool_upload_file (store, source, uri, content_type, metadata);
}
