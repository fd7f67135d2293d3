/* s3dlio-inspector-sweep-plot.h: throughput against a knob
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>

#include "s3dlio-inspector-sweep.h"

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_SWEEP_PLOT (s3dlio_inspector_sweep_plot_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorSweepPlot, s3dlio_inspector_sweep_plot,
                      S3DLIO_INSPECTOR, SWEEP_PLOT, GtkWidget)

GtkWidget            *s3dlio_inspector_sweep_plot_new       (void);
void                  s3dlio_inspector_sweep_plot_set_sweep (S3dlioInspectorSweepPlot *self,
                                                             S3dlioInspectorSweep     *sweep);
S3dlioInspectorSweep *s3dlio_inspector_sweep_plot_get_sweep (S3dlioInspectorSweepPlot *self);
gboolean              s3dlio_inspector_sweep_plot_save_png  (S3dlioInspectorSweepPlot *self,
                                                             const char               *path,
                                                             int                       width,
                                                             int                       height,
                                                             GError                  **error);

G_END_DECLS
