/* s3dlio-inspector-sweep.c: the same GET across a range of one knob
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A sweep downloads one object into memory again and again, one knob set
 * to each value in turn (parts in flight, or part size), and records how
 * long each took. It runs on a client of its own, with a copy of the
 * inspector's config, so the knobs the user set stay as they are, and one
 * download at a time, so runs do not compete. The client is made from the
 * S3 endpoint and credentials (the knobs are the S3 engine's); the
 * downloads go through it as an S3dlioObjectStore.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "s3dlio-inspector-knobs.h"
#include "s3dlio-inspector-sweep.h"

struct _S3dlioInspectorSweep
{
  GObject       parent_instance;

  S3dlioClient *template_client;
  S3dlioClient *client;          /* while running */
  S3dlioUri    *uri;
  char         *knob;
  GArray       *values;          /* guint64 */
  guint         runs;

  GArray       *points;          /* S3dlioInspectorSweepPoint */
  GArray       *run_seconds;     /* double, of the value being measured */
  guint         run_retries;
  guint64       size;
  GDateTime    *started;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (S3dlioInspectorSweep, s3dlio_inspector_sweep, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_N_POINTS,
  N_PROPS
};

enum {
  POINT_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
s3dlio_inspector_sweep_finalize (GObject *object)
{
  S3dlioInspectorSweep *self = (S3dlioInspectorSweep *) object;

  g_clear_object (&self->template_client);
  g_clear_object (&self->client);
  g_clear_object (&self->uri);
  g_free (self->knob);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->run_seconds, g_array_unref);
  g_clear_pointer (&self->started, g_date_time_unref);

  G_OBJECT_CLASS (s3dlio_inspector_sweep_parent_class)->finalize (object);
}

static void
s3dlio_inspector_sweep_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  S3dlioInspectorSweep *self = S3DLIO_INSPECTOR_SWEEP (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_N_POINTS:
      g_value_set_uint (value, self->points->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_inspector_sweep_class_init (S3dlioInspectorSweepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_inspector_sweep_finalize;
  object_class->get_property = s3dlio_inspector_sweep_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_POINTS] =
    g_param_spec_uint ("n-points", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioInspectorSweep::point-added:
   * @self: the sweep
   * @index: the index of the new point
   *
   * Emitted when every run of one value is done.
   */
  signals[POINT_ADDED] =
    g_signal_new ("point-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
s3dlio_inspector_sweep_init (S3dlioInspectorSweep *self)
{
  self->points = g_array_new (FALSE, TRUE, sizeof (S3dlioInspectorSweepPoint));
  self->run_seconds = g_array_new (FALSE, FALSE, sizeof (double));
}

/**
 * s3dlio_inspector_sweep_make_values:
 * @from: the first value
 * @to: the last value
 *
 * The values a sweep visits: @from, the powers of two between, and @to.
 *
 * Returns: (transfer full): a #GArray of guint64
 */
GArray *
s3dlio_inspector_sweep_make_values (guint64 from,
                                    guint64 to)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 power = 1;

  from = MAX (from, 1);
  to = MAX (to, from);

  g_array_append_val (values, from);
  while (power <= from && power < G_MAXUINT64 / 2)
    power *= 2;
  for (; power < to; power *= 2)
    g_array_append_val (values, power);
  if (to != from)
    g_array_append_val (values, to);

  return values;
}

/**
 * s3dlio_inspector_sweep_new:
 * @client: the client whose endpoint, credentials and config to copy
 * @uri: the object to download
 * @knob: the #S3dlioConfig property to vary: `max-inflight` or `part-size`
 * @values: (element-type guint64): the values of @knob, in order
 * @runs: how many downloads per value (the median is kept)
 *
 * Returns: (transfer full): a new sweep, not started
 */
S3dlioInspectorSweep *
s3dlio_inspector_sweep_new (S3dlioClient *client,
                            S3dlioUri    *uri,
                            const char   *knob,
                            GArray       *values,
                            guint         runs)
{
  S3dlioInspectorSweep *self;

  g_return_val_if_fail (S3DLIO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);
  g_return_val_if_fail (g_strcmp0 (knob, "max-inflight") == 0 || g_strcmp0 (knob, "part-size") == 0, NULL);
  g_return_val_if_fail (values != NULL && values->len > 0, NULL);

  self = g_object_new (S3DLIO_INSPECTOR_TYPE_SWEEP, NULL);
  self->template_client = g_object_ref (client);
  self->uri = g_object_ref (uri);
  self->knob = g_strdup (knob);
  self->values = g_array_ref (values);
  self->runs = CLAMP (runs, 1, 100);
  return self;
}

/* {{{ Running */

static void run_next (GTask *task);

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_copy (values);

  g_array_sort (sorted, compare_doubles);
  if (sorted->len == 0)
    return 0;
  if (sorted->len % 2 == 1)
    return g_array_index (sorted, double, sorted->len / 2);
  return (g_array_index (sorted, double, sorted->len / 2 - 1) +
          g_array_index (sorted, double, sorted->len / 2)) / 2;
}

static void
add_point (S3dlioInspectorSweep *self,
           S3dlioTransfer       *last)
{
  S3dlioInspectorSweepPoint point = { 0, };
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < self->run_seconds->len; i++)
    best = MIN (best, g_array_index (self->run_seconds, double, i));

  point.value = g_array_index (self->values, guint64, self->points->len);
  point.seconds = median (self->run_seconds);
  point.gbps = point.seconds > 0 ? self->size / point.seconds / 1e9 : 0;
  point.best_gbps = best > 0 && best < G_MAXDOUBLE ? self->size / best / 1e9 : 0;
  point.requests = s3dlio_transfer_get_requests (last);
  point.n_parts = s3dlio_transfer_get_n_parts (last);
  point.retries = self->run_retries;

  g_array_append_val (self->points, point);
  g_array_set_size (self->run_seconds, 0);
  self->run_retries = 0;

  g_signal_emit (self, signals[POINT_ADDED], 0, self->points->len - 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POINTS]);
}

static void
finish (GTask  *task,
        GError *error)
{
  S3dlioInspectorSweep *self = g_task_get_source_object (task);

  g_clear_object (&self->client);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  S3dlioInspectorSweep *self = g_task_get_source_object (task);
  S3dlioTransfer *transfer = g_object_get_data (G_OBJECT (task), "transfer");
  GError *error = NULL;
  double seconds;

  if (!s3dlio_object_store_download_finish (S3DLIO_OBJECT_STORE (source), result, &error))
    {
      finish (task, error);
      return;
    }

  seconds = s3dlio_transfer_get_elapsed (transfer);
  self->size = s3dlio_transfer_get_length (transfer);
  self->run_retries += s3dlio_transfer_get_retries (transfer);
  g_array_append_val (self->run_seconds, seconds);
  if (self->run_seconds->len >= self->runs)
    add_point (self, transfer);

  run_next (g_steal_pointer (&task));
}

static void
run_next (GTask *task)
{
  S3dlioInspectorSweep *self = g_task_get_source_object (task);
  g_autoptr(S3dlioTransfer) transfer = NULL;
  S3dlioConfig *config = s3dlio_client_get_config (self->client);
  guint64 value;

  if (self->points->len >= self->values->len)
    {
      finish (task, NULL);
      g_object_unref (task);
      return;
    }

  value = g_array_index (self->values, guint64, self->points->len);
  if (g_str_equal (self->knob, "max-inflight"))
    s3dlio_config_set_max_inflight (config, (guint) MIN (value, 1024));
  else
    s3dlio_config_set_part_size (config, value);

  transfer = s3dlio_transfer_new (self->uri);
  /* The transfer is dropped with the task: its bytes do not pile up. */
  g_object_set_data_full (G_OBJECT (task), "transfer", g_object_ref (transfer), g_object_unref);
  s3dlio_object_store_download_async (S3DLIO_OBJECT_STORE (self->client), transfer,
                                      g_task_get_cancellable (task), download_cb, task);
}

/**
 * s3dlio_inspector_sweep_run_async:
 * @self: a sweep that has not run
 * @cancellable: (nullable): stops the sweep after the download under way
 * @callback: called when the sweep is over
 * @user_data: data for @callback
 *
 * Runs the sweep; [signal@S3dlioInspectorSweep::point-added] reports each
 * value as it is measured.
 */
void
s3dlio_inspector_sweep_run_async (S3dlioInspectorSweep *self,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  GTask *task;
  g_autoptr(S3dlioConfig) config = NULL;

  g_return_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_inspector_sweep_run_async);

  if (self->running || self->points->len > 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("This sweep has already run"));
      g_object_unref (task);
      return;
    }

  config = s3dlio_config_dup (s3dlio_client_get_config (self->template_client));
  /* Splitting needs objects above the threshold: sweep the splitting. */
  s3dlio_config_set_threshold (config, 0);
  s3dlio_config_set_single_request (config, FALSE);
  self->client = s3dlio_client_new (s3dlio_client_get_endpoint (self->template_client),
                                    s3dlio_client_get_credentials (self->template_client),
                                    config);
  g_clear_pointer (&self->started, g_date_time_unref);
  self->started = g_date_time_new_now_utc ();
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  run_next (task);
}

gboolean
s3dlio_inspector_sweep_run_finish (S3dlioInspectorSweep  *self,
                                   GAsyncResult          *result,
                                   GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */
/* {{{ Results */

const char *
s3dlio_inspector_sweep_get_knob (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), NULL);
  return self->knob;
}

S3dlioUri *
s3dlio_inspector_sweep_get_uri (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), NULL);
  return self->uri;
}

/* The object's size, once a download finished. */
guint64
s3dlio_inspector_sweep_get_size (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), 0);
  return self->size;
}

guint
s3dlio_inspector_sweep_get_n_values (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), 0);
  return self->values->len;
}

guint64
s3dlio_inspector_sweep_get_value (S3dlioInspectorSweep *self,
                                  guint                 index)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), 0);
  g_return_val_if_fail (index < self->values->len, 0);
  return g_array_index (self->values, guint64, index);
}

guint
s3dlio_inspector_sweep_get_n_points (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), 0);
  return self->points->len;
}

const S3dlioInspectorSweepPoint *
s3dlio_inspector_sweep_get_point (S3dlioInspectorSweep *self,
                                  guint                 index)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), NULL);
  g_return_val_if_fail (index < self->points->len, NULL);
  return &g_array_index (self->points, S3dlioInspectorSweepPoint, index);
}

gboolean
s3dlio_inspector_sweep_get_running (S3dlioInspectorSweep *self)
{
  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), FALSE);
  return self->running;
}

static void
add_config (JsonBuilder  *builder,
            S3dlioConfig *config)
{
  const S3dlioInspectorKnob *knobs;
  guint n_knobs;

  knobs = s3dlio_inspector_knobs_get_all (&n_knobs);
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_knobs; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), knobs[i].property);
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (config), knobs[i].property, &value);
      json_builder_set_member_name (builder, knobs[i].property);
      if (G_VALUE_HOLDS_BOOLEAN (&value))
        json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
      else if (G_VALUE_HOLDS_UINT (&value))
        json_builder_add_int_value (builder, g_value_get_uint (&value));
      else
        json_builder_add_int_value (builder, (gint64) g_value_get_uint64 (&value));
    }
  json_builder_end_object (builder);
}

/**
 * s3dlio_inspector_sweep_to_json:
 * @self: a sweep
 *
 * The sweep's settings and results, as `s3dlio bench --json` would say
 * them: GB/s are decimal (10⁹ bytes per second).
 *
 * Returns: (transfer full): a JSON document
 */
char *
s3dlio_inspector_sweep_to_json (S3dlioInspectorSweep *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *started = NULL;
  S3dlioEndpoint *endpoint;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), NULL);

  uri = s3dlio_uri_to_string (self->uri);
  endpoint = s3dlio_client_get_endpoint (self->template_client);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tool");
  json_builder_add_string_value (builder, "s3dlio-inspector " PACKAGE_VERSION);
  if (self->started != NULL)
    {
      started = g_date_time_format_iso8601 (self->started);
      json_builder_set_member_name (builder, "started");
      json_builder_add_string_value (builder, started);
    }
  json_builder_set_member_name (builder, "endpoint");
  json_builder_add_string_value (builder, s3dlio_endpoint_get_url (endpoint));
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, uri);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) self->size);
  json_builder_set_member_name (builder, "knob");
  json_builder_add_string_value (builder, self->knob);
  json_builder_set_member_name (builder, "environment-variable");
  json_builder_add_string_value (builder, s3dlio_config_get_environment_variable (self->knob));
  json_builder_set_member_name (builder, "runs-per-value");
  json_builder_add_int_value (builder, self->runs);
  json_builder_set_member_name (builder, "config");
  add_config (builder, s3dlio_client_get_config (self->template_client));

  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->points->len; i++)
    {
      const S3dlioInspectorSweepPoint *point = &g_array_index (self->points, S3dlioInspectorSweepPoint, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_int_value (builder, (gint64) point->value);
      json_builder_set_member_name (builder, "gbps");
      json_builder_add_double_value (builder, point->gbps);
      json_builder_set_member_name (builder, "best-gbps");
      json_builder_add_double_value (builder, point->best_gbps);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, point->seconds);
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, point->requests);
      json_builder_set_member_name (builder, "parts");
      json_builder_add_int_value (builder, point->n_parts);
      json_builder_set_member_name (builder, "retries");
      json_builder_add_int_value (builder, point->retries);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

gboolean
s3dlio_inspector_sweep_save_json (S3dlioInspectorSweep  *self,
                                  GFile                 *file,
                                  GError               **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (S3DLIO_INSPECTOR_IS_SWEEP (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  json = s3dlio_inspector_sweep_to_json (self);
  return g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/* }}} */
