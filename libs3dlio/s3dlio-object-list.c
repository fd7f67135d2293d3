/* s3dlio-object-list.c: a listing that fills page by page
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-client-list-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-object-list.h"

/**
 * S3dlioObjectList:
 *
 * The objects under a prefix, as a [iface@Gio.ListModel] of
 * [class@S3dlio.ObjectInfo] that fills page by page as ListObjectsV2
 * responses arrive.
 *
 * Items are in key order (UTF-8 byte order, as S3 lists them). With a
 * delimiter, the keys under a common prefix are rolled up into one item
 * whose [property@S3dlio.ObjectInfo:is-prefix] is set and whose key is the
 * common prefix, `photos/2024/` for instance: a directory.
 *
 * Loading starts with [method@S3dlio.ObjectList.load_async] (or is started
 * by [method@S3dlio.Client.list]). Pages are fetched one after the other,
 * one request in flight at a time, following the continuation tokens; each
 * page is appended with one [signal@Gio.ListModel::items-changed] in the
 * thread-default main context of the thread that started the loading, so
 * a list view shows the first page at once while the rest arrive. When
 * loading ends, [property@S3dlio.ObjectList:loading] turns %FALSE and
 * either [property@S3dlio.ObjectList:complete] turns %TRUE or
 * [property@S3dlio.ObjectList:error] says why it stopped; the items loaded
 * so far stay.
 *
 * Loading stops when the cancellable given to it is cancelled, with
 * [method@S3dlio.ObjectList.cancel], or when the list is finalized.
 *
 * The whole listing is kept in memory. To walk a huge listing in bounded
 * memory, use [method@S3dlio.Client.list_foreach_async].
 */

struct _S3dlioObjectList
{
  GObject          parent_instance;

  S3dlioClient    *client;
  S3dlioUri       *uri;
  char            *delimiter;
  char            *start_after;
  guint            page_size;

  GPtrArray       *items;         /* S3dlioObjectInfo */
  guint            n_pages;
  gboolean         started;
  gboolean         loading;
  gboolean         complete;
  GError          *error;

  S3dlioListPager *pager;
  GMainContext    *context;       /* where the listing was started */
  GCancellable    *cancellable;   /* stops the listing */
  GArray          *cancel_links;  /* CancelLink: the callers' cancellables */
  GPtrArray       *waiters;       /* GTask, returned when loading ends */
};

static void s3dlio_object_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (S3dlioObjectList, s3dlio_object_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      s3dlio_object_list_list_model_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_URI,
  PROP_DELIMITER,
  PROP_START_AFTER,
  PROP_PAGE_SIZE,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_N_PAGES,
  PROP_N_ITEMS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  GCancellable *cancellable;
  gulong        handler;
} CancelLink;

/* {{{ GListModel */

static GType
s3dlio_object_list_get_item_type (GListModel *model)
{
  return S3DLIO_TYPE_OBJECT_INFO;
}

static guint
s3dlio_object_list_get_n_items (GListModel *model)
{
  S3dlioObjectList *self = S3DLIO_OBJECT_LIST (model);

  return self->items->len;
}

static gpointer
s3dlio_object_list_get_item (GListModel *model,
                             guint       position)
{
  S3dlioObjectList *self = S3DLIO_OBJECT_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
s3dlio_object_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = s3dlio_object_list_get_item_type;
  iface->get_n_items = s3dlio_object_list_get_n_items;
  iface->get_item = s3dlio_object_list_get_item;
}

/* }}} */
/* {{{ GObject */

static void
unlink_cancellables (S3dlioObjectList *self)
{
  for (guint i = 0; i < self->cancel_links->len; i++)
    {
      CancelLink *link = &g_array_index (self->cancel_links, CancelLink, i);

      g_cancellable_disconnect (link->cancellable, link->handler);
      g_object_unref (link->cancellable);
    }
  g_array_set_size (self->cancel_links, 0);
}

static void
s3dlio_object_list_dispose (GObject *object)
{
  S3dlioObjectList *self = (S3dlioObjectList *) object;

  /* A page in flight finds the list gone and fetches no more. */
  g_cancellable_cancel (self->cancellable);
  unlink_cancellables (self);
  g_clear_pointer (&self->pager, _s3dlio_list_pager_unref);

  G_OBJECT_CLASS (s3dlio_object_list_parent_class)->dispose (object);
}

static void
s3dlio_object_list_finalize (GObject *object)
{
  S3dlioObjectList *self = (S3dlioObjectList *) object;

  /* Every waiter holds a reference: none can be left. */
  g_assert (self->waiters->len == 0);

  g_clear_object (&self->client);
  g_clear_object (&self->uri);
  g_clear_pointer (&self->delimiter, g_free);
  g_clear_pointer (&self->start_after, g_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->cancel_links, g_array_unref);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (s3dlio_object_list_parent_class)->finalize (object);
}

static void
s3dlio_object_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  S3dlioObjectList *self = S3DLIO_OBJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_URI:
      g_value_set_object (value, self->uri);
      break;
    case PROP_DELIMITER:
      g_value_set_string (value, self->delimiter);
      break;
    case PROP_START_AFTER:
      g_value_set_string (value, self->start_after);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_object_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  S3dlioObjectList *self = S3DLIO_OBJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_URI:
      self->uri = g_value_dup_object (value);
      break;
    case PROP_DELIMITER:
      g_free (self->delimiter);
      self->delimiter = g_value_dup_string (value);
      break;
    case PROP_START_AFTER:
      s3dlio_object_list_set_start_after (self, g_value_get_string (value));
      break;
    case PROP_PAGE_SIZE:
      s3dlio_object_list_set_page_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_object_list_constructed (GObject *object)
{
  S3dlioObjectList *self = S3DLIO_OBJECT_LIST (object);

  G_OBJECT_CLASS (s3dlio_object_list_parent_class)->constructed (object);

  g_return_if_fail (S3DLIO_IS_CLIENT (self->client));
  g_return_if_fail (S3DLIO_IS_URI (self->uri));
}

static void
s3dlio_object_list_class_init (S3dlioObjectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = s3dlio_object_list_constructed;
  object_class->dispose = s3dlio_object_list_dispose;
  object_class->finalize = s3dlio_object_list_finalize;
  object_class->get_property = s3dlio_object_list_get_property;
  object_class->set_property = s3dlio_object_list_set_property;

  /**
   * S3dlioObjectList:client:
   *
   * The client the listing requests are sent with.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, S3DLIO_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:uri:
   *
   * The bucket and prefix listed: the key of the URI is the prefix, taken
   * literally.
   */
  properties[PROP_URI] =
    g_param_spec_object ("uri", NULL, NULL, S3DLIO_TYPE_URI,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:delimiter:
   *
   * The delimiter that rolls keys up into common prefixes, such as `/`,
   * or %NULL to list every key under the prefix.
   */
  properties[PROP_DELIMITER] =
    g_param_spec_string ("delimiter", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:start-after:
   *
   * List only the keys after this one (S3's `start-after`), or %NULL for
   * all of them. Set it before loading starts.
   */
  properties[PROP_START_AFTER] =
    g_param_spec_string ("start-after", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:page-size:
   *
   * The most items to ask for per request (S3's `max-keys`), up to 1000,
   * or 0 to let the server choose (1000 for S3). Set it before loading
   * starts.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, S3DLIO_LIST_MAX_KEYS, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:loading:
   *
   * Whether pages are being fetched. It turns %FALSE when loading ends,
   * complete or not.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:complete:
   *
   * Whether the last page arrived: the list holds the whole listing.
   */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:n-pages:
   *
   * How many pages arrived so far.
   */
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:n-items:
   *
   * How many items the list holds so far.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioObjectList:error:
   *
   * Why loading stopped before the end (%G_IO_ERROR_CANCELLED when it was
   * cancelled), or %NULL.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_object_list_init (S3dlioObjectList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->cancel_links = g_array_new (FALSE, FALSE, sizeof (CancelLink));
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/* }}} */
/* {{{ Loading */

static void
finish_loading (S3dlioObjectList *self,
                GError           *error)
{
  g_autoptr(GPtrArray) waiters = NULL;

  g_assert (self->loading);

  self->loading = FALSE;
  self->complete = error == NULL;
  self->error = error;
  unlink_cancellables (self);
  g_clear_pointer (&self->pager, _s3dlio_list_pager_unref);

  g_debug ("%s: listing %s after %u pages and %u items%s%s",
           s3dlio_uri_get_bucket (self->uri), self->complete ? "complete" : "stopped",
           self->n_pages, self->items->len,
           error ? ": " : "", error ? error->message : "");

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  if (self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_thaw_notify (G_OBJECT (self));

  /* The waiters hold references to self: return them last. */
  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
append_page (S3dlioObjectList *self,
             GPtrArray        *items)
{
  guint position = self->items->len;
  guint added = items->len;

  g_ptr_array_extend_and_steal (self->items, items);
  self->n_pages++;

  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  if (added > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* A page in flight does not keep the list alive: nobody would see it. */
typedef struct {
  GWeakRef         list;
  S3dlioListPager *pager;
} PageRequest;

static void
page_request_free (PageRequest *request)
{
  g_weak_ref_clear (&request->list);
  _s3dlio_list_pager_unref (request->pager);
  g_free (request);
}

static void request_page (S3dlioObjectList *self);

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  PageRequest *request = data;
  g_autoptr(S3dlioObjectList) self = g_weak_ref_get (&request->list);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = _s3dlio_list_pager_next_finish (request->pager, result, &error);
  page_request_free (request);

  if (self == NULL || !self->loading)
    return;

  if (items == NULL)
    {
      finish_loading (self, g_steal_pointer (&error));
      return;
    }

  /* Handlers of items-changed may cancel or drop the list. */
  append_page (self, g_steal_pointer (&items));

  if (!self->loading)
    return;
  if (_s3dlio_list_pager_is_done (self->pager))
    finish_loading (self, NULL);
  else if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    finish_loading (self, g_steal_pointer (&error));
  else
    request_page (self);
}

static void
request_page (S3dlioObjectList *self)
{
  PageRequest *request = g_new0 (PageRequest, 1);

  g_weak_ref_init (&request->list, self);
  request->pager = _s3dlio_list_pager_ref (self->pager);

  /* Every page completes in the context the listing was started in, even
   * if whoever runs it did not make it the thread default. */
  g_main_context_push_thread_default (self->context);
  _s3dlio_list_pager_next_async (self->pager, self->cancellable, page_cb, request);
  g_main_context_pop_thread_default (self->context);
}

static void
start_loading (S3dlioObjectList *self)
{
  GError *error = NULL;

  self->started = TRUE;
  self->loading = TRUE;
  self->context = g_main_context_ref_thread_default ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  if (!_s3dlio_list_check_uri (self->uri, &error))
    {
      finish_loading (self, error);
      return;
    }

  self->pager = _s3dlio_list_pager_new (self->client, self->uri, self->delimiter,
                                        self->start_after, self->page_size);
  request_page (self);
}

static void
cancel_listing (GCancellable *cancellable,
                gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* The caller's cancellable stops the listing. */
static void
link_cancellable (S3dlioObjectList *self,
                  GCancellable     *cancellable)
{
  CancelLink link;

  if (cancellable == NULL)
    return;

  link.handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_listing),
                                        g_object_ref (self->cancellable), g_object_unref);
  /* 0 when it was cancelled already: the handler ran. */
  if (link.handler == 0)
    return;

  link.cancellable = g_object_ref (cancellable);
  g_array_append_val (self->cancel_links, link);
}

/**
 * s3dlio_object_list_new:
 * @client: the client to send the requests with
 * @uri: the bucket and prefix to list: the key of @uri is the prefix,
 *   taken literally
 * @delimiter: (nullable): a delimiter such as `/` to roll keys up into
 *   common prefixes, or %NULL to list every key under the prefix
 *
 * Creates an empty list that does not load yet, so that
 * [property@S3dlio.ObjectList:start-after] and
 * [property@S3dlio.ObjectList:page-size] can be set first. Start it with
 * [method@S3dlio.ObjectList.load_async]; [method@S3dlio.Client.list] does
 * both at once.
 *
 * Returns: (transfer full): a new #S3dlioObjectList
 */
S3dlioObjectList *
s3dlio_object_list_new (S3dlioClient *client,
                        S3dlioUri    *uri,
                        const char   *delimiter)
{
  g_return_val_if_fail (S3DLIO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  return g_object_new (S3DLIO_TYPE_OBJECT_LIST,
                       "client", client,
                       "uri", uri,
                       "delimiter", delimiter,
                       NULL);
}

/**
 * s3dlio_object_list_load_async:
 * @self: a #S3dlioObjectList
 * @cancellable: (nullable): a #GCancellable that stops the loading
 * @callback: (scope async) (nullable): called when loading ends, or %NULL
 * @user_data: data for @callback
 *
 * Starts loading the list, unless it was started already, and calls
 * @callback when loading ends: when the last page arrived, a request
 * failed, or the loading was cancelled. Pages arrive in the thread-default
 * main context of the thread that started the loading.
 *
 * While a @callback waits, the loading keeps the list alive. Without one,
 * it does not: dropping the last reference to the list stops the loading.
 *
 * A list loads once: if loading ended already, @callback is told how.
 */
void
s3dlio_object_list_load_async (S3dlioObjectList    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (S3DLIO_IS_OBJECT_LIST (self));
  g_return_if_fail (S3DLIO_IS_CLIENT (self->client) && S3DLIO_IS_URI (self->uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (callback == NULL)
    {
      link_cancellable (self, cancellable);
      if (!self->started)
        start_loading (self);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_object_list_load_async);

  if (self->started && !self->loading)
    {
      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  link_cancellable (self, cancellable);
  if (!self->started)
    start_loading (self);
}

/**
 * s3dlio_object_list_load_finish:
 * @self: a #S3dlioObjectList
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectList.load_async].
 *
 * Returns: %TRUE if the list is complete, %FALSE with @error set otherwise
 *   (%S3DLIO_ERROR_NO_SUCH_BUCKET for a missing bucket,
 *   %G_IO_ERROR_CANCELLED when cancelled)
 */
gboolean
s3dlio_object_list_load_finish (S3dlioObjectList  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  S3dlioObjectList *list;
  GCancellable     *cancellable;
} LoadSyncArgs;

static void
start_load (gpointer            data,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  LoadSyncArgs *args = data;

  s3dlio_object_list_load_async (args->list, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_list_load:
 * @self: a #S3dlioObjectList
 * @cancellable: (nullable): a #GCancellable that stops the loading
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectList.load_async]: the pages
 * arrive, and [signal@Gio.ListModel::items-changed] is emitted, in the
 * calling thread. Do not call it on a list that is loading from a main
 * context of the calling thread: that context would not run.
 *
 * Returns: %TRUE if the list is complete, %FALSE with @error set otherwise
 */
gboolean
s3dlio_object_list_load (S3dlioObjectList  *self,
                         GCancellable      *cancellable,
                         GError           **error)
{
  LoadSyncArgs args = { self, cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), FALSE);

  result = _s3dlio_run_sync (start_load, &args);
  return s3dlio_object_list_load_finish (self, result, error);
}

/**
 * s3dlio_object_list_cancel:
 * @self: a #S3dlioObjectList
 *
 * Stops loading: no further page is fetched, and loading ends with
 * %G_IO_ERROR_CANCELLED as its [property@S3dlio.ObjectList:error] once the
 * request in flight returned. The items loaded so far stay.
 */
void
s3dlio_object_list_cancel (S3dlioObjectList *self)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_LIST (self));

  g_cancellable_cancel (self->cancellable);
}

/* }}} */
/* {{{ Accessors */

/**
 * s3dlio_object_list_get_client:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:client].
 *
 * Returns: (transfer none): the client
 */
S3dlioClient *
s3dlio_object_list_get_client (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), NULL);

  return self->client;
}

/**
 * s3dlio_object_list_get_uri:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:uri].
 *
 * Returns: (transfer none): the bucket and prefix listed
 */
S3dlioUri *
s3dlio_object_list_get_uri (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), NULL);

  return self->uri;
}

/**
 * s3dlio_object_list_get_delimiter:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:delimiter].
 *
 * Returns: (nullable): the delimiter, or %NULL
 */
const char *
s3dlio_object_list_get_delimiter (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), NULL);

  return self->delimiter;
}

/**
 * s3dlio_object_list_get_start_after:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:start-after].
 *
 * Returns: (nullable): the key the listing starts after, or %NULL
 */
const char *
s3dlio_object_list_get_start_after (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), NULL);

  return self->start_after;
}

/**
 * s3dlio_object_list_set_start_after:
 * @self: a #S3dlioObjectList
 * @start_after: (nullable): the key to start after, or %NULL
 *
 * Sets the [property@S3dlio.ObjectList:start-after], before loading
 * starts.
 */
void
s3dlio_object_list_set_start_after (S3dlioObjectList *self,
                                    const char       *start_after)
{
  char *copy;

  g_return_if_fail (S3DLIO_IS_OBJECT_LIST (self));
  g_return_if_fail (!self->started);

  if (g_strcmp0 (self->start_after, start_after) == 0)
    return;

  copy = g_strdup (start_after);
  g_free (self->start_after);
  self->start_after = copy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_AFTER]);
}

/**
 * s3dlio_object_list_get_page_size:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:page-size].
 *
 * Returns: the most items asked for per request, or 0 for the server's
 *   choice
 */
guint
s3dlio_object_list_get_page_size (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), 0);

  return self->page_size;
}

/**
 * s3dlio_object_list_set_page_size:
 * @self: a #S3dlioObjectList
 * @page_size: the most items to ask for per request, 1 to 1000, or 0 for
 *   the server's choice
 *
 * Sets the [property@S3dlio.ObjectList:page-size], before loading starts.
 */
void
s3dlio_object_list_set_page_size (S3dlioObjectList *self,
                                  guint             page_size)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_LIST (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (page_size <= S3DLIO_LIST_MAX_KEYS);

  if (self->page_size == page_size)
    return;

  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

/**
 * s3dlio_object_list_get_loading:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:loading].
 *
 * Returns: whether pages are being fetched
 */
gboolean
s3dlio_object_list_get_loading (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), FALSE);

  return self->loading;
}

/**
 * s3dlio_object_list_get_complete:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:complete].
 *
 * Returns: whether the last page arrived
 */
gboolean
s3dlio_object_list_get_complete (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), FALSE);

  return self->complete;
}

/**
 * s3dlio_object_list_get_n_pages:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:n-pages].
 *
 * Returns: how many pages arrived so far
 */
guint
s3dlio_object_list_get_n_pages (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), 0);

  return self->n_pages;
}

/**
 * s3dlio_object_list_get_error:
 * @self: a #S3dlioObjectList
 *
 * Gets the [property@S3dlio.ObjectList:error].
 *
 * Returns: (nullable) (transfer none): why loading stopped short, or %NULL
 */
const GError *
s3dlio_object_list_get_error (S3dlioObjectList *self)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_LIST (self), NULL);

  return self->error;
}

/* }}} */
