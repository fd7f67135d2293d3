/* s3dlio-inspector-knobs.c: the tuning knobs the inspector shows, and how
 * they are kept in GSettings
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A knob starts from the S3DLIO_* environment, as everywhere in s3dlio; a
 * knob the environment does not set starts from the value the user chose
 * last time, if any (GSettings keys the user never changed are not applied,
 * so the library's defaults, such as one worker per core, stay in force).
 * Every change made in the inspector is written back to GSettings.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "s3dlio-inspector-knobs.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define GIB (G_GUINT64_CONSTANT (1) << 30)

static const S3dlioInspectorKnob knobs[] = {
  { "part-size", S3DLIO_INSPECTOR_KNOB_SIZE,
    N_("Part size"), N_("Size of each ranged GET"), MIB, 5 * GIB },
  { "max-inflight", S3DLIO_INSPECTOR_KNOB_COUNT,
    N_("Parts in flight"), N_("Ranged GETs of one object at once"), 1, 1024 },
  { "threshold", S3DLIO_INSPECTOR_KNOB_SIZE,
    N_("Split threshold"), N_("Smaller objects are fetched in one GET"), MIB, 64 * GIB },
  { "max-connections-per-host", S3DLIO_INSPECTOR_KNOB_COUNT,
    N_("Connections per host"), N_("Per worker thread"), 1, 10000 },
  { "worker-threads", S3DLIO_INSPECTOR_KNOB_COUNT,
    N_("Worker threads"), N_("Threads running HTTP sessions"), 1, 256 },
  { "max-retries", S3DLIO_INSPECTOR_KNOB_COUNT,
    N_("Retries"), N_("Per request, with backoff"), 1, 100 },
  { "busy-poll-us", S3DLIO_INSPECTOR_KNOB_COUNT,
    N_("Busy polling (µs)"), N_("Poll before sleeping: for VMs whose idle CPUs halt"), 0, 1000 },
  { "head-first", S3DLIO_INSPECTOR_KNOB_SWITCH,
    N_("HEAD first"), N_("Learn the size before the first GET"), 0, 0 },
  { "single-request", S3DLIO_INSPECTOR_KNOB_SWITCH,
    N_("Single request"), N_("One plain GET, no ranges"), 0, 0 },
  { "optimized-http", S3DLIO_INSPECTOR_KNOB_SWITCH,
    N_("Tuned HTTP sessions"), N_("Off: libsoup’s stock settings"), 0, 0 },
};

const S3dlioInspectorKnob *
s3dlio_inspector_knobs_get_all (guint *n_knobs)
{
  *n_knobs = G_N_ELEMENTS (knobs);
  return knobs;
}

const S3dlioInspectorKnob *
s3dlio_inspector_knobs_lookup (const char *property)
{
  for (guint i = 0; i < G_N_ELEMENTS (knobs); i++)
    if (g_str_equal (knobs[i].property, property))
      return &knobs[i];
  return NULL;
}

/* The value of the knob's main S3DLIO_* variable, if it is set. */
char *
s3dlio_inspector_knobs_get_environment (const char *property)
{
  const char *variable = s3dlio_config_get_environment_variable (property);
  const char *value = variable ? g_getenv (variable) : NULL;

  if (value == NULL)
    return NULL;
  return g_strdup_printf ("%s=%s", variable, value);
}

/* Returns a full (not floating) reference. */
static GVariant *
property_to_variant (S3dlioConfig *config,
                     const char   *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (config), property, &value);

  switch (pspec->value_type)
    {
    case G_TYPE_BOOLEAN:
      return g_variant_ref_sink (g_variant_new_boolean (g_value_get_boolean (&value)));
    case G_TYPE_UINT:
      return g_variant_ref_sink (g_variant_new_uint32 (g_value_get_uint (&value)));
    case G_TYPE_UINT64:
      return g_variant_ref_sink (g_variant_new_uint64 (g_value_get_uint64 (&value)));
    default:
      g_assert_not_reached ();
    }
}

static void
property_from_variant (S3dlioConfig *config,
                       const char   *property,
                       GVariant     *variant)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_BOOLEAN))
    g_value_set_boolean (&value, g_variant_get_boolean (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT32))
    g_value_set_uint (&value, g_variant_get_uint32 (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT64))
    g_value_set_uint64 (&value, g_variant_get_uint64 (variant));
  else
    g_return_if_reached ();

  /* A stored value the library refuses (a schema allowing more than the
   * property) is ignored rather than clamped into something else. */
  if (g_param_value_validate (pspec, &value))
    {
      g_warning ("Ignoring the stored value of the knob “%s”: out of range", property);
      return;
    }
  g_object_set_property (G_OBJECT (config), property, &value);
}

/* Set by the environment: its variable is set, or the value differs from
 * the library's default (an alias such as S3DLIO_RANGE_CONCURRENCY). */
static gboolean
is_from_environment (S3dlioConfig *config,
                     S3dlioConfig *defaults,
                     const char   *property)
{
  g_autofree char *environment = s3dlio_inspector_knobs_get_environment (property);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) default_value = NULL;

  if (environment != NULL)
    return TRUE;

  value = property_to_variant (config, property);
  default_value = property_to_variant (defaults, property);
  return !g_variant_equal (value, default_value);
}

static gboolean
is_automatic (const char *property,
              GVariant   *value)
{
  /* worker-threads 0 stands for the library's default. */
  return g_str_equal (property, "worker-threads") &&
         g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) &&
         g_variant_get_uint32 (value) == 0;
}

/**
 * s3dlio_inspector_knobs_load:
 * @settings: the `org.s3dlio.Inspector.Knobs` settings
 * @error: return location for a #GError
 *
 * Makes the configuration the inspector starts with: the environment's,
 * then the values the user set last time for the knobs the environment
 * leaves alone.
 *
 * Returns: (transfer full): a new config. On an invalid S3DLIO_* value it
 *   starts from the library's defaults instead and sets @error, which
 *   names the variable.
 */
S3dlioConfig *
s3dlio_inspector_knobs_load (GSettings  *settings,
                             GError    **error)
{
  g_autoptr(S3dlioConfig) defaults = s3dlio_config_new ();
  g_autoptr(S3dlioConfig) config = s3dlio_config_new_from_environment (error);

  if (config == NULL)
    config = s3dlio_config_new ();

  for (guint i = 0; i < G_N_ELEMENTS (knobs); i++)
    {
      const char *property = knobs[i].property;
      g_autoptr(GVariant) stored = NULL;

      if (is_from_environment (config, defaults, property))
        continue;

      stored = g_settings_get_user_value (settings, property);
      if (stored != NULL && !is_automatic (property, stored))
        property_from_variant (config, property, stored);
    }

  return g_steal_pointer (&config);
}

static void
config_notify_cb (S3dlioConfig *config,
                  GParamSpec   *pspec,
                  GSettings    *settings)
{
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) stored = NULL;

  if (s3dlio_inspector_knobs_lookup (pspec->name) == NULL)
    return;

  value = property_to_variant (config, pspec->name);
  stored = g_settings_get_value (settings, pspec->name);
  if (!g_variant_equal (value, stored))
    g_settings_set_value (settings, pspec->name, value);
}

/**
 * s3dlio_inspector_knobs_bind:
 * @config: the inspector's config
 * @settings: the `org.s3dlio.Inspector.Knobs` settings
 *
 * Writes every change of a knob of @config to @settings, for as long as
 * both live.
 */
void
s3dlio_inspector_knobs_bind (S3dlioConfig *config,
                             GSettings    *settings)
{
  g_signal_connect_object (config, "notify", G_CALLBACK (config_notify_cb),
                           settings, G_CONNECT_DEFAULT);
}

/**
 * s3dlio_inspector_knobs_reset:
 * @config: the inspector's config
 * @settings: the `org.s3dlio.Inspector.Knobs` settings
 *
 * Forgets the user's values: @settings go back to their defaults, and
 * @config to the environment's values or the library's defaults.
 */
void
s3dlio_inspector_knobs_reset (S3dlioConfig *config,
                              GSettings    *settings)
{
  g_autoptr(S3dlioConfig) fresh = s3dlio_config_new_from_environment (NULL);

  if (fresh == NULL)
    fresh = s3dlio_config_new ();

  /* Whatever GSettings object the config writes to (the application's
   * may not be @settings, only the same schema and path): the values the
   * config gets back are not the user's, and must not be stored as such. */
  g_signal_handlers_block_matched (config, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, config_notify_cb, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (knobs); i++)
    {
      g_autoptr(GVariant) value = property_to_variant (fresh, knobs[i].property);

      g_settings_reset (settings, knobs[i].property);
      property_from_variant (config, knobs[i].property, value);
    }
  g_signal_handlers_unblock_matched (config, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, config_notify_cb, NULL);
}
