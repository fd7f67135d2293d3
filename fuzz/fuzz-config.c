/* fuzz-config.c: sizes, booleans and every knob, as text and from the
 * environment
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is one value (cut at a NUL byte). It is parsed as a size, a
 * boolean and an addressing style, then given to every knob of
 * S3dlioConfig with s3dlio_config_set_from_string(); whatever is accepted
 * must be in the knob's range. One knob, picked by the length of the input,
 * also gets it through its S3DLIO_* variable (or an alias) with
 * s3dlio_config_load_environment(): the two must agree, as
 * set_from_string() documents. (Only one: glibc keeps every string ever
 * given to setenv(), so the process would grow by each.)
 */
#include "config.h"

#include <string.h>

#include <s3dlio.h>

#include "fuzz-common.h"

/* Aliases, which s3dlio_config_get_environment_variable() does not name. */
static const struct {
  const char *variable;
  const char *property;
} aliases[] = {
  { "S3DLIO_RANGE_CONCURRENCY", "max-inflight" },
  { "S3DLIO_HTTP_MAX_CONNS", "max-connections-per-host" },
  { "S3DLIO_HTTP_IDLE_SECS", "idle-timeout-ms" },
};

static void
fuzz_size (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *decimal = NULL;
  guint64 size = 0;
  guint64 size_again = 0;

  if (!s3dlio_parse_size (text, &size, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_ARGUMENT);
      return;
    }

  /* The number of bytes, written out, is the same size. */
  decimal = g_strdup_printf ("%" G_GUINT64_FORMAT, size);
  g_assert_true (s3dlio_parse_size (decimal, &size_again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, size_again);
}

static void
fuzz_boolean (const char *text)
{
  g_autoptr(GError) error = NULL;
  gboolean value = FALSE;
  gboolean value_again = FALSE;

  if (!s3dlio_parse_boolean (text, &value, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_ARGUMENT);
      return;
    }

  g_assert_true (value == TRUE || value == FALSE);
  g_assert_true (s3dlio_parse_boolean (value ? "true" : "false", &value_again, NULL));
  g_assert_true (value == value_again);
}

static void
fuzz_addressing_style (const char *text)
{
  g_autoptr(GError) error = NULL;
  S3dlioAddressingStyle style;

  if (!s3dlio_addressing_style_parse (text, &style, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_ARGUMENT);
      return;
    }

  g_assert_cmpint (style, <=, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
}

/* The value of @pspec in @config, which must be in its range. */
static void
get_checked (S3dlioConfig *config,
             GParamSpec   *pspec,
             GValue       *value)
{
  g_value_init (value, pspec->value_type);
  g_object_get_property (G_OBJECT (config), pspec->name, value);
  /* g_param_value_validate() returns TRUE when it had to fix the value. */
  g_assert_false (g_param_value_validate (pspec, value));
}

static S3dlioConfig *
config_from_variable (const char  *variable,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  gboolean ok;

  g_setenv (variable, text, TRUE);
  ok = s3dlio_config_load_environment (config, error);
  g_unsetenv (variable);

  return ok ? g_steal_pointer (&config) : NULL;
}

static void
fuzz_knob (GParamSpec *pspec,
           const char *text,
           gboolean    with_variable)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(S3dlioConfig) from_variable = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) variable_error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  const char *variable = s3dlio_config_get_environment_variable (pspec->name);
  gboolean ok;

  ok = s3dlio_config_set_from_string (config, pspec->name, text, &error);
  if (ok)
    {
      g_assert_no_error (error);
      get_checked (config, pspec, &value);
    }
  else
    fuzz_assert_error (error, S3DLIO_ERROR_INVALID_CONFIG);

  if (!with_variable || variable == NULL)
    return;

  /* The variable is parsed the same way, to the same value. */
  from_variable = config_from_variable (variable, text, &variable_error);
  g_assert_true ((from_variable != NULL) == ok);
  if (from_variable != NULL)
    {
      g_auto(GValue) value_from_variable = G_VALUE_INIT;

      get_checked (from_variable, pspec, &value_from_variable);
      g_assert_cmpint (g_param_values_cmp (pspec, &value, &value_from_variable), ==, 0);
    }
  else
    fuzz_assert_error (variable_error, S3DLIO_ERROR_INVALID_CONFIG);
}

/* Aliases may scale the value (seconds for milliseconds): only the range is
 * checked. */
static void
fuzz_alias (GObjectClass *klass,
            const char   *variable,
            const char   *property,
            const char   *text)
{
  GParamSpec *pspec = g_object_class_find_property (klass, property);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioConfig) config = config_from_variable (variable, text, &error);
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (pspec);
  if (config == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_CONFIG);
      return;
    }

  get_checked (config, pspec, &value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autoptr(GTypeClass) klass = NULL;
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;
  gsize pick;

  fuzz_init ();

  fuzz_size (text);
  fuzz_boolean (text);
  fuzz_addressing_style (text);

  klass = g_type_class_ref (S3DLIO_TYPE_CONFIG);
  pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n_pspecs);
  pick = size % (n_pspecs + G_N_ELEMENTS (aliases));
  for (guint i = 0; i < n_pspecs; i++)
    fuzz_knob (pspecs[i], text, i == pick);
  if (pick >= n_pspecs)
    {
      guint a = pick - n_pspecs;

      fuzz_alias (G_OBJECT_CLASS (klass), aliases[a].variable, aliases[a].property, text);
    }

  return 0;
}
