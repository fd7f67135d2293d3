/* s3dlio-file-store.c: the file:// backend of S3dlioObjectStore
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3dlio-error.h"
#include "s3dlio-file-list-private.h"
#include "s3dlio-file-store-private.h"
#include "s3dlio-object-store.h"

/**
 * S3dlioFileStore:
 *
 * The `file://` backend of [iface@S3dlio.ObjectStore]: the local file
 * system seen as a store without a root, where the path of a URI is the
 * object and the key of an object is its absolute path.
 *
 * It behaves as the `s3://` backend does, so that callers need not care:
 *
 * - a download is size-aware in the same way: below
 *   [property@S3dlio.Config:threshold] the file is read in one go, above
 *   it it is split into parts of [property@S3dlio.Config:part-size] read
 *   concurrently with `pread()` on a pool of threads, at most
 *   [property@S3dlio.Config:max-inflight] at a time, each straight into its
 *   place in the same destinations (memory, buffer, file, stream, chunks),
 *   with the same progress and part states;
 * - a missing file fails with %S3DLIO_ERROR_NO_SUCH_KEY, a range past the
 *   end with %S3DLIO_ERROR_INVALID_RANGE, a file that changes during a
 *   download with %S3DLIO_ERROR_OBJECT_MODIFIED; other failures are
 *   #GIOErrorEnum errors whose message names the path;
 * - a listing has prefix semantics: `file:///data/ph` lists what starts
 *   with `/data/ph`; with the `/` delimiter it gives the entries of one
 *   directory, subdirectories as items with
 *   [property@S3dlio.ObjectInfo:is-prefix] set; without one, every file
 *   below, in key order. Links to files are followed, links to directories
 *   are not walked into. A directory that does not exist lists nothing;
 * - writes go to a hidden temporary file beside the destination, renamed
 *   into place when complete, so a file never appears half-written;
 *   missing parent directories are created (keys with `/` make
 *   directories); content types and metadata are not kept;
 * - deleting a file that does not exist succeeds, as in S3.
 *
 * The ETag of a file is made of its modification time and size.
 */

struct _S3dlioFileStore
{
  GObject       parent_instance;

  S3dlioConfig *config;
};

static void s3dlio_file_store_iface_init (S3dlioObjectStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (S3dlioFileStore, s3dlio_file_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (S3DLIO_TYPE_OBJECT_STORE,
                                                      s3dlio_file_store_iface_init))

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define COPY_BUFFER_SIZE (1024 * 1024)
#define TEMP_SUFFIX ".s3dlio-XXXXXX"

/* {{{ Helpers shared with the listing and the download */

char *
_s3dlio_file_etag (const struct stat *st)
{
  return g_strdup_printf ("\"%" G_GINT64_MODIFIER "x.%09ld-%" G_GINT64_MODIFIER "x\"",
                          (gint64) st->st_mtim.tv_sec, (long) st->st_mtim.tv_nsec,
                          (gint64) st->st_size);
}

S3dlioObjectInfo *
_s3dlio_file_info_new (const char        *key,
                       const struct stat *st)
{
  S3dlioObjectInfo *info = s3dlio_object_info_new (key);
  g_autoptr(GDateTime) seconds = NULL;
  g_autofree char *etag = _s3dlio_file_etag (st);

  s3dlio_object_info_set_size (info, st->st_size);
  s3dlio_object_info_set_etag (info, etag);
  seconds = g_date_time_new_from_unix_utc (st->st_mtim.tv_sec);
  if (seconds != NULL)
    {
      g_autoptr(GDateTime) mtime = g_date_time_add (seconds, st->st_mtim.tv_nsec / 1000);

      s3dlio_object_info_set_last_modified (info, mtime);
    }

  return info;
}

gboolean
_s3dlio_file_set_error (GError       **error,
                        int            saved_errno,
                        S3dlioFileOp   op,
                        const char    *path,
                        gboolean       missing_is_no_such_key)
{
  g_autofree char *problem = NULL;

  /* Whole phrases, not a verb and a path: translations order them. */
  switch (op)
    {
    case S3DLIO_FILE_OP_OPEN:
      problem = g_strdup_printf (_("Cannot open “%s”"), path);
      break;
    case S3DLIO_FILE_OP_READ:
      problem = g_strdup_printf (_("Cannot read “%s”"), path);
      break;
    case S3DLIO_FILE_OP_WRITE:
      problem = g_strdup_printf (_("Cannot write “%s”"), path);
      break;
    case S3DLIO_FILE_OP_STAT:
      problem = g_strdup_printf (_("Cannot stat “%s”"), path);
      break;
    case S3DLIO_FILE_OP_LIST:
      problem = g_strdup_printf (_("Cannot list “%s”"), path);
      break;
    case S3DLIO_FILE_OP_CREATE_DIRECTORY:
      problem = g_strdup_printf (_("Cannot create the directory “%s”"), path);
      break;
    case S3DLIO_FILE_OP_UPLOAD:
      problem = g_strdup_printf (_("Cannot upload “%s”"), path);
      break;
    case S3DLIO_FILE_OP_DELETE:
    default:
      problem = g_strdup_printf (_("Cannot delete “%s”"), path);
      break;
    }

  if (missing_is_no_such_key && (saved_errno == ENOENT || saved_errno == ENOTDIR))
    g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_KEY,
                 "%s: %s", problem, g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "%s: %s", problem, g_strerror (saved_errno));

  return FALSE;
}

gboolean
_s3dlio_file_is_temporary (const char *name)
{
  gsize len = strlen (name);
  gsize suffix = strlen (TEMP_SUFFIX);

  return name[0] == '.' && len > suffix + 1 &&
         strncmp (name + len - suffix, TEMP_SUFFIX, suffix - 6) == 0;
}

/* }}} */
/* {{{ GObject */

static void
s3dlio_file_store_constructed (GObject *object)
{
  S3dlioFileStore *self = S3DLIO_FILE_STORE (object);

  G_OBJECT_CLASS (s3dlio_file_store_parent_class)->constructed (object);

  if (self->config == NULL)
    self->config = s3dlio_config_new ();
}

static void
s3dlio_file_store_finalize (GObject *object)
{
  S3dlioFileStore *self = (S3dlioFileStore *) object;

  g_clear_object (&self->config);

  G_OBJECT_CLASS (s3dlio_file_store_parent_class)->finalize (object);
}

static void
s3dlio_file_store_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  S3dlioFileStore *self = S3DLIO_FILE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_file_store_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  S3dlioFileStore *self = S3DLIO_FILE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_file_store_class_init (S3dlioFileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = s3dlio_file_store_constructed;
  object_class->finalize = s3dlio_file_store_finalize;
  object_class->get_property = s3dlio_file_store_get_property;
  object_class->set_property = s3dlio_file_store_set_property;

  /**
   * S3dlioFileStore:config:
   *
   * The tuning knobs: part size, threshold and in-flight limit of
   * downloads. Read at the start of every download, so changes apply to
   * the next one.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, S3DLIO_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_file_store_init (S3dlioFileStore *self)
{
}

/**
 * s3dlio_file_store_new:
 * @config: (nullable): the tuning knobs, or %NULL for the defaults
 *
 * Creates a `file://` store. [func@S3dlio.ObjectStore.new_for_uri] makes
 * one for `file://` URIs.
 *
 * Returns: (transfer full): a new #S3dlioFileStore
 */
S3dlioFileStore *
s3dlio_file_store_new (S3dlioConfig *config)
{
  g_return_val_if_fail (config == NULL || S3DLIO_IS_CONFIG (config), NULL);

  return g_object_new (S3DLIO_TYPE_FILE_STORE, "config", config, NULL);
}

/**
 * s3dlio_file_store_get_config:
 * @self: a #S3dlioFileStore
 *
 * Gets the tuning knobs, to read or change.
 *
 * Returns: (transfer none): the config
 */
S3dlioConfig *
s3dlio_file_store_get_config (S3dlioFileStore *self)
{
  g_return_val_if_fail (S3DLIO_IS_FILE_STORE (self), NULL);

  return self->config;
}

/* }}} */
/* {{{ Operations */

/* The path of @uri if it names a file, otherwise %NULL with @error set. */
static const char *
object_path (S3dlioUri  *uri,
             GError    **error)
{
  g_autofree char *text = NULL;

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_FILE && !s3dlio_uri_is_prefix (uri))
    return s3dlio_uri_get_path (uri);

  text = s3dlio_uri_to_string (uri);
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
               _("%s: not a file (a file:// URI with a path that does not end with “/” is needed)"),
               text);
  return NULL;
}

typedef struct {
  S3dlioUri  *uri;
  GBytes     *data;
  char       *source;
} OpData;

static void
op_data_free (gpointer data)
{
  OpData *op = data;

  g_clear_object (&op->uri);
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op->source);
  g_free (op);
}

/* A task for an operation on @uri, run on a thread by @func. Fails at once
 * when @uri names no file. */
static void
run_operation (S3dlioFileStore     *self,
               S3dlioUri           *uri,
               GBytes              *data,
               const char          *source,
               gpointer             source_tag,
               GTaskThreadFunc      func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpData *op = g_new0 (OpData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  op->uri = g_object_ref (uri);
  op->data = data ? g_bytes_ref (data) : NULL;
  op->source = g_strdup (source);
  g_task_set_task_data (task, op, op_data_free);

  if (object_path (uri, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_run_in_thread (task, func);
}

static gboolean
finish_boolean (gpointer       self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* stat */

static void
stat_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  OpData *op = data;
  const char *path = s3dlio_uri_get_path (op->uri);
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autofree char *content_type = NULL;
  gboolean uncertain = TRUE;
  GError *error = NULL;
  struct stat st;

  if (stat (path, &st) != 0)
    {
      _s3dlio_file_set_error (&error, errno, S3DLIO_FILE_OP_STAT, path, TRUE);
      g_task_return_error (task, error);
      return;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                               _("“%s” is a directory, not a file (list it with a trailing “/”)"),
                               path);
      return;
    }

  info = _s3dlio_file_info_new (path, &st);
  content_type = g_content_type_guess (path, NULL, 0, &uncertain);
  if (content_type != NULL && !uncertain)
    {
      g_autofree char *mime_type = g_content_type_get_mime_type (content_type);

      s3dlio_object_info_set_content_type (info, mime_type);
    }

  g_task_return_pointer (task, g_steal_pointer (&info), g_object_unref);
}

static void
file_store_stat_async (S3dlioObjectStore   *store,
                       S3dlioUri           *uri,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  run_operation (S3DLIO_FILE_STORE (store), uri, NULL, NULL, file_store_stat_async,
                 stat_thread, cancellable, callback, user_data);
}

static S3dlioObjectInfo *
file_store_stat_finish (S3dlioObjectStore  *store,
                        GAsyncResult       *result,
                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* download */

static void
file_store_download_async (S3dlioObjectStore   *store,
                           S3dlioTransfer      *transfer,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, file_store_download_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  _s3dlio_file_download_start (S3DLIO_FILE_STORE (store), transfer, task);
}

static gboolean
file_store_download_finish (S3dlioObjectStore  *store,
                            GAsyncResult       *result,
                            GError            **error)
{
  return finish_boolean (store, result, file_store_download_async, error);
}

/* list */

static GListModel *
file_store_list (S3dlioObjectStore *store,
                 S3dlioUri         *uri,
                 const char        *delimiter,
                 GCancellable      *cancellable)
{
  return G_LIST_MODEL (_s3dlio_file_list_new (uri, delimiter, cancellable));
}

/* put and put_file: through a temporary file */

typedef gboolean (*FillFunc) (int            fd,
                              const char    *temp_path,
                              OpData        *op,
                              GCancellable  *cancellable,
                              GError       **error);

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length,
           const char    *temp_path,
           GError       **error)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, MIN (length, G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_WRITE, temp_path, FALSE);
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

static gboolean
fill_from_bytes (int            fd,
                 const char    *temp_path,
                 OpData        *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (op->data, &length);

  return write_all (fd, data, length, temp_path, error);
}

static gboolean
fill_from_file (int            fd,
                const char    *temp_path,
                OpData        *op,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BUFFER_SIZE);
  int source = open (op->source, O_RDONLY | O_CLOEXEC);
  gboolean ok = TRUE;

  if (source < 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_OPEN, op->source, FALSE);

  for (;;)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      n = read (source, buffer, COPY_BUFFER_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          ok = _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_READ, op->source, FALSE);
          break;
        }
      if (n == 0)
        break;
      if (!write_all (fd, buffer, n, temp_path, error))
        {
          ok = FALSE;
          break;
        }
    }

  close (source);
  return ok;
}

/* Writes @path whole or not at all: into a hidden temporary file beside it
 * (same file system, so the rename is atomic), renamed into place. */
static gboolean
write_atomically (const char    *path,
                  FillFunc       fill,
                  OpData        *op,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *temp_path = g_strdup_printf ("%s/.%s" TEMP_SUFFIX, dir, base);
  int saved_errno;
  int fd;

  if (g_mkdir_with_parents (dir, 0777) != 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_CREATE_DIRECTORY, dir, FALSE);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot write to “%s”: it is a directory"), path);
      return FALSE;
    }

  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create a temporary file in “%s” for “%s”: %s"),
                   dir, path, g_strerror (saved_errno));
      return FALSE;
    }

  if (!fill (fd, temp_path, op, cancellable, error))
    goto fail;
  if (fdatasync (fd) != 0)
    {
      _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_WRITE, temp_path, FALSE);
      goto fail;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_WRITE, temp_path, FALSE);
      goto fail;
    }
  fd = -1;
  if (g_rename (temp_path, path) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot rename “%s” to “%s”: %s"), temp_path, path, g_strerror (saved_errno));
      goto fail;
    }

  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (temp_path);
  return FALSE;
}

static void
put_thread (GTask        *task,
            gpointer      source,
            gpointer      data,
            GCancellable *cancellable)
{
  OpData *op = data;
  GError *error = NULL;

  if (!write_atomically (s3dlio_uri_get_path (op->uri), fill_from_bytes, op, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
file_store_put_async (S3dlioObjectStore   *store,
                      S3dlioUri           *uri,
                      GBytes              *data,
                      const char          *content_type,
                      GHashTable          *metadata,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  run_operation (S3DLIO_FILE_STORE (store), uri, data, NULL, file_store_put_async,
                 put_thread, cancellable, callback, user_data);
}

static gboolean
file_store_put_finish (S3dlioObjectStore  *store,
                       GAsyncResult       *result,
                       GError            **error)
{
  return finish_boolean (store, result, file_store_put_async, error);
}

/* The source of put_file must be a regular file, as for S3dlioClient. */
static gboolean
check_source (const char  *path,
              GError     **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_UPLOAD, path, FALSE);
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot upload “%s”: it is a directory"), path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("Cannot upload “%s”: it is not a regular file"), path);
      return FALSE;
    }

  return TRUE;
}

static void
put_file_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  OpData *op = data;
  GError *error = NULL;

  if (!check_source (op->source, &error) ||
      !write_atomically (s3dlio_uri_get_path (op->uri), fill_from_file, op, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
file_store_put_file_async (S3dlioObjectStore   *store,
                           S3dlioUri           *uri,
                           const char          *path,
                           const char          *content_type,
                           GHashTable          *metadata,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  run_operation (S3DLIO_FILE_STORE (store), uri, NULL, path, file_store_put_file_async,
                 put_file_thread, cancellable, callback, user_data);
}

static gboolean
file_store_put_file_finish (S3dlioObjectStore  *store,
                            GAsyncResult       *result,
                            GError            **error)
{
  return finish_boolean (store, result, file_store_put_file_async, error);
}

/* delete */

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  OpData *op = data;
  const char *path = s3dlio_uri_get_path (op->uri);
  GError *error = NULL;

  /* As in S3, deleting what is not there succeeds. */
  if (g_unlink (path) != 0 && errno != ENOENT && errno != ENOTDIR)
    {
      _s3dlio_file_set_error (&error, errno, S3DLIO_FILE_OP_DELETE, path, FALSE);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
file_store_delete_async (S3dlioObjectStore   *store,
                         S3dlioUri           *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  run_operation (S3DLIO_FILE_STORE (store), uri, NULL, NULL, file_store_delete_async,
                 delete_thread, cancellable, callback, user_data);
}

static gboolean
file_store_delete_finish (S3dlioObjectStore  *store,
                          GAsyncResult       *result,
                          GError            **error)
{
  return finish_boolean (store, result, file_store_delete_async, error);
}

/* }}} */

static void
s3dlio_file_store_iface_init (S3dlioObjectStoreInterface *iface)
{
  iface->stat_async = file_store_stat_async;
  iface->stat_finish = file_store_stat_finish;
  iface->download_async = file_store_download_async;
  iface->download_finish = file_store_download_finish;
  iface->list = file_store_list;
  iface->put_async = file_store_put_async;
  iface->put_finish = file_store_put_finish;
  iface->put_file_async = file_store_put_file_async;
  iface->put_file_finish = file_store_put_file_finish;
  iface->delete_async = file_store_delete_async;
  iface->delete_finish = file_store_delete_finish;
}
