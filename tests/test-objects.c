/* test-objects.c: listing, buckets, deletion, copy and presigned URLs
 * against the loopback endpoint
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "s3dlio-multipart-private.h"
#include "test-utils.h"

/* Small pages, so that every listing crosses page boundaries. */
#define PAGE_SIZE 7

typedef struct {
  S3dlioServer      *server;
  S3dlioClient      *client;
  S3dlioConfig      *config;
  S3dlioCredentials *credentials;
  S3dlioEndpoint    *endpoint;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  fx->credentials = s3dlio_credentials_new ("AKIDTESTOBJECTS", "objects-secret-key-do-not-print", NULL);
  fx->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (fx->server, fx->credentials);
  s3dlio_server_set_page_size (fx->server, PAGE_SIZE);
  g_assert_true (s3dlio_server_start (fx->server, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_server_create_bucket (fx->server, "bucket", &error));
  g_assert_no_error (error);

  uri = s3dlio_server_get_uri (fx->server);
  fx->endpoint = s3dlio_endpoint_new (uri, "us-east-1", &error);
  g_assert_no_error (error);

  fx->config = s3dlio_config_new ();
  s3dlio_config_set_worker_threads (fx->config, 2);
  s3dlio_config_set_max_inflight (fx->config, 4);
  s3dlio_config_set_max_retries (fx->config, 2);
  s3dlio_config_set_io_timeout_ms (fx->config, 5000);

  fx->client = s3dlio_client_new (fx->endpoint, fx->credentials, fx->config);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->client);
  s3dlio_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_clear_object (&fx->config);
  g_clear_object (&fx->endpoint);
  g_clear_object (&fx->credentials);
}

/* {{{ Helpers */

static S3dlioUri *
s3_uri (const char *bucket,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  S3dlioUri *uri = s3dlio_uri_new_s3 (bucket, key, &error);

  g_assert_no_error (error);
  return uri;
}

static GBytes *
content_for (const char *key)
{
  return g_bytes_new_take (g_strdup_printf ("content of %s", key), strlen (key) + 11);
}

static void
seed (Fixture    *fx,
      const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = content_for (key);

  g_assert_true (s3dlio_server_put_object (fx->server, "bucket", key, data, &error));
  g_assert_no_error (error);
}

/* The key @prefix followed by @i written with @width digits. */
static char *
numbered_key (const char *prefix,
              int         width,
              guint       i)
{
  return g_strdup_printf ("%s%0*u", prefix, width, i);
}

/* Seeds @n numbered keys. */
static void
seedn (Fixture    *fx,
       const char *prefix,
       int         width,
       guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = numbered_key (prefix, width, i);

      seed (fx, key);
    }
}

static gboolean
object_exists (Fixture    *fx,
               const char *bucket,
               const char *key)
{
  g_autoptr(GBytes) data = s3dlio_server_get_object_data (fx->server, bucket, key);

  return data != NULL;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until *@flag is set, for at most
 * @seconds: a periodic source keeps the loop from blocking for ever. */
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

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
sleep_in_loop (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag, &done);
  run_until (&done, ms / 1000 + 5);
}

/* The keys of a list model, a prefix marked with a trailing "(dir)". */
static GPtrArray *
model_keys (GListModel *model)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_list_model_get_item_type (model) == S3DLIO_TYPE_OBJECT_INFO);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (model, i);

      g_ptr_array_add (keys, g_strconcat (s3dlio_object_info_get_key (info),
                                          s3dlio_object_info_get_is_prefix (info) ? " (dir)" : "",
                                          NULL));
    }
  g_assert_null (g_list_model_get_item (model, g_list_model_get_n_items (model)));

  return keys;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
assert_same_keys (GPtrArray *expected,
                  GPtrArray *actual)
{
  for (guint i = 0; i < MIN (expected->len, actual->len); i++)
    g_assert_cmpstr (g_ptr_array_index (actual, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (actual->len, ==, expected->len);
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

/* The failure at @i, which @failures keeps alive. */
static S3dlioDeleteFailure *
failure_at (GListModel *failures,
            guint       i)
{
  g_autoptr(S3dlioDeleteFailure) failure = g_list_model_get_item (failures, i);

  g_assert_true (g_list_model_get_item_type (failures) == S3DLIO_TYPE_DELETE_FAILURE);
  g_assert_nonnull (failure);
  return failure;
}

/* }}} */
/* {{{ Listing */

static void
test_list_flat (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "flat/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);

  seedn (fx, "flat/", 3, 50);
  seed (fx, "flat");
  seed (fx, "flatter/x");
  seed (fx, "a-before");
  for (guint i = 0; i < 50; i++)
    g_ptr_array_add (expected, g_strdup_printf ("flat/%03u", i));

  s3dlio_server_reset_counters (fx->server);
  list = s3dlio_client_list_all (fx->client, uri, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (list);

  keys = model_keys (G_LIST_MODEL (list));
  assert_same_keys (expected, keys);
  g_assert_true (s3dlio_object_list_get_complete (list));
  g_assert_false (s3dlio_object_list_get_loading (list));
  g_assert_null (s3dlio_object_list_get_error (list));
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, (50 + PAGE_SIZE - 1) / PAGE_SIZE);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, (50 + PAGE_SIZE - 1) / PAGE_SIZE);
  /* Every request asked for URL-encoded keys. */
  g_assert_cmpuint (count_log_lines_with (fx, "encoding-type=url"), ==, (50 + PAGE_SIZE - 1) / PAGE_SIZE);

  /* The items carry what the listing says about each object. */
  {
    g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (G_LIST_MODEL (list), 3);
    g_autoptr(GBytes) content = content_for ("flat/003");
    g_autofree char *etag = s3dlio_server_get_object_etag (fx->server, "bucket", "flat/003");

    g_assert_cmpstr (s3dlio_object_info_get_key (info), ==, "flat/003");
    g_assert_cmpuint (s3dlio_object_info_get_size (info), ==, g_bytes_get_size (content));
    g_assert_cmpstr (s3dlio_object_info_get_etag (info), ==, etag);
    g_assert_nonnull (s3dlio_object_info_get_last_modified (info));
    g_assert_false (s3dlio_object_info_get_is_prefix (info));
  }

  /* A prefix without its slash takes in its neighbours too. */
  {
    g_autoptr(S3dlioUri) loose = s3_uri ("bucket", "flat");
    g_autoptr(S3dlioObjectList) all = s3dlio_client_list_all (fx->client, loose, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 52);
  }

  /* The whole bucket. */
  {
    g_autoptr(S3dlioUri) root = s3_uri ("bucket", NULL);
    g_autoptr(S3dlioObjectList) all = s3dlio_client_list_all (fx->client, root, NULL, NULL, &error);
    g_autoptr(S3dlioObjectInfo) first = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, 53);
    first = g_list_model_get_item (G_LIST_MODEL (all), 0);
    g_assert_cmpstr (s3dlio_object_info_get_key (first), ==, "a-before");
  }
}

/* The listing "/" as a delimiter should give, computed from the keys: each
 * key under @prefix, or the common prefix it rolls up into. */
static GPtrArray *
expected_with_delimiter (const char *const *keys,
                         const char        *prefix)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *expected = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *slash;
      char *item;

      if (!g_str_has_prefix (keys[i], prefix))
        continue;
      slash = strchr (keys[i] + strlen (prefix), '/');
      if (slash != NULL)
        {
          g_autofree char *common = g_strndup (keys[i], slash + 1 - keys[i]);

          item = g_strconcat (common, " (dir)", NULL);
        }
      else
        {
          item = g_strdup (keys[i]);
        }

      if (g_hash_table_contains (seen, item))
        {
          g_free (item);
          continue;
        }
      g_hash_table_add (seen, item);
      g_ptr_array_add (expected, item);
    }
  g_ptr_array_sort (expected, compare_strings);

  return expected;
}

static void
test_list_delimiter (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) keys = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "tree/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) actual = NULL;
  guint n_prefixes = 0;

  /* Directories big enough to span pages, files between them. */
  for (guint d = 0; d < 6; d++)
    {
      g_autofree char *file = g_strdup_printf ("tree/%c.txt", 'a' + d * 2);

      g_strv_builder_add (builder, file);
      for (guint i = 0; i < 3 + d * 4; i++)
        {
          g_autofree char *key = g_strdup_printf ("tree/%c/%02u", 'b' + d * 2, i);

          g_strv_builder_add (builder, key);
        }
    }
  g_strv_builder_add (builder, "tree/deep/er/still");
  g_strv_builder_add (builder, "tree/z");
  g_strv_builder_add (builder, "treetop");
  keys = g_strv_builder_end (builder);
  for (guint i = 0; keys[i] != NULL; i++)
    seed (fx, keys[i]);

  list = s3dlio_client_list_all (fx->client, uri, "/", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_object_list_get_delimiter (list), ==, "/");

  expected = expected_with_delimiter ((const char *const *) keys, "tree/");
  actual = model_keys (G_LIST_MODEL (list));
  assert_same_keys (expected, actual);

  for (guint i = 0; i < actual->len; i++)
    n_prefixes += g_str_has_suffix (g_ptr_array_index (actual, i), " (dir)");
  g_assert_cmpuint (n_prefixes, ==, 7);
  g_assert_cmpuint (actual->len, ==, 7 + 7);
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, 2);

  /* Every key once, in order, without a delimiter. */
  {
    g_autoptr(S3dlioObjectList) flat = s3dlio_client_list_all (fx->client, uri, NULL, NULL, &error);
    g_autoptr(GPtrArray) flat_keys = NULL;
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    g_assert_no_error (error);
    for (guint i = 0; keys[i] != NULL; i++)
      if (g_str_has_prefix (keys[i], "tree/"))
        g_ptr_array_add (all, keys[i]);
    g_ptr_array_sort (all, compare_strings);
    flat_keys = model_keys (G_LIST_MODEL (flat));
    assert_same_keys (all, flat_keys);
  }

  /* One level down. */
  {
    g_autoptr(S3dlioUri) sub = s3_uri ("bucket", "tree/deep/");
    g_autoptr(S3dlioObjectList) deep = s3dlio_client_list_all (fx->client, sub, "/", NULL, &error);
    g_autoptr(GPtrArray) deep_keys = NULL;

    g_assert_no_error (error);
    deep_keys = model_keys (G_LIST_MODEL (deep));
    g_assert_cmpuint (deep_keys->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (deep_keys, 0), ==, "tree/deep/er/ (dir)");
  }
}

typedef struct {
  S3dlioObjectList *list;
  GCancellable     *cancel_at_page_cancellable;
  guint             cancel_at_page;
  guint             n_changes;
  guint             next_position;
  guint             first_added;
  gboolean          first_while_loading;
  gboolean          first_while_incomplete;
  guint             n_loading_notifies;
  gboolean          done;
  gboolean          bad_change;
} Watch;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  S3dlioObjectList *list = S3DLIO_OBJECT_LIST (model);

  /* Pages only ever append. */
  if (position != watch->next_position || removed != 0 || added == 0 ||
      g_list_model_get_n_items (model) != position + added)
    watch->bad_change = TRUE;
  watch->next_position = position + added;

  if (watch->n_changes++ == 0)
    {
      watch->first_added = added;
      watch->first_while_loading = s3dlio_object_list_get_loading (list);
      watch->first_while_incomplete = !s3dlio_object_list_get_complete (list);
    }

  if (watch->cancel_at_page != 0 && s3dlio_object_list_get_n_pages (list) == watch->cancel_at_page)
    g_cancellable_cancel (watch->cancel_at_page_cancellable);
}

static void
loading_cb (S3dlioObjectList *list,
            GParamSpec       *pspec,
            Watch            *watch)
{
  watch->n_loading_notifies++;
  if (!s3dlio_object_list_get_loading (list))
    watch->done = TRUE;
}

static void
watch_list (Watch            *watch,
            S3dlioObjectList *list)
{
  watch->list = list;
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), watch);
  g_signal_connect (list, "notify::loading", G_CALLBACK (loading_cb), watch);
}

static void
test_list_pages_arrive (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "pages/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  Watch watch = { 0 };
  guint n_items = 0;

  seedn (fx, "pages/", 3, 40);

  list = s3dlio_client_list (fx->client, uri, NULL, NULL);
  g_assert_nonnull (list);
  /* Nothing is there yet: the first page arrives in the main context. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (s3dlio_object_list_get_loading (list));
  g_assert_false (s3dlio_object_list_get_complete (list));
  watch_list (&watch, list);
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 0);

  run_until (&watch.done, 30);

  g_assert_false (watch.bad_change);
  /* One change per page, the first while the rest was still coming. */
  g_assert_cmpuint (watch.n_changes, ==, (40 + PAGE_SIZE - 1) / PAGE_SIZE);
  g_assert_cmpuint (watch.n_changes, ==, s3dlio_object_list_get_n_pages (list));
  g_assert_cmpuint (watch.first_added, ==, PAGE_SIZE);
  g_assert_true (watch.first_while_loading);
  g_assert_true (watch.first_while_incomplete);
  g_assert_cmpuint (watch.n_loading_notifies, ==, 1);
  g_assert_true (s3dlio_object_list_get_complete (list));
  g_assert_null (s3dlio_object_list_get_error (list));
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 40);

  keys = model_keys (G_LIST_MODEL (list));
  g_assert_cmpuint (keys->len, ==, 40);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("pages/%03u", i);

      g_assert_cmpstr (g_ptr_array_index (keys, i), ==, key);
    }
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  S3dlioObjectList **out = data;
  g_autoptr(GError) error = NULL;

  *out = s3dlio_client_list_all_finish (S3DLIO_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static void
test_list_all_async (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "async/");
  S3dlioObjectList *list = NULL;

  seedn (fx, "async/", 0, 23);

  s3dlio_client_list_all_async (fx->client, uri, NULL, NULL, loaded_cb, &list);
  for (guint i = 0; i < 10000 && list == NULL; i++)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (list);
  g_assert_true (s3dlio_object_list_get_complete (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 23);
  g_assert_true (s3dlio_object_list_get_client (list) == fx->client);
  g_assert_true (s3dlio_uri_equal (s3dlio_object_list_get_uri (list), uri));

  /* Loading again tells how it went, without a request. */
  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_object_list_load (list, NULL, NULL));
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 0);
  g_object_unref (list);
}

static void
test_list_start_after (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "sa/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  seedn (fx, "sa/", 2, 30);

  list = s3dlio_object_list_new (fx->client, uri, NULL);
  s3dlio_object_list_set_start_after (list, "sa/11");
  s3dlio_object_list_set_page_size (list, 5);
  g_assert_cmpstr (s3dlio_object_list_get_start_after (list), ==, "sa/11");
  g_assert_cmpuint (s3dlio_object_list_get_page_size (list), ==, 5);
  g_assert_false (s3dlio_object_list_get_loading (list));

  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_object_list_load (list, NULL, &error));
  g_assert_no_error (error);

  keys = model_keys (G_LIST_MODEL (list));
  g_assert_cmpuint (keys->len, ==, 18);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("sa/%02u", 12 + i);

      g_assert_cmpstr (g_ptr_array_index (keys, i), ==, key);
    }
  /* max-keys=5 was asked for: 18 keys are 4 pages. */
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, 4);
  g_assert_cmpuint (count_log_lines_with (fx, "max-keys=5"), ==, 4);
  /* start-after only on the first request; the token carries it on. */
  g_assert_cmpuint (count_log_lines_with (fx, "start-after="), ==, 1);
  g_assert_cmpuint (count_log_lines_with (fx, "continuation-token="), ==, 3);

  /* Past the end: empty and complete. */
  {
    g_autoptr(S3dlioObjectList) none = s3dlio_object_list_new (fx->client, uri, NULL);

    s3dlio_object_list_set_start_after (none, "sa/99");
    g_assert_true (s3dlio_object_list_load (none, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (none)), ==, 0);
    g_assert_true (s3dlio_object_list_get_complete (none));
    g_assert_cmpuint (s3dlio_object_list_get_n_pages (none), ==, 1);
  }
}

static void
test_list_cancel (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "cancel/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioObjectList) list = NULL;
  const GError *error;
  Watch watch = { 0 };

  seedn (fx, "cancel/", 3, 100);

  /* Cancelled while the second page is handed out: no third request. */
  s3dlio_server_reset_counters (fx->server);
  list = s3dlio_client_list (fx->client, uri, NULL, cancellable);
  watch.cancel_at_page = 2;
  watch.cancel_at_page_cancellable = cancellable;
  watch_list (&watch, list);
  run_until (&watch.done, 30);

  error = s3dlio_object_list_get_error (list);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (s3dlio_object_list_get_complete (list));
  g_assert_false (s3dlio_object_list_get_loading (list));
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2 * PAGE_SIZE);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 2);

  /* The blocking form of list_all is cancelled too. */
  {
    g_autoptr(GError) local_error = NULL;
    g_autoptr(S3dlioObjectList) none = s3dlio_client_list_all (fx->client, uri, NULL, cancellable, &local_error);

    g_assert_error (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (none);
  }

  /* s3dlio_object_list_cancel() stops it in the same way. */
  {
    g_autoptr(S3dlioObjectList) other = NULL;
    Watch other_watch = { 0 };

    /* Before the list: it sends its first request at once. */
    s3dlio_server_reset_counters (fx->server);
    other = s3dlio_client_list (fx->client, uri, NULL, NULL);
    watch_list (&other_watch, other);
    g_signal_connect (other, "items-changed", G_CALLBACK (s3dlio_object_list_cancel), NULL);
    run_until (&other_watch.done, 30);
    g_assert_error (s3dlio_object_list_get_error (other), G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, PAGE_SIZE);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 1);
  }
}

static void
test_list_dropped (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "dropped/");
  g_autoptr(S3dlioServerFault) stall = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
  S3dlioObjectList *list;
  Watch watch = { 0 };
  gboolean first_page = FALSE;
  GWeakRef weak;

  seedn (fx, "dropped/", 3, 200);

  /* The second page hangs, so the list is dropped with it in flight. */
  s3dlio_server_fault_set_method (stall, "GET");
  s3dlio_server_fault_set_skip (stall, 1);
  s3dlio_server_fault_set_stall_ms (stall, 10000);
  s3dlio_server_add_fault (fx->server, stall);

  s3dlio_server_reset_counters (fx->server);
  list = s3dlio_client_list (fx->client, uri, NULL, NULL);
  g_weak_ref_init (&weak, list);
  watch_list (&watch, list);
  g_signal_connect_swapped (list, "items-changed", G_CALLBACK (set_flag), &first_page);
  run_until (&first_page, 30);
  for (guint i = 0; i < 1000 && s3dlio_server_fault_get_hits (stall) == 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (stall), ==, 1);

  /* Nobody holds the list any more: it goes at once, the listing stops. */
  g_object_unref (list);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
  sleep_in_loop (300);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (stall), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), <=, 2);
}

typedef struct {
  GPtrArray *keys;
  guint      stop_after;
  guint      notified;
  gboolean   done;
} Walk;

static gboolean
walk_cb (S3dlioObjectInfo *info,
         gpointer          data)
{
  Walk *walk = data;

  g_ptr_array_add (walk->keys, g_strdup (s3dlio_object_info_get_key (info)));
  return walk->stop_after == 0 || walk->keys->len < walk->stop_after;
}

static void
walk_notify (gpointer data)
{
  Walk *walk = data;

  walk->notified++;
}

static void
walked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Walk *walk = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_client_list_foreach_finish (S3DLIO_CLIENT (source), result, &error));
  g_assert_no_error (error);
  walk->done = TRUE;
}

static void
test_list_foreach (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "walk/");
  Walk walk = { 0 };

  seedn (fx, "walk/", 3, 60);

  /* All of it, blocking. */
  walk.keys = g_ptr_array_new_with_free_func (g_free);
  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_list_foreach (fx->client, uri, NULL, NULL, walk_cb, &walk, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (walk.keys->len, ==, 60);
  for (guint i = 0; i < walk.keys->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("walk/%03u", i);

      g_assert_cmpstr (g_ptr_array_index (walk.keys, i), ==, key);
    }
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, (60 + PAGE_SIZE - 1) / PAGE_SIZE);
  g_ptr_array_unref (walk.keys);

  /* Stopped by the function after 10: two pages only. */
  walk = (Walk) { g_ptr_array_new_with_free_func (g_free), 10, 0, FALSE };
  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_list_foreach (fx->client, uri, NULL, NULL, walk_cb, &walk, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (walk.keys->len, ==, 10);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, 2);
  g_ptr_array_unref (walk.keys);

  /* Asynchronous, after a key, with the data freed once at the end. */
  walk = (Walk) { g_ptr_array_new_with_free_func (g_free), 0, 0, FALSE };
  s3dlio_client_list_foreach_async (fx->client, uri, NULL, "walk/049", walk_cb, &walk, walk_notify,
                                    NULL, walked_cb, &walk);
  run_until (&walk.done, 30);
  g_assert_cmpuint (walk.keys->len, ==, 10);
  g_assert_cmpstr (g_ptr_array_index (walk.keys, 0), ==, "walk/050");
  g_assert_cmpuint (walk.notified, ==, 1);
  g_ptr_array_unref (walk.keys);

  /* Not an S3 location. */
  {
    g_autoptr(S3dlioUri) file = s3dlio_uri_new_file ("/tmp");

    walk = (Walk) { g_ptr_array_new_with_free_func (g_free), 0, 0, FALSE };
    g_assert_false (s3dlio_client_list_foreach (fx->client, file, NULL, NULL, walk_cb, &walk, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
    g_assert_cmpuint (walk.keys->len, ==, 0);
    g_ptr_array_unref (walk.keys);
  }
}

static void
test_list_errors (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) missing = s3_uri ("missing-bucket", "some/");
  g_autoptr(S3dlioObjectList) list = NULL;
  Watch watch = { 0 };

  g_assert_null (s3dlio_client_list_all (fx->client, missing, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
  g_assert_nonnull (strstr (error->message, "s3://missing-bucket/some/"));
  g_assert_nonnull (strstr (error->message, "NoSuchBucket"));
  g_clear_error (&error);

  /* The model says so too. */
  list = s3dlio_client_list (fx->client, missing, "/", NULL);
  watch_list (&watch, list);
  run_until (&watch.done, 30);
  g_assert_error (s3dlio_object_list_get_error (list), S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
  g_assert_false (s3dlio_object_list_get_complete (list));
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, 0);
  {
    GError *copy = NULL;

    g_object_get (list, "error", &copy, NULL);
    g_assert_error (copy, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
    g_error_free (copy);
  }
}

/* }}} */
/* {{{ Credentials */

static S3dlioClient *
client_with (Fixture           *fx,
             S3dlioCredentials *credentials)
{
  return s3dlio_client_new (fx->endpoint, credentials, fx->config);
}

static void
test_bad_credentials (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "");
  g_autoptr(S3dlioCredentials) wrong_secret = s3dlio_credentials_new ("AKIDTESTOBJECTS", "not-the-secret", NULL);
  g_autoptr(S3dlioCredentials) unknown = s3dlio_credentials_new ("AKIDUNKNOWN", "objects-secret-key-do-not-print", NULL);
  g_autoptr(S3dlioCredentials) anonymous = s3dlio_credentials_new_anonymous ();
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GListModel) failures = NULL;
  const char *keys[] = { "k", NULL };

  seed (fx, "k");

  client = client_with (fx, wrong_secret);
  list = s3dlio_client_list_all (client, uri, NULL, NULL, &error);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SIGNATURE_MISMATCH);
  g_assert_null (strstr (error->message, "not-the-secret"));
  g_clear_error (&error);
  /* A request-wide error stops a deletion, which then fails. */
  failures = s3dlio_client_delete_many (client, "bucket", keys, NULL, &error);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_SIGNATURE_MISMATCH);
  g_assert_null (failures);
  g_assert_true (object_exists (fx, "bucket", "k"));
  g_clear_error (&error);
  g_clear_object (&client);

  client = client_with (fx, unknown);
  g_assert_false (s3dlio_client_create_bucket (client, "other-bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ACCESS_KEY);
  g_clear_error (&error);
  g_clear_object (&client);

  client = client_with (fx, anonymous);
  g_assert_false (s3dlio_client_delete_bucket (client, "bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "s3://bucket"));
  g_clear_error (&error);
  g_assert_null (s3dlio_client_list_buckets (client, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
}

/* }}} */
/* {{{ Keys that need care */

static const char *const special_keys[] = {
  "special/with space",
  "special/plus+sign",
  "special/a+b c+d",
  "special/percent%20literal",
  "special/100%",
  "special/%2F",
  "special/unicodé/ключ/日本語.txt",
  "special/emoji 🦀",
  "special/double//slash",
  "special//leading",
  "special/../dotdot",
  "special/./dot",
  "special/a/../b",
  "special/question?mark=1&x",
  "special/hash#tag",
  "special/xml <&>\"'",
  "special/semi;colon,comma",
  "special/tilde~ and `backtick`",
  NULL
};

static void
test_special_keys (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) prefix = s3_uri ("bucket", "special/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  guint n = g_strv_length ((char **) special_keys);

  for (guint i = 0; i < n; i++)
    {
      seed (fx, special_keys[i]);
      g_ptr_array_add (expected, (gpointer) special_keys[i]);
    }
  g_ptr_array_sort (expected, compare_strings);

  /* Listed back exactly. */
  list = s3dlio_client_list_all (fx->client, prefix, NULL, NULL, &error);
  g_assert_no_error (error);
  keys = model_keys (G_LIST_MODEL (list));
  assert_same_keys (expected, keys);

  /* Read back through the key the listing gave. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (G_LIST_MODEL (list), i);
      const char *key = s3dlio_object_info_get_key (info);
      g_autoptr(S3dlioUri) uri = s3_uri ("bucket", key);
      g_autoptr(GBytes) got = s3dlio_client_get (fx->client, uri, NULL, &error);
      g_autoptr(GBytes) want = content_for (key);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (got, want));
    }

  /* With a delimiter, "special//leading" rolls up into "special//". */
  {
    g_autoptr(S3dlioObjectList) tree = s3dlio_client_list_all (fx->client, prefix, "/", NULL, &error);
    g_autoptr(GPtrArray) tree_keys = NULL;
    g_autoptr(GPtrArray) tree_expected = expected_with_delimiter (special_keys, "special/");

    g_assert_no_error (error);
    tree_keys = model_keys (G_LIST_MODEL (tree));
    assert_same_keys (tree_expected, tree_keys);
    g_assert_true (g_ptr_array_find_with_equal_func (tree_keys, "special// (dir)", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (tree_keys, "special/../ (dir)", g_str_equal, NULL));
  }

  /* A prefix with special characters is listed as such. */
  {
    g_autoptr(S3dlioUri) odd = s3_uri ("bucket", "special/a+b c");
    g_autoptr(S3dlioObjectList) one = s3dlio_client_list_all (fx->client, odd, NULL, NULL, &error);
    g_autoptr(GPtrArray) one_keys = NULL;

    g_assert_no_error (error);
    one_keys = model_keys (G_LIST_MODEL (one));
    g_assert_cmpuint (one_keys->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (one_keys, 0), ==, "special/a+b c+d");
  }

  /* Deleted one by one, half of them; the rest at once. */
  for (guint i = 0; i < n; i += 2)
    {
      g_autoptr(S3dlioUri) uri = s3_uri ("bucket", special_keys[i]);

      g_assert_true (s3dlio_client_delete (fx->client, uri, NULL, &error));
      g_assert_no_error (error);
      g_assert_false (object_exists (fx, "bucket", special_keys[i]));
      g_assert_true (object_exists (fx, "bucket", special_keys[i + 1]));
    }
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) rest = NULL;
    g_autoptr(GListModel) failures = NULL;
    g_autoptr(S3dlioObjectList) after = NULL;

    for (guint i = 1; i < n; i += 2)
      g_strv_builder_add (builder, special_keys[i]);
    rest = g_strv_builder_end (builder);
    failures = s3dlio_client_delete_many (fx->client, "bucket", (const char *const *) rest, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (failures);
    g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);

    after = s3dlio_client_list_all (fx->client, prefix, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 0);
  }
}

/* Keys XML carries only as character references, and keys it cannot
 * carry at all. */
static void
test_control_keys (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) failures = NULL;
  g_autoptr(S3dlioUri) prefix = s3_uri ("bucket", "ctl/");
  g_autoptr(S3dlioObjectList) list = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  const char *to_delete[] = { "ctl/line\nbreak", "ctl/cr\r\nlf", "ctl/tab\there", "ctl/bell\007", NULL };
  S3dlioDeleteFailure *failure;

  for (guint i = 0; to_delete[i] != NULL; i++)
    seed (fx, to_delete[i]);

  /* Listed with the characters intact (S3 URL-encodes them). */
  list = s3dlio_client_list_all (fx->client, prefix, NULL, NULL, &error);
  g_assert_no_error (error);
  keys = model_keys (G_LIST_MODEL (list));
  g_assert_cmpuint (keys->len, ==, 4);
  g_assert_true (g_ptr_array_find_with_equal_func (keys, "ctl/cr\r\nlf", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (keys, "ctl/bell\007", g_str_equal, NULL));

  failures = s3dlio_client_delete_many (fx->client, "bucket", to_delete, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 1);
  failure = failure_at (failures, 0);
  g_assert_cmpstr (s3dlio_delete_failure_get_key (failure), ==, "ctl/bell\007");
  g_assert_error (s3dlio_delete_failure_get_error (failure), S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);

  g_assert_false (object_exists (fx, "bucket", "ctl/line\nbreak"));
  g_assert_false (object_exists (fx, "bucket", "ctl/cr\r\nlf"));
  g_assert_false (object_exists (fx, "bucket", "ctl/tab\there"));
  g_assert_true (object_exists (fx, "bucket", "ctl/bell\007"));
}

/* }}} */
/* {{{ Buckets */

static gboolean
has_bucket (GListModel *buckets,
            const char *name)
{
  g_assert_true (g_list_model_get_item_type (buckets) == S3DLIO_TYPE_BUCKET_INFO);
  for (guint i = 0; i < g_list_model_get_n_items (buckets); i++)
    {
      g_autoptr(S3dlioBucketInfo) info = g_list_model_get_item (buckets, i);

      if (g_strcmp0 (s3dlio_bucket_info_get_name (info), name) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_buckets (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) buckets = NULL;
  static const char *const invalid[] = { "ab", "Upper-Case", "under_score", "-dash", "192.168.1.1", "a..b", NULL };

  buckets = s3dlio_client_list_buckets (fx->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (buckets), ==, 1);
  g_assert_true (has_bucket (buckets, "bucket"));
  {
    g_autoptr(S3dlioBucketInfo) info = g_list_model_get_item (buckets, 0);

    g_assert_nonnull (s3dlio_bucket_info_get_creation_date (info));
  }
  g_clear_object (&buckets);

  g_assert_true (s3dlio_client_create_bucket (fx->client, "new-bucket", NULL, &error));
  g_assert_no_error (error);
  buckets = s3dlio_client_list_buckets (fx->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (buckets), ==, 2);
  g_assert_true (has_bucket (buckets, "new-bucket"));
  g_clear_object (&buckets);

  /* BucketAlreadyOwnedByYou. */
  g_assert_false (s3dlio_client_create_bucket (fx->client, "new-bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_BUCKET_EXISTS);
  g_assert_nonnull (strstr (error->message, "s3://new-bucket"));
  g_assert_nonnull (strstr (error->message, "BucketAlreadyOwnedByYou"));
  g_clear_error (&error);

  /* Names S3 would refuse are refused before any request. */
  s3dlio_server_reset_counters (fx->server);
  for (guint i = 0; invalid[i] != NULL; i++)
    {
      g_assert_false (s3dlio_client_create_bucket (fx->client, invalid[i], NULL, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
      g_assert_nonnull (strstr (error->message, invalid[i]));
      g_clear_error (&error);
    }
  g_assert_false (s3dlio_client_delete_bucket (fx->client, "No_Such", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 0);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 0);

  /* BucketNotEmpty, then empty it and delete it. */
  seed (fx, "keep");
  g_assert_false (s3dlio_client_delete_bucket (fx->client, "bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_BUCKET_NOT_EMPTY);
  g_assert_nonnull (strstr (error->message, "s3://bucket"));
  g_clear_error (&error);
  g_assert_true (object_exists (fx, "bucket", "keep"));

  g_assert_true (s3dlio_client_delete_bucket (fx->client, "new-bucket", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (s3dlio_client_delete_bucket (fx->client, "new-bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
  g_clear_error (&error);

  buckets = s3dlio_client_list_buckets (fx->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (has_bucket (buckets, "new-bucket"));
  g_assert_true (has_bucket (buckets, "bucket"));
}

/* A plain HTTP server on 127.0.0.1, run in this thread's main context, to
 * see what the client sends or to answer what S3 rarely does. Connections
 * are accepted by a GSocketService and handed to libsoup, as
 * S3dlioServer does. */
typedef struct {
  SoupServer     *soup;
  GSocketService *service;
  char           *url;
} PlainServer;

static gboolean
plain_incoming (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                gpointer           data)
{
  SoupServer *soup = data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (local != NULL && remote != NULL &&
      !soup_server_accept_iostream (soup, G_IO_STREAM (connection), local, remote, &error))
    g_test_message ("Cannot accept a connection: %s", error->message);

  return TRUE;
}

static PlainServer *
plain_server_new (SoupServerCallback handler,
                  gpointer           data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  PlainServer *server = g_new0 (PlainServer, 1);

  server->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->soup, NULL, handler, data, NULL);
  server->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (server->service, "incoming", G_CALLBACK (plain_incoming), server->soup);
  g_socket_service_start (server->service);
  server->url = g_strdup_printf ("http://127.0.0.1:%u",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  return server;
}

static void
plain_server_free (PlainServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  soup_server_disconnect (server->soup);
  /* Let the closed connections go. */
  sleep_in_loop (50);
  g_object_unref (server->service);
  g_object_unref (server->soup);
  g_free (server->url);
  g_free (server);
}

/* What a plain HTTP server saw of CreateBucket. */
typedef struct {
  char     *method;
  char     *path;
  GBytes   *body;
  gboolean  done;
} Captured;

static void
capture_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  Captured *captured = data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_free (captured->method);
  g_free (captured->path);
  g_clear_pointer (&captured->body, g_bytes_unref);
  captured->method = g_strdup (soup_server_message_get_method (msg));
  captured->path = g_strdup (path);
  captured->body = soup_message_body_flatten (body);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Captured *captured = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_client_create_bucket_finish (S3DLIO_CLIENT (source), result, &error));
  g_assert_no_error (error);
  captured->done = TRUE;
}

static void
create_in_region (const char *region,
                  Captured   *captured)
{
  g_autoptr(GError) error = NULL;
  PlainServer *server = plain_server_new (capture_handler, captured);
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioClient) client = NULL;

  endpoint = s3dlio_endpoint_new (server->url, region, &error);
  g_assert_no_error (error);
  client = s3dlio_client_new (endpoint, NULL, NULL);

  /* The server runs in this thread's main context: stay asynchronous. */
  s3dlio_client_create_bucket_async (client, "regional-bucket", NULL, created_cb, captured);
  run_until (&captured->done, 30);
  g_clear_object (&client);
  plain_server_free (server);
}

static void
captured_clear (Captured *captured)
{
  g_free (captured->method);
  g_free (captured->path);
  g_clear_pointer (&captured->body, g_bytes_unref);
}

static void
test_create_bucket_region (void)
{
  Captured outside = { 0 };
  Captured inside = { 0 };
  g_autofree char *text = NULL;

  create_in_region ("eu-west-1", &outside);
  g_assert_cmpstr (outside.method, ==, "PUT");
  g_assert_cmpstr (outside.path, ==, "/regional-bucket");
  text = g_strndup (g_bytes_get_data (outside.body, NULL), g_bytes_get_size (outside.body));
  g_assert_nonnull (strstr (text, "<CreateBucketConfiguration"));
  g_assert_nonnull (strstr (text, "<LocationConstraint>eu-west-1</LocationConstraint>"));

  /* us-east-1 takes no constraint (it refuses "us-east-1"). */
  create_in_region ("us-east-1", &inside);
  g_assert_cmpstr (inside.method, ==, "PUT");
  g_assert_cmpuint (g_bytes_get_size (inside.body), ==, 0);

  captured_clear (&outside);
  captured_clear (&inside);
}

/* }}} */
/* {{{ Deletion */

static void
test_delete_one (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "one/object");
  g_autoptr(S3dlioUri) dir = s3_uri ("bucket", "one/");
  g_autoptr(S3dlioUri) missing = s3_uri ("missing-bucket", "x");

  seed (fx, "one/object");
  seed (fx, "one/other");

  g_assert_true (s3dlio_client_delete (fx->client, uri, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (object_exists (fx, "bucket", "one/object"));
  g_assert_true (object_exists (fx, "bucket", "one/other"));

  /* Gone already: still a success, as with S3. */
  g_assert_true (s3dlio_client_delete (fx->client, uri, NULL, &error));
  g_assert_no_error (error);

  /* A prefix is not deleted by mistake. */
  g_assert_false (s3dlio_client_delete (fx->client, dir, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);
  g_assert_true (object_exists (fx, "bucket", "one/other"));

  g_assert_false (s3dlio_client_delete (fx->client, missing, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
  g_assert_nonnull (strstr (error->message, "s3://missing-bucket/x"));
}

static GStrv
many_keys (const char *prefix,
           guint       n)
{
  GStrv keys = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    keys[i] = numbered_key (prefix, 5, i);
  return keys;
}

static void
test_delete_many (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) failures = NULL;
  g_auto(GStrv) keys = many_keys ("many/", 2500);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) request = NULL;
  g_autofree char *long_key = NULL;
  S3dlioDeleteFailure *failure;

  for (guint i = 0; keys[i] != NULL; i++)
    seed (fx, keys[i]);
  seed (fx, "many-kept");

  /* A key the server refuses (too long) in the second batch, and one that
   * does not exist (a success, as with S3). */
  long_key = g_strnfill (1100, 'k');
  g_strv_builder_addv (builder, (const char **) keys);
  g_strv_builder_add (builder, "many/not-there");
  g_strv_builder_add (builder, long_key);
  request = g_strv_builder_end (builder);
  {
    char *moved = request[1500];

    request[1500] = request[2501];
    request[2501] = moved;
  }

  s3dlio_server_reset_counters (fx->server);
  failures = s3dlio_client_delete_many (fx->client, "bucket", (const char *const *) request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (failures);

  /* 2502 keys: three requests of 1000, 1000 and 502. */
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 3);
  g_assert_cmpuint (count_log_lines_with (fx, "?delete"), ==, 3);

  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 1);
  failure = failure_at (failures, 0);
  g_assert_cmpstr (s3dlio_delete_failure_get_key (failure), ==, long_key);
  g_assert_error (s3dlio_delete_failure_get_error (failure), S3DLIO_ERROR, S3DLIO_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (s3dlio_delete_failure_get_error (failure)->message, "KeyTooLongError"));
  g_assert_true (g_str_has_prefix (s3dlio_delete_failure_get_error (failure)->message, "s3://bucket/kkkk"));

  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_false (object_exists (fx, "bucket", keys[i]));
  g_assert_true (object_exists (fx, "bucket", "many-kept"));

  /* Nothing to delete. */
  {
    const char *none[] = { NULL };
    g_autoptr(GListModel) empty = NULL;

    s3dlio_server_reset_counters (fx->server);
    empty = s3dlio_client_delete_many (fx->client, "bucket", none, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (empty), ==, 0);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
  }

  /* A missing bucket stops it. */
  {
    g_autoptr(GListModel) none = s3dlio_client_delete_many (fx->client, "missing-bucket",
                                                           (const char *const *) keys, NULL, &error);

    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
    g_assert_nonnull (strstr (error->message, "s3://missing-bucket"));
    g_assert_null (none);
  }
}

/* A request that fails for good on the server side fails its keys only. */
static void
test_delete_many_batch_fault (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) failures = NULL;
  g_auto(GStrv) keys = many_keys ("fault/", 2200);
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);
  g_autoptr(GHashTable) failed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; keys[i] != NULL; i++)
    seed (fx, keys[i]);

  /* One request at a time so that "the second" is well defined; the
   * second fails three times, once more than the retries. */
  s3dlio_config_set_max_inflight (fx->config, 1);
  s3dlio_config_set_max_retries (fx->config, 2);
  s3dlio_server_fault_set_method (fault, "POST");
  s3dlio_server_fault_set_status (fault, 500);
  s3dlio_server_fault_set_skip (fault, 1);
  s3dlio_server_fault_set_count (fault, 3);
  s3dlio_server_add_fault (fx->server, fault);

  failures = s3dlio_client_delete_many (fx->client, "bucket", (const char *const *) keys, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 1000);

  for (guint i = 0; i < g_list_model_get_n_items (failures); i++)
    {
      S3dlioDeleteFailure *failure = failure_at (failures, i);
      const GError *key_error = s3dlio_delete_failure_get_error (failure);

      g_assert_error (key_error, S3DLIO_ERROR, S3DLIO_ERROR_SERVER_ERROR);
      g_assert_true (g_str_has_prefix (key_error->message, "s3://bucket/fault/"));
      g_hash_table_add (failed, (gpointer) s3dlio_delete_failure_get_key (failure));
    }

  /* The keys of the second request are still there, the others gone. */
  for (guint i = 0; keys[i] != NULL; i++)
    {
      gboolean second = i >= 1000 && i < 2000;

      g_assert_cmpint (g_hash_table_contains (failed, keys[i]), ==, second);
      g_assert_cmpint (object_exists (fx, "bucket", keys[i]), ==, second);
    }
}

static void
test_delete_prefix (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "prefix/");
  g_autoptr(GListModel) failures = NULL;
  g_autoptr(S3dlioObjectList) rest = NULL;
  g_autoptr(GPtrArray) rest_keys = NULL;
  guint64 n_deleted = 0;

  seedn (fx, "prefix/", 3, 100);
  seedn (fx, "prefix/sub/", 0, 5);
  seedn (fx, "prefixed/", 0, 3);
  seedn (fx, "other/", 0, 2);

  s3dlio_server_reset_counters (fx->server);
  failures = s3dlio_client_delete_prefix (fx->client, uri, &n_deleted, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (failures);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 105);
  /* One DeleteObjects per page listed. */
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, (105 + PAGE_SIZE - 1) / PAGE_SIZE);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, (105 + PAGE_SIZE - 1) / PAGE_SIZE);

  {
    g_autoptr(S3dlioUri) root = s3_uri ("bucket", NULL);

    rest = s3dlio_client_list_all (fx->client, root, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  rest_keys = model_keys (G_LIST_MODEL (rest));
  g_assert_cmpuint (rest_keys->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (rest_keys, 0), ==, "other/0");
  g_assert_cmpstr (g_ptr_array_index (rest_keys, 2), ==, "prefixed/0");

  /* Nothing left under it: nothing to do. */
  g_clear_object (&failures);
  failures = s3dlio_client_delete_prefix (fx->client, uri, &n_deleted, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 0);
  g_assert_cmpuint (n_deleted, ==, 0);

  /* A missing bucket: the listing fails. */
  {
    g_autoptr(S3dlioUri) missing = s3_uri ("missing-bucket", "p/");
    g_autoptr(GListModel) none = s3dlio_client_delete_prefix (fx->client, missing, NULL, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_BUCKET);
  }
}

typedef struct {
  GListModel *failures;
  GError     *error;
  guint64     n_deleted;
  gboolean    done;
} Deleted;

static void
deleted_prefix_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Deleted *deleted = data;

  deleted->failures = s3dlio_client_delete_prefix_finish (S3DLIO_CLIENT (source), result,
                                                          &deleted->n_deleted, &deleted->error);
  deleted->done = TRUE;
}

typedef struct {
  S3dlioServer      *server;
  S3dlioServerFault *stall;
  GCancellable      *cancellable;
  gint64             quiet_since;
} CancelWhenStuck;

/* Cancels once the second deletion hangs and the page listed ahead
 * arrived, and nothing moved for a while: the request in flight is then
 * waiting on the server. */
static gboolean
cancel_when_stuck (gpointer data)
{
  CancelWhenStuck *when = data;

  if (s3dlio_server_fault_get_hits (when->stall) < 1 ||
      s3dlio_server_get_request_count (when->server, "GET") < 3)
    return G_SOURCE_CONTINUE;

  if (when->quiet_since == 0)
    when->quiet_since = g_get_monotonic_time ();
  else if (g_get_monotonic_time () - when->quiet_since > 500 * 1000)
    g_cancellable_cancel (when->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
test_delete_prefix_cancel (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "big/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) stall = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
  Deleted deleted = { 0 };
  CancelWhenStuck when = { fx->server, stall, cancellable, 0 };
  guint lists;
  guint poll;

  seedn (fx, "big/", 4, 700);

  /* The first deletion goes through, the next one hangs: the operation is
   * cancelled with a request in flight and a page listed ahead. (One
   * request at a time: GLib 2.74 may leak a GCancellableSource when a
   * cancellable shared by several requests is cancelled from another
   * thread.) */
  s3dlio_config_set_max_inflight (fx->config, 1);
  s3dlio_server_fault_set_method (stall, "POST");
  s3dlio_server_fault_set_skip (stall, 1);
  s3dlio_server_fault_set_stall_ms (stall, 10000);
  s3dlio_server_add_fault (fx->server, stall);

  poll = g_timeout_add (10, cancel_when_stuck, &when);
  s3dlio_client_delete_prefix_async (fx->client, uri, cancellable, deleted_prefix_cb, &deleted);
  run_until (&deleted.done, 30);
  g_source_remove (poll);

  g_assert_null (deleted.failures);
  g_assert_error (deleted.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&deleted.error);
  /* Well before the hung requests would have ended. */
  g_assert_cmpint (g_get_monotonic_time () - when.quiet_since, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (deleted.n_deleted, ==, PAGE_SIZE);
  /* One deletion hung, and one page was listed ahead. */
  g_assert_cmpuint (s3dlio_server_fault_get_hits (stall), ==, 1);
  lists = s3dlio_server_get_request_count (fx->server, "GET");
  g_assert_cmpuint (lists, ==, 3);
  g_assert_false (object_exists (fx, "bucket", "big/0000"));
  g_assert_true (object_exists (fx, "bucket", "big/0699"));

  /* Nothing more is sent. */
  sleep_in_loop (200);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "GET"), ==, lists);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (stall), ==, 1);
}

/* }}} */
/* {{{ Copy */

static void
test_copy (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const char *const sources[] = { "copy/plain", "copy/with space+plus%25?q=1#h", "copy/ünï/../x", NULL };

  g_assert_true (s3dlio_server_create_bucket (fx->server, "other-bucket", &error));
  g_assert_no_error (error);

  for (guint i = 0; sources[i] != NULL; i++)
    {
      g_autoptr(S3dlioUri) source = s3_uri ("bucket", sources[i]);
      g_autofree char *dest_key = g_strconcat (sources[i], " copy", NULL);
      g_autoptr(S3dlioUri) dest = s3_uri ("bucket", dest_key);
      g_autoptr(S3dlioUri) elsewhere = s3_uri ("other-bucket", sources[i]);
      g_autoptr(GBytes) want = content_for (sources[i]);
      g_autoptr(GBytes) got = NULL;
      g_autoptr(GBytes) got_elsewhere = NULL;

      seed (fx, sources[i]);

      g_assert_true (s3dlio_client_copy (fx->client, source, dest, NULL, &error));
      g_assert_no_error (error);
      got = s3dlio_client_get (fx->client, dest, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (got, want));

      g_assert_true (s3dlio_client_copy (fx->client, source, elsewhere, NULL, &error));
      g_assert_no_error (error);
      got_elsewhere = s3dlio_server_get_object_data (fx->server, "other-bucket", sources[i]);
      g_assert_nonnull (got_elsewhere);
      g_assert_true (g_bytes_equal (got_elsewhere, want));
      g_assert_true (object_exists (fx, "bucket", sources[i]));
    }

  /* A missing source. */
  {
    g_autoptr(S3dlioUri) missing = s3_uri ("bucket", "copy/missing");
    g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "copy/never");

    g_assert_false (s3dlio_client_copy (fx->client, missing, dest, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
    g_assert_nonnull (strstr (error->message, "s3://bucket/copy/missing"));
    g_assert_nonnull (strstr (error->message, "s3://bucket/copy/never"));
    g_clear_error (&error);
    g_assert_false (object_exists (fx, "bucket", "copy/never"));
  }

  /* Onto itself without a change: S3 refuses it. */
  {
    g_autoptr(S3dlioUri) same = s3_uri ("bucket", "copy/plain");

    g_assert_false (s3dlio_client_copy (fx->client, same, same, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_BAD_REQUEST);
    g_clear_error (&error);
  }

  /* A prefix is not an object. */
  {
    g_autoptr(S3dlioUri) dir = s3_uri ("bucket", "copy/");
    g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "copy/x");

    g_assert_false (s3dlio_client_copy (fx->client, dir, dest, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  }
}

/* A 200 whose body is an <Error>, as S3 may send for CopyObject, fails. */
static void
error_200_handler (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           data)
{
  static const char body[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>AccessDenied</Code><Message>Copy refused midway</Message>"
    "<RequestId>REQ200</RequestId></Error>";
  guint *requests = data;

  (*requests)++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, body, strlen (body));
}

typedef struct {
  GError   *error;
  gboolean  copied;
  gboolean  done;
} Copied;

static void
copied_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Copied *copied = data;

  copied->copied = s3dlio_client_copy_finish (S3DLIO_CLIENT (source), result, &copied->error);
  copied->done = TRUE;
}

static void
test_copy_error_in_200 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "a");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "b");
  Copied copied = { 0 };
  guint requests = 0;
  PlainServer *server = plain_server_new (error_200_handler, &requests);

  endpoint = s3dlio_endpoint_new (server->url, "us-east-1", &error);
  g_assert_no_error (error);
  client = s3dlio_client_new (endpoint, NULL, NULL);

  s3dlio_client_copy_async (client, source, dest, NULL, copied_cb, &copied);
  run_until (&copied.done, 30);

  g_assert_false (copied.copied);
  g_assert_error (copied.error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (copied.error->message, "Copy refused midway"));
  g_assert_nonnull (strstr (copied.error->message, "s3://bucket/a"));
  /* The HEAD that learns the size, then the CopyObject. */
  g_assert_cmpuint (requests, ==, 2);
  g_clear_error (&copied.error);
  g_clear_object (&client);
  plain_server_free (server);
}

/* Multipart copies, with parts of 64 KiB (the least upload-part-size) that
 * the server takes. */
#define COPY_PART (64 * 1024)

static void
use_small_parts (Fixture *fx,
                 guint    inflight)
{
  s3dlio_server_set_min_part_size (fx->server, COPY_PART);
  s3dlio_config_set_upload_part_size (fx->config, COPY_PART);
  s3dlio_config_set_upload_threshold (fx->config, COPY_PART);
  s3dlio_config_set_upload_inflight (fx->config, inflight);
}

static GBytes *
random_bytes (gsize   size,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;

  return g_bytes_new_take (data, size);
}

/* Stores a source with a content type and metadata, with one PUT. */
static GBytes *
seed_source (Fixture    *fx,
             const char *key,
             gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", key);
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  GBytes *data = random_bytes (size, size);
  guint64 threshold = s3dlio_config_get_upload_threshold (fx->config);

  g_hash_table_insert (metadata, "color", "blue");
  g_hash_table_insert (metadata, "shape", "round");
  s3dlio_config_set_upload_threshold (fx->config, size + 1);
  g_assert_true (s3dlio_client_put (fx->client, uri, data, "application/x-source", metadata,
                                    NULL, &error));
  g_assert_no_error (error);
  s3dlio_config_set_upload_threshold (fx->config, threshold);

  return data;
}

/* The ETag S3 gives an object made of parts of @part_size. */
static char *
multipart_etag (GBytes *data,
                gsize   part_size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  gsize size = g_bytes_get_size (data);
  const guint8 *bytes = g_bytes_get_data (data, NULL);
  guint n = 0;

  for (gsize offset = 0; offset < size; offset += part_size, n++)
    {
      g_autoptr(GChecksum) part = g_checksum_new (G_CHECKSUM_MD5);
      guint8 digest[16];
      gsize len = sizeof digest;

      g_checksum_update (part, bytes + offset, MIN (part_size, size - offset));
      g_checksum_get_digest (part, digest, &len);
      g_checksum_update (checksum, digest, len);
    }

  return g_strdup_printf ("\"%s-%u\"", g_checksum_get_string (checksum), n);
}

static void
assert_copied (Fixture    *fx,
               const char *key,
               GBytes     *want)
{
  g_autoptr(GBytes) got = s3dlio_server_get_object_data (fx->server, "bucket", key);

  g_assert_nonnull (got);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   g_bytes_get_data (want, NULL), g_bytes_get_size (want));
}

static void
test_copy_multipart (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "big/source");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "big/copy");
  g_autoptr(GBytes) content = seed_source (fx, "big/source", 4 * COPY_PART + 1000);
  g_autofree char *source_etag = s3dlio_server_get_object_etag (fx->server, "bucket", "big/source");
  g_autofree char *want_etag = multipart_etag (content, COPY_PART);
  g_autofree char *etag = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_auto(GStrv) log = NULL;

  use_small_parts (fx, 2);
  s3dlio_server_reset_counters (fx->server);

  g_assert_true (s3dlio_client_copy (fx->client, source, dest, NULL, &error));
  g_assert_no_error (error);

  assert_copied (fx, "big/copy", content);
  etag = s3dlio_server_get_object_etag (fx->server, "bucket", "big/copy");
  g_assert_cmpstr (etag, ==, want_etag);
  g_assert_true (g_str_has_suffix (etag, "-5\""));
  g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);

  /* A HEAD, CreateMultipartUpload, 5 UploadPartCopy of the right ranges
   * pinned to the source's ETag, CompleteMultipartUpload. */
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "HEAD"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 2);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 5);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 0);
  g_assert_cmpuint (count_log_lines_with (fx, "copy-range="), ==, 5);
  log = s3dlio_server_get_request_log (fx->server);
  for (guint part = 0; part < 5; part++)
    {
      g_autofree char *number = g_strdup_printf ("partNumber=%u&", part + 1);
      g_autofree char *range = g_strdup_printf (" copy-range=bytes=%u-%u copy-if-match=%s -> 200",
                                                part * COPY_PART,
                                                part < 4 ? (part + 1) * COPY_PART - 1 : 4 * COPY_PART + 999,
                                                source_etag);
      guint found = 0;

      for (guint i = 0; log[i] != NULL; i++)
        if (g_str_has_prefix (log[i], "PUT /bucket/big/copy?") &&
            strstr (log[i], number) != NULL && strstr (log[i], range) != NULL)
          found++;
      g_assert_cmpuint (found, ==, 1);
    }

  /* What describes the object came along. */
  info = s3dlio_client_stat (fx->client, dest, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_object_info_get_content_type (info), ==, "application/x-source");
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "color"), ==, "blue");
  g_assert_cmpstr (s3dlio_object_info_get_metadata_value (info, "shape"), ==, "round");

  /* To another bucket, and asynchronously with several in flight. */
  {
    g_autoptr(S3dlioUri) elsewhere = s3_uri ("other-bucket", "big/copy");
    g_autoptr(GBytes) got = NULL;

    g_assert_true (s3dlio_server_create_bucket (fx->server, "other-bucket", &error));
    g_assert_no_error (error);
    use_small_parts (fx, 8);
    g_assert_true (s3dlio_client_copy (fx->client, source, elsewhere, NULL, &error));
    g_assert_no_error (error);
    got = s3dlio_server_get_object_data (fx->server, "other-bucket", "big/copy");
    g_assert_nonnull (got);
    g_assert_true (g_bytes_equal (got, content));
  }
}

/* Below the threshold, one CopyObject after the HEAD; at the threshold, a
 * copy in one part. */
static void
test_copy_small (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) small = s3_uri ("bucket", "small/source");
  g_autoptr(S3dlioUri) small_copy = s3_uri ("bucket", "small/copy");
  g_autoptr(S3dlioUri) edge = s3_uri ("bucket", "edge/source");
  g_autoptr(S3dlioUri) edge_copy = s3_uri ("bucket", "edge/copy");
  g_autoptr(S3dlioUri) empty = s3_uri ("bucket", "empty/source");
  g_autoptr(S3dlioUri) empty_copy = s3_uri ("bucket", "empty/copy");
  g_autoptr(GBytes) small_content = seed_source (fx, "small/source", COPY_PART - 1);
  g_autoptr(GBytes) edge_content = seed_source (fx, "edge/source", COPY_PART);
  g_autoptr(GBytes) empty_content = seed_source (fx, "empty/source", 0);
  g_autofree char *etag = NULL;
  g_autofree char *source_etag = NULL;

  use_small_parts (fx, 2);

  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_copy (fx->client, small, small_copy, NULL, &error));
  g_assert_no_error (error);
  assert_copied (fx, "small/copy", small_content);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 2);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "HEAD"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 1);
  g_assert_cmpuint (count_log_lines_with (fx, "copy-range="), ==, 0);
  etag = s3dlio_server_get_object_etag (fx->server, "bucket", "small/copy");
  source_etag = s3dlio_server_get_object_etag (fx->server, "bucket", "small/source");
  g_assert_cmpstr (etag, ==, source_etag);
  g_clear_pointer (&etag, g_free);

  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_copy (fx->client, edge, edge_copy, NULL, &error));
  g_assert_no_error (error);
  assert_copied (fx, "edge/copy", edge_content);
  g_assert_cmpuint (count_log_lines_with (fx, "copy-range=bytes=0-65535 "), ==, 1);
  etag = s3dlio_server_get_object_etag (fx->server, "bucket", "edge/copy");
  g_assert_true (g_str_has_suffix (etag, "-1\""));

  /* An empty object is one CopyObject, whatever the threshold. */
  s3dlio_config_set_upload_threshold (fx->config, 0);
  s3dlio_server_reset_counters (fx->server);
  g_assert_true (s3dlio_client_copy (fx->client, empty, empty_copy, NULL, &error));
  g_assert_no_error (error);
  assert_copied (fx, "empty/copy", empty_content);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 2);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
}

/* The source is replaced after the first part: the second, pinned to the
 * old ETag, fails, and the upload is aborted. */
static void
test_copy_source_replaced (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "big/source");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "big/copy");
  g_autoptr(GBytes) content = seed_source (fx, "big/source", 3 * COPY_PART);
  g_autofree char *source_etag = s3dlio_server_get_object_etag (fx->server, "bucket", "big/source");
  g_autofree char *replaced_etag = NULL;
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_REPLACE_OBJECT);

  /* One part at a time, so that exactly the second one sees the change. */
  use_small_parts (fx, 1);
  s3dlio_server_fault_set_method (fault, "PUT");
  s3dlio_server_fault_set_key_pattern (fault, "big/copy");
  s3dlio_server_fault_set_skip (fault, 1);
  s3dlio_server_fault_set_count (fault, 1);
  s3dlio_server_add_fault (fx->server, fault);
  s3dlio_server_reset_counters (fx->server);

  g_assert_false (s3dlio_client_copy (fx->client, source, dest, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED);
  g_assert_nonnull (strstr (error->message, "s3://bucket/big/source"));
  g_assert_nonnull (strstr (error->message, "s3://bucket/big/copy"));
  g_assert_nonnull (strstr (error->message, "part 2"));
  g_assert_nonnull (strstr (error->message, source_etag));
  g_test_message ("%s", error->message);

  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
  replaced_etag = s3dlio_server_get_object_etag (fx->server, "bucket", "big/source");
  g_assert_cmpstr (replaced_etag, !=, source_etag);
  g_assert_false (object_exists (fx, "bucket", "big/copy"));
  g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
  g_assert_cmpuint (count_log_lines_with (fx, "-> 412"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 2);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
}

/* A part refused for good fails the copy and aborts the upload; one that
 * fails transiently is retried. */
static void
test_copy_part_fails (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "big/source");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "big/copy");
  g_autoptr(GBytes) content = seed_source (fx, "big/source", 5 * COPY_PART + 10);

  use_small_parts (fx, 3);

  {
    g_autoptr(S3dlioServerFault) denied = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);

    s3dlio_server_fault_set_method (denied, "PUT");
    s3dlio_server_fault_set_skip (denied, 2);
    s3dlio_server_fault_set_count (denied, 1);
    s3dlio_server_fault_set_status (denied, 403);
    s3dlio_server_fault_set_s3_code (denied, "AccessDenied");
    s3dlio_server_add_fault (fx->server, denied);
    s3dlio_server_reset_counters (fx->server);

    g_assert_false (s3dlio_client_copy (fx->client, source, dest, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
    g_assert_nonnull (strstr (error->message, "s3://bucket/big/copy"));
    g_assert_nonnull (strstr (error->message, "part "));
    g_assert_null (strstr (error->message, "could not be aborted"));
    g_clear_error (&error);

    g_assert_cmpuint (s3dlio_server_fault_get_hits (denied), ==, 1);
    g_assert_false (object_exists (fx, "bucket", "big/copy"));
    g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
    s3dlio_server_clear_faults (fx->server);
  }

  {
    g_autoptr(S3dlioServerFault) slow_down = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);

    s3dlio_server_fault_set_method (slow_down, "PUT");
    s3dlio_server_fault_set_skip (slow_down, 1);
    s3dlio_server_fault_set_count (slow_down, 2);
    s3dlio_server_fault_set_status (slow_down, 503);
    s3dlio_server_add_fault (fx->server, slow_down);
    s3dlio_server_reset_counters (fx->server);

    g_assert_true (s3dlio_client_copy (fx->client, source, dest, NULL, &error));
    g_assert_no_error (error);
    assert_copied (fx, "big/copy", content);
    g_assert_cmpuint (s3dlio_server_fault_get_hits (slow_down), ==, 2);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 6 + 2);
    g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
  }

  /* A source that goes missing: no upload is made. */
  {
    g_autoptr(S3dlioUri) missing = s3_uri ("bucket", "big/missing");

    s3dlio_server_reset_counters (fx->server);
    g_assert_false (s3dlio_client_copy (fx->client, missing, dest, NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY);
    g_clear_error (&error);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, NULL), ==, 1);
  }
}

typedef struct {
  S3dlioServer      *server;
  S3dlioServerFault *stall;
  GCancellable      *cancellable;
  gint64             quiet_since;
} CancelCopy;

/* Cancels once the second part hangs and nothing moved for a while. */
static gboolean
cancel_copy_when_stuck (gpointer data)
{
  CancelCopy *when = data;

  if (s3dlio_server_fault_get_hits (when->stall) < 1)
    return G_SOURCE_CONTINUE;

  if (when->quiet_since == 0)
    when->quiet_since = g_get_monotonic_time ();
  else if (g_get_monotonic_time () - when->quiet_since > 300 * 1000)
    g_cancellable_cancel (when->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
test_copy_cancel (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "big/source");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "big/copy");
  g_autoptr(GBytes) content = seed_source (fx, "big/source", 4 * COPY_PART);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(S3dlioServerFault) stall = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
  CancelCopy when = { fx->server, stall, cancellable, 0 };
  Copied copied = { 0 };
  guint poll;

  /* One part at a time (GLib 2.74 may leak a GCancellableSource when a
   * cancellable shared by several requests is cancelled from another
   * thread); the second part hangs. */
  use_small_parts (fx, 1);
  s3dlio_server_fault_set_method (stall, "PUT");
  s3dlio_server_fault_set_skip (stall, 1);
  s3dlio_server_fault_set_stall_ms (stall, 10000);
  s3dlio_server_add_fault (fx->server, stall);
  s3dlio_server_reset_counters (fx->server);

  poll = g_timeout_add (10, cancel_copy_when_stuck, &when);
  s3dlio_client_copy_async (fx->client, source, dest, cancellable, copied_cb, &copied);
  run_until (&copied.done, 30);
  g_source_remove (poll);

  g_assert_false (copied.copied);
  g_assert_error (copied.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&copied.error);
  /* Well before the hung part would have ended; aborted before returning. */
  g_assert_cmpint (g_get_monotonic_time () - when.quiet_since, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "DELETE"), ==, 1);
  g_assert_false (object_exists (fx, "bucket", "big/copy"));

  /* Nothing more is sent. */
  sleep_in_loop (200);
  g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "PUT"), ==, 2);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (stall), ==, 1);

  /* Cancelled before it starts: nothing is created. */
  {
    g_autoptr(GCancellable) cancelled = g_cancellable_new ();
    Copied early = { 0 };

    s3dlio_server_clear_faults (fx->server);
    s3dlio_server_reset_counters (fx->server);
    g_cancellable_cancel (cancelled);
    s3dlio_client_copy_async (fx->client, source, dest, cancelled, copied_cb, &early);
    run_until (&early.done, 30);
    g_assert_error (early.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&early.error);
    g_assert_cmpuint (s3dlio_server_get_request_count (fx->server, "POST"), ==, 0);
    g_assert_cmpuint (s3dlio_server_get_upload_count (fx->server, NULL), ==, 0);
  }
}

static void
test_copy_part_size (void)
{
  const guint64 MiB = 1024 * 1024;
  const guint64 GiB = 1024 * MiB;

  g_assert_cmpuint (_s3dlio_multipart_part_size (10 * GiB, 8 * MiB), ==, 8 * MiB);
  g_assert_cmpuint (_s3dlio_multipart_part_size (10000 * 8 * MiB, 8 * MiB), ==, 8 * MiB);
  g_assert_cmpuint (_s3dlio_multipart_part_size (10000 * 8 * MiB + 1, 8 * MiB), ==, 9 * MiB);
  g_assert_cmpuint (_s3dlio_multipart_part_size (100 * GiB, 8 * MiB), ==, 11 * MiB);
  /* The largest S3 object, 5 TiB, fits in 10000 parts of 525 MiB. */
  g_assert_cmpuint (_s3dlio_multipart_part_size (5 * 1024 * GiB, 5 * MiB), ==, 525 * MiB);
  g_assert_cmpuint (5 * 1024 * GiB / (525 * MiB), <, 10000);
  /* Parts are never above 5 GiB. */
  g_assert_cmpuint (_s3dlio_multipart_part_size (1, 6 * GiB), ==, 5 * GiB);
  g_assert_cmpuint (_s3dlio_multipart_part_size (10000 * 5 * GiB, MiB), ==, 5 * GiB);
  g_assert_cmpuint (_s3dlio_multipart_part_size (10000 * 5 * GiB + 1, MiB), ==, 0);
}

typedef struct {
  guint heads;
  guint creates;
  guint parts;
  guint aborts;
} MultipartCalls;

/* A multipart copy whose parts are answered 200 with an <Error>: first
 * InternalError (retried), then AccessDenied (not). */
static void
multipart_error_200_handler (SoupServer        *server,
                             SoupServerMessage *msg,
                             const char        *path,
                             GHashTable        *query,
                             gpointer           data)
{
  MultipartCalls *calls = data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *body = NULL;

  if (strcmp (method, "HEAD") == 0)
    {
      calls->heads++;
      soup_message_headers_set_content_length (headers, COPY_PART);
      soup_message_headers_replace (headers, "ETag", "\"0123456789abcdef0123456789abcdef\"");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      return;
    }
  if (strcmp (method, "POST") == 0 &&
      g_strcmp0 (g_uri_get_query (soup_server_message_get_uri (msg)), "uploads") == 0)
    {
      calls->creates++;
      body = "<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>b</Key>"
             "<UploadId>UPLOAD-1</UploadId></InitiateMultipartUploadResult>";
    }
  else if (strcmp (method, "PUT") == 0)
    {
      g_assert_cmpstr (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "x-amz-copy-source-if-match"),
                       ==, "\"0123456789abcdef0123456789abcdef\"");
      body = calls->parts++ == 0
        ? "<Error><Code>InternalError</Code><Message>Try again</Message></Error>"
        : "<Error><Code>AccessDenied</Code><Message>Part copy refused midway</Message></Error>";
    }
  else if (strcmp (method, "DELETE") == 0)
    {
      calls->aborts++;
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
test_copy_multipart_error_in_200 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
  g_autoptr(S3dlioClient) client = NULL;
  g_autoptr(S3dlioUri) source = s3_uri ("bucket", "a");
  g_autoptr(S3dlioUri) dest = s3_uri ("bucket", "b");
  Copied copied = { 0 };
  MultipartCalls calls = { 0 };
  PlainServer *server = plain_server_new (multipart_error_200_handler, &calls);

  endpoint = s3dlio_endpoint_new (server->url, "us-east-1", &error);
  g_assert_no_error (error);
  s3dlio_config_set_upload_part_size (config, COPY_PART);
  s3dlio_config_set_upload_threshold (config, COPY_PART);
  s3dlio_config_set_max_retries (config, 3);
  client = s3dlio_client_new (endpoint, NULL, config);

  s3dlio_client_copy_async (client, source, dest, NULL, copied_cb, &copied);
  run_until (&copied.done, 30);

  g_assert_false (copied.copied);
  g_assert_error (copied.error, S3DLIO_ERROR, S3DLIO_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (copied.error->message, "Part copy refused midway"));
  g_assert_nonnull (strstr (copied.error->message, "part 1"));
  g_assert_cmpuint (calls.heads, ==, 1);
  g_assert_cmpuint (calls.creates, ==, 1);
  g_assert_cmpuint (calls.parts, ==, 2);
  g_assert_cmpuint (calls.aborts, ==, 1);
  g_clear_error (&copied.error);
  g_clear_object (&client);
  plain_server_free (server);
}

/* }}} */
/* {{{ Presigned URLs */

static void
test_presign (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3_uri ("bucket", "presigned/file name+1.txt");
  g_autoptr(S3dlioUri) upload = s3_uri ("bucket", "presigned/upload");
  g_autoptr(GBytes) want = content_for ("presigned/file name+1.txt");
  g_autoptr(GBytes) got = NULL;
  g_autofree char *url = NULL;
  g_autofree char *put_url = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *short_url = NULL;
  char *signature;

  seed (fx, "presigned/file name+1.txt");

  url = s3dlio_client_presign (fx->client, uri, "GET", 600, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (url, "X-Amz-Expires=600"));
  g_assert_nonnull (strstr (url, "X-Amz-Signature="));
  g_assert_null (strstr (url, "objects-secret-key-do-not-print"));

  /* Any HTTP client, no credentials. */
  g_assert_cmpuint (s3dlio_test_fetch ("GET", url, NULL, &got), ==, 200);
  g_assert_true (g_bytes_equal (got, want));
  g_clear_pointer (&got, g_bytes_unref);

  /* Not for another method. */
  g_assert_cmpuint (s3dlio_test_fetch ("DELETE", url, NULL, NULL), ==, 403);
  g_assert_true (object_exists (fx, "bucket", "presigned/file name+1.txt"));

  /* Tampered: another signature, or another key. */
  tampered = g_strdup (url);
  signature = strstr (tampered, "X-Amz-Signature=") + strlen ("X-Amz-Signature=");
  signature[0] = signature[0] == 'a' ? 'b' : 'a';
  g_assert_cmpuint (s3dlio_test_fetch ("GET", tampered, NULL, &got), ==, 403);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "SignatureDoesNotMatch"));
  g_clear_pointer (&got, g_bytes_unref);
  g_free (tampered);
  {
    g_autoptr(GString) other = g_string_new (url);

    g_string_replace (other, "file%20name", "file%20nome", 1);
    tampered = g_string_free (g_steal_pointer (&other), FALSE);
  }
  g_assert_cmpstr (tampered, !=, url);
  g_assert_cmpuint (s3dlio_test_fetch ("GET", tampered, NULL, NULL), ==, 403);

  /* PUT. */
  put_url = s3dlio_client_presign (fx->client, upload, "PUT", 60, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_test_fetch ("PUT", put_url, want, NULL), ==, 200);
  got = s3dlio_server_get_object_data (fx->server, "bucket", "presigned/upload");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, want));

  /* Expired. */
  short_url = s3dlio_client_presign (fx->client, uri, "GET", 1, &error);
  g_assert_no_error (error);
  g_usleep (2100 * 1000);
  g_clear_pointer (&got, g_bytes_unref);
  g_assert_cmpuint (s3dlio_test_fetch ("GET", short_url, NULL, &got), ==, 403);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "AccessDenied"));

  /* What cannot be presigned. */
  g_assert_null (s3dlio_client_presign (fx->client, uri, "GET", 0, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (s3dlio_client_presign (fx->client, uri, "GET", 604801, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (s3dlio_client_presign (fx->client, uri, "PATCH", 60, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "s3://bucket/presigned/file name+1.txt"));
  g_clear_error (&error);
  {
    g_autoptr(S3dlioUri) dir = s3_uri ("bucket", "presigned/");

    g_assert_null (s3dlio_client_presign (fx->client, dir, "GET", 60, &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/objects/list/flat", test_list_flat);
  ADD ("/objects/list/delimiter", test_list_delimiter);
  ADD ("/objects/list/pages-arrive", test_list_pages_arrive);
  ADD ("/objects/list/all-async", test_list_all_async);
  ADD ("/objects/list/start-after", test_list_start_after);
  ADD ("/objects/list/cancel", test_list_cancel);
  ADD ("/objects/list/dropped", test_list_dropped);
  ADD ("/objects/list/foreach", test_list_foreach);
  ADD ("/objects/list/errors", test_list_errors);
  ADD ("/objects/bad-credentials", test_bad_credentials);
  ADD ("/objects/special-keys", test_special_keys);
  ADD ("/objects/control-keys", test_control_keys);
  ADD ("/objects/buckets", test_buckets);
  g_test_add_func ("/objects/buckets/region", test_create_bucket_region);
  ADD ("/objects/delete/one", test_delete_one);
  ADD ("/objects/delete/many", test_delete_many);
  ADD ("/objects/delete/many-batch-fault", test_delete_many_batch_fault);
  ADD ("/objects/delete/prefix", test_delete_prefix);
  ADD ("/objects/delete/prefix-cancel", test_delete_prefix_cancel);
  ADD ("/objects/copy", test_copy);
  g_test_add_func ("/objects/copy/error-in-200", test_copy_error_in_200);
  g_test_add_func ("/objects/copy/part-size", test_copy_part_size);
  ADD ("/objects/copy/multipart", test_copy_multipart);
  ADD ("/objects/copy/small", test_copy_small);
  ADD ("/objects/copy/source-replaced", test_copy_source_replaced);
  ADD ("/objects/copy/part-fails", test_copy_part_fails);
  ADD ("/objects/copy/cancel", test_copy_cancel);
  g_test_add_func ("/objects/copy/multipart-error-in-200", test_copy_multipart_error_in_200);
  ADD ("/objects/presign", test_presign);

  return g_test_run ();
}
