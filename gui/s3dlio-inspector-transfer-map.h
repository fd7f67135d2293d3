/* s3dlio-inspector-transfer-map.h: the state of every part of a transfer
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_TRANSFER_MAP (s3dlio_inspector_transfer_map_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorTransferMap, s3dlio_inspector_transfer_map,
                      S3DLIO_INSPECTOR, TRANSFER_MAP, GtkWidget)

GtkWidget *s3dlio_inspector_transfer_map_new         (void);
void       s3dlio_inspector_transfer_map_clear       (S3dlioInspectorTransferMap *self);
void       s3dlio_inspector_transfer_map_set_states  (S3dlioInspectorTransferMap *self,
                                                      GBytes                     *states,
                                                      GBytes                     *retried);
guint      s3dlio_inspector_transfer_map_get_n_parts (S3dlioInspectorTransferMap *self);
guint      s3dlio_inspector_transfer_map_count       (S3dlioInspectorTransferMap *self,
                                                      S3dlioPartState             state);
guint      s3dlio_inspector_transfer_map_get_n_retried (S3dlioInspectorTransferMap *self);
gboolean   s3dlio_inspector_transfer_map_get_retried   (S3dlioInspectorTransferMap *self,
                                                        guint                       index);

G_END_DECLS
