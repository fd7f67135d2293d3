/* s3dlio-inspector-window.h: the inspector's main window
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <adwaita.h>
#include <s3dlio.h>

#include "s3dlio-inspector-application.h"
#include "s3dlio-inspector-browser.h"
#include "s3dlio-inspector-connection.h"
#include "s3dlio-inspector-knobs-panel.h"
#include "s3dlio-inspector-object-details.h"
#include "s3dlio-inspector-transfer-panel.h"

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_WINDOW (s3dlio_inspector_window_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorWindow, s3dlio_inspector_window,
                      S3DLIO_INSPECTOR, WINDOW, AdwApplicationWindow)

S3dlioInspectorWindow        *s3dlio_inspector_window_new                  (S3dlioInspectorApplication *application);
void                          s3dlio_inspector_window_set_connection       (S3dlioInspectorWindow      *self,
                                                                            S3dlioInspectorConnection  *connection);
S3dlioInspectorConnection    *s3dlio_inspector_window_get_connection       (S3dlioInspectorWindow      *self);
void                          s3dlio_inspector_window_connect_demo         (S3dlioInspectorWindow      *self,
                                                                            S3dlioInspectorDemoSize     size,
                                                                            guint                       page_size);
void                          s3dlio_inspector_window_fetch                (S3dlioInspectorWindow      *self,
                                                                            const char                 *path);
gboolean                      s3dlio_inspector_window_get_busy             (S3dlioInspectorWindow      *self);
void                          s3dlio_inspector_window_set_progress_interval (S3dlioInspectorWindow     *self,
                                                                            guint                       interval_ms);
S3dlioInspectorBrowser       *s3dlio_inspector_window_get_browser          (S3dlioInspectorWindow      *self);
S3dlioInspectorObjectDetails *s3dlio_inspector_window_get_details          (S3dlioInspectorWindow      *self);
S3dlioInspectorTransferPanel *s3dlio_inspector_window_get_transfer_panel   (S3dlioInspectorWindow      *self);
S3dlioInspectorKnobsPanel    *s3dlio_inspector_window_get_knobs_panel      (S3dlioInspectorWindow      *self);
GtkFileChooserNative         *s3dlio_inspector_window_get_save_chooser     (S3dlioInspectorWindow      *self);

G_END_DECLS
