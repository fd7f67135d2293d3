/* s3dlio-rm.c: s3dlio rm [-r] URI…
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

static gboolean recursive;
static gboolean force;

static const GOptionEntry entries[] = {
  { "recursive", 'r', 0, G_OPTION_ARG_NONE, &recursive,
    N_("Delete every object under a prefix"), NULL },
  { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
    N_("Succeed when there is nothing to delete"), NULL },
  { NULL }
};

static gboolean
found_one (S3dlioObjectInfo *info,
           gpointer          user_data)
{
  *(gboolean *) user_data = TRUE;
  return FALSE;
}

/* Whether anything is listed under @prefix: one page, at most. */
static gboolean
has_objects_under (S3dlioObjectStore  *store,
                   S3dlioUri          *prefix,
                   gboolean           *found,
                   GError            **error)
{
  *found = FALSE;
  return s3dlio_object_store_list_foreach (store, prefix, "/", found_one, found,
                                           s3dlio_tool_get_cancellable (), error);
}

/* What stat says of a "directory": S3 knows no such key, a file store
 * finds a directory. */
static gboolean
may_be_prefix (const GError *error)
{
  return g_error_matches (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

static int
remove_object (S3dlioObjectStore *store,
               S3dlioUri         *uri)
{
  g_autofree char *text = s3dlio_uri_to_string (uri);
  g_autoptr(GError) error = NULL;

  /* S3 deletes a missing key without a word; rm(1) says so, unless -f. */
  if (!force)
    {
      g_autoptr(S3dlioObjectInfo) info = s3dlio_object_store_stat (store, uri, s3dlio_tool_get_cancellable (), &error);
      g_autoptr(S3dlioUri) as_prefix = NULL;
      g_autoptr(GError) list_error = NULL;
      gboolean found = FALSE;

      if (info == NULL && !may_be_prefix (error))
        return s3dlio_tool_failed (error);

      /* "s3://b/dir" with objects under "dir/": a prefix, not an object. */
      if (info == NULL &&
          (as_prefix = s3dlio_uri_append (uri, "/", NULL)) != NULL &&
          has_objects_under (store, as_prefix, &found, &list_error) && found)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is a prefix, not an object: use -r to delete everything under it"),
                                                      text);

          s3dlio_tool_message ("%s", message);
          return S3DLIO_TOOL_EXIT_USAGE;
        }

      if (info == NULL)
        return s3dlio_tool_failed (error);
    }

  if (!s3dlio_object_store_delete (store, uri, s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);

  if (s3dlio_tool_options.verbose)
    s3dlio_tool_message (_("deleted %s"), text);
  return S3DLIO_TOOL_EXIT_OK;
}

static int
remove_prefix (S3dlioObjectStore *store,
               S3dlioUri         *uri)
{
  g_autoptr(S3dlioUri) prefix = NULL;
  g_autoptr(GListModel) failures = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 n_deleted = 0;
  guint n_failures;

  /* "rm -r s3://b/dir" is the directory dir/, never dir.txt as well. */
  if (s3dlio_uri_is_prefix (uri))
    prefix = g_object_ref (uri);
  else if (!(prefix = s3dlio_uri_append (uri, "/", &error)))
    return s3dlio_tool_failed (error);
  text = s3dlio_uri_to_string (prefix);

  failures = s3dlio_object_store_delete_prefix (store, prefix, &n_deleted,
                                                s3dlio_tool_get_cancellable (), &error);
  if (failures == NULL)
    return s3dlio_tool_failed (error);

  n_failures = g_list_model_get_n_items (failures);
  for (guint i = 0; i < n_failures; i++)
    {
      g_autoptr(S3dlioDeleteFailure) failure = g_list_model_get_item (failures, i);

      s3dlio_tool_message ("%s: %s", s3dlio_delete_failure_get_key (failure),
                           s3dlio_delete_failure_get_error (failure)->message);
    }

  if (n_failures > 0)
    {
      s3dlio_tool_message (g_dngettext (GETTEXT_PACKAGE,
                                        "%u object under %s could not be deleted",
                                        "%u objects under %s could not be deleted", n_failures),
                           n_failures, text);
      return S3DLIO_TOOL_EXIT_FAILED;
    }

  if (n_deleted == 0 && !force)
    {
      s3dlio_tool_message (_("Nothing to delete: there is no object under %s"), text);
      return S3DLIO_TOOL_EXIT_FAILED;
    }

  if (s3dlio_tool_options.verbose)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_deleted);

      s3dlio_tool_message (g_dngettext (GETTEXT_PACKAGE, "deleted %s object under %s",
                                        "deleted %s objects under %s", n_deleted == 1 ? 1 : 2),
                           count, text);
    }
  return S3DLIO_TOOL_EXIT_OK;
}

int
s3dlio_tool_rm (int      argc,
                char   **argv,
                gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_object_unref);
  int status = S3DLIO_TOOL_EXIT_OK;

  context = s3dlio_tool_option_context_new ("rm", _("URI…"),
                                            _("Delete objects, without asking. A prefix (a URI ending with “/”, or a bucket)\n"
                                              "needs -r, which deletes every object under it: s3://bucket/dir deletes what is\n"
                                              "under dir/, never dir.txt."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc < 2)
    return s3dlio_tool_usage_error (context, _("Give at least one URI"));
  s3dlio_tool_apply_output_options ();

  /* Check every argument before deleting anything. */
  for (int i = 1; i < argc; i++)
    {
      S3dlioUri *uri = s3dlio_tool_parse_location (argv[i], &error);

      if (uri == NULL)
        return s3dlio_tool_usage_error (context, error->message);
      g_ptr_array_add (uris, uri);
      if (!recursive && s3dlio_uri_is_prefix (uri))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is a prefix, not an object: use -r to delete everything under it"),
                                                      argv[i]);

          return s3dlio_tool_usage_error (context, message);
        }
    }

  if (!(stores = s3dlio_tool_make_stores (uris, &error)))
    return s3dlio_tool_client_failed (context, error);

  for (guint i = 0; i < uris->len && !g_cancellable_is_cancelled (s3dlio_tool_get_cancellable ()); i++)
    {
      S3dlioObjectStore *store = g_ptr_array_index (stores, i);
      S3dlioUri *uri = g_ptr_array_index (uris, i);
      int result = recursive ? remove_prefix (store, uri) : remove_object (store, uri);

      status = MAX (status, result);
    }

  return status;
}
