/* s3dlio-inspector-sweep-dialog.h: run, plot and export a sweep
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <adwaita.h>
#include <s3dlio.h>

#include "s3dlio-inspector-sweep.h"

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_SWEEP_DIALOG (s3dlio_inspector_sweep_dialog_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorSweepDialog, s3dlio_inspector_sweep_dialog,
                      S3DLIO_INSPECTOR, SWEEP_DIALOG, AdwWindow)

S3dlioInspectorSweepDialog *s3dlio_inspector_sweep_dialog_new         (GtkWindow                  *parent,
                                                                       S3dlioClient               *client,
                                                                       S3dlioUri                  *uri,
                                                                       GSettings                  *settings);
void                        s3dlio_inspector_sweep_dialog_set_range   (S3dlioInspectorSweepDialog *self,
                                                                       const char                 *knob,
                                                                       guint                       from,
                                                                       guint                       to);
void                        s3dlio_inspector_sweep_dialog_start       (S3dlioInspectorSweepDialog *self);
S3dlioInspectorSweep       *s3dlio_inspector_sweep_dialog_get_sweep   (S3dlioInspectorSweepDialog *self);
gboolean                    s3dlio_inspector_sweep_dialog_export_json (S3dlioInspectorSweepDialog *self,
                                                                       GFile                      *file,
                                                                       GError                    **error);
gboolean                    s3dlio_inspector_sweep_dialog_export_png  (S3dlioInspectorSweepDialog *self,
                                                                       GFile                      *file,
                                                                       GError                    **error);

G_END_DECLS
