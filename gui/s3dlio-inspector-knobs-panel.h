/* s3dlio-inspector-knobs-panel.h: the tuning knobs of S3dlioConfig
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_KNOBS_PANEL (s3dlio_inspector_knobs_panel_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorKnobsPanel, s3dlio_inspector_knobs_panel,
                      S3DLIO_INSPECTOR, KNOBS_PANEL, GtkWidget)

void          s3dlio_inspector_knobs_panel_set_config   (S3dlioInspectorKnobsPanel *self,
                                                         S3dlioConfig              *config,
                                                         GSettings                 *settings);
S3dlioConfig *s3dlio_inspector_knobs_panel_get_config   (S3dlioInspectorKnobsPanel *self);
GtkWidget    *s3dlio_inspector_knobs_panel_get_editor   (S3dlioInspectorKnobsPanel *self,
                                                         const char                *property);

G_END_DECLS
