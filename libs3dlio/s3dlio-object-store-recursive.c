/* s3dlio-object-store-recursive.c: a prefix to a directory and back
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "s3dlio-batch-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error.h"
#include "s3dlio-file-store.h"
#include "s3dlio-object-store.h"

/* A recursive transfer lists the source to the end, turns every object
 * into an S3dlioBatchItem (refusing, for a download, the keys that would
 * land outside the directory), then runs at most max-concurrent single
 * transfers at a time through the store's own download or put_file, so
 * each large object is still split into concurrent parts. Everything runs
 * on the caller's main context; only the transfers themselves use other
 * threads.
 *
 * The items to run are taken from our own array, not from the batch's
 * model: without keep-finished, the batch drops the items done from it.
 * Nothing here keeps an item that started beyond its end, so that a batch
 * that drops them stays flat. */

typedef struct {
  S3dlioObjectStore *store;
  S3dlioBatch       *batch;
  gboolean           upload;
  GTask             *task;              /* unowned: it owns us */
  S3dlioUri         *prefix;            /* ends with "/" */
  char              *directory;

  GCancellable      *cancellable;       /* stops the listing and the transfers */
  GCancellable      *caller_cancellable;
  gulong             caller_cancel_id;

  GPtrArray         *pending;           /* S3dlioBatchItem, or NULL once started */
  guint              next;
  guint              in_flight;
  gboolean           stopping;
  gboolean           finished;
  guint              n_failed;
  GError            *first_error;
} Recursive;

static void
recursive_free (gpointer data)
{
  Recursive *r = data;

  if (r->caller_cancellable != NULL)
    g_cancellable_disconnect (r->caller_cancellable, r->caller_cancel_id);
  g_clear_object (&r->caller_cancellable);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->store);
  g_clear_object (&r->batch);
  g_clear_object (&r->prefix);
  g_clear_error (&r->first_error);
  g_clear_pointer (&r->pending, g_ptr_array_unref);
  g_free (r->directory);
  g_free (r);
}

static void
clear_item (gpointer item)
{
  g_clear_object (&item);
}

/* The key of an object of @uri's store: the S3 key, or the file path. */
static const char *
store_key (S3dlioUri *uri)
{
  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_FILE)
    return s3dlio_uri_get_path (uri);

  return s3dlio_uri_get_key (uri);
}

/* {{{ Keys and directories */

/* Whether @relative_key, a key under the prefix, maps to a path inside the
 * directory: no absolute path, no empty, "." or ".." segment. Anything else
 * (spaces, any UTF-8, backslashes) is a plain file name. */
static gboolean
check_relative_key (Recursive   *r,
                    const char  *key,
                    const char  *relative_key,
                    GError     **error)
{
  g_auto(GStrv) segments = g_strsplit (relative_key, "/", -1);
  const char *why = NULL;

  if (relative_key[0] == '/')
    why = _("it starts with “/”, an absolute path");
  for (guint i = 0; why == NULL && segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0')
        why = _("it has an empty path segment (“//”)");
      else if (strcmp (segments[i], "..") == 0)
        why = _("it has a “..” path segment");
      else if (strcmp (segments[i], ".") == 0)
        why = _("it has a “.” path segment");
    }

  if (why == NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
               /* Translators: the key, the reason (such as "it has a “..” path
                * segment"), then the destination directory */
               _("Refusing the key “%s”: %s, which could write outside “%s”"),
               key, why, r->directory);
  return FALSE;
}

/* Makes the directories @path needs below the batch directory, refusing
 * to go through a symbolic link (one could point anywhere) or a file. */
static gboolean
make_parents (Recursive   *r,
              const char  *relative_key,
              GError     **error)
{
  g_auto(GStrv) segments = g_strsplit (relative_key, "/", -1);
  g_autofree char *current = g_strdup (r->directory);
  guint n = g_strv_length (segments);

  for (guint i = 0; i + 1 < n; i++)
    {
      g_autofree char *next = g_build_filename (current, segments[i], NULL);
      struct stat st;

      if (g_lstat (next, &st) != 0)
        {
          if (errno != ENOENT || (g_mkdir (next, 0777) != 0 && errno != EEXIST) ||
              g_lstat (next, &st) != 0)
            {
              int saved_errno = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           _("Cannot create the directory “%s”: %s"), next, g_strerror (saved_errno));
              return FALSE;
            }
        }

      if (S_ISLNK (st.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                       _("Refusing to write the key “%s” through the symbolic link “%s”"),
                       relative_key, next);
          return FALSE;
        }
      if (!S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                       _("Cannot create the directory “%s”: a file is in the way"), next);
          return FALSE;
        }

      g_free (current);
      current = g_steal_pointer (&next);
    }

  return TRUE;
}

static char *
local_path (Recursive  *r,
            const char *relative_key)
{
  g_auto(GStrv) segments = g_strsplit (relative_key, "/", -1);
  g_autofree char *relative = g_strjoinv (G_DIR_SEPARATOR_S, segments);

  return g_build_filename (r->directory, relative, NULL);
}

/* }}} */
/* {{{ Running the items */

static void schedule (Recursive *r);

static void
finish (Recursive *r)
{
  g_autoptr(GError) error = NULL;
  guint n_objects = s3dlio_batch_get_n_objects (r->batch);

  r->finished = TRUE;

  if (g_cancellable_is_cancelled (r->caller_cancellable))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  else if (r->first_error != NULL)
    error = g_error_new (r->first_error->domain, r->first_error->code,
                         g_dngettext (GETTEXT_PACKAGE,
                                      /* Translators: the counts of failed and of
                                       * all objects, then the first failure's message */
                                      "%u of %u object failed; the first: %s",
                                      "%u of %u objects failed; the first: %s",
                                      n_objects),
                         r->n_failed, n_objects, r->first_error->message);

  g_debug ("%s: %u objects, %u done, %u failed%s%s",
           r->upload ? "recursive upload" : "recursive download",
           n_objects, s3dlio_batch_get_objects_done (r->batch), r->n_failed,
           error ? ": " : "", error ? error->message : "");

  _s3dlio_batch_end (r->batch, error);

  if (error != NULL)
    g_task_return_error (r->task, g_steal_pointer (&error));
  else
    g_task_return_boolean (r->task, TRUE);
}

/* Accounts for an object that ended; @error is %NULL if it is done. */
static void
item_ended (Recursive       *r,
            S3dlioBatchItem *item,
            const GError    *error)
{
  _s3dlio_batch_item_finished (r->batch, item, error);

  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  r->n_failed++;
  if (r->first_error == NULL)
    r->first_error = g_error_copy (error);
  if (!s3dlio_batch_get_keep_going (r->batch))
    {
      r->stopping = TRUE;
      g_cancellable_cancel (r->cancellable);
    }
}

typedef struct {
  GTask           *task;
  S3dlioBatchItem *item;
} ItemCall;

static void
item_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  ItemCall *call = data;
  g_autoptr(GTask) task = call->task;
  g_autoptr(S3dlioBatchItem) item = call->item;
  Recursive *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_free (call);

  if (r->upload)
    s3dlio_object_store_put_file_finish (r->store, result, &error);
  else
    s3dlio_object_store_download_finish (r->store, result, &error);

  r->in_flight--;
  item_ended (r, item, error);
  schedule (r);
}

static void
start_item (Recursive       *r,
            S3dlioBatchItem *item)
{
  ItemCall *call;
  GError *error = NULL;

  if (!r->upload && !make_parents (r, s3dlio_batch_item_get_relative_key (item), &error))
    {
      _s3dlio_batch_item_started (r->batch, item);
      item_ended (r, item, error);
      g_error_free (error);
      return;
    }

  call = g_new0 (ItemCall, 1);
  call->task = g_object_ref (r->task);
  call->item = g_object_ref (item);
  r->in_flight++;

  if (r->upload)
    {
      _s3dlio_batch_item_started (r->batch, item);
      s3dlio_object_store_put_file_async (r->store, s3dlio_batch_item_get_uri (item),
                                          s3dlio_batch_item_get_path (item), NULL, NULL,
                                          r->cancellable, item_cb, call);
    }
  else
    {
      g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (s3dlio_batch_item_get_uri (item));

      s3dlio_transfer_set_destination_path (transfer, s3dlio_batch_item_get_path (item));
      _s3dlio_batch_item_set_transfer (item, transfer);
      _s3dlio_batch_item_started (r->batch, item);
      s3dlio_object_store_download_async (r->store, transfer, r->cancellable, item_cb, call);
    }
}

/* Whether every item was started (or skipped). */
static gboolean
all_started (Recursive *r)
{
  return r->pending == NULL || r->next >= r->pending->len;
}

static void
schedule (Recursive *r)
{
  /* Bounded by the number of items: each turn starts one or skips one. The
   * signals of a start may run us again, so nothing is cached. */
  while (!r->stopping && !g_cancellable_is_cancelled (r->cancellable) && !all_started (r) &&
         r->in_flight < s3dlio_batch_get_max_concurrent (r->batch))
    {
      g_autoptr(S3dlioBatchItem) item = g_steal_pointer (&g_ptr_array_index (r->pending, r->next));

      r->next++;
      if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_PENDING)
        start_item (r, item);
    }

  if (all_started (r))
    g_clear_pointer (&r->pending, g_ptr_array_unref);

  if (r->in_flight == 0 && !r->finished &&
      (all_started (r) || r->stopping || g_cancellable_is_cancelled (r->cancellable)))
    finish (r);
}

/* }}} */
/* {{{ From the listing to the items */

static S3dlioBatchItem *
refused_item (S3dlioUri    *uri,
              const char   *relative_key,
              guint64       size,
              const GError *error)
{
  S3dlioBatchItem *item = _s3dlio_batch_item_new (uri, relative_key, NULL, size);

  _s3dlio_batch_item_set_error (item, error);
  _s3dlio_batch_item_set_state (item, S3DLIO_TRANSFER_STATE_FAILED);
  return item;
}

/* A download item for @info, or a refused one; %NULL for what is not
 * copied: "directory" marker objects (keys ending with "/"). */
static S3dlioBatchItem *
download_item (Recursive         *r,
               S3dlioObjectInfo  *info,
               GError           **error)
{
  const char *key = s3dlio_object_info_get_key (info);
  const char *prefix_key = store_key (r->prefix);
  guint64 size = s3dlio_object_info_get_size (info);
  g_autoptr(S3dlioUri) uri = NULL;
  g_autofree char *path = NULL;
  const char *relative_key;

  if (s3dlio_object_info_get_is_prefix (info) || g_str_has_suffix (key, "/"))
    return NULL;

  if (!g_str_has_prefix (key, prefix_key))
    {
      /* A listing gives nothing else; a broken server might. */
      if (s3dlio_uri_get_scheme (r->prefix) == S3DLIO_URI_SCHEME_S3)
        uri = s3dlio_uri_new_s3 (s3dlio_uri_get_bucket (r->prefix), key, NULL);
      else if (g_path_is_absolute (key))
        uri = s3dlio_uri_new_file (key);
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("Refusing the key “%s”: it is not under the prefix “%s”"), key, prefix_key);
      return refused_item (uri, key, size, *error);
    }

  relative_key = key + strlen (prefix_key);
  uri = s3dlio_uri_append (r->prefix, relative_key, error);
  if (uri == NULL || !check_relative_key (r, key, relative_key, error))
    return refused_item (uri, relative_key, size, *error);

  path = local_path (r, relative_key);
  return _s3dlio_batch_item_new (uri, relative_key, path, size);
}

/* An upload item for the local file @info, from a file:// listing of the
 * directory (whose path, ending with "/", is r->directory), or a refused
 * one when its name makes no valid key. */
static S3dlioBatchItem *
upload_item (Recursive         *r,
             S3dlioObjectInfo  *info,
             GError           **error)
{
  const char *path = s3dlio_object_info_get_key (info);
  const char *relative_key = path + strlen (r->directory);
  g_autoptr(S3dlioUri) uri = NULL;

  if (s3dlio_object_info_get_is_prefix (info))
    return NULL;

  uri = s3dlio_uri_append (r->prefix, relative_key, error);
  if (uri == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_prefix_error (error, _("Cannot upload “%s”: "), name);
      return refused_item (NULL, relative_key, s3dlio_object_info_get_size (info), *error);
    }

  return _s3dlio_batch_item_new (uri, relative_key, path, s3dlio_object_info_get_size (info));
}

static void
fail_early (Recursive *r,
            GError    *error)
{
  r->finished = TRUE;
  _s3dlio_batch_end (r->batch, error);
  g_task_return_error (r->task, error);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  Recursive *r = g_task_get_task_data (task);
  g_autoptr(GListModel) listing = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (clear_item);
  g_autofree char *prefix_text = s3dlio_uri_to_string (r->prefix);
  GError *error = NULL;
  guint n;

  listing = s3dlio_object_store_list_all_finish (S3DLIO_OBJECT_STORE (source), result, &error);
  if (listing == NULL)
    {
      if (g_cancellable_is_cancelled (r->caller_cancellable))
        g_clear_error (&error);
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      fail_early (r, error);
      return;
    }

  n = g_list_model_get_n_items (listing);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (listing, i);
      g_autoptr(GError) refusal = NULL;
      S3dlioBatchItem *item;

      if (r->upload)
        item = upload_item (r, info, &refusal);
      else
        item = download_item (r, info, &refusal);
      if (item == NULL)
        continue;

      if (refusal != NULL)
        {
          r->n_failed++;
          if (r->first_error == NULL)
            r->first_error = g_error_copy (refusal);
        }
      g_ptr_array_add (items, item);
    }

  if (items->len == 0 && !r->upload)
    {
      fail_early (r, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY,
                                  _("Nothing to download: there is no object under %s"), prefix_text));
      return;
    }

  _s3dlio_batch_set_items (r->batch, items);
  r->pending = g_steal_pointer (&items);

  /* Refusals stop everything before anything is written, if asked to. */
  if (r->first_error != NULL && !s3dlio_batch_get_keep_going (r->batch))
    r->stopping = TRUE;

  if (!r->upload && !r->stopping && g_mkdir_with_parents (r->directory, 0777) != 0)
    {
      int saved_errno = errno;

      fail_early (r, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                  _("Cannot create the directory “%s”: %s"),
                                  r->directory, g_strerror (saved_errno)));
      return;
    }

  schedule (r);
}

static void
caller_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static Recursive *
recursive_new (S3dlioObjectStore *store,
               S3dlioBatch       *batch,
               gboolean           upload,
               GTask             *task,
               GError           **error)
{
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  S3dlioUri *prefix = s3dlio_batch_get_prefix (batch);
  Recursive *r = g_new0 (Recursive, 1);

  r->store = g_object_ref (store);
  r->batch = g_object_ref (batch);
  r->upload = upload;
  r->task = task;
  r->cancellable = g_cancellable_new ();
  r->directory = g_strdup (s3dlio_batch_get_directory (batch));
  g_task_set_task_data (task, r, recursive_free);

  if (caller_cancellable != NULL)
    {
      r->caller_cancellable = g_object_ref (caller_cancellable);
      r->caller_cancel_id = g_cancellable_connect (caller_cancellable, G_CALLBACK (caller_cancelled),
                                                   g_object_ref (r->cancellable), g_object_unref);
    }

  /* "s3://b/data" is the directory "s3://b/data/", as for aws s3 cp -r. */
  if (s3dlio_uri_is_prefix (prefix))
    r->prefix = g_object_ref (prefix);
  else if (!(r->prefix = s3dlio_uri_append (prefix, "/", error)))
    return NULL;

  return r;
}

/* }}} */
/* {{{ Public API */

static GTask *
start_task (S3dlioObjectStore   *self,
            S3dlioBatch         *batch,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            GError             **error)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!_s3dlio_batch_begin (batch, g_task_get_context (task), error))
    {
      g_task_return_error (task, *error);
      *error = NULL;
      return NULL;
    }

  return g_steal_pointer (&task);
}

/**
 * s3dlio_object_store_download_recursive_async:
 * @self: a #S3dlioObjectStore, the source
 * @batch: the prefix to download, the directory to write into, and how
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when every object ended
 * @user_data: data for @callback
 *
 * Downloads every object under the prefix of @batch into its directory,
 * keeping the structure of the keys: `s3://bucket/data/a/b/c.bin` under
 * `s3://bucket/data/` becomes `a/b/c.bin` in the directory, and missing
 * directories are created. At most
 * [property@S3dlio.Batch:max-concurrent] objects are downloaded at a
 * time, each with the size-aware download of
 * [method@S3dlio.ObjectStore.download_async] into a temporary file that is
 * renamed into place when complete. Objects whose keys end with `/`
 * ("directory" markers) are left out.
 *
 * A key that would land outside the directory is refused with
 * %G_IO_ERROR_INVALID_FILENAME naming it: an absolute key (`/etc/passwd`
 * under the bucket root), or one with an empty, `.` or `..` segment
 * (`../evil`, `a/../../evil`, `a//b`). So is writing through a symbolic
 * link found in the directory. Nothing is ever written outside the
 * directory.
 *
 * With [property@S3dlio.Batch:keep-going] (the default), refused and
 * failed objects are reported in their [class@S3dlio.BatchItem] and the
 * others go on; the batch then fails at the end with the error of the
 * first failure, its message prefixed with how many failed. Without, a
 * refused key fails the batch before anything is written, and the first
 * failure cancels the downloads under way.
 *
 * A prefix with no object under it fails with %S3DLIO_ERROR_NO_SUCH_KEY.
 * Progress is reported through @batch.
 */
void
s3dlio_object_store_download_recursive_async (S3dlioObjectStore   *self,
                                              S3dlioBatch         *batch,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Recursive *r;

  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_BATCH (batch));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_task (self, batch, s3dlio_object_store_download_recursive_async,
                     cancellable, callback, user_data, &error);
  if (task == NULL)
    return;

  r = recursive_new (self, batch, FALSE, task, &error);
  if (r == NULL)
    {
      fail_early (g_task_get_task_data (task), error);
      return;
    }

  s3dlio_object_store_list_all_async (self, r->prefix, NULL, r->cancellable,
                                      listed_cb, g_object_ref (task));
}

/**
 * s3dlio_object_store_download_recursive_finish:
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.download_recursive_async].
 *
 * Returns: %TRUE if every object was downloaded whole
 */
gboolean
s3dlio_object_store_download_recursive_finish (S3dlioObjectStore  *self,
                                               GAsyncResult       *result,
                                               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        s3dlio_object_store_download_recursive_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  S3dlioObjectStore *store;
  S3dlioBatch       *batch;
  GCancellable      *cancellable;
} RecursiveSyncArgs;

static void
start_download_recursive (gpointer            data,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  RecursiveSyncArgs *args = data;

  s3dlio_object_store_download_recursive_async (args->store, args->batch, args->cancellable,
                                                callback, user_data);
}

/**
 * s3dlio_object_store_download_recursive:
 * @self: a #S3dlioObjectStore, the source
 * @batch: the prefix to download, the directory to write into, and how
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of
 * [method@S3dlio.ObjectStore.download_recursive_async]. The signals of
 * @batch are emitted in the calling thread.
 *
 * Returns: %TRUE if every object was downloaded whole
 */
gboolean
s3dlio_object_store_download_recursive (S3dlioObjectStore  *self,
                                        S3dlioBatch        *batch,
                                        GCancellable       *cancellable,
                                        GError            **error)
{
  RecursiveSyncArgs args = { self, batch, cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_BATCH (batch), FALSE);

  result = _s3dlio_run_sync (start_download_recursive, &args);
  return s3dlio_object_store_download_recursive_finish (self, result, error);
}

/**
 * s3dlio_object_store_upload_recursive_async:
 * @self: a #S3dlioObjectStore, the destination
 * @batch: the directory to upload, the prefix to write under, and how
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when every object ended
 * @user_data: data for @callback
 *
 * Uploads every regular file under the directory of @batch to the prefix
 * of @batch, keeping the structure: `a/b/c.bin` in the directory becomes
 * `s3://bucket/data/a/b/c.bin` under `s3://bucket/data/`. At most
 * [property@S3dlio.Batch:max-concurrent] files are uploaded at a time,
 * each with [method@S3dlio.ObjectStore.put_file_async]. Links to files
 * are followed, links to directories are not walked into, and empty
 * directories make no object.
 *
 * A missing directory fails with %G_IO_ERROR_NOT_FOUND, a file instead of
 * one with %G_IO_ERROR_NOT_DIRECTORY, an unreadable subdirectory with the
 * error of the listing, all before anything is written. Files that fail
 * (unreadable, or whose names make no valid key) are handled as
 * [property@S3dlio.Batch:keep-going] says, as for downloads. Progress is
 * reported through @batch.
 */
void
s3dlio_object_store_upload_recursive_async (S3dlioObjectStore   *self,
                                            S3dlioBatch         *batch,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(S3dlioFileStore) local = NULL;
  g_autoptr(S3dlioUri) source = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *slashed = NULL;
  GError *error = NULL;
  Recursive *r;
  GStatBuf st;

  g_return_if_fail (S3DLIO_IS_OBJECT_STORE (self));
  g_return_if_fail (S3DLIO_IS_BATCH (batch));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_task (self, batch, s3dlio_object_store_upload_recursive_async,
                     cancellable, callback, user_data, &error);
  if (task == NULL)
    return;

  r = recursive_new (self, batch, TRUE, task, &error);
  if (r == NULL)
    {
      fail_early (g_task_get_task_data (task), error);
      return;
    }

  if (g_stat (r->directory, &st) != 0)
    {
      int saved_errno = errno;

      fail_early (r, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                  _("Cannot upload “%s”: %s"), r->directory, g_strerror (saved_errno)));
      return;
    }
  if (!S_ISDIR (st.st_mode))
    {
      fail_early (r, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                                  _("Cannot upload “%s” recursively: it is not a directory"),
                                  r->directory));
      return;
    }

  /* The directory is listed as a file:// prefix, whatever the store. */
  absolute = g_canonicalize_filename (r->directory, NULL);
  slashed = g_str_has_suffix (absolute, "/") ? g_strdup (absolute) : g_strconcat (absolute, "/", NULL);
  g_free (r->directory);
  r->directory = g_strdup (slashed);
  source = s3dlio_uri_new_file (slashed);
  local = s3dlio_file_store_new (NULL);
  s3dlio_object_store_list_all_async (S3DLIO_OBJECT_STORE (local), source, NULL, r->cancellable,
                                      listed_cb, g_object_ref (task));
}

/**
 * s3dlio_object_store_upload_recursive_finish:
 * @self: a #S3dlioObjectStore
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.ObjectStore.upload_recursive_async].
 *
 * Returns: %TRUE if every file was uploaded whole
 */
gboolean
s3dlio_object_store_upload_recursive_finish (S3dlioObjectStore  *self,
                                             GAsyncResult       *result,
                                             GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        s3dlio_object_store_upload_recursive_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_upload_recursive (gpointer            data,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  RecursiveSyncArgs *args = data;

  s3dlio_object_store_upload_recursive_async (args->store, args->batch, args->cancellable,
                                              callback, user_data);
}

/**
 * s3dlio_object_store_upload_recursive:
 * @self: a #S3dlioObjectStore, the destination
 * @batch: the directory to upload, the prefix to write under, and how
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.ObjectStore.upload_recursive_async].
 * The signals of @batch are emitted in the calling thread.
 *
 * Returns: %TRUE if every file was uploaded whole
 */
gboolean
s3dlio_object_store_upload_recursive (S3dlioObjectStore  *self,
                                      S3dlioBatch        *batch,
                                      GCancellable       *cancellable,
                                      GError            **error)
{
  RecursiveSyncArgs args = { self, batch, cancellable };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (S3DLIO_IS_OBJECT_STORE (self), FALSE);
  g_return_val_if_fail (S3DLIO_IS_BATCH (batch), FALSE);

  result = _s3dlio_run_sync (start_upload_recursive, &args);
  return s3dlio_object_store_upload_recursive_finish (self, result, error);
}

/* }}} */
