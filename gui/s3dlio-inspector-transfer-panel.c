/* s3dlio-inspector-transfer-panel.c: a transfer's graph, totals and map
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Follows one S3dlioTransfer through its progress reports: each report adds
 * a sample to the graph (bytes since the last report over the time since),
 * refreshes the totals and redraws the map. When the transfer ends the
 * panel keeps what it shows but lets go of the transfer, and so of the
 * downloaded bytes.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-transfer-panel.h"
#include "s3dlio-inspector-utils.h"

struct _S3dlioInspectorTransferPanel
{
  GtkWidget                       parent_instance;

  S3dlioTransfer                 *transfer;
  double                          last_elapsed;
  guint64                         last_bytes;

  /* Template widgets */
  GtkLabel                       *title_label;
  GtkLabel                       *state_label;
  GtkProgressBar                 *progress_bar;
  S3dlioInspectorThroughputGraph *graph;
  S3dlioInspectorTransferMap     *map;
  GtkLabel                       *bytes_label;
  GtkLabel                       *elapsed_label;
  GtkLabel                       *average_label;
  GtkLabel                       *peak_label;
  GtkLabel                       *requests_label;
  GtkLabel                       *retries_label;
  GtkLabel                       *parts_label;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorTransferPanel, s3dlio_inspector_transfer_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TRANSFER,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_label_printf (GtkLabel   *label,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
set_label_printf (GtkLabel   *label,
                  const char *format,
                  ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_label (label, text);
}

static const char *
describe_state (S3dlioTransferState state)
{
  switch (state)
    {
    case S3DLIO_TRANSFER_STATE_PENDING:
      return C_("transfer state", "Starting");
    case S3DLIO_TRANSFER_STATE_RUNNING:
      return C_("transfer state", "Running");
    case S3DLIO_TRANSFER_STATE_DONE:
      return C_("transfer state", "Done");
    case S3DLIO_TRANSFER_STATE_FAILED:
      return C_("transfer state", "Failed");
    case S3DLIO_TRANSFER_STATE_CANCELLED:
      return C_("transfer state", "Cancelled");
    default:
      return "";
    }
}

static void
reset_totals (S3dlioInspectorTransferPanel *self)
{
  GtkLabel *labels[] = {
    self->bytes_label, self->elapsed_label, self->average_label, self->peak_label,
    self->requests_label, self->retries_label, self->parts_label,
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_label_set_label (labels[i], "—");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
}

static void
update (S3dlioInspectorTransferPanel *self)
{
  S3dlioTransfer *transfer = self->transfer;
  guint64 bytes = s3dlio_transfer_get_bytes_done (transfer);
  guint64 total = s3dlio_transfer_get_total_size (transfer);
  guint64 length = s3dlio_transfer_get_length (transfer);
  double elapsed = s3dlio_transfer_get_elapsed (transfer);
  g_autoptr(GBytes) states = s3dlio_transfer_get_part_states (transfer);
  g_autoptr(GBytes) retried = s3dlio_transfer_get_retried_parts (transfer);
  g_autofree char *bytes_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *elapsed_text = s3dlio_inspector_format_seconds (elapsed);
  g_autofree char *average_text = NULL;
  g_autofree char *peak_text = NULL;

  if (length == 0)
    length = total;
  /* The bytes of an attempt that failed are counted again when the part is
   * retried: the graph shows what the network carried, the totals what
   * the object holds. */
  bytes_text = s3dlio_inspector_format_bytes (length > 0 ? MIN (bytes, length) : bytes);

  if (elapsed > self->last_elapsed && bytes >= self->last_bytes)
    {
      s3dlio_inspector_throughput_graph_add_sample (self->graph, elapsed,
                                                    (bytes - self->last_bytes) / (elapsed - self->last_elapsed));
      self->last_elapsed = elapsed;
      self->last_bytes = bytes;
    }
  s3dlio_inspector_throughput_graph_set_average (self->graph, s3dlio_transfer_get_average_throughput (transfer));
  s3dlio_inspector_transfer_map_set_states (self->map, states, retried);

  average_text = s3dlio_inspector_format_rate (s3dlio_transfer_get_average_throughput (transfer));
  peak_text = s3dlio_inspector_format_rate (s3dlio_inspector_throughput_graph_get_peak (self->graph));

  if (length > 0)
    {
      total_text = s3dlio_inspector_format_bytes (length);
      /* Translators: bytes done of the total, such as "32 MB of 64 MB" */
      set_label_printf (self->bytes_label, _("%s of %s"), bytes_text, total_text);
      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) bytes / length));
    }
  else
    gtk_label_set_label (self->bytes_label, bytes_text);

  gtk_label_set_label (self->elapsed_label, elapsed_text);
  gtk_label_set_label (self->average_label, average_text);
  gtk_label_set_label (self->peak_label, peak_text);
  set_label_printf (self->requests_label, "%u", s3dlio_transfer_get_requests (transfer));
  set_label_printf (self->retries_label, "%u", s3dlio_transfer_get_retries (transfer));
  /* Translators: parts done of all parts, and how many are in flight */
  set_label_printf (self->parts_label, _("%u of %u, %u in flight"),
                    s3dlio_transfer_get_parts_done (transfer),
                    s3dlio_transfer_get_n_parts (transfer),
                    s3dlio_transfer_get_parts_in_flight (transfer));
  gtk_label_set_label (self->state_label, describe_state (s3dlio_transfer_get_state (transfer)));

  g_signal_emit (self, signals[UPDATED], 0, transfer);
}

static void
progress_cb (S3dlioTransfer               *transfer,
             S3dlioInspectorTransferPanel *self)
{
  update (self);
}

static void
state_cb (S3dlioTransfer               *transfer,
          GParamSpec                   *pspec,
          S3dlioInspectorTransferPanel *self)
{
  switch (s3dlio_transfer_get_state (transfer))
    {
    case S3DLIO_TRANSFER_STATE_DONE:
    case S3DLIO_TRANSFER_STATE_FAILED:
    case S3DLIO_TRANSFER_STATE_CANCELLED:
      s3dlio_inspector_transfer_panel_finish (self, NULL);
      break;
    case S3DLIO_TRANSFER_STATE_PENDING:
    case S3DLIO_TRANSFER_STATE_RUNNING:
    default:
      gtk_label_set_label (self->state_label, describe_state (s3dlio_transfer_get_state (transfer)));
      break;
    }
}

static void
release_transfer (S3dlioInspectorTransferPanel *self)
{
  if (self->transfer == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_clear_object (&self->transfer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER]);
}

static void
s3dlio_inspector_transfer_panel_dispose (GObject *object)
{
  S3dlioInspectorTransferPanel *self = (S3dlioInspectorTransferPanel *) object;

  if (self->transfer != NULL)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_clear_object (&self->transfer);
  gtk_widget_dispose_template (GTK_WIDGET (self), S3DLIO_INSPECTOR_TYPE_TRANSFER_PANEL);

  G_OBJECT_CLASS (s3dlio_inspector_transfer_panel_parent_class)->dispose (object);
}

static void
s3dlio_inspector_transfer_panel_get_property (GObject    *object,
                                              guint       prop_id,
                                              GValue     *value,
                                              GParamSpec *pspec)
{
  S3dlioInspectorTransferPanel *self = S3DLIO_INSPECTOR_TRANSFER_PANEL (object);

  switch (prop_id)
    {
    case PROP_TRANSFER:
      g_value_set_object (value, self->transfer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_transfer_panel_class_init (S3dlioInspectorTransferPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_transfer_panel_dispose;
  object_class->get_property = s3dlio_inspector_transfer_panel_get_property;

  /**
   * S3dlioInspectorTransferPanel:transfer:
   *
   * The transfer followed, until it ends.
   */
  properties[PROP_TRANSFER] =
    g_param_spec_object ("transfer", NULL, NULL, S3DLIO_TYPE_TRANSFER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioInspectorTransferPanel::updated:
   * @self: the panel
   * @transfer: the transfer
   *
   * Emitted after the panel showed a progress report.
   */
  signals[UPDATED] =
    g_signal_new ("updated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, S3DLIO_TYPE_TRANSFER);

  g_type_ensure (S3DLIO_INSPECTOR_TYPE_THROUGHPUT_GRAPH);
  g_type_ensure (S3DLIO_INSPECTOR_TYPE_TRANSFER_MAP);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/s3dlio/Inspector/s3dlio-inspector-transfer-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, graph);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, map);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, bytes_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, average_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, peak_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, requests_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, retries_label);
  gtk_widget_class_bind_template_child (widget_class, S3dlioInspectorTransferPanel, parts_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "transferpanel");
}

static void
s3dlio_inspector_transfer_panel_init (S3dlioInspectorTransferPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  reset_totals (self);
}

/**
 * s3dlio_inspector_transfer_panel_set_transfer:
 * @self: a panel
 * @transfer: (nullable): a transfer that has not started, or %NULL
 * @title: (nullable): what the transfer is, such as its URI
 *
 * Clears the panel and follows @transfer.
 */
void
s3dlio_inspector_transfer_panel_set_transfer (S3dlioInspectorTransferPanel *self,
                                              S3dlioTransfer               *transfer,
                                              const char                   *title)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self));
  g_return_if_fail (transfer == NULL || S3DLIO_IS_TRANSFER (transfer));

  release_transfer (self);

  s3dlio_inspector_throughput_graph_clear (self->graph);
  s3dlio_inspector_transfer_map_clear (self->map);
  reset_totals (self);
  self->last_elapsed = 0;
  self->last_bytes = 0;
  gtk_label_set_label (self->title_label, title ? title : _("Transfer"));
  gtk_label_set_label (self->state_label, "");

  if (transfer == NULL)
    return;

  self->transfer = g_object_ref (transfer);
  g_signal_connect (transfer, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect (transfer, "notify::state", G_CALLBACK (state_cb), self);
  gtk_label_set_label (self->state_label, describe_state (s3dlio_transfer_get_state (transfer)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER]);
}

S3dlioTransfer *
s3dlio_inspector_transfer_panel_get_transfer (S3dlioInspectorTransferPanel *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self), NULL);
  return self->transfer;
}

/**
 * s3dlio_inspector_transfer_panel_finish:
 * @self: a panel
 * @error: (nullable): why the transfer ended early, or %NULL
 *
 * Shows the transfer as it ended and lets go of it. Called when the
 * transfer reports its end, or at once when it is cancelled.
 */
void
s3dlio_inspector_transfer_panel_finish (S3dlioInspectorTransferPanel *self,
                                        const GError                 *error)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self));

  if (self->transfer == NULL)
    return;

  update (self);
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_label (self->state_label, describe_state (S3DLIO_TRANSFER_STATE_CANCELLED));
  else if (error != NULL)
    gtk_label_set_label (self->state_label, describe_state (S3DLIO_TRANSFER_STATE_FAILED));
  release_transfer (self);
}

S3dlioInspectorThroughputGraph *
s3dlio_inspector_transfer_panel_get_graph (S3dlioInspectorTransferPanel *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self), NULL);
  return self->graph;
}

S3dlioInspectorTransferMap *
s3dlio_inspector_transfer_panel_get_map (S3dlioInspectorTransferPanel *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self), NULL);
  return self->map;
}

/**
 * s3dlio_inspector_transfer_panel_get_total:
 * @self: a panel
 * @total: which total
 *
 * Returns: the text the panel shows for @total, "—" before the first report
 */
const char *
s3dlio_inspector_transfer_panel_get_total (S3dlioInspectorTransferPanel *self,
                                           S3dlioInspectorTotal          total)
{
  GtkLabel *label = NULL;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_PANEL (self), NULL);

  switch (total)
    {
    case S3DLIO_INSPECTOR_TOTAL_BYTES:
      label = self->bytes_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_ELAPSED:
      label = self->elapsed_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_AVERAGE:
      label = self->average_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_PEAK:
      label = self->peak_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_REQUESTS:
      label = self->requests_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_RETRIES:
      label = self->retries_label;
      break;
    case S3DLIO_INSPECTOR_TOTAL_PARTS:
      label = self->parts_label;
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  return gtk_label_get_label (label);
}
