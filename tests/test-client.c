/* test-client.c: the GET engine against the loopback endpoint
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

#include "test-utils.h"
#include "s3dlio-client-private.h"
#include "s3dlio-session-pool-private.h"

#define KiB 1024
#define PART (64 * KiB)
#define THRESHOLD (256 * KiB)

typedef struct {
  S3dlioServer      *server;
  S3dlioClient      *client;
  S3dlioConfig      *config;
  S3dlioCredentials *credentials;
  char              *tmpdir;
} Fixture;

static GBytes *
random_bytes (gsize   size,
              guint32 seed)
{
  guint8 *data = g_malloc (MAX (size, 1));
  GRand *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;
  g_rand_free (rand);

  return g_bytes_new_take (data, size);
}

static char *
checksum (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static void
assert_same_bytes (GBytes *expected,
                   GBytes *actual)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_nonnull (actual);
  g_assert_cmpuint (g_bytes_get_size (actual), ==, g_bytes_get_size (expected));
  a = checksum (expected);
  b = checksum (actual);
  g_assert_cmpstr (a, ==, b);
}

static S3dlioUri *
object_uri (const char *key)
{
  g_autoptr(GError) error = NULL;
  S3dlioUri *uri = s3dlio_uri_new_s3 ("bucket", key, &error);

  g_assert_no_error (error);
  return uri;
}

static GBytes *
put (Fixture    *fx,
     const char *key,
     gsize       size)
{
  g_autoptr(GError) error = NULL;
  GBytes *data = random_bytes (size, g_str_hash (key) ^ size);

  s3dlio_server_put_object (fx->server, "bucket", key, data, &error);
  g_assert_no_error (error);
  return data;
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;

  fx->credentials = s3dlio_credentials_new ("AKIDTESTCLIENT", "test-secret-key-do-not-print", NULL);
  fx->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (fx->server, fx->credentials);
  g_assert_true (s3dlio_server_start (fx->server, &error));
  g_assert_no_error (error);
  s3dlio_server_create_bucket (fx->server, "bucket", &error);
  g_assert_no_error (error);

  uri = s3dlio_server_get_uri (fx->server);
  endpoint = s3dlio_endpoint_new (uri, "us-east-1", &error);
  g_assert_no_error (error);

  fx->config = s3dlio_config_new ();
  s3dlio_config_set_part_size (fx->config, PART);
  s3dlio_config_set_threshold (fx->config, THRESHOLD);
  s3dlio_config_set_max_inflight (fx->config, 4);
  s3dlio_config_set_worker_threads (fx->config, 2);
  s3dlio_config_set_max_retries (fx->config, 3);
  s3dlio_config_set_io_timeout_ms (fx->config, 2000);

  fx->client = s3dlio_client_new (endpoint, fx->credentials, fx->config);
  fx->tmpdir = g_dir_make_tmp ("s3dlio-client-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->client);
  s3dlio_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_clear_object (&fx->config);
  g_clear_object (&fx->credentials);
  s3dlio_test_remove_tree (fx->tmpdir);
  g_free (fx->tmpdir);
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static guint
count_log_lines_with (Fixture    *fx,
                      const char *needle)
{
  g_auto(GStrv) log = s3dlio_server_get_request_log (fx->server);
  guint n = 0;

  for (guint i = 0; log[i] != NULL; i++)
    if (strstr (log[i], needle) != NULL)
      n++;
  return n;
}

/* Sizes around the part size and the threshold: one request below a part,
 * two below the threshold, parts above it. */
static void
test_sizes (Fixture       *fx,
            gconstpointer  data)
{
  static const struct {
    gsize size;
    guint requests;
  } cases[] = {
    { 1, 1 },
    { 1000, 1 },
    { PART - 1, 1 },
    { PART, 1 },
    { PART + 1, 2 },
    { THRESHOLD - 1, 2 },
    { THRESHOLD, 4 },
    { THRESHOLD + 1, 5 },
    { 10 * PART + 123, 11 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("sizes/%zu", cases[i].size);
      g_autoptr(GBytes) expected = put (fx, key, cases[i].size);
      g_autoptr(S3dlioUri) uri = object_uri (key);
      g_autoptr(GBytes) got = NULL;

      s3dlio_server_reset_counters (fx->server);
      got = s3dlio_client_get (fx->client, uri, NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (expected, got);
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, cases[i].requests);
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "HEAD"), ==, 0);
    }
}

static void
test_empty_object (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "empty", 0);
  g_autoptr(S3dlioUri) uri = object_uri ("empty");
  g_autoptr(GBytes) got = NULL;
  g_autofree char *path = g_build_filename (fx->tmpdir, "empty.out", NULL);
  g_autofree char *contents = NULL;
  gsize len = 99;

  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);

  g_assert_true (s3dlio_client_get_to_file (fx->client, uri, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, 0);

  s3dlio_config_set_head_first (fx->config, TRUE);
  g_clear_pointer (&got, g_bytes_unref);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
}

static void
test_if_match_on_parts (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "big", 6 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("big");
  g_autoptr(GBytes) got = NULL;

  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);

  /* The first request learns the ETag, the five others are pinned to it. */
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 6);
  g_assert_cmpuint (count_log_lines_with (fx, "if-match="), ==, 5);
}

/* A part's connection goes back to the pool before the next part starts,
 * on the same worker, so a download opens no more connections than it has
 * parts in flight (it opened half as many again when the next part raced
 * the release). Every part, in every mode, lands where it belongs. */
/* With busy-poll-us, a worker keeps polling after a wake-up that found
 * work, and the data of a download reaches it while it still polls; the
 * bytes are the same, and without the setting it never polls. */
static void
test_busy_poll (Fixture       *fx,
                gconstpointer  data)
{
  const guint settings[] = { 1000, 0 };
  g_autoptr(GBytes) expected = put (fx, "busy", 40 * PART + 5);
  g_autoptr(S3dlioUri) uri = object_uri ("busy");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_uri = s3dlio_server_get_uri (fx->server);

  endpoint = s3dlio_endpoint_new (server_uri, "us-east-1", &error);
  g_assert_no_error (error);
  client = s3dlio_client_new (endpoint, fx->credentials, fx->config);

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autoptr(GBytes) got = NULL;
      guint caught;

      /* A change of the setting makes the client build a new pool. */
      s3dlio_config_set_busy_poll_us (fx->config, settings[i]);
      got = s3dlio_client_get (client, uri, NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (expected, got);

      caught = _s3dlio_session_pool_get_busy_polls_caught (_s3dlio_client_get_pool (client));
      g_test_message ("busy-poll-us %u: %u wake-ups saved", settings[i], caught);
      if (settings[i] > 0)
        g_assert_cmpuint (caught, >, 0);
      else
        g_assert_cmpuint (caught, ==, 0);
    }
}

static void
test_connections_reused (Fixture       *fx,
                         gconstpointer  data)
{
  const char *modes[] = { "memory", "discard", "file" };
  g_autoptr(GBytes) expected = put (fx, "reused", 40 * PART + 17);
  g_autoptr(S3dlioUri) uri = object_uri ("reused");

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioClient) client = NULL;
      g_autoptr(S3dlioEndpoint) endpoint = NULL;
      g_autofree char *server_uri = s3dlio_server_get_uri (fx->server);

      /* A new client: no connections left over from the last round. */
      endpoint = s3dlio_endpoint_new (server_uri, "us-east-1", &error);
      g_assert_no_error (error);
      client = s3dlio_client_new (endpoint, fx->credentials, fx->config);
      s3dlio_server_reset_counters (fx->server);

      if (g_str_equal (modes[i], "memory"))
        {
          g_autoptr(GBytes) got = s3dlio_client_get (client, uri, NULL, &error);

          g_assert_no_error (error);
          assert_same_bytes (expected, got);
        }
      else if (g_str_equal (modes[i], "discard"))
        {
          g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);

          s3dlio_transfer_set_discard (transfer);
          g_assert_true (s3dlio_client_download (client, transfer, NULL, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (s3dlio_transfer_get_bytes_done (transfer), ==, g_bytes_get_size (expected));
        }
      else
        {
          g_autofree char *path = g_build_filename (fx->tmpdir, "reused", NULL);
          g_autoptr(GBytes) got = NULL;
          char *contents = NULL;
          gsize len = 0;

          g_assert_true (s3dlio_client_get_to_file (client, uri, path, NULL, &error));
          g_assert_no_error (error);
          g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
          got = g_bytes_new_take (contents, len);
          assert_same_bytes (expected, got);
        }

      g_test_message ("%s: %u connections for %u requests", modes[i],
                      s3dlio_server_get_connection_count (fx->server),
                      s3dlio_server_get_request_count (fx->server, "GET"));
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 41);
      g_assert_cmpuint (s3dlio_server_get_connection_count (fx->server), >=, 1);
      g_assert_cmpuint (s3dlio_server_get_connection_count (fx->server), <=,
                        s3dlio_config_get_max_inflight (fx->config));
    }
}

/* A bucket in another region than the endpoint's: the server says so
 * (400 AuthorizationHeaderMalformed, with x-amz-bucket-region and
 * <Region>), the client signs again for that region and remembers it, so
 * only the first request of each kind is refused. */
static void
test_bucket_in_other_region (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "far", 5 * PART + 9);
  g_autoptr(S3dlioUri) uri = object_uri ("far");
  g_autoptr(S3dlioUri) upload_uri = object_uri ("far-put");
  g_autoptr(S3dlioUri) bucket_uri = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) small = g_bytes_new_static ("hello", 5);

  s3dlio_server_set_region (fx->server, "eu-west-1");
  s3dlio_server_reset_counters (fx->server);

  /* HEAD has no body: the header alone names the region. */
  info = s3dlio_client_stat (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, g_bytes_get_size (expected));
  g_assert_cmpuint (count_log_lines_with (fx, "-> 400"), ==, 1);

  /* Learned: a size-aware GET goes straight to the right region. */
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);
  g_assert_true (s3dlio_client_put (fx->client, upload_uri, small, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  bucket_uri = s3dlio_uri_parse ("s3://bucket/", &error);
  g_assert_no_error (error);
  list = s3dlio_object_list_new (fx->client, bucket_uri, NULL);
  g_assert_true (s3dlio_object_list_load (list, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpuint (count_log_lines_with (fx, "-> 400"), ==, 1);

  /* A client that starts fresh learns it from a GET's error body too. */
  {
    g_autoptr(S3dlioClient) other = NULL;
    g_autoptr(S3dlioEndpoint) endpoint = NULL;
    g_autofree char *server_uri = s3dlio_server_get_uri (fx->server);

    endpoint = s3dlio_endpoint_new (server_uri, "us-east-1", &error);
    g_assert_no_error (error);
    other = s3dlio_client_new (endpoint, fx->credentials, fx->config);
    g_clear_pointer (&got, g_bytes_unref);
    got = s3dlio_client_get (other, uri, NULL, &error);
    g_assert_no_error (error);
    assert_same_bytes (expected, got);
    g_assert_cmpuint (count_log_lines_with (fx, "-> 400"), ==, 2);
  }
}

static void
test_strategies (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "strategy", 5 * PART + 7);
  g_autoptr(S3dlioUri) uri = object_uri ("strategy");
  g_autoptr(GBytes) got = NULL;

  /* HEAD first, as the seed did: one HEAD then six ranged GETs. */
  s3dlio_config_set_head_first (fx->config, TRUE);
  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "HEAD"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 6);
  s3dlio_config_set_head_first (fx->config, FALSE);

  /* One plain GET. */
  g_clear_pointer (&got, g_bytes_unref);
  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get_object (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 1);
  g_assert_cmpuint (count_log_lines_with (fx, "range="), ==, 0);

  /* The same through the config switch. */
  g_clear_pointer (&got, g_bytes_unref);
  s3dlio_config_set_single_request (fx->config, TRUE);
  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 1);
}

static void
test_config_changes_apply (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "knobs", 8 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("knobs");
  g_autoptr(GBytes) got = NULL;

  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 8);

  /* A new part size and a new pool size (which needs new sessions). */
  s3dlio_config_set_part_size (fx->config, 2 * PART);
  s3dlio_config_set_worker_threads (fx->config, 3);
  g_clear_pointer (&got, g_bytes_unref);
  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 4);
}

static void
test_ranges (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GBytes) expected = put (fx, "ranged", 7 * PART + 11);
  g_autoptr(S3dlioUri) uri = object_uri ("ranged");
  gsize size = g_bytes_get_size (expected);
  static const struct {
    guint64 offset;
    guint64 length;
  } cases[] = {
    { 0, 1 },
    { 5, 100 },
    { PART - 1, 2 },
    { 100, 5 * PART },     /* above the threshold: split */
    { 3 * PART, G_MAXUINT64 },
    { 7 * PART + 10, 50 }, /* cut at the end */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) got = NULL;
      g_autoptr(GBytes) want = NULL;
      guint64 length = MIN (cases[i].length, size - cases[i].offset);

      want = g_bytes_new_from_bytes (expected, cases[i].offset, length);
      got = s3dlio_client_get_range (fx->client, uri, cases[i].offset, cases[i].length, NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (want, got);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) got = s3dlio_client_get_range (fx->client, uri, size + 10, 5, NULL, &error);

    g_assert_null (got);
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);
  }
}

static void
test_stat (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "dir/stat me", 12345);
  g_autoptr(S3dlioUri) uri = object_uri ("dir/stat me");
  g_autoptr(S3dlioUri) missing = object_uri ("nope");
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autofree char *etag = s3dlio_server_get_object_etag (fx->server, "bucket", "dir/stat me");

  info = s3dlio_client_stat (fx->client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, "dir/stat me");
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 12345);
  g_assert_cmpstr (s3dlio_object_info_get_etag (info), ==, etag);
  g_assert_nonnull (s3dlio_object_info_get_last_modified (info));
  g_clear_object (&info);

  info = s3dlio_client_stat (fx->client, missing, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
}

static void
test_to_file (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "file", 9 * PART + 3);
  g_autoptr(S3dlioUri) uri = object_uri ("file");
  g_autofree char *path = g_build_filename (fx->tmpdir, "out.bin", NULL);
  g_autoptr(GBytes) got = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (s3dlio_client_get_to_file (fx->client, uri, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  got = g_bytes_new_take (contents, len);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (count_files (fx->tmpdir), ==, 1);

  /* A directory as destination is refused, and nothing is left behind. */
  g_assert_false (s3dlio_client_get_to_file (fx->client, uri, fx->tmpdir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  /* A missing directory names the problem. */
  {
    g_autofree char *bad = g_build_filename (fx->tmpdir, "no", "such", "dir", "x", NULL);

    g_assert_false (s3dlio_client_get_to_file (fx->client, uri, bad, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no/such/dir"));
  }
  g_assert_cmpuint (count_files (fx->tmpdir), ==, 1);
}

static void
test_into_buffer (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GBytes) first = put (fx, "buf1", 5 * PART);
  g_autoptr(GBytes) second = put (fx, "buf2", 2 * PART + 1);
  g_autoptr(S3dlioUri) uri1 = object_uri ("buf1");
  g_autoptr(S3dlioUri) uri2 = object_uri ("buf2");
  gsize size = 5 * PART;
  g_autofree guint8 *buffer = g_malloc (size);
  g_autoptr(GError) error = NULL;
  guint64 length = 0;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GBytes) got1 = NULL;
      g_autoptr(GBytes) got2 = NULL;

      g_assert_true (s3dlio_client_get_into_buffer (fx->client, uri1, buffer, size, &length, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (length, ==, 5 * PART);
      got1 = g_bytes_new (buffer, length);
      assert_same_bytes (first, got1);

      g_assert_true (s3dlio_client_get_into_buffer (fx->client, uri2, buffer, size, &length, NULL, &error));
      g_assert_no_error (error);
      got2 = g_bytes_new (buffer, length);
      assert_same_bytes (second, got2);
    }

  g_assert_false (s3dlio_client_get_into_buffer (fx->client, uri1, buffer, size - 1, &length, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
}

static void
test_to_stream (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "stream", 13 * PART + 5);
  g_autoptr(S3dlioUri) uri = object_uri ("stream");
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GBytes) got = NULL;

  s3dlio_transfer_set_destination_stream (transfer, out);
  g_assert_true (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  got = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  assert_same_bytes (expected, got);
}

typedef struct {
  GMutex    mutex;
  guint8   *copy;
  gsize     size;
  guint     calls;
  gsize     biggest;
} Chunks;

static gboolean
collect_chunk (guint64       offset,
               const guint8 *data,
               gsize         length,
               gpointer      user_data)
{
  Chunks *chunks = user_data;

  g_mutex_lock (&chunks->mutex);
  g_assert_cmpuint (offset + length, <=, chunks->size);
  memcpy (chunks->copy + offset, data, length);
  chunks->calls++;
  chunks->biggest = MAX (chunks->biggest, length);
  g_mutex_unlock (&chunks->mutex);

  return TRUE;
}

static void
test_chunks_and_discard (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "chunks", 11 * PART + 99);
  g_autoptr(S3dlioUri) uri = object_uri ("chunks");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(S3dlioTransfer) discard = s3dlio_transfer_new (uri);
  g_autoptr(GBytes) got = NULL;
  Chunks chunks = { 0, };

  g_mutex_init (&chunks.mutex);
  chunks.size = g_bytes_get_size (expected);
  chunks.copy = g_malloc0 (chunks.size);

  s3dlio_transfer_set_chunk_func (transfer, collect_chunk, &chunks, NULL);
  g_assert_true (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_no_error (error);
  got = g_bytes_new_take (chunks.copy, chunks.size);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (chunks.calls, >=, 12);
  g_assert_cmpuint (chunks.biggest, <=, 1024 * 1024);
  g_assert_null (s3dlio_transfer_get_bytes (transfer));

  s3dlio_transfer_set_discard (discard);
  g_assert_true (s3dlio_client_download (fx->client, discard, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_transfer_get_bytes_done (discard), ==, chunks.size);
  g_mutex_clear (&chunks.mutex);
}

static void
count_progress (S3dlioTransfer *transfer,
                gpointer        data)
{
  guint64 *last = data;

  g_assert_cmpuint (s3dlio_transfer_get_bytes_done (transfer), >=, *last);
  *last = s3dlio_transfer_get_bytes_done (transfer);
}

static void
test_progress_and_part_map (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "progress", 20 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("progress");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GBytes) states = NULL;
  g_autoptr(GBytes) retried = NULL;
  g_autoptr(GBytes) got = NULL;
  guint64 last = 0;
  const guint8 *state;
  gsize n;

  s3dlio_transfer_set_progress_interval (transfer, 10);
  g_signal_connect (transfer, "progress", G_CALLBACK (count_progress), &last);
  g_assert_true (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_no_error (error);

  got = s3dlio_transfer_get_bytes (transfer);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (last, ==, 20 * PART);
  g_assert_cmpint (s3dlio_transfer_get_state (transfer), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_transfer_get_total_size (transfer), ==, 20 * PART);
  g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, 20);
  g_assert_cmpuint (s3dlio_transfer_get_parts_done (transfer), ==, 20);
  g_assert_cmpuint (s3dlio_transfer_get_parts_in_flight (transfer), ==, 0);
  g_assert_cmpuint (s3dlio_transfer_get_requests (transfer), ==, 20);
  g_assert_nonnull (s3dlio_transfer_get_etag (transfer));

  states = s3dlio_transfer_get_part_states (transfer);
  state = g_bytes_get_data (states, &n);
  g_assert_cmpuint (n, ==, 20);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (state[i], ==, S3DLIO_PART_STATE_DONE);
  retried = s3dlio_transfer_get_retried_parts (transfer);
  g_assert_cmpuint (g_bytes_get_size (retried), ==, 20);
  for (gsize i = 0; i < 20; i++)
    g_assert_cmpuint (((const guint8 *) g_bytes_get_data (retried, NULL))[i], ==, 0);

  /* A transfer runs once. */
  g_assert_false (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
}

/* Faults. */

static S3dlioServerFault *
add_fault (Fixture         *fx,
           S3dlioFaultKind  kind,
           guint            skip,
           guint            count)
{
  S3dlioServerFault *fault = s3dlio_server_fault_new (kind);

  s3dlio_server_fault_set_method (fault, "GET");
  s3dlio_server_fault_set_skip (fault, skip);
  s3dlio_server_fault_set_count (fault, count);
  s3dlio_server_add_fault (fx->server, fault);
  return fault;
}

static void
get_and_check_retried (Fixture    *fx,
                       const char *key,
                       GBytes     *expected,
                       guint       min_retries)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri (key);
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GBytes) got = NULL;

  g_assert_true (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_no_error (error);
  got = s3dlio_transfer_get_bytes (transfer);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_transfer_get_retries (transfer), >=, min_retries);
  /* Failed attempts' bytes are taken back: progress ends at the length. */
  g_assert_cmpuint (s3dlio_transfer_get_bytes_done (transfer), ==, g_bytes_get_size (expected));
  /* Every request is a part or a retry of one: nothing fetched twice. */
  g_assert_cmpuint (s3dlio_transfer_get_requests (transfer), ==,
                    s3dlio_transfer_get_n_parts (transfer) + s3dlio_transfer_get_retries (transfer));
}

static void
test_fault_transient (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GBytes) expected = put (fx, "faulty", 8 * PART + 17);
  S3dlioFaultKind kinds[] = {
    S3DLIO_FAULT_KIND_STATUS,
    S3DLIO_FAULT_KIND_RESET,
    S3DLIO_FAULT_KIND_SHORT_BODY,
    S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      /* Hit the first part and a later one, once each. */
      g_autoptr(S3dlioServerFault) early = add_fault (fx, kinds[i], 0, 1);
      g_autoptr(S3dlioServerFault) late = add_fault (fx, kinds[i], 3, 1);

      if (kinds[i] == S3DLIO_FAULT_KIND_STATUS)
        {
          s3dlio_server_fault_set_status (early, 503);
          s3dlio_server_fault_set_s3_code (early, "SlowDown");
          s3dlio_server_fault_set_status (late, 500);
          s3dlio_server_fault_set_s3_code (late, "InternalError");
        }
      s3dlio_server_fault_set_after_bytes (early, 1000);
      s3dlio_server_fault_set_after_bytes (late, 1000);

      get_and_check_retried (fx, "faulty", expected, 2);
      g_assert_cmpuint (s3dlio_server_fault_get_hits (early), ==, 1);
      g_assert_cmpuint (s3dlio_server_fault_get_hits (late), ==, 1);
      s3dlio_server_clear_faults (fx->server);
    }
}

static void
test_fault_stall (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GBytes) expected = put (fx, "stall", 6 * PART);
  g_autoptr(S3dlioServerFault) fault = add_fault (fx, S3DLIO_FAULT_KIND_STALL, 2, 1);
  gint64 start = g_get_monotonic_time ();

  s3dlio_config_set_io_timeout_ms (fx->config, 300);
  s3dlio_server_fault_set_after_bytes (fault, 100);
  s3dlio_server_fault_set_stall_ms (fault, 5000);

  get_and_check_retried (fx, "stall", expected, 1);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
  /* Dropped after the I/O timeout, not after the whole stall. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

/* A part that keeps failing on the network gives up with the S3DLIO_ERROR
 * code that names the failure, not with libsoup's or GIO's error: a reset
 * or a body cut short is a connection failure, a stall a timeout. */
static void
test_fault_transport_errors (Fixture       *fx,
                             gconstpointer  data)
{
  static const struct {
    S3dlioFaultKind kind;
    gint            code;
  } cases[] = {
    { S3DLIO_FAULT_KIND_RESET, S3DLIO_ERROR_CONNECTION },
    { S3DLIO_FAULT_KIND_SHORT_BODY, S3DLIO_ERROR_CONNECTION },
    { S3DLIO_FAULT_KIND_STALL, S3DLIO_ERROR_TIMEOUT },
  };
  g_autoptr(GBytes) expected = put (fx, "cut", 6 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("cut");

  s3dlio_config_set_io_timeout_ms (fx->config, 200);
  s3dlio_config_set_max_retries (fx->config, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) got = NULL;
      g_autoptr(S3dlioServerFault) fault = add_fault (fx, cases[i].kind, 0, 0);

      s3dlio_server_fault_set_range_start (fault, 2 * PART);
      s3dlio_server_fault_set_after_bytes (fault, 1000);
      s3dlio_server_fault_set_stall_ms (fault, 2000);
      got = s3dlio_client_get (fx->client, uri, NULL, &error);
      g_assert_null (got);
      g_assert_error (error, S3DLIO_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, "s3://bucket/cut"));
      g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);
      s3dlio_server_clear_faults (fx->server);
    }
}

static void
test_fault_permanent (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "broken", 6 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("broken");
  g_autoptr(S3dlioUri) missing = object_uri ("missing");
  g_autoptr(S3dlioServerFault) fault = NULL;
  g_autofree char *path = g_build_filename (fx->tmpdir, "broken.out", NULL);
  g_autoptr(GBytes) got = NULL;

  /* A missing key fails at once, with one request. */
  s3dlio_server_reset_counters (fx->server);
  got = s3dlio_client_get (fx->client, missing, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "s3://bucket/missing"));
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 1);
  g_clear_error (&error);

  /* A 500 on every try of one part: retried max-retries times, then fails,
   * and the file never appears. */
  fault = add_fault (fx, S3DLIO_FAULT_KIND_STATUS, 0, 0);
  s3dlio_server_fault_set_status (fault, 500);
  s3dlio_server_fault_set_s3_code (fault, "InternalError");
  s3dlio_server_fault_set_range_start (fault, 2 * PART);

  g_assert_false (s3dlio_client_get_to_file (fx->client, uri, path, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
  g_assert_nonnull (strstr (error->message, "InternalError"));
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 4);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (fx->tmpdir), ==, 0);
  g_clear_error (&error);
  s3dlio_server_clear_faults (fx->server);

  /* 403 is not retried. */
  g_clear_object (&fault);
  fault = add_fault (fx, S3DLIO_FAULT_KIND_STATUS, 0, 0);
  s3dlio_server_fault_set_status (fault, 403);
  s3dlio_server_fault_set_s3_code (fault, "AccessDenied");
  s3dlio_server_fault_set_range_start (fault, 3 * PART);
  g_assert_false (s3dlio_client_get_to_file (fx->client, uri, path, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
  g_assert_cmpuint (count_files (fx->tmpdir), ==, 0);
}

/* A part that was retried keeps the mark once done, and only that part. */
static void
test_retried_parts (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "throttled", 6 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("throttled");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(S3dlioServerFault) fault = add_fault (fx, S3DLIO_FAULT_KIND_STATUS, 0, 2);
  g_autoptr(GBytes) before = s3dlio_transfer_get_retried_parts (transfer);
  g_autoptr(GBytes) retried = NULL;
  g_autoptr(GBytes) states = NULL;
  g_autoptr(GBytes) got = NULL;
  const guint8 *mark;
  const guint8 *state;
  gsize n;

  g_assert_cmpuint (g_bytes_get_size (before), ==, 0);
  s3dlio_server_fault_set_status (fault, 503);
  s3dlio_server_fault_set_s3_code (fault, "SlowDown");
  s3dlio_server_fault_set_range_start (fault, 2 * PART);
  g_assert_true (s3dlio_client_download (fx->client, transfer, NULL, &error));
  g_assert_no_error (error);
  got = s3dlio_transfer_get_bytes (transfer);
  assert_same_bytes (expected, got);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);
  g_assert_cmpuint (s3dlio_transfer_get_retries (transfer), ==, 2);

  retried = s3dlio_transfer_get_retried_parts (transfer);
  states = s3dlio_transfer_get_part_states (transfer);
  mark = g_bytes_get_data (retried, &n);
  g_assert_cmpuint (n, ==, 6);
  state = g_bytes_get_data (states, &n);
  g_assert_cmpuint (n, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpuint (mark[i], ==, i == 2 ? 1 : 0);
      g_assert_cmpuint (state[i], ==, S3DLIO_PART_STATE_DONE);
      g_assert_cmpint (s3dlio_transfer_get_part_state (transfer, i), ==, S3DLIO_PART_STATE_DONE);
    }
}

static void
test_object_modified (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "changing", 6 * PART);
  g_autoptr(GBytes) replacement = random_bytes (6 * PART, 4242);
  g_autoptr(S3dlioUri) uri = object_uri ("changing");
  g_autoptr(S3dlioServerFault) fault = add_fault (fx, S3DLIO_FAULT_KIND_REPLACE_OBJECT, 2, 1);
  g_autoptr(GBytes) got = NULL;

  s3dlio_server_fault_set_replacement (fault, replacement);
  got = s3dlio_client_get (fx->client, uri, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED);
}

static void
cancel_when_started (S3dlioTransfer *transfer,
                     gpointer        data)
{
  if (s3dlio_transfer_get_bytes_done (transfer) > 0)
    g_cancellable_cancel (data);
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "cancel", 40 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("cancel");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) fault = add_fault (fx, S3DLIO_FAULT_KIND_STALL, 3, 0);
  g_autofree char *path = g_build_filename (fx->tmpdir, "cancelled.out", NULL);
  gint64 start;

  /* Stalled parts keep the download going until the cancel arrives. */
  s3dlio_server_fault_set_after_bytes (fault, 10);
  s3dlio_server_fault_set_stall_ms (fault, 10000);
  s3dlio_config_set_io_timeout_ms (fx->config, 20000);

  s3dlio_transfer_set_destination_path (transfer, path);
  s3dlio_transfer_set_progress_interval (transfer, 10);
  g_signal_connect (transfer, "progress", G_CALLBACK (cancel_when_started), cancellable);

  start = g_get_monotonic_time ();
  g_assert_false (s3dlio_client_download (fx->client, transfer, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (s3dlio_transfer_get_state (transfer), ==, S3DLIO_TRANSFER_STATE_CANCELLED);
  g_assert_cmpuint (count_files (fx->tmpdir), ==, 0);
}

static void
got_async (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GBytes **out = data;
  g_autoptr(GError) error = NULL;

  *out = s3dlio_client_get_finish (S3DLIO_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
got_async_or_error (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  GError **error = data;
  g_autoptr(GBytes) bytes = s3dlio_client_get_finish (S3DLIO_CLIENT (source), result, error);

  if (bytes != NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the download succeeded");
}

static void
test_async_concurrent (Fixture       *fx,
                       gconstpointer  data)
{
  enum { N = 8 };
  GBytes *expected[N];
  GBytes *got[N] = { NULL, };
  guint pending;

  for (guint i = 0; i < N; i++)
    {
      g_autofree char *key = g_strdup_printf ("async/%u", i);
      g_autoptr(S3dlioUri) uri = object_uri (key);

      expected[i] = put (fx, key, (i + 1) * PART + i);
      s3dlio_client_get_async (fx->client, uri, NULL, got_async, &got[i]);
    }

  for (guint spins = 0; spins < 100000; spins++)
    {
      pending = 0;
      for (guint i = 0; i < N; i++)
        pending += got[i] == NULL;
      if (pending == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  for (guint i = 0; i < N; i++)
    {
      assert_same_bytes (expected[i], got[i]);
      g_bytes_unref (expected[i]);
      g_bytes_unref (got[i]);
    }
}


/* Objects over 4 GiB: offsets and sizes are 64-bit all the way. A sparse
 * file served by the directory backend stands in for a 5 GiB object. */
static void
test_larger_than_4gib (void)
{
  const guint64 size = G_GUINT64_CONSTANT (5) << 30;
  const guint64 marker_at = (G_GUINT64_CONSTANT (4) << 30) + 12345;
  const char marker[] = "past the 4 GiB line";
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("s3dlio-huge-XXXXXX", &error);
  g_autofree char *bucket_dir = g_build_filename (root, "bucket", NULL);
  g_autofree char *path = g_build_filename (bucket_dir, "huge", NULL);
  g_autoptr(S3dlioServer) server = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("huge");
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autofree char *server_uri = NULL;
  int fd;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (bucket_dir, 0700), ==, 0);
  fd = g_open (path, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_assert_cmpint (pwrite (fd, marker, sizeof marker, marker_at), ==, sizeof marker);
  close (fd);

  server = s3dlio_server_new (root);
  g_assert_true (s3dlio_server_start (server, &error));
  server_uri = s3dlio_server_get_uri (server);
  endpoint = s3dlio_endpoint_new (server_uri, NULL, &error);
  g_assert_no_error (error);
  s3dlio_config_set_worker_threads (config, 2);
  client = s3dlio_client_new (endpoint, NULL, config);

  info = s3dlio_client_stat (client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, size);

  /* A range across the marker, far past 4 GiB. */
  got = s3dlio_client_get_range (client, uri, marker_at - 3, sizeof marker + 6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, sizeof marker + 6);
  g_assert_cmpmem ((const char *) g_bytes_get_data (got, NULL) + 3, sizeof marker, marker, sizeof marker);

  /* The tail of the object as ranged parts, checked for the marker. */
  transfer = s3dlio_transfer_new (uri);
  s3dlio_transfer_set_range (transfer, marker_at - 1000, G_MAXUINT64);
  s3dlio_transfer_set_discard (transfer);
  s3dlio_config_set_part_size (config, 64 << 20);
  g_assert_true (s3dlio_client_download (client, transfer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_transfer_get_length (transfer), ==, size - marker_at + 1000);
  g_assert_cmpuint (s3dlio_transfer_get_bytes_done (transfer), ==, size - marker_at + 1000);
  g_assert_cmpuint (s3dlio_transfer_get_total_size (transfer), ==, size);
  g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, (size - marker_at + 1000 + (64 << 20) - 1) / (64 << 20));

  s3dlio_server_stop (server);
  g_unlink (path);
  g_rmdir (bucket_dir);
  g_rmdir (root);
}


static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A part that keeps failing waits between retries; cancelling must not
 * wait for the backoff to run out. */
static void
test_cancel_during_retries (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "retrying", 6 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("retrying");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) fault = add_fault (fx, S3DLIO_FAULT_KIND_STATUS, 0, 0);
  g_autoptr(GSource) timer = g_timeout_source_new (300);
  g_autoptr(GBytes) got = NULL;
  gint64 start;

  s3dlio_server_fault_set_status (fault, 503);
  s3dlio_server_fault_set_s3_code (fault, "SlowDown");
  s3dlio_server_fault_set_range_start (fault, 2 * PART);
  s3dlio_config_set_max_retries (fx->config, 100);

  start = g_get_monotonic_time ();
  g_source_set_callback (timer, cancel_later, cancellable, NULL);
  g_source_attach (timer, NULL);
  s3dlio_client_get_async (fx->client, uri, cancellable, got_async_or_error, &error);
  while (error == NULL && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), >=, 2);
}

static GString *debug_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append (debug_log, fields[i].value);
        g_string_append_c (debug_log, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static void
test_debug_log (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = put (fx, "logged", 3 * PART);
  g_autoptr(S3dlioUri) uri = object_uri ("logged");
  g_autoptr(GBytes) got = NULL;

  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "s3dlio", TRUE);
      debug_log = g_string_new (NULL);
      g_log_set_writer_func (capture_writer, NULL, NULL);
      got = s3dlio_client_get (fx->client, uri, NULL, &error);
      g_assert_no_error (error);
      g_printerr ("%s", debug_log->str);
      g_assert_null (strstr (debug_log->str, "test-secret-key-do-not-print"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*GET s3://bucket/logged bytes=0-65535 -> 206*");
  g_test_trap_assert_stderr_unmatched ("*test-secret-key-do-not-print*");
}

/* Idle connections are closed after the idle timeout (by the worker, not
 * by libsoup, whose idle timeout can close a connection under a request
 * that just took it), and reused before it. */
static void
test_idle_connections_closed (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GBytes) expected = put (fx, "idle", 1000);
  g_autoptr(S3dlioUri) uri = object_uri ("idle");
  gint64 until;

  s3dlio_config_set_idle_timeout_ms (fx->config, 200);
  s3dlio_config_set_worker_threads (fx->config, 1);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) got = s3dlio_client_get (fx->client, uri, NULL, &error);

      g_assert_no_error (error);
      assert_same_bytes (expected, got);
    }
  g_assert_cmpuint (s3dlio_server_get_connection_count (fx->server), ==, 1);

  /* Well past the idle timeout: the next GET needs a new connection. */
  until = g_get_monotonic_time () + 700 * 1000;
  while (g_get_monotonic_time () < until)
    g_usleep (50 * 1000);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) got = s3dlio_client_get (fx->client, uri, NULL, &error);

    g_assert_no_error (error);
    assert_same_bytes (expected, got);
  }
  g_assert_cmpuint (s3dlio_server_get_connection_count (fx->server), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/client/sizes", test_sizes);
  ADD ("/client/empty-object", test_empty_object);
  ADD ("/client/if-match-on-parts", test_if_match_on_parts);
  ADD ("/client/strategies", test_strategies);
  ADD ("/client/connections-reused", test_connections_reused);
  ADD ("/client/busy-poll", test_busy_poll);
  ADD ("/client/bucket-in-other-region", test_bucket_in_other_region);
  ADD ("/client/config-changes-apply", test_config_changes_apply);
  ADD ("/client/ranges", test_ranges);
  ADD ("/client/stat", test_stat);
  ADD ("/client/to-file", test_to_file);
  ADD ("/client/into-buffer", test_into_buffer);
  ADD ("/client/to-stream", test_to_stream);
  ADD ("/client/chunks-and-discard", test_chunks_and_discard);
  ADD ("/client/progress-and-part-map", test_progress_and_part_map);
  ADD ("/client/fault/transient", test_fault_transient);
  ADD ("/client/fault/stall", test_fault_stall);
  ADD ("/client/fault/permanent", test_fault_permanent);
  ADD ("/client/fault/transport-errors", test_fault_transport_errors);
  ADD ("/client/fault/retried-parts", test_retried_parts);
  ADD ("/client/fault/object-modified", test_object_modified);
  ADD ("/client/cancel", test_cancel);
  ADD ("/client/cancel-during-retries", test_cancel_during_retries);
  ADD ("/client/async-concurrent", test_async_concurrent);
  ADD ("/client/debug-log", test_debug_log);
  ADD ("/client/idle-connections-closed", test_idle_connections_closed);
  g_test_add_func ("/client/larger-than-4gib", test_larger_than_4gib);

  return g_test_run ();
}
