/* s3dlio-rb.c: s3dlio rb s3://BUCKET
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include "s3dlio-tool.h"

static gboolean force;

static const GOptionEntry entries[] = {
  { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
    N_("Delete every object in the bucket first"), NULL },
  { NULL }
};

/* rb --force: empty the bucket, reporting what could not be deleted. */
static gboolean
empty_bucket (S3dlioClient  *client,
              S3dlioUri     *uri,
              GError       **error)
{
  g_autoptr(GListModel) failures = NULL;
  guint64 n_deleted = 0;
  guint n_failures;

  failures = s3dlio_client_delete_prefix (client, uri, &n_deleted, s3dlio_tool_get_cancellable (), error);
  if (failures == NULL)
    return FALSE;

  n_failures = g_list_model_get_n_items (failures);
  for (guint i = 0; i < n_failures; i++)
    {
      g_autoptr(S3dlioDeleteFailure) failure = g_list_model_get_item (failures, i);

      s3dlio_tool_message ("%s: %s", s3dlio_delete_failure_get_key (failure),
                           s3dlio_delete_failure_get_error (failure)->message);
    }
  if (n_failures > 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_BUCKET_NOT_EMPTY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u object of the bucket %s could not be deleted",
                                "%u objects of the bucket %s could not be deleted", n_failures),
                   n_failures, s3dlio_uri_get_bucket (uri));
      return FALSE;
    }

  if (s3dlio_tool_options.verbose)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, n_deleted);

      s3dlio_tool_message (g_dngettext (GETTEXT_PACKAGE, "deleted %s object", "deleted %s objects",
                                        n_deleted == 1 ? 1 : 2),
                           count);
    }
  return TRUE;
}

int
s3dlio_tool_rb (int      argc,
                char   **argv,
                gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = NULL;

  context = s3dlio_tool_option_context_new ("rb", _("s3://BUCKET"),
                                            _("Remove a bucket. It must be empty, unless --force is given."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

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

  if (force && !empty_bucket (client, uri, &error))
    return s3dlio_tool_failed (error);

  if (!s3dlio_client_delete_bucket (client, s3dlio_uri_get_bucket (uri),
                                    s3dlio_tool_get_cancellable (), &error))
    return s3dlio_tool_failed (error);

  if (s3dlio_tool_options.verbose)
    s3dlio_tool_message (_("removed bucket %s"), s3dlio_uri_get_bucket (uri));
  return S3DLIO_TOOL_EXIT_OK;
}
