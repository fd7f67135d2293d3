/* s3dlio-inspector-connect-dialog.h: where to connect, and as whom
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <adwaita.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG (s3dlio_inspector_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorConnectDialog, s3dlio_inspector_connect_dialog,
                      S3DLIO_INSPECTOR, CONNECT_DIALOG, AdwWindow)

S3dlioInspectorConnectDialog *s3dlio_inspector_connect_dialog_new (GtkWindow    *parent,
                                                                   GSettings    *settings,
                                                                   S3dlioConfig *config);

G_END_DECLS
