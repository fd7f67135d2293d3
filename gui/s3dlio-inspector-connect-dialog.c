/* s3dlio-inspector-connect-dialog.c: where to connect, and as whom
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Everything but the secret access key is remembered in GSettings: secrets
 * do not belong in dconf, and s3dlio keeps them out of every log and error.
 * Profiles and the environment are the way to keep credentials.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"


#include "s3dlio-inspector-connect-dialog.h"
#include "s3dlio-inspector-connection.h"

struct _S3dlioInspectorConnectDialog
{
  AdwWindow            parent_instance;

  GSettings           *settings;
  S3dlioConfig        *config;
  GCancellable        *cancellable;

  /* Template widgets */
  GtkSpinner          *spinner;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkCheckButton      *demo_check;
  GtkCheckButton      *endpoint_check;
  AdwPreferencesGroup *endpoint_group;
  AdwPreferencesGroup *credentials_group;
  AdwEntryRow         *url_row;
  AdwEntryRow         *region_row;
  GtkSwitch           *path_style_switch;
  AdwComboRow         *credentials_row;
  AdwEntryRow         *profile_row;
  AdwEntryRow         *access_key_row;
  AdwEntryRow         *secret_row;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorConnectDialog, s3dlio_inspector_connect_dialog, ADW_TYPE_WINDOW)

enum {
  CONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitivity (S3dlioInspectorConnectDialog *self)
{
  gboolean endpoint = gtk_check_button_get_active (self->endpoint_check);
  S3dlioInspectorCredentialsKind kind = adw_combo_row_get_selected (self->credentials_row);
  gboolean busy = self->cancellable != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->endpoint_group), endpoint && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->credentials_group), endpoint && !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->profile_row), kind == S3DLIO_INSPECTOR_CREDENTIALS_PROFILE);
  gtk_widget_set_visible (GTK_WIDGET (self->access_key_row), kind == S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), kind == S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.connect", !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (S3dlioInspectorConnectDialog *self,
            const char                   *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
load_settings (S3dlioInspectorConnectDialog *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "endpoint-url");
  g_autofree char *region = g_settings_get_string (self->settings, "region");
  g_autofree char *profile = g_settings_get_string (self->settings, "profile");
  g_autofree char *access_key_id = g_settings_get_string (self->settings, "access-key-id");

  if (g_settings_get_enum (self->settings, "connection-kind") == 1)
    gtk_check_button_set_active (self->endpoint_check, TRUE);
  else
    gtk_check_button_set_active (self->demo_check, TRUE);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), region);
  gtk_editable_set_text (GTK_EDITABLE (self->profile_row), profile);
  gtk_editable_set_text (GTK_EDITABLE (self->access_key_row), access_key_id);
  gtk_switch_set_active (self->path_style_switch, g_settings_get_boolean (self->settings, "path-style"));
  adw_combo_row_set_selected (self->credentials_row, g_settings_get_enum (self->settings, "credentials-kind"));
}

static void
save_settings (S3dlioInspectorConnectDialog *self)
{
  gboolean endpoint = gtk_check_button_get_active (self->endpoint_check);

  g_settings_delay (self->settings);
  g_settings_set_enum (self->settings, "connection-kind", endpoint ? 1 : 0);
  if (endpoint)
    {
      g_settings_set_string (self->settings, "endpoint-url", gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
      g_settings_set_string (self->settings, "region", gtk_editable_get_text (GTK_EDITABLE (self->region_row)));
      g_settings_set_string (self->settings, "profile", gtk_editable_get_text (GTK_EDITABLE (self->profile_row)));
      g_settings_set_string (self->settings, "access-key-id", gtk_editable_get_text (GTK_EDITABLE (self->access_key_row)));
      g_settings_set_boolean (self->settings, "path-style", gtk_switch_get_active (self->path_style_switch));
      g_settings_set_enum (self->settings, "credentials-kind", adw_combo_row_get_selected (self->credentials_row));
    }
  g_settings_apply (self->settings);
}

static const char *
nonempty (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return text && *text ? text : NULL;
}

static void
connected (S3dlioInspectorConnectDialog *self,
           S3dlioInspectorConnection    *connection)
{
  g_signal_emit (self, signals[CONNECTED], 0, connection);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
demo_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(S3dlioInspectorConnectDialog) self = user_data;
  g_autoptr(S3dlioInspectorConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = s3dlio_inspector_connection_new_demo_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  update_sensitivity (self);
  if (connection == NULL)
    {
      show_error (self, error->message);
      return;
    }
  connected (self, connection);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  S3dlioInspectorConnectDialog *self = S3DLIO_INSPECTOR_CONNECT_DIALOG (widget);
  g_autoptr(S3dlioInspectorConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  if (self->cancellable != NULL)
    return;

  show_error (self, NULL);
  save_settings (self);

  if (gtk_check_button_get_active (self->demo_check))
    {
      self->cancellable = g_cancellable_new ();
      update_sensitivity (self);
      s3dlio_inspector_connection_new_demo_async (self->config, S3DLIO_INSPECTOR_DEMO_FULL,
                                                  S3DLIO_INSPECTOR_DEMO_PAGE_SIZE,
                                                  self->cancellable, demo_cb, g_object_ref (self));
      return;
    }

  connection = s3dlio_inspector_connection_new_for_endpoint (self->config,
                                                             nonempty (self->url_row),
                                                             nonempty (self->region_row),
                                                             gtk_switch_get_active (self->path_style_switch),
                                                             adw_combo_row_get_selected (self->credentials_row),
                                                             nonempty (self->profile_row),
                                                             nonempty (self->access_key_row),
                                                             nonempty (self->secret_row),
                                                             &error);
  if (connection == NULL)
    {
      show_error (self, error->message);
      return;
    }
  connected (self, connection);
}

/* Enter in any field connects, as in a form. */
static void
entry_activated_cb (S3dlioInspectorConnectDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "connect.connect", NULL);
}

static void
s3dlio_inspector_connect_dialog_dispose (GObject *object)
{
  S3dlioInspectorConnectDialog *self = (S3dlioInspectorConnectDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (s3dlio_inspector_connect_dialog_parent_class)->dispose (object);
}

static void
s3dlio_inspector_connect_dialog_class_init (S3dlioInspectorConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_connect_dialog_dispose;

  /**
   * S3dlioInspectorConnectDialog::connected:
   * @self: the dialog
   * @connection: the new connection
   *
   * Emitted when a connection was made; the dialog closes right after.
   */
  signals[CONNECTED] =
    g_signal_new ("connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, S3DLIO_INSPECTOR_TYPE_CONNECTION);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, demo_check);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, endpoint_check);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, endpoint_group);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, credentials_group);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, path_style_switch);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, credentials_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, profile_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, access_key_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorConnectDialog, secret_row);

  gtk_widget_class_install_action (widget_class, "connect.connect", NULL, connect_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "connect.connect", NULL);
}

static void
s3dlio_inspector_connect_dialog_init (S3dlioInspectorConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->endpoint_check, "notify::active", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->credentials_row, "notify::selected", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->url_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->region_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->profile_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->access_key_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->secret_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
}

/**
 * s3dlio_inspector_connect_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @settings: the `org.s3dlio.Inspector` settings: the dialog starts from
 *   them and saves to them
 * @config: the knobs the new client follows
 *
 * Returns: (transfer full): a new dialog
 */
S3dlioInspectorConnectDialog *
s3dlio_inspector_connect_dialog_new (GtkWindow    *parent,
                                     GSettings    *settings,
                                     S3dlioConfig *config)
{
  S3dlioInspectorConnectDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (S3DLIO_IS_CONFIG (config), NULL);

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);
  self->config = g_object_ref (config);
  load_settings (self);
  update_sensitivity (self);

  return self;
}
