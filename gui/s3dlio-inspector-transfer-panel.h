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

void                            s3dlio_inspector_transfer_panel_set_transfer (S3dlioInspectorTransferPanel *self,
                                                                              S3dlioTransfer               *transfer,
                                                                              const char                   *title);
S3dlioTransfer                 *s3dlio_inspector_transfer_panel_get_transfer (S3dlioInspectorTransferPanel *self);
void                            s3dlio_inspector_transfer_panel_finish       (S3dlioInspectorTransferPanel *self,
                                                                              const GError                 *error);
S3dlioInspectorThroughputGraph *s3dlio_inspector_transfer_panel_get_graph    (S3dlioInspectorTransferPanel *self);
S3dlioInspectorTransferMap     *s3dlio_inspector_transfer_panel_get_map      (S3dlioInspectorTransferPanel *self);

G_END_DECLS
