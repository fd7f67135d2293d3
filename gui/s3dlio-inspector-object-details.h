/* s3dlio-inspector-object-details.h: what the listing and a HEAD tell of an object
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_OBJECT_DETAILS (s3dlio_inspector_object_details_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorObjectDetails, s3dlio_inspector_object_details,
                      S3DLIO_INSPECTOR, OBJECT_DETAILS, GtkWidget)

void              s3dlio_inspector_object_details_set_store  (S3dlioInspectorObjectDetails *self,
                                                              S3dlioObjectStore            *store);
void              s3dlio_inspector_object_details_set_object (S3dlioInspectorObjectDetails *self,
                                                              S3dlioUri                    *uri,
                                                              S3dlioObjectInfo             *info);
S3dlioObjectInfo *s3dlio_inspector_object_details_get_object  (S3dlioInspectorObjectDetails *self);
gboolean          s3dlio_inspector_object_details_get_loading (S3dlioInspectorObjectDetails *self);
const char       *s3dlio_inspector_object_details_get_field   (S3dlioInspectorObjectDetails *self,
                                                               const char                   *title);
const char       *s3dlio_inspector_object_details_get_metadata_value (S3dlioInspectorObjectDetails *self,
                                                                      const char                   *name);

G_END_DECLS
