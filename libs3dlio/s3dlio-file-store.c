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
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3dlio-delete-failure.h"
#include "s3dlio-error.h"
#include "s3dlio-file-list-private.h"
#include "s3dlio-file-store-private.h"
#include "s3dlio-object-store.h"
#include "s3dlio-upload-private.h"

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
 *   directories); content types and metadata are not kept; an upload is
 *   written as one part, with the same progress an `s3://` one reports;
 * - deleting a file that does not exist succeeds, as in S3; deleting a
 *   prefix removes the files under it and the directories it leaves
 *   empty.
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

static void
file_store_list_foreach_async (S3dlioObjectStore   *store,
                               S3dlioUri           *uri,
                               const char          *delimiter,
                               S3dlioListFunc       func,
                               gpointer             func_data,
                               GDestroyNotify       func_notify,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, file_store_list_foreach_async);
  _s3dlio_file_list_foreach (uri, delimiter, func, func_data, func_notify, task);
}

static gboolean
file_store_list_foreach_finish (S3dlioObjectStore  *store,
                                GAsyncResult       *result,
                                GError            **error)
{
  return finish_boolean (store, result, file_store_list_foreach_async, error);
}

/* put and put_file: through a temporary file */

/* An upload (see below): its writes count for its progress. */
typedef struct {
  S3dlioUpload           *upload;
  char                   *path;
  char                   *uri_string;
  S3dlioUploadSourceKind  kind;
  GBytes                 *bytes;
  char                   *source;
  GInputStream           *stream;
  gint64                  declared_size;        /* of the stream; -1: unknown */
  guint64                 written;
} FileUpload;

/* Writes the content of a new file into @fd. */
typedef gboolean (*FillFunc) (int            fd,
                              const char    *temp_path,
                              gpointer       data,
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
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  OpData *op = data;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (op->data, &length);

  return write_all (fd, bytes, length, temp_path, error);
}

/* write_all(), counted for @fu's progress when there is one. */
static gboolean
write_counted (int            fd,
               const guint8  *data,
               gsize          length,
               const char    *temp_path,
               FileUpload    *fu,
               GError       **error)
{
  if (!write_all (fd, data, length, temp_path, error))
    return FALSE;

  if (fu != NULL)
    {
      fu->written += length;
      _s3dlio_upload_add_bytes (fu->upload, length);
    }
  return TRUE;
}

/* Copies the file @source into @fd, to its end whatever its size said
 * (files of /proc say 0). */
static gboolean
copy_file (int            fd,
           const char    *source,
           const char    *temp_path,
           FileUpload    *fu,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BUFFER_SIZE);
  int source_fd = open (source, O_RDONLY | O_CLOEXEC);
  gboolean ok = TRUE;

  if (source_fd < 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_OPEN, source, FALSE);

  while (ok)
    {
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      n = read (source_fd, buffer, COPY_BUFFER_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        ok = _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_READ, source, FALSE);
      else if (n == 0)
        break;
      else
        ok = write_counted (fd, buffer, n, temp_path, fu, error);
    }

  close (source_fd);
  return ok;
}

static gboolean
fill_from_file (int            fd,
                const char    *temp_path,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  OpData *op = data;

  return copy_file (fd, op->source, temp_path, NULL, cancellable, error);
}

/* Writes @path whole or not at all: into a hidden temporary file beside it
 * (same file system, so the rename is atomic), renamed into place. */
static gboolean
write_atomically (const char    *path,
                  FillFunc       fill,
                  gpointer       data,
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

  if (!fill (fd, temp_path, data, cancellable, error))
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

/* upload: put_file's way, from any source, with progress */

static void
file_upload_free (gpointer data)
{
  FileUpload *fu = data;

  g_clear_object (&fu->upload);
  g_free (fu->path);
  g_free (fu->uri_string);
  g_clear_pointer (&fu->bytes, g_bytes_unref);
  g_free (fu->source);
  g_clear_object (&fu->stream);
  g_free (fu);
}

static gboolean
fill_upload_from_bytes (FileUpload    *fu,
                        int            fd,
                        const char    *temp_path,
                        GCancellable  *cancellable,
                        GError       **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (fu->bytes, &length);

  /* In slices, so that progress moves and a cancellation is seen. */
  for (gsize offset = 0; offset < length; offset += COPY_BUFFER_SIZE)
    if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
        !write_counted (fd, data + offset, MIN (COPY_BUFFER_SIZE, length - offset), temp_path, fu, error))
      return FALSE;

  return TRUE;
}

static gboolean
fill_upload_from_file (FileUpload    *fu,
                       int            fd,
                       const char    *temp_path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return copy_file (fd, fu->source, temp_path, fu, cancellable, error);
}

/* A stream of declared size must give exactly that many bytes, as for
 * s3://. */
static gboolean
check_stream_length (FileUpload  *fu,
                     gboolean     at_end,
                     GError     **error)
{
  if (fu->declared_size < 0)
    return TRUE;

  if (fu->written > (guint64) fu->declared_size)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the stream gives more than the %" PRId64 " bytes announced"),
                   fu->uri_string, fu->declared_size);
      return FALSE;
    }
  if (at_end && fu->written < (guint64) fu->declared_size)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the stream ended after %" PRIu64 " of the %" PRId64
                      " bytes announced"), fu->uri_string, fu->written, fu->declared_size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
fill_upload_from_stream (FileUpload    *fu,
                         int            fd,
                         const char    *temp_path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BUFFER_SIZE);

  for (;;)
    {
      GError *read_error = NULL;
      gssize n = g_input_stream_read (fu->stream, buffer, COPY_BUFFER_SIZE, cancellable, &read_error);

      if (n < 0)
        {
          if (!g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (&read_error, _("%s: reading the stream: "), fu->uri_string);
          g_propagate_error (error, read_error);
          return FALSE;
        }
      if (n == 0)
        return check_stream_length (fu, TRUE, error);
      if (!write_counted (fd, buffer, n, temp_path, fu, error) ||
          !check_stream_length (fu, FALSE, error))
        return FALSE;
    }
}

static gboolean
fill_from_upload (int            fd,
                  const char    *temp_path,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  FileUpload *fu = data;

  switch (fu->kind)
    {
    case S3DLIO_UPLOAD_SOURCE_BYTES:
      return fill_upload_from_bytes (fu, fd, temp_path, cancellable, error);
    case S3DLIO_UPLOAD_SOURCE_PATH:
      return fill_upload_from_file (fu, fd, temp_path, cancellable, error);
    case S3DLIO_UPLOAD_SOURCE_STREAM:
      return fill_upload_from_stream (fu, fd, temp_path, cancellable, error);
    case S3DLIO_UPLOAD_SOURCE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* The size to show before the bytes go: known but for a stream without a
 * declared size, whose total is what was read, at the end. */
static gboolean
plan_upload (FileUpload  *fu,
             GError     **error)
{
  struct stat st;

  switch (fu->kind)
    {
    case S3DLIO_UPLOAD_SOURCE_BYTES:
      _s3dlio_upload_set_total_size (fu->upload, g_bytes_get_size (fu->bytes));
      return TRUE;
    case S3DLIO_UPLOAD_SOURCE_PATH:
      if (!check_source (fu->source, error) || stat (fu->source, &st) != 0)
        return FALSE;
      _s3dlio_upload_set_total_size (fu->upload, st.st_size);
      return TRUE;
    case S3DLIO_UPLOAD_SOURCE_STREAM:
      if (fu->declared_size >= 0)
        _s3dlio_upload_set_total_size (fu->upload, fu->declared_size);
      return TRUE;
    case S3DLIO_UPLOAD_SOURCE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* On a worker thread: returns the ETag of the file written. */
static void
upload_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  FileUpload *fu = data;
  GError *error = NULL;
  struct stat st;

  if (!plan_upload (fu, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _s3dlio_upload_set_part_state (fu->upload, 0, S3DLIO_PART_STATE_IN_FLIGHT);
  _s3dlio_upload_add_request (fu->upload);
  if (!write_atomically (fu->path, fill_from_upload, fu, cancellable, &error))
    {
      _s3dlio_upload_set_part_state (fu->upload, 0, S3DLIO_PART_STATE_FAILED);
      g_task_return_error (task, error);
      return;
    }

  _s3dlio_upload_set_total_size (fu->upload, fu->written);
  _s3dlio_upload_set_part_state (fu->upload, 0, S3DLIO_PART_STATE_DONE);
  if (stat (fu->path, &st) != 0)
    {
      _s3dlio_file_set_error (&error, errno, S3DLIO_FILE_OP_STAT, fu->path, FALSE);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, _s3dlio_file_etag (&st), g_free);
}

/* Back on the caller's context: the upload's last progress, then the
 * caller's task. */
static void
upload_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GTask) task = data;
  FileUpload *fu = g_task_get_task_data (task);
  g_autofree char *etag = NULL;
  GError *error = NULL;

  etag = g_task_propagate_pointer (G_TASK (result), &error);
  _s3dlio_upload_end (fu->upload, error, etag);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static FileUpload *
file_upload_new (S3dlioUpload *upload)
{
  FileUpload *fu = g_new0 (FileUpload, 1);
  S3dlioUri *uri = s3dlio_upload_get_uri (upload);
  GBytes *bytes = _s3dlio_upload_get_source_bytes (upload);
  GInputStream *stream = _s3dlio_upload_get_source_stream (upload, &fu->declared_size);

  fu->upload = g_object_ref (upload);
  fu->path = g_strdup (s3dlio_uri_get_path (uri));
  fu->uri_string = s3dlio_uri_to_string (uri);
  fu->kind = _s3dlio_upload_get_source_kind (upload);
  fu->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  fu->source = g_strdup (_s3dlio_upload_get_source_path (upload));
  fu->stream = stream != NULL ? g_object_ref (stream) : NULL;

  return fu;
}

static void
file_store_upload_async (S3dlioObjectStore   *store,
                         S3dlioUpload        *upload,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  g_autoptr(GTask) write_task = NULL;
  FileUpload *fu;
  GError *error = NULL;

  g_task_set_source_tag (task, file_store_upload_async);
  /* What was written is written: a late cancellation is no failure. */
  g_task_set_check_cancellable (task, FALSE);

  if (object_path (s3dlio_upload_get_uri (upload), &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  fu = file_upload_new (upload);
  g_task_set_task_data (task, fu, file_upload_free);
  if (!_s3dlio_upload_begin (upload, g_task_get_context (task), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (fu->kind == S3DLIO_UPLOAD_SOURCE_NONE)
    {
      g_set_error (&error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   _("%s: the upload has no source (set bytes, a file or a stream)"),
                   fu->uri_string);
      _s3dlio_upload_end (upload, error, NULL);
      g_task_return_error (task, error);
      return;
    }

  _s3dlio_upload_set_n_parts (upload, 1);
  write_task = g_task_new (store, cancellable, upload_written_cb, g_object_ref (task));
  g_task_set_check_cancellable (write_task, FALSE);
  g_task_set_task_data (write_task, fu, NULL);
  g_task_run_in_thread (write_task, upload_thread);
}

static gboolean
file_store_upload_finish (S3dlioObjectStore  *store,
                          GAsyncResult       *result,
                          GError            **error)
{
  return finish_boolean (store, result, file_store_upload_async, error);
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

/* delete_prefix */

typedef struct {
  char       *path;
  GListStore *failures;         /* S3dlioDeleteFailure */
  guint64     n_deleted;
} DeletePrefix;

static void
delete_prefix_free (gpointer data)
{
  DeletePrefix *job = data;

  g_free (job->path);
  g_clear_object (&job->failures);
  g_free (job);
}

static gboolean
delete_entry (S3dlioFileWalkEvent   event,
              const char           *key,
              const struct stat    *st,
              gpointer              user_data,
              GError              **error)
{
  DeletePrefix *job = user_data;
  g_autoptr(GError) failure = NULL;
  g_autoptr(S3dlioDeleteFailure) item = NULL;

  if (event == S3DLIO_FILE_WALK_DIRECTORY_DONE)
    {
      /* S3 has no directories: one the deletion left empty goes too. One
       * that still holds something (a file that could not be deleted, a
       * link to a directory, a download under way) stays, without a word. */
      g_rmdir (key);
      return TRUE;
    }

  /* One that went away meanwhile is not ours to count. */
  if (g_unlink (key) == 0)
    job->n_deleted++;
  else if (errno != ENOENT)
    {
      _s3dlio_file_set_error (&failure, errno, S3DLIO_FILE_OP_DELETE, key, FALSE);
      item = s3dlio_delete_failure_new (key, failure);
      g_list_store_append (job->failures, item);
    }

  return TRUE;
}

/* Whether @prefix takes in everything on the machine: all of the root
 * directory, however it is named ("/", "//", "/tmp/..", a link to it). */
static gboolean
is_everything (const char *prefix)
{
  const char *slash = strrchr (prefix, '/');
  g_autofree char *dir = g_strndup (prefix, slash - prefix + 1);
  struct stat root, st;

  return slash[1] == '\0' &&
         stat ("/", &root) == 0 && stat (dir, &st) == 0 &&
         root.st_dev == st.st_dev && root.st_ino == st.st_ino;
}

static void
delete_prefix_thread (GTask        *task,
                      gpointer      source,
                      gpointer      data,
                      GCancellable *cancellable)
{
  DeletePrefix *job = data;
  GError *error = NULL;

  /* rm(1)'s --preserve-root: surely a mistake. Checked first, before a
   * cancellation, so that it can be tested without risk. */
  if (is_everything (job->path))
    {
      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                               _("Refusing to delete everything under “%s”"), job->path);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (!_s3dlio_file_walk (job->path, TRUE, delete_entry, job, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* "file:///data/logs/" names the directory logs itself. */
  if (g_str_has_suffix (job->path, "/"))
    g_rmdir (job->path);

  g_task_return_pointer (task, g_object_ref (job->failures), g_object_unref);
}

static void
file_store_delete_prefix_async (S3dlioObjectStore   *store,
                                S3dlioUri           *uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  DeletePrefix *job = g_new0 (DeletePrefix, 1);

  g_task_set_source_tag (task, file_store_delete_prefix_async);
  /* The thread says whether a cancellation stopped it. */
  g_task_set_check_cancellable (task, FALSE);
  job->failures = g_list_store_new (S3DLIO_TYPE_DELETE_FAILURE);
  g_task_set_task_data (task, job, delete_prefix_free);

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_FILE)
    {
      g_autofree char *text = s3dlio_uri_to_string (uri);

      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                               _("%s: not a file:// URI"), text);
      return;
    }

  job->path = g_strdup (s3dlio_uri_get_path (uri));
  g_task_run_in_thread (task, delete_prefix_thread);
}

static GListModel *
file_store_delete_prefix_finish (S3dlioObjectStore  *store,
                                 GAsyncResult       *result,
                                 guint64            *n_deleted,
                                 GError            **error)
{
  DeletePrefix *job;

  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == file_store_delete_prefix_async, NULL);

  job = g_task_get_task_data (G_TASK (result));
  if (n_deleted != NULL)
    *n_deleted = job->n_deleted;
  return g_task_propagate_pointer (G_TASK (result), error);
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
  iface->list_foreach_async = file_store_list_foreach_async;
  iface->list_foreach_finish = file_store_list_foreach_finish;
  iface->delete_prefix_async = file_store_delete_prefix_async;
  iface->delete_prefix_finish = file_store_delete_prefix_finish;
  iface->upload_async = file_store_upload_async;
  iface->upload_finish = file_store_upload_finish;
}
