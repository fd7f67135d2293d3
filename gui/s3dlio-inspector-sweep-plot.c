/* s3dlio-inspector-sweep-plot.c: throughput against a knob
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One point per value of the knob, equally spaced (the values double from
 * one to the next), joined by a line, each labelled with its GB/s. The plot
 * draws its own title and background so that its PNG stands on its own.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "s3dlio-inspector-sweep-plot.h"
#include "s3dlio-inspector-utils.h"

#define PADDING 16
#define AXIS_LEFT 44
#define AXIS_BOTTOM 28

struct _S3dlioInspectorSweepPlot
{
  GtkWidget             parent_instance;

  S3dlioInspectorSweep *sweep;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorSweepPlot, s3dlio_inspector_sweep_plot, GTK_TYPE_WIDGET)

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Draws @text with its (x_align, y_align) point at (x, y); returns its height. */
static int
draw_text (GtkWidget     *widget,
           cairo_t       *cr,
           const char    *text,
           gboolean       bold,
           double         x,
           double         y,
           double         x_align,
           double         y_align,
           const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  int width, height;

  if (bold)
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      g_autofree char *markup = g_strdup_printf ("<b>%s</b>", escaped);

      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);

  pango_layout_get_pixel_size (layout, &width, &height);
  set_source (cr, color, 1);
  cairo_move_to (cr, round (x - width * x_align), round (y - height * y_align));
  pango_cairo_show_layout (cr, layout);
  return height;
}

static double
nice_step (double max)
{
  double raw = max / 4;
  double magnitude = pow (10, floor (log10 (raw)));
  static const double factors[] = { 1, 2, 2.5, 5, 10 };

  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    if (factors[i] * magnitude >= raw)
      return factors[i] * magnitude;
  return 10 * magnitude;
}

static char *
format_value (S3dlioInspectorSweep *sweep,
              guint64               value)
{
  if (g_str_equal (s3dlio_inspector_sweep_get_knob (sweep), "part-size"))
    return s3dlio_inspector_format_size (value);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static char *
make_title (S3dlioInspectorSweep *sweep)
{
  if (g_str_equal (s3dlio_inspector_sweep_get_knob (sweep), "part-size"))
    return g_strdup (_("Throughput by part size"));
  return g_strdup (_("Throughput by parts in flight"));
}

static const char *
make_axis_title (S3dlioInspectorSweep *sweep)
{
  if (g_str_equal (s3dlio_inspector_sweep_get_knob (sweep), "part-size"))
    return _("Part size");
  return _("Parts in flight");
}

static char *
make_subtitle (S3dlioInspectorSweep *sweep)
{
  g_autofree char *uri = s3dlio_uri_to_string (s3dlio_inspector_sweep_get_uri (sweep));
  g_autofree char *size = NULL;

  if (s3dlio_inspector_sweep_get_size (sweep) == 0)
    return g_steal_pointer (&uri);

  size = s3dlio_inspector_format_bytes (s3dlio_inspector_sweep_get_size (sweep));
  return g_strdup_printf ("%s · %s", uri, size);
}

static void
draw (S3dlioInspectorSweepPlot *self,
      GtkSnapshot              *snapshot,
      int                       width,
      int                       height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA background, foreground, line, dim;
  GskRoundedRect card;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  double top, plot_x, plot_y, plot_w, plot_h, max_gbps = 0, step;
  guint n_values, n_points;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (!s3dlio_inspector_lookup_color (widget, "view_bg_color", &background))
    gdk_rgba_parse (&background, "#ffffff");
  s3dlio_inspector_lookup_color (widget, "foreground", &foreground);
  if (!s3dlio_inspector_lookup_color (widget, "accent_color", &line))
    gdk_rgba_parse (&line, "#3584e4");
  dim = foreground;
  dim.alpha *= 0.6;

  gsk_rounded_rect_init_from_rect (&card, &GRAPHENE_RECT_INIT (0, 0, width, height), 12);
  gtk_snapshot_push_rounded_clip (snapshot, &card);
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_pop (snapshot);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->sweep == NULL)
    {
      draw_text (widget, cr, _("Choose a knob and a range, then start the sweep"), FALSE,
                 width / 2.0, height / 2.0, 0.5, 0.5, &dim);
      cairo_destroy (cr);
      return;
    }

  title = make_title (self->sweep);
  subtitle = make_subtitle (self->sweep);
  top = PADDING;
  top += draw_text (widget, cr, title, TRUE, PADDING, top, 0, 0, &foreground);
  top += draw_text (widget, cr, subtitle, FALSE, PADDING, top + 2, 0, 0, &dim) + 14;

  n_values = s3dlio_inspector_sweep_get_n_values (self->sweep);
  n_points = s3dlio_inspector_sweep_get_n_points (self->sweep);
  for (guint i = 0; i < n_points; i++)
    max_gbps = MAX (max_gbps, s3dlio_inspector_sweep_get_point (self->sweep, i)->gbps);
  max_gbps = MAX (max_gbps * 1.2, 0.1);
  step = nice_step (max_gbps);
  max_gbps = ceil (max_gbps / step - 1e-9) * step;

  plot_x = PADDING + AXIS_LEFT;
  plot_y = top + 26;
  plot_w = width - plot_x - PADDING - 12;
  plot_h = height - plot_y - PADDING - AXIS_BOTTOM - 18;
  if (plot_w < 40 || plot_h < 40)
    {
      cairo_destroy (cr);
      return;
    }

  /* The GB/s grid. */
  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= max_gbps + step / 2; v += step)
    {
      double y = round (plot_y + plot_h - v / max_gbps * plot_h) + 0.5;
      g_autofree char *label = g_strdup_printf ("%.*f", step >= 1 ? 0 : (step >= 0.1 && fmod (step * 10, 1) < 1e-6 ? 1 : 2), v);

      set_source (cr, &foreground, v == 0 ? 0.35 : 0.1);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);
      draw_text (widget, cr, label, FALSE, plot_x - 8, y, 1, 0.5, &dim);
    }
  draw_text (widget, cr, _("GB/s"), FALSE, PADDING, plot_y - 18, 0, 0.5, &dim);
  draw_text (widget, cr, make_axis_title (self->sweep), FALSE,
             plot_x + plot_w / 2, plot_y + plot_h + AXIS_BOTTOM, 0.5, 0, &dim);

  /* The knob's values across, and the points measured so far. */
  for (guint i = 0; i < n_values; i++)
    {
      double x = plot_x + (n_values == 1 ? plot_w / 2 : (i + 0.5) * plot_w / n_values);
      g_autofree char *label = format_value (self->sweep, s3dlio_inspector_sweep_get_value (self->sweep, i));

      draw_text (widget, cr, label, FALSE, x, plot_y + plot_h + 6, 0.5, 0, &dim);
    }

  if (n_points > 0)
    {
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 2.5);
      set_source (cr, &line, 1);
      for (guint i = 0; i < n_points; i++)
        {
          double x = plot_x + (n_values == 1 ? plot_w / 2 : (i + 0.5) * plot_w / n_values);
          double y = plot_y + plot_h - s3dlio_inspector_sweep_get_point (self->sweep, i)->gbps / max_gbps * plot_h;

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);

      for (guint i = 0; i < n_points; i++)
        {
          const S3dlioInspectorSweepPoint *point = s3dlio_inspector_sweep_get_point (self->sweep, i);
          double x = plot_x + (n_values == 1 ? plot_w / 2 : (i + 0.5) * plot_w / n_values);
          double y = plot_y + plot_h - point->gbps / max_gbps * plot_h;
          g_autofree char *label = g_strdup_printf ("%.2f", point->gbps);

          set_source (cr, &background, 1);
          cairo_arc (cr, x, y, 6, 0, 2 * G_PI);
          cairo_fill (cr);
          set_source (cr, &line, 1);
          cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
          cairo_fill (cr);
          draw_text (widget, cr, label, TRUE, x, y - 10, 0.5, 1, &foreground);
        }
    }

  cairo_destroy (cr);
}

static void
s3dlio_inspector_sweep_plot_snapshot (GtkWidget   *widget,
                                      GtkSnapshot *snapshot)
{
  draw (S3DLIO_INSPECTOR_SWEEP_PLOT (widget), snapshot,
        gtk_widget_get_width (widget), gtk_widget_get_height (widget));
}

static void
s3dlio_inspector_sweep_plot_measure (GtkWidget      *widget,
                                     GtkOrientation  orientation,
                                     int             for_size,
                                     int            *minimum,
                                     int            *natural,
                                     int            *minimum_baseline,
                                     int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400;
}

static void
update_description (S3dlioInspectorSweepPlot *self)
{
  g_autoptr(GString) description = g_string_new (NULL);
  guint n = self->sweep ? s3dlio_inspector_sweep_get_n_points (self->sweep) : 0;

  for (guint i = 0; i < n; i++)
    {
      const S3dlioInspectorSweepPoint *point = s3dlio_inspector_sweep_get_point (self->sweep, i);
      g_autofree char *value = format_value (self->sweep, point->value);

      /* Translators: one point of the sweep: the knob's value and GB/s */
      g_string_append_printf (description, _("%s: %.2f GB/s"), value, point->gbps);
      if (i + 1 < n)
        g_string_append (description, "; ");
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

static void
sweep_changed_cb (S3dlioInspectorSweepPlot *self)
{
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
s3dlio_inspector_sweep_plot_dispose (GObject *object)
{
  S3dlioInspectorSweepPlot *self = (S3dlioInspectorSweepPlot *) object;

  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_clear_object (&self->sweep);

  G_OBJECT_CLASS (s3dlio_inspector_sweep_plot_parent_class)->dispose (object);
}

static void
s3dlio_inspector_sweep_plot_class_init (S3dlioInspectorSweepPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = s3dlio_inspector_sweep_plot_dispose;

  widget_class->snapshot = s3dlio_inspector_sweep_plot_snapshot;
  widget_class->measure = s3dlio_inspector_sweep_plot_measure;

  gtk_widget_class_set_css_name (widget_class, "sweepplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
s3dlio_inspector_sweep_plot_init (S3dlioInspectorSweepPlot *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sweep plot"),
                                  -1);
}

GtkWidget *
s3dlio_inspector_sweep_plot_new (void)
{
  return g_object_new (S3DLIO_INSPECTOR_TYPE_SWEEP_PLOT, NULL);
}

void
s3dlio_inspector_sweep_plot_set_sweep (S3dlioInspectorSweepPlot *self,
                                       S3dlioInspectorSweep     *sweep)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_PLOT (self));
  g_return_if_fail (sweep == NULL || S3DLIO_INSPECTOR_IS_SWEEP (sweep));

  if (self->sweep == sweep)
    return;

  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_set_object (&self->sweep, sweep);
  if (sweep != NULL)
    g_signal_connect_swapped (sweep, "point-added", G_CALLBACK (sweep_changed_cb), self);

  sweep_changed_cb (self);
}

/**
 * s3dlio_inspector_sweep_plot_save_png:
 * @self: a plot, in a window that is shown
 * @path: where to write the image
 * @width: the width of the image
 * @height: the height of the image
 * @error: return location for a #GError
 *
 * Draws the plot anew at the given size (not the size on screen) into a
 * PNG file.
 *
 * Returns: whether the image was written
 */
gboolean
s3dlio_inspector_sweep_plot_save_png (S3dlioInspectorSweepPlot  *self,
                                      const char                *path,
                                      int                        width,
                                      int                        height,
                                      GError                   **error)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkNative *native;
  GtkSnapshot *snapshot;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_PLOT (self), FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  native = gtk_widget_get_native (GTK_WIDGET (self));
  if (native == NULL || !gtk_widget_get_realized (GTK_WIDGET (native)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The plot is not shown, so it cannot be drawn"));
      return FALSE;
    }

  snapshot = gtk_snapshot_new ();
  draw (self, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_autofree char *display_name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the image “%s”"), display_name);
      return FALSE;
    }
  return TRUE;
}

S3dlioInspectorSweep *
s3dlio_inspector_sweep_plot_get_sweep (S3dlioInspectorSweepPlot *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP_PLOT (self), NULL);
  return self->sweep;
}
