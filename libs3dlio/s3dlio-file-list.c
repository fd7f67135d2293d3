/* s3dlio-file-list.c: listings of a file:// prefix, page by page
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3dlio-context-private.h"
#include "s3dlio-error.h"
#include "s3dlio-file-list-private.h"
#include "s3dlio-file-store-private.h"
#include "s3dlio-object-info.h"

/* A walk runs on a thread of its own, so that a large tree never blocks
 * the caller's main context; pages of items are queued and handed over in
 * that context, in key order, as S3 would list them: to a list model that
 * keeps them all, or to the function of a list_foreach that sees each page
 * once. For the latter the walk waits while a page is queued, so memory
 * stays bounded whatever the size of the tree.
 *
 * Key order: the entries of one directory are sorted by name, with "/"
 * appended to the names of directories. Every key under directory "d" then
 * starts with "d/", so sorting on that is sorting whole keys, and a
 * depth-first walk in that order lists keys in byte order. */

#define PAGE_SIZE 1000
#define MAX_DEPTH 1024

/* Who takes the pages of a walk, in the caller's context. */
typedef struct {
  /* Takes @page. */
  void (*page) (gpointer   consumer,
                GPtrArray *page);
  /* Called once, at the end; takes @consumer and @error (%NULL when the
   * walk is complete). */
  void (*end)  (gpointer   consumer,
                GError    *error);
} WalkConsumer;

typedef struct {
  GMainContext       *context;
  GCancellable       *stop;             /* the consumer's: stops the walk */
  gulong              wake_id;
  GCancellable       *caller_cancellable;
  gulong              caller_cancel_id;
  char               *path;
  gboolean            recursive;
  guint               max_pages;        /* queued before the walk waits; 0: it never waits */

  const WalkConsumer *consumer_class;
  gpointer            consumer;         /* %NULL once ended */
  GDestroyNotify      consumer_free;    /* for a walk whose end never ran */

  GMutex              mutex;
  GCond               cond;
  GQueue              pages;            /* GPtrArray of S3dlioObjectInfo */
  gboolean            ended;
  GError             *error;
  gboolean            dispatch_pending;
  gboolean            dispatching;      /* in the caller's context */
} Walk;

struct _S3dlioFileList
{
  GObject       parent_instance;

  GPtrArray    *items;
  gboolean      loading;
  gboolean      complete;
  GError       *error;

  GCancellable *stop;           /* stops the walk */
};

static void s3dlio_file_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (S3dlioFileList, _s3dlio_file_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      s3dlio_file_list_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_ERROR,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* {{{ The walk itself, in the calling thread */

typedef struct {
  S3dlioFileWalkFunc  func;
  gpointer            user_data;
  GCancellable       *cancellable;
  gboolean            recursive;
} WalkRun;

typedef struct {
  char        *name;
  char        *sort_key;
  struct stat  st;
  gboolean     is_dir;
  gboolean     is_link;
} Entry;

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
  g_free (entry->sort_key);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Entry *) a)->sort_key, ((const Entry *) b)->sort_key);
}

/* Reads the entries of @dir_path whose names start with @name_prefix,
 * sorted in key order. A missing directory has no entries. */
static GArray *
read_directory (GCancellable  *cancellable,
                const char    *dir_path,
                const char    *name_prefix,
                gboolean       top,
                GError       **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  struct dirent *dent;
  DIR *dir;
  int fd;

  g_array_set_clear_func (entries, entry_clear);

  fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      /* As in S3, a prefix nothing is under lists nothing. A directory that
       * went away during the walk is just as empty. */
      if (saved_errno == ENOENT || (top && saved_errno == ENOTDIR))
        return g_steal_pointer (&entries);
      _s3dlio_file_set_error (error, saved_errno, S3DLIO_FILE_OP_LIST, dir_path, FALSE);
      return NULL;
    }

  while ((errno = 0, dent = readdir (dir)) != NULL)
    {
      Entry entry = { 0 };
      struct stat lst;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (strcmp (dent->d_name, ".") == 0 || strcmp (dent->d_name, "..") == 0 ||
          !g_str_has_prefix (dent->d_name, name_prefix) ||
          _s3dlio_file_is_temporary (dent->d_name))
        continue;

      /* Symbolic links are followed; dangling ones and entries that went
       * away since readdir() are left out. */
      if (fstatat (fd, dent->d_name, &entry.st, 0) != 0 ||
          fstatat (fd, dent->d_name, &lst, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (!S_ISREG (entry.st.st_mode) && !S_ISDIR (entry.st.st_mode))
        continue;

      entry.name = g_strdup (dent->d_name);
      entry.is_dir = S_ISDIR (entry.st.st_mode);
      entry.is_link = S_ISLNK (lst.st_mode);
      entry.sort_key = entry.is_dir ? g_strconcat (entry.name, "/", NULL) : g_strdup (entry.name);
      g_array_append_val (entries, entry);
    }
  if (errno != 0 && dent == NULL)
    {
      int saved_errno = errno;

      closedir (dir);
      _s3dlio_file_set_error (error, saved_errno, S3DLIO_FILE_OP_LIST, dir_path, FALSE);
      return NULL;
    }
  closedir (dir);

  g_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

static gboolean
walk_directory (WalkRun     *run,
                const char  *dir_path,
                const char  *name_prefix,
                guint        depth,
                GError     **error)
{
  g_autoptr(GArray) entries = NULL;

  if (depth > MAX_DEPTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                   _("Cannot list “%s”: more than %u directories deep"), dir_path, MAX_DEPTH);
      return FALSE;
    }

  entries = read_directory (run->cancellable, dir_path, name_prefix, depth == 0, error);
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *key = g_strconcat (dir_path, entry->sort_key, NULL);

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      if (!entry->is_dir)
        {
          if (!run->func (S3DLIO_FILE_WALK_FILE, key, &entry->st, run->user_data, error))
            return FALSE;
        }
      else if (!run->recursive)
        {
          if (!run->func (S3DLIO_FILE_WALK_DIRECTORY, key, &entry->st, run->user_data, error))
            return FALSE;
        }
      else if (!entry->is_link)
        {
          /* A link to a directory is not walked into: it could loop, or
           * lead anywhere on the machine. */
          if (!walk_directory (run, key, "", depth + 1, error) ||
              !run->func (S3DLIO_FILE_WALK_DIRECTORY_DONE, key, &entry->st, run->user_data, error))
            return FALSE;
        }
    }

  return TRUE;
}

gboolean
_s3dlio_file_walk (const char          *path,
                   gboolean             recursive,
                   S3dlioFileWalkFunc   func,
                   gpointer             user_data,
                   GCancellable        *cancellable,
                   GError             **error)
{
  WalkRun run = { func, user_data, cancellable, recursive };
  const char *slash;
  g_autofree char *dir_path = NULL;

  g_return_val_if_fail (g_path_is_absolute (path), FALSE);

  /* "/data/ph" is the entries of "/data/" whose names start with "ph". */
  slash = strrchr (path, '/');
  dir_path = g_strndup (path, slash - path + 1);
  if (!walk_directory (&run, dir_path, slash + 1, 0, error))
    return FALSE;

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* }}} */
/* {{{ Walks on a thread, handing pages to a consumer */

static void
walk_free (gpointer data)
{
  Walk *walk = data;
  GPtrArray *page;

  /* Its end never ran: the context went away first. */
  if (walk->consumer != NULL && walk->consumer_free != NULL)
    walk->consumer_free (walk->consumer);
  g_main_context_unref (walk->context);
  g_object_unref (walk->stop);
  g_clear_object (&walk->caller_cancellable);
  g_free (walk->path);
  while ((page = g_queue_pop_head (&walk->pages)) != NULL)
    g_ptr_array_unref (page);
  g_clear_error (&walk->error);
  g_cond_clear (&walk->cond);
  g_mutex_clear (&walk->mutex);
}

static Walk *
walk_ref (Walk *walk)
{
  return g_atomic_rc_box_acquire (walk);
}

static void
walk_unref (gpointer walk)
{
  g_atomic_rc_box_release_full (walk, walk_free);
}

/* In the caller's context: hands what the walk queued to the consumer,
 * until the queue is empty. A consumer that iterates the context (a nested
 * main loop) must not be handed the next page before it is done with this
 * one: a dispatch nested in another leaves the queue to the outer one. */
static gboolean
dispatch_pages (gpointer data)
{
  Walk *walk = data;

  if (walk->dispatching)
    return G_SOURCE_REMOVE;
  walk->dispatching = TRUE;

  while (walk->consumer != NULL)
    {
      GQueue pages = G_QUEUE_INIT;
      GError *error = NULL;
      gboolean ended;
      GPtrArray *page;

      g_mutex_lock (&walk->mutex);
      pages = walk->pages;
      g_queue_init (&walk->pages);
      ended = walk->ended;
      error = g_steal_pointer (&walk->error);
      walk->ended = FALSE;
      walk->dispatch_pending = FALSE;
      /* Room again: a walk that waits may go on. */
      g_cond_broadcast (&walk->cond);
      g_mutex_unlock (&walk->mutex);

      if (pages.length == 0 && !ended)
        break;

      while ((page = g_queue_pop_head (&pages)) != NULL)
        {
          if (walk->consumer != NULL)
            walk->consumer_class->page (walk->consumer, page);
          else
            g_ptr_array_unref (page);
        }

      if (ended && walk->consumer != NULL)
        walk->consumer_class->end (g_steal_pointer (&walk->consumer), g_steal_pointer (&error));
      g_clear_error (&error);
    }

  walk->dispatching = FALSE;
  return G_SOURCE_REMOVE;
}

/* From the walk thread: queues @page (or the end, with @error) and makes
 * sure the caller's context empties the queue. A bounded walk first waits
 * for room. */
static void
deliver (Walk      *walk,
         GPtrArray *page,
         gboolean   end,
         GError    *error)
{
  gboolean schedule;

  g_mutex_lock (&walk->mutex);
  while (page != NULL && walk->max_pages > 0 && walk->pages.length >= walk->max_pages &&
         !g_cancellable_is_cancelled (walk->stop))
    g_cond_wait (&walk->cond, &walk->mutex);
  if (page != NULL)
    g_queue_push_tail (&walk->pages, page);
  if (end)
    {
      walk->ended = TRUE;
      walk->error = error;
    }
  schedule = !walk->dispatch_pending;
  walk->dispatch_pending = TRUE;
  g_mutex_unlock (&walk->mutex);

  if (schedule)
    _s3dlio_main_context_post (walk->context, dispatch_pages, walk_ref (walk), walk_unref);
}

typedef struct {
  Walk      *walk;
  GPtrArray *page;
} WalkState;

static gboolean
add_entry (S3dlioFileWalkEvent   event,
           const char           *key,
           const struct stat    *st,
           gpointer              user_data,
           GError              **error)
{
  WalkState *state = user_data;
  S3dlioObjectInfo *info;

  switch (event)
    {
    case S3DLIO_FILE_WALK_FILE:
      info = _s3dlio_file_info_new (key, st);
      break;
    case S3DLIO_FILE_WALK_DIRECTORY:
      info = s3dlio_object_info_new (key);
      s3dlio_object_info_set_is_prefix (info, TRUE);
      break;
    case S3DLIO_FILE_WALK_DIRECTORY_DONE:
    default:
      return TRUE;
    }

  g_ptr_array_add (state->page, info);
  if (state->page->len >= PAGE_SIZE)
    {
      deliver (state->walk, g_steal_pointer (&state->page), FALSE, NULL);
      state->page = g_ptr_array_new_with_free_func (g_object_unref);
    }

  return TRUE;
}

static gpointer
walk_thread (gpointer data)
{
  Walk *walk = data;
  WalkState state = { walk, g_ptr_array_new_with_free_func (g_object_unref) };
  GError *error = NULL;

  _s3dlio_file_walk (walk->path, walk->recursive, add_entry, &state, walk->stop, &error);
  deliver (walk, state.page, TRUE, error);

  if (walk->caller_cancellable != NULL)
    g_cancellable_disconnect (walk->caller_cancellable, walk->caller_cancel_id);
  g_cancellable_disconnect (walk->stop, walk->wake_id);
  walk_unref (walk);

  return NULL;
}

static void
cancel_walk (GCancellable *cancellable,
             gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/* A walk waiting for room must see that it was stopped. */
static void
wake_walk (GCancellable *cancellable,
           gpointer      data)
{
  Walk *walk = data;

  g_mutex_lock (&walk->mutex);
  g_cond_broadcast (&walk->cond);
  g_mutex_unlock (&walk->mutex);
}

/* Starts a walk of @uri on a thread, its pages going to @consumer in the
 * caller's thread-default context. @stop (the consumer's) and @cancellable
 * stop it. Takes @consumer: on failure, it is freed and @error set. */
static gboolean
walk_start (S3dlioUri           *uri,
            const char          *delimiter,
            guint                max_pages,
            GCancellable        *stop,
            GCancellable        *cancellable,
            const WalkConsumer  *consumer_class,
            gpointer             consumer,
            GDestroyNotify       consumer_free,
            GError             **error)
{
  g_autoptr(GThread) thread = NULL;
  Walk *walk;

  walk = g_atomic_rc_box_new0 (Walk);
  walk->context = g_main_context_ref_thread_default ();
  walk->stop = g_object_ref (stop);
  walk->path = g_strdup (s3dlio_uri_get_path (uri));
  walk->recursive = delimiter == NULL || *delimiter == '\0';
  walk->max_pages = max_pages;
  walk->consumer_class = consumer_class;
  walk->consumer = consumer;
  walk->consumer_free = consumer_free;
  g_mutex_init (&walk->mutex);
  g_cond_init (&walk->cond);
  g_queue_init (&walk->pages);

  /* The thread disconnects both before it drops its reference. */
  walk->wake_id = g_cancellable_connect (stop, G_CALLBACK (wake_walk), walk, NULL);
  if (cancellable != NULL)
    {
      walk->caller_cancellable = g_object_ref (cancellable);
      walk->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_walk),
                                                      g_object_ref (stop), g_object_unref);
    }

  thread = g_thread_try_new ("s3dlio-list", walk_thread, walk, error);
  if (thread == NULL)
    {
      g_autofree char *text = s3dlio_uri_to_string (uri);

      if (walk->caller_cancellable != NULL)
        g_cancellable_disconnect (walk->caller_cancellable, walk->caller_cancel_id);
      g_cancellable_disconnect (stop, walk->wake_id);
      walk_unref (walk);
      g_prefix_error (error, "%s: ", text);
      return FALSE;
    }

  return TRUE;
}

/* What a file:// listing can be asked. */
static gboolean
check_listing (S3dlioUri     *uri,
               const char    *delimiter,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *text = s3dlio_uri_to_string (uri);

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_FILE)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                   _("%s: not a file:// URI"), text);
      return FALSE;
    }
  if (delimiter != NULL && *delimiter != '\0' && strcmp (delimiter, "/") != 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED,
                   _("%s: file:// listings take “/” as their only delimiter, not “%s”"),
                   text, delimiter);
      return FALSE;
    }

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* }}} */
/* {{{ GListModel */

static GType
s3dlio_file_list_get_item_type (GListModel *model)
{
  return S3DLIO_TYPE_OBJECT_INFO;
}

static guint
s3dlio_file_list_get_n_items (GListModel *model)
{
  return S3DLIO_FILE_LIST (model)->items->len;
}

static gpointer
s3dlio_file_list_get_item (GListModel *model,
                           guint       position)
{
  S3dlioFileList *self = S3DLIO_FILE_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
s3dlio_file_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = s3dlio_file_list_get_item_type;
  iface->get_n_items = s3dlio_file_list_get_n_items;
  iface->get_item = s3dlio_file_list_get_item;
}

/* }}} */
/* {{{ GObject */

static void
s3dlio_file_list_finalize (GObject *object)
{
  S3dlioFileList *self = (S3dlioFileList *) object;

  /* Nobody would see the rest: stop the walk. */
  g_cancellable_cancel (self->stop);
  g_clear_object (&self->stop);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (_s3dlio_file_list_parent_class)->finalize (object);
}

static void
s3dlio_file_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  S3dlioFileList *self = S3DLIO_FILE_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STATUS_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
_s3dlio_file_list_class_init (S3dlioFileListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_file_list_finalize;
  object_class->get_property = s3dlio_file_list_get_property;

  /* The same status properties as S3dlioObjectList. */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, STATUS_FLAGS);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE, STATUS_FLAGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, STATUS_FLAGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
_s3dlio_file_list_init (S3dlioFileList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->stop = g_cancellable_new ();
}

/* }}} */
/* {{{ The list as a consumer: it keeps every page */

/* Takes @page. */
static void
append_page (S3dlioFileList *self,
             GPtrArray      *page)
{
  guint position = self->items->len;
  guint added = page->len;

  g_ptr_array_extend_and_steal (self->items, page);
  if (added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
finish_loading (S3dlioFileList *self,
                GError         *error)
{
  self->loading = FALSE;
  self->complete = error == NULL;
  self->error = error;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  if (self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* The walk holds the list weakly: dropping the list stops the walk. */
static void
list_page (gpointer   consumer,
           GPtrArray *page)
{
  g_autoptr(S3dlioFileList) self = g_weak_ref_get (consumer);

  /* Handlers of items-changed may drop or cancel the list. */
  if (self != NULL && self->loading)
    append_page (self, page);
  else
    g_ptr_array_unref (page);
}

static void
list_end (gpointer  consumer,
          GError   *error)
{
  g_autoptr(S3dlioFileList) self = g_weak_ref_get (consumer);

  if (self != NULL && self->loading)
    finish_loading (self, error);
  else
    g_clear_error (&error);
  weak_ref_free (consumer);
}

static const WalkConsumer list_consumer = { list_page, list_end };

S3dlioFileList *
_s3dlio_file_list_new (S3dlioUri    *uri,
                       const char   *delimiter,
                       GCancellable *cancellable)
{
  S3dlioFileList *self = g_object_new (S3DLIO_TYPE_FILE_LIST, NULL);
  GError *error = NULL;
  GWeakRef *ref;

  self->loading = TRUE;

  if (!check_listing (uri, delimiter, cancellable, &error))
    {
      finish_loading (self, error);
      return self;
    }

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  if (!walk_start (uri, delimiter, 0, self->stop, cancellable,
                   &list_consumer, ref, weak_ref_free, &error))
    finish_loading (self, error);

  return self;
}

/* }}} */
/* {{{ list_foreach as a consumer: each page once */

typedef struct {
  S3dlioListFunc  func;
  gpointer        func_data;
  GDestroyNotify  func_notify;
  GCancellable   *stop;
  gboolean        stopped;
} ForeachData;

static void
foreach_data_free (gpointer data)
{
  ForeachData *foreach = data;

  if (foreach->func_notify != NULL)
    foreach->func_notify (foreach->func_data);
  g_clear_object (&foreach->stop);
  g_free (foreach);
}

static void
foreach_page (gpointer   consumer,
              GPtrArray *page)
{
  ForeachData *foreach = g_task_get_task_data (G_TASK (consumer));

  for (guint i = 0; i < page->len && !foreach->stopped; i++)
    {
      if (foreach->func (g_ptr_array_index (page, i), foreach->func_data))
        continue;

      /* As for s3://: nothing more is listed, and that is a success. */
      foreach->stopped = TRUE;
      g_cancellable_cancel (foreach->stop);
    }

  g_ptr_array_unref (page);
}

static void
foreach_end (gpointer  consumer,
             GError   *error)
{
  GTask *task = consumer;
  ForeachData *foreach = g_task_get_task_data (task);

  /* A walk stopped by the function ends cancelled: no error. */
  if (error != NULL && !foreach->stopped)
    g_task_return_error (task, error);
  else
    {
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

static const WalkConsumer foreach_consumer = { foreach_page, foreach_end };

void
_s3dlio_file_list_foreach (S3dlioUri      *uri,
                           const char     *delimiter,
                           S3dlioListFunc  func,
                           gpointer        func_data,
                           GDestroyNotify  func_notify,
                           GTask          *task)
{
  ForeachData *foreach = g_new0 (ForeachData, 1);
  GError *error = NULL;

  foreach->func = func;
  foreach->func_data = func_data;
  foreach->func_notify = func_notify;
  foreach->stop = g_cancellable_new ();
  g_task_set_task_data (task, foreach, foreach_data_free);

  /* One page queued at most: the walk runs just ahead of the function. */
  if (!check_listing (uri, delimiter, g_task_get_cancellable (task), &error) ||
      !walk_start (uri, delimiter, 1, foreach->stop, g_task_get_cancellable (task),
                   &foreach_consumer, g_object_ref (task), g_object_unref, &error))
    g_task_return_error (task, error);
}

/* }}} */
