/* s3dlio-file-download.c: the size-aware download of a local file
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "s3dlio-context-private.h"
#include "s3dlio-error.h"
#include "s3dlio-file-store-private.h"
#include "s3dlio-sink-private.h"
#include "s3dlio-transfer-private.h"

/* A file:// download goes the way an s3:// one does, so that callers see
 * the same thing whichever the backend:
 *
 * 1. A first job opens the file and takes its size: the layout is fixed
 *    (one part below the threshold, parts of part-size above it), the sink
 *    is prepared (memory allocated, temporary file created and sized).
 * 2. The parts are read with pread() by jobs on a thread pool shared by all
 *    downloads, at most max-inflight of them queued or running per
 *    download (and a stream sink's window), each straight into its place in
 *    the destination or through a scratch buffer for files and chunks.
 * 3. When every part is read, the file is checked to be the one that was
 *    opened (same size and modification time) and the sink is finished on
 *    the caller's context: the temporary file renamed into place, the
 *    memory handed over.
 *
 * The download is a GTask; everything else hangs off its task data. Every
 * job queued holds a reference on the task. */

#define SCRATCH_SIZE      (256 * 1024)
#define MAX_DIRECT_READ   (1024 * 1024)
#define MAX_POOL_THREADS  128

typedef struct _FileDownload FileDownload;

typedef struct {
  FileDownload *dl;
  guint         index;          /* G_MAXUINT for the opening job */
  guint64       offset;
  guint64       length;
} Job;

struct _FileDownload
{
  S3dlioTransfer *transfer;
  GTask          *task;          /* unowned: it owns us */
  GMainContext   *context;
  char           *path;
  char           *uri_string;

  guint64         part_size;
  guint64         threshold;
  guint           max_inflight;
  gboolean        has_range;
  guint64         range_start;
  guint64         range_length;

  GCancellable   *cancellable;
  GCancellable   *caller_cancellable;
  gulong          caller_cancel_id;

  int             fd;
  struct stat     opened;

  GMutex          mutex;
  gboolean        layout_known;
  GArray         *parts;         /* Job, the data parts */
  guint           next_part;
  guint           active;        /* queued or running */
  guint           done;
  GError         *error;
  gboolean        finished;
  S3dlioSink     *sink;
};

static void run_job (gpointer data, gpointer user_data);

/* One pool for every download: downloads come and go, threads stay for a
 * while. It grows to the largest max-inflight asked for. */
static GThreadPool *
get_pool (guint wanted)
{
  static GMutex mutex;
  static GThreadPool *pool;
  GThreadPool *result;

  wanted = CLAMP (wanted, 1, MAX_POOL_THREADS);

  g_mutex_lock (&mutex);
  if (pool == NULL)
    pool = g_thread_pool_new (run_job, NULL, wanted, FALSE, NULL);
  else if ((guint) g_thread_pool_get_max_threads (pool) < wanted)
    g_thread_pool_set_max_threads (pool, wanted, NULL);
  result = pool;
  g_mutex_unlock (&mutex);

  return result;
}

static void
file_download_free (gpointer data)
{
  FileDownload *dl = data;

  if (dl->caller_cancellable != NULL)
    g_cancellable_disconnect (dl->caller_cancellable, dl->caller_cancel_id);
  g_clear_object (&dl->caller_cancellable);
  g_clear_object (&dl->cancellable);
  g_clear_pointer (&dl->sink, _s3dlio_sink_free);
  g_clear_pointer (&dl->parts, g_array_unref);
  g_clear_error (&dl->error);
  g_clear_object (&dl->transfer);
  g_clear_pointer (&dl->context, g_main_context_unref);
  if (dl->fd >= 0)
    close (dl->fd);
  g_free (dl->path);
  g_free (dl->uri_string);
  g_mutex_clear (&dl->mutex);
  g_free (dl);
}

/* {{{ Completion, on the caller's context */

/* The file must still be the one whose size fixed the layout. */
static gboolean
check_unchanged (FileDownload  *dl,
                 GError       **error)
{
  struct stat now;

  if (fstat (dl->fd, &now) != 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_READ, dl->path, FALSE);

  if (now.st_size != dl->opened.st_size ||
      now.st_mtim.tv_sec != dl->opened.st_mtim.tv_sec ||
      now.st_mtim.tv_nsec != dl->opened.st_mtim.tv_nsec)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                   _("The file changed during the download (size %" PRId64
                      ", then %" PRId64 ")"),
                   (gint64) dl->opened.st_size, (gint64) now.st_size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
finish_on_context (gpointer data)
{
  GTask *task = data;
  FileDownload *dl = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* The caller's cancellable may still fire, from any thread. */
  g_mutex_lock (&dl->mutex);
  error = g_steal_pointer (&dl->error);
  g_mutex_unlock (&dl->mutex);

  if (error == NULL && (!check_unchanged (dl, &error) ||
                        !_s3dlio_sink_finish (dl->sink, &bytes, &error)))
    g_prefix_error (&error, "%s: ", dl->uri_string);
  if (error != NULL)
    _s3dlio_sink_abort (dl->sink);

  _s3dlio_transfer_end (dl->transfer, error, bytes);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

/* Called with the mutex held, by whoever ended the last active job. */
static void
maybe_finish_locked (FileDownload *dl)
{
  gboolean complete = dl->layout_known && dl->done == dl->parts->len;

  if (dl->finished || dl->active > 0 || (dl->error == NULL && !complete))
    return;

  dl->finished = TRUE;
  _s3dlio_main_context_post (dl->context, finish_on_context,
                             g_object_ref (dl->task), g_object_unref);
}

static void
fail_locked (FileDownload *dl,
             GError       *error)
{
  if (dl->error == NULL)
    {
      dl->error = error;
      g_cancellable_cancel (dl->cancellable);
    }
  else
    g_error_free (error);
}

static void
caller_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  FileDownload *dl = data;

  g_mutex_lock (&dl->mutex);
  if (dl->error == NULL)
    dl->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  g_mutex_unlock (&dl->mutex);

  g_cancellable_cancel (dl->cancellable);
}

/* }}} */
/* {{{ Jobs, on the pool */

/* Takes a reference on the task for the job. Called with the mutex held. */
static void
queue_job_locked (FileDownload *dl,
                  Job          *job)
{
  GError *error = NULL;

  g_object_ref (dl->task);
  dl->active++;
  if (!g_thread_pool_push (get_pool (dl->max_inflight), job, &error))
    {
      dl->active--;
      g_object_unref (dl->task);
      if (job->index == G_MAXUINT)
        g_free (job);
      fail_locked (dl, error);
    }
}

/* Queues as many pending parts as the in-flight limit allows. */
static void
schedule_locked (FileDownload *dl)
{
  while (dl->error == NULL &&
         dl->layout_known &&
         dl->next_part < dl->parts->len &&
         dl->active < dl->max_inflight &&
         _s3dlio_sink_may_start (dl->sink, dl->next_part, dl->max_inflight))
    {
      Job *job = &g_array_index (dl->parts, Job, dl->next_part++);

      queue_job_locked (dl, job);
    }
}

static void
add_part (FileDownload *dl,
          guint64       offset,
          guint64       length)
{
  Job job = { dl, dl->parts->len, offset, length };

  g_array_append_val (dl->parts, job);
}

/* Fixes the parts from the file size, as the S3 engine does from
 * Content-Range. Called with the mutex held. */
static gboolean
set_layout_locked (FileDownload  *dl,
                   guint64        size,
                   GError       **error)
{
  g_autofree char *etag = _s3dlio_file_etag (&dl->opened);
  guint64 start = dl->range_start;
  guint64 length;

  if (dl->has_range && start >= size && !(start == 0 && size == 0))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE,
                   _("%s: the range starts at byte %" PRIu64
                      " but the file has only %" PRIu64),
                   dl->uri_string, start, size);
      return FALSE;
    }

  length = MIN (dl->range_length, size - start);
  if (length < dl->threshold || length <= dl->part_size)
    {
      /* Small enough to be read in one go; an empty file is one empty part,
       * as an empty object is one (empty) GET. */
      add_part (dl, start, length);
    }
  else
    {
      if (length / dl->part_size >= G_MAXUINT - 1)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("%s: too many parts; use a larger part size"), dl->uri_string);
          return FALSE;
        }
      for (guint64 offset = start; offset < start + length; offset += dl->part_size)
        add_part (dl, offset, MIN (dl->part_size, start + length - offset));
    }

  if (!_s3dlio_sink_begin (dl->sink, start, length, error))
    {
      g_prefix_error (error, "%s: ", dl->uri_string);
      return FALSE;
    }

  _s3dlio_transfer_set_layout (dl->transfer, size, length, dl->parts->len, etag);
  dl->layout_known = TRUE;

  g_debug ("%s: %" G_GUINT64_FORMAT " bytes%s in %u part(s) of up to %" G_GUINT64_FORMAT
           " bytes, %u in flight",
           dl->uri_string, length, dl->has_range ? " (range)" : "",
           dl->parts->len, dl->part_size, dl->max_inflight);

  return TRUE;
}

static gboolean
open_file (FileDownload  *dl,
           GError       **error)
{
  dl->fd = open (dl->path, O_RDONLY | O_CLOEXEC);
  if (dl->fd < 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_OPEN, dl->path, TRUE);

  if (fstat (dl->fd, &dl->opened) != 0)
    return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_READ, dl->path, FALSE);

  if (S_ISDIR (dl->opened.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot download “%s”: it is a directory"), dl->path);
      return FALSE;
    }
  if (!S_ISREG (dl->opened.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("Cannot download “%s”: it is not a regular file"), dl->path);
      return FALSE;
    }

  return TRUE;
}

static void
run_open (FileDownload *dl)
{
  GError *error = NULL;

  if (!open_file (dl, &error))
    {
      g_mutex_lock (&dl->mutex);
      fail_locked (dl, error);
      g_mutex_unlock (&dl->mutex);
      return;
    }

  g_mutex_lock (&dl->mutex);
  if (dl->error == NULL)
    {
      if (set_layout_locked (dl, dl->opened.st_size, &error))
        schedule_locked (dl);
      else
        fail_locked (dl, error);
    }
  g_mutex_unlock (&dl->mutex);
}

/* Reads one part into its place, or through the scratch buffer. */
static gboolean
read_part (FileDownload  *dl,
           Job           *job,
           GError       **error)
{
  g_autofree guint8 *scratch = NULL;
  guint8 *target = _s3dlio_sink_part_target (dl->sink, job->index, job->offset, job->length);
  guint64 received = 0;

  if (target == NULL)
    scratch = g_malloc (MIN (MAX (job->length, 1), SCRATCH_SIZE));

  while (received < job->length)
    {
      guint64 wanted = job->length - received;
      guint8 *dest = target ? target + received : scratch;
      gsize count = MIN (wanted, target ? MAX_DIRECT_READ : SCRATCH_SIZE);
      ssize_t n;

      if (g_cancellable_set_error_if_cancelled (dl->cancellable, error))
        return FALSE;

      n = pread (dl->fd, dest, count, job->offset + received);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return _s3dlio_file_set_error (error, errno, S3DLIO_FILE_OP_READ, dl->path, FALSE);
        }
      if (n == 0)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                       _("The file changed during the download (it ends at byte %"
                          PRIu64 ", before the %" PRId64 " it had)"),
                       job->offset + received, (gint64) dl->opened.st_size);
          return FALSE;
        }
      if (target == NULL &&
          !_s3dlio_sink_write (dl->sink, job->offset + received, dest, n, error))
        return FALSE;

      received += n;
      _s3dlio_transfer_add_bytes (dl->transfer, n);
    }

  return _s3dlio_sink_part_done (dl->sink, job->index, error);
}

static void
run_part (FileDownload *dl,
          Job          *job)
{
  GError *error = NULL;
  gboolean stop;

  g_mutex_lock (&dl->mutex);
  stop = dl->error != NULL;
  g_mutex_unlock (&dl->mutex);
  if (stop)
    return;

  _s3dlio_transfer_set_part_state (dl->transfer, job->index, S3DLIO_PART_STATE_IN_FLIGHT);
  _s3dlio_transfer_add_request (dl->transfer);

  if (!read_part (dl, job, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "%s: ", dl->uri_string);
      _s3dlio_transfer_set_part_state (dl->transfer, job->index, S3DLIO_PART_STATE_FAILED);
      g_mutex_lock (&dl->mutex);
      fail_locked (dl, error);
      g_mutex_unlock (&dl->mutex);
      return;
    }

  _s3dlio_transfer_set_part_state (dl->transfer, job->index, S3DLIO_PART_STATE_DONE);
  g_mutex_lock (&dl->mutex);
  dl->done++;
  g_mutex_unlock (&dl->mutex);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  FileDownload *dl = job->dl;
  GTask *task = dl->task;

  if (job->index == G_MAXUINT)
    {
      run_open (dl);
      g_free (job);
    }
  else
    {
      run_part (dl, job);
    }

  g_mutex_lock (&dl->mutex);
  dl->active--;
  schedule_locked (dl);
  maybe_finish_locked (dl);
  g_mutex_unlock (&dl->mutex);

  g_object_unref (task);
}

/* }}} */

void
_s3dlio_file_download_start (S3dlioFileStore *store,
                             S3dlioTransfer  *transfer,
                             GTask           *task)
{
  S3dlioConfig *config = s3dlio_file_store_get_config (store);
  S3dlioUri *uri = s3dlio_transfer_get_uri (transfer);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  FileDownload *dl;
  Job *first;

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_FILE || s3dlio_uri_is_prefix (uri))
    {
      g_autofree char *text = s3dlio_uri_to_string (uri);

      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                               _("%s: not a file (a file:// URI with a path that does not end with “/” is needed)"),
                               text);
      return;
    }

  dl = g_new0 (FileDownload, 1);
  g_mutex_init (&dl->mutex);
  dl->fd = -1;
  dl->transfer = g_object_ref (transfer);
  dl->task = task;
  dl->context = g_main_context_ref (g_task_get_context (task));
  dl->path = g_strdup (s3dlio_uri_get_path (uri));
  dl->uri_string = s3dlio_uri_to_string (uri);
  dl->parts = g_array_new (FALSE, TRUE, sizeof (Job));
  dl->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, dl, file_download_free);

  /* Settings are read once: a change applies to the next download. */
  dl->part_size = s3dlio_config_get_part_size (config);
  dl->threshold = s3dlio_config_get_threshold (config);
  dl->max_inflight = s3dlio_config_get_max_inflight (config);
  dl->has_range = _s3dlio_transfer_get_range (transfer, &dl->range_start, &dl->range_length);
  dl->sink = _s3dlio_sink_new (transfer, dl->part_size * dl->max_inflight);

  if (dl->has_range && dl->range_length == 0)
    {
      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE,
                               _("%s: the range is empty"), dl->uri_string);
      return;
    }

  if (!_s3dlio_transfer_begin (transfer, dl->context, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (caller_cancellable != NULL)
    {
      dl->caller_cancellable = g_object_ref (caller_cancellable);
      dl->caller_cancel_id = g_cancellable_connect (caller_cancellable,
                                                    G_CALLBACK (caller_cancelled), dl, NULL);
    }

  first = g_new0 (Job, 1);
  first->dl = dl;
  first->index = G_MAXUINT;

  g_mutex_lock (&dl->mutex);
  queue_job_locked (dl, first);
  maybe_finish_locked (dl);
  g_mutex_unlock (&dl->mutex);
}
