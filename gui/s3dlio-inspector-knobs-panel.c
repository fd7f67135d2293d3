/* s3dlio-inspector-knobs-panel.c: the tuning knobs of S3dlioConfig
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One row per knob of s3dlio-inspector-knobs.c, each editor bound to the
 * S3dlioConfig property both ways; the config writes itself to GSettings
 * (see s3dlio_inspector_knobs_bind()). Sizes are shown and typed the way
 * the S3DLIO_* variables take them ("8 MiB", "512K").
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "s3dlio-inspector-knobs.h"
#include "s3dlio-inspector-knobs-panel.h"
#include "s3dlio-inspector-utils.h"

struct _S3dlioInspectorKnobsPanel
{
  GtkWidget             parent_instance;

  S3dlioConfig         *config;
  GSettings            *settings;
  GHashTable           *editors;    /* property name → GtkSpinButton or GtkSwitch */
  GPtrArray            *bindings;   /* GBinding */

  /* Template widgets */
  AdwPreferencesGroup  *group;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorKnobsPanel, s3dlio_inspector_knobs_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
size_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  guint64 value = (guint64) gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  g_autofree char *text = s3dlio_inspector_format_size (value);

  if (!g_str_equal (text, gtk_editable_get_text (GTK_EDITABLE (spin))))
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
size_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autoptr(GString) compact = g_string_new (NULL);
  guint64 size;

  /* Accept what the environment accepts ("8M", "8MiB"), and what the
   * output shows ("8 MiB"). */
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (compact, *p);

  if (!s3dlio_parse_size (compact->str, &size, NULL))
    return GTK_INPUT_ERROR;

  *new_value = size;
  return TRUE;
}

static GtkWidget *
make_spin_button (const S3dlioInspectorKnob *knob,
                  GParamSpec                *pspec)
{
  double lower, upper;
  GtkAdjustment *adjustment;
  GtkWidget *spin;

  if (G_IS_PARAM_SPEC_UINT64 (pspec))
    {
      lower = G_PARAM_SPEC_UINT64 (pspec)->minimum;
      upper = MIN (G_PARAM_SPEC_UINT64 (pspec)->maximum, knob->upper);
    }
  else
    {
      lower = G_PARAM_SPEC_UINT (pspec)->minimum;
      upper = MIN (G_PARAM_SPEC_UINT (pspec)->maximum, knob->upper);
    }

  adjustment = gtk_adjustment_new (lower, lower, upper, knob->step, knob->step * 8, 0);
  spin = gtk_spin_button_new (adjustment, 1, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), knob->kind != S3DLIO_INSPECTOR_KNOB_SIZE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), knob->kind == S3DLIO_INSPECTOR_KNOB_SIZE ? 9 : 6);

  if (knob->kind == S3DLIO_INSPECTOR_KNOB_SIZE)
    {
      g_signal_connect (spin, "output", G_CALLBACK (size_output_cb), NULL);
      g_signal_connect (spin, "input", G_CALLBACK (size_input_cb), NULL);
    }

  return spin;
}

/* The description, or where the starting value came from when the
 * environment set it; the variable's name is in the tooltip. */
static char *
describe_source (const S3dlioInspectorKnob *knob,
                 gboolean                  *from_environment)
{
  g_autofree char *environment = s3dlio_inspector_knobs_get_environment (knob->property);

  *from_environment = environment != NULL;
  if (environment != NULL)
    /* Translators: %s is a variable and its value, such as S3DLIO_GET_PART_SIZE=16M */
    return g_strdup_printf (_("Started from %s"), environment);

  return g_strdup (_(knob->description));
}

static void
add_row (S3dlioInspectorKnobsPanel *self,
         const S3dlioInspectorKnob *knob)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->config), knob->property);
  gboolean from_environment = FALSE;
  g_autofree char *subtitle = describe_source (knob, &from_environment);
  g_autofree char *tooltip = NULL;
  const char *target_property;
  GtkWidget *row, *editor;
  GBinding *binding;

  g_return_if_fail (pspec != NULL);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(knob->title));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* Translators: %s is the name of an environment variable */
  tooltip = g_strdup_printf (_("Environment variable: %s"), s3dlio_config_get_environment_variable (knob->property));
  gtk_widget_set_tooltip_text (row, tooltip);
  if (from_environment)
    gtk_widget_add_css_class (row, "from-environment");

  if (knob->kind == S3DLIO_INSPECTOR_KNOB_SWITCH)
    {
      editor = gtk_switch_new ();
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      target_property = "active";
      binding = g_object_bind_property (self->config, knob->property, editor, target_property,
                                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }
  else
    {
      editor = make_spin_button (knob, pspec);
      binding = g_object_bind_property (self->config, knob->property,
                                        gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (editor)), "value",
                                        G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    }
  g_ptr_array_add (self->bindings, g_object_ref (binding));

  gtk_accessible_update_property (GTK_ACCESSIBLE (editor),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(knob->title),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), editor);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), editor);
  adw_preferences_group_add (self->group, row);
  g_hash_table_insert (self->editors, (char *) knob->property, editor);
}

static void
clear_rows (S3dlioInspectorKnobsPanel *self)
{
  GHashTableIter iter;
  GtkWidget *editor;

  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);

  g_hash_table_iter_init (&iter, self->editors);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &editor))
    adw_preferences_group_remove (self->group, gtk_widget_get_ancestor (editor, ADW_TYPE_ACTION_ROW));
  g_hash_table_remove_all (self->editors);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  S3dlioInspectorKnobsPanel *self = S3DLIO_INSPECTOR_KNOBS_PANEL (widget);

  if (self->config != NULL && self->settings != NULL)
    s3dlio_inspector_knobs_reset (self->config, self->settings);
}

static void
s3dlio_inspector_knobs_panel_dispose (GObject *object)
{
  S3dlioInspectorKnobsPanel *self = (S3dlioInspectorKnobsPanel *) object;

  if (self->bindings != NULL)
    {
      for (guint i = 0; i < self->bindings->len; i++)
        g_binding_unbind (g_ptr_array_index (self->bindings, i));
      g_clear_pointer (&self->bindings, g_ptr_array_unref);
    }
  g_clear_pointer (&self->editors, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_KNOBS_PANEL);
  g_clear_object (&self->config);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (s3dlio_inspector_knobs_panel_parent_class)->dispose (object);
}

static void
s3dlio_inspector_knobs_panel_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  S3dlioInspectorKnobsPanel *self = S3DLIO_INSPECTOR_KNOBS_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_knobs_panel_class_init (S3dlioInspectorKnobsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_knobs_panel_dispose;
  object_class->get_property = s3dlio_inspector_knobs_panel_get_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, S3DLIO_TYPE_CONFIG,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-knobs-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorKnobsPanel, group);

  gtk_widget_class_install_action (widget_class, "knobs.reset", NULL, reset_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "knobspanel");
}

static void
s3dlio_inspector_knobs_panel_init (S3dlioInspectorKnobsPanel *self)
{
  self->editors = g_hash_table_new (g_str_hash, g_str_equal);
  self->bindings = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "knobs.reset", FALSE);
}

/**
 * s3dlio_inspector_knobs_panel_set_config:
 * @self: a panel
 * @config: the config the knobs edit
 * @settings: (nullable): the `org.s3dlio.Inspector.Knobs` settings, for
 *   the reset action
 *
 * Shows a row for each knob, bound to @config.
 */
void
s3dlio_inspector_knobs_panel_set_config (S3dlioInspectorKnobsPanel *self,
                                         S3dlioConfig              *config,
                                         GSettings                 *settings)
{
  const S3dlioInspectorKnob *knobs;
  guint n_knobs;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_KNOBS_PANEL (self));
  g_return_if_fail (S3DLIO_IS_CONFIG (config));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "knobs.reset", settings != NULL);
  if (self->config == config)
    return;

  clear_rows (self);
  g_set_object (&self->config, config);

  knobs = s3dlio_inspector_knobs_get_all (&n_knobs);
  for (guint i = 0; i < n_knobs; i++)
    add_row (self, &knobs[i]);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIG]);
}

S3dlioConfig *
s3dlio_inspector_knobs_panel_get_config (S3dlioInspectorKnobsPanel *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_KNOBS_PANEL (self), NULL);
  return self->config;
}

/* The spin button or switch that edits a knob, or NULL. */
GtkWidget *
s3dlio_inspector_knobs_panel_get_editor (S3dlioInspectorKnobsPanel *self,
                                         const char                *property)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_KNOBS_PANEL (self), NULL);
  return g_hash_table_lookup (self->editors, property);
}
