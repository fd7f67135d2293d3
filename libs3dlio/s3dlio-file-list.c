/* s3dlio-file-list.c: a listing of a file:// prefix, filled page by page
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

/* The walk runs on a thread of its own, so that a large tree never blocks
 * the caller's main context; pages of items are queued and appended in
 * that context, in key order, as S3 would list them.
 *
 * Key order: the entries of one directory are sorted by name, with "/"
 * appended to the names of directories. Every key under directory "d" then
 * starts with "d/", so sorting on that is sorting whole keys, and a
 * depth-first walk in that order lists keys in byte order. */

#define PAGE_SIZE 1000
#define MAX_DEPTH 1024

typedef struct {
  GWeakRef      list;
  GMainContext *context;
  GCancellable *cancellable;
  char         *path;
  gboolean      recursive;

  GMutex        mutex;
  GQueue        pages;          /* GPtrArray of S3dlioObjectInfo */
  gboolean      ended;
  GError       *error;
  gboolean      dispatch_pending;
} Walk;

struct _S3dlioFileList
{
  GObject       parent_instance;

  GPtrArray    *items;
  gboolean      loading;
  gboolean      complete;
  GError       *error;

  GCancellable *cancellable;    /* stops the walk */
  GCancellable *caller_cancellable;
  gulong        caller_cancel_id;
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
unlink_caller (S3dlioFileList *self)
{
  if (self->caller_cancellable != NULL)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_cancel_id);
  self->caller_cancel_id = 0;
  g_clear_object (&self->caller_cancellable);
}

static void
s3dlio_file_list_finalize (GObject *object)
{
  S3dlioFileList *self = (S3dlioFileList *) object;

  /* Nobody would see the rest: stop the walk. */
  g_cancellable_cancel (self->cancellable);
  unlink_caller (self);
  g_clear_object (&self->cancellable);
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
  self->cancellable = g_cancellable_new ();
}

/* }}} */
/* {{{ Delivery, in the caller's context */

static void
walk_free (gpointer data)
{
  Walk *walk = data;
  GPtrArray *page;

  g_weak_ref_clear (&walk->list);
  g_main_context_unref (walk->context);
  g_object_unref (walk->cancellable);
  g_free (walk->path);
  while ((page = g_queue_pop_head (&walk->pages)) != NULL)
    g_ptr_array_unref (page);
  g_clear_error (&walk->error);
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
  unlink_caller (self);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  if (self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
dispatch_pages (gpointer data)
{
  Walk *walk = data;
  g_autoptr(S3dlioFileList) self = g_weak_ref_get (&walk->list);
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
  g_mutex_unlock (&walk->mutex);

  while ((page = g_queue_pop_head (&pages)) != NULL)
    {
      /* Handlers of items-changed may drop or cancel the list. */
      if (self != NULL && self->loading)
        append_page (self, page);
      else
        g_ptr_array_unref (page);
    }

  if (ended && self != NULL && self->loading)
    finish_loading (self, g_steal_pointer (&error));
  g_clear_error (&error);

  return G_SOURCE_REMOVE;
}

/* From the walk thread: queues @page (or the end, with @error) and makes
 * sure the caller's context empties the queue. */
static void
deliver (Walk      *walk,
         GPtrArray *page,
         gboolean   end,
         GError    *error)
{
  gboolean schedule;

  g_mutex_lock (&walk->mutex);
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

/* }}} */
/* {{{ The walk, on its own thread */

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

typedef struct {
  Walk      *walk;
  GPtrArray *page;
} WalkState;

static void
add_item (WalkState        *state,
          S3dlioObjectInfo *info)
{
  g_ptr_array_add (state->page, info);
  if (state->page->len >= PAGE_SIZE)
    {
      deliver (state->walk, state->page, FALSE, NULL);
      state->page = g_ptr_array_new_with_free_func (g_object_unref);
    }
}

/* Reads the entries of @dir_path whose names start with @name_prefix,
 * sorted in key order. A missing directory has no entries. */
static GArray *
read_directory (Walk        *walk,
                const char  *dir_path,
                const char  *name_prefix,
                gboolean     top,
                GError     **error)
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

      if (g_cancellable_is_cancelled (walk->cancellable))
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
walk_directory (WalkState   *state,
                const char  *dir_path,
                const char  *name_prefix,
                guint        depth,
                GError     **error)
{
  Walk *walk = state->walk;
  g_autoptr(GArray) entries = NULL;

  if (depth > MAX_DEPTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                   _("Cannot list “%s”: more than %u directories deep"), dir_path, MAX_DEPTH);
      return FALSE;
    }

  entries = read_directory (walk, dir_path, name_prefix, depth == 0, error);
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *key = g_strconcat (dir_path, entry->sort_key, NULL);

      if (g_cancellable_set_error_if_cancelled (walk->cancellable, error))
        return FALSE;

      if (!entry->is_dir)
        {
          add_item (state, _s3dlio_file_info_new (key, &entry->st));
        }
      else if (!walk->recursive)
        {
          S3dlioObjectInfo *info = s3dlio_object_info_new (key);

          s3dlio_object_info_set_is_prefix (info, TRUE);
          add_item (state, info);
        }
      else if (!entry->is_link)
        {
          /* A link to a directory is not walked into: it could loop, or
           * lead anywhere on the machine. */
          if (!walk_directory (state, key, "", depth + 1, error))
            return FALSE;
        }
    }

  return TRUE;
}

static gpointer
walk_thread (gpointer data)
{
  Walk *walk = data;
  WalkState state = { walk, g_ptr_array_new_with_free_func (g_object_unref) };
  const char *slash = strrchr (walk->path, '/');
  g_autofree char *dir_path = g_strndup (walk->path, slash - walk->path + 1);
  GError *error = NULL;

  walk_directory (&state, dir_path, slash + 1, 0, &error);
  if (error == NULL)
    g_cancellable_set_error_if_cancelled (walk->cancellable, &error);
  deliver (walk, state.page, TRUE, error);
  walk_unref (walk);

  return NULL;
}

/* }}} */

static void
cancel_walk (GCancellable *cancellable,
             gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

S3dlioFileList *
_s3dlio_file_list_new (S3dlioUri    *uri,
                       const char   *delimiter,
                       GCancellable *cancellable)
{
  S3dlioFileList *self = g_object_new (S3DLIO_TYPE_FILE_LIST, NULL);
  g_autoptr(GThread) thread = NULL;
  g_autofree char *text = s3dlio_uri_to_string (uri);
  GError *error = NULL;
  Walk *walk;

  self->loading = TRUE;

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_FILE)
    {
      finish_loading (self, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                                         _("%s: not a file:// URI"), text));
      return self;
    }
  if (delimiter != NULL && *delimiter != '\0' && strcmp (delimiter, "/") != 0)
    {
      finish_loading (self, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED,
                                         _("%s: file:// listings take “/” as their only delimiter, not “%s”"),
                                         text, delimiter));
      return self;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      finish_loading (self, error);
      return self;
    }

  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_walk),
                                                      g_object_ref (self->cancellable),
                                                      g_object_unref);
    }

  walk = g_atomic_rc_box_new0 (Walk);
  g_weak_ref_init (&walk->list, self);
  walk->context = g_main_context_ref_thread_default ();
  walk->cancellable = g_object_ref (self->cancellable);
  walk->path = g_strdup (s3dlio_uri_get_path (uri));
  walk->recursive = delimiter == NULL || *delimiter == '\0';
  g_mutex_init (&walk->mutex);
  g_queue_init (&walk->pages);

  thread = g_thread_try_new ("s3dlio-list", walk_thread, walk, &error);
  if (thread == NULL)
    {
      walk_unref (walk);
      g_prefix_error (&error, "%s: ", text);
      finish_loading (self, error);
    }

  return self;
}
