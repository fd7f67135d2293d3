/* s3dlio-inspector-window.c: the inspector's main window
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The browser and the object details on top, the transfer panel below,
 * the knobs on the side. The window owns the connection and runs the
 * fetches; everything the user does goes through the win.* actions.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-connect-dialog.h"
#include "s3dlio-inspector-sweep-dialog.h"
#include "s3dlio-inspector-utils.h"
#include "s3dlio-inspector-window.h"

#define DEFAULT_PROGRESS_INTERVAL_MS 100

/* One download; it outlives a cancellation, the window does not wait. */
typedef struct {
  S3dlioInspectorWindow *window;    /* weak: cleared if the window goes first */
  S3dlioTransfer        *transfer;
  GCancellable          *cancellable;
  char                  *path;
} Fetch;

struct _S3dlioInspectorWindow
{
  AdwApplicationWindow          parent_instance;

  GSettings                    *settings;
  S3dlioInspectorConnection    *connection;
  GCancellable                 *connect_cancellable;
  Fetch                        *fetch;
  GtkFileChooserNative         *chooser;
  guint                         progress_interval;
  gboolean                      show_knobs;

  /* Template widgets */
  AdwToastOverlay              *toast_overlay;
  AdwWindowTitle               *window_title;
  GtkStack                     *main_stack;
  GtkSpinner                   *connecting_spinner;
  GtkPaned                     *outer_paned;
  GtkPaned                     *browser_paned;
  S3dlioInspectorBrowser       *browser;
  S3dlioInspectorObjectDetails *details;
  S3dlioInspectorTransferPanel *transfer_panel;
  GtkRevealer                  *knobs_revealer;
  S3dlioInspectorKnobsPanel    *knobs_panel;
  GtkWidget                    *cancel_button;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorWindow, s3dlio_inspector_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_BUSY,
  PROP_SHOW_KNOBS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_toast (S3dlioInspectorWindow *self,
            const char            *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
set_enabled (S3dlioInspectorWindow *self,
             const char            *name,
             gboolean               enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static S3dlioObjectInfo *
selected_object (S3dlioInspectorWindow *self)
{
  S3dlioObjectInfo *info = s3dlio_inspector_browser_get_selected_item (self->browser);

  if (info == NULL || s3dlio_object_info_get_is_prefix (info))
    return NULL;
  return info;
}

static void
update_actions (S3dlioInspectorWindow *self)
{
  gboolean connected = self->connection != NULL;
  gboolean has_object = connected && selected_object (self) != NULL;
  gboolean busy = self->fetch != NULL;

  set_enabled (self, "fetch", has_object && !busy);
  set_enabled (self, "save", has_object && !busy);
  set_enabled (self, "save-to", has_object && !busy);
  set_enabled (self, "cancel", busy);
  gtk_widget_set_visible (self->cancel_button, busy);
  set_enabled (self, "sweep", has_object);
  set_enabled (self, "reload", connected);
  set_enabled (self, "go-up", connected);
  set_enabled (self, "find", connected);
}

/* {{{ Fetching */

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->transfer);
  g_clear_object (&fetch->cancellable);
  g_free (fetch->path);
  g_free (fetch);
}

static void
end_fetch (S3dlioInspectorWindow *self)
{
  if (self->fetch == NULL)
    return;

  self->fetch->window = NULL;
  self->fetch = NULL;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fetch *fetch = user_data;
  S3dlioInspectorWindow *self = fetch->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  s3dlio_object_store_download_finish (S3DLIO_OBJECT_STORE (source), result, &error);

  /* Cancelled or replaced: the window has moved on already. */
  if (self == NULL)
    {
      fetch_free (fetch);
      return;
    }

  s3dlio_inspector_transfer_panel_finish (self->transfer_panel, error);

  /* The panel shows how a fetch went; a toast says what the panel cannot:
   * where the file went, or why the fetch failed. */
  if (error == NULL && fetch->path != NULL)
    {
      g_autofree char *name = g_filename_display_name (fetch->path);

      /* Translators: %s is a file name */
      text = g_strdup_printf (_("Saved to %s"), name);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup_printf (_("The fetch failed: %s"), error->message);

  if (text != NULL)
    show_toast (self, text);

  end_fetch (self);
  /* The transfer goes with the fetch, and the downloaded bytes with it. */
  fetch_free (fetch);
}

/**
 * s3dlio_inspector_window_fetch:
 * @self: the window
 * @path: (nullable): a file to save the object to, or %NULL to download it
 *   into memory (the bytes are dropped when the transfer ends)
 *
 * Downloads the selected object, showing the transfer as it goes.
 */
void
s3dlio_inspector_window_fetch (S3dlioInspectorWindow *self,
                               const char            *path)
{
  g_autoptr(S3dlioUri) uri = NULL;
  g_autofree char *title = NULL;
  Fetch *fetch;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self));

  if (self->connection == NULL || self->fetch != NULL || selected_object (self) == NULL)
    return;

  uri = s3dlio_inspector_browser_dup_selected_uri (self->browser);
  if (uri == NULL)
    return;

  fetch = g_new0 (Fetch, 1);
  fetch->window = self;
  fetch->transfer = s3dlio_transfer_new (uri);
  fetch->cancellable = g_cancellable_new ();
  fetch->path = g_strdup (path);
  s3dlio_transfer_set_progress_interval (fetch->transfer, self->progress_interval);
  if (path != NULL)
    s3dlio_transfer_set_destination_path (fetch->transfer, path);
  self->fetch = fetch;

  title = s3dlio_uri_to_string (uri);
  s3dlio_inspector_transfer_panel_set_transfer (self->transfer_panel, fetch->transfer, title);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  s3dlio_object_store_download_async (s3dlio_inspector_connection_get_store (self->connection),
                                      fetch->transfer, fetch->cancellable, download_cb, fetch);
}

/* Cancelling is immediate for the user: the window lets go of the fetch at
 * once, and its callback cleans up when the parts have stopped. */
static void
cancel_fetch (S3dlioInspectorWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->fetch == NULL)
    return;

  g_cancellable_cancel (self->fetch->cancellable);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  s3dlio_inspector_transfer_panel_finish (self->transfer_panel, error);
  end_fetch (self);
}

static void
fetch_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  s3dlio_inspector_window_fetch (S3DLIO_INSPECTOR_WINDOW (user_data), NULL);
}

static void
chooser_response_cb (S3dlioInspectorWindow *self,
                     int                    response,
                     GtkFileChooserNative  *chooser)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autofree char *path = NULL;

  g_clear_object (&self->chooser);
  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_toast (self, _("Objects can only be saved to local files"));
      return;
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), "save-to", g_variant_new_bytestring (path));
}

/* win.save-to: the file chooser's answer, a file name. Tests answer for
 * the chooser through it. */
static void
save_to_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  const char *path = g_variant_get_bytestring (parameter);

  if (*path != '\0')
    s3dlio_inspector_window_fetch (S3DLIO_INSPECTOR_WINDOW (user_data), path);
}

static void
save_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  S3dlioInspectorWindow *self = user_data;
  g_autoptr(S3dlioUri) uri = s3dlio_inspector_browser_dup_selected_uri (self->browser);
  g_autofree char *name = NULL;

  if (uri == NULL)
    return;

  name = s3dlio_uri_get_basename (uri);
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Object"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  cancel_fetch (S3DLIO_INSPECTOR_WINDOW (user_data));
}

/* }}} */
/* {{{ Connecting */

/**
 * s3dlio_inspector_window_set_connection:
 * @self: the window
 * @connection: (nullable): where to browse and fetch from
 *
 * Switches to @connection: any fetch is cancelled and the browser lists
 * the buckets anew.
 */
void
s3dlio_inspector_window_set_connection (S3dlioInspectorWindow     *self,
                                        S3dlioInspectorConnection *connection)
{
  S3dlioClient *client;
  S3dlioObjectStore *store;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self));
  g_return_if_fail (connection == NULL || S3DLIO_INSPECTOR_IS_CONNECTION (connection));

  cancel_fetch (self);
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  gtk_spinner_stop (self->connecting_spinner);

  if (!g_set_object (&self->connection, connection))
    return;

  /* The browser needs the client for the buckets, which only S3 has;
   * everything done to objects goes through the store. */
  client = connection ? s3dlio_inspector_connection_get_client (connection) : NULL;
  store = connection ? s3dlio_inspector_connection_get_store (connection) : NULL;
  s3dlio_inspector_object_details_set_store (self->details, store);
  s3dlio_inspector_transfer_panel_set_transfer (self->transfer_panel, NULL, NULL);
  s3dlio_inspector_browser_set_client (self->browser, client,
                                       connection ? s3dlio_inspector_connection_get_default_bucket (connection) : NULL);
  adw_window_title_set_subtitle (self->window_title,
                                 connection ? s3dlio_inspector_connection_get_title (connection) : NULL);
  gtk_stack_set_visible_child_name (self->main_stack, connection ? "main" : "disconnected");
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
demo_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(S3dlioInspectorWindow) self = user_data;
  g_autoptr(S3dlioInspectorConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  connection = s3dlio_inspector_connection_new_demo_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->connect_cancellable);
  gtk_spinner_stop (self->connecting_spinner);
  if (connection == NULL)
    {
      text = g_strdup_printf (_("The local demo could not start: %s"), error->message);
      show_toast (self, text);
      gtk_stack_set_visible_child_name (self->main_stack, self->connection ? "main" : "disconnected");
      return;
    }

  s3dlio_inspector_window_set_connection (self, connection);
}

/**
 * s3dlio_inspector_window_connect_demo:
 * @self: the window
 * @size: how many sample objects to make
 * @page_size: the most keys per listing page, or 0 for the default
 *
 * Starts the local demo endpoint and connects to it.
 */
void
s3dlio_inspector_window_connect_demo (S3dlioInspectorWindow   *self,
                                      S3dlioInspectorDemoSize  size,
                                      guint                    page_size)
{
  S3dlioInspectorApplication *app;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self));

  if (self->connect_cancellable != NULL)
    return;

  app = S3DLIO_INSPECTOR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  self->connect_cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->main_stack, "connecting");
  gtk_spinner_start (self->connecting_spinner);
  s3dlio_inspector_connection_new_demo_async (s3dlio_inspector_application_get_config (app),
                                              size, page_size, self->connect_cancellable,
                                              demo_cb, g_object_ref (self));
}

static void
connect_demo_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  s3dlio_inspector_window_connect_demo (S3DLIO_INSPECTOR_WINDOW (user_data),
                                        S3DLIO_INSPECTOR_DEMO_FULL, S3DLIO_INSPECTOR_DEMO_PAGE_SIZE);
}

static void
connected_cb (S3dlioInspectorWindow     *self,
              S3dlioInspectorConnection *connection)
{
  s3dlio_inspector_window_set_connection (self, connection);
}

static void
connect_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  S3dlioInspectorWindow *self = user_data;
  S3dlioInspectorApplication *app = S3DLIO_INSPECTOR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  S3dlioInspectorConnectDialog *dialog;

  dialog = s3dlio_inspector_connect_dialog_new (GTK_WINDOW (self), self->settings,
                                                s3dlio_inspector_application_get_config (app));
  g_signal_connect_object (dialog, "connected", G_CALLBACK (connected_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* }}} */
/* {{{ Browsing */

static void
selection_changed_cb (S3dlioInspectorWindow  *self,
                      GParamSpec             *pspec,
                      S3dlioInspectorBrowser *browser)
{
  g_autoptr(S3dlioUri) uri = s3dlio_inspector_browser_dup_selected_uri (browser);

  s3dlio_inspector_object_details_set_object (self->details, uri,
                                              s3dlio_inspector_browser_get_selected_item (browser));
  update_actions (self);
}

static void
object_activated_cb (S3dlioInspectorWindow  *self,
                     S3dlioObjectInfo       *info,
                     S3dlioInspectorBrowser *browser)
{
  g_action_group_activate_action (G_ACTION_GROUP (self), "fetch", NULL);
}

static void
reload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  s3dlio_inspector_browser_reload (S3DLIO_INSPECTOR_WINDOW (user_data)->browser);
}

static void
go_up_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  s3dlio_inspector_browser_go_up (S3DLIO_INSPECTOR_WINDOW (user_data)->browser);
}

static void
find_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  s3dlio_inspector_browser_focus_filter (S3DLIO_INSPECTOR_WINDOW (user_data)->browser);
}

static void
sweep_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  S3dlioInspectorWindow *self = user_data;
  g_autoptr(S3dlioUri) uri = s3dlio_inspector_browser_dup_selected_uri (self->browser);
  S3dlioInspectorSweepDialog *dialog;

  if (uri == NULL || self->connection == NULL)
    return;

  dialog = s3dlio_inspector_sweep_dialog_new (GTK_WINDOW (self),
                                              s3dlio_inspector_connection_get_client (self->connection),
                                              uri, self->settings);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* }}} */
/* {{{ GObject */

static void
save_window_state (S3dlioInspectorWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static gboolean
s3dlio_inspector_window_close_request (GtkWindow *window)
{
  S3dlioInspectorWindow *self = S3DLIO_INSPECTOR_WINDOW (window);

  save_window_state (self);
  cancel_fetch (self);

  return GTK_WINDOW_CLASS (s3dlio_inspector_window_parent_class)->close_request (window);
}

/* What needs the application, which GtkWindow only gets after
 * construction. */
static void
setup_for_application (S3dlioInspectorWindow      *self,
                       S3dlioInspectorApplication *app)
{
  g_autoptr(GSettings) knobs = NULL;

  self->settings = g_object_ref (s3dlio_inspector_application_get_settings (app));
  knobs = g_settings_get_child (self->settings, "knobs");
  s3dlio_inspector_knobs_panel_set_config (self->knobs_panel,
                                           s3dlio_inspector_application_get_config (app),
                                           knobs);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "show-knobs", self, "show-knobs", G_SETTINGS_BIND_DEFAULT);
}

static void
s3dlio_inspector_window_dispose (GObject *object)
{
  S3dlioInspectorWindow *self = (S3dlioInspectorWindow *) object;

  cancel_fetch (self);
  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_WINDOW);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (s3dlio_inspector_window_parent_class)->dispose (object);
}

static void
s3dlio_inspector_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  S3dlioInspectorWindow *self = S3DLIO_INSPECTOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->fetch != NULL);
      break;
    case PROP_SHOW_KNOBS:
      g_value_set_boolean (value, self->show_knobs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  S3dlioInspectorWindow *self = S3DLIO_INSPECTOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_KNOBS:
      if (self->show_knobs != g_value_get_boolean (value))
        {
          self->show_knobs = g_value_get_boolean (value);
          gtk_revealer_set_reveal_child (self->knobs_revealer, self->show_knobs);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_window_class_init (S3dlioInspectorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = s3dlio_inspector_window_dispose;
  object_class->get_property = s3dlio_inspector_window_get_property;
  object_class->set_property = s3dlio_inspector_window_set_property;

  window_class->close_request = s3dlio_inspector_window_close_request;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, S3DLIO_INSPECTOR_TYPE_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_KNOBS] =
    g_param_spec_boolean ("show-knobs", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (S3DLIO_INSPECTOR_TYPE_BROWSER);
  g_type_ensure (S3DLIO_INSPECTOR_TYPE_OBJECT_DETAILS);
  g_type_ensure (S3DLIO_INSPECTOR_TYPE_TRANSFER_PANEL);
  g_type_ensure (S3DLIO_INSPECTOR_TYPE_KNOBS_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-window.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, browser_paned);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, browser);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, details);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, transfer_panel);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, knobs_revealer);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, knobs_panel);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorWindow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, object_activated_cb);
}

static const GActionEntry window_actions[] = {
  { "connect", connect_action },
  { "connect-demo", connect_demo_action },
  { "fetch", fetch_action },
  { "save", save_action },
  { "save-to", save_to_action, "ay" },
  { "cancel", cancel_action },
  { "sweep", sweep_action },
  { "reload", reload_action },
  { "go-up", go_up_action },
  { "find", find_action },
};

static void
s3dlio_inspector_window_init (S3dlioInspectorWindow *self)
{
  g_autoptr(GPropertyAction) show_knobs = NULL;

  self->progress_interval = DEFAULT_PROGRESS_INTERVAL_MS;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions, G_N_ELEMENTS (window_actions), self);
  show_knobs = g_property_action_new ("show-knobs", self, "show-knobs");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_knobs));

  gtk_paned_set_position (self->outer_paned, 440);
  gtk_paned_set_position (self->browser_paned, 700);
  update_actions (self);
}

/* }}} */
/* {{{ Public */

S3dlioInspectorWindow *
s3dlio_inspector_window_new (S3dlioInspectorApplication *application)
{
  S3dlioInspectorWindow *self;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_APPLICATION (application), NULL);

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_WINDOW, "application", application, NULL);
  setup_for_application (self, application);
  return self;
}

S3dlioInspectorConnection *
s3dlio_inspector_window_get_connection (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->connection;
}

gboolean
s3dlio_inspector_window_get_busy (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), FALSE);
  return self->fetch != NULL;
}

/* How often a fetch reports progress (the graph's sampling rate). */
void
s3dlio_inspector_window_set_progress_interval (S3dlioInspectorWindow *self,
                                               guint                  interval_ms)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self));
  self->progress_interval = CLAMP (interval_ms, 10, 10000);
}

S3dlioInspectorBrowser *
s3dlio_inspector_window_get_browser (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->browser;
}

S3dlioInspectorObjectDetails *
s3dlio_inspector_window_get_details (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->details;
}

S3dlioInspectorTransferPanel *
s3dlio_inspector_window_get_transfer_panel (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->transfer_panel;
}

S3dlioInspectorKnobsPanel *
s3dlio_inspector_window_get_knobs_panel (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->knobs_panel;
}

/* The file chooser win.save opened, until it is answered. */
GtkFileChooserNative *
s3dlio_inspector_window_get_save_chooser (S3dlioInspectorWindow *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_WINDOW (self), NULL);
  return self->chooser;
}

/* }}} */
