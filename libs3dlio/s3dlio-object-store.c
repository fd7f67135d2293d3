/* s3dlio-object-store.c: what the CLI and the inspector talk to
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "s3dlio-client-private.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-file-store.h"
#include "s3dlio-object-store.h"

/**
 * S3dlioObjectStore:
 *
 * Objects under URIs, whatever holds them: the interface the `s3dlio`
 * command line tool and the inspector talk to, so that `s3://` and
 * `file://` work the same.
 *
 * [class@S3dlio.Client] implements it for `s3://` URIs and
 * [class@S3dlio.FileStore] for `file://` URIs;
 * [func@S3dlio.ObjectStore.new_for_uri] picks the one a URI needs.
 *
 * The operations are those of an object store: metadata
 * ([method@S3dlio.ObjectStore.stat_async]), the size-aware download of an
 * object or a range of it into memory, a buffer, a file, a stream or a
 * chunk function with progress and a map of its parts
 * ([method@S3dlio.ObjectStore.download_async], driven by an
 * [class@S3dlio.Transfer]; into memory more simply with
 * [method@S3dlio.ObjectStore.get_async] and
 * [method@S3dlio.ObjectStore.get_range_async]), listings that fill page
 * by page ([method@S3dlio.ObjectStore.list]) or are walked in bounded memory
 * ([method@S3dlio.ObjectStore.list_foreach_async]), writes from memory or
 * a file ([method@S3dlio.ObjectStore.put_async],
 * [method@S3dlio.ObjectStore.put_file_async]) or of any source with
 * progress ([method@S3dlio.ObjectStore.upload_async], driven by an
 * [class@S3dlio.Upload]), and deletion of an object
 * ([method@S3dlio.ObjectStore.delete_async]) or of everything under a
 * prefix ([method@S3dlio.ObjectStore.delete_prefix_async]). On top of
 * them come the recursive transfers between a prefix and a local directory
 * ([method@S3dlio.ObjectStore.download_recursive_async],
 * [method@S3dlio.ObjectStore.upload_recursive_async]), for any backend.
 *
 * Every operation is an `_async`/`_finish` pair in the GIO style with a
 * #GCancellable, completing in the thread-default main context of the
 * thread that started it, and has a blocking form that runs it in a
 * private main context.
 *
 * Whatever the backend, a missing object fails with
 * %S3DLIO_ERROR_NO_SUCH_KEY, a range that starts past the end with
 * %S3DLIO_ERROR_INVALID_RANGE, and a URI of the wrong scheme, or a prefix
 * where an object is needed, with %S3DLIO_ERROR_INVALID_URI.
 */

G_DEFINE_INTERFACE (S3dlioObjectStore, s3dlio_object_store, G_TYPE_OBJECT)

static void
s3dlio_object_store_default_init (S3dlioObjectStoreInterface *iface)
{
  _s3dlio_i18n_init ();
}

/* The arguments of the blocking forms. */
typedef struct {
  S3dlioObjectStore *store;
  S3dlioUri         *uri;
  S3dlioTransfer    *transfer;
  S3dlioUpload      *upload;
  const char        *delimiter;
  S3dlioListFunc     func;
  gpointer           func_data;
  GBytes            *data;
  const char        *path;
  const char        *content_type;
  GHashTable        *metadata;
  guint64            offset;
  guint64            length;
  GCancellable      *cancellable;
} SyncArgs;

/* {{{ The factory */

/**
 * s3dlio_object_store_new_for_uri:
 * @uri: a URI of the store wanted: `s3://…` or `file://…`
 * @client: (nullable): the client for `s3://` URIs, or %NULL to make one
 *   from the environment when one is needed
 * @error: return location for a #GError
 *
 * Gives the store that holds @uri: @client itself (or a client made with
 * [ctor@S3dlio.Client.new_from_environment] for the default profile) for
 * an `s3://` URI; a new [class@S3dlio.FileStore] for a `file://` URI,
 * sharing the config of @client when there is one, otherwise with one
 * from [ctor@S3dlio.Config.new_from_environment].
 *
 * [func@S3dlio.Uri.parse] refuses schemes there is no backend for.
 *
 * Returns: (transfer full): the store, or %NULL with @error set when the
 *   environment gives no usable client or config, or no backend handles
 *   the scheme (%S3DLIO_ERROR_NOT_SUPPORTED)
 */
S3dlioObjectStore *
s3dlio_object_store_new_for_uri (S3dlioUri     *uri,
                                 S3dlioClient  *client,
                                 GError       **error)
{
  g_autoptr(S3dlioConfig) config = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);
  g_return_val_if_fail (client == NULL || S3DLIO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (s3dlio_uri_get_scheme (uri))
    {
    case S3DLIO_URI_SCHEME_S3:
      if (client != NULL)
        return S3DLIO_OBJECT_STORE (g_object_ref (client));
      return (S3dlioObjectStore *) s3dlio_client_new_from_environment (NULL, error);

    case S3DLIO_URI_SCHEME_FILE:
      if (client != NULL)
        config = g_object_ref (s3dlio_client_get_config (client));
      else if (!(config = s3dlio_config_new_from_environment (error)))
        return NULL;
      return S3DLIO_OBJECT_STORE (s3dlio_file_store_new (config));

    default:
      text = s3dlio_uri_to_string (uri);
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED,
                   _("%s: no store handles this kind of URI"), text);
      return NULL;
    }
}

/* }}} */
/* {{{ stat */

/**
 * s3dlio_object_store_stat_async: (virtual stat_async)
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Asks for the metadata of an object: size, ETag, last-modified time and,
 * where the backend knows them, content type and user metadata.
 */
void
s3dlio_object_store_stat_async (S3dlioObjectStore   *self,
                                S3dlioUri           *uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->stat_async (self, uri, cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_stat_finish: (virtual stat_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.stat_async].
 *
 * Returns: (transfer full): the object's metadata, or %NULL with @error
 *   set (%S3DLIO_ERROR_NO_SUCH_KEY for a missing object)
 */
S3dlioObjectInfo *
s3dlio_object_store_stat_finish (S3dlioObjectStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->stat_finish (self, result, error);
}

static void
start_stat (gpointer            data,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_stat_async (args->store, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_stat:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.stat_async].
 *
 * Returns: (transfer full): the object's metadata, or %NULL with @error set
 */
S3dlioObjectInfo *
s3dlio_object_store_stat (S3dlioObjectStore  *self,
                          S3dlioUri          *uri,
                          GCancellable       *cancellable,
                          GError            **error)
{
  SyncArgs args = { .store = self, .uri = uri, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  result = _s3dlio_run_sync (start_stat, &args);
  return s3dlio_object_store_stat_finish (self, result, error);
}

/* }}} */
/* {{{ download */

/**
 * s3dlio_object_store_download_async: (virtual download_async)
 * @self: a #S3dlioObjectStore
 * @transfer: what to download (its URI, maybe a range), and where to
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Runs a size-aware download: the object (or the range of it) is fetched
 * in one go when it is smaller than [property@S3dlio.Config:threshold],
 * otherwise as parts of [property@S3dlio.Config:part-size] with at most
 * [property@S3dlio.Config:max-inflight] at a time, each written straight
 * into its place in the destination of @transfer. Progress and the state
 * of every part are reported through @transfer. This is a get into
 * memory, a get of a range, a get to a file or to a stream, depending on
 * how @transfer was set up.
 *
 * A failed or cancelled download leaves nothing that looks complete (no
 * file, no temporary file); cancelling fails with %G_IO_ERROR_CANCELLED.
 */
void
s3dlio_object_store_download_async (S3dlioObjectStore   *self,
                                    S3dlioTransfer      *transfer,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_TRANSFER (transfer));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->download_async (self, transfer, cancellable,
                                                        callback, user_data);
}

/**
 * s3dlio_object_store_download_finish: (virtual download_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.download_async].
 *
 * Returns: %TRUE if every byte arrived and was checked
 */
gboolean
s3dlio_object_store_download_finish (S3dlioObjectStore  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->download_finish (self, result, error);
}

static void
start_download (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_download_async (args->store, args->transfer, args->cancellable,
                                      callback, user_data);
}

/**
 * s3dlio_object_store_download:
 * @self: a #S3dlioObjectStore
 * @transfer: what to download, and where to
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.download_async].
 * Progress signals of @transfer are emitted in the calling thread.
 *
 * Returns: %TRUE if every byte arrived and was checked
 */
gboolean
s3dlio_object_store_download (S3dlioObjectStore  *self,
                              S3dlioTransfer     *transfer,
                              GCancellable       *cancellable,
                              GError            **error)
{
  SyncArgs args = { .store = self, .transfer = transfer, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_TRANSFER (transfer), FALSE);

  result = _s3dlio_run_sync (start_download, &args);
  return s3dlio_object_store_download_finish (self, result, error);
}

/* }}} */
/* {{{ get, get_range: download into memory */

static void
memory_download_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  S3dlioTransfer *transfer = g_task_get_task_data (task);
  GError *error = NULL;

  if (!s3dlio_object_store_download_finish (S3DLIO_OBJECT_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, s3dlio_transfer_get_bytes (transfer),
                           (GDestroyNotify) g_bytes_unref);
}

/* Runs @transfer, which has no destination and so fills memory, and
 * returns its bytes through a task of @self: the same path as any other
 * download, so every backend gets these for free. */
static void
download_into_memory (S3dlioObjectStore   *self,
                      S3dlioTransfer      *transfer,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_object_ref (transfer), g_object_unref);
  s3dlio_object_store_download_async (self, transfer, cancellable, memory_download_cb, task);
}

/**
 * s3dlio_object_store_get_async:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads an object into memory with the size-aware download of
 * [method@S3dlio.ObjectStore.download_async]. The parts are written
 * straight into one buffer, which is returned without a copy.
 *
 * To follow the progress or see the parts, run an [class@S3dlio.Transfer]
 * with [method@S3dlio.ObjectStore.download_async] instead.
 */
void
s3dlio_object_store_get_async (S3dlioObjectStore   *self,
                               S3dlioUri           *uri,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;

  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  transfer = s3dlio_transfer_new (uri);
  download_into_memory (self, transfer, s3dlio_object_store_get_async,
                        cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_get_finish:
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.get_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 *   (%S3DLIO_ERROR_NO_SUCH_KEY for a missing object)
 */
GBytes *
s3dlio_object_store_get_finish (S3dlioObjectStore  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == s3dlio_object_store_get_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_get (gpointer            data,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_get_async (args->store, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_get:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.get_async].
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
GBytes *
s3dlio_object_store_get (S3dlioObjectStore  *self,
                         S3dlioUri          *uri,
                         GCancellable       *cancellable,
                         GError            **error)
{
  SyncArgs args = { .store = self, .uri = uri, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  result = _s3dlio_run_sync (start_get, &args);
  return s3dlio_object_store_get_finish (self, result, error);
}

/**
 * s3dlio_object_store_get_range_async:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @offset: the first byte
 * @length: how many bytes; %G_MAXUINT64 for up to the end
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the download ends
 * @user_data: data for @callback
 *
 * Downloads part of an object into memory. A range that runs past the end
 * of the object is cut there; one that starts past it fails. Large ranges
 * are split like whole objects (see
 * [method@S3dlio.ObjectStore.download_async]).
 */
void
s3dlio_object_store_get_range_async (S3dlioObjectStore   *self,
                                     S3dlioUri           *uri,
                                     guint64              offset,
                                     guint64              length,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(S3dlioTransfer) transfer = NULL;

  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  transfer = s3dlio_transfer_new (uri);
  s3dlio_transfer_set_range (transfer, offset, length);
  download_into_memory (self, transfer, s3dlio_object_store_get_range_async,
                        cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_get_range_finish:
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.get_range_async].
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 *   (%S3DLIO_ERROR_INVALID_RANGE for an empty range or one that starts
 *   past the end, %S3DLIO_ERROR_NO_SUCH_KEY for a missing object)
 */
GBytes *
s3dlio_object_store_get_range_finish (S3dlioObjectStore  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == s3dlio_object_store_get_range_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_get_range (gpointer            data,
                 GAsyncReadyCallback callback,
                 gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_get_range_async (args->store, args->uri, args->offset, args->length,
                                       args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_get_range:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @offset: the first byte
 * @length: how many bytes; %G_MAXUINT64 for up to the end
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.get_range_async].
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
s3dlio_object_store_get_range (S3dlioObjectStore  *self,
                               S3dlioUri          *uri,
                               guint64             offset,
                               guint64             length,
                               GCancellable       *cancellable,
                               GError            **error)
{
  SyncArgs args = {
    .store = self, .uri = uri, .offset = offset, .length = length,
    .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  result = _s3dlio_run_sync (start_get_range, &args);
  return s3dlio_object_store_get_range_finish (self, result, error);
}

/* }}} */
/* {{{ list */

/**
 * s3dlio_object_store_list: (virtual list)
 * @self: a #S3dlioObjectStore
 * @uri: the prefix to list, taken literally: `s3://bucket/photos/` lists
 *   what is under `photos/`, `s3://bucket/ph` what starts with `ph`
 * @delimiter: (nullable): `/` to list one level, with "directories" as
 *   items whose [property@S3dlio.ObjectInfo:is-prefix] is set, or %NULL to
 *   list every object under the prefix
 * @cancellable: (nullable): a #GCancellable that stops the loading
 *
 * Starts a listing and returns at once a [iface@Gio.ListModel] of
 * [class@S3dlio.ObjectInfo] that fills page by page, in key order, in the
 * thread-default main context of the calling thread: a list view shows
 * the first page while the rest arrive.
 *
 * The model has the boolean properties `loading` (%TRUE until loading
 * ends) and `complete` (%TRUE once the last page arrived), and the #GError
 * property `error` (why loading stopped early, %G_IO_ERROR_CANCELLED when
 * it was cancelled), as [class@S3dlio.ObjectList] has; for `s3://` it is
 * one. Dropping the last reference stops the loading. To wait for the
 * whole listing, use [method@S3dlio.ObjectStore.list_all_async].
 *
 * Returns: (transfer full): the listing, loading
 */
GListModel *
s3dlio_object_store_list (S3dlioObjectStore *self,
                          S3dlioUri         *uri,
                          const char        *delimiter,
                          GCancellable      *cancellable)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->list (self, uri, delimiter, cancellable);
}

typedef struct {
  GListModel *model;
  gulong      handler;
} ListAllData;

static void
list_all_data_free (gpointer data)
{
  ListAllData *list = data;

  g_clear_signal_handler (&list->handler, list->model);
  g_clear_object (&list->model);
  g_free (list);
}

static gboolean
model_is_loading (GListModel *model)
{
  gboolean loading = FALSE;

  g_object_get (model, "loading", &loading, NULL);
  return loading;
}

static void
return_listing (GTask *task)
{
  ListAllData *list = g_task_get_task_data (task);
  GError *error = NULL;

  g_object_get (list->model, "error", &error, NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (list->model), g_object_unref);
}

static void
loading_changed_cb (GObject    *model,
                    GParamSpec *pspec,
                    gpointer    data)
{
  GTask *task = data;
  ListAllData *list = g_task_get_task_data (task);

  if (model_is_loading (list->model))
    return;

  g_clear_signal_handler (&list->handler, list->model);
  return_listing (task);
  g_object_unref (task);
}

/**
 * s3dlio_object_store_list_all_async:
 * @self: a #S3dlioObjectStore
 * @uri: the prefix to list, as for [method@S3dlio.ObjectStore.list]
 * @delimiter: (nullable): `/`, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the listing is complete or failed
 * @user_data: data for @callback
 *
 * Lists a prefix to the end, as [method@S3dlio.ObjectStore.list] does,
 * and hands over the whole listing.
 */
void
s3dlio_object_store_list_all_async (S3dlioObjectStore   *self,
                                    S3dlioUri           *uri,
                                    const char          *delimiter,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListAllData *list;

  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_object_store_list_all_async);

  list = g_new0 (ListAllData, 1);
  list->model = s3dlio_object_store_list (self, uri, delimiter, cancellable);
  g_task_set_task_data (task, list, list_all_data_free);

  if (!model_is_loading (list->model))
    {
      return_listing (task);
      return;
    }

  /* The handler holds a reference on the task until loading ends. */
  list->handler = g_signal_connect (list->model, "notify::loading",
                                    G_CALLBACK (loading_changed_cb), g_object_ref (task));
}

/**
 * s3dlio_object_store_list_all_finish:
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.list_all_async].
 *
 * Returns: (transfer full): the complete listing, a [iface@Gio.ListModel]
 *   of [class@S3dlio.ObjectInfo], or %NULL with @error set
 */
GListModel *
s3dlio_object_store_list_all_finish (S3dlioObjectStore  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == s3dlio_object_store_list_all_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_list_all (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_list_all_async (args->store, args->uri, args->delimiter,
                                      args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_list_all:
 * @self: a #S3dlioObjectStore
 * @uri: the prefix to list, as for [method@S3dlio.ObjectStore.list]
 * @delimiter: (nullable): `/`, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.list_all_async].
 *
 * Returns: (transfer full): the complete listing, or %NULL with @error set
 */
GListModel *
s3dlio_object_store_list_all (S3dlioObjectStore  *self,
                              S3dlioUri          *uri,
                              const char         *delimiter,
                              GCancellable       *cancellable,
                              GError            **error)
{
  SyncArgs args = { .store = self, .uri = uri, .delimiter = delimiter, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  result = _s3dlio_run_sync (start_list_all, &args);
  return s3dlio_object_store_list_all_finish (self, result, error);
}

/* }}} */
/* {{{ list_foreach */

/**
 * s3dlio_object_store_list_foreach_async: (virtual list_foreach_async)
 * @self: a #S3dlioObjectStore
 * @uri: the prefix to list, as for [method@S3dlio.ObjectStore.list]
 * @delimiter: (nullable): `/` to list one level, or %NULL to list every
 *   object under the prefix
 * @func: (scope notified) (closure func_data) (destroy func_notify): called
 *   for each object and common prefix, in key order
 * @func_data: data for @func
 * @func_notify: (nullable): frees @func_data once the listing ended
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called when the listing
 *   ended
 * @user_data: data for @callback
 *
 * Walks a listing of any size in bounded memory: the items are handed to
 * @func one page at a time, in the caller's thread-default main context,
 * and a page is let go before more than the next one is fetched (from S3)
 * or read (from the file system). Keep a reference to an item to keep it.
 * The items are those [method@S3dlio.ObjectStore.list] would give.
 *
 * When @func returns %FALSE, nothing more is listed and the operation
 * succeeds.
 */
void
s3dlio_object_store_list_foreach_async (S3dlioObjectStore   *self,
                                        S3dlioUri           *uri,
                                        const char          *delimiter,
                                        S3dlioListFunc       func,
                                        gpointer             func_data,
                                        GDestroyNotify       func_notify,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->list_foreach_async (self, uri, delimiter,
                                                            func, func_data, func_notify,
                                                            cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_list_foreach_finish: (virtual list_foreach_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.list_foreach_async].
 *
 * Returns: %TRUE if the listing reached its end or was stopped by the
 *   function, %FALSE with @error set otherwise
 */
gboolean
s3dlio_object_store_list_foreach_finish (S3dlioObjectStore  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->list_foreach_finish (self, result, error);
}

static void
start_list_foreach (gpointer            data,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_list_foreach_async (args->store, args->uri, args->delimiter,
                                          args->func, args->func_data, NULL,
                                          args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_list_foreach:
 * @self: a #S3dlioObjectStore
 * @uri: the prefix to list, as for [method@S3dlio.ObjectStore.list]
 * @delimiter: (nullable): `/`, or %NULL
 * @func: (scope call) (closure user_data): called for each object and
 *   common prefix, in key order
 * @user_data: data for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.list_foreach_async]:
 * @func is called in the calling thread.
 *
 * Returns: %TRUE if the listing reached its end or was stopped by the
 *   function, %FALSE with @error set otherwise
 */
gboolean
s3dlio_object_store_list_foreach (S3dlioObjectStore  *self,
                                  S3dlioUri          *uri,
                                  const char         *delimiter,
                                  S3dlioListFunc      func,
                                  gpointer            user_data,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  SyncArgs args = {
    .store = self, .uri = uri, .delimiter = delimiter, .func = func,
    .func_data = user_data, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  result = _s3dlio_run_sync (start_list_foreach, &args);
  return s3dlio_object_store_list_foreach_finish (self, result, error);
}

/* }}} */
/* {{{ put */

/**
 * s3dlio_object_store_put_async: (virtual put_async)
 * @self: a #S3dlioObjectStore
 * @uri: the object to write
 * @data: its content
 * @content_type: (nullable): its content type, or %NULL to leave it to the
 *   store (the `file://` store keeps none)
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name,
 *   or %NULL (the `file://` store keeps none)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the write ends
 * @user_data: data for @callback
 *
 * Writes @data as the object @uri, replacing any object there. The
 * object appears whole or not at all.
 */
void
s3dlio_object_store_put_async (S3dlioObjectStore   *self,
                               S3dlioUri           *uri,
                               GBytes              *data,
                               const char          *content_type,
                               GHashTable          *metadata,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->put_async (self, uri, data, content_type, metadata,
                                                   cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_put_finish: (virtual put_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.put_async].
 *
 * Returns: %TRUE if the whole object was stored
 */
gboolean
s3dlio_object_store_put_finish (S3dlioObjectStore  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->put_finish (self, result, error);
}

static void
start_put (gpointer            data,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_put_async (args->store, args->uri, args->data, args->content_type,
                                 args->metadata, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_put:
 * @self: a #S3dlioObjectStore
 * @uri: the object to write
 * @data: its content
 * @content_type: (nullable): its content type, or %NULL
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.put_async].
 *
 * Returns: %TRUE if the whole object was stored
 */
gboolean
s3dlio_object_store_put (S3dlioObjectStore  *self,
                         S3dlioUri          *uri,
                         GBytes             *data,
                         const char         *content_type,
                         GHashTable         *metadata,
                         GCancellable       *cancellable,
                         GError            **error)
{
  SyncArgs args = {
    .store = self, .uri = uri, .data = data, .content_type = content_type,
    .metadata = metadata, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  result = _s3dlio_run_sync (start_put, &args);
  return s3dlio_object_store_put_finish (self, result, error);
}

/* }}} */
/* {{{ put_file */

/**
 * s3dlio_object_store_put_file_async: (virtual put_file_async)
 * @self: a #S3dlioObjectStore
 * @uri: the object to write
 * @path: (type filename): a regular file
 * @content_type: (nullable): the object's content type, or %NULL to leave
 *   it to the store
 * @metadata: (nullable) (element-type utf8 utf8): user metadata by name,
 *   or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the write ends
 * @user_data: data for @callback
 *
 * Writes the file at @path as the object @uri, reading it part by part so
 * that memory stays bounded whatever its size. A missing or unreadable
 * file, a directory or another non-regular file fails with the matching
 * #GIOErrorEnum code naming @path.
 */
void
s3dlio_object_store_put_file_async (S3dlioObjectStore   *self,
                                    S3dlioUri           *uri,
                                    const char          *path,
                                    const char          *content_type,
                                    GHashTable          *metadata,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->put_file_async (self, uri, path, content_type, metadata,
                                                        cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_put_file_finish: (virtual put_file_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.put_file_async].
 *
 * Returns: %TRUE if the whole file was stored
 */
gboolean
s3dlio_object_store_put_file_finish (S3dlioObjectStore  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->put_file_finish (self, result, error);
}

static void
start_put_file (gpointer            data,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_put_file_async (args->store, args->uri, args->path, args->content_type,
                                      args->metadata, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_put_file:
 * @self: a #S3dlioObjectStore
 * @uri: the object to write
 * @path: (type filename): a regular file
 * @content_type: (nullable): the object's content type, or %NULL
 * @metadata: (nullable) (element-type utf8 utf8): user metadata, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.put_file_async].
 *
 * Returns: %TRUE if the whole file was stored
 */
gboolean
s3dlio_object_store_put_file (S3dlioObjectStore  *self,
                              S3dlioUri          *uri,
                              const char         *path,
                              const char         *content_type,
                              GHashTable         *metadata,
                              GCancellable       *cancellable,
                              GError            **error)
{
  SyncArgs args = {
    .store = self, .uri = uri, .path = path, .content_type = content_type,
    .metadata = metadata, .cancellable = cancellable,
  };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  result = _s3dlio_run_sync (start_put_file, &args);
  return s3dlio_object_store_put_file_finish (self, result, error);
}

/* }}} */
/* {{{ upload */

/**
 * s3dlio_object_store_upload_async: (virtual upload_async)
 * @self: a #S3dlioObjectStore
 * @upload: what to write (its URI), and where from
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the upload ends
 * @user_data: data for @callback
 *
 * Runs an upload from any source [class@S3dlio.Upload] takes (bytes, a
 * file, a stream of known or unknown size), reporting its progress through
 * @upload as the bytes go. The `s3://` store runs it as
 * [method@S3dlio.Client.upload_async] does (one PUT, or a multipart upload
 * of concurrent parts aborted on failure); the `file://` store writes it
 * as one part into a hidden temporary file renamed into place, reading a
 * stream source on a worker thread, and keeps no content type or
 * metadata. Either way the object appears whole or not at all, and
 * [property@S3dlio.Upload:etag] is the one [method@S3dlio.ObjectStore.stat]
 * gives afterwards.
 *
 * A missing or unreadable source file, or one that is not a regular file,
 * fails with the matching #GIOErrorEnum code naming it; cancelling fails
 * with %G_IO_ERROR_CANCELLED.
 */
void
s3dlio_object_store_upload_async (S3dlioObjectStore   *self,
                                  S3dlioUpload        *upload,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_UPLOAD (upload));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->upload_async (self, upload, cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_upload_finish: (virtual upload_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.upload_async].
 *
 * Returns: %TRUE if the whole object was stored
 */
gboolean
s3dlio_object_store_upload_finish (S3dlioObjectStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->upload_finish (self, result, error);
}

static void
start_upload (gpointer            data,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_upload_async (args->store, args->upload, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_upload:
 * @self: a #S3dlioObjectStore
 * @upload: what to write, and where from
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.upload_async]. Progress
 * signals of @upload are emitted in the calling thread.
 *
 * Returns: %TRUE if the whole object was stored
 */
gboolean
s3dlio_object_store_upload (S3dlioObjectStore  *self,
                            S3dlioUpload       *upload,
                            GCancellable       *cancellable,
                            GError            **error)
{
  SyncArgs args = { .store = self, .upload = upload, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_UPLOAD (upload), FALSE);

  result = _s3dlio_run_sync (start_upload, &args);
  return s3dlio_object_store_upload_finish (self, result, error);
}

/* }}} */
/* {{{ delete */

/**
 * s3dlio_object_store_delete_async: (virtual delete_async)
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes an object. Like S3, this succeeds when the object does not
 * exist.
 */
void
s3dlio_object_store_delete_async (S3dlioObjectStore   *self,
                                  S3dlioUri           *uri,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->delete_async (self, uri, cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_delete_finish: (virtual delete_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.delete_async].
 *
 * Returns: %TRUE if the object is gone
 */
gboolean
s3dlio_object_store_delete_finish (S3dlioObjectStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->delete_finish (self, result, error);
}

static void
start_delete (gpointer            data,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_delete_async (args->store, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_object_store_delete:
 * @self: a #S3dlioObjectStore
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.delete_async].
 *
 * Returns: %TRUE if the object is gone
 */
gboolean
s3dlio_object_store_delete (S3dlioObjectStore  *self,
                            S3dlioUri          *uri,
                            GCancellable       *cancellable,
                            GError            **error)
{
  SyncArgs args = { .store = self, .uri = uri, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), FALSE);

  result = _s3dlio_run_sync (start_delete, &args);
  return s3dlio_object_store_delete_finish (self, result, error);
}

/* }}} */
/* {{{ delete_prefix */

/**
 * s3dlio_object_store_delete_prefix_async: (virtual delete_prefix_async)
 * @self: a #S3dlioObjectStore
 * @uri: the prefix, taken literally as for
 *   [method@S3dlio.ObjectStore.list]: `s3://bucket/logs/` deletes what is
 *   under `logs/`, `s3://bucket/logs` also `logs.txt`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes every object a listing of @uri without a delimiter gives, in
 * bounded memory whatever their number: the `s3://` store as
 * [method@S3dlio.Client.delete_prefix_async] does, one DeleteObjects
 * request per page; the `file://` store file by file, removing the
 * directories under the prefix that are left empty (and the prefix's own
 * directory, for a prefix ending with `/`), since S3 has none. The
 * `file://` store refuses the prefix `/`, everything on the machine, with
 * %S3DLIO_ERROR_INVALID_ARGUMENT.
 *
 * An object that could not be deleted does not stop the others: it is
 * reported in the result. An error of the listing stops the operation.
 */
void
s3dlio_object_store_delete_prefix_async (S3dlioObjectStore   *self,
                                         S3dlioUri           *uri,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  S3DLIO_OBJECT_STORE_GET_IFACE (self)->delete_prefix_async (self, uri, cancellable,
                                                             callback, user_data);
}

/**
 * s3dlio_object_store_delete_prefix_finish: (virtual delete_prefix_finish)
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @n_deleted: (out) (optional): return location for the number of
 *   objects deleted, also when the operation stopped
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.delete_prefix_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error; empty when every
 *   key was deleted. %NULL with @error set when the operation stopped.
 */
GListModel *
s3dlio_object_store_delete_prefix_finish (S3dlioObjectStore  *self,
                                          GAsyncResult       *result,
                                          guint64            *n_deleted,
                                          GError            **error)
{
  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return S3DLIO_OBJECT_STORE_GET_IFACE (self)->delete_prefix_finish (self, result, n_deleted, error);
}

static void
start_delete_prefix (gpointer            data,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  SyncArgs *args = data;

  s3dlio_object_store_delete_prefix_async (args->store, args->uri, args->cancellable,
                                           callback, user_data);
}

/**
 * s3dlio_object_store_delete_prefix:
 * @self: a #S3dlioObjectStore
 * @uri: the prefix, as for [method@S3dlio.ObjectStore.delete_prefix_async]
 * @n_deleted: (out) (optional): return location for the number of
 *   objects deleted, also when the operation stopped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.delete_prefix_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error, or %NULL with
 *   @error set when the operation stopped
 */
GListModel *
s3dlio_object_store_delete_prefix (S3dlioObjectStore  *self,
                                   S3dlioUri          *uri,
                                   guint64            *n_deleted,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  SyncArgs args = { .store = self, .uri = uri, .cancellable = cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), NULL);
  g_return_val_if_fail (S3DLIO_IS_URI (uri), NULL);

  result = _s3dlio_run_sync (start_delete_prefix, &args);
  return s3dlio_object_store_delete_prefix_finish (self, result, n_deleted, error);
}

/* }}} */
