/* s3dlio-bounded-read.c: send a message and read its whole body, up to a
 * limit
 *
 * libsoup's soup_session_send_and_read_async() keeps reading for as long
 * as the server sends, so one endless reply would take all the client's
 * memory. This reads the same way, in blocks, and stops at the limit.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "s3dlio-bounded-read-private.h"
#include "s3dlio-error.h"

#define READ_BLOCK (64 * 1024)

typedef struct {
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
  gsize         max_bytes;
  int           io_priority;
  GCancellable *cancellable;       /* ours: cancelled to drop the connection */
  GCancellable *caller_cancellable;
  gulong        caller_cancel_id;
} BoundedRead;

static void
bounded_read_free (gpointer data)
{
  BoundedRead *read = data;

  if (read->caller_cancellable != NULL)
    g_cancellable_disconnect (read->caller_cancellable, read->caller_cancel_id);
  g_clear_object (&read->caller_cancellable);
  g_clear_object (&read->cancellable);
  g_clear_pointer (&read->body, g_byte_array_unref);
  g_clear_object (&read->stream);
  g_clear_object (&read->msg);
  g_free (read);
}

static void
stream_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
}

/* Gives up on the rest of the body: with the message's cancellable
 * cancelled, libsoup closes the connection instead of reading the body
 * to its end to reuse it. */
static void
drop_stream (BoundedRead *read)
{
  if (read->stream == NULL)
    return;

  g_cancellable_cancel (read->cancellable);
  g_input_stream_close_async (read->stream, read->io_priority, NULL, stream_closed_cb, NULL);
  g_clear_object (&read->stream);
}

static void
return_too_large (GTask  *task,
                  guint64 size,
                  gsize   max_bytes)
{
  BoundedRead *read = g_task_get_task_data (task);

  drop_stream (read);
  if (size > 0)
    g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                             _("The server's reply is %" PRIu64 " bytes long; "
                               "at most %zu are accepted"),
                             size, max_bytes);
  else
    g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                             _("The server's reply is longer than the %zu bytes accepted"),
                             max_bytes);
}

static void read_next (GTask *task);

/* A reply to HEAD declares the object's length, not its own. */
static gboolean
has_body (SoupMessage *msg)
{
  guint status = soup_message_get_status (msg);

  return soup_message_get_method (msg) != SOUP_METHOD_HEAD &&
         status != SOUP_STATUS_NO_CONTENT && status != SOUP_STATUS_NOT_MODIFIED;
}

/* libsoup ends the body without an error when the server closes the
 * connection before Content-Length bytes came. */
static gboolean
check_complete (BoundedRead  *read,
                GError      **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (read->msg);
  goffset declared;

  if (!has_body (read->msg) ||
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return TRUE;

  declared = soup_message_headers_get_content_length (headers);
  if ((goffset) read->body->len == declared)
    return TRUE;

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
               _("The server's reply ended after %u of its %" PRId64 " bytes"),
               read->body->len, (gint64) declared);
  return FALSE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  BoundedRead *read = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      drop_stream (read);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The block was reserved before the read; keep only what came. */
  g_byte_array_set_size (read->body, read->body->len - READ_BLOCK + n);

  if (n == 0 && !check_complete (read, &error))
    {
      drop_stream (read);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (n == 0)
    {
      g_input_stream_close_async (read->stream, read->io_priority, NULL, stream_closed_cb, NULL);
      g_clear_object (&read->stream);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (read->body->len > read->max_bytes)
    {
      return_too_large (task, 0, read->max_bytes);
      return;
    }

  read_next (g_steal_pointer (&task));
}

/* Reads the next block; one byte past the limit is enough to know the
 * body is too long. */
static void
read_next (GTask *task)
{
  BoundedRead *read = g_task_get_task_data (task);
  guint offset = read->body->len;

  g_byte_array_set_size (read->body, offset + READ_BLOCK);
  g_input_stream_read_async (read->stream, read->body->data + offset, READ_BLOCK,
                             read->io_priority, read->cancellable, read_cb, task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  BoundedRead *read = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  read->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (read->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  headers = soup_message_get_response_headers (read->msg);
  if (has_body (read->msg) &&
      soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) soup_message_headers_get_content_length (headers) > read->max_bytes)
    {
      return_too_large (task, soup_message_headers_get_content_length (headers), read->max_bytes);
      return;
    }

  read->body = g_byte_array_new ();
  read_next (g_steal_pointer (&task));
}

static void
caller_cancelled (GCancellable *caller_cancellable,
                  gpointer      data)
{
  GCancellable *cancellable = data;

  g_cancellable_cancel (cancellable);
}

void
_s3dlio_send_and_read_bounded_async (SoupSession         *session,
                                     SoupMessage         *msg,
                                     gsize                max_bytes,
                                     int                  io_priority,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  BoundedRead *read;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, _s3dlio_send_and_read_bounded_async);
  /* Errors come back as they are, not as G_IO_ERROR_CANCELLED: the caller
   * tells a cancellation from a dropped connection itself. */
  g_task_set_check_cancellable (task, FALSE);

  read = g_new0 (BoundedRead, 1);
  read->msg = g_object_ref (msg);
  read->max_bytes = max_bytes;
  read->io_priority = io_priority;
  read->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, read, bounded_read_free);
  if (cancellable != NULL)
    {
      read->caller_cancellable = g_object_ref (cancellable);
      /* The cancellable lives as long as the task's data, which outlives
       * the handler: no destroy notify needed. */
      read->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled),
                                                      read->cancellable, NULL);
    }

  soup_session_send_async (session, msg, io_priority, read->cancellable, sent_cb, task);
}

GBytes *
_s3dlio_send_and_read_bounded_finish (SoupSession   *session,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
