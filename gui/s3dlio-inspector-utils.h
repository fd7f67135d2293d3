/* s3dlio-inspector-utils.h: formatting and rendering shared by the widgets
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_MIB (G_GUINT64_CONSTANT (1) << 20)
#define S3DLIO_INSPECTOR_GIB (G_GUINT64_CONSTANT (1) << 30)

char       *s3dlio_inspector_format_size      (guint64      bytes);
char       *s3dlio_inspector_format_bytes     (guint64      bytes);
char       *s3dlio_inspector_format_rate      (double       bytes_per_second);
char       *s3dlio_inspector_format_seconds   (double       seconds);
char       *s3dlio_inspector_format_date_time (GDateTime   *date_time);
char       *s3dlio_inspector_format_etag      (const char  *etag);

gboolean    s3dlio_inspector_set_str          (char       **str_pointer,
                                               const char  *new_str);

gboolean    s3dlio_inspector_lookup_color     (GtkWidget   *widget,
                                               const char  *name,
                                               GdkRGBA     *color);

GdkTexture *s3dlio_inspector_render_widget    (GtkWidget   *widget);
gboolean    s3dlio_inspector_save_widget_png  (GtkWidget   *widget,
                                               const char  *path,
                                               GError     **error);

G_END_DECLS
