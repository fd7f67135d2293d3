/* test-config.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <string.h>

#include "test-utils.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static void
test_defaults (void)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  guint cores = g_get_num_processors ();

  g_assert_cmpuint (s3dlio_config_get_part_size (config), ==, 8 * MiB);
  g_assert_cmpuint (s3dlio_config_get_max_inflight (config), ==, 64);
  g_assert_cmpuint (s3dlio_config_get_threshold (config), ==, 32 * MiB);
  g_assert_cmpuint (s3dlio_config_get_max_connections_per_host (config), ==, 200);
  g_assert_cmpuint (s3dlio_config_get_idle_timeout_ms (config), ==, 800);
  g_assert_cmpuint (s3dlio_config_get_operation_timeout (config), ==, 120);
  g_assert_cmpuint (s3dlio_config_get_worker_threads (config), ==, CLAMP (cores, 1, 32));
  g_assert_cmpuint (s3dlio_config_get_max_retries (config), ==, 3);
  g_assert_true (s3dlio_config_get_optimized_http (config));
  g_assert_false (s3dlio_config_get_head_first (config));
}

static void
test_parse_size (void)
{
  static const struct {
    const char *text;
    guint64     value;
  } good[] = {
    { "8388608", 8 * MiB },
    { "8M", 8 * MiB },
    { "8MiB", 8 * MiB },
    { "8mib", 8 * MiB },
    { "8 MiB", 8 * MiB },
    { " 8m ", 8 * MiB },
    { "8MB", 8000000 },
    { "1K", 1024 },
    { "1KiB", 1024 },
    { "1kb", 1000 },
    { "2G", 2 * 1024 * MiB },
    { "1TiB", G_GUINT64_CONSTANT (1) << 40 },
    { "0", 0 },
    { "5b", 5 },
    { "18446744073709551615", G_MAXUINT64 },
  };
  static const char *const bad[] = {
    "", "abc", "-1", "+1", "1.5M", "8 X", "8MiBs", "M", "18446744073709551616",
    "99999999999999999999999", "17179869184G", "0x10",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 42;

      g_assert_true (s3dlio_parse_size (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (value, ==, good[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 42;

      g_assert_false (s3dlio_parse_size (bad[i], &value, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      g_assert_cmpuint (value, ==, 42);
      if (bad[i][0] != '\0')
        g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

/* Values may be any bytes (environment variables are): the messages that
 * quote them are UTF-8 all the same (found by fuzz/fuzz-config.c). */
static void
test_invalid_utf8_in_messages (void)
{
  static const char *const properties[] = { "part-size", "max-retries", "head-first" };
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(GError) error = NULL;
  guint64 size;
  gboolean value;

  g_assert_false (s3dlio_parse_size ("8\xff", &size, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "“8\xef\xbf\xbd”"));
  g_clear_error (&error);

  g_assert_false (s3dlio_parse_size ("\xff", &size, &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  g_assert_false (s3dlio_parse_boolean ("\xc3", &value, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_assert_false (s3dlio_config_set_from_string (config, properties[i], "1\xff", &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  g_setenv ("S3DLIO_MAX_RETRIES", "\xfe\xff", TRUE);
  g_assert_false (s3dlio_config_load_environment (config, &error));
  g_unsetenv ("S3DLIO_MAX_RETRIES");
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "S3DLIO_MAX_RETRIES="));
}

static void
test_parse_boolean (void)
{
  const char *yes[] = { "1", "true", "TRUE", "yes", "On" };
  const char *no[] = { "0", "false", "No", "off" };
  const char *bad[] = { "", "2", "maybe", "truee" };
  gboolean value;

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      g_assert_true (s3dlio_parse_boolean (yes[i], &value, NULL));
      g_assert_true (value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    {
      g_assert_true (s3dlio_parse_boolean (no[i], &value, NULL));
      g_assert_false (value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (s3dlio_parse_boolean (bad[i], &value, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
    }
}

typedef struct {
  const char *variable;
  const char *value;
  const char *property;
  guint64     expected;
} EnvCase;

static guint64
get_number (S3dlioConfig *config,
            const char   *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (config), property, &value);
  if (G_VALUE_HOLDS_UINT64 (&value))
    return g_value_get_uint64 (&value);
  if (G_VALUE_HOLDS_UINT (&value))
    return g_value_get_uint (&value);
  if (G_VALUE_HOLDS_BOOLEAN (&value))
    return g_value_get_boolean (&value);
  g_assert_not_reached ();
}

static void
test_environment_values (void)
{
  static const EnvCase cases[] = {
    { "S3DLIO_GET_PART_SIZE", "16MiB", "part-size", 16 * MiB },
    { "S3DLIO_GET_PART_SIZE", "8M", "part-size", 8 * MiB },
    { "S3DLIO_GET_PART_SIZE", "4194304", "part-size", 4 * MiB },
    { "S3DLIO_GET_INFLIGHT", "8", "max-inflight", 8 },
    { "S3DLIO_RANGE_CONCURRENCY", "12", "max-inflight", 12 },
    { "S3DLIO_GET_THRESHOLD", "1G", "threshold", 1024 * MiB },
    { "S3DLIO_GET_THRESHOLD", "0", "threshold", 0 },
    { "S3DLIO_MAX_HTTP_CONNECTIONS", "50", "max-connections-per-host", 50 },
    { "S3DLIO_HTTP_MAX_CONNS", "60", "max-connections-per-host", 60 },
    { "S3DLIO_MAX_TOTAL_CONNECTIONS", "900", "max-connections", 900 },
    { "S3DLIO_HTTP_IDLE_TIMEOUT_MS", "1500", "idle-timeout-ms", 1500 },
    { "S3DLIO_HTTP_IDLE_SECS", "3", "idle-timeout-ms", 3000 },
    { "S3DLIO_HTTP_CONNECT_MS", "250", "connect-timeout-ms", 250 },
    { "S3DLIO_HTTP_IO_TIMEOUT_MS", "2000", "io-timeout-ms", 2000 },
    { "S3DLIO_OPERATION_TIMEOUT_SECS", "30", "operation-timeout", 30 },
    { "S3DLIO_RT_THREADS", "4", "worker-threads", 4 },
    { "S3DLIO_MAX_RETRIES", "0", "max-retries", 0 },
    { "S3DLIO_BUSY_POLL_US", "50", "busy-poll-us", 50 },
    { "S3DLIO_USE_OPTIMIZED_HTTP", "0", "optimized-http", FALSE },
    { "S3DLIO_USE_OPTIMIZED_HTTP", "false", "optimized-http", FALSE },
    { "S3DLIO_GET_HEAD_FIRST", "yes", "head-first", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioConfig) config = NULL;

      g_setenv (cases[i].variable, cases[i].value, TRUE);
      config = s3dlio_config_new_from_environment (&error);
      g_unsetenv (cases[i].variable);

      g_assert_no_error (error);
      g_assert_nonnull (config);
      g_assert_cmpuint (get_number (config, cases[i].property), ==, cases[i].expected);
    }
}

static void
test_environment_alias_precedence (void)
{
  g_autoptr(S3dlioConfig) config = NULL;

  g_setenv ("S3DLIO_GET_INFLIGHT", "7", TRUE);
  g_setenv ("S3DLIO_RANGE_CONCURRENCY", "9", TRUE);
  g_setenv ("S3DLIO_HTTP_IDLE_TIMEOUT_MS", "100", TRUE);
  g_setenv ("S3DLIO_HTTP_IDLE_SECS", "5", TRUE);
  config = s3dlio_config_new_from_environment (NULL);
  g_unsetenv ("S3DLIO_GET_INFLIGHT");
  g_unsetenv ("S3DLIO_RANGE_CONCURRENCY");
  g_unsetenv ("S3DLIO_HTTP_IDLE_TIMEOUT_MS");
  g_unsetenv ("S3DLIO_HTTP_IDLE_SECS");

  g_assert_cmpuint (s3dlio_config_get_max_inflight (config), ==, 7);
  g_assert_cmpuint (s3dlio_config_get_idle_timeout_ms (config), ==, 100);
}

static void
test_environment_bad_values (void)
{
  static const struct {
    const char *variable;
    const char *value;
  } cases[] = {
    { "S3DLIO_GET_PART_SIZE", "abc" },
    { "S3DLIO_GET_PART_SIZE", "-1" },
    { "S3DLIO_GET_PART_SIZE", "0" },
    { "S3DLIO_GET_PART_SIZE", "6GiB" },
    { "S3DLIO_GET_PART_SIZE", "99999999999999999999999" },
    { "S3DLIO_GET_PART_SIZE", "" },
    { "S3DLIO_GET_INFLIGHT", "0" },
    { "S3DLIO_GET_INFLIGHT", "abc" },
    { "S3DLIO_GET_INFLIGHT", "-1" },
    { "S3DLIO_GET_INFLIGHT", "4294967296" },
    { "S3DLIO_GET_INFLIGHT", "8M" },
    { "S3DLIO_RANGE_CONCURRENCY", "2000" },
    { "S3DLIO_GET_THRESHOLD", "lots" },
    { "S3DLIO_MAX_HTTP_CONNECTIONS", "0" },
    { "S3DLIO_HTTP_MAX_CONNS", "x" },
    { "S3DLIO_HTTP_IDLE_TIMEOUT_MS", "1.5" },
    { "S3DLIO_HTTP_IDLE_SECS", "99999999" },
    { "S3DLIO_HTTP_CONNECT_MS", "0" },
    { "S3DLIO_OPERATION_TIMEOUT_SECS", "-5" },
    { "S3DLIO_RT_THREADS", "0" },
    { "S3DLIO_RT_THREADS", "1000" },
    { "S3DLIO_MAX_RETRIES", "many" },
    { "S3DLIO_BUSY_POLL_US", "1001" },
    { "S3DLIO_USE_OPTIMIZED_HTTP", "maybe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioConfig) config = NULL;
      g_autoptr(S3dlioConfig) untouched = s3dlio_config_new ();
      g_autofree char *mention = g_strdup_printf ("%s=%s", cases[i].variable, cases[i].value);

      g_setenv (cases[i].variable, cases[i].value, TRUE);
      config = s3dlio_config_new_from_environment (&error);
      g_assert_false (s3dlio_config_load_environment (untouched, NULL));
      g_unsetenv (cases[i].variable);

      g_assert_null (config);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
      if (strstr (error->message, mention) == NULL)
        g_error ("error for %s does not name it: %s", mention, error->message);

      /* A failed load leaves the config as it was. */
      g_assert_cmpuint (s3dlio_config_get_part_size (untouched), ==, 8 * MiB);
      g_assert_cmpuint (s3dlio_config_get_max_inflight (untouched), ==, 64);
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GPtrArray *names = user_data;

  g_ptr_array_add (names, g_strdup (pspec->name));
}

static void
test_notify (void)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (config, "notify", G_CALLBACK (count_notify), names);

  s3dlio_config_set_part_size (config, 8 * MiB);   /* unchanged: no notify */
  s3dlio_config_set_max_inflight (config, 64);
  s3dlio_config_set_head_first (config, FALSE);
  g_assert_cmpuint (names->len, ==, 0);

  s3dlio_config_set_part_size (config, 16 * MiB);
  s3dlio_config_set_max_inflight (config, 8);
  s3dlio_config_set_head_first (config, TRUE);
  g_object_set (config, "max-retries", 5, NULL);
  g_assert_cmpuint (names->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "part-size");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "max-inflight");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "head-first");
  g_assert_cmpstr (g_ptr_array_index (names, 3), ==, "max-retries");

  g_setenv ("S3DLIO_GET_INFLIGHT", "3", TRUE);
  g_assert_true (s3dlio_config_load_environment (config, NULL));
  g_unsetenv ("S3DLIO_GET_INFLIGHT");
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (names, 4), ==, "max-inflight");
}

static void
test_set_from_string (void)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_config_set_from_string (config, "part-size", "16MiB", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_config_get_part_size (config), ==, 16 * MiB);

  g_assert_true (s3dlio_config_set_from_string (config, "optimized-http", "off", &error));
  g_assert_false (s3dlio_config_get_optimized_http (config));

  g_assert_false (s3dlio_config_set_from_string (config, "max-inflight", "0", &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "max-inflight"));
  g_assert_nonnull (strstr (error->message, "from 1 to 1024"));
  g_clear_error (&error);

  g_assert_false (s3dlio_config_set_from_string (config, "no-such-knob", "1", &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "no-such-knob"));
}

static void
test_dup (void)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(S3dlioConfig) copy = NULL;

  s3dlio_config_set_part_size (config, 1 * MiB);
  s3dlio_config_set_max_inflight (config, 3);
  s3dlio_config_set_worker_threads (config, 2);
  s3dlio_config_set_optimized_http (config, FALSE);
  s3dlio_config_set_io_timeout_ms (config, 777);

  copy = s3dlio_config_dup (config);
  g_assert_cmpuint (s3dlio_config_get_part_size (copy), ==, 1 * MiB);
  g_assert_cmpuint (s3dlio_config_get_max_inflight (copy), ==, 3);
  g_assert_cmpuint (s3dlio_config_get_worker_threads (copy), ==, 2);
  g_assert_false (s3dlio_config_get_optimized_http (copy));
  g_assert_cmpuint (s3dlio_config_get_io_timeout_ms (copy), ==, 777);

  s3dlio_config_set_part_size (config, 2 * MiB);
  g_assert_cmpuint (s3dlio_config_get_part_size (copy), ==, 1 * MiB);
}

static void
test_environment_variable_names (void)
{
  g_assert_cmpstr (s3dlio_config_get_environment_variable ("part-size"), ==, "S3DLIO_GET_PART_SIZE");
  g_assert_cmpstr (s3dlio_config_get_environment_variable ("max-inflight"), ==, "S3DLIO_GET_INFLIGHT");
  g_assert_cmpstr (s3dlio_config_get_environment_variable ("idle-timeout-ms"), ==, "S3DLIO_HTTP_IDLE_TIMEOUT_MS");
  g_assert_null (s3dlio_config_get_environment_variable ("nope"));
}

/* The upload knobs: defaults, environment, ranges, parsing and copies. */
static void
test_upload_knobs (void)
{
  static const EnvCase good[] = {
    { "S3DLIO_PUT_PART_SIZE", "16MiB", "upload-part-size", 16 * MiB },
    { "S3DLIO_PUT_PART_SIZE", "64K", "upload-part-size", 64 * 1024 },
    { "S3DLIO_PUT_THRESHOLD", "0", "upload-threshold", 0 },
    { "S3DLIO_PUT_THRESHOLD", "5GiB", "upload-threshold", 5 * 1024 * MiB },
    { "S3DLIO_PUT_INFLIGHT", "3", "upload-inflight", 3 },
    { "S3DLIO_PUT_UNSIGNED_PAYLOAD", "on", "unsigned-payload", TRUE },
  };
  static const char *const bad[][2] = {
    { "S3DLIO_PUT_PART_SIZE", "63K" },
    { "S3DLIO_PUT_PART_SIZE", "6GiB" },
    { "S3DLIO_PUT_THRESHOLD", "6G" },
    { "S3DLIO_PUT_INFLIGHT", "0" },
    { "S3DLIO_PUT_INFLIGHT", "1025" },
    { "S3DLIO_PUT_UNSIGNED_PAYLOAD", "perhaps" },
  };
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(S3dlioConfig) copy = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (s3dlio_config_get_upload_part_size (config), ==, 8 * MiB);
  g_assert_cmpuint (s3dlio_config_get_upload_threshold (config), ==, 32 * MiB);
  g_assert_cmpuint (s3dlio_config_get_upload_inflight (config), ==, 8);
  g_assert_false (s3dlio_config_get_unsigned_payload (config));

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(S3dlioConfig) from_env = NULL;

      g_setenv (good[i].variable, good[i].value, TRUE);
      from_env = s3dlio_config_new_from_environment (&error);
      g_unsetenv (good[i].variable);
      g_assert_no_error (error);
      g_assert_cmpuint (get_number (from_env, good[i].property), ==, good[i].expected);
      g_assert_cmpstr (s3dlio_config_get_environment_variable (good[i].property), ==, good[i].variable);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(S3dlioConfig) from_env = NULL;
      g_autofree char *mention = g_strdup_printf ("%s=%s", bad[i][0], bad[i][1]);

      g_setenv (bad[i][0], bad[i][1], TRUE);
      from_env = s3dlio_config_new_from_environment (&error);
      g_unsetenv (bad[i][0]);
      g_assert_null (from_env);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
      if (strstr (error->message, mention) == NULL)
        g_error ("error for %s does not name it: %s", mention, error->message);
      g_clear_error (&error);
    }

  /* Setters notify only on change. */
  g_signal_connect (config, "notify", G_CALLBACK (count_notify), names);
  s3dlio_config_set_upload_inflight (config, 8);
  s3dlio_config_set_unsigned_payload (config, FALSE);
  g_assert_cmpuint (names->len, ==, 0);
  s3dlio_config_set_upload_part_size (config, 5 * MiB);
  s3dlio_config_set_upload_threshold (config, 0);
  s3dlio_config_set_upload_inflight (config, 2);
  s3dlio_config_set_unsigned_payload (config, TRUE);
  g_assert_cmpuint (names->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "upload-part-size");
  g_assert_cmpstr (g_ptr_array_index (names, 3), ==, "unsigned-payload");

  g_assert_true (s3dlio_config_set_from_string (config, "upload-part-size", "6MiB", &error));
  g_assert_no_error (error);
  g_assert_false (s3dlio_config_set_from_string (config, "upload-part-size", "1K", &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "upload-part-size"));
  g_clear_error (&error);

  copy = s3dlio_config_dup (config);
  g_assert_cmpuint (s3dlio_config_get_upload_part_size (copy), ==, 6 * MiB);
  g_assert_cmpuint (s3dlio_config_get_upload_threshold (copy), ==, 0);
  g_assert_cmpuint (s3dlio_config_get_upload_inflight (copy), ==, 2);
  g_assert_true (s3dlio_config_get_unsigned_payload (copy));
}

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/parse-size", test_parse_size);
  g_test_add_func ("/config/parse-boolean", test_parse_boolean);
  g_test_add_func ("/config/invalid-utf8-in-messages", test_invalid_utf8_in_messages);
  g_test_add_func ("/config/environment/values", test_environment_values);
  g_test_add_func ("/config/environment/alias-precedence", test_environment_alias_precedence);
  g_test_add_func ("/config/environment/bad-values", test_environment_bad_values);
  g_test_add_func ("/config/notify", test_notify);
  g_test_add_func ("/config/set-from-string", test_set_from_string);
  g_test_add_func ("/config/dup", test_dup);
  g_test_add_func ("/config/environment-variable-names", test_environment_variable_names);
  g_test_add_func ("/config/upload-knobs", test_upload_knobs);

  return g_test_run ();
}
