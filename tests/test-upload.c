/* test-upload.c: PUT and multipart uploads against the loopback endpoint
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "s3dlio-server-private.h"
#include "test-utils.h"

#define KiB 1024
#define PART (64 * KiB)              /* the smallest upload-part-size */
#define THRESHOLD (3 * PART)

/* A key that needs every kind of encoding. */
#define AWKWARD_KEY "dir/with space+plus%25percent/ünïcödé//double"

typedef struct {
  S3dlioServer      *server;
  S3dlioClient      *client;
  S3dlioConfig      *config;
  S3dlioCredentials *credentials;
  char              *tmpdir;
} Fixture;

/* {{{ Helpers */

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

static void
assert_same_bytes (GBytes *expected,
                   GBytes *actual)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_assert_nonnull (actual);
  g_assert_cmpuint (g_bytes_get_size (actual), ==, g_bytes_get_size (expected));
  a = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, expected);
  b = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, actual);
  g_assert_cmpstr (a, ==, b);
}

static S3dlioUri *
object_uri (const char *bucket,
            const char *key)
{
  g_autoptr(GError) error = NULL;
  S3dlioUri *uri = s3dlio_uri_new_s3 (bucket, key, &error);

  g_assert_no_error (error);
  return uri;
}

static void
assert_stored (Fixture    *fx,
               const char *key,
               GBytes     *expected)
{
  g_autoptr(GBytes) stored = s3dlio_server_get_object_data (fx->server, "bucket", key);

  assert_same_bytes (expected, stored);
}

static void
assert_no_uploads_left (Fixture *fx)
{
  g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, "bucket"), ==, 0);
}

static char *
write_temp_file (Fixture    *fx,
                 const char *name,
                 GBytes     *data)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fx->tmpdir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  return path;
}

static GHashTable *
new_metadata (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;

  fx->credentials = s3dlio_credentials_new ("AKIDTESTUPLOAD", "upload-secret-key-do-not-print", NULL);
  fx->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (fx->server, fx->credentials);
  s3dlio_server_set_min_part_size (fx->server, PART);
  g_assert_true (s3dlio_server_start (fx->server, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_server_create_bucket (fx->server, "bucket", &error));
  g_assert_no_error (error);

  uri = s3dlio_server_get_uri (fx->server);
  endpoint = s3dlio_endpoint_new (uri, "us-east-1", &error);
  g_assert_no_error (error);

  fx->config = s3dlio_config_new ();
  s3dlio_config_set_upload_part_size (fx->config, PART);
  s3dlio_config_set_upload_threshold (fx->config, THRESHOLD);
  s3dlio_config_set_upload_inflight (fx->config, 3);
  s3dlio_config_set_worker_threads (fx->config, 2);
  s3dlio_config_set_max_retries (fx->config, 3);
  s3dlio_config_set_io_timeout_ms (fx->config, 5000);

  fx->client = s3dlio_client_new (endpoint, fx->credentials, fx->config);
  fx->tmpdir = g_dir_make_tmp ("s3dlio-upload-XXXXXX", &error);
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

/* Runs @upload and checks that it did what a finished upload of @expected
 * in @n_parts parts (0 for a single PUT) shows. */
static void
run_upload (Fixture      *fx,
            S3dlioUpload *upload,
            GBytes       *expected,
            guint         n_parts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server_etag = NULL;
  S3dlioUri *uri = s3dlio_upload_get_uri (upload);
  const char *key = s3dlio_uri_get_key (uri);

  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_upload (fx->client, upload, NULL, &error));
  g_assert_no_error (error);

  assert_stored (fx, key, expected);
  assert_no_uploads_left (fx);
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_upload_get_total_size (upload), ==, g_bytes_get_size (expected));
  g_assert_cmpuint (s3dlio_upload_get_bytes_done (upload), ==, g_bytes_get_size (expected));

  server_etag = s3dlio_server_get_object_etag (fx->server, "bucket", key);
  g_assert_cmpstr (s3dlio_upload_get_etag (upload), ==, server_etag);

  if (n_parts == 0)
    {
      g_assert_null (s3dlio_upload_get_upload_id (upload));
      g_assert_cmpuint (s3dlio_upload_get_n_parts (upload), ==, 1);
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 1);
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
    }
  else
    {
      g_autofree char *suffix = g_strdup_printf ("-%u\"", n_parts);

      g_assert_nonnull (s3dlio_upload_get_upload_id (upload));
      g_assert_cmpuint (s3dlio_upload_get_n_parts (upload), ==, n_parts);
      g_assert_cmpuint (s3dlio_upload_get_parts_done (upload), ==, n_parts);
      /* Multipart ETags are the MD5 of the part MD5s, then "-n". */
      g_assert_true (g_str_has_suffix (server_etag, suffix));
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, n_parts);
      g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 2);
      g_assert_cmpuint (s3dlio_upload_get_requests (upload), ==, n_parts + 2);
    }
  g_assert_cmpuint (s3dlio_upload_get_parts_in_flight (upload), ==, 0);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 0);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until *@flag is set, for at most
 * @seconds. */
static void
run_until (const gboolean *flag,
           guint           seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint ticker = g_timeout_add (50, wake_up, NULL);

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (ticker);
  g_assert_true (*flag);
}

/* }}} */
/* {{{ Round trips */

static void
test_put_bytes (Fixture       *fx,
                gconstpointer  data)
{
  static const struct {
    gsize size;
    guint n_parts;
  } cases[] = {
    { 0, 0 },
    { 1, 0 },
    { THRESHOLD - 1, 0 },
    { THRESHOLD, 3 },                 /* exactly a multiple of the part size */
    { 5 * PART + 17, 6 },             /* a short last part */
    { 8 * PART, 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("bytes/%" G_GSIZE_FORMAT, cases[i].size);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
      g_autoptr(GBytes) expected = random_bytes (cases[i].size, i + 1);

      s3dlio_upload_set_source_bytes (upload, expected);
      run_upload (fx, upload, expected, cases[i].n_parts);
    }
}

static void
test_put_file (Fixture       *fx,
               gconstpointer  data)
{
  static const struct {
    gsize size;
    guint n_parts;
  } cases[] = {
    { 0, 0 },
    { 1000, 0 },
    { 4 * PART, 4 },
    { 7 * PART + 123, 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("file/%" G_GSIZE_FORMAT, cases[i].size);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
      g_autoptr(GBytes) expected = random_bytes (cases[i].size, 100 + i);
      g_autofree char *path = write_temp_file (fx, "source", expected);

      s3dlio_upload_set_source_path (upload, path);
      run_upload (fx, upload, expected, cases[i].n_parts);
    }
}

static void
test_put_stream (Fixture       *fx,
                 gconstpointer  data)
{
  static const struct {
    gsize  size;
    gint64 declared;       /* -1: unknown */
    guint  n_parts;
  } cases[] = {
    { 0, -1, 0 },
    { 0, 0, 0 },
    { 777, -1, 0 },
    { 777, 777, 0 },
    { PART - 1, -1, 0 },             /* unknown size, ends within the first part */
    { PART, -1, 1 },                 /* fills the first part: multipart of one part */
    { THRESHOLD - 1, THRESHOLD - 1, 0 },
    { 4 * PART, -1, 4 },             /* the end is only seen by an empty read */
    { 4 * PART, 4 * PART, 4 },
    { 6 * PART + 5, -1, 7 },
    { 6 * PART + 5, 6 * PART + 5, 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("stream/%u", i);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
      g_autoptr(GBytes) expected = random_bytes (cases[i].size, 200 + i);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (expected);

      s3dlio_upload_set_source_stream (upload, stream, cases[i].declared);
      run_upload (fx, upload, expected, cases[i].n_parts);
    }
}

/* A stream whose size was given wrong fails, and leaves no upload. */
static void
test_put_stream_wrong_size (Fixture       *fx,
                            gconstpointer  data)
{
  static const struct {
    gsize  size;
    gint64 declared;
  } cases[] = {
    { 100, 99 },
    { 100, 101 },
    { 5 * PART, 5 * PART - 1 },
    { 5 * PART, 5 * PART + 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("wrong-size/%u", i);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(GBytes) content = random_bytes (cases[i].size, 300 + i);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (content);

      g_assert_false (s3dlio_client_put_stream (fx->client, uri, stream, cases[i].declared,
                                                NULL, NULL, NULL, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "s3://bucket/wrong-size/"));
      g_assert_nonnull (strstr (error->message, "announced"));
      g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", key));
      assert_no_uploads_left (fx);
    }
}

/* The shortcuts, with Content-Type and metadata, which stat gives back. */
static void
test_content_type_and_metadata (Fixture       *fx,
                                gconstpointer  data)
{
  static const gsize sizes[] = { 10, 4 * PART + 1 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("meta/%u", i);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(GBytes) expected = random_bytes (sizes[i], 400 + i);
      g_autoptr(GHashTable) metadata = new_metadata ();
      g_autoptr(S3dlioObjectInfo) info = NULL;
      g_autofree char *path = write_temp_file (fx, "meta", expected);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (expected);

      g_hash_table_insert (metadata, g_strdup ("colour"), g_strdup ("blue"));
      g_hash_table_insert (metadata, g_strdup ("Mixed-Case"), g_strdup ("with spaces and / slashes"));

      /* The three shortcuts, one after the other on the same key. */
      g_assert_true (s3dlio_client_put (fx->client, uri, expected, "text/x-test", metadata, NULL, &error));
      g_assert_no_error (error);
      assert_stored (fx, key, expected);
      g_assert_true (s3dlio_client_put_file (fx->client, uri, path, "text/x-test", metadata, NULL, &error));
      g_assert_no_error (error);
      assert_stored (fx, key, expected);
      g_assert_true (s3dlio_client_put_stream (fx->client, uri, stream, -1, "text/x-test", metadata,
                                               NULL, &error));
      g_assert_no_error (error);
      assert_stored (fx, key, expected);

      info = s3dlio_client_stat (fx->client, uri, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, sizes[i]);
      g_assert_cmpstr (s3dlio_object_info_get_content_type (info), ==, "text/x-test");
      g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "colour"), ==, "blue");
      g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "mixed-case"), ==,
                       "with spaces and / slashes");
    }

  assert_no_uploads_left (fx);
}

/* Keys that need encoding, single and multipart, read back with GET. */
static void
test_awkward_key (Fixture       *fx,
                  gconstpointer  data)
{
  static const gsize sizes[] = { 33, 5 * PART + 3 };
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", AWKWARD_KEY);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) expected = random_bytes (sizes[i], 500 + i);
      g_autoptr(GBytes) got = NULL;

      g_assert_true (s3dlio_client_put (fx->client, uri, expected, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      assert_stored (fx, AWKWARD_KEY, expected);
      got = s3dlio_client_get (fx->client, uri, NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (expected, got);
    }
  assert_no_uploads_left (fx);
}

/* The x-amz-content-sha256 a PUT of the request log carried. */
static char *
logged_content_sha256 (const char *line)
{
  const char *field = strstr (line, " content-sha256=");

  if (field == NULL)
    g_error ("no content-sha256 in “%s”", line);
  field += strlen (" content-sha256=");

  return g_strndup (field, strcspn (field, " "));
}

/* The SHA-256 of the body a PUT of the request log sent: @expected whole,
 * or the part its partNumber names. */
static char *
body_sha256 (const char *line,
             GBytes     *expected)
{
  const char *number = strstr (line, "partNumber=");
  gsize size = g_bytes_get_size (expected);
  g_autoptr(GBytes) body = NULL;
  guint64 offset;

  if (number == NULL)
    return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, expected);

  offset = (g_ascii_strtoull (number + strlen ("partNumber="), NULL, 10) - 1) * PART;
  g_assert_cmpuint (offset, <, size);
  body = g_bytes_new_from_bytes (expected, offset, MIN (PART, size - offset));
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
}

static gboolean
is_hex_sha256 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* What each of the @n_puts PUTs of the last upload carried as
 * x-amz-content-sha256: UNSIGNED-PAYLOAD, or the SHA-256 of its body. */
static void
assert_payload_hashes (Fixture  *fx,
                       GBytes   *expected,
                       gboolean  unsigned_payload,
                       guint     n_puts)
{
  g_auto(GStrv) log = s3dlio_server_get_request_log (fx->server);
  guint puts = 0;

  for (guint i = 0; log[i] != NULL; i++)
    {
      g_autofree char *sent = NULL;
      g_autofree char *want = NULL;

      if (!g_str_has_prefix (log[i], "PUT "))
        continue;
      puts++;
      sent = logged_content_sha256 (log[i]);
      if (unsigned_payload)
        {
          g_assert_cmpstr (sent, ==, "UNSIGNED-PAYLOAD");
          continue;
        }
      g_assert_true (is_hex_sha256 (sent));
      want = body_sha256 (log[i], expected);
      g_assert_cmpstr (sent, ==, want);
    }
  g_assert_cmpuint (puts, ==, n_puts);
}

/* The loopback server checks x-amz-content-sha256 and Content-MD5 against
 * the body, and the signature: both forms must pass, and each PUT must
 * have carried the form asked for. */
static void
test_signed_and_unsigned_payload (Fixture       *fx,
                                  gconstpointer  data)
{
  static const gsize sizes[] = { 0, 1234, 4 * PART + 99 };

  for (guint unsigned_payload = 0; unsigned_payload <= 1; unsigned_payload++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autofree char *key = g_strdup_printf ("payload/%u/%u", unsigned_payload, i);
        g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
        g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
        g_autoptr(GBytes) expected = random_bytes (sizes[i], 600 + i);
        g_autofree char *path = write_temp_file (fx, "payload", expected);
        guint n_parts = sizes[i] >= THRESHOLD ? 5 : 0;

        s3dlio_config_set_unsigned_payload (fx->config, unsigned_payload);
        s3dlio_upload_set_source_path (upload, path);
        run_upload (fx, upload, expected, n_parts);
        assert_payload_hashes (fx, expected, unsigned_payload, MAX (n_parts, 1));
      }
}

static void
put_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  guint *pending = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_client_put_finish (S3DLIO_CLIENT (source), result, &error));
  g_assert_no_error (error);
  (*pending)--;
}

static gboolean
none_pending (const guint *pending)
{
  return *pending == 0;
}

/* Several uploads at once, on the caller's main context. */
static void
test_async_concurrent (Fixture       *fx,
                       gconstpointer  data)
{
  enum { N = 6 };
  GBytes *expected[N];
  guint pending = N;
  gboolean done = FALSE;

  for (guint i = 0; i < N; i++)
    {
      g_autofree char *key = g_strdup_printf ("async/%u", i);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);

      expected[i] = random_bytes (i * PART + i * 7, 700 + i);
      s3dlio_client_put_async (fx->client, uri, expected[i], NULL, NULL, NULL, put_done, &pending);
    }

  for (guint spins = 0; spins < 100000 && !done; spins++)
    {
      g_main_context_iteration (NULL, TRUE);
      done = none_pending (&pending);
    }
  g_assert_true (done);

  for (guint i = 0; i < N; i++)
    {
      g_autofree char *key = g_strdup_printf ("async/%u", i);

      assert_stored (fx, key, expected[i]);
      g_bytes_unref (expected[i]);
    }
  assert_no_uploads_left (fx);
}

/* }}} */
/* {{{ Progress */

typedef struct {
  guint   signals;
  guint64 last_bytes;
  gboolean went_backwards;
} Progress;

static void
on_progress (S3dlioUpload *upload,
             gpointer      data)
{
  Progress *progress = data;
  guint64 bytes = s3dlio_upload_get_bytes_done (upload);

  progress->signals++;
  if (bytes > s3dlio_upload_get_total_size (upload) && s3dlio_upload_get_total_size (upload) > 0)
    progress->went_backwards = TRUE;
  progress->last_bytes = bytes;
}

static void
test_progress (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "progress");
  g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
  g_autoptr(GBytes) expected = random_bytes (10 * PART + 1, 800);
  g_autoptr(GBytes) states = NULL;
  Progress progress = { 0, };
  const guint8 *state;
  gsize n;

  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_PENDING);
  s3dlio_upload_set_source_bytes (upload, expected);
  s3dlio_upload_set_progress_interval (upload, 10);
  g_signal_connect (upload, "progress", G_CALLBACK (on_progress), &progress);

  run_upload (fx, upload, expected, 11);
  g_assert_cmpuint (progress.signals, >=, 1);
  g_assert_cmpuint (progress.last_bytes, ==, 10 * PART + 1);
  g_assert_false (progress.went_backwards);
  g_assert_cmpfloat (s3dlio_upload_get_average_throughput (upload), >, 0);
  g_assert_cmpfloat (s3dlio_upload_get_elapsed (upload), >, 0);
  g_assert_cmpuint (s3dlio_upload_get_retries (upload), ==, 0);

  states = s3dlio_upload_get_part_states (upload);
  state = g_bytes_get_data (states, &n);
  g_assert_cmpuint (n, ==, 11);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (state[i], ==, S3DLIO_PART_STATE_DONE);
  g_assert_cmpuint (s3dlio_upload_get_part_state (upload, 10), ==, S3DLIO_PART_STATE_DONE);
  g_assert_cmpuint (s3dlio_upload_get_part_state (upload, 11), ==, S3DLIO_PART_STATE_PENDING);

  /* An upload runs once. */
  g_assert_false (s3dlio_client_upload (fx->client, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
}

/* }}} */
/* {{{ Faults */

static S3dlioServerFault *
add_put_fault (Fixture         *fx,
               S3dlioFaultKind  kind,
               const char      *key,
               guint            skip,
               guint            count)
{
  S3dlioServerFault *fault = s3dlio_server_fault_new (kind);

  s3dlio_server_fault_set_method (fault, "PUT");
  s3dlio_server_fault_set_key_pattern (fault, key);
  s3dlio_server_fault_set_skip (fault, skip);
  s3dlio_server_fault_set_count (fault, count);
  s3dlio_server_add_fault (fx->server, fault);
  return fault;
}

/* How long the server holds each UploadPart response in the in-flight
 * tests: long enough that the parts a client sends together are all under
 * way at the server at once, even on a busy machine. */
#define HOLD_MS 200

/* The parts of a file go out concurrently, but never more than
 * upload-inflight at a time. Both are seen from the server: with each
 * UploadPart held for a while, a client that sends N parts together has N
 * under way there at once. */
static void
test_inflight_limit (Fixture       *fx,
                     gconstpointer  data)
{
  static const struct {
    guint inflight;
    guint n_parts;
  } cases[] = {
    { 3, 12 },
    { 1, 4 },
  };
  g_autoptr(S3dlioServerFault) hold = add_put_fault (fx, S3DLIO_FAULT_KIND_DELAY, "inflight/*", 0, 0);
  guint held = 0;

  s3dlio_server_fault_set_stall_ms (hold, HOLD_MS);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("inflight/%u", cases[i].inflight);
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", key);
      g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
      g_autoptr(GBytes) expected = random_bytes (cases[i].n_parts * PART, 1000 + i);
      g_autofree char *path = write_temp_file (fx, "inflight", expected);

      s3dlio_config_set_upload_inflight (fx->config, cases[i].inflight);
      s3dlio_upload_set_source_path (upload, path);
      run_upload (fx, upload, expected, cases[i].n_parts);

      /* Every part was held, so the peak is not an accident of timing. */
      held += cases[i].n_parts;
      g_assert_cmpuint (s3dlio_server_fault_get_hits (hold), ==, held);
      g_assert_cmpuint (_s3dlio_server_get_peak_in_flight (fx->server, "PUT"), ==,
                        cases[i].inflight);
    }
}

/* A transient failure of one part is retried; the object is still exact. */
static void
test_fault_transient (Fixture       *fx,
                      gconstpointer  data)
{
  static const struct {
    const char *code;
    guint       status;
  } statuses[] = {
    { "SlowDown", 503 },
    { "InternalError", 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    for (guint from_file = 0; from_file <= 1; from_file++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(S3dlioUri) uri = object_uri ("bucket", "transient");
        g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
        g_autoptr(GBytes) expected = random_bytes (6 * PART + 11, 900 + i);
        g_autofree char *path = write_temp_file (fx, "transient", expected);
        g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "transient", 2, 1);

        s3dlio_server_fault_set_status (fault, statuses[i].status);
        s3dlio_server_fault_set_s3_code (fault, statuses[i].code);
        if (from_file)
          s3dlio_upload_set_source_path (upload, path);
        else
          s3dlio_upload_set_source_bytes (upload, expected);

        g_assert_true (s3dlio_client_upload (fx->client, upload, NULL, &error));
        g_assert_no_error (error);
        assert_stored (fx, "transient", expected);
        assert_no_uploads_left (fx);
        g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
        g_assert_cmpuint (s3dlio_upload_get_retries (upload), ==, 1);
        g_assert_cmpuint (s3dlio_upload_get_requests (upload), ==, 7 + 1 + 2);
        g_assert_cmpuint (s3dlio_upload_get_bytes_done (upload), ==, 6 * PART + 11);
        s3dlio_server_clear_faults (fx->server);
      }

  /* The single PUT is retried too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(S3dlioUri) uri = object_uri ("bucket", "transient-single");
    g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
    g_autoptr(GBytes) expected = random_bytes (1000, 910);
    g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "transient-single", 0, 2);

    s3dlio_server_fault_set_status (fault, 503);
    s3dlio_server_fault_set_s3_code (fault, "SlowDown");
    s3dlio_upload_set_source_bytes (upload, expected);
    g_assert_true (s3dlio_client_upload (fx->client, upload, NULL, &error));
    g_assert_no_error (error);
    assert_stored (fx, "transient-single", expected);
    g_assert_cmpuint (s3dlio_upload_get_retries (upload), ==, 2);
  }
}

/* The server resets the connection after its answer's headers: whether
 * the client saw the answer or the reset, the object must be exact. */
static void
test_fault_reset (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "reset");
  g_autoptr(GBytes) expected = random_bytes (5 * PART + 1, 950);
  g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_RESET, "reset", 1, 2);

  g_assert_true (s3dlio_client_put (fx->client, uri, expected, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_stored (fx, "reset", expected);
  assert_no_uploads_left (fx);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);
}

/* A part that fails for good fails the upload, which is aborted. */
static void
test_fault_permanent (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "denied");
  g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
  g_autoptr(GBytes) content = random_bytes (8 * PART, 1000);
  g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "denied", 3, 0);

  s3dlio_server_fault_set_status (fault, 403);
  s3dlio_server_fault_set_s3_code (fault, "AccessDenied");
  s3dlio_upload_set_source_bytes (upload, content);

  s3dlio_server_reset_counters (fx->server);
  g_assert_false (s3dlio_client_upload (fx->client, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "s3://bucket/denied: part "));
  g_assert_nonnull (strstr (error->message, "AccessDenied"));
  g_assert_null (strstr (error->message, "could not be aborted"));
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_assert_nonnull (s3dlio_upload_get_upload_id (upload));
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "denied"));
  assert_no_uploads_left (fx);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
  g_clear_error (&error);
  s3dlio_server_clear_faults (fx->server);

  /* A transient error that persists: given up on after the retries. */
  g_clear_object (&fault);
  fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "failing", 0, 0);
  s3dlio_server_fault_set_status (fault, 500);
  s3dlio_server_fault_set_s3_code (fault, "InternalError");
  s3dlio_config_set_max_retries (fx->config, 2);
  {
    g_autoptr(S3dlioUri) failing = object_uri ("bucket", "failing");

    g_assert_false (s3dlio_client_put (fx->client, failing, content, NULL, NULL, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
    g_assert_nonnull (strstr (error->message, "gave up after 3 attempts"));
    assert_no_uploads_left (fx);
    g_clear_error (&error);

    /* And for a single PUT. */
    g_clear_pointer (&content, g_bytes_unref);
    content = random_bytes (100, 1001);
    g_assert_false (s3dlio_client_put (fx->client, failing, content, NULL, NULL, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
    g_assert_nonnull (strstr (error->message, "s3://bucket/failing: "));
  }
}

/* CompleteMultipartUpload refusing the parts fails the upload, which is
 * aborted. */
static void
test_complete_refused (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "too-small");
  g_autoptr(GBytes) content = random_bytes (4 * PART, 1100);

  s3dlio_server_set_min_part_size (fx->server, 2 * PART);
  g_assert_false (s3dlio_client_put (fx->client, uri, content, NULL, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "s3://bucket/too-small: completing the multipart upload: "));
  g_assert_nonnull (strstr (error->message, "EntityTooSmall"));
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "too-small"));
  assert_no_uploads_left (fx);
}

/* A CompleteMultipartUpload answered with 200 and an <Error> document, as
 * S3 does when it fails after it began to reply: the upload fails with the
 * error the document names, and is aborted. */
static void
test_complete_error_in_200 (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "complete-200");
  g_autoptr(GBytes) content = random_bytes (4 * PART, 1150);
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);
  g_auto(GStrv) log = NULL;
  guint completes = 0;
  guint aborts = 0;

  /* The first POST creates the upload, the second completes it. */
  s3dlio_server_fault_set_method (fault, "POST");
  s3dlio_server_fault_set_key_pattern (fault, "complete-200");
  s3dlio_server_fault_set_skip (fault, 1);
  s3dlio_server_fault_set_count (fault, 1);
  s3dlio_server_fault_set_status (fault, 200);
  s3dlio_server_fault_set_s3_code (fault, "InternalError");
  s3dlio_server_add_fault (fx->server, fault);

  s3dlio_server_reset_counters (fx->server);
  g_assert_false (s3dlio_client_put (fx->client, uri, content, NULL, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
  g_assert_nonnull (strstr (error->message, "s3://bucket/complete-200: completing the multipart upload: "));
  g_assert_nonnull (strstr (error->message, "InternalError"));
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);

  /* The completion really was a 200, and the upload was then aborted. */
  log = s3dlio_server_get_request_log (fx->server);
  for (guint i = 0; log[i] != NULL; i++)
    {
      if (g_str_has_prefix (log[i], "POST /bucket/complete-200?uploadId=") &&
          strstr (log[i], " -> 200 ") != NULL && strstr (log[i], " fault=status") != NULL)
        completes++;
      if (g_str_has_prefix (log[i], "DELETE /bucket/complete-200?uploadId=") &&
          strstr (log[i], " -> 204 ") != NULL)
        aborts++;
    }
  g_assert_cmpuint (completes, ==, 1);
  g_assert_cmpuint (aborts, ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
  assert_no_uploads_left (fx);
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "complete-200"));
}

/* }}} */
/* {{{ Cancelling */

typedef struct {
  GCancellable *cancellable;
  guint         when_parts_done;
} CancelWhen;

static void
cancel_when (S3dlioUpload *upload,
             gpointer      data)
{
  CancelWhen *when = data;

  if (s3dlio_upload_get_parts_done (upload) >= when->when_parts_done)
    g_cancellable_cancel (when->cancellable);
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "cancel");
  g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);
  g_autoptr(GBytes) content = random_bytes (20 * PART, 1200);
  g_autofree char *path = write_temp_file (fx, "cancel", content);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "cancel", 4, 0);
  CancelWhen when = { cancellable, 2 };
  gint64 start;

  /* From the fifth part on, every part is refused with SlowDown and
   * retried for ever: the upload only ends by cancellation. */
  s3dlio_server_fault_set_status (fault, 503);
  s3dlio_server_fault_set_s3_code (fault, "SlowDown");
  s3dlio_config_set_max_retries (fx->config, 100);

  s3dlio_upload_set_source_path (upload, path);
  s3dlio_upload_set_progress_interval (upload, 10);
  g_signal_connect (upload, "progress", G_CALLBACK (cancel_when), &when);

  start = g_get_monotonic_time ();
  g_assert_false (s3dlio_client_upload (fx->client, upload, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_CANCELLED);
  g_assert_nonnull (s3dlio_upload_get_upload_id (upload));
  g_assert_cmpuint (s3dlio_upload_get_parts_in_flight (upload), ==, 0);
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "cancel"));
  assert_no_uploads_left (fx);
  g_clear_error (&error);

  /* Cancelled before it starts: no request at all. */
  {
    g_autoptr(S3dlioUri) other = object_uri ("bucket", "never");

    s3dlio_server_reset_counters (fx->server);
    g_assert_false (s3dlio_client_put (fx->client, other, content, NULL, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 0);
  }
}

typedef struct {
  gboolean done;
  GError  *error;
} AsyncResult;

static void
upload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  AsyncResult *out = data;

  s3dlio_client_put_stream_finish (S3DLIO_CLIENT (source), result, &out->error);
  out->done = TRUE;
}

static void
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
}

/* A stream upload cancelled from a timeout while parts and reads are
 * under way. */
static void
test_cancel_stream (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "cancel-stream");
  g_autoptr(GBytes) content = random_bytes (30 * PART, 1300);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (content);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) fault = add_put_fault (fx, S3DLIO_FAULT_KIND_STATUS, "cancel-stream", 2, 0);
  AsyncResult result = { FALSE, NULL };

  s3dlio_server_fault_set_status (fault, 503);
  s3dlio_server_fault_set_s3_code (fault, "SlowDown");
  s3dlio_config_set_max_retries (fx->config, 100);

  s3dlio_client_put_stream_async (fx->client, uri, stream, -1, NULL, NULL, cancellable,
                                  upload_done, &result);
  g_timeout_add_once (300, cancel_now, cancellable);
  run_until (&result.done, 20);

  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "cancel-stream"));
  assert_no_uploads_left (fx);
}

/* }}} */
/* {{{ Errors */

/* A stream that gives @remaining random bytes, then fails. */
typedef struct {
  GInputStream parent_instance;
  gsize        remaining;
} FailingStream;

typedef GInputStreamClass FailingStreamClass;

static GType failing_stream_get_type (void);
G_DEFINE_TYPE (FailingStream, failing_stream, G_TYPE_INPUT_STREAM)

static gssize
failing_stream_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  FailingStream *self = (FailingStream *) stream;
  gsize n = MIN (count, self->remaining);

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "the source broke");
      return -1;
    }
  memset (buffer, 'f', n);
  self->remaining -= n;
  return n;
}

static gboolean
failing_stream_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return TRUE;
}

static void
failing_stream_class_init (FailingStreamClass *klass)
{
  klass->read_fn = failing_stream_read;
  klass->close_fn = failing_stream_close;
}

static void
failing_stream_init (FailingStream *self)
{
}

static GInputStream *
failing_stream_new (gsize good_bytes)
{
  FailingStream *self = g_object_new (failing_stream_get_type (), NULL);

  self->remaining = good_bytes;
  return G_INPUT_STREAM (self);
}

/* A stream that fails after some parts: the upload is aborted. */
static void
test_stream_fails (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "broken-stream");
  g_autoptr(GInputStream) stream = failing_stream_new (4 * PART + 100);

  s3dlio_server_reset_counters (fx->server);
  g_assert_false (s3dlio_client_put_stream (fx->client, uri, stream, -1, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_nonnull (strstr (error->message, "s3://bucket/broken-stream: reading the stream: the source broke"));
  g_assert_null (s3dlio_server_get_object_data (fx->server, "bucket", "broken-stream"));
  assert_no_uploads_left (fx);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
}


static void
test_local_errors (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "local");
  g_autofree char *missing = g_build_filename (fx->tmpdir, "missing", NULL);
  g_autofree char *fifo = g_build_filename (fx->tmpdir, "fifo", NULL);
  g_autoptr(S3dlioUpload) upload = s3dlio_upload_new (uri);

  s3dlio_server_reset_counters (fx->server);

  g_assert_false (s3dlio_client_put_file (fx->client, uri, missing, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "s3://bucket/local: "));
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  s3dlio_upload_set_source_path (upload, fx->tmpdir);
  g_assert_false (s3dlio_client_upload (fx->client, upload, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_nonnull (strstr (error->message, "directory"));
  g_assert_nonnull (strstr (error->message, fx->tmpdir));
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (s3dlio_client_put_file (fx->client, uri, fifo, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  /* No source at all. */
  g_clear_object (&upload);
  upload = s3dlio_upload_new (uri);
  g_assert_false (s3dlio_client_upload (fx->client, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Not an object. */
  {
    g_autoptr(S3dlioUri) prefix = object_uri ("bucket", "dir/");
    g_autoptr(GBytes) content = g_bytes_new_static ("x", 1);

    g_assert_false (s3dlio_client_put (fx->client, prefix, content, NULL, NULL, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
    g_clear_error (&error);
  }

  /* Nothing reached the server. */
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 0);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
}

/* A file that cannot be read. Root reads anything, so the check gives
 * up root for the moment it takes (the effective user only: the saved one
 * brings root back). */
static void
test_unreadable_file (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = object_uri ("bucket", "unreadable");
  g_autoptr(GBytes) content = g_bytes_new_static ("secret", 6);
  g_autofree char *path = write_temp_file (fx, "unreadable", content);
  gboolean was_root = geteuid () == 0;
  gboolean ok;

  g_assert_cmpint (g_chmod (fx->tmpdir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  if (was_root)
    g_assert_cmpint (seteuid (65534), ==, 0);
  ok = s3dlio_client_put_file (fx->client, uri, path, NULL, NULL, NULL, &error);
  if (was_root)
    g_assert_cmpint (seteuid (0), ==, 0);

  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "s3://bucket/unreadable: "));
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 0);
}

static void
test_missing_bucket (Fixture       *fx,
                     gconstpointer  data)
{
  static const gsize sizes[] = { 10, 4 * PART };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) uri = object_uri ("no-such-bucket", "key");
      g_autoptr(GBytes) content = random_bytes (sizes[i], 1400);

      g_assert_false (s3dlio_client_put (fx->client, uri, content, NULL, NULL, NULL, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
      g_assert_nonnull (strstr (error->message, "s3://no-such-bucket/key: "));
    }
}

static void
test_bad_metadata (Fixture       *fx,
                   gconstpointer  data)
{
  static const char *const bad[][2] = {
    { "with space", "value" },
    { "", "value" },
    { "colon:", "value" },
    { "fine", "line\r\nbreak" },
    { "fine", "nul\001" },
  };

  s3dlio_server_reset_counters (fx->server);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) uri = object_uri ("bucket", "metadata");
      g_autoptr(GBytes) content = g_bytes_new_static ("x", 1);
      g_autoptr(GHashTable) metadata = new_metadata ();

      g_hash_table_insert (metadata, g_strdup (bad[i][0]), g_strdup (bad[i][1]));
      g_assert_false (s3dlio_client_put (fx->client, uri, content, NULL, metadata, NULL, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "metadata"));
    }
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 0);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/upload/put-bytes", test_put_bytes);
  ADD ("/upload/put-file", test_put_file);
  ADD ("/upload/put-stream", test_put_stream);
  ADD ("/upload/put-stream-wrong-size", test_put_stream_wrong_size);
  ADD ("/upload/content-type-and-metadata", test_content_type_and_metadata);
  ADD ("/upload/awkward-key", test_awkward_key);
  ADD ("/upload/signed-and-unsigned-payload", test_signed_and_unsigned_payload);
  ADD ("/upload/async-concurrent", test_async_concurrent);
  ADD ("/upload/progress", test_progress);
  ADD ("/upload/inflight-limit", test_inflight_limit);
  ADD ("/upload/fault/transient", test_fault_transient);
  ADD ("/upload/fault/reset", test_fault_reset);
  ADD ("/upload/fault/permanent", test_fault_permanent);
  ADD ("/upload/fault/complete-refused", test_complete_refused);
  ADD ("/upload/fault/complete-error-in-200", test_complete_error_in_200);
  ADD ("/upload/cancel", test_cancel);
  ADD ("/upload/cancel-stream", test_cancel_stream);
  ADD ("/upload/errors/stream-fails", test_stream_fails);
  ADD ("/upload/errors/local", test_local_errors);
  ADD ("/upload/errors/unreadable-file", test_unreadable_file);
  ADD ("/upload/errors/missing-bucket", test_missing_bucket);
  ADD ("/upload/errors/bad-metadata", test_bad_metadata);

  return g_test_run ();
}
