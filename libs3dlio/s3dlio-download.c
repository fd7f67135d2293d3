/* s3dlio-download.c: the size-aware GET engine
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include <glib-unix.h>
#include <sys/socket.h>

#include "s3dlio-context-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error-private.h"
#include "s3dlio-error.h"
#include "s3dlio-object-info-private.h"
#include "s3dlio-sink-private.h"
#include "s3dlio-transfer-private.h"

/* How a download goes:
 *
 * 1. The first request is a ranged GET for the first part. Its
 *    Content-Range gives the object size and its ETag pins the version, so
 *    no HEAD round trip is needed, and an object smaller than a part costs
 *    exactly one request. (With head-first, a HEAD comes first instead, as
 *    the seed did; with single-request, one plain GET does it all.)
 * 2. As soon as the first response's headers are in (not its body), the
 *    layout is fixed: the destination is prepared (memory allocated, file
 *    created and sized) and the other parts start, at most max-inflight at
 *    a time, spread over the worker threads, each with If-Match.
 * 3. Each part is read straight into its place in the destination, or
 *    through a small scratch buffer for files and chunk consumers, with
 *    non-blocking reads in a loop driven by a pollable source.
 * 4. Every response is checked (status, Content-Range, length); a part that
 *    fails transiently is retried on its own with backoff; anything else
 *    fails the whole download and stops the other parts at once.
 *
 * A download is a GTask; everything else hangs off its task data. Each
 * request in flight holds a reference on the task. */

#define SCRATCH_SIZE      (256 * 1024)      /* stays in cache */
#define MAX_DIRECT_READ   (1024 * 1024)
#define ERROR_BODY_MAX    (64 * 1024)
#define READS_PER_WAKEUP  32
#define LOW_WATER         (1024 * 1024)     /* see update_low_water() */
#define LOW_WATER_BUSY_POLL (512 * 1024)
#define RECHECK_INTERVAL_MS 50

typedef enum {
  PART_DATA,           /* a ranged GET of a known part, with If-Match */
  PART_PROBE_RANGED,   /* the first part, whose Content-Range gives the size */
  PART_PROBE_PLAIN,    /* one GET without Range: single-request mode */
  PART_PROBE_HEAD,     /* HEAD, for head-first mode */
} PartKind;

typedef struct _Download Download;

typedef struct {
  Download      *dl;
  guint          index;
  PartKind       kind;
  guint64        offset;
  guint64        length;          /* G_MAXUINT64 while unknown */
  guint          attempt;
  gboolean       tried_plain;     /* the fallback for empty objects (416) */
  guint          region_changes;  /* signed again for the bucket's region */

  /* The attempt under way. */
  S3dlioWorker  *worker;
  SoupMessage   *msg;
  GInputStream  *stream;
  GCancellable  *cancellable;
  gulong         chain_id;
  GSource       *read_source;
  GSocket       *socket;                 /* the connection's, when known */
  gsize          low_water;              /* SO_RCVLOWAT set on it, 0 if none */
  GSource       *watchdog;
  GSource       *retry_source;   /* waiting to retry; on the worker */
  guint8        *target;
  guint8        *scratch;
  guint8        *error_body;
  guint64        received;
  gint64         sent_us;
  gint64         started_us;      /* the request left the queue */
  gint64         last_activity_us;
  gint64         connect_started_us;
  gint64         headers_us;
  gboolean       connecting;
  gboolean       got_headers;
  const char    *timeout_reason;
} Part;

struct _Download
{
  S3dlioClient       *client;
  S3dlioSessionPool  *pool;
  S3dlioTransfer     *transfer;
  GTask              *task;          /* unowned: it owns us */
  GMainContext       *context;
  char               *bucket;
  char               *key;
  char               *uri_string;

  guint64             part_size;
  guint64             threshold;
  guint               max_inflight;
  guint               max_retries;
  guint               io_timeout_ms;
  guint               connect_timeout_ms;
  guint               operation_timeout_s;
  gsize               low_water;     /* SO_RCVLOWAT for the body */
  gboolean            head_first;
  gboolean            has_range;
  guint64             range_start;
  guint64             range_length;

  GCancellable       *cancellable;
  GCancellable       *caller_cancellable;
  gulong              caller_cancel_id;

  GMutex              mutex;
  gboolean            layout_known;
  guint64             object_size;
  guint64             length;
  char               *etag;
  GPtrArray          *parts;         /* Part*, the data parts */
  Part               *head;          /* the HEAD probe, head-first only */
  guint               next_part;
  guint               active;        /* started, not yet ended (retry waits too) */
  guint               done;
  GError             *error;
  gboolean            finished;
  S3dlioSink         *sink;
};

static void start_attempt (Part *part);
typedef enum {
  READ_ENDED,       /* the attempt is over (done or failed) */
  READ_WOULD_BLOCK, /* drained: nothing more to read now */
  READ_MORE,        /* the read budget is spent and data may be waiting */
} ReadOutcome;

static void wait_for_body (Part *part);
static void set_low_water (Part *part, gsize bytes);
static ReadOutcome read_body (Part *part);
static void cancel_attempt (Part *part);
static void wake_retries_locked (Download *dl);
static void attempt_failed (Part *part, GError *error);

static void
part_free (gpointer data)
{
  Part *part = data;

  g_assert (part->msg == NULL && part->stream == NULL);
  g_free (part->scratch);
  g_free (part->error_body);
  g_free (part);
}

static Part *
part_new (Download *dl,
          guint     index,
          PartKind  kind,
          guint64   offset,
          guint64   length)
{
  Part *part = g_new0 (Part, 1);

  part->dl = dl;
  part->index = index;
  part->kind = kind;
  part->offset = offset;
  part->length = length;

  return part;
}

static void
download_free (gpointer data)
{
  Download *dl = data;

  if (dl->caller_cancellable != NULL)
    g_cancellable_disconnect (dl->caller_cancellable, dl->caller_cancel_id);
  g_clear_object (&dl->caller_cancellable);
  g_clear_object (&dl->cancellable);
  g_clear_pointer (&dl->sink, _s3dlio_sink_free);
  g_clear_pointer (&dl->parts, g_ptr_array_unref);
  g_clear_pointer (&dl->head, part_free);
  g_clear_error (&dl->error);
  g_clear_object (&dl->transfer);
  g_clear_object (&dl->pool);
  g_clear_object (&dl->client);
  g_clear_pointer (&dl->context, g_main_context_unref);
  g_free (dl->bucket);
  g_free (dl->key);
  g_free (dl->uri_string);
  g_free (dl->etag);
  g_mutex_clear (&dl->mutex);
  g_free (dl);
}

static void
set_part_state (Part            *part,
                S3dlioPartState  state)
{
  if (part->kind != PART_PROBE_HEAD && part->dl->layout_known)
    _s3dlio_transfer_set_part_state (part->dl->transfer, part->index, state);
}

/* Completion, on the caller's context. */

/* Names the object at the start of @error's message, once: some errors
 * are made with its name already. */
static void
name_object (Download  *dl,
             GError   **error)
{
  g_autofree char *prefix = g_strconcat (dl->uri_string, ": ", NULL);

  if (*error != NULL && !g_str_has_prefix ((*error)->message, prefix))
    g_prefix_error (error, "%s", prefix);
}

static gboolean
finish_on_context (gpointer data)
{
  GTask *task = data;
  Download *dl = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = g_steal_pointer (&dl->error);

  if (error == NULL && !_s3dlio_sink_finish (dl->sink, &bytes, &error))
    name_object (dl, &error);
  if (error != NULL)
    _s3dlio_sink_abort (dl->sink);

  _s3dlio_transfer_end (dl->transfer, error, bytes);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

/* Called with the mutex held, by whoever ended the last active part. */
static void
maybe_finish_locked (Download *dl)
{
  gboolean complete = dl->layout_known && dl->done == dl->parts->len;

  if (dl->finished || dl->active > 0 || (dl->error == NULL && !complete))
    return;

  dl->finished = TRUE;
  _s3dlio_main_context_post (dl->context, finish_on_context,
                              g_object_ref (dl->task), g_object_unref);
}

static void
fail_locked (Download *dl,
             GError   *error)
{
  if (dl->error == NULL)
    {
      dl->error = error;
      g_cancellable_cancel (dl->cancellable);
      wake_retries_locked (dl);
    }
  else
    g_error_free (error);
}

static void
caller_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  Download *dl = data;

  g_mutex_lock (&dl->mutex);
  if (dl->error == NULL)
    dl->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  wake_retries_locked (dl);
  g_mutex_unlock (&dl->mutex);

  g_cancellable_cancel (dl->cancellable);
}

/* Starts parts while the in-flight limit allows. The first goes to @worker if given:
 * the worker whose part just ended has an idle connection to reuse. */
static void
schedule_locked (Download     *dl,
                 S3dlioWorker *worker)
{
  while (dl->error == NULL &&
         dl->layout_known &&
         dl->next_part < dl->parts->len &&
         dl->active < dl->max_inflight &&
         _s3dlio_sink_may_start (dl->sink, dl->next_part, dl->max_inflight))
    {
      Part *part = g_ptr_array_index (dl->parts, dl->next_part++);

      if (part->worker == NULL)
        part->worker = g_steal_pointer (&worker);
      dl->active++;
      start_attempt (part);
    }
}

/* Fixes the parts once the object size is known. @probe is the part that
 * brought the size (it becomes part 0 unless it was a HEAD). */
static gboolean
set_layout_locked (Download  *dl,
                   Part      *probe,
                   guint64    object_size,
                   const char *etag,
                   GError   **error)
{
  guint64 start = dl->range_start;
  guint64 length;
  guint64 first = 0;
  guint64 offset;

  if (dl->has_range && start >= object_size && !(start == 0 && object_size == 0))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE,
                   _("%s: the range starts at byte %" PRIu64
                      " but the object has only %" PRIu64),
                   dl->uri_string, start, object_size);
      return FALSE;
    }

  length = MIN (dl->range_length, object_size - start);
  dl->object_size = object_size;
  dl->length = length;
  dl->etag = g_strdup (etag);

  if (probe->kind != PART_PROBE_HEAD)
    {
      /* The probe carries the first bytes; cut it to what it really got. */
      probe->length = MIN (probe->length, length);
      first = probe->length;
      dl->next_part = 1;
    }

  offset = start + first;
  if (length - first > 0)
    {
      if (probe->kind == PART_PROBE_PLAIN)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                       _("%s: the response is shorter than the object"), dl->uri_string);
          return FALSE;
        }
      else if (length < dl->threshold)
        {
          /* Below the threshold the object is not split: the rest (or, after
           * a HEAD, all of it) comes in one request. */
          g_ptr_array_add (dl->parts, part_new (dl, dl->parts->len, PART_DATA,
                                                offset, length - first));
        }
      else
        {
          for (guint64 remaining = length - first; remaining > 0;)
            {
              guint64 n = MIN (remaining, dl->part_size);

              if (dl->parts->len == G_MAXUINT - 1)
                {
                  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                               _("%s: too many parts; use a larger part size"), dl->uri_string);
                  return FALSE;
                }
              g_ptr_array_add (dl->parts, part_new (dl, dl->parts->len, PART_DATA, offset, n));
              offset += n;
              remaining -= n;
            }
        }
    }

  if (!_s3dlio_sink_begin (dl->sink, start, length, error))
    {
      name_object (dl, error);
      return FALSE;
    }

  _s3dlio_transfer_set_layout (dl->transfer, object_size, length, dl->parts->len, etag);
  dl->layout_known = TRUE;

  /* From now on the probe is an ordinary part: if it is retried, it asks
   * for exactly its range, pinned to the ETag, and fixes nothing again. */
  if (probe->kind != PART_PROBE_HEAD)
    probe->kind = PART_DATA;

  g_debug ("%s: %" G_GUINT64_FORMAT " bytes%s in %u part(s) of up to %" G_GUINT64_FORMAT
           " bytes, %u in flight",
           dl->uri_string, length, dl->has_range ? " (range)" : "",
           dl->parts->len, dl->part_size, dl->max_inflight);

  return TRUE;
}

/* Attempt plumbing, on the part's worker thread. */

static void
stream_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
}

/* Ends the attempt's request. A body read to its end is closed so that
 * libsoup hands the connection back to the pool; anything else is
 * cancelled first, which drops the connection instead of reading the rest.
 * The close is asynchronous: a blocking close would stall every other part
 * on this worker thread while libsoup finishes the message. */
static void
clear_attempt (Part     *part,
               gboolean  body_complete)
{
  if (part->read_source != NULL)
    {
      g_source_destroy (part->read_source);
      g_clear_pointer (&part->read_source, g_source_unref);
    }
  if (part->watchdog != NULL)
    {
      g_source_destroy (part->watchdog);
      g_clear_pointer (&part->watchdog, g_source_unref);
    }
  if (part->stream != NULL)
    {
      if (!body_complete)
        g_cancellable_cancel (part->cancellable);
      g_input_stream_close_async (part->stream, G_PRIORITY_DEFAULT, NULL, stream_closed_cb, NULL);
      g_clear_object (&part->stream);
    }
  if (part->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (part->msg, part);
      g_clear_object (&part->msg);
    }
  if (part->cancellable != NULL)
    {
      g_cancellable_disconnect (part->dl->cancellable, part->chain_id);
      part->chain_id = 0;
      g_clear_object (&part->cancellable);
    }
  /* libsoup reads the next response's headers from this socket. */
  if (part->socket != NULL && part->low_water > 1)
    set_low_water (part, 1);
  g_clear_object (&part->socket);
  part->low_water = 0;
  g_clear_pointer (&part->error_body, g_free);
  part->target = NULL;
}

static void
log_attempt (Part         *part,
             const GError *error)
{
  Download *dl = part->dl;
  double ms = (g_get_monotonic_time () - part->sent_us) / 1000.0;
  guint status = part->msg ? soup_message_get_status (part->msg) : 0;
  const char *method = part->kind == PART_PROBE_HEAD ? "HEAD" : "GET";

  if (part->kind == PART_PROBE_PLAIN || part->kind == PART_PROBE_HEAD)
    g_debug ("%s %s -> %u, %" G_GUINT64_FORMAT " bytes in %.1f ms (attempt %u)%s%s",
             method, dl->uri_string, status, part->received, ms, part->attempt,
             error ? ": " : "", error ? error->message : "");
  else
    g_debug ("%s %s bytes=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " -> %u, %"
             G_GUINT64_FORMAT " bytes in %.1f ms (headers after %.1f ms, attempt %u, "
             "worker %u, connection %" G_GUINT64_FORMAT ")%s%s",
             method, dl->uri_string, part->offset,
             part->length == G_MAXUINT64 ? G_MAXUINT64 : part->offset + part->length - 1,
             status, part->received, ms,
             part->headers_us ? (part->headers_us - part->sent_us) / 1000.0 : -1.0,
             part->attempt, _s3dlio_worker_get_index (part->worker),
             part->msg ? soup_message_get_connection_id (part->msg) : 0,
             error ? ": " : "", error ? error->message : "");
}

/* The part's slot is given back only once its connection is back in the
 * session's pool, and the next part goes out on the same worker: started
 * any earlier, it finds no idle connection and opens a new one (measured:
 * 50 to 80 connections for the 128 parts of a 1 GiB download, each
 * starting with a small TCP window, and a third more CPU in the server). */
static void
release_slot (Part *part)
{
  Download *dl = part->dl;
  GTask *task = dl->task;

  g_mutex_lock (&dl->mutex);
  dl->active--;
  schedule_locked (dl, part->worker);
  maybe_finish_locked (dl);
  g_mutex_unlock (&dl->mutex);

  g_object_unref (task);
}

static void
connection_released_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  release_slot (data);
}

static void
part_complete (Part *part)
{
  Download *dl = part->dl;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = g_steal_pointer (&part->stream);

  log_attempt (part, NULL);
  clear_attempt (part, TRUE);
  g_clear_pointer (&part->scratch, g_free);

  if (part->kind != PART_PROBE_HEAD &&
      !_s3dlio_sink_part_done (dl->sink, part->index, &error))
    name_object (dl, &error);

  g_mutex_lock (&dl->mutex);
  if (error != NULL)
    {
      set_part_state (part, S3DLIO_PART_STATE_FAILED);
      fail_locked (dl, g_steal_pointer (&error));
    }
  else if (part->kind != PART_PROBE_HEAD)
    {
      set_part_state (part, S3DLIO_PART_STATE_DONE);
      dl->done++;
    }
  g_mutex_unlock (&dl->mutex);

  /* The body was read to its end: closing hands the connection back. */
  if (stream != NULL)
    g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, connection_released_cb, part);
  else
    release_slot (part);
}

static gboolean
retry_cb (gpointer data)
{
  Part *part = data;
  Download *dl = part->dl;
  gboolean stop;

  g_clear_pointer (&part->retry_source, g_source_unref);

  g_mutex_lock (&dl->mutex);
  stop = dl->error != NULL;
  g_mutex_unlock (&dl->mutex);

  if (stop)
    {
      GTask *task = dl->task;

      g_mutex_lock (&dl->mutex);
      dl->active--;
      maybe_finish_locked (dl);
      g_mutex_unlock (&dl->mutex);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  /* The reference taken for the wait passes to the new attempt. */
  start_attempt (part);
  g_object_unref (dl->task);
  return G_SOURCE_REMOVE;
}

/* Called with the mutex held. A cancellation ends the wait early through
 * wake_retry() on the worker: a cancellable source here, destroyed while
 * another thread cancels, is leaked by GLib 2.74 now and then. */
static void
schedule_retry (Part *part)
{
  Download *dl = part->dl;
  guint delay = _s3dlio_retry_delay_ms (part->attempt);

  g_object_ref (dl->task);
  part->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (part->retry_source, retry_cb, part, NULL);
  g_source_set_static_name (part->retry_source, "[s3dlio] part retry");
  g_source_attach (part->retry_source, _s3dlio_worker_get_context (part->worker));
}

/* On the part's worker: a download that failed or was cancelled stops
 * waiting to retry this part. */
static gboolean
wake_retry (gpointer data)
{
  Part *part = data;

  if (part->retry_source == NULL)
    return G_SOURCE_REMOVE;

  g_source_destroy (part->retry_source);
  retry_cb (part);
  return G_SOURCE_REMOVE;
}

/* Called with the mutex held, once the download has an error. */
static void
wake_retries_locked (Download *dl)
{
  for (guint i = 0; i <= dl->parts->len; i++)
    {
      Part *part = i < dl->parts->len ? g_ptr_array_index (dl->parts, i) : dl->head;

      if (part != NULL && part->retry_source != NULL && part->worker != NULL)
        _s3dlio_worker_invoke (part->worker, wake_retry, part, NULL);
    }
}

static void
attempt_failed (Part   *part,
                GError *error)
{
  Download *dl = part->dl;
  GTask *task = dl->task;
  gboolean cancelled_by_us;

  /* Our watchdog cancels a stalled or slow request: report a timeout. */
  cancelled_by_us = part->timeout_reason != NULL &&
                    g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
                    !g_cancellable_is_cancelled (dl->cancellable);
  if (cancelled_by_us)
    {
      g_clear_error (&error);
      error = g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_TIMEOUT, "%s", part->timeout_reason);
    }
  part->timeout_reason = NULL;

  log_attempt (part, error);
  clear_attempt (part, FALSE);
  _s3dlio_transfer_take_back_bytes (dl->transfer, part->received);
  part->received = 0;

  g_mutex_lock (&dl->mutex);
  if (dl->error != NULL)
    {
      g_error_free (error);
      dl->active--;
      maybe_finish_locked (dl);
    }
  else if (_s3dlio_error_is_transient (error) && part->attempt <= dl->max_retries)
    {
      set_part_state (part, S3DLIO_PART_STATE_RETRYING);
      _s3dlio_transfer_add_retry (dl->transfer);
      g_error_free (error);
      schedule_retry (part);
    }
  else
    {
      if (part->attempt > 1 && _s3dlio_error_is_transient (error))
        g_prefix_error (&error, _("%s: gave up after %u attempts: "), dl->uri_string, part->attempt);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        name_object (dl, &error);
      set_part_state (part, S3DLIO_PART_STATE_FAILED);
      fail_locked (dl, error);
      dl->active--;
      maybe_finish_locked (dl);
    }
  g_mutex_unlock (&dl->mutex);

  g_object_unref (task);
}

/* Body reading. */

static ReadOutcome
read_body (Part *part)
{
  GPollableInputStream *stream = G_POLLABLE_INPUT_STREAM (part->stream);
  Download *dl = part->dl;

  for (guint i = 0; i < READS_PER_WAKEUP; i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 wanted = part->length - part->received;
      guint8 probe_byte;
      guint8 *dest;
      gsize count;
      gssize n;

      if (wanted == 0)
        {
          /* Everything asked for is here: the next read must say EOF. */
          dest = &probe_byte;
          count = 1;
        }
      else if (part->target != NULL)
        {
          dest = part->target + part->received;
          count = MIN (wanted, MAX_DIRECT_READ);
        }
      else
        {
          dest = part->scratch;
          count = MIN (wanted, SCRATCH_SIZE);
        }

      n = g_pollable_input_stream_read_nonblocking (stream, dest, count, part->cancellable, &error);
      if (n > 0)
        {
          if (wanted == 0)
            {
              attempt_failed (part, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                                                 _("The server sent more than the %" PRIu64
                                                    " bytes asked for"), part->length));
              return READ_ENDED;
            }
          if (part->target == NULL &&
              !_s3dlio_sink_write (dl->sink, part->offset + part->received, dest, n, &error))
            {
              g_mutex_lock (&dl->mutex);
              fail_locked (dl, g_error_copy (error));
              g_mutex_unlock (&dl->mutex);
              attempt_failed (part, g_steal_pointer (&error));
              return READ_ENDED;
            }
          part->received += n;
          part->last_activity_us = g_get_monotonic_time ();
          _s3dlio_transfer_add_bytes (dl->transfer, n);

          /* A short read almost always means the socket is drained: wait
           * for it to be readable again rather than pay for a recv() that
           * fails with EAGAIN (measured: most reads were such failures). */
          if ((gsize) n < count)
            return READ_WOULD_BLOCK;
          continue;
        }

      if (n == 0)
        {
          if (part->received == part->length)
            part_complete (part);
          else
            attempt_failed (part, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_CONNECTION,
                                               _("The connection closed after %" PRIu64
                                                  " of %" PRIu64 " bytes"),
                                               part->received, part->length));
          return READ_ENDED;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return READ_WOULD_BLOCK;

      _s3dlio_error_from_transport (&error);
      attempt_failed (part, g_steal_pointer (&error));
      return READ_ENDED;
    }

  /* Still data to read: let the other parts on this thread have a turn. */
  return READ_MORE;
}

static gboolean
body_readable_cb (GObject  *stream,
                  gpointer  data)
{
  Part *part = data;

  switch (read_body (part))
    {
    case READ_ENDED:
      return G_SOURCE_REMOVE;   /* already destroyed with the attempt */
    case READ_MORE:
      return G_SOURCE_CONTINUE;
    case READ_WOULD_BLOCK:
    default:
      wait_for_body (part);     /* a new source */
      return G_SOURCE_REMOVE;
    }
}

static void
set_low_water (Part  *part,
               gsize  bytes)
{
  int value = (int) bytes;

  if (part->low_water == bytes)
    return;
  if (setsockopt (g_socket_get_fd (part->socket), SOL_SOCKET, SO_RCVLOWAT, &value, sizeof value) == 0)
    part->low_water = bytes;
}

/* Asks the kernel not to report the socket readable until LOW_WATER bytes
 * (LOW_WATER_BUSY_POLL with busy polling) of the body are queued, or all
 * that is left of it, so the tail never waits for bytes that will not come.
 *
 * Without it the reader is too quick: it wakes for every segment, takes a
 * few hundred bytes, and each read sends the server a window update. On
 * loopback against nginx that cost the server a third more CPU per GiB
 * than serving curl did, and with BBR's pacing the transfer ran at 0.75x
 * curl -Z with a core partly idle. With 1 MiB (measured 256 KiB to 4 MiB)
 * the size-aware GET ran at 1.14x curl -Z, with half curl's CPU, when
 * the machine was busy just before; after half a second idle, 0.85x
 * (see S3dlioConfig:busy-poll-us for why, and what helps). The
 * kernel grows the receive buffer to fit (Linux >= 4.18), and the
 * recheck in watch_socket() bounds any wait at the recheck interval. */
static void
update_low_water (Part *part)
{
  if (part->socket == NULL || part->length == G_MAXUINT64)
    return;

  set_low_water (part, MAX (1, MIN (part->dl->low_water, part->length - part->received)));
}

static gboolean
socket_readable_cb (int           fd,
                    GIOCondition  condition,
                    gpointer      data)
{
  Part *part = data;
  GSource *source = g_main_current_source ();
  gint64 now;

  /* Whether the socket was readable or not, read: reads never block, and
   * libsoup's stream, not the socket, says where the body ends. */
  if (read_body (part) == READ_ENDED)
    return G_SOURCE_REMOVE;   /* already destroyed with the attempt */
  update_low_water (part);

  /* The recheck (see watch_socket()) is re-armed only once it has fired:
   * setting a ready time wakes the context, which is what is avoided. */
  now = g_source_get_time (source);
  if (g_source_get_ready_time (source) <= now)
    g_source_set_ready_time (source, now + RECHECK_INTERVAL_MS * 1000);

  return G_SOURCE_CONTINUE;
}

/* Watches the connection's socket, level-triggered: libsoup's buffer holds
 * nothing once a read has come back short (and nothing after the headers
 * but what the first read takes), so a readable socket is the only way
 * more body can arrive. */
static void
watch_socket (Part *part)
{
  GSource *source;

  update_low_water (part);
  source = g_unix_fd_source_new (g_socket_get_fd (part->socket), G_IO_IN);
  g_source_set_callback (source, G_SOURCE_FUNC (socket_readable_cb), part, NULL);
  /* No blocking around dispatch: it costs two eventfd writes each time. */
  g_source_set_can_recurse (source, TRUE);
  /* The recheck of wait_for_body(), at no cost while data flows. */
  g_source_set_ready_time (source, g_get_monotonic_time () + RECHECK_INTERVAL_MS * 1000);
  g_source_set_static_name (source, "[s3dlio] part socket");
  g_source_attach (source, _s3dlio_worker_get_context (part->worker));

  part->read_source = source;
}

/* Waits until the body is readable.
 *
 * On a plain-HTTP connection whose socket is known, one source watches the
 * socket for the rest of the attempt (watch_socket()). GLib 2.74 wakes a
 * context with an eventfd write whenever a poll fd is added or removed,
 * and blocks and unblocks every source with fds around its dispatch
 * unless it may recurse, so a source per wait through libsoup's chain of
 * sources cost two to six writes and an extra main-loop iteration per
 * wake-up (measured: ~7,000 writes per GiB, and a fifth of the client's
 * CPU in the main loop).
 *
 * Otherwise (TLS) the wait goes through libsoup's pollable source, made
 * anew for every wait: libsoup builds it from the state of its buffers at
 * that moment (a source made while bytes were buffered is a 0 ms timeout
 * that stays ready for ever), so a source kept across reads could spin. */
static void
wait_for_body (Part *part)
{
  GSource *recheck;

  if (part->socket != NULL)
    {
      if (part->read_source == NULL)
        watch_socket (part);
      return;
    }

  if (part->read_source != NULL)
    {
      g_source_destroy (part->read_source);
      g_source_unref (part->read_source);
    }

  /* No cancellable here: every layer of libsoup would add a cancellable
   * source of its own (measured: a tenth of the CPU of a download went to
   * making them). A cancellation reaches a waiting part through
   * cancel_attempt() instead. */
  part->read_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (part->stream),
                                                             NULL);

  /* Belt and braces: against nginx, about one 1 GiB download in five had
   * a part whose readable socket woke nobody until libsoup's socket
   * timeout fired, seconds later (not root-caused; it looks like a wake-up
   * lost in libsoup's sources). Trying again after a quiet spell bounds
   * that at the recheck interval, for one extra read of an idle socket. */
  recheck = g_timeout_source_new (RECHECK_INTERVAL_MS);
  g_source_set_dummy_callback (recheck);
  g_source_add_child_source (part->read_source, recheck);
  g_source_unref (recheck);

  g_source_set_callback (part->read_source, G_SOURCE_FUNC (body_readable_cb), part, NULL);
  g_source_set_static_name (part->read_source, "[s3dlio] part body");
  g_source_attach (part->read_source, _s3dlio_worker_get_context (part->worker));
}

/* Reads what is there, then waits for more unless the attempt ended. */
static void
read_then_wait (Part *part)
{
  if (read_body (part) != READ_ENDED)
    wait_for_body (part);
}

static void
start_reading (Part *part)
{
  Download *dl = part->dl;

  part->target = _s3dlio_sink_part_target (dl->sink, part->index, part->offset, part->length);
  part->socket = _s3dlio_worker_lookup_socket (part->worker, part->msg);
  if (part->target == NULL && part->scratch == NULL)
    part->scratch = g_malloc (SCRATCH_SIZE);

  /* Data is often there already: read before waiting. */
  read_then_wait (part);
}

/* Response checks. */

static gboolean
check_content_range (Part        *part,
                     guint64     *total,
                     GError     **error)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (part->msg),
                                                    "Content-Range");
  guint64 start, end;

  if (value == NULL)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                           _("The 206 response has no Content-Range"));
      return FALSE;
    }
  if (!_s3dlio_parse_content_range (value, &start, &end, total, error))
    return FALSE;

  if (start != part->offset ||
      (part->length != G_MAXUINT64 && end != part->offset + part->length - 1 &&
       !(part->kind != PART_DATA && end == *total - 1 && end < part->offset + part->length - 1)))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("Asked for bytes %" PRIu64 "-%" PRIu64
                      " but the server sent Content-Range “%s”"),
                   part->offset, part->offset + part->length - 1, value);
      return FALSE;
    }

  if (part->kind != PART_DATA)
    part->length = end - start + 1;

  return TRUE;
}

static gboolean
check_length (Part    *part,
              GError **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (part->msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) != part->length)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                   _("Asked for %" PRIu64 " bytes but the response says Content-Length %"
                      PRId64), part->length, soup_message_headers_get_content_length (headers));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_etag (Part    *part,
            GError **error)
{
  const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (part->msg), "ETag");
  Download *dl = part->dl;

  if (dl->etag != NULL && etag != NULL && strcmp (dl->etag, etag) != 0)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                   _("The object changed during the download (ETag %s, then %s)"), dl->etag, etag);
      return FALSE;
    }

  return TRUE;
}

/* The size: from Content-Length of a 200 or HEAD response. */
static gboolean
whole_object_size (Part     *part,
                   guint64  *size,
                   GError  **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (part->msg);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                           _("The response has no Content-Length"));
      return FALSE;
    }

  *size = soup_message_headers_get_content_length (headers);
  return TRUE;
}

static gboolean
handle_headers (Part    *part,
                GError **error)
{
  Download *dl = part->dl;
  guint status = soup_message_get_status (part->msg);
  const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (part->msg), "ETag");
  guint64 total = 0;
  gboolean ok;

  if (!_s3dlio_check_not_web_page (status, soup_message_get_response_headers (part->msg), error))
    return FALSE;

  switch (part->kind)
    {
    case PART_DATA:
      if (status == SOUP_STATUS_OK && part->offset == 0 && part->length == dl->object_size)
        {
          /* A server that ignores Range sends the whole object again when
           * a part that is the whole object is retried: the same bytes. */
          if (!whole_object_size (part, &total, error))
            return FALSE;
        }
      else if (status != SOUP_STATUS_PARTIAL_CONTENT)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                       _("Asked for a range but got HTTP %u"), status);
          return FALSE;
        }
      else if (!check_content_range (part, &total, error) || !check_length (part, error))
        return FALSE;
      if (!check_etag (part, error))
        return FALSE;
      if (total != dl->object_size)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                       _("The object changed during the download (size %" PRIu64
                          ", then %" PRIu64 ")"), dl->object_size, total);
          return FALSE;
        }
      return TRUE;

    case PART_PROBE_RANGED:
      if (status == SOUP_STATUS_OK && part->offset == 0)
        {
          /* The server ignored Range and sends the whole object. */
          part->kind = PART_PROBE_PLAIN;
          part->length = G_MAXUINT64;
          return handle_headers (part, error);
        }
      if (status != SOUP_STATUS_PARTIAL_CONTENT)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                       _("Asked for a range but got HTTP %u"), status);
          return FALSE;
        }
      if (!check_content_range (part, &total, error) || !check_length (part, error))
        return FALSE;
      break;

    case PART_PROBE_PLAIN:
    case PART_PROBE_HEAD:
      if (status != SOUP_STATUS_OK || !whole_object_size (part, &total, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                         _("Expected HTTP 200 but got %u"), status);
          return FALSE;
        }
      if (part->kind == PART_PROBE_PLAIN)
        part->length = total;
      break;

    default:
      g_assert_not_reached ();
    }

  g_mutex_lock (&dl->mutex);
  ok = set_layout_locked (dl, part, total, etag, error);
  if (ok && part->kind != PART_PROBE_HEAD)
    set_part_state (part, S3DLIO_PART_STATE_IN_FLIGHT);
  if (ok)
    schedule_locked (dl, NULL);
  g_mutex_unlock (&dl->mutex);

  return ok;
}

/* Sending. */

static void
error_body_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Part *part = data;
  SoupMessageHeaders *headers = soup_message_get_response_headers (part->msg);
  GError *error = NULL;
  gsize n = 0;

  /* A broken error body still gives an error from the status alone. */
  g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, NULL);

  /* The bucket is in another region: sign again for it, at once and
   * without using up a retry (at most twice, against ping-pong). */
  if (part->region_changes < 2 &&
      _s3dlio_client_learn_bucket_region (part->dl->client, part->dl->bucket, part->msg,
                                          (const char *) part->error_body, n))
    {
      Download *dl = part->dl;

      part->region_changes++;
      log_attempt (part, NULL);
      clear_attempt (part, FALSE);
      part->attempt--;
      start_attempt (part);
      g_object_unref (dl->task);
      return;
    }

  _s3dlio_error_from_response (soup_message_get_status (part->msg),
                               soup_message_get_reason_phrase (part->msg),
                               (const char *) part->error_body, n,
                               soup_message_headers_get_one (headers, "x-amz-request-id"),
                               &error);

  /* Only If-Match can fail a condition of ours: the object was replaced. */
  if (part->kind == PART_DATA && g_error_matches (error, S3DLIO_ERROR, S3DLIO_ERROR_PRECONDITION_FAILED))
    {
      g_autofree char *detail = g_strdup (error->message);

      g_clear_error (&error);
      error = g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                           _("The object changed during the download (%s)"), detail);
    }
  attempt_failed (part, error);
}

/* s3rver answers a ranged GET of an empty object with 206 and
 * `Content-Range: bytes 0-0/0`, a byte the object does not have, and a
 * Content-Length of 1 with no body: its answer to a plain GET is sound. */
static gboolean
says_object_is_empty (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Content-Range");

  return soup_message_get_status (msg) == SOUP_STATUS_PARTIAL_CONTENT &&
         value != NULL && g_str_has_prefix (value, "bytes ") && g_str_has_suffix (value, "/0");
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Part *part = data;
  GError *error = NULL;
  guint status;

  part->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (part->stream == NULL)
    {
      _s3dlio_error_from_transport (&error);
      attempt_failed (part, error);
      return;
    }

  part->got_headers = TRUE;
  part->headers_us = part->last_activity_us = g_get_monotonic_time ();
  status = soup_message_get_status (part->msg);

  if (part->kind == PART_PROBE_RANGED && part->offset == 0 && !part->tried_plain &&
      (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE || says_object_is_empty (part->msg)))
    {
      /* S3 answers a ranged GET of an empty object with 416: fetch it
       * plainly instead. This does not count as a retry. */
      Download *dl = part->dl;

      log_attempt (part, NULL);
      clear_attempt (part, FALSE);
      part->kind = PART_PROBE_PLAIN;
      part->length = G_MAXUINT64;
      part->tried_plain = TRUE;
      part->attempt--;
      start_attempt (part);
      g_object_unref (dl->task);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      part->error_body = g_malloc (ERROR_BODY_MAX);
      g_input_stream_read_all_async (part->stream, part->error_body, ERROR_BODY_MAX,
                                     G_PRIORITY_DEFAULT, part->cancellable,
                                     error_body_read_cb, part);
      return;
    }

  if (!handle_headers (part, &error))
    {
      attempt_failed (part, error);
      return;
    }

  if (part->kind == PART_PROBE_HEAD)
    {
      part_complete (part);
      return;
    }

  start_reading (part);
}

static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            data)
{
  Part *part = data;

  if (event == G_SOCKET_CLIENT_RESOLVING)
    {
      part->connecting = TRUE;
      part->connect_started_us = g_get_monotonic_time ();
    }
  else if (event == G_SOCKET_CLIENT_COMPLETE)
    {
      part->connecting = FALSE;
      part->last_activity_us = g_get_monotonic_time ();
    }
}

static void
starting_cb (SoupMessage *msg,
             gpointer     data)
{
  Part *part = data;

  /* The request has a connection and goes out now; until here it may
   * have waited for a free connection, which is not a stall. */
  part->started_us = part->last_activity_us = g_get_monotonic_time ();
}

static gboolean
watchdog_cb (gpointer data)
{
  Part *part = data;
  Download *dl = part->dl;
  gint64 now = g_get_monotonic_time ();

  if (part->connecting && dl->connect_timeout_ms > 0 &&
      now - part->connect_started_us > (gint64) dl->connect_timeout_ms * 1000)
    part->timeout_reason = _("Connecting took too long (connect timeout)");
  else if (part->started_us != 0 && !part->connecting && dl->io_timeout_ms > 0 &&
           now - part->last_activity_us > (gint64) dl->io_timeout_ms * 1000)
    part->timeout_reason = _("The connection stalled (no data within the I/O timeout)");
  else if (part->started_us != 0 && dl->operation_timeout_s > 0 &&
           now - part->started_us > (gint64) dl->operation_timeout_s * G_USEC_PER_SEC)
    part->timeout_reason = _("The request took longer than the operation timeout");

  if (part->timeout_reason == NULL)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&part->watchdog, g_source_unref);
  cancel_attempt (part);
  return G_SOURCE_REMOVE;
}

static guint
watchdog_interval_ms (Download *dl)
{
  guint shortest = G_MAXUINT;

  if (dl->io_timeout_ms > 0)
    shortest = MIN (shortest, dl->io_timeout_ms);
  if (dl->connect_timeout_ms > 0)
    shortest = MIN (shortest, dl->connect_timeout_ms);
  if (dl->operation_timeout_s > 0)
    shortest = MIN (shortest, dl->operation_timeout_s * 1000);

  return CLAMP (shortest / 4, 20, 1000);
}

typedef struct {
  Part         *part;
  GCancellable *attempt;   /* which attempt the cancellation was for */
} CancelRequest;

static void
cancel_request_free (gpointer data)
{
  CancelRequest *request = data;

  g_object_unref (request->attempt);
  g_free (request);
}

/* Cancels the attempt under way, on the part's worker thread. A part that
 * waits for its body is not watching the cancellable, so it is woken here:
 * its next read fails with G_IO_ERROR_CANCELLED and the attempt ends. */
static void
cancel_attempt (Part *part)
{
  g_cancellable_cancel (part->cancellable);

  if (part->read_source != NULL && part->stream != NULL)
    {
      g_source_destroy (part->read_source);
      g_clear_pointer (&part->read_source, g_source_unref);
      read_then_wait (part);
    }
}

static gboolean
cancel_on_worker (gpointer data)
{
  CancelRequest *request = data;

  /* The attempt may have ended since; a later one is not ours to cancel. */
  if (request->part->cancellable == request->attempt)
    cancel_attempt (request->part);
  else
    g_cancellable_cancel (request->attempt);
  return G_SOURCE_REMOVE;
}

/* The download was cancelled, maybe from another thread: cancel the
 * request on its own worker thread. libsoup leaks a source now and then
 * when a request's cancellable fires from a thread other than the one
 * running the request. */
static void
chain_cancel (GCancellable *cancellable,
              gpointer      data)
{
  Part *part = data;
  CancelRequest *request = g_new (CancelRequest, 1);

  request->part = part;
  request->attempt = g_object_ref (part->cancellable);
  _s3dlio_worker_invoke (part->worker, cancel_on_worker, request, cancel_request_free);
}

static char *
range_header (Part *part)
{
  if (part->length == G_MAXUINT64)
    return g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", part->offset);

  return g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                          part->offset, part->offset + part->length - 1);
}

static gboolean
send_attempt (gpointer data)
{
  Part *part = data;
  Download *dl = part->dl;
  g_autoptr(S3dlioRequest) request = NULL;
  GError *error = NULL;
  const char *method = part->kind == PART_PROBE_HEAD ? "HEAD" : "GET";

  part->attempt++;
  part->received = 0;
  part->headers_us = 0;
  part->got_headers = FALSE;
  part->connecting = FALSE;
  part->started_us = 0;
  part->sent_us = part->last_activity_us = g_get_monotonic_time ();

  request = _s3dlio_client_new_request (dl->client, method, dl->bucket, dl->key);
  if (part->kind == PART_DATA || part->kind == PART_PROBE_RANGED)
    {
      g_autofree char *range = range_header (part);

      s3dlio_request_set_header (request, "Range", range);
    }
  if (part->kind == PART_DATA && dl->etag != NULL)
    s3dlio_request_set_header (request, "If-Match", dl->etag);

  part->msg = _s3dlio_client_prepare_message (dl->client, request, &error);
  if (part->msg == NULL)
    {
      part->attempt = G_MAXUINT;   /* not worth retrying */
      attempt_failed (part, error);
      return G_SOURCE_REMOVE;
    }

  part->cancellable = g_cancellable_new ();
  part->chain_id = g_cancellable_connect (dl->cancellable, G_CALLBACK (chain_cancel),
                                          part, NULL);

  g_signal_connect (part->msg, "network-event", G_CALLBACK (network_event_cb), part);
  g_signal_connect (part->msg, "starting", G_CALLBACK (starting_cb), part);

  part->watchdog = g_timeout_source_new (watchdog_interval_ms (dl));
  g_source_set_callback (part->watchdog, watchdog_cb, part, NULL);
  g_source_set_static_name (part->watchdog, "[s3dlio] part watchdog");
  g_source_attach (part->watchdog, _s3dlio_worker_get_context (part->worker));

  set_part_state (part, S3DLIO_PART_STATE_IN_FLIGHT);
  _s3dlio_transfer_add_request (dl->transfer);

  soup_session_send_async (_s3dlio_worker_get_session (part->worker), part->msg,
                           G_PRIORITY_DEFAULT, part->cancellable, sent_cb, part);
  return G_SOURCE_REMOVE;
}

/* Takes a reference on the task for the attempt. */
static void
start_attempt (Part *part)
{
  Download *dl = part->dl;

  g_object_ref (dl->task);
  if (part->worker == NULL)
    part->worker = _s3dlio_session_pool_next_worker (dl->pool);
  _s3dlio_worker_invoke (part->worker, send_attempt, part, NULL);
}

void
_s3dlio_download_start (S3dlioClient   *client,
                        S3dlioTransfer *transfer,
                        gboolean        single_request,
                        GTask          *task)
{
  S3dlioConfig *config = s3dlio_client_get_config (client);
  S3dlioUri *uri = s3dlio_transfer_get_uri (transfer);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  Download *dl;
  Part *first;

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_S3 || s3dlio_uri_is_prefix (uri))
    {
      g_autofree char *text = s3dlio_uri_to_string (uri);

      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                               _("%s: not an object (an s3:// URI with a key is needed)"), text);
      return;
    }

  dl = g_new0 (Download, 1);
  g_mutex_init (&dl->mutex);
  dl->client = g_object_ref (client);
  dl->pool = g_object_ref (_s3dlio_client_get_pool (client));
  dl->transfer = g_object_ref (transfer);
  dl->task = task;
  dl->context = g_main_context_ref (g_task_get_context (task));
  dl->bucket = g_strdup (s3dlio_uri_get_bucket (uri));
  dl->key = g_strdup (s3dlio_uri_get_key (uri));
  dl->uri_string = s3dlio_uri_to_string (uri);
  dl->parts = g_ptr_array_new_with_free_func (part_free);
  dl->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, dl, download_free);

  /* Settings are read once: a change applies to the next download. */
  dl->part_size = s3dlio_config_get_part_size (config);
  dl->threshold = s3dlio_config_get_threshold (config);
  dl->max_inflight = s3dlio_config_get_max_inflight (config);
  dl->max_retries = s3dlio_config_get_max_retries (config);
  dl->io_timeout_ms = s3dlio_config_get_io_timeout_ms (config);
  dl->connect_timeout_ms = s3dlio_config_get_connect_timeout_ms (config);
  dl->operation_timeout_s = s3dlio_config_get_operation_timeout (config);
  dl->head_first = s3dlio_config_get_head_first (config);
  /* A busy-polling worker (S3dlioConfig:busy-poll-us) should find the
   * next batch within its polling window, so batches are smaller: with
   * 4 parts at ~4 GB/s, 512 KiB come every ~130 µs across them. Measured
   * with 30 µs polling (1 GiB, 4 in flight, medians of 7): 512 KiB gave
   * the same speed as 256 KiB at 0.15 instead of 0.20 CPU s/GiB; 128 KiB
   * and smaller were slower, 768 KiB no cheaper. */
  dl->low_water = s3dlio_config_get_busy_poll_us (config) > 0 ? LOW_WATER_BUSY_POLL : LOW_WATER;
  dl->has_range = _s3dlio_transfer_get_range (transfer, &dl->range_start, &dl->range_length);
  dl->sink = _s3dlio_sink_new (transfer, dl->part_size * dl->max_inflight);

  if (dl->has_range && dl->range_length == 0)
    {
      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE,
                               _("%s: the range is empty"), dl->uri_string);
      return;
    }
  /* A range past the last possible byte ends there: the Range header's
   * last byte (offset + length - 1) must not wrap around. */
  if (dl->has_range && dl->range_length > G_MAXUINT64 - dl->range_start)
    dl->range_length = G_MAXUINT64 - dl->range_start;

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

  if (single_request || s3dlio_config_get_single_request (config))
    {
      first = part_new (dl, 0, dl->has_range ? PART_PROBE_RANGED : PART_PROBE_PLAIN,
                        dl->range_start, dl->has_range ? dl->range_length : G_MAXUINT64);
      dl->threshold = G_MAXUINT64;
    }
  else if (dl->head_first)
    {
      first = dl->head = part_new (dl, G_MAXUINT, PART_PROBE_HEAD, 0, 0);
    }
  else
    {
      first = part_new (dl, 0, PART_PROBE_RANGED, dl->range_start,
                        MIN (dl->part_size, dl->range_length));
    }
  if (first != dl->head)
    g_ptr_array_add (dl->parts, first);

  g_mutex_lock (&dl->mutex);
  dl->active = 1;
  g_mutex_unlock (&dl->mutex);
  start_attempt (first);
}
