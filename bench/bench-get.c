/* bench-get.c: one measured download with libs3dlio, for bench/run-nginx.py
 *
 * Prints one line of JSON: seconds, CPU seconds (user + system, all
 * threads), bytes and requests. Not a test: see bench/README.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <s3dlio.h>

static char *endpoint_url;
static char *mode = "discard";
static char *strategy = "size-aware";
static char *part_size_text;
static int inflight;
static char *output;
static char *busy_poll_text;

static GOptionEntry entries[] = {
  { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint_url, "Endpoint URL", "URL" },
  { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode, "discard, memory, reused, file", "MODE" },
  { "strategy", 's', 0, G_OPTION_ARG_STRING, &strategy, "size-aware, single, head-first", "S" },
  { "part-size", 'p', 0, G_OPTION_ARG_STRING, &part_size_text, "Part size", "SIZE" },
  { "inflight", 'i', 0, G_OPTION_ARG_INT, &inflight, "Parts in flight", "N" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "File for --mode file", "PATH" },
  { "busy-poll", 'b', 0, G_OPTION_ARG_STRING, &busy_poll_text, "Busy polling, in microseconds", "US" },
  { NULL }
};

static void
cpu_seconds (double *user,
             double *sys)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  *user = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
  *sys = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static gboolean
run_once (S3dlioClient    *client,
          S3dlioUri       *uri,
          guint8          *buffer,
          gsize            size,
          S3dlioTransfer **out,
          GError         **error)
{
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);

  if (g_str_equal (mode, "discard"))
    s3dlio_transfer_set_discard (transfer);
  else if (g_str_equal (mode, "reused"))
    s3dlio_transfer_set_destination_buffer (transfer, buffer, size);
  else if (g_str_equal (mode, "file"))
    s3dlio_transfer_set_destination_path (transfer, output);

  if (!s3dlio_client_download (client, transfer, NULL, error))
    return FALSE;

  *out = g_steal_pointer (&transfer);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("s3://BUCKET/KEY");
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioConfig) config = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autofree guint8 *buffer = NULL;
  gsize size = 0;
  gint64 start;
  double user0, sys0, user1, sys1;
  double seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || endpoint_url == NULL)
    {
      g_printerr ("bench-get: %s\n", error ? error->message : "usage: bench-get -e URL s3://b/k");
      return 1;
    }

  if (!(uri = s3dlio_uri_parse (argv[1], &error)) ||
      !(endpoint = s3dlio_endpoint_new (endpoint_url, "us-east-1", &error)) ||
      !(config = s3dlio_config_new_from_environment (&error)))
    goto fail;

  if (part_size_text != NULL && !s3dlio_config_set_from_string (config, "part-size", part_size_text, &error))
    goto fail;
  if (busy_poll_text != NULL && !s3dlio_config_set_from_string (config, "busy-poll-us", busy_poll_text, &error))
    goto fail;
  if (inflight > 0)
    s3dlio_config_set_max_inflight (config, inflight);
  if (g_str_equal (strategy, "single"))
    s3dlio_config_set_single_request (config, TRUE);
  else if (g_str_equal (strategy, "head-first"))
    s3dlio_config_set_head_first (config, TRUE);

  client = s3dlio_client_new (endpoint, NULL, config);

  /* Warm up: the session pool, and for --mode reused, the buffer's pages. */
  if (!(info = s3dlio_client_stat (client, uri, NULL, &error)))
    goto fail;
  size = s3dlio_object_info_get_size (info);
  if (g_str_equal (mode, "reused"))
    {
      buffer = g_malloc (MAX (size, 1));
      memset (buffer, 0, size);
    }

  cpu_seconds (&user0, &sys0);
  start = g_get_monotonic_time ();
  if (!run_once (client, uri, buffer, size, &transfer, &error))
    goto fail;
  seconds = (g_get_monotonic_time () - start) / 1e6;
  cpu_seconds (&user1, &sys1);

  g_print ("{\"seconds\": %.6f, \"cpu\": %.6f, \"user\": %.6f, \"sys\": %.6f, \"bytes\": %"
           G_GUINT64_FORMAT ", \"requests\": %u}\n",
           seconds, (user1 - user0) + (sys1 - sys0), user1 - user0, sys1 - sys0,
           s3dlio_transfer_get_length (transfer), s3dlio_transfer_get_requests (transfer));
  return 0;

fail:
  g_printerr ("bench-get: %s\n", error->message);
  return 2;
}
