/* s3dlio-inspector-throughput-graph.c: throughput over time
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A line of GB/s against seconds since the transfer started, one sample per
 * progress report, with the average as a dashed line. Colors come from the
 * style (libadwaita's named colors), so the graph follows the dark style.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "s3dlio-inspector-throughput-graph.h"
#include "s3dlio-inspector-utils.h"

#define MARGIN_TOP 26
#define MARGIN_RIGHT 16
#define MARGIN_BOTTOM 22
#define MARGIN_LEFT 44

typedef struct {
  double seconds;
  double bytes_per_second;
} Sample;

struct _S3dlioInspectorThroughputGraph
{
  GtkWidget  parent_instance;

  GArray    *samples;    /* Sample */
  double     peak;
  double     average;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorThroughputGraph, s3dlio_inspector_throughput_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_SAMPLES,
  PROP_PEAK,
  PROP_AVERAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A round step that cuts 0..max into at most max_ticks intervals. */
static double
nice_step (double max,
           guint  max_ticks)
{
  double raw = max / max_ticks;
  double magnitude = pow (10, floor (log10 (raw)));
  static const double factors[] = { 1, 2, 2.5, 5, 10 };

  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    if (factors[i] * magnitude >= raw)
      return factors[i] * magnitude;
  return 10 * magnitude;
}

/* Enough decimals to tell the ticks of a step apart: 0.25 needs 2. */
static int
decimals_for_step (double step)
{
  int decimals = 0;

  while (decimals < 3 && fabs (step * pow (10, decimals) - round (step * pow (10, decimals))) > 1e-6)
    decimals++;
  return decimals;
}

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_text (GtkWidget     *widget,
           cairo_t       *cr,
           const char    *text,
           double         x,
           double         y,
           double         x_align,
           double         y_align,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  set_source (cr, color, 1);
  cairo_move_to (cr, round (x - width * x_align), round (y - height * y_align));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_empty (S3dlioInspectorThroughputGraph *self,
            cairo_t                        *cr,
            int                             width,
            int                             height,
            const GdkRGBA                  *foreground)
{
  GdkRGBA dim = *foreground;

  dim.alpha *= 0.55;
  draw_text (GTK_WIDGET (self), cr, _("Fetch an object to see its throughput"),
             width / 2.0, height / 2.0, 0.5, 0.5, &dim);
}

static void
s3dlio_inspector_throughput_graph_snapshot (GtkWidget   *widget,
                                            GtkSnapshot *snapshot)
{
  S3dlioInspectorThroughputGraph *self = S3DLIO_INSPECTOR_THROUGHPUT_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double plot_w = width - MARGIN_LEFT - MARGIN_RIGHT;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  GdkRGBA foreground, line, fill, dim;
  double max_gbps, max_seconds, y_step, x_step;
  int y_decimals, x_decimals;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  s3dlio_inspector_lookup_color (widget, "foreground", &foreground);
  if (!s3dlio_inspector_lookup_color (widget, "accent_color", &line))
    gdk_rgba_parse (&line, "#3584e4");
  if (!s3dlio_inspector_lookup_color (widget, "accent_bg_color", &fill))
    fill = line;
  dim = foreground;
  dim.alpha *= 0.6;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->samples->len == 0 || plot_w < 20 || plot_h < 20)
    {
      draw_empty (self, cr, width, height, &foreground);
      cairo_destroy (cr);
      return;
    }

  /* Axes: GB/s up, seconds across, with round ticks. */
  max_gbps = MAX (MAX (self->peak, self->average) / 1e9 * 1.15, 0.01);
  y_step = nice_step (max_gbps, 4);
  max_gbps = ceil (max_gbps / y_step - 1e-9) * y_step;
  y_decimals = decimals_for_step (y_step);

  max_seconds = g_array_index (self->samples, Sample, self->samples->len - 1).seconds;
  max_seconds = MAX (max_seconds, 0.01);
  x_step = nice_step (max_seconds, MAX (2, (guint) (plot_w / 90)));
  max_seconds = ceil (max_seconds / x_step - 1e-9) * x_step;
  x_decimals = decimals_for_step (x_step);

  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= max_gbps + y_step / 2; v += y_step)
    {
      double y = round (MARGIN_TOP + plot_h - v / max_gbps * plot_h) + 0.5;
      g_autofree char *label = g_strdup_printf ("%.*f", v == 0 ? 0 : y_decimals, v);

      set_source (cr, &foreground, v == 0 ? 0.35 : 0.12);
      cairo_move_to (cr, MARGIN_LEFT, y);
      cairo_line_to (cr, MARGIN_LEFT + plot_w, y);
      cairo_stroke (cr);
      draw_text (widget, cr, label, MARGIN_LEFT - 6, y, 1, 0.5, &dim);
    }
  for (double t = 0; t <= max_seconds + x_step / 2; t += x_step)
    {
      double x = round (MARGIN_LEFT + t / max_seconds * plot_w) + 0.5;
      /* Translators: a time on the axis of the throughput graph */
      g_autofree char *label = g_strdup_printf (_("%.*f s"), t == 0 ? 0 : x_decimals, t);

      set_source (cr, &foreground, 0.08);
      cairo_move_to (cr, x, MARGIN_TOP);
      cairo_line_to (cr, x, MARGIN_TOP + plot_h);
      cairo_stroke (cr);
      draw_text (widget, cr, label, x, MARGIN_TOP + plot_h + 4,
                 t == 0 ? 0 : (t + x_step > max_seconds + x_step / 2 ? 1 : 0.5), 0, &dim);
    }
  draw_text (widget, cr, _("GB/s"), 4, 2, 0, 0, &dim);

  /* The line, from nothing at the start, and the area under it. */
  cairo_new_path (cr);
  cairo_move_to (cr, MARGIN_LEFT, MARGIN_TOP + plot_h);
  for (guint i = 0; i < self->samples->len; i++)
    {
      const Sample *sample = &g_array_index (self->samples, Sample, i);

      cairo_line_to (cr,
                     MARGIN_LEFT + sample->seconds / max_seconds * plot_w,
                     MARGIN_TOP + plot_h - sample->bytes_per_second / 1e9 / max_gbps * plot_h);
    }
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  {
    cairo_path_t *path = cairo_copy_path (cr);
    double last_x = MARGIN_LEFT + g_array_index (self->samples, Sample, self->samples->len - 1).seconds / max_seconds * plot_w;
    cairo_pattern_t *gradient = cairo_pattern_create_linear (0, MARGIN_TOP, 0, MARGIN_TOP + plot_h);

    cairo_line_to (cr, last_x, MARGIN_TOP + plot_h);
    cairo_close_path (cr);
    cairo_pattern_add_color_stop_rgba (gradient, 0, fill.red, fill.green, fill.blue, 0.45);
    cairo_pattern_add_color_stop_rgba (gradient, 1, fill.red, fill.green, fill.blue, 0.05);
    cairo_set_source (cr, gradient);
    cairo_fill (cr);
    cairo_pattern_destroy (gradient);

    cairo_new_path (cr);
    cairo_append_path (cr, path);
    set_source (cr, &line, 1);
    cairo_set_line_width (cr, 2.5);
    cairo_stroke (cr);
    cairo_path_destroy (path);
  }

  /* The average, dashed, with its value. */
  if (self->average > 0)
    {
      double y = round (MARGIN_TOP + plot_h - self->average / 1e9 / max_gbps * plot_h) + 0.5;
      g_autofree char *rate = s3dlio_inspector_format_rate (self->average);
      /* Translators: the label of the dashed line of the average throughput */
      g_autofree char *label = g_strdup_printf (_("average %s"), rate);
      static const double dashes[] = { 6, 4 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 1.5);
      set_source (cr, &foreground, 0.6);
      cairo_move_to (cr, MARGIN_LEFT, y);
      cairo_line_to (cr, MARGIN_LEFT + plot_w, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      /* On the left, where a transfer is still ramping up: the line is
       * below its average there. */
      draw_text (widget, cr, label, MARGIN_LEFT + 6, y - 3, 0, 1, &foreground);
    }

  cairo_destroy (cr);
}

static void
s3dlio_inspector_throughput_graph_measure (GtkWidget      *widget,
                                           GtkOrientation  orientation,
                                           int             for_size,
                                           int            *minimum,
                                           int            *natural,
                                           int            *minimum_baseline,
                                           int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 180;
    }
}

static void
update_description (S3dlioInspectorThroughputGraph *self)
{
  g_autofree char *peak = s3dlio_inspector_format_rate (self->peak);
  g_autofree char *average = s3dlio_inspector_format_rate (self->average);
  g_autofree char *description = NULL;

  if (self->samples->len == 0)
    description = g_strdup (_("No transfer yet"));
  else
    description = g_strdup_printf (_("Peak %s, average %s"), peak, average);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
s3dlio_inspector_throughput_graph_finalize (GObject *object)
{
  S3dlioInspectorThroughputGraph *self = (S3dlioInspectorThroughputGraph *) object;

  g_clear_pointer (&self->samples, g_array_unref);

  G_OBJECT_CLASS (s3dlio_inspector_throughput_graph_parent_class)->finalize (object);
}

static void
s3dlio_inspector_throughput_graph_get_property (GObject    *object,
                                                guint       prop_id,
                                                GValue     *value,
                                                GParamSpec *pspec)
{
  S3dlioInspectorThroughputGraph *self = S3DLIO_INSPECTOR_THROUGHPUT_GRAPH (object);

  switch (prop_id)
    {
    case PROP_N_SAMPLES:
      g_value_set_uint (value, self->samples->len);
      break;
    case PROP_PEAK:
      g_value_set_double (value, self->peak);
      break;
    case PROP_AVERAGE:
      g_value_set_double (value, self->average);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_throughput_graph_set_property (GObject      *object,
                                                guint         prop_id,
                                                const GValue *value,
                                                GParamSpec   *pspec)
{
  S3dlioInspectorThroughputGraph *self = S3DLIO_INSPECTOR_THROUGHPUT_GRAPH (object);

  switch (prop_id)
    {
    case PROP_AVERAGE:
      s3dlio_inspector_throughput_graph_set_average (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_throughput_graph_class_init (S3dlioInspectorThroughputGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = s3dlio_inspector_throughput_graph_finalize;
  object_class->get_property = s3dlio_inspector_throughput_graph_get_property;
  object_class->set_property = s3dlio_inspector_throughput_graph_set_property;

  widget_class->snapshot = s3dlio_inspector_throughput_graph_snapshot;
  widget_class->measure = s3dlio_inspector_throughput_graph_measure;

  properties[PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEAK] =
    g_param_spec_double ("peak", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVERAGE] =
    g_param_spec_double ("average", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "throughputgraph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
s3dlio_inspector_throughput_graph_init (S3dlioInspectorThroughputGraph *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Throughput graph"),
                                  -1);
  update_description (self);
}

GtkWidget *
s3dlio_inspector_throughput_graph_new (void)
{
  return g_object_new (S3DLIO_INSPECTOR_TYPE_THROUGHPUT_GRAPH, NULL);
}

void
s3dlio_inspector_throughput_graph_clear (S3dlioInspectorThroughputGraph *self)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_THROUGHPUT_GRAPH (self));

  g_array_set_size (self->samples, 0);
  self->peak = 0;
  self->average = 0;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEAK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVERAGE]);
}

void
s3dlio_inspector_throughput_graph_add_sample (S3dlioInspectorThroughputGraph *self,
                                              double                          seconds,
                                              double                          bytes_per_second)
{
  Sample sample = { seconds, MAX (bytes_per_second, 0) };

  g_return_if_fail (S3DLIO_INSPECTOR_IS_THROUGHPUT_GRAPH (self));

  /* Time only moves forward: a report at the same instant replaces the
   * last sample. */
  if (self->samples->len > 0 &&
      g_array_index (self->samples, Sample, self->samples->len - 1).seconds >= seconds)
    g_array_index (self->samples, Sample, self->samples->len - 1).bytes_per_second = sample.bytes_per_second;
  else
    {
      g_array_append_val (self->samples, sample);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
    }

  if (sample.bytes_per_second > self->peak)
    {
      self->peak = sample.bytes_per_second;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEAK]);
    }

  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
s3dlio_inspector_throughput_graph_get_n_samples (S3dlioInspectorThroughputGraph *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_THROUGHPUT_GRAPH (self), 0);
  return self->samples->len;
}

double
s3dlio_inspector_throughput_graph_get_peak (S3dlioInspectorThroughputGraph *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_THROUGHPUT_GRAPH (self), 0);
  return self->peak;
}

void
s3dlio_inspector_throughput_graph_set_average (S3dlioInspectorThroughputGraph *self,
                                               double                          bytes_per_second)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_THROUGHPUT_GRAPH (self));

  if (self->average == bytes_per_second)
    return;

  self->average = bytes_per_second;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVERAGE]);
}
