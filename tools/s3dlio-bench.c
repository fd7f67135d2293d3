/* s3dlio-bench.c: s3dlio bench [URI]
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-tool"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "s3dlio-tool.h"

static char *size_text;
static int count = 1;
static int runs = 3;
static char *sweep_text;

static const GOptionEntry entries[] = {
  { "size", 's', 0, G_OPTION_ARG_STRING, &size_text,
    N_("Size of each test object on the loopback endpoint (default 1GiB)"), N_("SIZE") },
  { "count", 'n', 0, G_OPTION_ARG_INT, &count,
    N_("Number of test objects (default 1)"), N_("N") },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs,
    N_("Measurements of each mode; the median is shown (default 3)"), N_("N") },
  { "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep_text,
    N_("In-flight values to sweep (default 1,2,4,8,16,64)"), N_("N,N,…") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &s3dlio_tool_options.json,
    N_("Print one JSON object per mode"), NULL },
  { NULL }
};

typedef struct {
  char     *name;           /* the "mode" of --json, never translated */
  char     *label;          /* the name in the table, translated */
  gboolean  single;
  gboolean  head_first;
  guint     inflight;       /* 0: the configured value */
  GArray   *seconds;        /* double, one per run (all objects) */
  GArray   *cpu;            /* double */
  guint     requests;
} Mode;

static void
mode_free (gpointer data)
{
  Mode *mode = data;

  g_free (mode->name);
  g_free (mode->label);
  g_array_unref (mode->seconds);
  g_array_unref (mode->cpu);
  g_free (mode);
}

static Mode *
mode_new (const char *name,
          const char *label,
          gboolean    single,
          gboolean    head_first,
          guint       inflight)
{
  Mode *mode = g_new0 (Mode, 1);

  mode->name = g_strdup (name);
  mode->label = g_strdup (label);
  mode->single = single;
  mode->head_first = head_first;
  mode->inflight = inflight;
  mode->seconds = g_array_new (FALSE, FALSE, sizeof (double));
  mode->cpu = g_array_new (FALSE, FALSE, sizeof (double));
  return mode;
}

/* @text and spaces up to @width characters: printf() pads to a width in
 * bytes, and a translation may have characters of several bytes. */
static char *
pad (const char *text,
     guint       width,
     gboolean    left_aligned)
{
  glong length = g_utf8_strlen (text, -1);
  g_autofree char *spaces = g_strnfill (length < (glong) width ? width - length : 0, ' ');

  return left_aligned ? g_strconcat (text, spaces, NULL) : g_strconcat (spaces, text, NULL);
}

static double
cpu_now (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_copy (values);

  g_array_sort (sorted, compare_double);
  if (sorted->len == 0)
    return 0;
  if (sorted->len % 2 == 1)
    return g_array_index (sorted, double, sorted->len / 2);
  return (g_array_index (sorted, double, sorted->len / 2 - 1) +
          g_array_index (sorted, double, sorted->len / 2)) / 2;
}

/* Random, incompressible and fast to make: xorshift64*. */
static GBytes *
make_object (gsize   size,
             guint64 seed)
{
  guint64 *words = g_malloc ((size + 7) & ~(gsize) 7);
  guint64 x = seed * 0x9E3779B97F4A7C15ull + 1;

  for (gsize i = 0; i < (size + 7) / 8; i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      words[i] = x * 0x2545F4914F6CDD1Dull;
    }
  return g_bytes_new_take (words, size);
}

static gboolean
measure (S3dlioClient  *client,
         GPtrArray     *uris,
         Mode          *mode,
         guint64        total_bytes,
         GError       **error)
{
  S3dlioConfig *config = s3dlio_client_get_config (client);
  guint saved_inflight = s3dlio_config_get_max_inflight (config);
  double cpu = cpu_now ();
  gint64 start = g_get_monotonic_time ();
  double seconds;
  guint requests = 0;

  s3dlio_config_set_single_request (config, mode->single);
  s3dlio_config_set_head_first (config, mode->head_first);
  if (mode->inflight > 0)
    s3dlio_config_set_max_inflight (config, mode->inflight);

  for (guint i = 0; i < uris->len; i++)
    {
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (g_ptr_array_index (uris, i));

      s3dlio_transfer_set_discard (transfer);
      if (!s3dlio_client_download (client, transfer, s3dlio_tool_get_cancellable (), error))
        return FALSE;
      requests += s3dlio_transfer_get_requests (transfer);
    }

  seconds = (g_get_monotonic_time () - start) / 1e6;
  cpu = cpu_now () - cpu;
  s3dlio_config_set_max_inflight (config, saved_inflight);

  g_array_append_val (mode->seconds, seconds);
  g_array_append_val (mode->cpu, cpu);
  mode->requests = requests;

  if (!s3dlio_tool_options.json && !s3dlio_tool_options.quiet)
    {
      g_autofree char *label = pad (mode->label, 28, TRUE);

      g_printerr ("  %s %6.2f GB/s\n", label, total_bytes / seconds / 1e9);
    }

  return TRUE;
}

/* The table: a header, then a row per mode. @shared_cpu marks the CPU
 * column with the footnote that the loopback endpoint's CPU is in it. */
static void
print_table (GPtrArray *modes,
             guint64    total_bytes,
             gboolean   shared_cpu)
{
  double gib = total_bytes / (double) (1 << 30);
  g_autofree char *cpu_text = g_strconcat (_("CPU s/GiB"), shared_cpu ? "*" : "", NULL);
  /* Translators: the headers of bench's table; each column is as wide as
   * the padding here (30, 8, 10 and 12 characters), keep them shorter. */
  g_autofree char *mode_header = pad (_("mode"), 30, TRUE);
  g_autofree char *rate_header = pad (_("GB/s"), 8, FALSE);
  g_autofree char *requests_header = pad (_("requests"), 10, FALSE);
  g_autofree char *cpu_header = pad (cpu_text, 12, FALSE);

  g_print ("\n%s %s %s %s\n", mode_header, rate_header, requests_header, cpu_header);
  for (guint i = 0; i < modes->len; i++)
    {
      Mode *mode = g_ptr_array_index (modes, i);
      g_autofree char *label = pad (mode->label, 30, TRUE);

      g_print ("%s %8.2f %10u %12.2f\n", label,
               total_bytes / median (mode->seconds) / 1e9, mode->requests,
               median (mode->cpu) / gib);
    }
}

/* One JSON object per mode: its keys and mode names are for programs, and
 * never translated. */
static void
print_json (GPtrArray *modes,
            guint64    total_bytes)
{
  double gib = total_bytes / (double) (1 << 30);

  for (guint i = 0; i < modes->len; i++)
    {
      Mode *mode = g_ptr_array_index (modes, i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, mode->name);
      json_builder_set_member_name (builder, "gbps");
      json_builder_add_double_value (builder, total_bytes / median (mode->seconds) / 1e9);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, median (mode->seconds));
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, mode->requests);
      json_builder_set_member_name (builder, "cpu_seconds_per_gib");
      json_builder_add_double_value (builder, median (mode->cpu) / gib);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, total_bytes);
      json_builder_set_member_name (builder, "runs");
      json_builder_add_int_value (builder, mode->seconds->len);
      json_builder_end_object (builder);
      s3dlio_tool_print_json (builder);
    }
}

static void
report (GPtrArray *modes,
        guint64    total_bytes,
        gboolean   shared_cpu)
{
  if (s3dlio_tool_options.json)
    print_json (modes, total_bytes);
  else
    print_table (modes, total_bytes, shared_cpu);
}

static gboolean
parse_sweep (const char  *text,
             GArray      *values,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 1024, &n, NULL))
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("--sweep: “%s” is not a number from 1 to 1024"), parts[i]);
          return FALSE;
        }
      g_array_append_vals (values, &(guint) { n }, 1);
    }
  return TRUE;
}

/* The endpoint URL the options, the environment or the profile give, in
 * @url (%NULL when none does: AWS). */
static gboolean
get_configured_endpoint_url (char   **url,
                             GError **error)
{
  S3dlioToolOptions *o = &s3dlio_tool_options;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  endpoint = s3dlio_endpoint_new_with_overrides (o->profile, o->endpoint_url, NULL,
                                                 S3DLIO_ADDRESSING_STYLE_AUTO, NULL, error);
  if (endpoint == NULL)
    return FALSE;
  *url = g_strdup (s3dlio_endpoint_get_url (endpoint));
  return TRUE;
}

int
s3dlio_tool_bench (int      argc,
                   char   **argv,
                   gboolean do_help)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioServer) server = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) modes = g_ptr_array_new_with_free_func (mode_free);
  g_autoptr(GArray) sweep = g_array_new (FALSE, FALSE, sizeof (guint));
  guint64 size = G_GUINT64_CONSTANT (1) << 30;
  guint64 total_bytes = 0;

  context = s3dlio_tool_option_context_new ("bench", _("[URI]"),
                                            _("Measure how fast objects download: one plain GET, HEAD first (the seed's way),\n"
                                              "the size-aware GET, and the size-aware GET over a sweep of in-flight values.\n"
                                              "Without URI, when no endpoint is configured, starts a loopback S3 endpoint in\n"
                                              "this process with test objects, so it needs no account and no configuration.\n"
                                              "With URI, measures that object."),
                                            TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (do_help)
    return s3dlio_tool_show_help (context);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return s3dlio_tool_usage_error (context, error->message);
  if (argc > 2)
    return s3dlio_tool_usage_error (context, _("Give at most one object URI"));
  if (size_text != NULL && !s3dlio_parse_size (size_text, &size, &error))
    {
      g_autofree char *message = g_strdup_printf ("--size: %s", error->message);

      return s3dlio_tool_usage_error (context, message);
    }
  if (size == 0 || size > (G_GUINT64_CONSTANT (64) << 30))
    {
      g_autofree char *message = g_strdup_printf (_("--size must be from 1 byte to 64 GiB, not “%s”"), size_text);

      return s3dlio_tool_usage_error (context, message);
    }
  if (count < 1 || count > 10000)
    return s3dlio_tool_range_error (context, "--count", count, 1, 10000);
  if ((guint64) count * size > (G_GUINT64_CONSTANT (64) << 30))
    return s3dlio_tool_usage_error (context, _("--count times --size must be at most 64 GiB"));
  if (runs < 1 || runs > 100)
    return s3dlio_tool_range_error (context, "--runs", runs, 1, 100);
  if (!parse_sweep (sweep_text ? sweep_text : "1,2,4,8,16,64", sweep, &error))
    return s3dlio_tool_usage_error (context, error->message);
  s3dlio_tool_apply_output_options ();

  if (argc == 2)
    {
      g_autoptr(S3dlioObjectInfo) info = NULL;
      S3dlioUri *uri = s3dlio_tool_parse_s3_uri (argv[1], &error);

      if (uri == NULL)
        return s3dlio_tool_usage_error (context, error->message);
      g_ptr_array_add (uris, uri);
      if (s3dlio_uri_is_prefix (uri))
        return s3dlio_tool_usage_error (context, _("That is a prefix, not an object: bench measures one object"));
      if (!(client = s3dlio_tool_make_client (&error)))
        return s3dlio_tool_client_failed (context, error);
      if (!(info = s3dlio_client_stat (client, uri, s3dlio_tool_get_cancellable (), &error)))
        return s3dlio_tool_failed (error);
      total_bytes = s3dlio_object_info_get_size (info);
    }
  else
    {
      g_autoptr(S3dlioEndpoint) endpoint = NULL;
      g_autoptr(S3dlioConfig) config = NULL;
      g_autofree char *server_uri = NULL;
      g_autofree char *configured_url = NULL;
      g_autofree char *size_label = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);

      /* Before making the test objects, which can take a while: a bad
       * value (option or environment) is told at once. */
      if (!(config = s3dlio_tool_make_config (&error)))
        return s3dlio_tool_client_failed (context, error);
      /* Whoever configured an endpoint most likely means to measure it:
       * measuring a loopback endpoint instead would mislead. */
      if (!get_configured_endpoint_url (&configured_url, &error))
        return s3dlio_tool_client_failed (context, error);
      if (configured_url != NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("An endpoint is configured (%s): give the URI of an object there "
                               "to measure, as in “s3dlio bench s3://BUCKET/KEY”; bench starts a "
                               "loopback endpoint only when none is configured"),
                             configured_url);

          return s3dlio_tool_usage_error (context, message);
        }

      server = s3dlio_server_new (NULL);
      if (!s3dlio_server_start (server, &error) ||
          !s3dlio_server_create_bucket (server, "bench", &error))
        return s3dlio_tool_failed (error);

      if (!s3dlio_tool_options.json)
        g_printerr (_("Preparing %d object(s) of %s on a loopback S3 endpoint in this process…\n"),
                    count, size_label);
      for (int i = 0; i < count; i++)
        {
          g_autofree char *key = g_strdup_printf ("object-%d", i);
          g_autoptr(GBytes) data = make_object (size, i + 1);

          if (!s3dlio_server_put_object (server, "bench", key, data, &error))
            return s3dlio_tool_failed (error);
          g_ptr_array_add (uris, s3dlio_uri_new_s3 ("bench", key, NULL));
        }
      total_bytes = size * count;

      server_uri = s3dlio_server_get_uri (server);
      if (!(endpoint = s3dlio_endpoint_new (server_uri, NULL, &error)))
        return s3dlio_tool_failed (error);
      client = s3dlio_client_new (endpoint, NULL, config);
      if (!s3dlio_tool_options.json)
        g_printerr (_("Endpoint %s; %d run(s) of each mode, medians shown.\n"), server_uri, runs);
    }

  g_ptr_array_add (modes, mode_new ("single GET", _("single GET"), TRUE, FALSE, 0));
  g_ptr_array_add (modes, mode_new ("HEAD first", _("HEAD first"), FALSE, TRUE, 0));
  g_ptr_array_add (modes, mode_new ("size-aware", _("size-aware"), FALSE, FALSE, 0));
  for (guint i = 0; i < sweep->len; i++)
    {
      guint inflight = g_array_index (sweep, guint, i);
      g_autofree char *name = g_strdup_printf ("size-aware, %u in flight", inflight);
      g_autofree char *label = g_strdup_printf (_("size-aware, %u in flight"), inflight);

      g_ptr_array_add (modes, mode_new (name, label, FALSE, FALSE, inflight));
    }

  /* Runs are interleaved, so that a noisy moment hits every mode alike. */
  for (int run = 0; run < runs; run++)
    {
      if (!s3dlio_tool_options.json && !s3dlio_tool_options.quiet)
        g_printerr (_("Run %d of %d\n"), run + 1, runs);
      for (guint i = 0; i < modes->len; i++)
        if (!measure (client, uris, g_ptr_array_index (modes, i), total_bytes, &error))
          return s3dlio_tool_failed (error);
    }

  report (modes, total_bytes, server != NULL);
  if (server != NULL && !s3dlio_tool_options.json)
    g_print ("\n%s\n", _("* CPU of the whole process: the client and the loopback endpoint share it."));

  return S3DLIO_TOOL_EXIT_OK;
}
