/* s3dlio-tool.c: what the commands of the s3dlio tool share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "s3dlio-tool.h"

S3dlioToolOptions s3dlio_tool_options;

static GCancellable *cancellable;

static const GOptionEntry global_entries[] = {
  { "endpoint-url", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.endpoint_url,
    N_("Use this endpoint instead of AWS (also AWS_ENDPOINT_URL)"), N_("URL") },
  { "region", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.region,
    N_("Region to sign for (also AWS_REGION)"), N_("REGION") },
  { "profile", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.profile,
    N_("Profile of ~/.aws/config and ~/.aws/credentials to use"), N_("NAME") },
  { "no-sign-request", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.no_sign_request,
    N_("Send anonymous requests, without credentials"), NULL },
  { "ca-bundle", 0, 0, G_OPTION_ARG_FILENAME, &s3dlio_tool_options.ca_bundle,
    N_("Trust the certificates in this file (also AWS_CA_BUNDLE)"), N_("FILE") },
  { "path-style", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.path_style,
    N_("Address buckets in the path (http://host/bucket/key)"), NULL },
  { "virtual-hosted", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.virtual_hosted,
    N_("Address buckets in the host name (http://bucket.host/key)"), NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.verbose,
    N_("Say more about what happens"), NULL },
  { "debug", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.debug,
    N_("Log every request (never secrets)"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.quiet,
    N_("Show no progress"), NULL },
  { "progress", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.progress,
    N_("Show progress even when not on a terminal"), NULL },
  { NULL }
};

static const GOptionEntry tuning_entries[] = {
  { "part-size", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.part_size,
    N_("Size of each ranged GET or uploaded part (S3DLIO_GET_PART_SIZE, S3DLIO_PUT_PART_SIZE)"), N_("SIZE") },
  { "inflight", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.inflight,
    N_("Ranged GETs or parts in flight per object (S3DLIO_GET_INFLIGHT, S3DLIO_PUT_INFLIGHT)"), N_("N") },
  { "threshold", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.threshold,
    N_("Split objects of at least this size (S3DLIO_GET_THRESHOLD, S3DLIO_PUT_THRESHOLD)"), N_("SIZE") },
  { "connections", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.connections,
    N_("Connections per host (S3DLIO_MAX_HTTP_CONNECTIONS)"), N_("N") },
  { "threads", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.threads,
    N_("Worker threads (S3DLIO_RT_THREADS)"), N_("N") },
  { "retries", 0, 0, G_OPTION_ARG_STRING, &s3dlio_tool_options.retries,
    N_("Retries of a failed request (S3DLIO_MAX_RETRIES)"), N_("N") },
  { "head-first", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.head_first,
    N_("Learn the size with a HEAD request first"), NULL },
  { "single", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.single,
    N_("One plain GET per object, no ranges"), NULL },
  { NULL }
};

GOptionContext *
s3dlio_tool_option_context_new (const char *command,
                                const char *parameter_string,
                                const char *summary,
                                gboolean    transfer_options)
{
  g_autofree char *prgname = g_strdup_printf ("s3dlio %s", command);
  GOptionContext *context = g_option_context_new (parameter_string);
  GOptionGroup *group;

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);

  group = g_option_group_new ("global", _("Connection and output options:"),
                              _("Show connection and output options"), NULL, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, global_entries);
  g_option_context_add_group (context, group);

  if (transfer_options)
    {
      group = g_option_group_new ("tuning", _("Tuning options (override the S3DLIO_* environment):"),
                                  _("Show tuning options"), NULL, NULL);
      g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
      g_option_group_add_entries (group, tuning_entries);
      g_option_context_add_group (context, group);
    }

  return context;
}

int
s3dlio_tool_usage_error (GOptionContext *context,
                         const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (message != NULL)
    g_printerr ("s3dlio: %s\n\n", message);
  g_printerr ("%s", help);
  return S3DLIO_TOOL_EXIT_USAGE;
}

int
s3dlio_tool_range_error (GOptionContext *context,
                         const char     *option,
                         int             value,
                         int             minimum,
                         int             maximum)
{
  g_autofree char *message = g_strdup_printf (_("%s must be from %d to %d, not %d"),
                                              option, minimum, maximum, value);

  return s3dlio_tool_usage_error (context, message);
}

int
s3dlio_tool_show_help (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_print ("%s", help);
  return S3DLIO_TOOL_EXIT_OK;
}

int
s3dlio_tool_failed (const GError *error)
{
  s3dlio_tool_end_progress ();
  g_printerr ("s3dlio: %s\n", error->message);
  return S3DLIO_TOOL_EXIT_FAILED;
}

int
s3dlio_tool_client_failed (GOptionContext *context,
                           const GError   *error)
{
  /* The library says INVALID_ARGUMENT for what it was given (--region,
   * --endpoint-url, the tuning options); the environment and the profile
   * files give INVALID_CONFIG. */
  if (g_error_matches (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT))
    return s3dlio_tool_usage_error (context, error->message);
  return s3dlio_tool_failed (error);
}

void
s3dlio_tool_message (const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  s3dlio_tool_end_progress ();
  g_printerr ("s3dlio: %s\n", message);
}

void
s3dlio_tool_print_batch_summary (S3dlioBatch *batch)
{
  double seconds = s3dlio_batch_get_elapsed (batch);
  guint64 bytes = s3dlio_batch_get_bytes_done (batch);
  guint n = s3dlio_batch_get_objects_done (batch);
  g_autofree char *bytes_text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

  s3dlio_tool_message (g_dngettext (GETTEXT_PACKAGE,
                                    "%u object, %s bytes in %.3f s (%.2f GB/s)",
                                    "%u objects, %s bytes in %.3f s (%.2f GB/s)", n),
                       n, bytes_text, seconds, seconds > 0 ? bytes / seconds / 1e9 : 0.0);
}

void
s3dlio_tool_apply_output_options (void)
{
  /* G_MESSAGES_DEBUG is read when the first message is logged. --verbose
   * prints with g_printerr(): GLib matches debug domains as substrings, so
   * "s3dlio-tool" alone would let the library's "s3dlio" through.
   * "s3dlio-server" is the loopback endpoint of serve and bench: one line
   * per request it answers (never a signature or a token). */
  if (s3dlio_tool_options.debug)
    g_setenv ("G_MESSAGES_DEBUG", "s3dlio s3dlio-server s3dlio-tool", TRUE);
}

static gboolean
set_knob (S3dlioConfig  *config,
          const char    *property,
          const char    *option,
          const char    *value,
          GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (value == NULL)
    return TRUE;

  if (!s3dlio_config_set_from_string (config, property, value, &local_error))
    {
      g_autofree char *prefix = g_strconcat (property, ": ", NULL);
      const char *message = local_error->message;

      /* The library names the property ("max-inflight: …"); the user
       * gave the option, which is named instead. */
      if (g_str_has_prefix (message, prefix))
        message += strlen (prefix);
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   "--%s: %s", option, message);
      return FALSE;
    }
  return TRUE;
}

S3dlioConfig *
s3dlio_tool_make_config (GError **error)
{
  g_autoptr(S3dlioConfig) config = s3dlio_config_new_from_environment (error);
  S3dlioToolOptions *o = &s3dlio_tool_options;

  if (config == NULL ||
      !set_knob (config, o->upload ? "upload-part-size" : "part-size", "part-size", o->part_size, error) ||
      !set_knob (config, o->upload ? "upload-inflight" : "max-inflight", "inflight", o->inflight, error) ||
      !set_knob (config, o->upload ? "upload-threshold" : "threshold", "threshold", o->threshold, error) ||
      !set_knob (config, "max-connections-per-host", "connections", o->connections, error) ||
      !set_knob (config, "worker-threads", "threads", o->threads, error) ||
      !set_knob (config, "max-retries", "retries", o->retries, error))
    return NULL;

  if (o->head_first)
    s3dlio_config_set_head_first (config, TRUE);
  if (o->single)
    s3dlio_config_set_single_request (config, TRUE);

  return g_steal_pointer (&config);
}

S3dlioClient *
s3dlio_tool_make_client (GError **error)
{
  S3dlioToolOptions *o = &s3dlio_tool_options;
  S3dlioAddressingStyle style = S3DLIO_ADDRESSING_STYLE_AUTO;
  g_autoptr(S3dlioConfig) config = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  if (o->path_style && o->virtual_hosted)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("--path-style and --virtual-hosted cannot be used together"));
      return NULL;
    }
  if (o->path_style)
    style = S3DLIO_ADDRESSING_STYLE_PATH;
  else if (o->virtual_hosted)
    style = S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED;

  if (!(config = s3dlio_tool_make_config (error)))
    return NULL;

  endpoint = s3dlio_endpoint_new_with_overrides (o->profile, o->endpoint_url, o->region,
                                                 style, o->ca_bundle, error);
  if (endpoint == NULL)
    return NULL;

  if (o->no_sign_request)
    credentials = s3dlio_credentials_new_anonymous ();
  /* Without credentials, the error says where it looked and points to
   * --no-sign-request. */
  else if (!(credentials = s3dlio_credentials_new_from_environment (o->profile, error)))
    return NULL;

  if (o->verbose)
    {
      g_autofree char *where = s3dlio_endpoint_to_string (endpoint);
      g_autofree char *who = s3dlio_credentials_to_string (credentials);

      s3dlio_tool_message (_("endpoint %s, %s"), where, who);
    }

  return s3dlio_client_new (endpoint, credentials, config);
}

S3dlioObjectStore *
s3dlio_tool_make_store (S3dlioUri  *uri,
                        GError    **error)
{
  g_autoptr(S3dlioConfig) config = NULL;

  /* Only S3 needs an endpoint and credentials: "info file:///x" works
   * without any AWS configuration. */
  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3)
    return (S3dlioObjectStore *) s3dlio_tool_make_client (error);

  if (!(config = s3dlio_tool_make_config (error)))
    return NULL;
  return S3DLIO_OBJECT_STORE (s3dlio_file_store_new (config));
}

GPtrArray *
s3dlio_tool_make_stores (GPtrArray  *uris,
                         GError    **error)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  int first[S3DLIO_URI_SCHEME_FILE + 1] = { -1, -1 };    /* by scheme */

  for (guint i = 0; i < uris->len; i++)
    {
      S3dlioUri *uri = g_ptr_array_index (uris, i);
      S3dlioUriScheme scheme = s3dlio_uri_get_scheme (uri);
      S3dlioObjectStore *store;

      if (first[scheme] >= 0)
        store = g_object_ref (g_ptr_array_index (stores, first[scheme]));
      else if ((store = s3dlio_tool_make_store (uri, error)) != NULL)
        first[scheme] = i;
      else
        return NULL;
      g_ptr_array_add (stores, store);
    }

  return g_steal_pointer (&stores);
}

S3dlioUri *
s3dlio_tool_parse_location (const char  *text,
                            GError     **error)
{
  g_autofree char *absolute = NULL;

  if (text != NULL && strstr (text, "://") == NULL && text[0] != '\0')
    {
      /* A local path, as cp(1) takes it. A trailing "/" is kept. */
      if (g_path_is_absolute (text))
        absolute = g_strdup (text);
      else
        {
          g_autofree char *cwd = g_get_current_dir ();

          absolute = g_build_filename (cwd, text, NULL);
          if (g_str_has_suffix (text, "/") && !g_str_has_suffix (absolute, "/"))
            {
              char *with_slash = g_strconcat (absolute, "/", NULL);

              g_free (absolute);
              absolute = with_slash;
            }
        }
      return s3dlio_uri_new_file (absolute);
    }

  return s3dlio_uri_parse (text, error);
}

S3dlioUri *
s3dlio_tool_parse_s3_uri (const char  *text,
                          GError     **error)
{
  g_autoptr(S3dlioUri) uri = s3dlio_tool_parse_location (text, error);

  if (uri == NULL)
    return NULL;
  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_S3)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("“%s” is not an s3:// URI"), text);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

/* "s3://bucket" or "s3://bucket/": a bucket and nothing else. */
S3dlioUri *
s3dlio_tool_parse_bucket_uri (const char  *text,
                              GError     **error)
{
  g_autoptr(S3dlioUri) uri = s3dlio_tool_parse_s3_uri (text, error);

  if (uri == NULL)
    return NULL;
  if (s3dlio_uri_get_key (uri)[0] != '\0')
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("“%s” names a key: give a bucket, as s3://BUCKET"), text);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

/* Signals: a thread of its own waits for them, since the operations run
 * in main contexts of their own where a GLib signal source never fires. */

static gpointer
signal_thread (gpointer data)
{
  sigset_t *set = data;
  guint received = 0;

  for (;;)
    {
      int signum = 0;

      if (sigwait (set, &signum) != 0)
        continue;
      if (++received > 1)
        _exit (S3DLIO_TOOL_EXIT_FAILED);
      g_cancellable_cancel (cancellable);
    }

  return NULL;
}

void
s3dlio_tool_init_signals (void)
{
  static sigset_t set;

  cancellable = g_cancellable_new ();
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  g_thread_unref (g_thread_new ("s3dlio-signals", signal_thread, &set));
}

GCancellable *
s3dlio_tool_get_cancellable (void)
{
  return cancellable;
}

/* Progress. */

static gboolean progress_drawn;

gboolean
s3dlio_tool_show_progress (void)
{
  if (s3dlio_tool_options.quiet || s3dlio_tool_options.json)
    return FALSE;
  return s3dlio_tool_options.progress || isatty (STDERR_FILENO);
}

static char *
format_eta (double seconds)
{
  guint s = (guint) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, (s / 60) % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

/* One line, redrawn in place: "12.0 MiB / 1.0 GiB  1%  2.10 GB/s  ETA 0:04  DETAIL". */
void
s3dlio_tool_draw_progress (guint64     done,
                           guint64     total,
                           double      rate,
                           const char *detail)
{
  g_autofree char *done_text = g_format_size_full (done, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *total_text = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *eta = rate > 0 ? format_eta (total > done ? (total - done) / rate : 0) : g_strdup ("-:--");
  double percent = total > 0 ? 100.0 * MIN (done, total) / total : 0;

  if (total > 0)
    g_printerr ("\r%s / %s  %3.0f%%  %.2f GB/s  %s %s  %s   ",
                done_text, total_text, percent, rate / 1e9, _("ETA"), eta, detail);
  else
    g_printerr ("\r%s  %.2f GB/s  %s   ", done_text, rate / 1e9, detail);
  progress_drawn = TRUE;
}

static void
transfer_progress (S3dlioTransfer *transfer,
                   gpointer        user_data)
{
  guint in_flight = s3dlio_transfer_get_parts_in_flight (transfer);
  g_autofree char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u part in flight",
                                                          "%u parts in flight", in_flight),
                                             in_flight);

  s3dlio_tool_draw_progress (s3dlio_transfer_get_bytes_done (transfer), s3dlio_transfer_get_length (transfer),
                             s3dlio_transfer_get_throughput (transfer), detail);
}

void
s3dlio_tool_attach_progress (S3dlioTransfer *transfer)
{
  if (!s3dlio_tool_show_progress ())
    return;

  s3dlio_transfer_set_progress_interval (transfer, 250);
  g_signal_connect (transfer, "progress", G_CALLBACK (transfer_progress), NULL);
}

static void
upload_progress (S3dlioUpload *upload,
                 gpointer      user_data)
{
  guint in_flight = s3dlio_upload_get_parts_in_flight (upload);
  g_autofree char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u part in flight",
                                                          "%u parts in flight", in_flight),
                                             in_flight);

  s3dlio_tool_draw_progress (s3dlio_upload_get_bytes_done (upload), s3dlio_upload_get_total_size (upload),
                             s3dlio_upload_get_throughput (upload), detail);
}

void
s3dlio_tool_attach_upload_progress (S3dlioUpload *upload)
{
  if (!s3dlio_tool_show_progress ())
    return;

  s3dlio_upload_set_progress_interval (upload, 250);
  g_signal_connect (upload, "progress", G_CALLBACK (upload_progress), NULL);
}

static void
batch_progress (S3dlioBatch *batch,
                gpointer     user_data)
{
  guint n = s3dlio_batch_get_n_objects (batch);
  g_autofree char *detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u/%u object, %u in flight",
                                                          "%u/%u objects, %u in flight", n),
                                             s3dlio_batch_get_objects_done (batch), n,
                                             s3dlio_batch_get_objects_in_flight (batch));

  s3dlio_tool_draw_progress (s3dlio_batch_get_bytes_done (batch), s3dlio_batch_get_total_bytes (batch),
                             s3dlio_batch_get_average_throughput (batch), detail);
}

void
s3dlio_tool_attach_batch_progress (S3dlioBatch *batch)
{
  if (!s3dlio_tool_show_progress ())
    return;

  s3dlio_batch_set_progress_interval (batch, 250);
  g_signal_connect (batch, "progress", G_CALLBACK (batch_progress), NULL);
}

void
s3dlio_tool_end_progress (void)
{
  if (progress_drawn)
    g_printerr ("\n");
  progress_drawn = FALSE;
}

char *
s3dlio_tool_format_size (guint64  size,
                         gboolean human)
{
  if (human)
    return g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, size);
}

char *
s3dlio_tool_format_date (GDateTime *date)
{
  g_autoptr(GDateTime) utc = NULL;

  if (date == NULL)
    return NULL;
  utc = g_date_time_to_utc (date);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

void
s3dlio_tool_json_add_string (JsonBuilder *builder,
                             const char  *name,
                             const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
s3dlio_tool_json_add_int (JsonBuilder *builder,
                          const char  *name,
                          gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
s3dlio_tool_json_add_double (JsonBuilder *builder,
                             const char  *name,
                             double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

void
s3dlio_tool_json_add_date (JsonBuilder *builder,
                           const char  *name,
                           GDateTime   *date)
{
  g_autofree char *text = s3dlio_tool_format_date (date);

  s3dlio_tool_json_add_string (builder, name, text);
}

void
s3dlio_tool_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}
