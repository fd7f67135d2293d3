/* s3dlio-inspector-object-details.c: what the listing and a HEAD tell of an object
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The listing gives a key, a size, a date, an ETag and a storage class; the
 * content type and the user metadata (x-amz-meta-*) need a HEAD request,
 * sent when an object is selected and cancelled when the selection moves.
 * The HEAD is the stat of the S3dlioObjectStore: the pane knows the store,
 * not the backend behind it.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-object-details.h"
#include "s3dlio-inspector-utils.h"

struct _S3dlioInspectorObjectDetails
{
  GtkWidget          parent_instance;

  S3dlioObjectStore *store;
  S3dlioUri         *uri;
  S3dlioObjectInfo  *info;
  GCancellable      *cancellable;
  guint              n_rows;

  /* Template widgets */
  GtkStack          *stack;
  GtkImage          *icon;
  GtkLabel          *name_label;
  GtkGrid           *grid;
  GtkSpinner        *spinner;
  GtkListBox        *metadata_list;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorObjectDetails, s3dlio_inspector_object_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_OBJECT,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Keys and ETags break anywhere, but a hyphen would read as part of them. */
static void
no_hyphens (GtkLabel *label)
{
  PangoAttrList *attributes = pango_attr_list_new ();

  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (label, attributes);
  pango_attr_list_unref (attributes);
}

static void
add_row (S3dlioInspectorObjectDetails *self,
         const char                   *title,
         const char                   *value,
         gboolean                      monospace)
{
  GtkWidget *title_label, *value_label;

  if (value == NULL || *value == '\0')
    return;

  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 1);
  gtk_label_set_yalign (GTK_LABEL (title_label), 0);
  gtk_widget_add_css_class (title_label, "dim-label");

  value_label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  no_hyphens (GTK_LABEL (value_label));
  if (monospace)
    gtk_widget_add_css_class (value_label, "monospace");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);

  gtk_grid_attach (self->grid, title_label, 0, self->n_rows, 1, 1);
  gtk_grid_attach (self->grid, value_label, 1, self->n_rows, 1, 1);
  self->n_rows++;
}

static void
clear_rows (S3dlioInspectorObjectDetails *self)
{
  GtkListBoxRow *row;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  self->n_rows = 0;

  while ((row = gtk_list_box_get_row_at_index (self->metadata_list, 0)) != NULL)
    gtk_list_box_remove (self->metadata_list, GTK_WIDGET (row));
}

static void
show_metadata (S3dlioInspectorObjectDetails *self,
               S3dlioObjectInfo             *info)
{
  g_auto(GStrv) names = s3dlio_object_info_get_metadata_keys (info);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (names[i]);
      GtkWidget *value = gtk_label_new (s3dlio_object_info_get_metadata_value (info, names[i]));

      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "caption");
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      no_hyphens (GTK_LABEL (value));
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), value);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->metadata_list, row);
    }
}

/* Shows @info, and @head (the HEAD's answer) when there is one. */
static void
show (S3dlioInspectorObjectDetails *self,
      S3dlioObjectInfo             *info,
      S3dlioObjectInfo             *head)
{
  S3dlioObjectInfo *best = head ? head : info;
  gboolean is_prefix = s3dlio_object_info_get_is_prefix (info);
  g_autofree char *name = self->uri ? s3dlio_uri_get_basename (self->uri) : NULL;
  g_autofree char *uri = self->uri ? s3dlio_uri_to_string (self->uri) : NULL;
  g_autofree char *size = NULL;
  g_autofree char *exact_size = NULL;
  g_autofree char *n_bytes = NULL;
  g_autofree char *modified = s3dlio_inspector_format_date_time (s3dlio_object_info_get_last_modified (best));
  g_autofree char *etag = s3dlio_inspector_format_etag (s3dlio_object_info_get_etag (best));

  clear_rows (self);

  gtk_image_set_from_icon_name (self->icon, is_prefix ? "folder-symbolic" : "text-x-generic-symbolic");
  gtk_label_set_label (self->name_label, name && *name ? name : s3dlio_object_info_get_key (info));

  add_row (self, _("URI"), uri, FALSE);
  if (is_prefix)
    {
      add_row (self, _("Kind"), _("Folder (common prefix)"), FALSE);
      return;
    }

  size = s3dlio_inspector_format_bytes (s3dlio_object_info_get_size (best));
  n_bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, s3dlio_object_info_get_size (best));
  /* Translators: a rounded size, then the exact number of bytes */
  exact_size = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s byte)", "%s (%s bytes)",
                                             (gulong) MIN (s3dlio_object_info_get_size (best), G_MAXULONG)),
                                size, n_bytes);
  add_row (self, _("Size"), exact_size, FALSE);
  add_row (self, _("Modified"), modified, FALSE);
  add_row (self, _("ETag"), etag, TRUE);
  add_row (self, _("Storage class"), s3dlio_object_info_get_storage_class (best), FALSE);
  add_row (self, _("Content type"), head ? s3dlio_object_info_get_content_type (head) : NULL, FALSE);

  if (head != NULL)
    show_metadata (self, head);
}

static void
set_loading (S3dlioInspectorObjectDetails *self,
             gboolean                      loading)
{
  if (gtk_spinner_get_spinning (self->spinner) == loading)
    return;

  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
stat_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(S3dlioInspectorObjectDetails) self = user_data;
  g_autoptr(S3dlioObjectInfo) head = NULL;
  g_autoptr(GError) error = NULL;

  head = s3dlio_object_store_stat_finish (S3DLIO_OBJECT_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);
  g_clear_object (&self->cancellable);
  if (self->info == NULL)
    return;

  if (head == NULL)
    {
      /* The listing's details stay; say why the rest is missing. */
      g_debug ("HEAD failed: %s", error->message);
      add_row (self, _("Details"), error->message, FALSE);
      return;
    }

  show (self, self->info, head);
}

static void
s3dlio_inspector_object_details_dispose (GObject *object)
{
  S3dlioInspectorObjectDetails *self = (S3dlioInspectorObjectDetails *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_OBJECT_DETAILS);
  g_clear_object (&self->store);
  g_clear_object (&self->uri);
  g_clear_object (&self->info);

  G_OBJECT_CLASS (s3dlio_inspector_object_details_parent_class)->dispose (object);
}

static void
s3dlio_inspector_object_details_get_property (GObject    *object,
                                              guint       prop_id,
                                              GValue     *value,
                                              GParamSpec *pspec)
{
  S3dlioInspectorObjectDetails *self = S3DLIO_INSPECTOR_OBJECT_DETAILS (object);

  switch (prop_id)
    {
    case PROP_OBJECT:
      g_value_set_object (value, self->info);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, gtk_spinner_get_spinning (self->spinner));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_object_details_class_init (S3dlioInspectorObjectDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_object_details_dispose;
  object_class->get_property = s3dlio_inspector_object_details_get_property;

  properties[PROP_OBJECT] =
    g_param_spec_object ("object", NULL, NULL, S3DLIO_TYPE_OBJECT_INFO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-object-details.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, icon);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, name_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, grid);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, spinner);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorObjectDetails, metadata_list);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "objectdetails");
}

static void
s3dlio_inspector_object_details_init (S3dlioInspectorObjectDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  no_hyphens (self->name_label);
}

/**
 * s3dlio_inspector_object_details_set_store:
 * @self: the details pane
 * @store: (nullable): the store to ask for the details the listing lacks
 *
 * Sets where the HEAD (the store's stat) goes; the object shown is cleared.
 */
void
s3dlio_inspector_object_details_set_store (S3dlioInspectorObjectDetails *self,
                                           S3dlioObjectStore            *store)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self));
  g_return_if_fail (store == NULL || S3DLIO_IS_OBJECT_STORE (store));

  if (g_set_object (&self->store, store))
    s3dlio_inspector_object_details_set_object (self, NULL, NULL);
}

/**
 * s3dlio_inspector_object_details_set_object:
 * @self: the details pane
 * @uri: (nullable): the object's location
 * @info: (nullable): what the listing said of it, or %NULL to show nothing
 *
 * Shows an object, and asks the server for the rest of its details.
 */
void
s3dlio_inspector_object_details_set_object (S3dlioInspectorObjectDetails *self,
                                            S3dlioUri                    *uri,
                                            S3dlioObjectInfo             *info)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self));
  g_return_if_fail (uri == NULL || S3DLIO_IS_URI (uri));
  g_return_if_fail (info == NULL || S3DLIO_IS_OBJECT_INFO (info));

  if (self->info == info)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_loading (self, FALSE);
  g_set_object (&self->uri, uri);
  g_set_object (&self->info, info);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OBJECT]);

  if (info == NULL || uri == NULL)
    {
      clear_rows (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  show (self, info, NULL);
  gtk_stack_set_visible_child_name (self->stack, "details");

  if (self->store != NULL && !s3dlio_object_info_get_is_prefix (info))
    {
      self->cancellable = g_cancellable_new ();
      set_loading (self, TRUE);
      s3dlio_object_store_stat_async (self->store, uri, self->cancellable, stat_cb, g_object_ref (self));
    }
}

S3dlioObjectInfo *
s3dlio_inspector_object_details_get_object (S3dlioInspectorObjectDetails *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self), NULL);
  return self->info;
}

/* Whether the HEAD request is under way. */
gboolean
s3dlio_inspector_object_details_get_loading (S3dlioInspectorObjectDetails *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self), FALSE);
  return gtk_spinner_get_spinning (self->spinner);
}

/**
 * s3dlio_inspector_object_details_get_field:
 * @self: the details pane
 * @title: a row's title as shown, such as "Size"
 *
 * Returns: (nullable): the text the pane shows in the row titled @title,
 *   or %NULL if it shows no such row
 */
const char *
s3dlio_inspector_object_details_get_field (S3dlioInspectorObjectDetails *self,
                                           const char                   *title)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  for (guint row = 0; row < self->n_rows; row++)
    {
      GtkWidget *title_label = gtk_grid_get_child_at (self->grid, 0, row);
      GtkWidget *value_label = gtk_grid_get_child_at (self->grid, 1, row);

      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (title_label)), title) == 0)
        return gtk_label_get_label (GTK_LABEL (value_label));
    }
  return NULL;
}

/**
 * s3dlio_inspector_object_details_get_metadata_value:
 * @self: the details pane
 * @name: a user metadata name, without `x-amz-meta-`
 *
 * Returns: (nullable): the value the metadata list shows for @name, or
 *   %NULL if it shows no such entry
 */
const char *
s3dlio_inspector_object_details_get_metadata_value (S3dlioInspectorObjectDetails *self,
                                                    const char                   *name)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_OBJECT_DETAILS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->metadata_list, i)) != NULL; i++)
    {
      /* See show_metadata(): a box with the name, then the value. */
      GtkWidget *box = gtk_list_box_row_get_child (row);
      GtkWidget *name_label = gtk_widget_get_first_child (box);
      GtkWidget *value_label = gtk_widget_get_next_sibling (name_label);

      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (name_label)), name) == 0)
        return gtk_label_get_label (GTK_LABEL (value_label));
    }
  return NULL;
}
