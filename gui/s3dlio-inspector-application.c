/* s3dlio-inspector-application.c: the inspector application
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Owns what the windows share: the settings, and the S3dlioConfig every
 * client follows, started from the S3DLIO_* environment and the knobs the
 * user set last time (see s3dlio-inspector-knobs.c).
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-application.h"
#include "s3dlio-inspector-knobs.h"
#include "s3dlio-inspector-resources.h"
#include "s3dlio-inspector-window.h"

struct _S3dlioInspectorApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GSettings      *knob_settings;
  S3dlioConfig   *config;
  char           *config_error;   /* an invalid S3DLIO_* variable, to show once */
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorApplication, s3dlio_inspector_application, ADW_TYPE_APPLICATION)

static S3dlioInspectorWindow *
get_window (S3dlioInspectorApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (s3dlio_inspector_window_new (self));
  return S3DLIO_INSPECTOR_WINDOW (window);
}

static void
report_config_error (S3dlioInspectorApplication *self,
                     GtkWindow                  *window)
{
  AdwMessageDialog *dialog;

  if (self->config_error == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Invalid Setting in the Environment"),
                                                       self->config_error));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_clear_pointer (&self->config_error, g_free);
}

static void
s3dlio_inspector_application_activate (GApplication *application)
{
  S3dlioInspectorApplication *self = S3DLIO_INSPECTOR_APPLICATION (application);
  S3dlioInspectorWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  report_config_error (self, GTK_WINDOW (window));
}

/* Without its schema GSettings aborts; say what is wrong instead. */
static gboolean
check_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    return TRUE;

  g_printerr ("s3dlio-inspector: %s\n",
              _("The GSettings schema org.s3dlio.Inspector is not installed. Install the inspector, "
                "or run it from “meson devenv”, which points GSETTINGS_SCHEMA_DIR at the build directory."));
  return FALSE;
}

static int
s3dlio_inspector_application_handle_local_options (GApplication *application,
                                                   GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("s3dlio-inspector %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!check_schema ())
    return 1;

  if (g_variant_dict_contains (options, "demo"))
    {
      g_autoptr(GError) error = NULL;

      /* As an action, so that a running instance opens the demo too. */
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("s3dlio-inspector: %s\n", error->message);
          return 1;
        }
      g_action_group_activate_action (G_ACTION_GROUP (application), "demo", NULL);
    }

  return -1;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  S3dlioInspectorApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing the windows saves their state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (self));
}

static void
demo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  S3dlioInspectorApplication *self = user_data;
  S3dlioInspectorWindow *window = get_window (self);

  s3dlio_inspector_window_connect_demo (window, S3DLIO_INSPECTOR_DEMO_FULL, S3DLIO_INSPECTOR_DEMO_PAGE_SIZE);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  S3dlioInspectorApplication *self = user_data;
  static const char *developers[] = { "The s3dlio developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("S3 Inspector"),
                        "application-icon", APP_ID,
                        "developer-name", _("The s3dlio developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Browse S3 buckets and watch how fast objects download, with s3dlio’s size-aware GET."),
                        "license-type", GTK_LICENSE_APACHE_2_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "demo", demo_action },
  { "about", about_action },
};

static void
set_accels (GtkApplication *app,
            const char     *action,
            const char     *first_accel,
            ...)
{
  g_autoptr(GPtrArray) accels = g_ptr_array_new ();
  const char *accel = first_accel;
  va_list args;

  va_start (args, first_accel);
  for (; accel != NULL; accel = va_arg (args, const char *))
    g_ptr_array_add (accels, (gpointer) accel);
  va_end (args);
  g_ptr_array_add (accels, NULL);

  gtk_application_set_accels_for_action (app, action, (const char * const *) accels->pdata);
}

static void
s3dlio_inspector_application_startup (GApplication *application)
{
  S3dlioInspectorApplication *self = S3DLIO_INSPECTOR_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (s3dlio_inspector_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (APP_ID);
  self->knob_settings = g_settings_get_child (self->settings, "knobs");
  self->config = s3dlio_inspector_knobs_load (self->knob_settings, &error);
  if (error != NULL)
    self->config_error = g_strdup_printf (_("%s\nThe inspector starts from the default knobs."), error->message);
  s3dlio_inspector_knobs_bind (self->config, self->knob_settings);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), self);

  set_accels (app, "app.quit", "<Control>q", NULL);
  set_accels (app, "win.connect", "<Control>o", NULL);
  set_accels (app, "win.fetch", "<Control>g", NULL);
  set_accels (app, "win.save", "<Control>s", NULL);
  set_accels (app, "win.cancel", "Escape", NULL);
  set_accels (app, "win.sweep", "<Control>b", NULL);
  set_accels (app, "win.show-knobs", "F9", NULL);
  set_accels (app, "win.reload", "F5", "<Control>r", NULL);
  set_accels (app, "win.go-up", "<Alt>Up", NULL);
  set_accels (app, "win.find", "<Control>f", NULL);
  set_accels (app, "window.close", "<Control>w", NULL);
}

static void
s3dlio_inspector_application_finalize (GObject *object)
{
  S3dlioInspectorApplication *self = (S3dlioInspectorApplication *) object;

  g_clear_object (&self->config);
  g_clear_object (&self->knob_settings);
  g_clear_object (&self->settings);
  g_free (self->config_error);

  G_OBJECT_CLASS (s3dlio_inspector_application_parent_class)->finalize (object);
}

static void
s3dlio_inspector_application_class_init (S3dlioInspectorApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = s3dlio_inspector_application_finalize;

  application_class->startup = s3dlio_inspector_application_startup;
  application_class->activate = s3dlio_inspector_application_activate;
  application_class->handle_local_options = s3dlio_inspector_application_handle_local_options;

  s3dlio_inspector_register_resource ();
}

static const GOptionEntry options[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start the local demo endpoint and open it"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static void
s3dlio_inspector_application_init (S3dlioInspectorApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Browse S3 buckets and watch how fast objects download."));
}

S3dlioInspectorApplication *
s3dlio_inspector_application_new (GApplicationFlags flags)
{
  return g_object_new (S3DLIO_INSPECTOR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/org/s3dlio/Inspector",
                       "flags", flags,
                       NULL);
}

S3dlioConfig *
s3dlio_inspector_application_get_config (S3dlioInspectorApplication *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_APPLICATION (self), NULL);
  return self->config;
}

GSettings *
s3dlio_inspector_application_get_settings (S3dlioInspectorApplication *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_APPLICATION (self), NULL);
  return self->settings;
}
