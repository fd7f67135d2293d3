/* s3dlio-inspector-sweep-dialog.c: run, plot and export a sweep
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-sweep-dialog.h"
#include "s3dlio-inspector-sweep-plot.h"
#include "s3dlio-inspector-utils.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define EXPORT_WIDTH 960
#define EXPORT_HEIGHT 540

typedef enum {
  EXPORT_JSON,
  EXPORT_PNG,
} ExportKind;

struct _S3dlioInspectorSweepDialog
{
  AdwWindow                 parent_instance;

  S3dlioClient             *client;
  S3dlioUri                *uri;
  GSettings                *settings;
  S3dlioInspectorSweep     *sweep;
  GCancellable             *cancellable;
  GtkFileChooserNative     *chooser;
  ExportKind                export_kind;

  /* Template widgets */
  AdwActionRow             *object_row;
  AdwComboRow              *knob_row;
  GtkSpinButton            *from_spin;
  GtkSpinButton            *to_spin;
  GtkSpinButton            *runs_spin;
  GtkLabel                 *status_label;
  GtkProgressBar           *progress_bar;
  S3dlioInspectorSweepPlot *plot;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorSweepDialog, s3dlio_inspector_sweep_dialog, ADW_TYPE_WINDOW)

static const char *
selected_knob (S3dlioInspectorSweepDialog *self)
{
  return adw_combo_row_get_selected (self->knob_row) == 1 ? "part-size" : "max-inflight";
}

static void
update_actions (S3dlioInspectorSweepDialog *self)
{
  gboolean running = self->sweep != NULL && s3dlio_inspector_sweep_get_running (self->sweep);
  gboolean has_points = self->sweep != NULL && s3dlio_inspector_sweep_get_n_points (self->sweep) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.start",
                                 !running && self->client != NULL && self->uri != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.export-json", has_points);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sweep.export-png", has_points);
  gtk_widget_set_sensitive (GTK_WIDGET (self->knob_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->from_spin), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->to_spin), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->runs_spin), !running);
}

static void
knob_changed_cb (S3dlioInspectorSweepDialog *self)
{
  gboolean part_size = g_str_equal (selected_knob (self), "part-size");

  /* The ranges of the brief: 1 to 128 in flight, 1 to 64 MiB parts. */
  gtk_spin_button_set_value (self->from_spin, 1);
  gtk_spin_button_set_value (self->to_spin, part_size ? 64 : 128);
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "sweep-knob", part_size ? 1 : 0);
}

static void
point_added_cb (S3dlioInspectorSweepDialog *self,
                guint                       index,
                S3dlioInspectorSweep       *sweep)
{
  guint n_values = s3dlio_inspector_sweep_get_n_values (sweep);
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, (double) (index + 1) / n_values);
  /* Translators: progress of a sweep, such as "3 of 8 values measured" */
  text = g_strdup_printf (_("%u of %u values measured"), index + 1, n_values);
  gtk_label_set_label (self->status_label, text);
  update_actions (self);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(S3dlioInspectorSweepDialog) self = user_data;
  S3dlioInspectorSweep *sweep = S3DLIO_INSPECTOR_SWEEP (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const S3dlioInspectorSweepPoint *best = NULL;

  if (!s3dlio_inspector_sweep_run_finish (sweep, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = g_strdup (_("Stopped"));
      else
        text = g_strdup_printf (_("The sweep failed: %s"), error->message);
    }
  else
    {
      g_autofree char *value = NULL;

      for (guint i = 0; i < s3dlio_inspector_sweep_get_n_points (sweep); i++)
        {
          const S3dlioInspectorSweepPoint *point = s3dlio_inspector_sweep_get_point (sweep, i);

          if (best == NULL || point->gbps > best->gbps)
            best = point;
        }
      if (best != NULL)
        {
          value = g_str_equal (s3dlio_inspector_sweep_get_knob (sweep), "part-size")
                  ? s3dlio_inspector_format_size (best->value)
                  : g_strdup_printf ("%" G_GUINT64_FORMAT, best->value);
          /* Translators: the result of a sweep: "Fastest: 2.61 GB/s at 16" */
          text = g_strdup_printf (_("Fastest: %.2f GB/s at %s"), best->gbps, value);
        }
    }

  if (sweep == self->sweep)
    {
      gtk_label_set_label (self->status_label, text);
      g_clear_object (&self->cancellable);
      update_actions (self);
    }
}

/**
 * s3dlio_inspector_sweep_dialog_start:
 * @self: a sweep dialog
 *
 * Starts a sweep with the knob, range and runs the dialog shows.
 */
void
s3dlio_inspector_sweep_dialog_start (S3dlioInspectorSweepDialog *self)
{
  const char *knob = selected_knob (self);
  guint64 from = gtk_spin_button_get_value_as_int (self->from_spin);
  guint64 to = gtk_spin_button_get_value_as_int (self->to_spin);
  g_autoptr(GArray) values = NULL;
  g_autoptr(S3dlioInspectorSweep) sweep = NULL;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_DIALOG (self));

  if (self->client == NULL || self->uri == NULL ||
      (self->sweep != NULL && s3dlio_inspector_sweep_get_running (self->sweep)))
    return;

  if (g_str_equal (knob, "part-size"))
    {
      from *= MIB;
      to *= MIB;
    }
  values = s3dlio_inspector_sweep_make_values (MIN (from, to), MAX (from, to));
  sweep = s3dlio_inspector_sweep_new (self->client, self->uri, knob, values,
                                      gtk_spin_button_get_value_as_int (self->runs_spin));

  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_set_object (&self->sweep, sweep);
  g_signal_connect_swapped (sweep, "point-added", G_CALLBACK (point_added_cb), self);
  s3dlio_inspector_sweep_plot_set_sweep (self->plot, sweep);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->status_label, _("Measuring…"));
  s3dlio_inspector_sweep_run_async (sweep, self->cancellable, run_cb, g_object_ref (self));
  update_actions (self);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  s3dlio_inspector_sweep_dialog_start (S3DLIO_INSPECTOR_SWEEP_DIALOG (widget));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  S3dlioInspectorSweepDialog *self = S3DLIO_INSPECTOR_SWEEP_DIALOG (widget);

  g_cancellable_cancel (self->cancellable);
}

gboolean
s3dlio_inspector_sweep_dialog_export_json (S3dlioInspectorSweepDialog  *self,
                                           GFile                       *file,
                                           GError                     **error)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_DIALOG (self), FALSE);
  g_return_val_if_fail (self->sweep != NULL, FALSE);

  return s3dlio_inspector_sweep_save_json (self->sweep, file, error);
}

gboolean
s3dlio_inspector_sweep_dialog_export_png (S3dlioInspectorSweepDialog  *self,
                                          GFile                       *file,
                                          GError                     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_DIALOG (self), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The plot can only be saved to a local file"));
      return FALSE;
    }
  /* A fixed size, whatever the window's: plots of several sweeps line up. */
  return s3dlio_inspector_sweep_plot_save_png (self->plot, path, EXPORT_WIDTH, EXPORT_HEIGHT, error);
}

static void
chooser_response_cb (S3dlioInspectorSweepDialog *self,
                     int                         response,
                     GtkFileChooserNative       *chooser)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr(GError) error = NULL;
  gboolean saved;

  g_clear_object (&self->chooser);
  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    return;

  if (self->export_kind == EXPORT_JSON)
    saved = s3dlio_inspector_sweep_dialog_export_json (self, file, &error);
  else
    saved = s3dlio_inspector_sweep_dialog_export_png (self, file, &error);

  if (saved)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);

      gtk_label_set_label (self->status_label, text);
    }
  else
    gtk_label_set_label (self->status_label, error->message);
}

static void
choose_export_file (S3dlioInspectorSweepDialog *self,
                    ExportKind                  kind)
{
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->sweep == NULL)
    return;

  self->export_kind = kind;
  name = g_strdup_printf ("sweep-%s.%s", s3dlio_inspector_sweep_get_knob (self->sweep),
                          kind == EXPORT_JSON ? "json" : "png");
  if (kind == EXPORT_JSON)
    {
      gtk_file_filter_set_name (filter, _("JSON"));
      gtk_file_filter_add_mime_type (filter, "application/json");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PNG image"));
      gtk_file_filter_add_mime_type (filter, "image/png");
    }

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (kind == EXPORT_JSON ? _("Export Results") : _("Export Plot"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  choose_export_file (S3DLIO_INSPECTOR_SWEEP_DIALOG (widget), EXPORT_JSON);
}

static void
export_png_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_export_file (S3DLIO_INSPECTOR_SWEEP_DIALOG (widget), EXPORT_PNG);
}

static void
s3dlio_inspector_sweep_dialog_dispose (GObject *object)
{
  S3dlioInspectorSweepDialog *self = (S3dlioInspectorSweepDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_clear_object (&self->sweep);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_SWEEP_DIALOG);
  g_clear_object (&self->client);
  g_clear_object (&self->uri);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (s3dlio_inspector_sweep_dialog_parent_class)->dispose (object);
}

static void
s3dlio_inspector_sweep_dialog_class_init (S3dlioInspectorSweepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_sweep_dialog_dispose;

  g_type_ensure (S3DLIO_INSPECTOR_TYPE_SWEEP_PLOT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-sweep-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, object_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, knob_row);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, from_spin);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, to_spin);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, runs_spin);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorSweepDialog, plot);

  gtk_widget_class_install_action (widget_class, "sweep.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "sweep.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "sweep.export-json", NULL, export_json_action);
  gtk_widget_class_install_action (widget_class, "sweep.export-png", NULL, export_png_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "sweep.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "sweep.export-json", NULL);
}

static void
s3dlio_inspector_sweep_dialog_init (S3dlioInspectorSweepDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->knob_row, "notify::selected", G_CALLBACK (knob_changed_cb), self);
  update_actions (self);
}

/**
 * s3dlio_inspector_sweep_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @client: the client whose settings the sweep copies
 * @uri: the object to download
 * @settings: (nullable): the inspector's settings, which remember the knob
 *   and the runs
 *
 * Returns: (transfer full): a new dialog, not shown yet
 */
S3dlioInspectorSweepDialog *
s3dlio_inspector_sweep_dialog_new (GtkWindow    *parent,
                                   S3dlioClient *client,
                                   S3dlioUri    *uri,
                                   GSettings    *settings)
{
  S3dlioInspectorSweepDialog *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (S3DLIO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_SWEEP_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->client = g_object_ref (client);
  self->uri = g_object_ref (uri);
  text = s3dlio_uri_to_string (uri);
  adw_action_row_set_subtitle (self->object_row, text);

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      adw_combo_row_set_selected (self->knob_row, g_settings_get_enum (settings, "sweep-knob") == 1 ? 1 : 0);
      g_settings_bind (settings, "sweep-runs",
                       gtk_spin_button_get_adjustment (self->runs_spin), "value",
                       G_SETTINGS_BIND_DEFAULT);
    }
  knob_changed_cb (self);
  update_actions (self);

  return self;
}

/* Sets the knob and the range, as the user would. */
void
s3dlio_inspector_sweep_dialog_set_range (S3dlioInspectorSweepDialog *self,
                                         const char                 *knob,
                                         guint                       from,
                                         guint                       to)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_DIALOG (self));

  adw_combo_row_set_selected (self->knob_row, g_strcmp0 (knob, "part-size") == 0 ? 1 : 0);
  gtk_spin_button_set_value (self->from_spin, from);
  gtk_spin_button_set_value (self->to_spin, to);
}

S3dlioInspectorSweep *
s3dlio_inspector_sweep_dialog_get_sweep (S3dlioInspectorSweepDialog *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_DIALOG (self), NULL);
  return self->sweep;
}
