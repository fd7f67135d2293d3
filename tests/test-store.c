/* test-store.c: S3dlioObjectStore, its s3:// and file:// backends, and the
 * recursive transfers
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-utils.h"

#define KiB 1024
#define PART (64 * KiB)
#define THRESHOLD (256 * KiB)
#define MAX_INFLIGHT 4

typedef enum {
  BACKEND_S3,
  BACKEND_FILE,
} Backend;

typedef struct {
  Backend            backend;
  S3dlioServer      *server;
  S3dlioClient      *client;
  S3dlioConfig      *config;
  S3dlioCredentials *credentials;
  S3dlioObjectStore *store;
  char              *tmpdir;
  char              *root;       /* where the file:// objects are */
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
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_bytes_get_size (actual), ==, g_bytes_get_size (expected));
  g_assert_true (g_bytes_equal (expected, actual));
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
write_file (const char *path,
            GBytes     *bytes)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

/* The key of @key in the fixture's store: the S3 key, or the path. */
static char *
store_key (Fixture    *fx,
           const char *key)
{
  if (fx->backend == BACKEND_S3)
    return g_strdup (key);
  return g_strconcat (fx->root, "/", key, NULL);
}

static S3dlioUri *
store_uri (Fixture    *fx,
           const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  S3dlioUri *uri;

  if (fx->backend == BACKEND_FILE)
    {
      path = store_key (fx, key);
      return s3dlio_uri_new_file (path);
    }

  uri = s3dlio_uri_new_s3 ("bucket", key, &error);
  g_assert_no_error (error);
  return uri;
}

static void
seed_bytes (Fixture    *fx,
            const char *key,
            GBytes     *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (fx->backend == BACKEND_S3)
    {
      s3dlio_server_put_object (fx->server, "bucket", key, data, &error);
      g_assert_no_error (error);
      return;
    }

  path = store_key (fx, key);
  write_file (path, data);
}

static GBytes *
seed (Fixture    *fx,
      const char *key,
      gsize       size)
{
  GBytes *data = random_bytes (size, g_str_hash (key) ^ size);

  seed_bytes (fx, key, data);
  return data;
}

/* The object as the backend holds it, or %NULL. */
static GBytes *
stored_object (Fixture    *fx,
               const char *key)
{
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (fx->backend == BACKEND_S3)
    return s3dlio_server_get_object_data (fx->server, "bucket", key);

  path = store_key (fx, key);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_bytes_new_take (contents, length);
}

/* Removes a tree made by a test (never following links), making
 * directories writable again first. */
static void
remove_tree (const char *path,
             guint       depth)
{
  GStatBuf st;

  g_assert_cmpuint (depth, <, 64);

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child, depth + 1);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* Every file below @path (links not followed), as paths relative to it,
 * sorted. Directories end with "/". */
static void
collect_tree (const char *base,
              const char *relative,
              GPtrArray  *out,
              guint       depth)
{
  g_autofree char *path = g_build_filename (base, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_cmpuint (depth, <, 64);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_relative = *relative ? g_strconcat (relative, "/", name, NULL)
                                                  : g_strdup (name);
      g_autofree char *child = g_build_filename (base, child_relative, NULL);
      GStatBuf st;

      g_assert_cmpint (g_lstat (child, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          g_ptr_array_add (out, g_strconcat (child_relative, "/", NULL));
          collect_tree (base, child_relative, out, depth + 1);
        }
      else
        g_ptr_array_add (out, g_steal_pointer (&child_relative));
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
tree (const char *base)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  collect_tree (base, "", out, 0);
  g_ptr_array_sort (out, compare_strings);
  return out;
}

static guint
count_tree (const char *base)
{
  g_autoptr(GPtrArray) files = tree (base);

  return files->len;
}

static char *
tree_string (const char *base)
{
  g_autoptr(GPtrArray) files = tree (base);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < files->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", (char *) g_ptr_array_index (files, i));
  return g_string_free (s, FALSE);
}

/* No hidden temporary file (".NAME.s3dlio-XXXXXX") anywhere below @base. */
static void
assert_no_temporary_files (const char *base)
{
  g_autoptr(GPtrArray) files = tree (base);

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);

      if (strstr (file, ".s3dlio-") != NULL)
        g_error ("A temporary file was left behind: %s/%s", base, file);
    }
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until @model has loaded, at most 20 s. */
static void
wait_for_loading (GListModel *model)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timeout_cb, &timed_out);
  gboolean loading = TRUE;

  for (;;)
    {
      g_object_get (model, "loading", &loading, NULL);
      if (!loading || timed_out)
        break;
      g_main_context_iteration (NULL, TRUE);
    }

  g_assert_false (timed_out);
  g_source_remove (id);
}

/* The keys of a listing, relative to @prefix_key, with "/" for prefixes. */
static char *
listing_string (GListModel *model,
                const char *prefix_key)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (model, i);
      const char *key = s3dlio_object_info_get_key (info);

      g_assert_true (g_str_has_prefix (key, prefix_key));
      g_string_append_printf (s, "%s%s%s", i ? " " : "", key + strlen (prefix_key),
                              s3dlio_object_info_get_is_prefix (info) ? "(dir)" : "");
    }
  return g_string_free (s, FALSE);
}

static void
assert_all_parts_done (S3dlioTransfer *transfer)
{
  g_autoptr(GBytes) states = s3dlio_transfer_get_part_states (transfer);
  const guint8 *state = g_bytes_get_data (states, NULL);

  g_assert_cmpint (s3dlio_transfer_get_state (transfer), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), >=, 1);
  g_assert_cmpuint (g_bytes_get_size (states), ==, s3dlio_transfer_get_n_parts (transfer));
  g_assert_cmpuint (s3dlio_transfer_get_parts_done (transfer), ==, s3dlio_transfer_get_n_parts (transfer));
  g_assert_cmpuint (s3dlio_transfer_get_parts_in_flight (transfer), ==, 0);
  for (gsize i = 0; i < g_bytes_get_size (states); i++)
    g_assert_cmpint (state[i], ==, S3DLIO_PART_STATE_DONE);
}

/* }}} */
/* {{{ Fixture */

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;

  fx->backend = GPOINTER_TO_INT (data);
  fx->credentials = s3dlio_credentials_new ("AKIDTESTSTORE", "test-secret-key-do-not-print", NULL);
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
  s3dlio_config_set_max_inflight (fx->config, MAX_INFLIGHT);
  s3dlio_config_set_worker_threads (fx->config, 2);
  s3dlio_config_set_max_retries (fx->config, 3);
  s3dlio_config_set_io_timeout_ms (fx->config, 5000);

  fx->client = s3dlio_client_new (endpoint, fx->credentials, fx->config);
  fx->tmpdir = g_dir_make_tmp ("s3dlio-store-XXXXXX", &error);
  g_assert_no_error (error);
  fx->root = g_build_filename (fx->tmpdir, "store", NULL);
  g_assert_cmpint (g_mkdir (fx->root, 0700), ==, 0);

  if (fx->backend == BACKEND_S3)
    fx->store = S3DLIO_OBJECT_STORE (g_object_ref (fx->client));
  else
    fx->store = S3DLIO_OBJECT_STORE (s3dlio_file_store_new (fx->config));
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->store);
  g_clear_object (&fx->client);
  s3dlio_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_clear_object (&fx->config);
  g_clear_object (&fx->credentials);
  remove_tree (fx->tmpdir, 0);
  g_free (fx->tmpdir);
  g_free (fx->root);
}

/* }}} */
/* {{{ The factory */

static void
test_factory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioClient) client = s3dlio_client_new (NULL, NULL, NULL);
  g_autoptr(S3dlioUri) s3 = s3dlio_uri_parse ("s3://bucket/key", &error);
  g_autoptr(S3dlioUri) file = s3dlio_uri_parse ("file:///tmp/x", &error);
  g_autoptr(S3dlioObjectStore) store = NULL;
  g_autoptr(S3dlioObjectStore) env_store = NULL;
  g_autoptr(S3dlioObjectStore) file_store = NULL;
  g_autoptr(S3dlioObjectStore) none = NULL;
  static const char *const unknown[] = { "gs://bucket/key", "direct:///data/x", "http://host/x", "s3:/x" };

  g_assert_no_error (error);

  /* s3:// is the client itself. */
  store = s3dlio_object_store_new_for_uri (s3, client, &error);
  g_assert_no_error (error);
  g_assert_true ((gpointer) store == (gpointer) client);
  g_assert_true (S3DLIO_IS_OBJECT_STORE (client));
  g_clear_object (&store);

  /* file:// is a file store with the client's config. */
  store = s3dlio_object_store_new_for_uri (file, client, &error);
  g_assert_no_error (error);
  g_assert_true (S3DLIO_IS_FILE_STORE (store));
  g_assert_true (s3dlio_file_store_get_config (S3DLIO_FILE_STORE (store)) ==
                 s3dlio_client_get_config (client));

  /* Without a client: from the environment, for both. */
  g_setenv ("S3DLIO_GET_PART_SIZE", "1MiB", TRUE);
  file_store = s3dlio_object_store_new_for_uri (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (S3DLIO_IS_FILE_STORE (file_store));
  g_assert_cmpuint (s3dlio_config_get_part_size (s3dlio_file_store_get_config (S3DLIO_FILE_STORE (file_store))),
                    ==, 1024 * 1024);
  g_setenv ("S3DLIO_GET_PART_SIZE", "lots", TRUE);
  none = s3dlio_object_store_new_for_uri (file, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  g_unsetenv ("S3DLIO_GET_PART_SIZE");

  none = s3dlio_object_store_new_for_uri (s3, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDFACTORY", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "factory-secret", TRUE);
  env_store = s3dlio_object_store_new_for_uri (s3, NULL, &error);
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_assert_no_error (error);
  g_assert_true (S3DLIO_IS_CLIENT (env_store));

  /* Other schemes never make it to a URI. */
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (unknown[i], &error);

      g_assert_null (uri);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
      g_clear_error (&error);
    }
}

/* A store refuses the other backend's URIs. */
static void
test_wrong_scheme (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) other = NULL;
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(GListModel) listing = NULL;

  if (fx->backend == BACKEND_S3)
    other = s3dlio_uri_new_file ("/etc/hostname");
  else
    other = s3dlio_uri_new_s3 ("bucket", "key", &error);
  g_assert_no_error (error);

  info = s3dlio_object_store_stat (fx->store, other, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);

  transfer = s3dlio_transfer_new (other);
  g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);

  listing = s3dlio_object_store_list_all (fx->store, other, NULL, NULL, &error);
  g_assert_null (listing);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
}

/* }}} */
/* {{{ stat */

static void
test_stat (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = seed (fx, "stat/object.txt", 1000);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "stat/object.txt");
  g_autoptr(S3dlioUri) missing = store_uri (fx, "stat/missing.txt");
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "stat/");
  g_autofree char *key = store_key (fx, "stat/object.txt");
  g_autoptr(S3dlioObjectInfo) info = NULL;

  info = s3dlio_object_store_stat (fx->store, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, key);
  g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 1000);
  g_assert_nonnull (s3dlio_object_info_get_etag (info));
  g_assert_nonnull (s3dlio_object_info_get_last_modified (info));
  g_assert_false (s3dlio_object_info_get_is_prefix (info));
  g_clear_object (&info);

  info = s3dlio_object_store_stat (fx->store, missing, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "missing.txt"));
  g_clear_error (&error);

  info = s3dlio_object_store_stat (fx->store, prefix, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
}

/* }}} */
/* {{{ download */

static const gsize sizes[] = {
  0, 1, 1000, PART - 1, PART, PART + 1, THRESHOLD - 1, THRESHOLD, 5 * PART + 123,
};

static void
test_download_memory (Fixture       *fx,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("memory/%zu", sizes[i]);
      g_autoptr(GBytes) expected = seed (fx, key, sizes[i]);
      g_autoptr(S3dlioUri) uri = store_uri (fx, key);
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autoptr(GBytes) got = NULL;

      g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_no_error (error);
      got = s3dlio_transfer_get_bytes (transfer);
      assert_same_bytes (expected, got);

      assert_all_parts_done (transfer);
      g_assert_cmpuint (s3dlio_transfer_get_length (transfer), ==, sizes[i]);
      g_assert_cmpuint (s3dlio_transfer_get_total_size (transfer), ==, sizes[i]);
      g_assert_cmpuint (s3dlio_transfer_get_bytes_done (transfer), ==, sizes[i]);
      g_assert_nonnull (s3dlio_transfer_get_etag (transfer));
      if (sizes[i] >= THRESHOLD)
        g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, (sizes[i] + PART - 1) / PART);
      if (sizes[i] <= PART)
        g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, 1);
    }
}

static void
test_download_file (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("file/%zu", sizes[i]);
      g_autofree char *name = g_strdup_printf ("%zu.bin", sizes[i]);
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autoptr(GBytes) expected = seed (fx, key, sizes[i]);
      g_autoptr(S3dlioUri) uri = store_uri (fx, key);
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autoptr(GBytes) got = NULL;

      s3dlio_transfer_set_destination_path (transfer, path);
      g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_no_error (error);
      got = read_file (path);
      assert_same_bytes (expected, got);
      assert_all_parts_done (transfer);
      g_assert_null (s3dlio_transfer_get_bytes (transfer));
    }

  assert_no_temporary_files (out);
  g_assert_cmpuint (count_tree (out), ==, G_N_ELEMENTS (sizes));
}

static void
test_download_stream (Fixture       *fx,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("stream/%zu", sizes[i]);
      g_autoptr(GBytes) expected = seed (fx, key, sizes[i]);
      g_autoptr(S3dlioUri) uri = store_uri (fx, key);
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) got = NULL;

      s3dlio_transfer_set_destination_stream (transfer, stream);
      g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_output_stream_close (stream, NULL, NULL));
      got = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
      assert_same_bytes (expected, got);
      assert_all_parts_done (transfer);
    }
}

typedef struct {
  GMutex   mutex;
  guint8  *data;
  gsize    size;
  guint64  received;
  gint     active;
  gint     max_active;
  guint    sleep_us;
} Chunks;

static gboolean
chunk_cb (guint64       offset,
          const guint8 *data,
          gsize         length,
          gpointer      user_data)
{
  Chunks *chunks = user_data;
  gint active = g_atomic_int_add (&chunks->active, 1) + 1;

  g_mutex_lock (&chunks->mutex);
  chunks->max_active = MAX (chunks->max_active, active);
  g_assert_cmpuint (offset + length, <=, chunks->size);
  memcpy (chunks->data + offset, data, length);
  chunks->received += length;
  g_mutex_unlock (&chunks->mutex);

  /* Hold the part a little, so that others overlap it. */
  if (chunks->sleep_us > 0)
    g_usleep (chunks->sleep_us);

  g_atomic_int_add (&chunks->active, -1);
  return TRUE;
}

static void
test_download_chunks (Fixture       *fx,
                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("chunks/%zu", sizes[i]);
      g_autoptr(GBytes) expected = seed (fx, key, sizes[i]);
      g_autoptr(S3dlioUri) uri = store_uri (fx, key);
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autoptr(GBytes) got = NULL;
      Chunks chunks = { .size = sizes[i] };

      g_mutex_init (&chunks.mutex);
      chunks.data = g_malloc0 (MAX (sizes[i], 1));
      s3dlio_transfer_set_chunk_func (transfer, chunk_cb, &chunks, NULL);
      g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (chunks.received, ==, sizes[i]);
      got = g_bytes_new_take (chunks.data, sizes[i]);
      assert_same_bytes (expected, got);
      assert_all_parts_done (transfer);
      g_mutex_clear (&chunks.mutex);
    }
}

static void
test_download_buffer (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = seed (fx, "buffer/object", 3 * PART + 5);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "buffer/object");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(S3dlioTransfer) small = s3dlio_transfer_new (uri);
  g_autofree guint8 *buffer = g_malloc (4 * PART);
  g_autoptr(GBytes) got = NULL;

  s3dlio_transfer_set_destination_buffer (transfer, buffer, 4 * PART);
  g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_transfer_get_length (transfer), ==, 3 * PART + 5);
  got = g_bytes_new (buffer, s3dlio_transfer_get_length (transfer));
  assert_same_bytes (expected, got);

  s3dlio_transfer_set_destination_buffer (small, buffer, PART);
  g_assert_false (s3dlio_object_store_download (fx->store, small, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (s3dlio_transfer_get_state (small), ==, S3DLIO_TRANSFER_STATE_FAILED);
}

static void
test_download_ranges (Fixture       *fx,
                      gconstpointer  data)
{
  const gsize size = 5 * PART + 123;
  g_autoptr(GBytes) object = seed (fx, "ranges/object", size);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "ranges/object");
  static const struct {
    guint64 offset;
    guint64 length;
    guint64 expected;
  } cases[] = {
    { 0, 1, 1 },
    { PART - 1, 2, 2 },
    { 100, 3 * PART, 3 * PART },
    { 100, 5 * PART, 5 * PART },
    { 5 * PART + 113, G_MAXUINT64, 10 },
    { 5 * PART, 1000, 123 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autoptr(GBytes) expected = g_bytes_new_from_bytes (object, cases[i].offset, cases[i].expected);
      g_autoptr(GBytes) got = NULL;

      s3dlio_transfer_set_range (transfer, cases[i].offset, cases[i].length);
      g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_no_error (error);
      got = s3dlio_transfer_get_bytes (transfer);
      assert_same_bytes (expected, got);
      g_assert_cmpuint (s3dlio_transfer_get_length (transfer), ==, cases[i].expected);
      g_assert_cmpuint (s3dlio_transfer_get_total_size (transfer), ==, size);
      assert_all_parts_done (transfer);
    }

  /* A range past the end. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);

    s3dlio_transfer_set_range (transfer, size, 10);
    g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);
  }
}

static void
test_download_missing (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = store_uri (fx, "missing/object");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *path = g_build_filename (out, "object", NULL);

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  s3dlio_transfer_set_destination_path (transfer, path);
  g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "missing/object"));
  g_assert_cmpint (s3dlio_transfer_get_state (transfer), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_assert_cmpuint (count_tree (out), ==, 0);
}

/* A destination that cannot be written: the error names it, and nothing
 * is left behind. */
static void
test_download_unwritable (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GBytes) object = seed (fx, "unwritable/object", 3 * PART);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "unwritable/object");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *blocker = g_build_filename (out, "file", NULL);
  g_autofree char *inside_file = g_build_filename (blocker, "object", NULL);
  g_autofree char *missing_dir = g_build_filename (out, "no", "such", "object", NULL);
  const char *paths[] = { inside_file, missing_dir, out };

  write_file (blocker, object);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
      g_autofree char *dir = g_path_get_dirname (paths[i]);

      s3dlio_transfer_set_destination_path (transfer, paths[i]);
      g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
      g_assert_true (error->domain == G_IO_ERROR);
      g_assert_nonnull (strstr (error->message, paths[i] == out ? out : dir));
    }

  assert_no_temporary_files (out);
  {
    g_autofree char *files = tree_string (out);

    g_assert_cmpstr (files, ==, "file");
  }
}

/* A file:// download really is split into parts read concurrently. */
static void
test_download_concurrent (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = seed (fx, "concurrent/object", 16 * PART);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "concurrent/object");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GBytes) got = NULL;
  Chunks chunks = { .size = 16 * PART, .sleep_us = 20000 };

  g_mutex_init (&chunks.mutex);
  chunks.data = g_malloc0 (16 * PART);
  s3dlio_transfer_set_chunk_func (transfer, chunk_cb, &chunks, NULL);
  g_assert_true (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_no_error (error);
  got = g_bytes_new_take (chunks.data, 16 * PART);
  assert_same_bytes (expected, got);

  g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, 16);
  g_assert_cmpuint (s3dlio_transfer_get_requests (transfer), >=, 16);
  assert_all_parts_done (transfer);
  g_assert_cmpint (chunks.max_active, >, 1);
  g_assert_cmpint (chunks.max_active, <=, MAX_INFLIGHT);
  g_mutex_clear (&chunks.mutex);
}

static void
progress_cb (S3dlioTransfer *transfer,
             gpointer        data)
{
  (*(guint *) data)++;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_download_async (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GBytes) expected = seed (fx, "async/object", 6 * PART);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "async/object");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timeout_cb, &timed_out);
  guint progress = 0;

  g_signal_connect (transfer, "progress", G_CALLBACK (progress_cb), &progress);
  s3dlio_object_store_download_async (fx->store, transfer, NULL, result_cb, &result);
  g_assert_cmpint (s3dlio_transfer_get_state (transfer), ==, S3DLIO_TRANSFER_STATE_RUNNING);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);

  g_assert_true (s3dlio_object_store_download_finish (fx->store, result, &error));
  g_assert_no_error (error);
  got = s3dlio_transfer_get_bytes (transfer);
  assert_same_bytes (expected, got);
  assert_all_parts_done (transfer);
  g_assert_cmpuint (progress, >=, 1);
}

/* }}} */
/* {{{ get, get_range: downloads into memory */

static void
test_get (Fixture       *fx,
          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("get/%zu", sizes[i]);
      g_autoptr(GBytes) expected = seed (fx, key, sizes[i]);
      g_autoptr(S3dlioUri) uri = store_uri (fx, key);
      g_autoptr(GBytes) got = NULL;

      s3dlio_server_reset_counters (fx->server);
      got = s3dlio_object_store_get (fx->store, uri, NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (expected, got);

      /* Size-aware: a large object came as several ranged GETs. */
      if (fx->backend == BACKEND_S3 && sizes[i] >= THRESHOLD)
        g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), >=,
                          (sizes[i] + PART - 1) / PART);
    }
}

/* The error the client gives for the same range of the same object held
 * by the S3 server, so that both backends can be held to it. */
static GError *
client_range_error (Fixture    *fx,
                    const char *key,
                    GBytes     *object,
                    guint64     offset,
                    guint64     length)
{
  g_autoptr(S3dlioUri) uri = s3dlio_uri_new_s3 ("bucket", key, NULL);
  g_autoptr(GBytes) got = NULL;
  GError *error = NULL;

  g_assert_nonnull (uri);
  g_assert_true (s3dlio_server_put_object (fx->server, "bucket", key, object, NULL));
  got = s3dlio_client_get_range (fx->client, uri, offset, length, NULL, &error);
  g_assert_null (got);
  g_assert_nonnull (error);
  return error;
}

static void
test_get_range (Fixture       *fx,
                gconstpointer  data)
{
  const gsize size = 5 * PART + 123;
  g_autoptr(GBytes) object = seed (fx, "range/object", size);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "range/object");
  static const struct {
    guint64 offset;
    guint64 length;
    guint64 expected;
  } cases[] = {
    { 100, 10, 10 },                      /* in the middle, small */
    { PART - 1, 3 * PART, 3 * PART },     /* in the middle, in parts */
    { 5 * PART + 113, 10, 10 },           /* the last bytes */
    { 5 * PART, 1000, 123 },              /* cut at the end */
    { 0, G_MAXUINT64, 5 * PART + 123 },   /* everything */
    { 5 * PART + 122, G_MAXUINT64, 1 },   /* the last byte */
  };
  static const struct {
    guint64 offset;
    guint64 length;
  } bad[] = {
    { 5 * PART + 123, 10 },               /* starts at the end */
    { 5 * PART + 123, G_MAXUINT64 },
    { 2 * (5 * PART + 123), 1 },          /* well past it */
    { G_MAXINT64, 1 },                    /* as far as HTTP servers parse */
    { 10, 0 },                            /* empty */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) expected = g_bytes_new_from_bytes (object, cases[i].offset, cases[i].expected);
      g_autoptr(GBytes) got = NULL;

      got = s3dlio_object_store_get_range (fx->store, uri, cases[i].offset, cases[i].length,
                                           NULL, &error);
      g_assert_no_error (error);
      assert_same_bytes (expected, got);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) client_error = NULL;
      g_autoptr(GBytes) got = NULL;

      got = s3dlio_object_store_get_range (fx->store, uri, bad[i].offset, bad[i].length,
                                           NULL, &error);
      g_assert_null (got);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);

      client_error = client_range_error (fx, "range/object", object, bad[i].offset, bad[i].length);
      g_assert_error (client_error, error->domain, error->code);
    }
}

static void
test_get_missing (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = store_uri (fx, "missing/object");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) range = NULL;

  got = s3dlio_object_store_get (fx->store, uri, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "missing/object"));
  g_clear_error (&error);

  range = s3dlio_object_store_get_range (fx->store, uri, 0, 10, NULL, &error);
  g_assert_null (range);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "missing/object"));
}

/* Runs the default main context until *@result is set, at most 20 s. */
static void
wait_for_result (GAsyncResult **result)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, timeout_cb, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
test_get_async (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GBytes) object = seed (fx, "async/object", 6 * PART + 7);
  g_autoptr(GBytes) expected_range = g_bytes_new_from_bytes (object, PART + 3, 2 * PART);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "async/object");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) range_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) range = NULL;

  s3dlio_object_store_get_async (fx->store, uri, NULL, result_cb, &result);
  s3dlio_object_store_get_range_async (fx->store, uri, PART + 3, 2 * PART, NULL,
                                       result_cb, &range_result);
  /* The callbacks come from the main loop, never from within the call. */
  g_assert_null (result);
  g_assert_null (range_result);
  wait_for_result (&result);
  wait_for_result (&range_result);

  got = s3dlio_object_store_get_finish (fx->store, result, &error);
  g_assert_no_error (error);
  assert_same_bytes (object, got);

  range = s3dlio_object_store_get_range_finish (fx->store, range_result, &error);
  g_assert_no_error (error);
  assert_same_bytes (expected_range, range);
}

/* How long the S3 server holds GET responses in the cancellation test:
 * far longer than a cancellation may take to end the operation. */
#define GET_HOLD_MS 4000

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_get_cancelled (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GBytes) object = seed (fx, "cancel/object", 16 * PART);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "cancel/object");
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) hold = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) range_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  gint64 started;

  /* Cancelled before it starts. */
  g_cancellable_cancel (cancelled);
  got = s3dlio_object_store_get (fx->store, uri, cancelled, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  got = s3dlio_object_store_get_range (fx->store, uri, 0, 10, cancelled, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled under way: from s3:// while the server holds the responses,
   * so the requests are surely in flight; from file:// as soon as the
   * main loop runs. Either way the callbacks come at once. */
  if (fx->backend == BACKEND_S3)
    {
      hold = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_DELAY);
      s3dlio_server_fault_set_method (hold, "GET");
      s3dlio_server_fault_set_key_pattern (hold, "cancel/*");
      s3dlio_server_fault_set_stall_ms (hold, GET_HOLD_MS);
      s3dlio_server_add_fault (fx->server, hold);
      g_timeout_add_full (G_PRIORITY_HIGH, 100, cancel_cb, g_object_ref (cancellable), g_object_unref);
    }
  else
    g_idle_add_full (G_PRIORITY_HIGH, cancel_cb, g_object_ref (cancellable), g_object_unref);

  started = g_get_monotonic_time ();
  s3dlio_object_store_get_async (fx->store, uri, cancellable, result_cb, &result);
  s3dlio_object_store_get_range_async (fx->store, uri, PART, 8 * PART, cancellable,
                                       result_cb, &range_result);
  wait_for_result (&result);
  wait_for_result (&range_result);
  g_assert_cmpint (g_get_monotonic_time () - started, <, GET_HOLD_MS / 2 * G_TIME_SPAN_MILLISECOND);
  if (hold != NULL)
    g_assert_cmpuint (s3dlio_server_fault_get_hits (hold), >=, 1);

  got = s3dlio_object_store_get_finish (fx->store, result, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  got = s3dlio_object_store_get_range_finish (fx->store, range_result, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* And the store still works. */
  s3dlio_server_clear_faults (fx->server);
  got = s3dlio_object_store_get (fx->store, uri, NULL, &error);
  g_assert_no_error (error);
  assert_same_bytes (object, got);
}

/* }}} */
/* {{{ put, put_file, delete */

static void
test_put_delete (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = random_bytes (3 * PART + 17, 42);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "put/deep/object.bin");
  g_autoptr(S3dlioUri) empty_uri = store_uri (fx, "put/empty");
  g_autoptr(S3dlioUri) file_uri = store_uri (fx, "put/from file.bin");
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "put/");
  g_autofree char *source = g_build_filename (fx->tmpdir, "source.bin", NULL);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;

  g_assert_true (s3dlio_object_store_put (fx->store, uri, content, "application/x-test", NULL, NULL, &error));
  g_assert_no_error (error);
  stored = stored_object (fx, "put/deep/object.bin");
  assert_same_bytes (content, stored);
  g_clear_pointer (&stored, g_bytes_unref);

  g_assert_true (s3dlio_object_store_put (fx->store, empty_uri, empty, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  stored = stored_object (fx, "put/empty");
  assert_same_bytes (empty, stored);
  g_clear_pointer (&stored, g_bytes_unref);

  write_file (source, content);
  g_assert_true (s3dlio_object_store_put_file (fx->store, file_uri, source, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  stored = stored_object (fx, "put/from file.bin");
  assert_same_bytes (content, stored);
  g_clear_pointer (&stored, g_bytes_unref);

  /* Replacing. */
  g_assert_true (s3dlio_object_store_put (fx->store, file_uri, empty, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  stored = stored_object (fx, "put/from file.bin");
  assert_same_bytes (empty, stored);
  g_clear_pointer (&stored, g_bytes_unref);

  /* A prefix is not an object. */
  g_assert_false (s3dlio_object_store_put (fx->store, prefix, content, NULL, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);

  g_assert_true (s3dlio_object_store_delete (fx->store, uri, NULL, &error));
  g_assert_no_error (error);
  info = s3dlio_object_store_stat (fx->store, uri, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_clear_error (&error);
  g_assert_null (stored_object (fx, "put/deep/object.bin"));

  /* Deleting what is not there succeeds, as in S3. */
  g_assert_true (s3dlio_object_store_delete (fx->store, uri, NULL, &error));
  g_assert_no_error (error);

  if (fx->backend == BACKEND_FILE)
    assert_no_temporary_files (fx->root);
}

static void
test_put_file_errors (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = store_uri (fx, "put-errors/object");
  g_autofree char *missing = g_build_filename (fx->tmpdir, "no-such-file", NULL);

  g_assert_false (s3dlio_object_store_put_file (fx->store, uri, missing, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_false (s3dlio_object_store_put_file (fx->store, uri, fx->tmpdir, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  g_assert_null (stored_object (fx, "put-errors/object"));
  if (fx->backend == BACKEND_FILE)
    assert_no_temporary_files (fx->root);
}

/* }}} */
/* {{{ list */

static void
seed_listing (Fixture *fx)
{
  static const char *const keys[] = {
    "list/z.txt", "list/b/d/e.txt", "list/a.txt", "list/b-x.txt", "list/b/c.txt", "listed",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_bytes_unref (seed (fx, keys[i], i * 10));
}

static void
test_list (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "list/");
  g_autoptr(S3dlioUri) partial = store_uri (fx, "list/b");
  g_autoptr(S3dlioUri) nothing = store_uri (fx, "nothing/");
  g_autofree char *prefix_key = store_key (fx, "list/");
  g_autoptr(GListModel) all = NULL;
  g_autoptr(GListModel) one_level = NULL;
  g_autoptr(GListModel) starting = NULL;
  g_autoptr(GListModel) empty = NULL;
  g_autofree char *text = NULL;

  seed_listing (fx);

  /* Every key under the prefix, in key order ("-" sorts before "/"). */
  all = s3dlio_object_store_list_all (fx->store, prefix, NULL, NULL, &error);
  g_assert_no_error (error);
  text = listing_string (all, prefix_key);
  g_assert_cmpstr (text, ==, "a.txt b-x.txt b/c.txt b/d/e.txt z.txt");
  g_clear_pointer (&text, g_free);
  {
    g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (all, 3);

    g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, 10);
  }

  /* One level, directories as prefixes. */
  one_level = s3dlio_object_store_list_all (fx->store, prefix, "/", NULL, &error);
  g_assert_no_error (error);
  text = listing_string (one_level, prefix_key);
  g_assert_cmpstr (text, ==, "a.txt b-x.txt b/(dir) z.txt");
  g_clear_pointer (&text, g_free);

  /* Prefix semantics, not directory semantics. */
  starting = s3dlio_object_store_list_all (fx->store, partial, "/", NULL, &error);
  g_assert_no_error (error);
  text = listing_string (starting, prefix_key);
  g_assert_cmpstr (text, ==, "b-x.txt b/(dir)");
  g_clear_pointer (&text, g_free);

  /* Nothing there is an empty listing, as in S3. */
  empty = s3dlio_object_store_list_all (fx->store, nothing, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (empty), ==, 0);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  (*(guint *) data)++;
}

/* The listing model fills page by page and says when it is done. */
static void
test_list_pages (Fixture       *fx,
                 gconstpointer  data)
{
  const guint n = fx->backend == BACKEND_S3 ? 25 : 2500;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "pages/");
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;
  guint changes = 0;

  if (fx->backend == BACKEND_S3)
    s3dlio_server_set_page_size (fx->server, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("pages/%05u", i);

      g_bytes_unref (seed (fx, key, 0));
    }

  model = s3dlio_object_store_list (fx->store, prefix, NULL, NULL);
  g_assert_true (G_IS_LIST_MODEL (model));
  g_assert_true (g_list_model_get_item_type (model) == S3DLIO_TYPE_OBJECT_INFO);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  wait_for_loading (model);

  g_object_get (model, "complete", &complete, "error", &error, NULL);
  g_assert_no_error (error);
  g_assert_true (complete);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpuint (changes, ==, 3);
  for (guint i = 0; i < n; i += n / 5)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (model, i);
      g_autofree char *expected = g_strdup_printf ("%05u", i);

      g_assert_true (g_str_has_suffix (s3dlio_object_info_get_key (info), expected));
    }
}

static void
test_list_cancelled (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "list/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GError) error = NULL;

  seed_listing (fx);
  g_cancellable_cancel (cancellable);
  model = s3dlio_object_store_list_all (fx->store, prefix, NULL, cancellable, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}


/* list_foreach: the items of list, without keeping them */

typedef struct {
  GString *keys;
  guint    calls;
  guint    stop_after;          /* 0: never stop */
  guint    delivered;
  guint    finalized;
  guint    max_alive;
  guint    notified;
} Walked;

static void
item_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  ((Walked *) data)->finalized++;
}

static gboolean
walked_cb (S3dlioObjectInfo *info,
           gpointer          data)
{
  Walked *walked = data;

  walked->calls++;
  g_string_append_printf (walked->keys, "%s%s%s", walked->keys->len ? " " : "",
                          s3dlio_object_info_get_key (info),
                          s3dlio_object_info_get_is_prefix (info) ? "(dir)" : "");

  /* Items handed over and not freed yet: what the walk holds on to. */
  g_object_weak_ref (G_OBJECT (info), item_finalized_cb, walked);
  walked->delivered++;
  walked->max_alive = MAX (walked->max_alive, walked->delivered - walked->finalized);

  return walked->stop_after == 0 || walked->calls < walked->stop_after;
}

static void
walked_clear (Walked *walked)
{
  g_string_free (walked->keys, TRUE);
}

/* The keys walked, relative to @prefix_key. */
static char *
walk_keys (Fixture     *fx,
           const char  *prefix,
           const char  *delimiter,
           guint        stop_after,
           guint       *calls)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = store_uri (fx, prefix);
  g_autofree char *root_key = store_key (fx, "");
  Walked walked = { g_string_new (NULL), 0, stop_after };
  g_auto(GStrv) keys = NULL;
  GString *relative = g_string_new (NULL);

  g_assert_true (s3dlio_object_store_list_foreach (fx->store, uri, delimiter, walked_cb, &walked,
                                                    NULL, &error));
  g_assert_no_error (error);
  *calls = walked.calls;

  keys = g_strsplit (walked.keys->str, " ", -1);
  for (guint i = 0; keys[i] != NULL && keys[i][0] != '\0'; i++)
    {
      g_assert_true (g_str_has_prefix (keys[i], root_key));
      g_string_append_printf (relative, "%s%s", i ? " " : "", keys[i] + strlen (root_key));
    }
  walked_clear (&walked);

  return g_string_free (relative, FALSE);
}

static void
test_list_foreach (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "list/");
  g_autofree char *text = NULL;
  Walked walked = { g_string_new (NULL) };
  guint calls = 0;

  seed_listing (fx);

  /* What list gives, in key order. */
  text = walk_keys (fx, "list/", NULL, 0, &calls);
  g_assert_cmpstr (text, ==, "list/a.txt list/b-x.txt list/b/c.txt list/b/d/e.txt list/z.txt");
  g_assert_cmpuint (calls, ==, 5);
  g_clear_pointer (&text, g_free);

  text = walk_keys (fx, "list/", "/", 0, &calls);
  g_assert_cmpstr (text, ==, "list/a.txt list/b-x.txt list/b/(dir) list/z.txt");
  g_clear_pointer (&text, g_free);

  text = walk_keys (fx, "list/b", "/", 0, &calls);
  g_assert_cmpstr (text, ==, "list/b-x.txt list/b/(dir)");
  g_clear_pointer (&text, g_free);

  text = walk_keys (fx, "nothing/", NULL, 0, &calls);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpuint (calls, ==, 0);
  g_clear_pointer (&text, g_free);

  /* The function stops it: a success, and nothing more is handed over. */
  text = walk_keys (fx, "list/", NULL, 2, &calls);
  g_assert_cmpstr (text, ==, "list/a.txt list/b-x.txt");
  g_assert_cmpuint (calls, ==, 2);
  g_clear_pointer (&text, g_free);

  g_cancellable_cancel (cancellable);
  g_assert_false (s3dlio_object_store_list_foreach (fx->store, prefix, NULL, walked_cb, &walked,
                                                     cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (walked.calls, ==, 0);
  walked_clear (&walked);
}

static void
walked_notify_cb (gpointer data)
{
  ((Walked *) data)->notified++;
}

/* The async form: the function in the caller's context, its data freed
 * once, after the end. */
static void
test_list_foreach_async (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "list/");
  g_autoptr(GAsyncResult) result = NULL;
  Walked walked = { g_string_new (NULL) };
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (20, timeout_cb, &timed_out);

  seed_listing (fx);
  s3dlio_object_store_list_foreach_async (fx->store, prefix, NULL, walked_cb, &walked, walked_notify_cb,
                                          NULL, result_cb, &result);
  g_assert_cmpuint (walked.notified, ==, 0);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);

  g_assert_true (s3dlio_object_store_list_foreach_finish (fx->store, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (walked.calls, ==, 5);
  g_clear_object (&result);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_assert_cmpuint (walked.notified, ==, 1);
  g_assert_cmpuint (walked.calls, ==, 5);
  walked_clear (&walked);
}

/* A function that runs a nested main loop still sees the items in key
 * order, each page after the one before. */
typedef struct {
  char  *last_key;
  guint  calls;
  gboolean in_order;
} Nested;

static gboolean
nested_cb (S3dlioObjectInfo *info,
           gpointer          data)
{
  Nested *nested = data;
  const char *key = s3dlio_object_info_get_key (info);

  nested->calls++;
  if (nested->last_key != NULL && strcmp (nested->last_key, key) >= 0)
    nested->in_order = FALSE;
  g_free (nested->last_key);
  nested->last_key = g_strdup (key);

  /* Time for the walk to queue the next page, then a nested loop that
   * could be handed it. */
  if (nested->calls == 1)
    g_usleep (100 * 1000);
  for (guint i = 0; i < 10 && g_main_context_iteration (g_main_context_get_thread_default (), FALSE); i++)
    ;

  return TRUE;
}

static void
test_list_foreach_nested (Fixture       *fx,
                          gconstpointer  data)
{
  const guint n = fx->backend == BACKEND_S3 ? 25 : 2500;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "nested/");
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  Nested nested = { NULL, 0, TRUE };

  if (fx->backend == BACKEND_S3)
    s3dlio_server_set_page_size (fx->server, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("nested/%05u", i);

      seed_bytes (fx, key, empty);
    }

  g_assert_true (s3dlio_object_store_list_foreach (fx->store, prefix, NULL, nested_cb, &nested,
                                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nested.calls, ==, n);
  g_assert_true (nested.in_order);
  g_free (nested.last_key);
}

/* The walk keeps pace with the function: an object added while the first
 * page is handled, under a "directory" listed last, is listed. A walk that
 * ran ahead, holding pages in memory, would have passed it. */
typedef struct {
  Walked      walked;
  Fixture    *fx;
  const char *late_key;
} Paced;

static gboolean
paced_cb (S3dlioObjectInfo *info,
          gpointer          data)
{
  Paced *paced = data;

  if (paced->walked.calls == 0)
    {
      g_autoptr(GBytes) late = g_bytes_new_static ("late", 4);

      /* Time enough for a walk that does not wait to finish. */
      g_usleep (200 * 1000);
      seed_bytes (paced->fx, paced->late_key, late);
    }

  return walked_cb (info, &paced->walked);
}

static void
test_list_foreach_bounded (Fixture       *fx,
                           gconstpointer  data)
{
  /* Pages of 10 objects from the S3 endpoint, of 1000 files here: more
   * than three pages before the last "directory". */
  const guint page = fx->backend == BACKEND_S3 ? 10 : 1000;
  const guint n = fx->backend == BACKEND_S3 ? 55 : 3500;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "many/");
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autofree char *late_key = store_key (fx, "many/z/late");
  Paced paced = { { g_string_new (NULL) }, fx, "many/z/late" };

  if (fx->backend == BACKEND_S3)
    s3dlio_server_set_page_size (fx->server, page);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("many/a/%05u", i);

      seed_bytes (fx, key, empty);
    }
  /* A directory is read when the walk gets to it; its parent at once. */
  if (fx->backend == BACKEND_FILE)
    {
      g_autofree char *z = g_build_filename (fx->root, "many", "z", NULL);

      g_assert_cmpint (g_mkdir (z, 0700), ==, 0);
    }

  g_assert_true (s3dlio_object_store_list_foreach (fx->store, prefix, NULL, paced_cb, &paced,
                                                    NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (paced.walked.calls, ==, n + 1);
  g_assert_true (g_str_has_suffix (paced.walked.keys->str, late_key));

  /* Each page is let go once handled. */
  g_assert_cmpuint (paced.walked.finalized, ==, n + 1);
  g_assert_cmpuint (paced.walked.max_alive, >=, 1);
  g_assert_cmpuint (paced.walked.max_alive, <=, 2 * page);
  walked_clear (&paced.walked);
}


/* {{{ delete_prefix */

static void
test_delete_prefix (Fixture       *fx,
                    gconstpointer  data)
{
  static const char *const keys[] = {
    "del/a.txt", "del/sub/b.bin", "del/sub/deeper/c.txt", "delx.txt", "keep/d.txt",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "del/");
  g_autoptr(S3dlioUri) partial = store_uri (fx, "delx");
  g_autoptr(S3dlioUri) root = store_uri (fx, "");
  g_autoptr(GListModel) failures = NULL;
  g_autoptr(GListModel) left = NULL;
  g_autofree char *root_key = store_key (fx, "");
  g_autofree char *text = NULL;
  guint64 n_deleted = 0;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_bytes_unref (seed (fx, keys[i], 100 * i));

  failures = s3dlio_object_store_delete_prefix (fx->store, prefix, &n_deleted, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (failures);
  g_assert_true (g_list_model_get_item_type (failures) == S3DLIO_TYPE_DELETE_FAILURE);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 3);
  g_clear_object (&failures);

  /* Only what was under the prefix went; as in S3, no "directory" is
   * left behind to be listed. */
  left = s3dlio_object_store_list_all (fx->store, root, "/", NULL, &error);
  g_assert_no_error (error);
  text = listing_string (left, root_key);
  g_assert_cmpstr (text, ==, "delx.txt keep/(dir)");
  g_clear_pointer (&text, g_free);
  g_assert_null (stored_object (fx, "del/sub/b.bin"));
  if (fx->backend == BACKEND_FILE)
    {
      g_autofree char *dir = g_build_filename (fx->root, "del", NULL);

      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }

  /* Nothing left under it: nothing deleted, no failure. */
  failures = s3dlio_object_store_delete_prefix (fx->store, prefix, &n_deleted, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 0);
  g_clear_object (&failures);

  /* A prefix is literal: "delx" takes delx.txt. */
  failures = s3dlio_object_store_delete_prefix (fx->store, partial, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_clear_object (&failures);
  g_assert_null (stored_object (fx, "delx.txt"));
  {
    g_autoptr(GBytes) kept = stored_object (fx, "keep/d.txt");

    g_assert_nonnull (kept);
    g_assert_cmpuint (g_bytes_get_size (kept), ==, 400);
  }
}

static void
test_delete_prefix_async (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "del/");
  g_autoptr(S3dlioUri) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) failures = NULL;
  g_autoptr(GBytes) kept = NULL;
  guint64 n_deleted = 42;
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (20, timeout_cb, &timed_out);

  g_bytes_unref (seed (fx, "del/one", 10));
  g_bytes_unref (seed (fx, "del/two/three", 10));

  s3dlio_object_store_delete_prefix_async (fx->store, prefix, NULL, result_cb, &result);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  failures = s3dlio_object_store_delete_prefix_finish (fx->store, result, &n_deleted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 2);
  g_clear_object (&failures);

  /* Cancelled: nothing deleted. */
  g_bytes_unref (seed (fx, "del/four", 10));
  g_cancellable_cancel (cancellable);
  failures = s3dlio_object_store_delete_prefix (fx->store, prefix, &n_deleted, cancellable, &error);
  g_assert_null (failures);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_deleted, ==, 0);
  g_clear_error (&error);
  kept = stored_object (fx, "del/four");
  g_assert_nonnull (kept);

  /* The other backend's URI. */
  if (fx->backend == BACKEND_S3)
    other = s3dlio_uri_new_file ("/nonexistent/");
  else
    other = s3dlio_uri_new_s3 ("bucket", "del/", &error);
  g_assert_no_error (error);
  failures = s3dlio_object_store_delete_prefix (fx->store, other, NULL, NULL, &error);
  g_assert_null (failures);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
}

/* }}} */
/* {{{ upload */

static void
upload_progress_cb (S3dlioUpload *upload,
                    gpointer      data)
{
  (*(guint *) data)++;
}

/* Runs @upload and checks what a caller sees of it when it succeeded. */
static void
assert_uploaded (Fixture      *fx,
                 S3dlioUpload *upload,
                 const char   *key,
                 GBytes       *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  guint progress = 0;

  g_signal_connect (upload, "progress", G_CALLBACK (upload_progress_cb), &progress);
  g_assert_true (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_no_error (error);

  stored = stored_object (fx, key);
  assert_same_bytes (expected, stored);
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_upload_get_total_size (upload), ==, g_bytes_get_size (expected));
  g_assert_cmpuint (s3dlio_upload_get_bytes_done (upload), ==, g_bytes_get_size (expected));
  g_assert_cmpuint (s3dlio_upload_get_n_parts (upload), >=, 1);
  g_assert_cmpuint (s3dlio_upload_get_parts_done (upload), ==, s3dlio_upload_get_n_parts (upload));
  g_assert_cmpuint (s3dlio_upload_get_parts_in_flight (upload), ==, 0);
  g_assert_cmpuint (s3dlio_upload_get_requests (upload), >=, 1);
  g_assert_cmpuint (progress, >=, 1);

  /* The ETag is the one the store gives the object. */
  info = s3dlio_object_store_stat (fx->store, s3dlio_upload_get_uri (upload), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_upload_get_etag (upload), ==, s3dlio_object_info_get_etag (info));
}

static void
test_upload (Fixture       *fx,
             gconstpointer  data)
{
  const gsize upload_sizes[] = { 0, 1000, 3 * PART + 17 };
  g_autofree char *source = g_build_filename (fx->tmpdir, "upload-source.bin", NULL);

  /* Multipart on S3 from 2 parts on. */
  s3dlio_server_set_min_part_size (fx->server, PART);
  s3dlio_config_set_upload_part_size (fx->config, PART);
  s3dlio_config_set_upload_threshold (fx->config, 2 * PART);

  for (guint i = 0; i < G_N_ELEMENTS (upload_sizes); i++)
    {
      g_autoptr(GBytes) content = random_bytes (upload_sizes[i], i + 7);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (content);
      g_autoptr(GInputStream) unknown = g_memory_input_stream_new_from_bytes (content);
      g_autofree char *key = NULL;
      g_autoptr(S3dlioUri) uri = NULL;
      g_autoptr(S3dlioUpload) upload = NULL;

      key = g_strdup_printf ("upload/bytes/%zu", upload_sizes[i]);
      uri = store_uri (fx, key);
      upload = s3dlio_upload_new (uri);
      s3dlio_upload_set_source_bytes (upload, content);
      assert_uploaded (fx, upload, key, content);
      if (upload_sizes[i] > 2 * PART)
        g_assert_cmpuint (s3dlio_upload_get_n_parts (upload), ==, fx->backend == BACKEND_S3 ? 4 : 1);
      g_clear_object (&upload);
      g_clear_object (&uri);
      g_clear_pointer (&key, g_free);

      write_file (source, content);
      key = g_strdup_printf ("upload/file/%zu", upload_sizes[i]);
      uri = store_uri (fx, key);
      upload = s3dlio_upload_new (uri);
      s3dlio_upload_set_source_path (upload, source);
      assert_uploaded (fx, upload, key, content);
      g_clear_object (&upload);
      g_clear_object (&uri);
      g_clear_pointer (&key, g_free);

      key = g_strdup_printf ("upload/stream/%zu", upload_sizes[i]);
      uri = store_uri (fx, key);
      upload = s3dlio_upload_new (uri);
      s3dlio_upload_set_source_stream (upload, stream, upload_sizes[i]);
      assert_uploaded (fx, upload, key, content);
      g_clear_object (&upload);
      g_clear_object (&uri);
      g_clear_pointer (&key, g_free);

      key = g_strdup_printf ("upload/unknown/%zu", upload_sizes[i]);
      uri = store_uri (fx, key);
      upload = s3dlio_upload_new (uri);
      s3dlio_upload_set_source_stream (upload, unknown, -1);
      assert_uploaded (fx, upload, key, content);
    }

  if (fx->backend == BACKEND_FILE)
    assert_no_temporary_files (fx->root);
}

static void
test_upload_errors (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) content = random_bytes (1000, 3);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "upload-errors/object");
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "upload-errors/");
  g_autofree char *missing = g_build_filename (fx->tmpdir, "no-such-file", NULL);
  g_autoptr(S3dlioUpload) upload = NULL;
  g_autoptr(GInputStream) stream = NULL;

  /* A missing source names it, and stores nothing. */
  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_path (upload, missing);
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_cmpint (s3dlio_upload_get_state (upload), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_clear_error (&error);

  /* An upload runs once. */
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&upload);

  /* A stream shorter than it said. */
  stream = g_memory_input_stream_new_from_bytes (content);
  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_stream (upload, stream, 2000);
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "announced"));
  g_clear_error (&error);
  g_clear_object (&upload);

  /* No source. */
  upload = s3dlio_upload_new (uri);
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&upload);

  /* A prefix is not an object. */
  upload = s3dlio_upload_new (prefix);
  s3dlio_upload_set_source_bytes (upload, content);
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);
  g_clear_object (&upload);

  /* Cancelled. */
  g_cancellable_cancel (cancellable);
  upload = s3dlio_upload_new (uri);
  s3dlio_upload_set_source_bytes (upload, content);
  g_assert_false (s3dlio_object_store_upload (fx->store, upload, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_null (stored_object (fx, "upload-errors/object"));
  if (fx->backend == BACKEND_FILE)
    assert_no_temporary_files (fx->root);
}

/* However the root is named, deleting all of it is refused. The check
 * comes before the cancellation, which keeps this test harmless should it
 * ever fail: nothing is walked. */
static void
test_file_delete_prefix_refuses_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioFileStore) store = s3dlio_file_store_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *tmpdir = g_dir_make_tmp ("s3dlio-root-XXXXXX", &error);
  g_autofree char *link = NULL;
  g_autofree char *via_link = NULL;
  const char *paths[4] = { "/", "//", "/tmp/../", NULL };

  g_assert_no_error (error);
  link = g_build_filename (tmpdir, "root", NULL);
  g_assert_cmpint (symlink ("/", link), ==, 0);
  via_link = g_strconcat (link, "/", NULL);
  paths[3] = via_link;
  g_cancellable_cancel (cancellable);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(S3dlioUri) uri = s3dlio_uri_new_file (paths[i]);
      g_autoptr(GListModel) failures = NULL;
      guint64 n_deleted = 42;

      failures = s3dlio_object_store_delete_prefix (S3DLIO_OBJECT_STORE (store), uri, &n_deleted,
                                                    cancellable, &error);
      g_assert_null (failures);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, paths[i]));
      g_assert_cmpuint (n_deleted, ==, 0);
      g_clear_error (&error);
    }

  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
}

/* Directories the deletion leaves empty go; one holding what is not an
 * object (a link to a directory) stays, and so does what it leads to. */
static void
test_file_delete_prefix_directories (Fixture       *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autoptr(GListModel) failures = NULL;
  g_autofree char *outside = g_build_filename (fx->tmpdir, "outside", NULL);
  g_autofree char *outside_file = g_build_filename (outside, "precious.txt", NULL);
  g_autofree char *link_dir = g_build_filename (fx->root, "tree", "linked", NULL);
  g_autofree char *link = g_build_filename (link_dir, "to-outside", NULL);
  g_autofree char *empty = g_build_filename (fx->root, "tree", "empty", "deeper", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) precious = random_bytes (10, 1);
  guint64 n_deleted = 0;

  g_bytes_unref (seed (fx, "tree/a.txt", 10));
  g_bytes_unref (seed (fx, "tree/b/c.txt", 10));
  write_file (outside_file, precious);
  g_assert_cmpint (g_mkdir_with_parents (link_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);

  failures = s3dlio_object_store_delete_prefix (fx->store, prefix, &n_deleted, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 2);

  text = tree_string (fx->root);
  g_assert_cmpstr (text, ==, "tree/ tree/linked/ tree/linked/to-outside");
  g_clear_pointer (&text, g_free);
  text = tree_string (outside);
  g_assert_cmpstr (text, ==, "precious.txt");
}

/* }}} */
/* {{{ Recursive download */

typedef struct {
  guint in_flight;
  guint max_in_flight;
  guint started;
  guint finished;
  guint max_property;
} BatchWatch;

static void
item_started_cb (S3dlioBatch     *batch,
                 S3dlioBatchItem *item,
                 gpointer         data)
{
  BatchWatch *watch = data;

  g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_RUNNING);
  watch->started++;
  watch->in_flight++;
  watch->max_in_flight = MAX (watch->max_in_flight, watch->in_flight);
}

static void
item_finished_cb (S3dlioBatch     *batch,
                  S3dlioBatchItem *item,
                  gpointer         data)
{
  BatchWatch *watch = data;

  if (s3dlio_batch_item_get_path (item) != NULL)
    watch->in_flight--;
  watch->finished++;
}

static void
in_flight_cb (S3dlioBatch *batch,
              GParamSpec  *pspec,
              gpointer     data)
{
  BatchWatch *watch = data;

  watch->max_property = MAX (watch->max_property, s3dlio_batch_get_objects_in_flight (batch));
}

static void
watch_batch (S3dlioBatch *batch,
             BatchWatch  *watch)
{
  g_signal_connect (batch, "item-started", G_CALLBACK (item_started_cb), watch);
  g_signal_connect (batch, "item-finished", G_CALLBACK (item_finished_cb), watch);
  g_signal_connect (batch, "notify::objects-in-flight", G_CALLBACK (in_flight_cb), watch);
}

static const char *const tree_keys[] = {
  "a/b/c.bin", "a/b/d.bin", "a/top.bin", "with space.txt", "unicodé/ñ 雪.bin",
  "d/e/f/g/h.bin", "big.bin", "empty",
};

static GHashTable *
seed_tree (Fixture    *fx,
           const char *prefix,
           guint       n_small)
{
  GHashTable *contents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (tree_keys); i++)
    {
      g_autofree char *key = g_strconcat (prefix, tree_keys[i], NULL);
      gsize size = g_str_equal (tree_keys[i], "big.bin") ? 6 * PART + 11 :
                   g_str_equal (tree_keys[i], "empty") ? 0 : 100 + i;

      g_hash_table_insert (contents, g_strdup (tree_keys[i]), seed (fx, key, size));
    }
  for (guint i = 0; i < n_small; i++)
    {
      g_autofree char *relative = g_strdup_printf ("many/%03u", i);
      g_autofree char *key = g_strconcat (prefix, relative, NULL);

      g_hash_table_insert (contents, g_steal_pointer (&relative), seed (fx, key, 10 + i));
    }

  return contents;
}

static void
assert_tree_matches (const char *directory,
                     GHashTable *contents)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n_files = 0;
  g_autoptr(GPtrArray) files = tree (directory);

  g_hash_table_iter_init (&iter, contents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *path = g_build_filename (directory, key, NULL);
      g_autoptr(GBytes) got = read_file (path);

      assert_same_bytes (value, got);
    }

  for (guint i = 0; i < files->len; i++)
    if (!g_str_has_suffix (g_ptr_array_index (files, i), "/"))
      n_files++;
  g_assert_cmpuint (n_files, ==, g_hash_table_size (contents));
}

static void
test_recursive_download (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 20);
  g_autoptr(GBytes) outside = seed (fx, "treetop.bin", 5);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", "nested", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GError) error = NULL;
  BatchWatch watch = { 0 };
  guint64 total = 0;
  GHashTableIter iter;
  gpointer value;

  watch_batch (batch, &watch);
  s3dlio_batch_set_max_concurrent (batch, 3);
  g_assert_true (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_no_error (error);

  assert_tree_matches (out, contents);
  assert_no_temporary_files (out);

  g_hash_table_iter_init (&iter, contents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += g_bytes_get_size (value);

  g_assert_cmpint (s3dlio_batch_get_state (batch), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_batch_get_n_objects (batch), ==, g_hash_table_size (contents));
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), ==, g_hash_table_size (contents));
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (batch), ==, 0);
  g_assert_cmpuint (s3dlio_batch_get_objects_in_flight (batch), ==, 0);
  g_assert_cmpuint (s3dlio_batch_get_total_bytes (batch), ==, total);
  g_assert_cmpuint (s3dlio_batch_get_bytes_done (batch), ==, total);

  /* The concurrency limit across objects held, and was reached. */
  g_assert_cmpuint (watch.started, ==, g_hash_table_size (contents));
  g_assert_cmpuint (watch.finished, ==, g_hash_table_size (contents));
  g_assert_cmpuint (watch.max_in_flight, ==, 3);
  g_assert_cmpuint (watch.max_property, ==, 3);

  /* Every item says where it went; large ones went in parts. */
  for (guint i = 0; i < g_list_model_get_n_items (s3dlio_batch_get_items (batch)); i++)
    {
      g_autoptr(S3dlioBatchItem) item = g_list_model_get_item (s3dlio_batch_get_items (batch), i);
      S3dlioTransfer *transfer = s3dlio_batch_item_get_transfer (item);
      g_autofree char *expected = g_build_filename (out, s3dlio_batch_item_get_relative_key (item), NULL);

      g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_DONE);
      g_assert_null (s3dlio_batch_item_get_error (item));
      g_assert_cmpstr (s3dlio_batch_item_get_path (item), ==, expected);
      g_assert_nonnull (transfer);
      assert_all_parts_done (transfer);
      if (g_str_equal (s3dlio_batch_item_get_relative_key (item), "big.bin"))
        g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, 7);
    }

  /* "tree" is the directory "tree/": treetop.bin is not under it. */
  {
    g_autofree char *treetop = g_build_filename (out, "top.bin", NULL);

    g_assert_false (g_file_test (treetop, G_FILE_TEST_EXISTS));
  }
}

/* One concurrent object at a time is one at a time. */
static void
test_recursive_download_serial (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "serial/", 5);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "serial/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GError) error = NULL;
  BatchWatch watch = { 0 };

  watch_batch (batch, &watch);
  s3dlio_batch_set_max_concurrent (batch, 1);
  g_assert_true (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_no_error (error);
  assert_tree_matches (out, contents);
  g_assert_cmpuint (watch.max_in_flight, ==, 1);
}

static void
test_recursive_download_missing (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "nothing/here/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(S3dlioBatch) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
  g_assert_nonnull (strstr (error->message, "nothing/here/"));
  g_assert_cmpint (s3dlio_batch_get_state (batch), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A batch runs once. */
  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
}

/* The target is a file: nothing is written. */
static void
test_recursive_download_unwritable (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 0);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *blocker = g_build_filename (out, "file", NULL);
  g_autofree char *in_file = g_build_filename (blocker, "target", NULL);
  g_autofree char *in_place = g_build_filename (out, "in-place", NULL);
  g_autofree char *a_file = g_build_filename (in_place, "a", NULL);
  g_autoptr(GBytes) something = random_bytes (10, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, in_file);
  g_autoptr(S3dlioBatch) second = s3dlio_batch_new (prefix, in_place);
  g_autofree char *files = NULL;

  write_file (blocker, something);
  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, in_file));
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), ==, 0);
  g_clear_error (&error);

  /* A file where a directory of the keys must go: those objects fail, the
   * others are written. */
  write_file (a_file, something);
  g_assert_false (s3dlio_object_store_download_recursive (fx->store, second, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, "3 of 8 objects failed"));
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (second), ==, 3);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (second), ==, 5);
  g_assert_cmpint (s3dlio_batch_get_state (second), ==, S3DLIO_TRANSFER_STATE_FAILED);

  assert_no_temporary_files (out);
  files = tree_string (out);
  g_assert_cmpstr (files, ==, "file in-place/ in-place/a in-place/big.bin in-place/d/ in-place/d/e/ "
                              "in-place/d/e/f/ in-place/d/e/f/g/ in-place/d/e/f/g/h.bin in-place/empty "
                              "in-place/unicodé/ in-place/unicodé/ñ 雪.bin in-place/with space.txt");
}

/* Keys that would land outside the directory are refused, by name, and
 * nothing is written outside. */
static void
test_recursive_download_escaping (Fixture       *fx,
                                  gconstpointer  data)
{
  static const char *const evil[] = {
    "../evil", "a/../../evil2", "/abs-evil", "ok/../../../evil3", "x//y", "./dot",
  };
  g_autoptr(GBytes) fine = NULL;
  g_autoptr(S3dlioUri) root = NULL;
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *files = NULL;
  g_autofree char *around = NULL;
  g_autoptr(S3dlioBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) refused = g_string_new (NULL);
  BatchWatch watch = { 0 };
  GListModel *items;

  if (fx->backend == BACKEND_FILE)
    {
      g_test_skip ("file:// listings never give such keys");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (evil); i++)
    g_bytes_unref (seed (fx, evil[i], 10));
  fine = seed (fx, "ok/fine.txt", 20);

  root = store_uri (fx, "");
  batch = s3dlio_batch_new (root, out);
  watch_batch (batch, &watch);
  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_assert_nonnull (strstr (error->message, "6 of 7 objects failed"));
  g_clear_error (&error);

  /* Each refusal names its key; the fine object is there. */
  items = s3dlio_batch_get_items (batch);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 7);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(S3dlioBatchItem) item = g_list_model_get_item (items, i);
      const char *key = s3dlio_batch_item_get_relative_key (item);
      const GError *item_error = s3dlio_batch_item_get_error (item);

      if (g_str_equal (key, "ok/fine.txt"))
        {
          g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_DONE);
          continue;
        }
      g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_FAILED);
      g_assert_error ((GError *) item_error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
      g_assert_nonnull (strstr (item_error->message, key));
      g_assert_null (s3dlio_batch_item_get_path (item));
      g_string_append_printf (refused, "%s|", key);
    }
  g_assert_cmpstr (refused->str, ==, "../evil|./dot|/abs-evil|a/../../evil2|ok/../../../evil3|x//y|");
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (batch), ==, 6);
  g_assert_cmpuint (watch.started, ==, 1);
  g_assert_cmpuint (watch.finished, ==, 7);

  files = tree_string (out);
  g_assert_cmpstr (files, ==, "ok/ ok/fine.txt");
  around = tree_string (fx->tmpdir);
  g_assert_cmpstr (around, ==, "out/ out/ok/ out/ok/fine.txt store/");
  g_assert_false (g_file_test ("/abs-evil", G_FILE_TEST_EXISTS));

  /* Without keep-going, nothing at all is written. */
  {
    g_autofree char *strict_out = g_build_filename (fx->tmpdir, "strict", NULL);
    g_autoptr(S3dlioBatch) strict = s3dlio_batch_new (root, strict_out);

    s3dlio_batch_set_keep_going (strict, FALSE);
    g_assert_false (s3dlio_object_store_download_recursive (fx->store, strict, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
    g_assert_nonnull (strstr (error->message, "“../evil”"));
    g_assert_cmpuint (s3dlio_batch_get_objects_done (strict), ==, 0);
    g_assert_false (g_file_test (strict_out, G_FILE_TEST_EXISTS));
  }
}

/* A link in the directory is not written through. */
static void
test_recursive_download_symlink (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) content = seed (fx, "linked/link/x.bin", 10);
  g_autoptr(GBytes) other = seed (fx, "linked/plain.bin", 10);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "linked/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *elsewhere = g_build_filename (fx->tmpdir, "elsewhere", NULL);
  g_autofree char *link = g_build_filename (out, "link", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GError) error = NULL;
  g_autofree char *files = NULL;

  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
  g_assert_cmpint (symlink (elsewhere, link), ==, 0);

  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_assert_nonnull (strstr (error->message, "link/x.bin"));
  g_assert_cmpuint (count_tree (elsewhere), ==, 0);
  files = tree_string (out);
  g_assert_cmpstr (files, ==, "link plain.bin");
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
started_cancel_cb (S3dlioBatch     *batch,
                   S3dlioBatchItem *item,
                   gpointer         data)
{
  GSource *idle = g_idle_source_new ();

  /* The blocking form runs its own main context: cancel from there. */
  g_source_set_callback (idle, cancel_soon, g_object_ref (data), g_object_unref);
  g_source_set_priority (idle, G_PRIORITY_HIGH);
  g_source_attach (idle, g_main_context_get_thread_default ());
  g_source_unref (idle);
  g_signal_handlers_disconnect_by_data (batch, data);
}

static void
test_recursive_download_cancel (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 30);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  s3dlio_batch_set_max_concurrent (batch, 2);
  g_signal_connect (batch, "item-started", G_CALLBACK (started_cancel_cb), cancellable);
  g_assert_false (s3dlio_object_store_download_recursive (fx->store, batch, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (s3dlio_batch_get_state (batch), ==, S3DLIO_TRANSFER_STATE_CANCELLED);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), <, g_hash_table_size (contents));
  g_assert_cmpuint (s3dlio_batch_get_objects_in_flight (batch), ==, 0);
  assert_no_temporary_files (out);
}

/* Follows a batch's items model through its items-changed signals: a
 * copy kept in step with it, which must always match it. Each removal must
 * be the object whose item-finished was emitted last, done, and only after
 * that emission. */
typedef struct {
  GListModel      *model;
  GPtrArray       *shadow;          /* S3dlioBatchItem */
  S3dlioBatchItem *last_finished;   /* unowned, for comparison only */
  guint            finished;
  guint            removed;
  guint            added;
  gboolean         in_emission;
  guint64          bytes_done;      /* at the last item-finished */
} ItemsWatch;

static void
assert_shadow_matches (ItemsWatch *watch)
{
  g_assert_cmpuint (watch->shadow->len, ==, g_list_model_get_n_items (watch->model));
  for (guint i = 0; i < watch->shadow->len; i++)
    {
      g_autoptr(S3dlioBatchItem) item = g_list_model_get_item (watch->model, i);

      g_assert_true (item == g_ptr_array_index (watch->shadow, i));
    }
}

static void
shadow_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         gpointer    data)
{
  ItemsWatch *watch = data;

  g_assert_cmpuint (position + removed, <=, watch->shadow->len);
  for (guint i = 0; i < removed; i++)
    {
      S3dlioBatchItem *item = g_ptr_array_index (watch->shadow, position + i);

      g_assert_false (watch->in_emission);
      g_assert_true (item == watch->last_finished);
      g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_DONE);
    }
  g_ptr_array_remove_range (watch->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (watch->shadow, position + i, g_list_model_get_item (model, position + i));

  watch->removed += removed;
  watch->added += added;
  assert_shadow_matches (watch);
}

static void
items_finished_cb (S3dlioBatch     *batch,
                   S3dlioBatchItem *item,
                   gpointer         data)
{
  ItemsWatch *watch = data;
  guint position;

  /* Still there while the handlers run. */
  g_assert_true (g_list_store_find (G_LIST_STORE (watch->model), item, &position));
  watch->bytes_done = s3dlio_batch_get_bytes_done (batch);
  g_assert_cmpuint (watch->bytes_done, <=, s3dlio_batch_get_total_bytes (batch));
  watch->last_finished = item;
  watch->finished++;
  watch->in_emission = TRUE;
}

static void
items_finished_after_cb (S3dlioBatch     *batch,
                         S3dlioBatchItem *item,
                         gpointer         data)
{
  ItemsWatch *watch = data;

  watch->in_emission = FALSE;
}

static void
watch_items (S3dlioBatch *batch,
             ItemsWatch  *watch)
{
  watch->model = s3dlio_batch_get_items (batch);
  watch->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (watch->model, "items-changed", G_CALLBACK (shadow_items_changed_cb), watch);
  g_signal_connect (batch, "item-finished", G_CALLBACK (items_finished_cb), watch);
  g_signal_connect_after (batch, "item-finished", G_CALLBACK (items_finished_after_cb), watch);
}

static void
unwatch_items (S3dlioBatch *batch,
               ItemsWatch  *watch)
{
  g_signal_handlers_disconnect_by_data (watch->model, watch);
  g_signal_handlers_disconnect_by_data (batch, watch);
  g_clear_pointer (&watch->shadow, g_ptr_array_unref);
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    data)
{
  (*(guint *) data)++;
}

/* Runs a recursive download of the tree (28 objects, one of them in
 * several parts) where a file stands where the directory "d" must go: the
 * one object under it fails. */
static gboolean
download_tree_with_a_failure (Fixture     *fx,
                              S3dlioBatch *batch,
                              const char  *out,
                              ItemsWatch  *watch,
                              GError     **error)
{
  g_autofree char *blocker = g_build_filename (out, "d", NULL);
  g_autoptr(GBytes) something = random_bytes (10, 4);
  gboolean ok;

  write_file (blocker, something);
  s3dlio_batch_set_max_concurrent (batch, 3);
  watch_items (batch, watch);
  ok = s3dlio_object_store_download_recursive (fx->store, batch, NULL, error);
  assert_shadow_matches (watch);
  unwatch_items (batch, watch);

  return ok;
}

static void
assert_failed_blocked_item (S3dlioBatchItem *item)
{
  g_assert_cmpstr (s3dlio_batch_item_get_relative_key (item), ==, "d/e/f/g/h.bin");
  g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_assert_error ((GError *) s3dlio_batch_item_get_error (item), G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
}

/* Without keep-finished, what is done goes; the failure stays, the
 * counters and signals are as with it. */
static void
test_recursive_download_drop_finished (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 20);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(S3dlioBatchItem) failed = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *blocked = g_hash_table_lookup (contents, "d/e/f/g/h.bin");
  guint n = g_hash_table_size (contents);
  ItemsWatch watch = { 0 };
  BatchWatch batch_watch = { 0 };
  guint notified = 0;
  guint progress = 0;
  guint64 total = 0;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, contents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += g_bytes_get_size (value);

  /* The property, and its notification only on change. */
  g_assert_true (s3dlio_batch_get_keep_finished (batch));
  g_signal_connect (batch, "notify::keep-finished", G_CALLBACK (notify_count_cb), &notified);
  s3dlio_batch_set_keep_finished (batch, FALSE);
  s3dlio_batch_set_keep_finished (batch, FALSE);
  g_assert_false (s3dlio_batch_get_keep_finished (batch));
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (batch, "keep-finished", TRUE, NULL);
  g_assert_true (s3dlio_batch_get_keep_finished (batch));
  g_object_set (batch, "keep-finished", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 3);

  watch_batch (batch, &batch_watch);
  g_signal_connect (batch, "progress", G_CALLBACK (notify_count_cb), &progress);
  g_assert_false (download_tree_with_a_failure (fx, batch, out, &watch, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, "1 of 28 objects failed"));

  /* Only the failure is left. */
  g_assert_cmpuint (g_list_model_get_n_items (s3dlio_batch_get_items (batch)), ==, 1);
  failed = g_list_model_get_item (s3dlio_batch_get_items (batch), 0);
  assert_failed_blocked_item (failed);

  /* Every object was listed, then went out done but the failed one. */
  g_assert_cmpuint (watch.added, ==, n);
  g_assert_cmpuint (watch.removed, ==, n - 1);
  g_assert_cmpuint (watch.finished, ==, n);
  g_assert_cmpuint (batch_watch.started, ==, n);
  g_assert_cmpuint (batch_watch.finished, ==, n);
  g_assert_cmpuint (batch_watch.max_in_flight, ==, 3);
  g_assert_cmpuint (progress, >=, 1);

  g_assert_cmpint (s3dlio_batch_get_state (batch), ==, S3DLIO_TRANSFER_STATE_FAILED);
  g_assert_cmpuint (s3dlio_batch_get_n_objects (batch), ==, n);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), ==, n - 1);
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (batch), ==, 1);
  g_assert_cmpuint (s3dlio_batch_get_objects_in_flight (batch), ==, 0);
  g_assert_cmpuint (s3dlio_batch_get_total_bytes (batch), ==, total);
  g_assert_cmpuint (s3dlio_batch_get_bytes_done (batch), ==, total - g_bytes_get_size (blocked));
  g_assert_cmpuint (watch.bytes_done, ==, total - g_bytes_get_size (blocked));

  /* And the objects done are there all the same. */
  g_hash_table_remove (contents, "d/e/f/g/h.bin");
  g_hash_table_insert (contents, g_strdup ("d"), random_bytes (10, 4));
  assert_tree_matches (out, contents);
  assert_no_temporary_files (out);
}

/* With keep-finished (the default), every object stays, each with its
 * transfer. */
static void
test_recursive_download_keep_finished (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 20);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GError) error = NULL;
  GListModel *items = s3dlio_batch_get_items (batch);
  guint n = g_hash_table_size (contents);
  ItemsWatch watch = { 0 };
  guint n_failed = 0;

  g_assert_false (download_tree_with_a_failure (fx, batch, out, &watch, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);

  g_assert_cmpuint (watch.added, ==, n);
  g_assert_cmpuint (watch.removed, ==, 0);
  g_assert_cmpuint (watch.finished, ==, n);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), ==, n - 1);
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (batch), ==, 1);

  g_assert_cmpuint (g_list_model_get_n_items (items), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(S3dlioBatchItem) item = g_list_model_get_item (items, i);
      S3dlioTransfer *transfer = s3dlio_batch_item_get_transfer (item);

      if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_FAILED)
        {
          assert_failed_blocked_item (item);
          n_failed++;
          continue;
        }
      g_assert_cmpint (s3dlio_batch_item_get_state (item), ==, S3DLIO_TRANSFER_STATE_DONE);
      g_assert_nonnull (transfer);
      assert_all_parts_done (transfer);
      if (g_str_equal (s3dlio_batch_item_get_relative_key (item), "big.bin"))
        g_assert_cmpuint (s3dlio_transfer_get_n_parts (transfer), ==, 7);
    }
  g_assert_cmpuint (n_failed, ==, 1);
}

/* Without keep-finished and without keep-going, what was cancelled or
 * never started stays with the failure. */
static void
test_recursive_download_drop_finished_stop (Fixture       *fx,
                                            gconstpointer  data)
{
  g_autoptr(GHashTable) contents = seed_tree (fx, "tree/", 20);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "tree/");
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, out);
  g_autoptr(GError) error = NULL;
  GListModel *items = s3dlio_batch_get_items (batch);
  ItemsWatch watch = { 0 };
  guint n_failed = 0;

  s3dlio_batch_set_keep_finished (batch, FALSE);
  s3dlio_batch_set_keep_going (batch, FALSE);
  g_assert_false (download_tree_with_a_failure (fx, batch, out, &watch, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);

  g_assert_cmpuint (s3dlio_batch_get_objects_failed (batch), ==, 1);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), <, g_hash_table_size (contents) - 1);
  g_assert_cmpuint (watch.removed, ==, s3dlio_batch_get_objects_done (batch));
  g_assert_cmpuint (g_list_model_get_n_items (items), ==,
                    s3dlio_batch_get_n_objects (batch) - s3dlio_batch_get_objects_done (batch));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(S3dlioBatchItem) item = g_list_model_get_item (items, i);

      g_assert_cmpint (s3dlio_batch_item_get_state (item), !=, S3DLIO_TRANSFER_STATE_DONE);
      if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_FAILED)
        {
          assert_failed_blocked_item (item);
          n_failed++;
        }
    }
  g_assert_cmpuint (n_failed, ==, 1);
  assert_no_temporary_files (out);
}

/* }}} */
/* {{{ Recursive upload */

/* The size of big.bin in a local tree, and the upload part size that
 * makes it a multipart upload of several parts. */
#define BIG_SIZE (6 * PART + 11)
#define UPLOAD_PART PART

static void
make_local_tree (const char *base,
                 GHashTable *contents)
{
  for (guint i = 0; i < G_N_ELEMENTS (tree_keys); i++)
    {
      g_autofree char *path = g_build_filename (base, tree_keys[i], NULL);
      gsize size = g_str_equal (tree_keys[i], "big.bin") ? BIG_SIZE : 50 + i;
      GBytes *bytes = random_bytes (size, i + 7);

      write_file (path, bytes);
      g_hash_table_insert (contents, g_strdup (tree_keys[i]), bytes);
    }
}

/* An S3 object made by a multipart upload has the ETag `"MD5-N"`, N the
 * number of parts; one made by a single PUT has no suffix. */
static void
assert_multipart_etag (Fixture    *fx,
                       const char *key,
                       guint       n_parts)
{
  g_autofree char *etag = s3dlio_server_get_object_etag (fx->server, "bucket", key);
  g_autofree char *suffix = g_strdup_printf ("-%u\"", n_parts);

  g_assert_nonnull (etag);
  if (!g_str_has_suffix (etag, suffix))
    g_error ("%s: ETag %s, not one of a multipart upload of %u parts", key, etag, n_parts);
}

static void
test_recursive_upload (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GHashTable) contents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_bytes_unref);
  g_autofree char *source = g_build_filename (fx->tmpdir, "source", NULL);
  g_autofree char *back = g_build_filename (fx->tmpdir, "back", NULL);
  g_autofree char *empty_dir = g_build_filename (source, "empty-dir", NULL);
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "up/loaded");
  g_autoptr(S3dlioUri) slashed = store_uri (fx, "up/loaded/");
  g_autofree char *prefix_key = store_key (fx, "up/loaded/");
  g_autoptr(S3dlioUri) flat_prefix = store_uri (fx, "up/flat/");
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, source);
  g_autoptr(S3dlioBatch) download = s3dlio_batch_new (slashed, back);
  g_autoptr(S3dlioBatch) flat = s3dlio_batch_new (flat_prefix, source);
  g_autoptr(GListModel) listing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BatchWatch watch = { 0 };
  BatchWatch flat_watch = { 0 };
  GHashTableIter iter;
  gpointer key, value;

  make_local_tree (source, contents);
  g_assert_cmpint (g_mkdir (empty_dir, 0700), ==, 0);

  /* Small upload parts, which the server takes, so that big.bin goes to
   * s3:// as a multipart upload and the small files as single PUTs. */
  s3dlio_config_set_upload_part_size (fx->config, UPLOAD_PART);
  s3dlio_config_set_upload_threshold (fx->config, 2 * UPLOAD_PART);
  s3dlio_server_set_min_part_size (fx->server, UPLOAD_PART);

  watch_batch (batch, &watch);
  s3dlio_batch_set_max_concurrent (batch, 2);
  g_assert_true (s3dlio_object_store_upload_recursive (fx->store, batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s3dlio_batch_get_state (batch), ==, S3DLIO_TRANSFER_STATE_DONE);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (batch), ==, g_hash_table_size (contents));
  g_assert_cmpuint (g_list_model_get_n_items (s3dlio_batch_get_items (batch)), ==, g_hash_table_size (contents));
  g_assert_cmpuint (watch.max_in_flight, ==, 2);

  /* The objects are there under the keys of the files. */
  g_hash_table_iter_init (&iter, contents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *object_key = g_strconcat ("up/loaded/", key, NULL);
      g_autoptr(GBytes) stored = stored_object (fx, object_key);

      assert_same_bytes (value, stored);
    }
  if (fx->backend == BACKEND_S3)
    {
      g_autofree char *small_etag = s3dlio_server_get_object_etag (fx->server, "bucket",
                                                                   "up/loaded/a/top.bin");

      assert_multipart_etag (fx, "up/loaded/big.bin", (BIG_SIZE + UPLOAD_PART - 1) / UPLOAD_PART);
      g_assert_null (strchr (small_etag, '-'));
      g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
    }
  listing = s3dlio_object_store_list_all (fx->store, slashed, NULL, NULL, &error);
  g_assert_no_error (error);
  text = listing_string (listing, prefix_key);
  g_assert_cmpstr (text, ==, "a/b/c.bin a/b/d.bin a/top.bin big.bin d/e/f/g/h.bin empty "
                             "unicodé/ñ 雪.bin with space.txt");

  /* And they come back the same. */
  g_assert_true (s3dlio_object_store_download_recursive (fx->store, download, NULL, &error));
  g_assert_no_error (error);
  assert_tree_matches (back, contents);

  /* Without keep-finished, an upload keeps no item either. */
  watch_batch (flat, &flat_watch);
  s3dlio_batch_set_max_concurrent (flat, 2);
  s3dlio_batch_set_keep_finished (flat, FALSE);
  g_assert_true (s3dlio_object_store_upload_recursive (fx->store, flat, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_batch_get_objects_done (flat), ==, g_hash_table_size (contents));
  g_assert_cmpuint (flat_watch.finished, ==, g_hash_table_size (contents));
  g_assert_cmpuint (flat_watch.max_in_flight, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (s3dlio_batch_get_items (flat)), ==, 0);
  g_hash_table_iter_init (&iter, contents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *object_key = g_strconcat ("up/flat/", key, NULL);
      g_autoptr(GBytes) stored = stored_object (fx, object_key);

      assert_same_bytes (value, stored);
    }
  if (fx->backend == BACKEND_S3)
    assert_multipart_etag (fx, "up/flat/big.bin", (BIG_SIZE + UPLOAD_PART - 1) / UPLOAD_PART);
}

static void
test_recursive_upload_errors (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(S3dlioUri) prefix = store_uri (fx, "up/");
  g_autofree char *missing = g_build_filename (fx->tmpdir, "no-such-dir", NULL);
  g_autofree char *file = g_build_filename (fx->tmpdir, "a-file", NULL);
  g_autoptr(GBytes) content = random_bytes (10, 9);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, missing);
  g_autoptr(S3dlioBatch) not_dir = s3dlio_batch_new (prefix, file);
  g_autoptr(GListModel) listing = NULL;

  g_assert_false (s3dlio_object_store_upload_recursive (fx->store, batch, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  write_file (file, content);
  g_assert_false (s3dlio_object_store_upload_recursive (fx->store, not_dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);

  listing = s3dlio_object_store_list_all (fx->store, prefix, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (listing), ==, 0);
  if (fx->backend == BACKEND_FILE)
    assert_no_temporary_files (fx->root);
}

/* }}} */
/* {{{ Permissions, as a user they apply to */

static void
unreadable_and_unwritable (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = random_bytes (100, 1);
  g_autoptr(GBytes) object = seed (fx, "perm/object", 3 * PART);
  g_autoptr(GBytes) other = seed (fx, "perm/sub/other", 10);
  g_autoptr(S3dlioUri) uri = store_uri (fx, "perm/object");
  g_autoptr(S3dlioUri) perm = store_uri (fx, "perm/");
  g_autoptr(S3dlioUri) up = store_uri (fx, "up/");
  g_autoptr(S3dlioUri) target = store_uri (fx, "up/single");
  g_autofree char *unreadable = g_build_filename (fx->tmpdir, "unreadable", NULL);
  g_autofree char *source = g_build_filename (fx->tmpdir, "source", NULL);
  g_autofree char *readable = g_build_filename (source, "readable", NULL);
  g_autofree char *source_unreadable = g_build_filename (source, "unreadable", NULL);
  g_autofree char *source2 = g_build_filename (fx->tmpdir, "source2", NULL);
  g_autofree char *locked_dir = g_build_filename (source2, "locked", NULL);
  g_autofree char *locked_file = g_build_filename (locked_dir, "file", NULL);
  g_autofree char *out = g_build_filename (fx->tmpdir, "out", NULL);
  g_autofree char *path = g_build_filename (out, "object", NULL);
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(S3dlioBatch) partial = s3dlio_batch_new (up, source);
  g_autoptr(S3dlioBatch) walled = s3dlio_batch_new (up, source2);
  g_autoptr(S3dlioBatch) download = s3dlio_batch_new (perm, out);
  g_autoptr(GListModel) listing = NULL;

  /* put_file of an unreadable file. */
  write_file (unreadable, content);
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
  g_assert_false (s3dlio_object_store_put_file (fx->store, target, unreadable, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, unreadable));
  g_clear_error (&error);

  /* A recursive upload with one unreadable file: the other goes. */
  write_file (readable, content);
  write_file (source_unreadable, content);
  g_assert_cmpint (g_chmod (source_unreadable, 0), ==, 0);
  g_assert_false (s3dlio_object_store_upload_recursive (fx->store, partial, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "1 of 2 objects failed"));
  g_assert_nonnull (strstr (error->message, source_unreadable));
  g_assert_cmpuint (s3dlio_batch_get_objects_done (partial), ==, 1);
  g_assert_cmpuint (s3dlio_batch_get_objects_failed (partial), ==, 1);
  g_clear_error (&error);

  /* An unreadable directory fails the listing, before anything is sent. */
  write_file (locked_file, content);
  g_assert_cmpint (g_chmod (locked_dir, 0), ==, 0);
  g_assert_false (s3dlio_object_store_upload_recursive (fx->store, walled, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, locked_dir));
  g_assert_cmpuint (s3dlio_batch_get_objects_done (walled), ==, 0);
  g_clear_error (&error);

  listing = s3dlio_object_store_list_all (fx->store, up, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (listing), ==, 1);

  /* Downloads into a directory that cannot be written. */
  g_assert_cmpint (g_mkdir (out, 0500), ==, 0);
  s3dlio_transfer_set_destination_path (transfer, path);
  g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, out));
  g_clear_error (&error);

  g_assert_false (s3dlio_object_store_download_recursive (fx->store, download, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "2 of 2 objects failed"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (out, 0700), ==, 0);
  g_assert_cmpuint (count_tree (out), ==, 0);

  /* A file:// object that cannot be read. */
  if (fx->backend == BACKEND_FILE)
    {
      g_autoptr(S3dlioTransfer) denied = s3dlio_transfer_new (uri);
      g_autofree char *object_path = store_key (fx, "perm/object");

      g_assert_cmpint (g_chmod (object_path, 0), ==, 0);
      g_assert_false (s3dlio_object_store_download (fx->store, denied, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, object_path));
      g_clear_error (&error);
    }

  assert_no_temporary_files (fx->tmpdir);
}

/* Permissions do not apply to root: run as nobody in a subprocess then. */
static void
test_permissions (gconstpointer data)
{
  Fixture fx = { 0 };

  if (geteuid () == 0 && !g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    g_error ("Cannot run as nobody: %s", g_strerror (errno));
  g_assert_cmpint (geteuid (), !=, 0);

  fixture_set_up (&fx, data);
  unreadable_and_unwritable (&fx);
  fixture_tear_down (&fx, data);
}

/* }}} */
/* {{{ file:// only */

static void
test_file_specifics (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) dir = store_uri (fx, "dir");
  g_autoptr(S3dlioUri) dir_prefix = store_uri (fx, "dir/");
  g_autoptr(S3dlioTransfer) transfer = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(GListModel) listing = NULL;
  g_autoptr(GBytes) content = seed (fx, "dir/file.txt", 10);
  g_autofree char *temp = store_key (fx, "dir/.file.txt.s3dlio-AbC123");
  g_autofree char *text = NULL;
  g_autofree char *dir_key = store_key (fx, "dir/");

  if (fx->backend != BACKEND_FILE)
    {
      g_test_skip ("file:// only");
      return;
    }

  info = s3dlio_object_store_stat (fx->store, dir, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  transfer = s3dlio_transfer_new (dir);
  g_assert_false (s3dlio_object_store_download (fx->store, transfer, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  /* Other delimiters are not supported. */
  listing = s3dlio_object_store_list_all (fx->store, dir_prefix, "-", NULL, &error);
  g_assert_null (listing);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* Temporary files of writes under way are not objects. */
  write_file (temp, content);
  listing = s3dlio_object_store_list_all (fx->store, dir_prefix, "/", NULL, &error);
  g_assert_no_error (error);
  text = listing_string (listing, dir_key);
  g_assert_cmpstr (text, ==, "file.txt");
  g_clear_object (&listing);

  /* Deleting a directory is refused. */
  g_assert_false (s3dlio_object_store_delete (fx->store, dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

/* }}} */

static void
add (const char       *name,
     GTestFixtureFunc  func)
{
  static const char *const backends[] = { "s3", "file" };

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autofree char *path = g_strdup_printf ("/store/%s/%s", backends[i], name);

      g_test_add_vtable (path, sizeof (Fixture), GINT_TO_POINTER (i),
                         (GTestFixtureFunc) fixture_set_up, func,
                         (GTestFixtureFunc) fixture_tear_down);
    }
}

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

  g_test_add_func ("/store/factory", test_factory);
  add ("wrong-scheme", (GTestFixtureFunc) test_wrong_scheme);
  add ("stat", (GTestFixtureFunc) test_stat);
  add ("download/memory", (GTestFixtureFunc) test_download_memory);
  add ("download/file", (GTestFixtureFunc) test_download_file);
  add ("download/stream", (GTestFixtureFunc) test_download_stream);
  add ("download/chunks", (GTestFixtureFunc) test_download_chunks);
  add ("download/buffer", (GTestFixtureFunc) test_download_buffer);
  add ("download/ranges", (GTestFixtureFunc) test_download_ranges);
  add ("download/missing", (GTestFixtureFunc) test_download_missing);
  add ("download/unwritable", (GTestFixtureFunc) test_download_unwritable);
  add ("download/concurrent", (GTestFixtureFunc) test_download_concurrent);
  add ("download/async", (GTestFixtureFunc) test_download_async);
  add ("get", (GTestFixtureFunc) test_get);
  add ("get/range", (GTestFixtureFunc) test_get_range);
  add ("get/missing", (GTestFixtureFunc) test_get_missing);
  add ("get/async", (GTestFixtureFunc) test_get_async);
  add ("get/cancelled", (GTestFixtureFunc) test_get_cancelled);
  add ("put-delete", (GTestFixtureFunc) test_put_delete);
  add ("put-file-errors", (GTestFixtureFunc) test_put_file_errors);
  add ("list", (GTestFixtureFunc) test_list);
  add ("list/pages", (GTestFixtureFunc) test_list_pages);
  add ("list/cancelled", (GTestFixtureFunc) test_list_cancelled);
  add ("list-foreach", (GTestFixtureFunc) test_list_foreach);
  add ("list-foreach/async", (GTestFixtureFunc) test_list_foreach_async);
  add ("list-foreach/bounded", (GTestFixtureFunc) test_list_foreach_bounded);
  add ("list-foreach/nested", (GTestFixtureFunc) test_list_foreach_nested);
  add ("delete-prefix", (GTestFixtureFunc) test_delete_prefix);
  add ("delete-prefix/async", (GTestFixtureFunc) test_delete_prefix_async);
  g_test_add_vtable ("/store/file/delete-prefix/directories", sizeof (Fixture), GINT_TO_POINTER (BACKEND_FILE),
                     (GTestFixtureFunc) fixture_set_up, (GTestFixtureFunc) test_file_delete_prefix_directories,
                     (GTestFixtureFunc) fixture_tear_down);
  g_test_add_func ("/store/file/delete-prefix/refuses-root", test_file_delete_prefix_refuses_root);
  add ("upload", (GTestFixtureFunc) test_upload);
  add ("upload-errors", (GTestFixtureFunc) test_upload_errors);
  add ("recursive/download", (GTestFixtureFunc) test_recursive_download);
  add ("recursive/download-serial", (GTestFixtureFunc) test_recursive_download_serial);
  add ("recursive/download-missing", (GTestFixtureFunc) test_recursive_download_missing);
  add ("recursive/download-unwritable", (GTestFixtureFunc) test_recursive_download_unwritable);
  add ("recursive/download-escaping", (GTestFixtureFunc) test_recursive_download_escaping);
  add ("recursive/download-symlink", (GTestFixtureFunc) test_recursive_download_symlink);
  add ("recursive/download-cancel", (GTestFixtureFunc) test_recursive_download_cancel);
  add ("recursive/download-drop-finished", (GTestFixtureFunc) test_recursive_download_drop_finished);
  add ("recursive/download-drop-finished-stop", (GTestFixtureFunc) test_recursive_download_drop_finished_stop);
  add ("recursive/download-keep-finished", (GTestFixtureFunc) test_recursive_download_keep_finished);
  add ("recursive/upload", (GTestFixtureFunc) test_recursive_upload);
  add ("recursive/upload-errors", (GTestFixtureFunc) test_recursive_upload_errors);
  add ("file-specifics", (GTestFixtureFunc) test_file_specifics);
  g_test_add_data_func ("/store/s3/permissions", GINT_TO_POINTER (BACKEND_S3), test_permissions);
  g_test_add_data_func ("/store/file/permissions", GINT_TO_POINTER (BACKEND_FILE), test_permissions);

  return g_test_run ();
}
