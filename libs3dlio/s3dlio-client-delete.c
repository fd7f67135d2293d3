/* s3dlio-client-delete.c: deleting one object, many, or a prefix
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "s3dlio-client-list-private.h"
#include "s3dlio-client-private.h"
#include "s3dlio-error-private.h"
#include "s3dlio-xml-private.h"

/* {{{ DeleteObject */

typedef struct {
  S3dlioClient  *client;
  S3dlioUri     *uri;
  const char    *bucket;
  const char    *const *keys;
  GCancellable  *cancellable;
} DeleteSyncArgs;

static void
delete_object_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(S3dlioResponse) response = NULL;
  GError *error = NULL;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  if (response == NULL)
    {
      g_autofree char *text = s3dlio_uri_to_string (g_task_get_task_data (task));

      g_prefix_error (&error, "%s: ", text);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * s3dlio_client_delete_async:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes an object (DeleteObject). Like S3, this succeeds when the object
 * does not exist.
 */
void
s3dlio_client_delete_async (S3dlioClient        *self,
                            S3dlioUri           *uri,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_delete_async);
  g_task_set_task_data (task, g_object_ref (uri), g_object_unref);

  if (s3dlio_uri_get_scheme (uri) != S3DLIO_URI_SCHEME_S3 || s3dlio_uri_is_prefix (uri))
    {
      text = s3dlio_uri_to_string (uri);
      g_task_return_new_error (task, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI,
                               _("%s: not an object (an s3:// URI with a key is needed; "
                                  "delete a prefix with delete_prefix)"), text);
      return;
    }

  request = _s3dlio_client_new_request (self, "DELETE", s3dlio_uri_get_bucket (uri),
                                        s3dlio_uri_get_key (uri));
  _s3dlio_client_send_async (self, request, cancellable, delete_object_cb, g_steal_pointer (&task));
}

/**
 * s3dlio_client_delete_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.delete_async].
 *
 * Returns: %TRUE if the object is gone, %FALSE with @error set otherwise
 */
gboolean
s3dlio_client_delete_finish (S3dlioClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
start_delete (gpointer            data,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  DeleteSyncArgs *args = data;

  s3dlio_client_delete_async (args->client, args->uri, args->cancellable, callback, user_data);
}

/**
 * s3dlio_client_delete:
 * @self: a #S3dlioClient
 * @uri: the object
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.delete_async].
 *
 * Returns: %TRUE if the object is gone
 */
gboolean
s3dlio_client_delete (S3dlioClient  *self,
                      S3dlioUri     *uri,
                      GCancellable  *cancellable,
                      GError       **error)
{
  DeleteSyncArgs args = { self, uri, NULL, NULL, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_delete, &args);

  return s3dlio_client_delete_finish (self, result, error);
}

/* }}} */
/* {{{ DeleteObjects: batches of keys, several in flight */

/* S3 deletes about 3,500 objects per second and prefix: more requests of
 * 1000 keys in flight would only be throttled. */
#define MAX_DELETE_REQUESTS_IN_FLIGHT 10

/* A deletion job: batches of keys come from an array (delete many) or
 * from a listing (delete prefix), one page at a time, so that the keys in
 * memory are bounded by the batches in flight plus one listed ahead. */
typedef struct {
  char            *bucket;
  GPtrArray       *failures;      /* S3dlioDeleteFailure */
  guint64          n_deleted;
  guint            in_flight;
  guint            max_in_flight;
  GError          *error;         /* what stopped the job */
  gboolean         returned;

  /* delete many */
  char           **keys;
  guint            next_key;

  /* delete prefix */
  S3dlioListPager *pager;
  gboolean         listing;
  GQueue           listed;        /* GPtrArray of keys, not yet sent */
} DeleteJob;

static void
delete_job_free (gpointer data)
{
  DeleteJob *job = data;

  g_free (job->bucket);
  g_ptr_array_unref (job->failures);
  g_clear_error (&job->error);
  g_strfreev (job->keys);
  g_clear_pointer (&job->pager, _s3dlio_list_pager_unref);
  g_queue_clear_full (&job->listed, (GDestroyNotify) g_ptr_array_unref);
  g_free (job);
}

static DeleteJob *
delete_job_new (S3dlioClient *client,
                const char   *bucket)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);

  job->bucket = g_strdup (bucket);
  job->failures = g_ptr_array_new_with_free_func (g_object_unref);
  job->max_in_flight = CLAMP (s3dlio_config_get_max_inflight (s3dlio_client_get_config (client)),
                              1, MAX_DELETE_REQUESTS_IN_FLIGHT);
  g_queue_init (&job->listed);

  return job;
}

/* Keys come from the server (a listing, a DeleteResult): in a message,
 * they are made safe like any other text from it. */
static char *
key_for_message (const char *key)
{
  return _s3dlio_error_sanitize_text (key, -1, 2 * S3DLIO_MAX_KEY_LENGTH);
}

static void
add_failure (DeleteJob    *job,
             const char   *key,
             const GError *error)
{
  g_ptr_array_add (job->failures, s3dlio_delete_failure_new (key, error));
}

/* XML 1.0 cannot carry most control characters, even as references: S3
 * would reject the whole batch as malformed. */
static gboolean
key_fits_in_xml (const char *key)
{
  for (const guchar *p = (const guchar *) key; *p != '\0'; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      return FALSE;

  return TRUE;
}

static void
append_xml_text (GString    *out,
                 const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, "&quot;"); break;
      case '\'': g_string_append (out, "&apos;"); break;
      /* A parser would turn raw line ends into \n and keep no \r. */
      case '\t': g_string_append (out, "&#9;"); break;
      case '\n': g_string_append (out, "&#10;"); break;
      case '\r': g_string_append (out, "&#13;"); break;
      default: g_string_append_c (out, *p);
      }
}

static GBytes *
delete_objects_body (GPtrArray *keys)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                               "<Quiet>true</Quiet>");

  for (guint i = 0; i < keys->len; i++)
    {
      g_string_append (xml, "<Object><Key>");
      append_xml_text (xml, g_ptr_array_index (keys, i));
      g_string_append (xml, "</Key></Object>");
    }
  g_string_append (xml, "</Delete>");

  return g_string_free_to_bytes (xml);
}

/* Content-MD5 is the base64 of the binary MD5 digest. */
static char *
content_md5 (GBytes *body)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[16];
  gsize len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_checksum_get_digest (checksum, digest, &len);

  return g_base64_encode (digest, len);
}

/* The next batch to send, keys the job cannot send recorded as failures;
 * %NULL when none is ready. */
static GPtrArray *
take_batch (DeleteJob *job)
{
  GPtrArray *batch;

  if (job->pager != NULL)
    return g_queue_pop_head (&job->listed);

  batch = g_ptr_array_new_with_free_func (g_free);
  while (job->keys[job->next_key] != NULL && batch->len < S3DLIO_LIST_MAX_KEYS)
    {
      const char *key = job->keys[job->next_key++];

      if (key_fits_in_xml (key))
        {
          g_ptr_array_add (batch, g_strdup (key));
        }
      else
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *shown = key_for_message (key);

          g_set_error (&error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                       _("s3://%s/%s: not deleted: a key with control characters cannot be "
                          "sent in a DeleteObjects request; delete it on its own"),
                       job->bucket, shown);
          add_failure (job, key, error);
        }
    }

  if (batch->len == 0)
    g_clear_pointer (&batch, g_ptr_array_unref);
  return batch;
}

static gboolean
delete_job_exhausted (DeleteJob *job)
{
  if (job->pager != NULL)
    return _s3dlio_list_pager_is_done (job->pager) && g_queue_is_empty (&job->listed);

  return job->keys[job->next_key] == NULL;
}

typedef struct {
  GTask     *task;
  GPtrArray *keys;
} Batch;

static void
batch_free (Batch *batch)
{
  g_object_unref (batch->task);
  g_ptr_array_unref (batch->keys);
  g_free (batch);
}

static void delete_job_pump (GTask *task);

/* A key S3 reported in <Error>: the error code mapped as for any S3 error,
 * the texts from the server sanitised. */
static void
add_key_error (DeleteJob         *job,
               S3dlioDeleteError *entry)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = _s3dlio_error_sanitize_text (entry->code, -1, 64);
  g_autofree char *message = _s3dlio_error_sanitize_text (entry->message, -1,
                                                          S3DLIO_ERROR_MESSAGE_MAX);
  const char *key = entry->key != NULL ? entry->key : "";
  g_autofree char *shown = key_for_message (key);

  if (*code == '\0')
    g_set_error (&error, S3DLIO_ERROR, _s3dlio_error_code_for_s3_code (entry->code),
                 /* Translators: the last %s is the server's message, if any, after ": " */
                 _("s3://%s/%s: not deleted: unknown error%s%s"), job->bucket, shown,
                 *message != '\0' ? ": " : "", message);
  else
    g_set_error (&error, S3DLIO_ERROR, _s3dlio_error_code_for_s3_code (entry->code),
                 /* Translators: the third %s is an S3 error code such as
                  * AccessDenied; the last, the server's message after ": " */
                 _("s3://%s/%s: not deleted: %s%s%s"), job->bucket, shown,
                 code, *message != '\0' ? ": " : "", message);
  add_failure (job, key, error);
}

/* Whether a failed request says something about its batch only, rather
 * than about every request of the job (a missing bucket, denied access,
 * wrong credentials): then the job goes on with the other batches. The
 * transient errors were retried already. */
static gboolean
error_is_batch_only (const GError *error)
{
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         _s3dlio_error_is_transient (error);
}

static void
batch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Batch *batch = data;
  GTask *task = batch->task;
  DeleteJob *job = g_task_get_task_data (task);
  g_autoptr(S3dlioResponse) response = NULL;
  g_autoptr(S3dlioDeleteResult) deleted = NULL;
  g_autoptr(GError) error = NULL;

  job->in_flight--;

  response = _s3dlio_client_send_finish (S3DLIO_CLIENT (source), result, &error);
  if (response != NULL)
    deleted = _s3dlio_xml_parse_delete_result (g_bytes_get_data (response->body, NULL),
                                               g_bytes_get_size (response->body), &error);

  if (deleted != NULL)
    {
      for (guint i = 0; i < deleted->errors->len; i++)
        add_key_error (job, g_ptr_array_index (deleted->errors, i));
      job->n_deleted += batch->keys->len - MIN (batch->keys->len, deleted->errors->len);
    }
  else if (error_is_batch_only (error))
    {
      for (guint i = 0; i < batch->keys->len; i++)
        {
          const char *key = g_ptr_array_index (batch->keys, i);
          g_autofree char *shown = key_for_message (key);
          g_autoptr(GError) key_error = g_error_new (error->domain, error->code,
                                                     _("s3://%s/%s: not deleted: %s"),
                                                     job->bucket, shown, error->message);

          add_failure (job, key, key_error);
        }
    }
  else if (job->error == NULL)
    {
      g_prefix_error (&error, _("s3://%s: deleting objects: "), job->bucket);
      job->error = g_steal_pointer (&error);
    }

  g_object_ref (task);
  batch_free (batch);
  delete_job_pump (task);
  g_object_unref (task);
}

static void
send_batch (GTask     *task,
            GPtrArray *keys)
{
  S3dlioClient *client = g_task_get_source_object (task);
  DeleteJob *job = g_task_get_task_data (task);
  g_autoptr(S3dlioRequest) request = NULL;
  g_autoptr(GBytes) body = delete_objects_body (keys);
  g_autofree char *md5 = content_md5 (body);
  Batch *batch = g_new0 (Batch, 1);

  batch->task = g_object_ref (task);
  batch->keys = keys;

  request = _s3dlio_client_new_request (client, "POST", job->bucket, NULL);
  s3dlio_request_add_query (request, "delete", NULL);
  s3dlio_request_set_header (request, "Content-Type", "application/xml");
  s3dlio_request_set_header (request, "Content-MD5", md5);
  s3dlio_request_set_payload (request, body);

  job->in_flight++;
  _s3dlio_client_send_async (client, request, g_task_get_cancellable (task), batch_cb, batch);
}

static void list_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data);

static void
delete_job_pump (GTask *task)
{
  DeleteJob *job = g_task_get_task_data (task);
  GPtrArray *keys;

  if (job->returned)
    return;

  if (job->error == NULL)
    g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &job->error);

  if (job->error == NULL)
    {
      while (job->in_flight < job->max_in_flight && (keys = take_batch (job)) != NULL)
        send_batch (task, keys);

      /* The next page is listed while the batches before it are deleted,
       * but not before the page listed ahead was sent. */
      if (job->pager != NULL && !job->listing && g_queue_is_empty (&job->listed) &&
          !_s3dlio_list_pager_is_done (job->pager))
        {
          job->listing = TRUE;
          _s3dlio_list_pager_next_async (job->pager, g_task_get_cancellable (task), list_cb,
                                         g_object_ref (task));
        }
    }

  if (job->in_flight > 0 || job->listing || (job->error == NULL && !delete_job_exhausted (job)))
    return;

  job->returned = TRUE;
  g_debug ("s3://%s: %" G_GUINT64_FORMAT " objects deleted, %u not%s%s", job->bucket,
           job->n_deleted, job->failures->len,
           job->error ? ": " : "", job->error ? job->error->message : "");
  if (job->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&job->error));
    }
  else
    {
      GListStore *failures = g_list_store_new (S3DLIO_TYPE_DELETE_FAILURE);

      g_list_store_splice (failures, 0, 0, job->failures->pdata, job->failures->len);
      g_task_return_pointer (task, failures, g_object_unref);
    }
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  DeleteJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  job->listing = FALSE;

  items = _s3dlio_list_pager_next_finish (job->pager, result, &error);
  if (items == NULL)
    {
      if (job->error == NULL)
        job->error = error;
      else
        g_error_free (error);
    }
  else if (items->len > 0)
    {
      GPtrArray *keys = g_ptr_array_new_full (items->len, g_free);

      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (keys, g_strdup (s3dlio_object_info_get_key (g_ptr_array_index (items, i))));
      g_queue_push_tail (&job->listed, keys);
    }

  delete_job_pump (task);
}

static GListModel *
delete_job_finish (S3dlioClient  *self,
                   GAsyncResult  *result,
                   guint64       *n_deleted,
                   GError       **error)
{
  DeleteJob *job = g_task_get_task_data (G_TASK (result));

  if (n_deleted != NULL)
    *n_deleted = job->n_deleted;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * s3dlio_client_delete_many_async:
 * @self: a #S3dlioClient
 * @bucket: the bucket the keys are in
 * @keys: (array zero-terminated=1): the keys to delete
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes objects with DeleteObjects requests of up to 1000 keys each, in
 * quiet mode (the server reports only the keys it could not delete),
 * with up to [property@S3dlio.Config:max-inflight] requests in flight
 * (at most 10: S3 throttles deletions beyond a few thousand per second).
 *
 * Every key that was not deleted is reported by
 * [method@S3dlio.Client.delete_many_finish] with its own error: the ones
 * the server refused, the ones of a request that failed for good with an
 * error of the server or the network (the other requests go on), and any
 * key with control characters, which cannot be sent in the XML of the
 * request.
 *
 * A failure that would fail every request (a missing bucket, access
 * denied to the bucket, bad credentials) or a cancellation stops the
 * operation, which then fails with that error; keys of the requests that
 * completed before are deleted.
 */
void
s3dlio_client_delete_many_async (S3dlioClient        *self,
                                 const char          *bucket,
                                 const char * const  *keys,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DeleteJob *job;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (bucket != NULL);
  g_return_if_fail (keys != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_delete_many_async);

  job = delete_job_new (self, bucket);
  job->keys = g_strdupv ((char **) keys);
  g_task_set_task_data (task, job, delete_job_free);

  if (!s3dlio_bucket_name_is_valid (bucket, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  delete_job_pump (task);
}

/**
 * s3dlio_client_delete_many_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.delete_many_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error; empty when every
 *   key was deleted. %NULL with @error set when the operation stopped.
 */
GListModel *
s3dlio_client_delete_many_finish (S3dlioClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == s3dlio_client_delete_many_async, NULL);

  return delete_job_finish (self, result, NULL, error);
}

static void
start_delete_many (gpointer            data,
                   GAsyncReadyCallback callback,
                   gpointer            user_data)
{
  DeleteSyncArgs *args = data;

  s3dlio_client_delete_many_async (args->client, args->bucket, args->keys, args->cancellable,
                                   callback, user_data);
}

/**
 * s3dlio_client_delete_many:
 * @self: a #S3dlioClient
 * @bucket: the bucket the keys are in
 * @keys: (array zero-terminated=1): the keys to delete
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.delete_many_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error, or %NULL with
 *   @error set when the operation stopped
 */
GListModel *
s3dlio_client_delete_many (S3dlioClient        *self,
                           const char          *bucket,
                           const char * const  *keys,
                           GCancellable        *cancellable,
                           GError             **error)
{
  DeleteSyncArgs args = { self, NULL, bucket, keys, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_delete_many, &args);

  return s3dlio_client_delete_many_finish (self, result, error);
}

/**
 * s3dlio_client_delete_prefix_async:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix: every key that starts with the key of @uri
 *   is deleted (`s3://bucket/logs/` deletes what is under `logs/`,
 *   `s3://bucket/logs` also `logs.txt`, `s3://bucket` everything)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the operation ends
 * @user_data: data for @callback
 *
 * Deletes every object under a prefix: lists them page by page and
 * deletes each page with one DeleteObjects request, as
 * [method@S3dlio.Client.delete_many_async] does, while the next page is
 * listed. Memory stays bounded whatever the number of objects.
 *
 * Failures are reported as by [method@S3dlio.Client.delete_many_async];
 * an error of the listing stops the operation.
 */
void
s3dlio_client_delete_prefix_async (S3dlioClient        *self,
                                   S3dlioUri           *uri,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DeleteJob *job;
  GError *error = NULL;

  g_return_if_fail (S3DLIO_IS_CLIENT (self));
  g_return_if_fail (S3DLIO_IS_URI (uri));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, s3dlio_client_delete_prefix_async);

  if (!_s3dlio_list_check_uri (uri, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  job = delete_job_new (self, s3dlio_uri_get_bucket (uri));
  job->pager = _s3dlio_list_pager_new (self, uri, NULL, NULL, S3DLIO_LIST_MAX_KEYS);
  g_task_set_task_data (task, job, delete_job_free);

  delete_job_pump (task);
}

/**
 * s3dlio_client_delete_prefix_finish:
 * @self: a #S3dlioClient
 * @result: the result passed to the callback
 * @n_deleted: (out) (optional): return location for the number of
 *   objects deleted, also when the operation stopped
 * @error: return location for a #GError
 *
 * Finishes [method@S3dlio.Client.delete_prefix_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error; empty when every
 *   key was deleted. %NULL with @error set when the operation stopped.
 */
GListModel *
s3dlio_client_delete_prefix_finish (S3dlioClient  *self,
                                    GAsyncResult  *result,
                                    guint64       *n_deleted,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == s3dlio_client_delete_prefix_async, NULL);

  if (g_task_get_task_data (G_TASK (result)) == NULL)
    {
      if (n_deleted != NULL)
        *n_deleted = 0;
      return g_task_propagate_pointer (G_TASK (result), error);
    }

  return delete_job_finish (self, result, n_deleted, error);
}

static void
start_delete_prefix (gpointer            data,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  DeleteSyncArgs *args = data;

  s3dlio_client_delete_prefix_async (args->client, args->uri, args->cancellable,
                                     callback, user_data);
}

/**
 * s3dlio_client_delete_prefix:
 * @self: a #S3dlioClient
 * @uri: the bucket and prefix, as for
 *   [method@S3dlio.Client.delete_prefix_async]
 * @n_deleted: (out) (optional): return location for the number of
 *   objects deleted, also when the operation stopped
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of [method@S3dlio.Client.delete_prefix_async].
 *
 * Returns: (transfer full): a list model of [class@S3dlio.DeleteFailure]:
 *   the keys that were not deleted, each with its error, or %NULL with
 *   @error set when the operation stopped
 */
GListModel *
s3dlio_client_delete_prefix (S3dlioClient  *self,
                             S3dlioUri     *uri,
                             guint64       *n_deleted,
                             GCancellable  *cancellable,
                             GError       **error)
{
  DeleteSyncArgs args = { self, uri, NULL, NULL, cancellable };
  g_autoptr(GAsyncResult) result = _s3dlio_run_sync (start_delete_prefix, &args);

  return s3dlio_client_delete_prefix_finish (self, result, n_deleted, error);
}

/* }}} */
