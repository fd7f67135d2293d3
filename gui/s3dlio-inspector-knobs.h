/* s3dlio-inspector-knobs.h: the tuning knobs the inspector shows, and how
 * they are kept in GSettings
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>
#include <s3dlio.h>

G_BEGIN_DECLS

typedef enum {
  S3DLIO_INSPECTOR_KNOB_COUNT,
  S3DLIO_INSPECTOR_KNOB_SIZE,
  S3DLIO_INSPECTOR_KNOB_SWITCH,
} S3dlioInspectorKnobKind;

typedef struct {
  const char              *property;     /* of S3dlioConfig, and the GSettings key */
  S3dlioInspectorKnobKind  kind;
  const char              *title;        /* N_() */
  const char              *description;  /* N_() */
  guint64                  step;         /* spin button step, in the property's unit */
  guint64                  upper;        /* the most the UI offers (the property may allow more) */
} S3dlioInspectorKnob;

const S3dlioInspectorKnob *s3dlio_inspector_knobs_get_all          (guint         *n_knobs);
const S3dlioInspectorKnob *s3dlio_inspector_knobs_lookup           (const char    *property);

S3dlioConfig              *s3dlio_inspector_knobs_load             (GSettings     *settings,
                                                                    GError       **error);
void                       s3dlio_inspector_knobs_bind             (S3dlioConfig  *config,
                                                                    GSettings     *settings);
void                       s3dlio_inspector_knobs_reset            (S3dlioConfig  *config,
                                                                    GSettings     *settings);
char                      *s3dlio_inspector_knobs_get_environment  (const char    *property);

G_END_DECLS
