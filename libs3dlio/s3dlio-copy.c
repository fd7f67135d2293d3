/* s3dlio-copy.c: the server-side copy engine (CopyObject, and multipart
 * copies with UploadPartCopy)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "s3dlio-client-private.h"
#include "s3dlio-encode-private.h"
#include "s3dlio-error.h"
#include "s3dlio-multipart-private.h"
#include "s3dlio-object-info-private.h"
#include "s3dlio-xml-private.h"

/* How a copy goes (as s3transfer, the engine of the AWS CLI, does it):
 *
 * 1. A HEAD of the source gives its size, its ETag and its headers.
 * 2. An empty source, or one below upload-threshold, is copied with one
 *    CopyObject, which copies the content type and metadata along.
 * 3. A larger one is copied in parts: CreateMultipartUpload on the
 *    destination, carrying the source's Content-Type, Cache-Control,
 *    Content-Disposition, Content-Encoding, Content-Language, Expires and
 *    user metadata from the HEAD (a multipart copy does not copy them);
 *    then one UploadPartCopy per part of upload-part-size (larger if that
 *    would make more than 10000 parts), at most upload-inflight at a time,
 *    each naming its byte range of the source and pinned to the ETag of
 *    the HEAD with x-amz-copy-source-if-match, so that a source replaced
 *    meanwhile fails the copy rather than mixing two versions; then
 *    CompleteMultipartUpload.
 * 4. _s3dlio_client_send_async() retries requests that fail transiently;
 *    a part answered 200 with a transient <Error> body (S3 may do that
 *    once the copy has started) is retried here.
 * 5. On any failure, cancellation included, the upload is aborted once no
 *    part is in flight any more, so that no orphaned parts remain, and
 *    only then does the operation return. Once every part is in, the copy
 *    completes: it is too late to cancel.
 *
 * Everything here runs on the caller's main context: the requests go out
 * on the worker threads, but their callbacks come back to it, so the state
 * needs no lock. Each request in flight and each retry wait holds a
 * reference on the task. */

typedef struct _Copy Copy;

typedef struct {
  Copy    *copy;
  guint    number;          /* from 1 */
  guint64  first;
  guint64  last;
  guint    attempt;
  GSource *retry_wait;
  char    *etag;
} CopyPart;

struct _Copy
{
  S3dlioClient       *client;
  GTask              *task;               /* unowned: it owns us */
  GMainContext       *context;
  S3dlioUri          *source;
  S3dlioUri          *destination;
  char               *copy_source;        /* x-amz-copy-source */
  char               *uri_string;         /* the destination, for debug output */

  /* Settings, read once: a change applies to the next copy. */
  guint64             threshold;
  guint64             part_size;
  guint               inflight;
  guint               max_retries;

  GCancellable       *cancellable;        /* ours: stops what is in flight */
  GCancellable       *caller_cancellable;
  gulong              caller_cancel_id;

  char               *source_etag;        /* from the HEAD, as sent */
  SoupMessageHeaders *source_headers;

  gboolean            multipart;
  char               *upload_id;
  CopyPart           *parts;
  guint               n_parts;
  guint               next_part;
  guint               parts_active;       /* in flight or waiting to retry */
  guint               parts_done;

  guint               active;             /* requests and retry waits */
  gboolean            completing;
  gboolean            copied;
  gboolean            aborting;
  gboolean            returned;
  GError             *error;
};

static void advance (Copy *copy);

/* {{{ Life cycle */

static void
copy_free (gpointer data)
{
  Copy *copy = data;

  g_assert (copy->caller_cancel_id == 0);
  for (guint i = 0; i < copy->n_parts; i++)
    {
      g_assert (copy->parts[i].retry_wait == NULL);
      g_free (copy->parts[i].etag);
    }
  g_free (copy->parts);
  g_free (copy->upload_id);
  g_clear_pointer (&copy->source_headers, soup_message_headers_unref);
  g_free (copy->source_etag);
  g_clear_error (&copy->error);
  g_clear_object (&copy->caller_cancellable);
  g_clear_object (&copy->cancellable);
  g_free (copy->uri_string);
  g_free (copy->copy_source);
  g_clear_object (&copy->destination);
  g_clear_object (&copy->source);
  g_clear_pointer (&copy->context, g_main_context_unref);
  g_clear_object (&copy->client);
  g_free (copy);
}

/* Records the first failure and stops whatever is under way: requests
 * see their cancellable cancelled, retry waits end at once. */
static void
fail (Copy   *copy,
      GError *error)
{
  if (copy->error != NULL)
    {
      g_error_free (error);
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *from = s3dlio_uri_to_string (copy->source);
      g_autofree char *to = s3dlio_uri_to_string (copy->destination);

      g_prefix_error (&error, _("Copying %s to %s: "), from, to);
    }
  copy->error = error;

  g_cancellable_cancel (copy->cancellable);
  for (guint i = 0; i < copy->n_parts; i++)
    if (copy->parts[i].retry_wait != NULL)
      g_source_set_ready_time (copy->parts[i].retry_wait, 0);
}

static void
return_result (Copy *copy)
{
  copy->returned = TRUE;

  /* Here, on the caller's context, while the task is alive: a handler
   * running in another thread is waited for. */
  if (copy->caller_cancel_id != 0)
    g_cancellable_disconnect (copy->caller_cancellable, copy->caller_cancel_id);
  copy->caller_cancel_id = 0;

  if (copy->error != NULL)
    g_task_return_error (copy->task, g_steal_pointer (&copy->error));
  else
    g_task_return_boolean (copy->task, TRUE);
}

/* Sends @request from the caller's context, holding a reference on the
 * task until the callback calls end_step(). Creating, completing and
 * aborting the upload are not cancellable: an upload that was created
 * must be known, and aborted. */
static void
send_request (Copy                *copy,
              S3dlioRequest       *request,
              gboolean             cancellable,
              GAsyncReadyCallback  callback,
              gpointer             data)
{
  copy->active++;
  g_object_ref (copy->task);
  g_main_context_push_thread_default (copy->context);
  _s3dlio_client_send_async (copy->client, request, cancellable ? copy->cancellable : NULL,
                             callback, data);
  g_main_context_pop_thread_default (copy->context);
}

/* The end of a request or a retry wait: the operation moves on. The
 * reference on the task goes last, since it may free the copy. */
static void
end_step (Copy *copy)
{
  GTask *task = copy->task;

  copy->active--;
  advance (copy);
  g_object_unref (task);
}

static gboolean
cancel_on_context (gpointer data)
{
  Copy *copy = g_task_get_task_data (G_TASK (data));

  if (!copy->returned && !copy->completing)
    {
      fail (copy, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled")));
      advance (copy);
    }

  return G_SOURCE_REMOVE;
}

/* From any thread: the work is done on the caller's context. */
static void
caller_cancelled (GCancellable *cancellable,
                  gpointer      data)
{
  Copy *copy = data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, cancel_on_context, g_object_ref (copy->task), g_object_unref);
  g_source_set_static_name (source, "[s3dlio] cancel copy");
  g_source_attach (source, copy->context);
  g_source_unref (source);
}

/* }}} */
/* {{{ The end: abort or return */

static void
abort_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Copy *copy = data;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  g_debug ("%s: %s the multipart upload %s%s%s", copy->uri_string,
           response != NULL ? "aborted" : "cannot abort", copy->upload_id,
           error ? ": " : "", error ? error->message : "");
  _s3dlio_multipart_note_abort (&copy->error, copy->upload_id, error);
  g_clear_pointer (&copy->upload_id, g_free);

  end_step (copy);
}

static void
start_abort (Copy *copy)
{
  g_autoptr(S3dlioRequest) request = NULL;

  copy->aborting = TRUE;
  request = _s3dlio_multipart_abort_request (copy->client, s3dlio_uri_get_bucket (copy->destination),
                                             s3dlio_uri_get_key (copy->destination), copy->upload_id);
  send_request (copy, request, FALSE, abort_cb, copy);
}

/* }}} */
/* {{{ CompleteMultipartUpload */

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Copy *copy = data;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioCompleteMultipartUploadResult) complete = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  /* A 200 may still carry an <Error>: the parser makes it one. */
  if (response != NULL)
    complete = _s3dlio_xml_parse_complete_multipart_upload (g_bytes_get_data (response->body, NULL),
                                                            g_bytes_get_size (response->body),
                                                            &error);
  if (complete != NULL)
    {
      g_debug ("%s: completed the multipart copy %s of %u parts, ETag %s",
               copy->uri_string, copy->upload_id, copy->n_parts, complete->etag);
      g_clear_pointer (&copy->upload_id, g_free);
      copy->copied = TRUE;
    }
  else
    {
      g_prefix_error (&error, _("completing the multipart upload: "));
      fail (copy, error);
    }

  end_step (copy);
}

static void
start_complete (Copy *copy)
{
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree const char **etags = g_new (const char *, copy->n_parts);

  copy->completing = TRUE;
  for (guint i = 0; i < copy->n_parts; i++)
    etags[i] = copy->parts[i].etag;
  request = _s3dlio_multipart_complete_request (copy->client,
                                                s3dlio_uri_get_bucket (copy->destination),
                                                s3dlio_uri_get_key (copy->destination),
                                                copy->upload_id, etags, copy->n_parts);
  send_request (copy, request, FALSE, complete_cb, copy);
}

/* }}} */
/* {{{ UploadPartCopy */

static void send_part (CopyPart *part);

static gboolean
retry_part_cb (gpointer data)
{
  CopyPart *part = data;
  Copy *copy = part->copy;

  g_clear_pointer (&part->retry_wait, g_source_unref);
  if (copy->error == NULL)
    send_part (part);
  else
    copy->parts_active--;
  end_step (copy);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CopyPart *part)
{
  Copy *copy = part->copy;

  copy->active++;
  g_object_ref (copy->task);
  part->retry_wait = g_timeout_source_new (_s3dlio_retry_delay_ms (part->attempt));
  g_source_set_callback (part->retry_wait, retry_part_cb, part, NULL);
  g_source_set_static_name (part->retry_wait, "[s3dlio] copy part retry");
  g_source_attach (part->retry_wait, copy->context);
}

/* What a part's failure means for the copy. */
static GError *
part_error (CopyPart *part,
            GError   *error)
{
  GError *modified;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  /* Only x-amz-copy-source-if-match can fail a condition of ours. */
  if (!g_error_matches (error, S3DLIO_ERROR, S3DLIO_ERROR_PRECONDITION_FAILED))
    {
      g_prefix_error (&error, _("part %u: "), part->number);
      return error;
    }

  modified = g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_OBJECT_MODIFIED,
                          _("The source changed during the copy: it is no longer %s (part %u: %s)"),
                          part->copy->source_etag, part->number, error->message);
  g_error_free (error);
  return modified;
}

static void
part_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  CopyPart *part = data;
  Copy *copy = part->copy;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioCopyResult) copied = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  /* S3 may answer 200 and only then fail: the body is an <Error>. */
  if (response != NULL)
    copied = _s3dlio_xml_parse_copy_result (g_bytes_get_data (response->body, NULL),
                                            g_bytes_get_size (response->body), &error);
  if (copied != NULL && (copied->etag == NULL || copied->etag[0] == '\0'))
    g_set_error (&error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                 _("The server copied the part but sent no ETag (HTTP %u)"), response->status);

  g_debug ("%s: part %u (bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ") attempt %u%s%s",
           copy->uri_string, part->number, part->first, part->last,
           part->attempt, error ? ": " : " copied", error ? error->message : "");

  if (error == NULL)
    {
      part->etag = g_strdup (copied->etag);
      copy->parts_done++;
      copy->parts_active--;
    }
  /* Only the errors of a 200 are left to retry: the others were retried
   * already. */
  else if (copy->error == NULL && response != NULL && _s3dlio_error_is_transient (error) &&
           part->attempt <= copy->max_retries)
    {
      g_error_free (error);
      schedule_retry (part);
    }
  else
    {
      copy->parts_active--;
      fail (copy, part_error (part, error));
    }

  end_step (copy);
}

static void
send_part (CopyPart *part)
{
  Copy *copy = part->copy;
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree char *number = g_strdup_printf ("%u", part->number);
  g_autofree char *range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                                            part->first, part->last);

  part->attempt++;
  request = _s3dlio_client_new_request (copy->client, "PUT",
                                        s3dlio_uri_get_bucket (copy->destination),
                                        s3dlio_uri_get_key (copy->destination));
  s3dlio_request_add_query (request, "partNumber", number);
  s3dlio_request_add_query (request, "uploadId", copy->upload_id);
  s3dlio_request_set_header (request, "x-amz-copy-source", copy->copy_source);
  s3dlio_request_set_header (request, "x-amz-copy-source-range", range);
  if (copy->source_etag != NULL)
    s3dlio_request_set_header (request, "x-amz-copy-source-if-match", copy->source_etag);
  send_request (copy, request, TRUE, part_cb, part);
}

/* Starts parts as the in-flight limit allows. */
static void
start_parts (Copy *copy)
{
  while (copy->error == NULL && copy->next_part < copy->n_parts &&
         copy->parts_active < copy->inflight)
    {
      copy->parts_active++;
      send_part (&copy->parts[copy->next_part++]);
    }
}

/* }}} */
/* {{{ CreateMultipartUpload */

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Copy *copy = data;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioMultipartUpload) created = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  if (response != NULL)
    created = _s3dlio_xml_parse_initiate_multipart_upload (g_bytes_get_data (response->body, NULL),
                                                           g_bytes_get_size (response->body),
                                                           &error);
  if (created != NULL)
    {
      /* Kept even if the copy failed meanwhile: it is aborted then. */
      copy->upload_id = g_strdup (created->upload_id);
      g_debug ("%s: created the multipart upload %s for a copy in %u parts",
               copy->uri_string, copy->upload_id, copy->n_parts);
    }
  else
    {
      g_prefix_error (&error, _("creating the multipart upload: "));
      fail (copy, error);
    }

  end_step (copy);
}

/* A multipart copy does not copy what describes the object: it is given
 * to the new upload, as CopyObject would have kept it. */
static void
add_source_headers (Copy          *copy,
                    S3dlioRequest *request)
{
  static const char *const carried[] = {
    "Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding",
    "Content-Language", "Expires",
  };
  SoupMessageHeadersIter iter;
  const char *name, *value;

  for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
    {
      const char *list = soup_message_headers_get_list (copy->source_headers, carried[i]);

      if (list != NULL)
        s3dlio_request_set_header (request, carried[i], list);
    }

  soup_message_headers_iter_init (&iter, copy->source_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-amz-meta-", 11) == 0 && name[11] != '\0')
      s3dlio_request_set_header (request, name,
                                 soup_message_headers_get_list (copy->source_headers, name));
}

static void
start_multipart (Copy    *copy,
                 guint64  size,
                 guint64  part_size)
{
  g_autoptr(S3dlioRequest) request = NULL;

  copy->multipart = TRUE;
  copy->n_parts = (guint) (size / part_size + (size % part_size != 0));
  copy->parts = g_new0 (CopyPart, copy->n_parts);
  for (guint i = 0; i < copy->n_parts; i++)
    {
      CopyPart *part = &copy->parts[i];

      part->copy = copy;
      part->number = i + 1;
      part->first = i * part_size;
      part->last = MIN (part->first + part_size, size) - 1;
    }

  request = _s3dlio_multipart_create_request (copy->client,
                                              s3dlio_uri_get_bucket (copy->destination),
                                              s3dlio_uri_get_key (copy->destination));
  add_source_headers (copy, request);
  send_request (copy, request, FALSE, create_cb, copy);
}

/* }}} */
/* {{{ CopyObject */

static void
single_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Copy *copy = data;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioCopyResult) copied = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  /* S3 may answer 200 and only then fail: the body is an <Error>. */
  if (response != NULL)
    copied = _s3dlio_xml_parse_copy_result (g_bytes_get_data (response->body, NULL),
                                            g_bytes_get_size (response->body), &error);
  if (copied != NULL)
    copy->copied = TRUE;
  else
    fail (copy, error);

  end_step (copy);
}

static void
start_single (Copy *copy)
{
  g_autoptr(S3dlioRequest) request = NULL;

  request = _s3dlio_client_new_request (copy->client, "PUT",
                                        s3dlio_uri_get_bucket (copy->destination),
                                        s3dlio_uri_get_key (copy->destination));
  s3dlio_request_set_header (request, "x-amz-copy-source", copy->copy_source);
  send_request (copy, request, TRUE, single_cb, copy);
}

/* }}} */
/* {{{ HEAD, and the plan */

static void
plan (Copy               *copy,
      guint64             size,
      SoupMessageHeaders *headers)
{
  guint64 part_size;

  copy->source_etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));

  if (size == 0 || size < copy->threshold)
    {
      g_debug ("%s: copying %" G_GUINT64_FORMAT " bytes with CopyObject", copy->uri_string, size);
      start_single (copy);
      return;
    }

  part_size = _s3dlio_multipart_part_size (size, copy->part_size);
  if (part_size == 0)
    {
      fail (copy, g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                               _("%" PRIu64 " bytes do not fit in %u parts of at most %"
                                  PRIu64 " bytes"), size, S3DLIO_MULTIPART_MAX_PARTS,
                               S3DLIO_MULTIPART_MAX_PART_SIZE));
      return;
    }

  /* Without an ETag, the parts cannot be pinned to one version. */
  if (copy->source_etag == NULL)
    g_debug ("%s: the source has no ETag: its parts are copied unpinned", copy->uri_string);
  g_debug ("%s: copying %" G_GUINT64_FORMAT " bytes in parts of %" G_GUINT64_FORMAT
           ", %u in flight", copy->uri_string, size, part_size, copy->inflight);

  copy->source_headers = soup_message_headers_ref (headers);
  start_multipart (copy, size, part_size);
}

static void
head_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Copy *copy = data;
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioObjectInfo) info = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (copy->client, result, &error);
  if (response != NULL)
    info = _s3dlio_object_info_new_from_headers (s3dlio_uri_get_key (copy->source),
                                                 response->headers, &error);
  if (info == NULL)
    fail (copy, error);
  else if (g_cancellable_set_error_if_cancelled (copy->caller_cancellable, &error))
    /* Cancelled while the HEAD was out, and the handler's idle has not
     * run yet: create nothing that would then have to be aborted. */
    fail (copy, error);
  else if (copy->error == NULL)
    plan (copy, s3dlio_object_info_get_size (info), response->headers);

  end_step (copy);
}

/* }}} */

/* Moves on once something ended. */
static void
advance (Copy *copy)
{
  if (copy->returned)
    return;

  if (copy->upload_id != NULL && !copy->completing)
    start_parts (copy);

  if (copy->active > 0)
    return;

  if (copy->error != NULL && copy->upload_id != NULL && !copy->aborting)
    start_abort (copy);
  else if (copy->error != NULL || copy->copied)
    return_result (copy);
  else if (copy->multipart && copy->parts_done == copy->n_parts && !copy->completing)
    start_complete (copy);
  else
    g_assert_not_reached ();
}

void
_s3dlio_copy_start (S3dlioClient *client,
                    S3dlioUri    *source,
                    S3dlioUri    *destination,
                    GTask        *task)
{
  S3dlioConfig *config = s3dlio_client_get_config (client);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);
  g_autoptr(S3dlioRequest) request = NULL;
  GString *copy_source;
  Copy *copy;

  copy = g_new0 (Copy, 1);
  copy->client = g_object_ref (client);
  copy->task = task;
  copy->context = g_main_context_ref (g_task_get_context (task));
  copy->source = g_object_ref (source);
  copy->destination = g_object_ref (destination);
  copy->uri_string = s3dlio_uri_to_string (destination);
  copy->cancellable = g_cancellable_new ();
  copy->threshold = s3dlio_config_get_upload_threshold (config);
  copy->part_size = s3dlio_config_get_upload_part_size (config);
  copy->inflight = s3dlio_config_get_upload_inflight (config);
  copy->max_retries = s3dlio_config_get_max_retries (config);
  g_task_set_task_data (task, copy, copy_free);
  /* The result says what happened: a copy that completed even though it
   * was cancelled meanwhile (too late) succeeded. */
  g_task_set_check_cancellable (task, FALSE);

  /* `/bucket/key`, URL-encoded: the key may hold `?`, `%`, spaces… */
  copy_source = g_string_new ("/");
  g_string_append (copy_source, s3dlio_uri_get_bucket (source));
  g_string_append_c (copy_source, '/');
  _s3dlio_uri_encode_append (copy_source, s3dlio_uri_get_key (source), -1, TRUE);
  copy->copy_source = g_string_free (copy_source, FALSE);

  /* The HEAD holds a reference on the task: a cancellation handler that
   * runs at once finds it alive. */
  request = _s3dlio_client_new_request (client, "HEAD", s3dlio_uri_get_bucket (source),
                                        s3dlio_uri_get_key (source));
  send_request (copy, request, TRUE, head_cb, copy);

  if (caller_cancellable != NULL)
    {
      copy->caller_cancellable = g_object_ref (caller_cancellable);
      copy->caller_cancel_id = g_cancellable_connect (caller_cancellable,
                                                      G_CALLBACK (caller_cancelled), copy, NULL);
    }
}
