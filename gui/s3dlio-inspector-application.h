/* s3dlio-inspector-application.h: the inspector application
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <adwaita.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_APPLICATION (s3dlio_inspector_application_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorApplication, s3dlio_inspector_application,
                      S3DLIO_INSPECTOR, APPLICATION, AdwApplication)

S3dlioInspectorApplication *s3dlio_inspector_application_new          (GApplicationFlags           flags);
S3dlioConfig               *s3dlio_inspector_application_get_config   (S3dlioInspectorApplication *self);
GSettings                  *s3dlio_inspector_application_get_settings (S3dlioInspectorApplication *self);

G_END_DECLS
