/* s3dlio-client-list.c: listing objects (ListObjectsV2)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-client-list-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error.h"
#include "s3dlio-xml-private.h"

/* {{{ The pager */

struct _S3dlioListPager
{
  S3dlioClient *client;
  S3dlioUri    *uri;
  char         *delimiter;
  char         *start_after;
  guint         max_keys;

  char         *token;       /* the NextContinuationToken of the last page */
  gboolean      done;
  gboolean      in_flight;
};

S3dlioListPager *
_s3dlio_list_pager_new (S3dlioClient *client,
                        S3dlioUri    *uri,
                        const char   *delimiter,
                        const char   *start_after,
                        guint         max_keys)
{
  S3dlioListPager *pager = g_rc_box_new0 (S3dlioListPager);

  pager->client = g_object_ref (client);
  pager->uri = g_object_ref (uri);
  /* An empty delimiter or start-after means none, as S3 takes it. */
  pager->delimiter = delimiter != NULL && *delimiter != '\0' ? g_strdup (delimiter) : NULL;
  pager->start_after = start_after != NULL && *start_after != '\0' ? g_strdup (start_after) : NULL;
  pager->max_keys = max_keys;

  return pager;
}

S3dlioListPager *
_s3dlio_list_pager_ref (S3dlioListPager *pager)
{
  return g_rc_box_acquire (pager);
}

static void
list_pager_clear (gpointer data)
{
  S3dlioListPager *pager = data;

  g_clear_object (&pager->client);
  g_clear_object (&pager->uri);
  g_clear_pointer (&pager->delimiter, g_free);
  g_clear_pointer (&pager->start_after, g_free);
  g_clear_pointer (&pager->token, g_free);
}

void
_s3dlio_list_pager_unref (S3dlioListPager *pager)
{
  g_rc_box_release_full (pager, list_pager_clear);
}

gboolean
_s3dlio_list_pager_is_done (S3dlioListPager *pager)
{
  return pager->done;
}

static S3dlioRequest *
list_pager_new_request (S3dlioListPager *pager)
{
  S3dlioRequest *request;
  const char *prefix = s3dlio_uri_get_key (pager->uri);

  request = _s3dlio_client_new_request (pager->client, "GET", s3dlio_uri_get_bucket (pager->uri), NULL);
  s3dlio_request_add_query (request, "list-type", "2");
  /* Keys may hold characters XML 1.0 cannot carry: S3 escapes them all
   * when asked, and the parser decodes them. */
  s3dlio_request_add_query (request, "encoding-type", "url");
  if (prefix != NULL && *prefix != '\0')
    s3dlio_request_add_query (request, "prefix", prefix);
  if (pager->delimiter != NULL)
    s3dlio_request_add_query (request, "delimiter", pager->delimiter);
  if (pager->max_keys > 0)
    {
      g_autofree char *max_keys = g_strdup_printf ("%u", pager->max_keys);

      s3dlio_request_add_query (request, "max-keys", max_keys);
    }
  if (pager->token != NULL)
    s3dlio_request_add_query (request, "continuation-token", pager->token);
  else if (pager->start_after != NULL)
    s3dlio_request_add_query (request, "start-after", pager->start_after);

  return request;
}

/* S3 pages through keys and common prefixes as one sequence in UTF-8 byte
 * order, but sends each page's keys and prefixes apart: merged back, the
 * pages follow each other in order. */
static GPtrArray *
merge_page (S3dlioListPage *page)
{
  GPtrArray *objects = page->objects;
  GPtrArray *prefixes = page->common_prefixes;
  GPtrArray *items = g_ptr_array_new_full (objects->len + prefixes->len, g_object_unref);
  guint i = 0, j = 0;

  while (i < objects->len || j < prefixes->len)
    {
      gboolean take_object;

      if (i == objects->len)
        take_object = FALSE;
      else if (j == prefixes->len)
        take_object = TRUE;
      else
        take_object = strcmp (s3dlio_object_info_get_key (g_ptr_array_index (objects, i)),
                              s3dlio_object_info_get_key (g_ptr_array_index (prefixes, j))) < 0;

      if (take_object)
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (objects, i++)));
      else
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (prefixes, j++)));
    }

  return items;
}

/* Takes the continuation token of @page. A truncated page must carry a new
 * token: without one the listing could never end. */
static gboolean
list_pager_advance (S3dlioListPager  *pager,
                    S3dlioListPage   *page,
                    GError          **error)
{
  if (!page->is_truncated)
    {
      pager->done = TRUE;
      return TRUE;
    }

  if (page->next_continuation_token == NULL || *page->next_continuation_token == '\0' ||
      g_strcmp0 (page->next_continuation_token, pager->token) == 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("ListObjectsV2 answered a truncated page without a new NextContinuationToken"));
      return FALSE;
    }

  g_free (pager->token);
  pager->token = g_steal_pointer (&page->next_continuation_token);
  return TRUE;
}

static void
list_pager_page_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  S3dlioListPager *pager = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioListPage) page = NULL;
  GError *error = NULL;

  pager->in_flight = FALSE;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  if (response != NULL)
    page = _s3dlio_xml_parse_list_objects (g_bytes_get_data (response->body, NULL),
                                           g_bytes_get_size (response->body), &error);
  if (page == NULL || !list_pager_advance (pager, page, &error))
    {
      g_autofree char *text = s3dlio_uri_to_string (pager->uri);

      g_prefix_error (&error, "%s: ", text);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, merge_page (page), (GDestroyNotify) g_ptr_array_unref);
}

void
_s3dlio_list_pager_next_async (S3dlioListPager     *pager,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(S3dlioRequest) request = NULL;

  g_return_if_fail (!pager->in_flight);
  g_return_if_fail (!pager->done);

  task = g_task_new (pager->client, cancellable, callback, user_data);
  g_task_set_source_tag (task, _s3dlio_list_pager_next_async);
  g_task_set_task_data (task, _s3dlio_list_pager_ref (pager),
                        (GDestroyNotify) _s3dlio_list_pager_unref);

  if (g_task_return_error_if_cancelled (task))
    return;

  pager->in_flight = TRUE;
  request = list_pager_new_request (pager);
  _s3dlio_client_send_async (pager->client, request, cancellable, list_pager_page_cb,
                             g_steal_pointer (&task));
}

GPtrArray *
_s3dlio_list_pager_next_finish (S3dlioListPager  *pager,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, pager->client), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */
/* {{{ The model */

gboolean
_s3dlio_list_check_uri (S3dlioUri  *uri,
                        GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3)
    return TRUE;

  text = s3dlio_uri_to_string (uri);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("%s: not an S3 location (an s3:// URI is needed)"), text);
  return FALSE;
}

/**
 * s3dlio_client_list:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix to list: the key of @uri is the prefix,
 *   taken literally (`s3://bucket/photos/` lists what is under `photos/`,
 *   `s3://bucket/photos` also `photos.txt`)
 * @delimiter: (nullable): a delimiter such as `/` to roll keys up into
 *   common prefixes (shown as directories), or %NULL to list every key
 *   under the prefix
 * @cancellable: (nullable): a #GCancellable to stop the listing
 *
 * Starts listing objects and returns the list at once, still empty. It
 * fills page by page as the responses arrive, emitting
 * [signal@Gio.ListModel::items-changed] in the thread-default main context
 * of the caller, so a list view shows the first page right away. Watch
 * [property@S3dlio.ObjectList:loading] to know when it is done, and
 * [property@S3dlio.ObjectList:error] for why it stopped short.
 *
 * Dropping the last reference to the list stops the listing.
 *
 * Returns: (transfer full): the list, loading
 */
S3dlioObjectList *
s3dlio_client_list (S3dlioClient *self,
                    S3dlioUri    *uri,
                    const char   *delimiter,
                    GCancellable *cancellable)
{
  S3dlioObjectList *list;

  g_return_val_if_fail (S3DLIO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  list = s3dlio_object_list_new (self, uri, delimiter);
  s3dlio_object_list_load_async (list, cancellable, NULL, NULL);

  return list;
}

static void
list_all_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  S3dlioObjectList *list = S3DLIO_OBJECT_LIST (source);
  GError *error = NULL;

  if (!s3dlio_object_list_load_finish (list, result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (list), g_object_unref);
}

/**
 * s3dlio_client_list_all_async:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix to list, as for [method@S3dlio.Client.list]
 * @delimiter: (nullable): a delimiter such as `/`, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the listing is complete or failed
 * @user_data: data for @callback
 *
 * Lists objects like [method@S3dlio.Client.list], and calls @callback
 * once the last page arrived.
 */
void
s3dlio_client_list_all_async (S3dlioClient        *self,
                              S3dlioUri           *uri,
                              const char          *delimiter,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(S3dlioObjectList) list = NULL;
  GTask *task;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_list_all_async);

  list = s3dlio_object_list_new (self, uri, delimiter);
  s3dlio_object_list_load_async (list, cancellable, list_all_cb, task);
}

/**
 * s3dlio_client_list_all_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.list_all_async].
 *
 * Returns: (transfer full): the complete list, or %NULL with @error set
 *   (%S3DLIO_ERROR_NO_SUCH_BUCKET for a missing bucket)
 */
S3dlioObjectList *
s3dlio_client_list_all_finish (S3dlioClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  S3dlioClient   *client;
  S3dlioUri      *uri;
  const char     *delimiter;
  const char     *start_after;
  S3dlioListFunc  func;
  gpointer        func_data;
  GCancellable   *cancellable;
} ListSyncArgs;

static void
start_list_all (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  ListSyncArgs *args = data;

  s3dlio_client_list_all_async (args->client, args->uri, args->delimiter, args->cancellable,
                                callback, user_data);
}

/**
 * s3dlio_client_list_all:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix to list, as for [method@S3dlio.Client.list]
 * @delimiter: (nullable): a delimiter such as `/`, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.list_all_async].
 *
 * Returns: (transfer full): the complete list, or %NULL with @error set
 */
S3dlioObjectList *
s3dlio_client_list_all (S3dlioClient  *self,
                        S3dlioUri     *uri,
                        const char    *delimiter,
                        GCancellable  *cancellable,
                        GError       **error)
{
  ListSyncArgs args = { self, uri, delimiter, NULL, NULL, NULL, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_list_all, &args);

  return s3dlio_client_list_all_finish (self, result, error);
}

/* }}} */
/* {{{ Walking keys */

typedef struct {
  S3dlioListPager *pager;
  S3dlioListFunc   func;
  gpointer         func_data;
  GDestroyNotify   func_notify;
} ForeachData;

static void
foreach_data_free (gpointer data)
{
  ForeachData *foreach = data;

  g_clear_pointer (&foreach->pager, _s3dlio_list_pager_unref);
  if (foreach->func_notify != NULL)
    foreach->func_notify (foreach->func_data);
  g_free (foreach);
}

static void
foreach_page_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  ForeachData *foreach = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  items = _s3dlio_list_pager_next_finish (foreach->pager, result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    if (!foreach->func (g_ptr_array_index (items, i), foreach->func_data))
      {
        g_task_return_boolean (task, TRUE);
        return;
      }

  /* The page is freed before the next one is asked for. */
  g_clear_pointer (&items, g_ptr_array_unref);

  if (_s3dlio_list_pager_is_done (foreach->pager))
    {
      g_task_return_boolean (task, TRUE);
    }
  else if (!g_task_return_error_if_cancelled (task))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      _s3dlio_list_pager_next_async (foreach->pager, cancellable, foreach_page_cb,
                                     g_steal_pointer (&task));
    }
}

/**
 * s3dlio_client_list_foreach_async:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix to list, as for [method@S3dlio.Client.list]
 * @delimiter: (nullable): a delimiter such as `/`, or %NULL
 * @start_after: (nullable): list only the keys after this one, or %NULL
 * @func: (scope notified) (closure func_data) (destroy func_notify): called
 *   for each object and common prefix, in key order
 * @func_data: data for @func
 * @func_notify: (nullable): frees @func_data once the listing ended
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called when the listing
 *   ended
 * @user_data: data for @callback
 *
 * Walks a listing of any size in bounded memory: one page is fetched at a
 * time, handed to @func item by item in the caller's thread-default main
 * context, and freed before the next page is asked for. Keep a reference
 * to an item to keep it.
 *
 * When @func returns %FALSE, no further page is fetched and the operation
 * succeeds.
 */
void
s3dlio_client_list_foreach_async (S3dlioClient        *self,
                                  S3dlioUri           *uri,
                                  const char          *delimiter,
                                  const char          *start_after,
                                  S3dlioListFunc       func,
                                  gpointer             func_data,
                                  GDestroyNotify       func_notify,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ForeachData *foreach;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_list_foreach_async);

  foreach = g_new0 (ForeachData, 1);
  foreach->func = func;
  foreach->func_data = func_data;
  foreach->func_notify = func_notify;
  g_task_set_task_data (task, foreach, foreach_data_free);

  if (!_s3dlio_list_check_uri (uri, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  foreach->pager = _s3dlio_list_pager_new (self, uri, delimiter, start_after, 0);
  _s3dlio_list_pager_next_async (foreach->pager, cancellable, foreach_page_cb,
                                 g_steal_pointer (&task));
}

/**
 * s3dlio_client_list_foreach_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.list_foreach_async].
 *
 * Returns: %TRUE if the listing reached its end or was stopped by the
 *   function, %FALSE with @error set otherwise
 */
gboolean
s3dlio_client_list_foreach_finish (S3dlioClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_list_foreach (gpointer            data,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  ListSyncArgs *args = data;

  s3dlio_client_list_foreach_async (args->client, args->uri, args->delimiter, args->start_after,
                                    args->func, args->func_data, NULL, args->cancellable,
                                    callback, user_data);
}

/**
 * s3dlio_client_list_foreach:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix to list, as for [method@S3dlio.Client.list]
 * @delimiter: (nullable): a delimiter such as `/`, or %NULL
 * @start_after: (nullable): list only the keys after this one, or %NULL
 * @func: (scope call) (closure user_data): called for each object and
 *   common prefix, in key order
 * @user_data: data for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.list_foreach_async]: @func
 * is called in the calling thread.
 *
 * Returns: %TRUE if the listing reached its end or was stopped by the
 *   function, %FALSE with @error set otherwise
 */
gboolean
s3dlio_client_list_foreach (S3dlioClient    *self,
                            S3dlioUri       *uri,
                            const char      *delimiter,
                            const char      *start_after,
                            S3dlioListFunc   func,
                            gpointer         user_data,
                            GCancellable    *cancellable,
                            GError         **error)
{
  ListSyncArgs args = { self, uri, delimiter, start_after, func, user_data, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_list_foreach, &args);

  return s3dlio_client_list_foreach_finish (self, result, error);
}

/* }}} */
