/* s3dlio-cp.c: s3dlio cp SRC DST
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <string.h>

#include "s3dlio-tool.h"

static gboolean recursive;
static int jobs = 4;
static char *content_type;

static const GOptionEntry entries[] = {
  { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive,
    N_("Copy a directory to a prefix, or a prefix to a directory"), NULL },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
    N_("Objects copied at the same time with -r (default 4)"), N_("N") },
  { "content-type", 0, 0, G_OPTION_ARG_STRING, &content_type,
    N_("Content-Type of an uploaded object"), N_("TYPE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json,
    N_("Print the result as JSON"), NULL },
  { NULL }
};

/* An argument: an s3:// or file:// URI, a local path, or "-" (stdin or
 * stdout). */
typedef struct {
  S3dlioUri  *uri;          /* NULL for "-" */
  const char *path;         /* local paths and "-" */
} Location;

static void
location_clear (Location *location)
{
  g_clear_object (&location->uri);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Location, location_clear)

static gboolean
parse_location (const char  *text,
                Location    *location,
                GError     **error)
{
  if (strcmp (text, "-") == 0)
    {
      location->path = text;
      return TRUE;
    }

  if (!(location->uri = s3dlio_tool_parse_location (text, error)))
    return FALSE;
  if (s3dlio_uri_get_scheme (location->uri) == S3DLIO_URI_SCHEME_FILE)
    location->path = s3dlio_uri_get_path (location->uri);
  return TRUE;
}

static gboolean
is_s3 (Location *location)
{
  return location->uri != NULL && s3dlio_uri_get_scheme (location->uri) == S3DLIO_URI_SCHEME_S3;
}

/* {{{ Server-side copy with a progress line */

typedef struct {
  GAsyncResult *result;
  guint64       size;
  gint64        start;
} CopyProgress;

static void
copy_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CopyProgress *progress = user_data;

  progress->result = g_object_ref (result);
}

static gboolean
draw_copy_progress (gpointer user_data)
{
  CopyProgress *progress = user_data;
  guint seconds = (g_get_monotonic_time () - progress->start) / G_USEC_PER_SEC;
  g_autofree char *detail = g_strdup_printf (_("copying on the server, %u s"), seconds);

  s3dlio_tool_draw_progress (0, progress->size, 0, detail);
  return G_SOURCE_CONTINUE;
}

/* The copy engine tells nothing until it is done, as the bytes never pass
 * through here: the line shows the size (from a HEAD of our own) and the
 * time so far, then the rate once the copy is complete. */
static gboolean
copy_with_progress (S3dlioClient  *client,
                    S3dlioUri     *source,
                    S3dlioUri     *target,
                    GError       **error)
{
  GCancellable *cancellable = s3dlio_tool_get_cancellable ();
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timer = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  CopyProgress progress = { NULL, 0, 0 };
  gboolean copied;

  if (!s3dlio_tool_show_progress ())
    return s3dlio_client_copy (client, source, target, cancellable, error);

  if (!(info = s3dlio_client_stat (client, source, cancellable, error)))
    return FALSE;
  progress.size = s3dlio_object_info_get_size (info);
  progress.start = g_get_monotonic_time ();

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  s3dlio_client_copy_async (client, source, target, cancellable, copy_done, &progress);
  draw_copy_progress (&progress);
  timer = g_timeout_source_new (250);
  g_source_set_callback (timer, draw_copy_progress, &progress, NULL);
  g_source_attach (timer, context);
  while (progress.result == NULL)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  copied = s3dlio_client_copy_finish (client, progress.result, error);
  g_clear_object (&progress.result);
  g_main_context_pop_thread_default (context);

  if (copied)
    {
      double seconds = (g_get_monotonic_time () - progress.start) / (double) G_USEC_PER_SEC;

      s3dlio_tool_draw_progress (progress.size, progress.size,
                                 seconds > 0 ? progress.size / seconds : 0,
                                 _("copied on the server"));
    }
  s3dlio_tool_end_progress ();
  return copied;
}

/* }}} */

/* Server-side copy: the bytes never leave the endpoint. Objects from the
 * upload threshold on are copied in parts (a multipart upload whose parts
 * are copied from the source). */
static int
copy_object (S3dlioClient *client,
             S3dlioUri    *source,
             S3dlioUri    *destination)
{
  g_autoptr(S3dlioUri) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_text = s3dlio_uri_to_string (source);
  g_autofree char *target_text = NULL;

  if (s3dlio_uri_is_prefix (destination))
    {
      g_autofree char *name = s3dlio_uri_get_basename (source);

      if (!(target = s3dlio_uri_append (destination, name, &error)))
        return s3dlio_tool_failed (error);
    }
  else
    target = g_object_ref (destination);
  target_text = s3dlio_uri_to_string (target);

  if (!copy_with_progress (client, source, target, &error))
    return s3dlio_tool_failed (error);

  if (s3dlio_tool_options.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      s3dlio_tool_json_add_string (builder, "source", source_text);
      s3dlio_tool_json_add_string (builder, "uri", target_text);
      s3dlio_tool_json_add_string (builder, "error", NULL);
      json_builder_end_object (builder);
      s3dlio_tool_print_json (builder);
    }
  else if (s3dlio_tool_options.verbose)
    s3dlio_tool_message ("%s → %s", source_text, target_text);

  return S3DLIO_TOOL_EXIT_OK;
}

int
s3dlio_tool_cp (int      argc,
                char   **argv,
                gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_auto(Location) source = { NULL, NULL };
  g_auto(Location) destination = { NULL, NULL };
  gboolean copy;
  gboolean download;

  context = s3dlio_tool_option_context_new ("cp", _("SRC DST"),
                                            _("Copy a local file to an object (as put), an object to a file, a directory or\n"
                                              "“-” (as get), or an object to another object of the same endpoint, on the\n"
                                              "server side (in parts from --threshold on, as put). A DST ending with “/”\n"
                                              "gets the name of SRC. With -r, a directory to a prefix or a prefix to a\n"
                                              "directory."),
                                            TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc != 3)
    return s3dlio_tool_usage_error (context, _("Give a source and a destination"));
  if (jobs < 1 || jobs > 1024)
    return s3dlio_tool_range_error (context, "--jobs", jobs, 1, 1024);
  s3dlio_tool_apply_output_options ();

  if (!parse_location (argv[1], &source, &error) ||
      !parse_location (argv[2], &destination, &error))
    return s3dlio_tool_usage_error (context, error->message);

  if (source.uri == NULL && destination.uri == NULL)
    return s3dlio_tool_usage_error (context, _("SRC and DST cannot both be “-”"));
  if (recursive && (source.uri == NULL || destination.uri == NULL))
    return s3dlio_tool_usage_error (context, _("-r copies directories: “-” cannot be used"));
  if (s3dlio_tool_options.json && destination.uri == NULL)
    return s3dlio_tool_usage_error (context, _("--json prints to standard output: it cannot be used with “-”"));

  /* Between two s3:// URIs, a copy on the server. Otherwise the store of
   * the object side does the work: a download from an s3:// source (or to
   * standard output), else an upload to the destination, s3:// or a file
   * (local to local too). */
  copy = is_s3 (&source) && is_s3 (&destination);
  download = !copy && (is_s3 (&source) || destination.uri == NULL);

  if (content_type != NULL && (copy || download || recursive))
    return s3dlio_tool_usage_error (context, _("--content-type applies to uploads of single files"));
  if (content_type != NULL && !is_s3 (&destination))
    return s3dlio_tool_usage_error (context, _("--content-type needs an s3:// destination: a file keeps none"));

  if (copy)
    {
      if (recursive)
        return s3dlio_tool_usage_error (context, _("-r between two s3:// prefixes is not supported: copy objects one by one"));
      if (s3dlio_uri_is_prefix (source.uri))
        return s3dlio_tool_usage_error (context, _("The source is a prefix, not an object"));
      /* The copy writes the destination as an upload does. */
      s3dlio_tool_options.upload = TRUE;
    }
  else if (download)
    {
      if (!recursive && s3dlio_uri_is_prefix (source.uri))
        return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: use -r to download everything under it"));
    }
  else
    {
      if (!recursive && strcmp (source.path, "-") != 0 && g_file_test (source.path, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is a directory: use -r to upload everything in it"), argv[1]);

          return s3dlio_tool_usage_error (context, message);
        }
      if (recursive && g_file_test (source.path, G_FILE_TEST_EXISTS) && !g_file_test (source.path, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a directory: -r uploads a directory"), argv[1]);

          return s3dlio_tool_usage_error (context, message);
        }
      if (!recursive && strcmp (source.path, "-") == 0 && s3dlio_uri_is_prefix (destination.uri))
        return s3dlio_tool_usage_error (context, _("Standard input has no name: give the full key of the object"));
      s3dlio_tool_options.upload = TRUE;
    }

  if (copy)
    {
      if (!(client = s3dlio_tool_make_client (&error)))
        return s3dlio_tool_client_failed (context, error);
      return copy_object (client, source.uri, destination.uri);
    }

  if (download)
    {
      if (!(store = s3dlio_tool_make_store (source.uri, &error)))
        return s3dlio_tool_client_failed (context, error);
      return recursive ? s3dlio_tool_download_prefix (store, source.uri, destination.path, jobs)
                       : s3dlio_tool_download_object (store, source.uri, destination.path);
    }

  if (!(store = s3dlio_tool_make_store (destination.uri, &error)))
    return s3dlio_tool_client_failed (context, error);
  return recursive ? s3dlio_tool_upload_directory (store, source.path, destination.uri, jobs)
                   : s3dlio_tool_upload_file (store, source.path, destination.uri, content_type, NULL);
}
