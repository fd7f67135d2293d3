/* s3dlio-get.c: s3dlio get URI [DEST]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <string.h>
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

/* The JSON members of a download, single or one of a batch (which has no
 * transfer when its key was refused: then @size is the listed size). */
static void
add_transfer_members (JsonBuilder    *builder,
                      S3dlioTransfer *transfer,
                      guint64         size)
{
  double seconds = transfer ? s3dlio_transfer_get_elapsed (transfer) : 0;
  guint64 bytes = transfer ? s3dlio_transfer_get_length (transfer) : size;

  s3dlio_tool_json_add_int (builder, "bytes", bytes);
  s3dlio_tool_json_add_double (builder, "seconds", seconds);
  s3dlio_tool_json_add_double (builder, "gbps", seconds > 0 ? bytes / seconds / 1e9 : 0.0);
  s3dlio_tool_json_add_int (builder, "requests", transfer ? s3dlio_transfer_get_requests (transfer) : 0);
  s3dlio_tool_json_add_int (builder, "retries", transfer ? s3dlio_transfer_get_retries (transfer) : 0);
}

static void
print_result (S3dlioUri      *uri,
              const char     *path,
              S3dlioTransfer *transfer)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *text = s3dlio_uri_to_string (uri);
  double seconds = s3dlio_transfer_get_elapsed (transfer);
  guint64 bytes = s3dlio_transfer_get_length (transfer);

  if (!s3dlio_tool_options.json)
    {
      g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

      /* Numbers of 64 bits go in as text: a translatable string cannot
       * hold G_GUINT64_FORMAT. */
      if (s3dlio_tool_options.verbose || discard)
        s3dlio_tool_message (_("%s: %s bytes in %.3f s (%.2f GB/s), %u requests, %u retries"),
                             text, bytes_text, seconds, seconds > 0 ? bytes / seconds / 1e9 : 0.0,
                             s3dlio_transfer_get_requests (transfer), s3dlio_transfer_get_retries (transfer));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  s3dlio_tool_json_add_string (builder, "uri", text);
  s3dlio_tool_json_add_string (builder, "path", path);
  add_transfer_members (builder, transfer, 0);
  s3dlio_tool_json_add_string (builder, "error", NULL);
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

int
s3dlio_tool_download_object (S3dlioObjectStore *store,
                             S3dlioUri         *uri,
                             const char        *dest)
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
  if (!s3dlio_object_store_download (store, transfer, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);
  s3dlio_tool_end_progress ();

  print_result (uri, path, transfer);
  return S3DLIO_TOOL_EXIT_OK;
}

/* {{{ Recursive */

static void
item_finished (S3dlioBatch     *batch,
               S3dlioBatchItem *item,
               gpointer         user_data)
{
  S3dlioTransfer *transfer = s3dlio_batch_item_get_transfer (item);
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
        s3dlio_tool_message ("%s → %s", text, s3dlio_batch_item_get_path (item));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  s3dlio_tool_json_add_string (builder, "uri", text);
  s3dlio_tool_json_add_string (builder, "path", s3dlio_batch_item_get_path (item));
  add_transfer_members (builder, transfer, s3dlio_batch_item_get_size (item));
  s3dlio_tool_json_add_string (builder, "error", error ? error->message : NULL);
  json_builder_end_object (builder);
  s3dlio_tool_print_json (builder);
}

int
s3dlio_tool_download_prefix (S3dlioObjectStore *store,
                             S3dlioUri         *prefix,
                             const char        *directory,
                             guint              n_jobs)
{
  g_autoptr(S3dlioBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  /* The library refuses keys that would land outside the directory
   * ("../x", "/x", "a//b") and symbolic links on the way, naming them. */
  batch = s3dlio_batch_new (prefix, directory);
  s3dlio_batch_set_max_concurrent (batch, n_jobs);
  /* Each object is reported as it finishes: the batch need not keep it. */
  s3dlio_batch_set_keep_finished (batch, FALSE);
  g_signal_connect (batch, "item-finished", G_CALLBACK (item_finished), NULL);
  s3dlio_tool_attach_batch_progress (batch);

  if (!s3dlio_object_store_download_recursive (store, batch, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);
  s3dlio_tool_end_progress ();

  if (s3dlio_tool_options.verbose && !s3dlio_tool_options.json)
    s3dlio_tool_print_batch_summary (batch);

  return S3DLIO_TOOL_EXIT_OK;
}

/* }}} */

int
s3dlio_tool_get (int      argc,
                 char   **argv,
                 gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioUri) dest_uri = NULL;
  const char *dest;

  context = s3dlio_tool_option_context_new ("get", _("URI [DEST]"),
                                            _("Download an object to DEST: a file, a directory, or “-” for standard output.\n"
                                              "Large objects are fetched as concurrent ranged GETs written straight into place;\n"
                                              "the file only appears, complete, when every byte has arrived.\n"
                                              "\n"
                                              "With -r, download every object under the prefix URI into the directory DEST,\n"
                                              "keeping the structure of the keys; keys that would land outside DEST are refused."),
                                            TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc < 2 || argc > 3)
    return s3dlio_tool_usage_error (context, _("Give an object URI and at most one destination"));
  if (jobs < 1 || jobs > 1024)
    return s3dlio_tool_range_error (context, "--jobs", jobs, 1, 1024);
  if (discard && argc == 3)
    return s3dlio_tool_usage_error (context, _("--discard takes no destination"));
  if (discard && recursive)
    return s3dlio_tool_usage_error (context, _("--discard downloads one object: it cannot be used with -r"));
  if (recursive && argc != 3)
    return s3dlio_tool_usage_error (context, _("-r needs a destination directory"));
  s3dlio_tool_apply_output_options ();

  dest = argc == 3 ? argv[2] : NULL;
  if (dest != NULL && strstr (dest, "://") != NULL)
    {
      if (!(dest_uri = s3dlio_tool_parse_location (dest, &error)))
        return s3dlio_tool_usage_error (context, error->message);
      if (s3dlio_uri_get_scheme (dest_uri) != S3DLIO_URI_SCHEME_FILE)
        return s3dlio_tool_usage_error (context, _("The destination must be a local path: use cp to copy objects"));
      dest = s3dlio_uri_get_path (dest_uri);
    }
  if (recursive && g_strcmp0 (dest, "-") == 0)
    return s3dlio_tool_usage_error (context, _("-r writes files: the destination must be a directory"));
  if (s3dlio_tool_options.json && g_strcmp0 (dest, "-") == 0)
    return s3dlio_tool_usage_error (context, _("--json prints to standard output: it cannot be used with “-”"));
  /* An object of any store: s3://, file://, or a local path. */
  if (!(uri = s3dlio_tool_parse_location (argv[1], &error)))
    return s3dlio_tool_usage_error (context, error->message);
  if (!recursive && s3dlio_uri_is_prefix (uri))
    return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: use -r to download everything under it"));

  if (!(store = s3dlio_tool_make_store (uri, &error)))
    return s3dlio_tool_client_failed (context, error);

  if (recursive)
    return s3dlio_tool_download_prefix (store, uri, dest, jobs);
  return s3dlio_tool_download_object (store, uri, dest);
}
