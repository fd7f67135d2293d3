/* s3dlio-inspector-browser.h: buckets, folders and objects
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>
#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_TYPE_BROWSER (s3dlio_inspector_browser_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorBrowser, s3dlio_inspector_browser,
                      S3DLIO_INSPECTOR, BROWSER, GtkWidget)

void              s3dlio_inspector_browser_set_client        (S3dlioInspectorBrowser *self,
                                                              S3dlioClient           *client,
                                                              const char             *bucket);
void              s3dlio_inspector_browser_open              (S3dlioInspectorBrowser *self,
                                                              const char             *bucket,
                                                              const char             *prefix);
const char       *s3dlio_inspector_browser_get_bucket        (S3dlioInspectorBrowser *self);
const char       *s3dlio_inspector_browser_get_prefix        (S3dlioInspectorBrowser *self);
void              s3dlio_inspector_browser_go_up             (S3dlioInspectorBrowser *self);
void              s3dlio_inspector_browser_reload            (S3dlioInspectorBrowser *self);
void              s3dlio_inspector_browser_focus_filter      (S3dlioInspectorBrowser *self);
GListModel       *s3dlio_inspector_browser_get_list          (S3dlioInspectorBrowser *self);
GListModel       *s3dlio_inspector_browser_get_model         (S3dlioInspectorBrowser *self);
GListModel       *s3dlio_inspector_browser_get_buckets       (S3dlioInspectorBrowser *self);
GtkColumnView    *s3dlio_inspector_browser_get_column_view   (S3dlioInspectorBrowser *self);
S3dlioObjectInfo *s3dlio_inspector_browser_get_selected_item (S3dlioInspectorBrowser *self);
S3dlioUri        *s3dlio_inspector_browser_dup_selected_uri  (S3dlioInspectorBrowser *self);
gboolean          s3dlio_inspector_browser_select_key        (S3dlioInspectorBrowser *self,
                                                              const char             *key);
void              s3dlio_inspector_browser_set_filter        (S3dlioInspectorBrowser *self,
                                                              const char             *text);

G_END_DECLS
