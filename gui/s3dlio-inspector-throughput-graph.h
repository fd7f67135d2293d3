/* s3dlio-inspector-throughput-graph.h: throughput over time
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_THROUGHPUT_GRAPH (s3dlio_inspector_throughput_graph_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorThroughputGraph, s3dlio_inspector_throughput_graph,
                      S3DLIO_INSPECTOR, THROUGHPUT_GRAPH, GtkWidget)

GtkWidget *s3dlio_inspector_throughput_graph_new           (void);
void       s3dlio_inspector_throughput_graph_clear         (S3dlioInspectorThroughputGraph *self);
void       s3dlio_inspector_throughput_graph_add_sample    (S3dlioInspectorThroughputGraph *self,
                                                            double                          seconds,
                                                            double                          bytes_per_second);
guint      s3dlio_inspector_throughput_graph_get_n_samples (S3dlioInspectorThroughputGraph *self);
double     s3dlio_inspector_throughput_graph_get_peak      (S3dlioInspectorThroughputGraph *self);
void       s3dlio_inspector_throughput_graph_set_average   (S3dlioInspectorThroughputGraph *self,
                                                            double                          bytes_per_second);

G_END_DECLS
