/* s3dlio-inspector-transfer-panel.h: a transfer's graph, totals and map
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>
#include <s3dlio.h>

#include "s3dlio-inspector-throughput-graph.h"
#include "s3dlio-inspector-transfer-map.h"

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_TRANSFER_PANEL (s3dlio_inspector_transfer_panel_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorTransferPanel, s3dlio_inspector_transfer_panel,
                      S3DLIO_INSPECTOR, TRANSFER_PANEL, GtkWidget)

/* The totals beside the graph. */
typedef enum {
  S3DLIO_INSPECTOR_TOTAL_BYTES,
  S3DLIO_INSPECTOR_TOTAL_ELAPSED,
  S3DLIO_INSPECTOR_TOTAL_AVERAGE,
  S3DLIO_INSPECTOR_TOTAL_PEAK,
  S3DLIO_INSPECTOR_TOTAL_REQUESTS,
  S3DLIO_INSPECTOR_TOTAL_RETRIES,
  S3DLIO_INSPECTOR_TOTAL_PARTS,
} S3dlioInspectorTotal;

void                            s3dlio_inspector_transfer_panel_set_transfer (S3dlioInspectorTransferPanel *self,
                                                                              S3dlioTransfer               *transfer,
                                                                              const char                   *title);
S3dlioTransfer                 *s3dlio_inspector_transfer_panel_get_transfer (S3dlioInspectorTransferPanel *self);
void                            s3dlio_inspector_transfer_panel_finish       (S3dlioInspectorTransferPanel *self,
                                                                              const GError                 *error);
S3dlioInspectorThroughputGraph *s3dlio_inspector_transfer_panel_get_graph    (S3dlioInspectorTransferPanel *self);
S3dlioInspectorTransferMap     *s3dlio_inspector_transfer_panel_get_map      (S3dlioInspectorTransferPanel *self);
const char                     *s3dlio_inspector_transfer_panel_get_total    (S3dlioInspectorTransferPanel *self,
                                                                              S3dlioInspectorTotal          total);

G_END_DECLS
