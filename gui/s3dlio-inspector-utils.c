/* s3dlio-inspector-utils.c: formatting and rendering shared by the widgets
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "s3dlio-inspector-utils.h"

/* Sizes the way the knobs are set: exact binary units when they fit
 * ("8 MiB", "512 KiB"), rounded ones otherwise. */
char *
s3dlio_inspector_format_size (guint64 bytes)
{
  g_autofree char *number = NULL;

  if (bytes < 1024)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u byte", "%u bytes", (gulong) bytes), (guint) bytes);

  if (bytes >= S3DLIO_INSPECTOR_GIB && bytes % S3DLIO_INSPECTOR_GIB == 0)
    {
      number = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / S3DLIO_INSPECTOR_GIB);
      /* Translators: a size, such as "2 GiB" */
      return g_strdup_printf (_("%s GiB"), number);
    }
  if (bytes >= S3DLIO_INSPECTOR_MIB && bytes % S3DLIO_INSPECTOR_MIB == 0)
    {
      number = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / S3DLIO_INSPECTOR_MIB);
      /* Translators: a size, such as "8 MiB" */
      return g_strdup_printf (_("%s MiB"), number);
    }
  if (bytes % 1024 == 0)
    {
      number = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / 1024);
      /* Translators: a size, such as "512 KiB" */
      return g_strdup_printf (_("%s KiB"), number);
    }

  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* An object size: rounded, for the list and the totals. */
char *
s3dlio_inspector_format_bytes (guint64 bytes)
{
  if (bytes < 1024)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u byte", "%u bytes", (gulong) bytes), (guint) bytes);

  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* Throughput in decimal gigabytes per second, as the README and `s3dlio
 * bench` report it. */
char *
s3dlio_inspector_format_rate (double bytes_per_second)
{
  double gbps = bytes_per_second / 1e9;

  if (gbps >= 0.1 || gbps == 0)
    return g_strdup_printf (_("%.2f GB/s"), gbps);
  return g_strdup_printf (_("%.1f MB/s"), bytes_per_second / 1e6);
}

char *
s3dlio_inspector_format_seconds (double seconds)
{
  if (seconds < 10)
    return g_strdup_printf (_("%.3f s"), seconds);
  if (seconds < 60)
    return g_strdup_printf (_("%.1f s"), seconds);

  return g_strdup_printf (_("%u min %02u s"), (guint) (seconds / 60), (guint) seconds % 60);
}

char *
s3dlio_inspector_format_date_time (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = NULL;

  if (date_time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (date_time);
  /* Translators: the date and time an object was last modified, see
   * g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

/* S3 quotes ETags; the quotes say nothing to a reader. */
char *
s3dlio_inspector_format_etag (const char *etag)
{
  gsize len;

  if (etag == NULL)
    return g_strdup ("");

  len = strlen (etag);
  if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"')
    return g_strndup (etag + 1, len - 2);
  return g_strdup (etag);
}

/* g_set_str() is GLib 2.76. @new_str may point into the old string. */
gboolean
s3dlio_inspector_set_str (char       **str_pointer,
                          const char  *new_str)
{
  char *copy;

  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}

/* The named colors of the style (libadwaita's accent_color, success_color…),
 * so that drawings follow the light or dark style. */
gboolean
s3dlio_inspector_lookup_color (GtkWidget  *widget,
                               const char *name,
                               GdkRGBA    *color)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (g_str_equal (name, "foreground"))
    {
      gtk_style_context_get_color (context, color);
      return TRUE;
    }
  return gtk_style_context_lookup_color (context, name, color);
}

/* What @widget showed in its last frame (the paintable is made from the
 * widget's render nodes, which a queued redraw drops): call it right after
 * the window painted, from GdkFrameClock::after-paint, or when nothing is
 * being redrawn. */
GdkTexture *
s3dlio_inspector_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  native = gtk_widget_get_native (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (native == NULL || !gtk_widget_get_realized (widget) || width <= 0 || height <= 0)
    return NULL;

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return NULL;

  return gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

gboolean
s3dlio_inspector_save_widget_png (GtkWidget   *widget,
                                  const char  *path,
                                  GError     **error)
{
  g_autoptr(GdkTexture) texture = s3dlio_inspector_render_widget (widget);

  if (texture == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The widget is not shown or is being redrawn, so it cannot be rendered"));
      return FALSE;
    }

  if (!gdk_texture_save_to_png (texture, path))
    {
      g_autofree char *display_name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the image “%s”"), display_name);
      return FALSE;
    }

  return TRUE;
}
