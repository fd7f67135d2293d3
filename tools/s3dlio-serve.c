/* s3dlio-serve.c: s3dlio serve DIR
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <string.h>

#include "s3dlio-tool.h"

static int port;
static char *address;
static char *access_key_id;
static char *secret_access_key;
static gboolean memory;
static char **fault_specs;

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (default: any free port)"), N_("PORT") },
  { "address", 'a', 0, G_OPTION_ARG_STRING, &address, N_("Address to listen on (default 127.0.0.1)"), N_("ADDRESS") },
  { "access-key-id", 0, 0, G_OPTION_ARG_STRING, &access_key_id,
    N_("Require requests signed with this key id (and --secret-access-key)"), N_("ID") },
  { "secret-access-key", 0, 0, G_OPTION_ARG_STRING, &secret_access_key,
    N_("The secret for --access-key-id"), N_("SECRET") },
  { "memory", 'm', 0, G_OPTION_ARG_NONE, &memory,
    N_("Keep buckets and objects in memory instead of serving DIR"), NULL },
  { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fault_specs,
    N_("Inject a fault, to test clients: KIND[,key=GLOB][,method=M][,ranged][,skip=N][,count=N]"
       "[,status=N][,code=S3CODE][,after=SIZE][,ms=N], KIND one of status, reset, stall, short-body, "
       "wrong-content-range, delay; may be repeated"), N_("SPEC") },
  { NULL }
};

/* {{{ --fault */

static gboolean
parse_number (const char  *spec,
              const char  *name,
              const char  *text,
              guint        min,
              guint        max,
              guint       *value,
              GError     **error)
{
  guint64 parsed;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("--fault “%s”: %s must be a whole number from %u to %u"), spec, name, min, max);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

/* The settings that take a whole number. */
static const struct {
  const char *name;
  guint       min;
  guint       max;
  void      (*set) (S3dlioServerFault *fault, guint value);
} number_settings[] = {
  { "skip", 0, G_MAXUINT, s3dlio_server_fault_set_skip },
  { "count", 0, G_MAXUINT, s3dlio_server_fault_set_count },
  { "ms", 0, G_MAXUINT, s3dlio_server_fault_set_stall_ms },
  { "status", 100, 599, s3dlio_server_fault_set_status },
};

/* One NAME=VALUE (or "ranged") of a fault specification. */
static gboolean
apply_fault_setting (S3dlioServerFault  *fault,
                     const char         *spec,
                     const char         *setting,
                     GError            **error)
{
  const char *equal = strchr (setting, '=');
  g_autofree char *name = equal ? g_strndup (setting, equal - setting) : g_strdup (setting);
  const char *value = equal ? equal + 1 : NULL;

  if (strcmp (name, "ranged") == 0 && value == NULL)
    {
      s3dlio_server_fault_set_only_ranged (fault, TRUE);
      return TRUE;
    }
  if (value == NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("--fault “%s”: expected NAME=VALUE, not “%s”"), spec, setting);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (number_settings); i++)
    if (strcmp (name, number_settings[i].name) == 0)
      {
        guint number;

        if (!parse_number (spec, name, value, number_settings[i].min, number_settings[i].max,
                           &number, error))
          return FALSE;
        number_settings[i].set (fault, number);
        return TRUE;
      }

  if (strcmp (name, "key") == 0)
    s3dlio_server_fault_set_key_pattern (fault, value);
  else if (strcmp (name, "method") == 0)
    s3dlio_server_fault_set_method (fault, value);
  else if (strcmp (name, "code") == 0)
    s3dlio_server_fault_set_s3_code (fault, value);
  else if (strcmp (name, "after") == 0)
    {
      g_autoptr(GError) local_error = NULL;
      guint64 size;

      if (!s3dlio_parse_size (value, &size, &local_error))
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       "--fault “%s”: %s", spec, local_error->message);
          return FALSE;
        }
      s3dlio_server_fault_set_after_bytes (fault, size);
    }
  else
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("--fault “%s”: unknown setting “%s”"), spec, name);
      return FALSE;
    }

  return TRUE;
}

/* "stall,key=big*,after=1M,ms=20000" */
static S3dlioServerFault *
parse_fault (const char  *spec,
             GError     **error)
{
  g_auto(GStrv) fields = g_strsplit (spec, ",", -1);
  g_autoptr(GEnumClass) kinds = g_type_class_ref (S3DLIO_TYPE_FAULT_KIND);
  g_autoptr(S3dlioServerFault) fault = NULL;
  GEnumValue *kind = fields[0] ? g_enum_get_value_by_nick (kinds, fields[0]) : NULL;

  /* replace-object needs content, which a command line does not give. */
  if (kind == NULL || kind->value == S3DLIO_FAULT_KIND_REPLACE_OBJECT)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("--fault “%s”: the kind must be status, reset, stall, short-body, wrong-content-range or delay"),
                   spec);
      return NULL;
    }

  fault = s3dlio_server_fault_new (kind->value);
  for (guint i = 1; fields[i] != NULL; i++)
    if (!apply_fault_setting (fault, spec, fields[i], error))
      return NULL;

  return g_steal_pointer (&fault);
}

/* }}} */

int
s3dlio_tool_serve (int      argc,
                   char   **argv,
                   gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioServer) server = NULL;
  g_autoptr(GSource) stop = NULL;
  g_autofree char *uri = NULL;
  GCancellable *cancellable = s3dlio_tool_get_cancellable ();

  context = s3dlio_tool_option_context_new ("serve", _("DIR"),
                                            _("Serve DIR as a local S3 endpoint: each subdirectory is a bucket, each file\n"
                                              "below it an object. Listens on 127.0.0.1 unless told otherwise. With --memory,\n"
                                              "everything is kept in memory and no DIR is given."),
                                            FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (!memory && argc != 2)
    return s3dlio_tool_usage_error (context, _("Give the directory to serve"));
  if (memory && argc != 1)
    return s3dlio_tool_usage_error (context, _("--memory serves no directory"));
  if (port < 0 || port > 65535)
    return s3dlio_tool_range_error (context, "--port", port, 0, 65535);
  if ((access_key_id == NULL) != (secret_access_key == NULL))
    return s3dlio_tool_usage_error (context, _("--access-key-id and --secret-access-key go together"));
  s3dlio_tool_apply_output_options ();

  if (!memory && !g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("“%s” is not a directory"), argv[1]);
      return s3dlio_tool_failed (error);
    }

  server = s3dlio_server_new (memory ? NULL : argv[1]);
  for (guint i = 0; fault_specs != NULL && fault_specs[i] != NULL; i++)
    {
      g_autoptr(S3dlioServerFault) fault = parse_fault (fault_specs[i], &error);

      if (fault == NULL)
        return s3dlio_tool_usage_error (context, error->message);
      s3dlio_server_add_fault (server, fault);
    }
  s3dlio_server_set_port (server, port);
  if (address != NULL)
    s3dlio_server_set_address (server, address);
  if (access_key_id != NULL)
    {
      g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (access_key_id, secret_access_key, NULL);

      s3dlio_server_set_credentials (server, credentials);
    }

  /* A bad --address is a usage error; a port in use is a failure. */
  if (!s3dlio_server_start (server, &error))
    return s3dlio_tool_client_failed (context, error);

  uri = s3dlio_server_get_uri (server);
  if (memory)
    g_print (_("Serving memory at %s (press Ctrl+C to stop)\n"), uri);
  else
    g_print (_("Serving %s at %s (press Ctrl+C to stop)\n"), argv[1], uri);
  g_print (_("Try: s3dlio ls --endpoint-url %s%s\n"), uri,
           access_key_id ? "" : " --no-sign-request");

  /* The signal thread cancels; this loop wakes up and ends. */
  stop = g_cancellable_source_new (cancellable);
  g_source_set_dummy_callback (stop);
  g_source_attach (stop, NULL);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);

  s3dlio_server_stop (server);
  return S3DLIO_TOOL_EXIT_OK;
}
