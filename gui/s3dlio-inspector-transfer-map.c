/* s3dlio-inspector-transfer-map.c: the state of every part of a transfer
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One square per ranged GET, in object order, row after row: pending parts
 * are faint, parts in flight take the accent color, finished ones the
 * success color, parts waiting for a retry the warning color and failed
 * ones the error color. A part that was retried keeps a mark once done, so
 * the map still tells where the trouble was when the transfer is over.
 *
 * The squares are as large as the allocation allows, from 3 to 22 pixels.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "s3dlio-inspector-transfer-map.h"
#include "s3dlio-inspector-utils.h"

#define MAX_CELL 22
#define MIN_CELL 3

struct _S3dlioInspectorTransferMap
{
  GtkWidget  parent_instance;

  GByteArray *states;     /* S3dlioPartState, one per part */
  GByteArray *retried;    /* TRUE for the parts that ever waited for a retry */
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorTransferMap, s3dlio_inspector_transfer_map, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_PARTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The largest square, with its gap, that fits n parts in the area. */
static int
cell_size_for (guint n,
               int   width,
               int   height)
{
  for (int cell = MAX_CELL; cell > MIN_CELL; cell--)
    {
      int pitch = cell + MAX (1, cell / 6);
      int per_row = MAX (1, (width + pitch - cell) / pitch);
      int rows = (n + per_row - 1) / per_row;

      if (rows * pitch - (pitch - cell) <= height)
        return cell;
    }
  return MIN_CELL;
}

static void
color_for_state (GtkWidget       *widget,
                 S3dlioPartState  state,
                 GdkRGBA         *color)
{
  static const char * const names[] = {
    [S3DLIO_PART_STATE_PENDING] = NULL,
    [S3DLIO_PART_STATE_IN_FLIGHT] = "accent_bg_color",
    [S3DLIO_PART_STATE_DONE] = "success_color",
    [S3DLIO_PART_STATE_RETRYING] = "warning_color",
    [S3DLIO_PART_STATE_FAILED] = "error_color",
  };
  static const char * const fallbacks[] = {
    [S3DLIO_PART_STATE_PENDING] = NULL,
    [S3DLIO_PART_STATE_IN_FLIGHT] = "#3584e4",
    [S3DLIO_PART_STATE_DONE] = "#26a269",
    [S3DLIO_PART_STATE_RETRYING] = "#cd9309",
    [S3DLIO_PART_STATE_FAILED] = "#c01c28",
  };

  if (state >= G_N_ELEMENTS (names) || names[state] == NULL)
    {
      s3dlio_inspector_lookup_color (widget, "foreground", color);
      color->alpha *= 0.15;
      return;
    }
  if (!s3dlio_inspector_lookup_color (widget, names[state], color))
    gdk_rgba_parse (color, fallbacks[state]);
}

static void
s3dlio_inspector_transfer_map_snapshot (GtkWidget   *widget,
                                        GtkSnapshot *snapshot)
{
  S3dlioInspectorTransferMap *self = S3DLIO_INSPECTOR_TRANSFER_MAP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->states->len;
  GdkRGBA colors[S3DLIO_PART_STATE_FAILED + 1];
  GdkRGBA mark;
  int cell, pitch, per_row;

  if (n == 0 || width <= 0 || height <= 0)
    return;

  for (guint state = 0; state < G_N_ELEMENTS (colors); state++)
    color_for_state (widget, state, &colors[state]);
  color_for_state (widget, S3DLIO_PART_STATE_RETRYING, &mark);

  cell = cell_size_for (n, width, height);
  pitch = cell + MAX (1, cell / 6);
  per_row = MAX (1, (width + pitch - cell) / pitch);

  for (guint i = 0; i < n; i++)
    {
      guint state = MIN (self->states->data[i], (guint) S3DLIO_PART_STATE_FAILED);
      graphene_rect_t rect = GRAPHENE_RECT_INIT ((i % per_row) * pitch, (i / per_row) * pitch, cell, cell);

      if (cell >= 8)
        {
          GskRoundedRect rounded;

          gsk_rounded_rect_init_from_rect (&rounded, &rect, MAX (1, cell / 6));
          gtk_snapshot_push_rounded_clip (snapshot, &rounded);
          gtk_snapshot_append_color (snapshot, &colors[state], &rect);
          if (self->retried->data[i] && state == S3DLIO_PART_STATE_DONE)
            {
              /* A retried part: a warning-colored corner. */
              graphene_rect_t corner = GRAPHENE_RECT_INIT (rect.origin.x + cell / 2.0, rect.origin.y,
                                                           cell / 2.0, cell / 2.0);

              gtk_snapshot_append_color (snapshot, &mark, &corner);
            }
          gtk_snapshot_pop (snapshot);
        }
      else
        gtk_snapshot_append_color (snapshot, &colors[state], &rect);
    }
}

static void
s3dlio_inspector_transfer_map_measure (GtkWidget      *widget,
                                       GtkOrientation  orientation,
                                       int             for_size,
                                       int            *minimum,
                                       int            *natural,
                                       int            *minimum_baseline,
                                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 400;
    }
  else
    {
      *minimum = 24;
      *natural = 64;
    }
}

static void
update_description (S3dlioInspectorTransferMap *self)
{
  g_autofree char *description = NULL;

  if (self->states->len == 0)
    description = g_strdup (_("No parts"));
  else
    description = g_strdup_printf (_("%u parts: %u done, %u in flight, %u pending, %u retried, %u failed"),
                                   self->states->len,
                                   s3dlio_inspector_transfer_map_count (self, S3DLIO_PART_STATE_DONE),
                                   s3dlio_inspector_transfer_map_count (self, S3DLIO_PART_STATE_IN_FLIGHT),
                                   s3dlio_inspector_transfer_map_count (self, S3DLIO_PART_STATE_PENDING),
                                   s3dlio_inspector_transfer_map_get_n_retried (self),
                                   s3dlio_inspector_transfer_map_count (self, S3DLIO_PART_STATE_FAILED));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
s3dlio_inspector_transfer_map_finalize (GObject *object)
{
  S3dlioInspectorTransferMap *self = (S3dlioInspectorTransferMap *) object;

  g_clear_pointer (&self->states, g_byte_array_unref);
  g_clear_pointer (&self->retried, g_byte_array_unref);

  G_OBJECT_CLASS (s3dlio_inspector_transfer_map_parent_class)->finalize (object);
}

static void
s3dlio_inspector_transfer_map_get_property (GObject    *object,
                                            guint       prop_id,
                                            GValue     *value,
                                            GParamSpec *pspec)
{
  S3dlioInspectorTransferMap *self = S3DLIO_INSPECTOR_TRANSFER_MAP (object);

  switch (prop_id)
    {
    case PROP_N_PARTS:
      g_value_set_uint (value, self->states->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_transfer_map_class_init (S3dlioInspectorTransferMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = s3dlio_inspector_transfer_map_finalize;
  object_class->get_property = s3dlio_inspector_transfer_map_get_property;

  widget_class->snapshot = s3dlio_inspector_transfer_map_snapshot;
  widget_class->measure = s3dlio_inspector_transfer_map_measure;

  properties[PROP_N_PARTS] =
    g_param_spec_uint ("n-parts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "transfermap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
s3dlio_inspector_transfer_map_init (S3dlioInspectorTransferMap *self)
{
  self->states = g_byte_array_new ();
  self->retried = g_byte_array_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Transfer map"),
                                  -1);
  update_description (self);
}

GtkWidget *
s3dlio_inspector_transfer_map_new (void)
{
  return g_object_new (S3DLIO_INSPECTOR_TYPE_TRANSFER_MAP, NULL);
}

void
s3dlio_inspector_transfer_map_clear (S3dlioInspectorTransferMap *self)
{
  g_return_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self));

  if (self->states->len == 0)
    return;

  g_byte_array_set_size (self->states, 0);
  g_byte_array_set_size (self->retried, 0);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PARTS]);
}

/**
 * s3dlio_inspector_transfer_map_set_states:
 * @self: a map
 * @states: one #S3dlioPartState per byte, as from
 *   s3dlio_transfer_get_part_states()
 * @retried: (nullable): one byte per part, non-zero for a part that was
 *   retried, as from s3dlio_transfer_get_retried_parts()
 *
 * Shows the parts as they are now. Parts that were retried, or seen
 * waiting for a retry, keep their mark until the map is cleared or the
 * number of parts changes.
 */
void
s3dlio_inspector_transfer_map_set_states (S3dlioInspectorTransferMap *self,
                                          GBytes                     *states,
                                          GBytes                     *retried)
{
  gsize n, n_retried = 0;
  const guint8 *data;
  const guint8 *marks = retried ? g_bytes_get_data (retried, &n_retried) : NULL;
  gboolean n_changed;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self));
  g_return_if_fail (states != NULL);

  data = g_bytes_get_data (states, &n);
  n_changed = n != self->states->len;
  if (n_changed)
    {
      g_byte_array_set_size (self->states, n);
      g_byte_array_set_size (self->retried, n);
      memset (self->retried->data, 0, n);
    }

  if (n > 0)
    memcpy (self->states->data, data, n);
  for (gsize i = 0; i < n; i++)
    if (data[i] == S3DLIO_PART_STATE_RETRYING || (i < n_retried && marks[i] != 0))
      self->retried->data[i] = TRUE;

  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (n_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PARTS]);
}

guint
s3dlio_inspector_transfer_map_get_n_parts (S3dlioInspectorTransferMap *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self), 0);
  return self->states->len;
}

guint
s3dlio_inspector_transfer_map_count (S3dlioInspectorTransferMap *self,
                                     S3dlioPartState             state)
{
  guint count = 0;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self), 0);

  for (guint i = 0; i < self->states->len; i++)
    if (self->states->data[i] == state)
      count++;
  return count;
}

guint
s3dlio_inspector_transfer_map_get_n_retried (S3dlioInspectorTransferMap *self)
{
  guint count = 0;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self), 0);

  for (guint i = 0; i < self->retried->len; i++)
    if (self->retried->data[i])
      count++;
  return count;
}

/* Whether part @index was seen waiting for a retry: the mark it keeps. */
gboolean
s3dlio_inspector_transfer_map_get_retried (S3dlioInspectorTransferMap *self,
                                           guint                       index)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_TRANSFER_MAP (self), FALSE);

  return index < self->retried->len && self->retried->data[index];
}
