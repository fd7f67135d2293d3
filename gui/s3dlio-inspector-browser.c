/* s3dlio-inspector-browser.c: buckets, folders and objects
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A GtkColumnView over a listing of the S3dlioObjectStore, with the
 * delimiter "/", so common prefixes are folders. The listing fills page by
 * page: the view shows the first page as soon as it arrives, and the
 * status line counts pages as the rest come in.
 *
 * Objects are listed through the store interface, never the client's own
 * listing API; only the buckets (ListBuckets), which are S3's alone and
 * not part of the interface, are asked of the S3dlioClient.
 *
 *   listing → GtkFilterListModel (name filter)
 *           → GtkSortListModel (folders first, then the column the user
 *             sorts by; S3's key order until then)
 *           → GtkSingleSelection → GtkColumnView
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "s3dlio-inspector-browser.h"
#include "s3dlio-inspector-utils.h"

struct _S3dlioInspectorBrowser
{
  GtkWidget           parent_instance;

  S3dlioClient       *client;
  char               *bucket;
  char               *prefix;
  GListModel         *list;             /* from s3dlio_object_store_list() */
  GCancellable       *list_cancellable;
  GListModel         *buckets;
  GCancellable       *buckets_cancellable;
  char               *pending_bucket;   /* to open once the bucket list arrives */

  GtkFilterListModel *filter_model;
  GtkStringFilter    *filter;
  GtkSortListModel   *sort_model;
  GtkSingleSelection *selection;

  /* Template widgets */
  GtkDropDown        *bucket_drop_down;
  GtkEntry           *location_entry;
  GtkSearchEntry     *filter_entry;
  GtkStack           *list_stack;
  GtkColumnView      *column_view;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *error_page;
  GtkSpinner         *spinner;
  GtkLabel           *status_label;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorBrowser, s3dlio_inspector_browser, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_BUCKET,
  PROP_PREFIX,
  PROP_LIST,
  PROP_SELECTED_ITEM,
  N_PROPS
};

enum {
  OBJECT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* {{{ Cells: closures of the column view's templates */

/* The last segment of a key: "b/c.txt" for "a/b/c.txt" under "a/" is shown
 * as "c.txt"; a folder "a/b/" as "b/". */
static char *
name_for_key (gpointer    unused,
              const char *key)
{
  gsize len;
  const char *start;

  if (key == NULL)
    return NULL;

  len = strlen (key);
  if (len == 0)
    return g_strdup ("");

  start = key + len - 1;
  if (*start == '/' && start > key)
    start--;
  while (start > key && start[-1] != '/')
    start--;

  return g_strdup (start);
}

static char *
icon_name_for_prefix (gpointer unused,
                      gboolean is_prefix)
{
  return g_strdup (is_prefix ? "folder-symbolic" : "text-x-generic-symbolic");
}

static char *
size_for_info (gpointer unused,
               guint64  size,
               gboolean is_prefix)
{
  if (is_prefix)
    return g_strdup ("");
  return s3dlio_inspector_format_bytes (size);
}

static char *
text_for_date (gpointer   unused,
               GDateTime *date_time)
{
  return s3dlio_inspector_format_date_time (date_time);
}

static char *
text_for_etag (gpointer    unused,
               const char *etag)
{
  return s3dlio_inspector_format_etag (etag);
}

static gint64
unix_time_for_date (gpointer   unused,
                    GDateTime *date_time)
{
  return date_time ? g_date_time_to_unix (date_time) : 0;
}

/* }}} */
/* {{{ Status */

/* A listing's state, read through the properties every listing of an
 * S3dlioObjectStore has (see s3dlio_object_store_list()). */
static gboolean
list_get_loading (GListModel *list)
{
  gboolean loading = FALSE;

  g_object_get (list, "loading", &loading, NULL);
  return loading;
}

static GError *
list_dup_error (GListModel *list)
{
  GError *error = NULL;

  g_object_get (list, "error", &error, NULL);
  return error;
}

/* An s3:// listing (an S3dlioObjectList) also counts the pages it got. */
static guint
list_get_n_pages (GListModel *list)
{
  guint n_pages = 0;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (list), "n-pages") != NULL)
    g_object_get (list, "n-pages", &n_pages, NULL);
  return n_pages;
}

/* Shows why nothing is listed. The title is set each time: a failure to
 * list the buckets must not leave its title on a later listing's error. */
static void
show_error (S3dlioInspectorBrowser *self,
            const char             *title,
            const char             *description)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->list_stack, "error");
}

static void
update_status (S3dlioInspectorBrowser *self)
{
  g_autofree char *items = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean loading = FALSE;
  guint n_items = 0, n_shown, n_pages = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browser.up",
                                 self->prefix != NULL && *self->prefix != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "browser.reload", self->bucket != NULL);

  if (self->list == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      gtk_spinner_stop (self->spinner);
      gtk_label_set_label (self->status_label,
                           self->client ? _("Choose a bucket") : _("Not connected"));
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  loading = list_get_loading (self->list);
  error = list_dup_error (self->list);
  n_items = g_list_model_get_n_items (self->list);
  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
  n_pages = list_get_n_pages (self->list);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  if (loading)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);

  if (n_shown == n_items)
    items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", n_items), n_items);
  else
    /* Translators: items that match the filter, of all items listed */
    items = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u item", "%u of %u items", n_items),
                             n_shown, n_items);
  pages = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", n_pages), n_pages);

  if (loading)
    /* Translators: "120 items, 3 pages, loading…" */
    text = g_strdup_printf (_("%s, %s, loading…"), items, pages);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup_printf (_("%s, %s; stopped: %s"), items, pages, error->message);
  else
    text = g_strdup_printf (_("%s, %s"), items, pages);
  gtk_label_set_label (self->status_label, text);

  if (n_items == 0 && error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_error (self, _("Could Not List"), error->message);
    }
  else if (n_shown == 0 && !loading)
    {
      adw_status_page_set_description (self->empty_page,
                                       n_items > 0 ? _("No name matches the filter")
                                                   : _("No objects under this prefix"));
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
}

static void
list_notify_cb (GListModel             *list,
                GParamSpec             *pspec,
                S3dlioInspectorBrowser *self)
{
  update_status (self);
}

/* }}} */
/* {{{ Navigation */

static void bucket_selected_cb (S3dlioInspectorBrowser *self,
                                GParamSpec             *pspec,
                                GtkDropDown            *drop_down);

/* Stops the listing shown, if any, and lets it go. */
static void
drop_list (S3dlioInspectorBrowser *self)
{
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->list);
}

/* Shows @list, which loads until @cancellable fires. */
static void
set_list (S3dlioInspectorBrowser *self,
          GListModel             *list,
          GCancellable           *cancellable)
{
  drop_list (self);
  g_set_object (&self->list, list);
  g_set_object (&self->list_cancellable, cancellable);
  if (list != NULL)
    {
      g_signal_connect (list, "notify::loading", G_CALLBACK (list_notify_cb), self);
      g_signal_connect (list, "notify::n-pages", G_CALLBACK (list_notify_cb), self);
      g_signal_connect (list, "notify::error", G_CALLBACK (list_notify_cb), self);
    }

  gtk_filter_list_model_set_model (self->filter_model, list);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIST]);
}

static void
select_bucket_in_drop_down (S3dlioInspectorBrowser *self,
                            const char             *bucket)
{
  guint n = self->buckets ? g_list_model_get_n_items (self->buckets) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(S3dlioBucketInfo) info = g_list_model_get_item (self->buckets, i);

      if (g_strcmp0 (s3dlio_bucket_info_get_name (info), bucket) == 0)
        {
          gtk_drop_down_set_selected (self->bucket_drop_down, i);
          return;
        }
    }
  gtk_drop_down_set_selected (self->bucket_drop_down, GTK_INVALID_LIST_POSITION);
}

/**
 * s3dlio_inspector_browser_open:
 * @self: a browser
 * @bucket: a bucket
 * @prefix: (nullable): a prefix, such as `photos/2024/`, or %NULL for the
 *   top of the bucket
 *
 * Lists what is under @prefix in @bucket.
 */
void
s3dlio_inspector_browser_open (S3dlioInspectorBrowser *self,
                               const char             *bucket,
                               const char             *prefix)
{
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));
  g_return_if_fail (bucket != NULL);

  if (prefix == NULL)
    prefix = "";

  if (s3dlio_inspector_set_str (&self->bucket, bucket))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUCKET]);
  if (s3dlio_inspector_set_str (&self->prefix, prefix))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFIX]);

  g_signal_handlers_block_by_func (self->bucket_drop_down, bucket_selected_cb, self);
  select_bucket_in_drop_down (self, bucket);
  g_signal_handlers_unblock_by_func (self->bucket_drop_down, bucket_selected_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->location_entry), prefix);

  if (self->client == NULL)
    return;

  uri = s3dlio_uri_new_s3 (bucket, prefix, &error);
  if (uri == NULL)
    {
      set_list (self, NULL, NULL);
      show_error (self, _("Could Not List"), error->message);
      return;
    }

  /* The listing starts loading at once, page by page. */
  cancellable = g_cancellable_new ();
  list = s3dlio_object_store_list (S3DLIO_OBJECT_STORE (self->client), uri, "/", cancellable);
  set_list (self, list, cancellable);
}

void
s3dlio_inspector_browser_go_up (S3dlioInspectorBrowser *self)
{
  g_autofree char *parent = NULL;
  char *slash;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));

  if (self->bucket == NULL || self->prefix == NULL || *self->prefix == '\0')
    return;

  /* "a/b/" → "a/", "a/" → "" */
  parent = g_strdup (self->prefix);
  if (g_str_has_suffix (parent, "/"))
    parent[strlen (parent) - 1] = '\0';
  slash = strrchr (parent, '/');
  if (slash != NULL)
    slash[1] = '\0';
  else
    parent[0] = '\0';

  s3dlio_inspector_browser_open (self, self->bucket, parent);
}

void
s3dlio_inspector_browser_reload (S3dlioInspectorBrowser *self)
{
  g_autofree char *bucket = NULL;
  g_autofree char *prefix = NULL;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));

  if (self->bucket == NULL)
    return;

  bucket = g_strdup (self->bucket);
  prefix = g_strdup (self->prefix);
  s3dlio_inspector_browser_open (self, bucket, prefix);
}

void
s3dlio_inspector_browser_focus_filter (S3dlioInspectorBrowser *self)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

static void
location_activate_cb (S3dlioInspectorBrowser *self,
                      GtkEntry               *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *prefix = NULL;

  if (g_str_has_prefix (text, "s3://"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (text, &error);

      if (uri == NULL)
        {
          show_error (self, _("Could Not List"), error->message);
          return;
        }
      s3dlio_inspector_browser_open (self, s3dlio_uri_get_bucket (uri), s3dlio_uri_get_key (uri));
      return;
    }

  if (self->bucket == NULL)
    return;

  /* A folder is meant: list what is under it, not what starts with it. */
  prefix = (*text == '\0' || g_str_has_suffix (text, "/")) ? g_strdup (text) : g_strconcat (text, "/", NULL);
  s3dlio_inspector_browser_open (self, self->bucket, prefix);
}

static void
filter_changed_cb (S3dlioInspectorBrowser *self,
                   GtkSearchEntry         *entry)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
  update_status (self);
}

static void
column_view_activate_cb (S3dlioInspectorBrowser *self,
                         guint                   position,
                         GtkColumnView          *column_view)
{
  g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (info == NULL || self->bucket == NULL)
    return;

  if (s3dlio_object_info_get_is_prefix (info))
    {
      g_autofree char *bucket = g_strdup (self->bucket);

      s3dlio_inspector_browser_open (self, bucket, s3dlio_object_info_get_key (info));
      gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
    }
  else
    g_signal_emit (self, signals[OBJECT_ACTIVATED], 0, info);
}

static void
bucket_selected_cb (S3dlioInspectorBrowser *self,
                    GParamSpec             *pspec,
                    GtkDropDown            *drop_down)
{
  S3dlioBucketInfo *info = gtk_drop_down_get_selected_item (drop_down);

  if (info != NULL && g_strcmp0 (s3dlio_bucket_info_get_name (info), self->bucket) != 0)
    s3dlio_inspector_browser_open (self, s3dlio_bucket_info_get_name (info), NULL);
}

static void
buckets_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(S3dlioInspectorBrowser) self = user_data;
  g_autoptr(GListModel) buckets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bucket = NULL;

  /* ListBuckets is S3's alone: the client's, not the store interface's. */
  buckets = s3dlio_client_list_buckets_finish (S3DLIO_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->buckets_cancellable);

  bucket = g_steal_pointer (&self->pending_bucket);
  if (buckets == NULL)
    {
      /* Credentials may allow a bucket but not ListBuckets: a bucket can
       * still be typed as s3://bucket/. */
      if (bucket != NULL)
        s3dlio_inspector_browser_open (self, bucket, NULL);
      else
        {
          g_autofree char *description =
            g_strdup_printf (_("%s\nType a location such as s3://bucket/ above."), error->message);

          show_error (self, _("Could Not List the Buckets"), description);
        }
      return;
    }

  g_set_object (&self->buckets, buckets);
  g_signal_handlers_block_by_func (self->bucket_drop_down, bucket_selected_cb, self);
  gtk_drop_down_set_model (self->bucket_drop_down, buckets);
  g_signal_handlers_unblock_by_func (self->bucket_drop_down, bucket_selected_cb, self);

  if (bucket == NULL && g_list_model_get_n_items (buckets) > 0)
    {
      g_autoptr(S3dlioBucketInfo) first = g_list_model_get_item (buckets, 0);

      bucket = g_strdup (s3dlio_bucket_info_get_name (first));
    }

  if (bucket != NULL && self->bucket == NULL)
    s3dlio_inspector_browser_open (self, bucket, NULL);
  else if (self->bucket != NULL)
    {
      g_signal_handlers_block_by_func (self->bucket_drop_down, bucket_selected_cb, self);
      select_bucket_in_drop_down (self, self->bucket);
      g_signal_handlers_unblock_by_func (self->bucket_drop_down, bucket_selected_cb, self);
    }
  else
    {
      adw_status_page_set_description (self->empty_page, _("This account has no buckets"));
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
}

/**
 * s3dlio_inspector_browser_set_client:
 * @self: a browser
 * @client: (nullable): the client to list with
 * @bucket: (nullable): the bucket to open, or %NULL for the first one
 *
 * Lists the buckets of @client, then opens @bucket. The buckets are the
 * client's to list (S3 only, not part of S3dlioObjectStore); objects are
 * listed through the client as an S3dlioObjectStore.
 */
void
s3dlio_inspector_browser_set_client (S3dlioInspectorBrowser *self,
                                     S3dlioClient           *client,
                                     const char             *bucket)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));
  g_return_if_fail (client == NULL || S3DLIO_IS_CLIENT (client));

  g_cancellable_cancel (self->buckets_cancellable);
  g_clear_object (&self->buckets_cancellable);
  set_list (self, NULL, NULL);
  g_clear_object (&self->buckets);
  g_clear_pointer (&self->bucket, g_free);
  g_clear_pointer (&self->prefix, g_free);
  s3dlio_inspector_set_str (&self->pending_bucket, bucket);
  gtk_drop_down_set_model (self->bucket_drop_down, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->location_entry), "");

  if (g_set_object (&self->client, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUCKET]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFIX]);
  update_status (self);

  if (client == NULL)
    return;

  self->buckets_cancellable = g_cancellable_new ();
  s3dlio_client_list_buckets_async (client, self->buckets_cancellable, buckets_cb, g_object_ref (self));
}

/* }}} */
/* {{{ Selection */

static void
selection_changed_cb (S3dlioInspectorBrowser *self,
                      GParamSpec             *pspec,
                      GtkSingleSelection     *selection)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

S3dlioObjectInfo *
s3dlio_inspector_browser_get_selected_item (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * s3dlio_inspector_browser_dup_selected_uri:
 * @self: a browser
 *
 * Returns: (transfer full) (nullable): the location of the selected item
 */
S3dlioUri *
s3dlio_inspector_browser_dup_selected_uri (S3dlioInspectorBrowser *self)
{
  S3dlioObjectInfo *info;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);

  info = gtk_single_selection_get_selected_item (self->selection);
  if (info == NULL || self->bucket == NULL)
    return NULL;
  return s3dlio_uri_new_s3 (self->bucket, s3dlio_object_info_get_key (info), NULL);
}

/* GTK 4.8 has no gtk_column_view_scroll_to(): ask its list view. */
static void
scroll_to (S3dlioInspectorBrowser *self,
           guint                   position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
}

/* Selects the item with this key, if it is shown; for tests and for
 * selecting what was just opened. */
gboolean
s3dlio_inspector_browser_select_key (S3dlioInspectorBrowser *self,
                                     const char             *key)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), FALSE);

  model = G_LIST_MODEL (self->selection);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (model, i);

      if (g_strcmp0 (s3dlio_object_info_get_key (info), key) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          scroll_to (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
s3dlio_inspector_browser_set_filter (S3dlioInspectorBrowser *self,
                                     const char             *text)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), text ? text : "");
  /* Not waiting for the entry's delay. */
  gtk_string_filter_set_search (self->filter, text);
  update_status (self);
}

/* }}} */
/* {{{ GObject */

static int
folders_first (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gboolean a_prefix = s3dlio_object_info_get_is_prefix ((S3dlioObjectInfo *) a);
  gboolean b_prefix = s3dlio_object_info_get_is_prefix ((S3dlioObjectInfo *) b);

  if (a_prefix == b_prefix)
    return GTK_ORDERING_EQUAL;
  return a_prefix ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static void
up_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  s3dlio_inspector_browser_go_up (S3DLIO_INSPECTOR_BROWSER (widget));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  s3dlio_inspector_browser_reload (S3DLIO_INSPECTOR_BROWSER (widget));
}

static void
s3dlio_inspector_browser_dispose (GObject *object)
{
  S3dlioInspectorBrowser *self = (S3dlioInspectorBrowser *) object;

  g_cancellable_cancel (self->buckets_cancellable);
  g_clear_object (&self->buckets_cancellable);
  drop_list (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_BROWSER);

  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->buckets);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (s3dlio_inspector_browser_parent_class)->dispose (object);
}

static void
s3dlio_inspector_browser_finalize (GObject *object)
{
  S3dlioInspectorBrowser *self = (S3dlioInspectorBrowser *) object;

  g_free (self->bucket);
  g_free (self->prefix);
  g_free (self->pending_bucket);

  G_OBJECT_CLASS (s3dlio_inspector_browser_parent_class)->finalize (object);
}

static void
s3dlio_inspector_browser_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  S3dlioInspectorBrowser *self = S3DLIO_INSPECTOR_BROWSER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BUCKET:
      g_value_set_string (value, self->bucket);
      break;
    case PROP_PREFIX:
      g_value_set_string (value, self->prefix);
      break;
    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, s3dlio_inspector_browser_get_selected_item (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_browser_class_init (S3dlioInspectorBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_browser_dispose;
  object_class->finalize = s3dlio_inspector_browser_finalize;
  object_class->get_property = s3dlio_inspector_browser_get_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, S3DLIO_TYPE_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUCKET] =
    g_param_spec_string ("bucket", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, S3DLIO_TYPE_OBJECT_INFO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioInspectorBrowser::object-activated:
   * @self: the browser
   * @info: the object
   *
   * Emitted when an object (not a folder) is activated, with Enter or a
   * double click.
   */
  signals[OBJECT_ACTIVATED] =
    g_signal_new ("object-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, S3DLIO_TYPE_OBJECT_INFO);

  g_type_ensure (S3DLIO_TYPE_OBJECT_INFO);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, bucket_drop_down);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, location_entry);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, list_stack);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, column_view);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, empty_page);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, error_page);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, spinner);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorBrowser, status_label);
  gtk_widget_class_bind_template_callback (widget_class, location_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_for_key);
  gtk_widget_class_bind_template_callback (widget_class, icon_name_for_prefix);
  gtk_widget_class_bind_template_callback (widget_class, size_for_info);
  gtk_widget_class_bind_template_callback (widget_class, text_for_date);
  gtk_widget_class_bind_template_callback (widget_class, text_for_etag);
  gtk_widget_class_bind_template_callback (widget_class, unix_time_for_date);

  gtk_widget_class_install_action (widget_class, "browser.up", NULL, up_action);
  gtk_widget_class_install_action (widget_class, "browser.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "browser.up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "browser.up", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "browser");
}

static void
s3dlio_inspector_browser_init (S3dlioInspectorBrowser *self)
{
  g_autoptr(GtkMultiSorter) sorter = gtk_multi_sorter_new ();
  GtkExpression *name_expression;

  gtk_widget_init_template (GTK_WIDGET (self));

  name_expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL,
                                                 1, (GtkExpression *[]) {
                                                   gtk_property_expression_new (S3DLIO_TYPE_OBJECT_INFO, NULL, "key")
                                                 },
                                                 G_CALLBACK (name_for_key), NULL, NULL);
  self->filter = gtk_string_filter_new (name_expression);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));

  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_custom_sorter_new (folders_first, NULL, NULL)));
  gtk_multi_sorter_append (sorter, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              GTK_SORTER (g_steal_pointer (&sorter)));
  g_signal_connect_swapped (self->sort_model, "items-changed", G_CALLBACK (update_status), self);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  gtk_drop_down_set_expression (self->bucket_drop_down,
                                gtk_property_expression_new (S3DLIO_TYPE_BUCKET_INFO, NULL, "name"));
  g_signal_connect_swapped (self->bucket_drop_down, "notify::selected", G_CALLBACK (bucket_selected_cb), self);

  update_status (self);
}

/* }}} */
/* {{{ Accessors */

const char *
s3dlio_inspector_browser_get_bucket (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return self->bucket;
}

const char *
s3dlio_inspector_browser_get_prefix (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return self->prefix;
}

/* The listing as the store gave it: for s3://, an S3dlioObjectList. */
GListModel *
s3dlio_inspector_browser_get_list (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return self->list;
}

/* What the view shows: filtered and sorted. */
GListModel *
s3dlio_inspector_browser_get_model (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/* The buckets ListBuckets gave (S3dlioBucketInfo), or %NULL before it
 * answered or when it failed. */
GListModel *
s3dlio_inspector_browser_get_buckets (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return self->buckets;
}

/* The view itself: its columns sort the model, folders always first. */
GtkColumnView *
s3dlio_inspector_browser_get_column_view (S3dlioInspectorBrowser *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_BROWSER (self), NULL);
  return self->column_view;
}

/* }}} */
