/* s3dlio-inspector-sweep.h: the same GET across a range of one knob
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>
#include <s3dlio.h>

G_BEGIN_DECLS

typedef struct {
  guint64 value;       /* the knob's value: a count, or bytes */
  double  seconds;     /* median of the runs */
  double  gbps;        /* object size / median seconds, in GB/s */
  double  best_gbps;   /* of the fastest run */
  guint   requests;    /* of the last run */
  guint   n_parts;     /* of the last run */
  guint   retries;     /* of all runs */
} S3dlioInspectorSweepPoint;

#define S3DLIO_INSPECTOR_TYPE_SWEEP (s3dlio_inspector_sweep_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioInspectorSweep, s3dlio_inspector_sweep,
                      S3DLIO_INSPECTOR, SWEEP, GObject)

GArray                          *s3dlio_inspector_sweep_make_values  (guint64                 from,
                                                                      guint64                 to);

S3dlioInspectorSweep            *s3dlio_inspector_sweep_new          (S3dlioClient           *client,
                                                                      S3dlioUri              *uri,
                                                                      const char             *knob,
                                                                      GArray                 *values,
                                                                      guint                   runs);
void                             s3dlio_inspector_sweep_run_async    (S3dlioInspectorSweep   *self,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
gboolean                         s3dlio_inspector_sweep_run_finish   (S3dlioInspectorSweep   *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);

const char                      *s3dlio_inspector_sweep_get_knob     (S3dlioInspectorSweep   *self);
S3dlioUri                       *s3dlio_inspector_sweep_get_uri      (S3dlioInspectorSweep   *self);
guint64                          s3dlio_inspector_sweep_get_size     (S3dlioInspectorSweep   *self);
guint                            s3dlio_inspector_sweep_get_n_values (S3dlioInspectorSweep   *self);
guint64                          s3dlio_inspector_sweep_get_value    (S3dlioInspectorSweep   *self,
                                                                      guint                   index);
guint                            s3dlio_inspector_sweep_get_n_points (S3dlioInspectorSweep   *self);
const S3dlioInspectorSweepPoint *s3dlio_inspector_sweep_get_point    (S3dlioInspectorSweep   *self,
                                                                      guint                   index);
gboolean                         s3dlio_inspector_sweep_get_running  (S3dlioInspectorSweep   *self);

char                            *s3dlio_inspector_sweep_to_json      (S3dlioInspectorSweep   *self);
gboolean                         s3dlio_inspector_sweep_save_json    (S3dlioInspectorSweep   *self,
                                                                      GFile                  *file,
                                                                      GError                **error);

G_END_DECLS
