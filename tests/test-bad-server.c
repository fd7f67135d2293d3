/* test-bad-server.c: the client against a misbehaving server, and public
 * functions given bad input
 *
 * A raw HTTP/1.1 server on 127.0.0.1, in a thread of its own, answers
 * every connection with the same canned bytes (or with nothing) and
 * closes it. Each operation must fail with a clear S3DLIO_ERROR, never
 * crash or hang, never return the wrong bytes, and never leave a file
 * behind.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-utils.h"

#define REQUEST_HEAD_MAX    (64 * 1024)
#define REQUEST_BODY_MAX    (4 * 1024 * 1024)
#define SOCKET_TIMEOUT_S    5
#define MAX_RETRIES         1

typedef struct {
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  char            *url;
  GBytes          *reply;     /* NULL: close without answering */
  GBytes          *first_reply; /* if set, the first connection's, instead */
  guint64          filler;    /* bytes of 'x' sent after the reply */
  guint64          filler_sent;
  guint            connections_served;
  GMutex           mutex;
  GPtrArray       *requests;  /* char *, each request's head */
} RawServer;

/* Reads the request head (bounded), then its body as Content-Length says,
 * so that closing the socket does not reset it under unread bytes. */
static char *
read_request (GSocket *socket)
{
  g_autoptr(GByteArray) head = g_byte_array_new ();
  g_auto(GStrv) lines = NULL;
  guint64 body_length = 0;
  guint8 buffer[4096];

  while (head->len < REQUEST_HEAD_MAX)
    {
      gssize n = g_socket_receive (socket, (char *) buffer, 1, NULL, NULL);

      if (n <= 0)
        return NULL;
      g_byte_array_append (head, buffer, 1);
      if (head->len >= 4 && memcmp (head->data + head->len - 4, "\r\n\r\n", 4) == 0)
        break;
    }
  g_byte_array_append (head, (const guint8 *) "", 1);

  lines = g_strsplit ((const char *) head->data, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
      body_length = g_ascii_strtoull (lines[i] + 15, NULL, 10);

  for (guint64 left = MIN (body_length, REQUEST_BODY_MAX); left > 0;)
    {
      gssize n = g_socket_receive (socket, (char *) buffer, MIN (left, sizeof buffer), NULL, NULL);

      if (n <= 0)
        break;
      left -= n;
    }

  return g_strdup ((const char *) head->data);
}

/* Sends server->filler bytes, or as many as the client takes before it
 * closes the connection. */
static void
send_filler (RawServer *server,
             GSocket   *socket)
{
  static char block[64 * 1024];
  guint64 sent = 0;

  memset (block, 'x', sizeof block);
  while (sent < server->filler)
    {
      gssize n = g_socket_send (socket, block, MIN (sizeof block, server->filler - sent), NULL, NULL);

      if (n <= 0)
        break;
      sent += n;
    }

  g_mutex_lock (&server->mutex);
  server->filler_sent += sent;
  g_mutex_unlock (&server->mutex);
}

static void
serve_connection (RawServer         *server,
                  GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  GBytes *reply = server->reply;
  g_autofree char *request = NULL;

  g_socket_set_timeout (socket, SOCKET_TIMEOUT_S);
  request = read_request (socket);
  if (request == NULL)
    return;

  g_mutex_lock (&server->mutex);
  g_ptr_array_add (server->requests, g_strdup (request));
  g_mutex_unlock (&server->mutex);

  /* Errors are expected: the client may give up on the reply midway. */
  if (server->connections_served == 0 && server->first_reply != NULL)
    reply = server->first_reply;
  if (reply != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (reply, &size);
      gsize sent = 0;

      while (sent < size)
        {
          gssize n = g_socket_send (socket, data + sent, size - sent, NULL, NULL);

          if (n <= 0)
            break;
          sent += n;
        }
    }
  if (reply != NULL && server->filler > 0)
    send_filler (server, socket);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
}

static gpointer
server_thread (gpointer data)
{
  RawServer *server = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;

      connection = g_socket_listener_accept (server->listener, NULL, server->cancellable, NULL);
      if (connection == NULL)
        break;
      serve_connection (server, connection);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      g_mutex_lock (&server->mutex);
      server->connections_served++;
      g_mutex_unlock (&server->mutex);
    }

  return NULL;
}

static RawServer *
raw_server_new (GBytes *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  RawServer *server = g_new0 (RawServer, 1);

  server->listener = g_socket_listener_new ();
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->url = g_strdup_printf ("http://127.0.0.1:%u",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  server->reply = reply ? g_bytes_ref (reply) : NULL;
  server->cancellable = g_cancellable_new ();
  server->requests = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&server->mutex);
  server->thread = g_thread_new ("raw-server", server_thread, server);

  return server;
}

static void
raw_server_free (RawServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_clear_pointer (&server->reply, g_bytes_unref);
  g_clear_pointer (&server->first_reply, g_bytes_unref);
  g_ptr_array_unref (server->requests);
  g_mutex_clear (&server->mutex);
  g_free (server->url);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawServer, raw_server_free)

static guint
raw_server_count_requests (RawServer  *server,
                           const char *method)
{
  guint count = 0;

  g_mutex_lock (&server->mutex);
  for (guint i = 0; i < server->requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (server->requests, i), method))
      count++;
  g_mutex_unlock (&server->mutex);

  return count;
}

static gboolean
raw_server_saw (RawServer  *server,
                const char *text)
{
  gboolean seen = FALSE;

  g_mutex_lock (&server->mutex);
  for (guint i = 0; i < server->requests->len && !seen; i++)
    seen = strstr (g_ptr_array_index (server->requests, i), text) != NULL;
  g_mutex_unlock (&server->mutex);

  return seen;
}

/* A canned reply: a status line, headers (each ending in CRLF), and a body
 * whose length is not checked against the headers. */
static GBytes *
reply_new (const char *status_line,
           const char *headers,
           const char *body)
{
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 %s\r\nConnection: close\r\n%s\r\n%s",
                                           status_line, headers, body);
  gsize len = strlen (text);

  return g_bytes_new_take (g_steal_pointer (&text), len);
}

#define HTML_BODY "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>" \
                  "<body><p>Please sign in to the network.<br></p></body></html>\n"

static GBytes *
html_reply (void)
{
  g_autofree char *headers = g_strdup_printf ("Content-Type: text/html; charset=utf-8\r\n"
                                              "Content-Length: %zu\r\n", strlen (HTML_BODY));

  return reply_new ("200 OK", headers, HTML_BODY);
}

/* A client with short timeouts and one retry, so every failure is quick. */
static S3dlioClient *
client_new (RawServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (server->url, "us-east-1", &error);
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autoptr(S3dlioConfig) config = s3dlio_config_new ();

  g_assert_no_error (error);
  credentials = s3dlio_credentials_new ("AKIDBADSERVER", "bad-server-secret", NULL);
  s3dlio_config_set_worker_threads (config, 1);
  s3dlio_config_set_max_retries (config, MAX_RETRIES);
  s3dlio_config_set_io_timeout_ms (config, 2000);
  s3dlio_config_set_connect_timeout_ms (config, 2000);
  s3dlio_config_set_operation_timeout (config, 10);

  return s3dlio_client_new (endpoint, credentials, config);
}

static S3dlioUri *
object_uri (void)
{
  g_autoptr(GError) error = NULL;
  S3dlioUri *uri = s3dlio_uri_parse ("s3://bucket/dir/object.bin", &error);

  g_assert_no_error (error);
  return uri;
}

static void
assert_message_has (const GError *error,
                    const char   *fragment)
{
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("the error “%s” does not mention “%s”", error->message, fragment);
}

static void
assert_dir_empty (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  name = g_dir_read_name (dir);
  if (name != NULL)
    g_error ("%s holds “%s” after a failed download", path, name);
}

/* Every download form against @reply: size-aware GET into memory, into a
 * file (which must not appear, nor any temporary file beside it), into a
 * caller's buffer, and one plain GET. Each must fail with @code and a message
 * naming the object and @fragment (@plain_code and @plain_fragment for the
 * plain GET, which expects a 200). */
static void
assert_downloads_fail_full (GBytes      *reply,
                            int          code,
                            const char  *fragment,
                            int          plain_code,
                            const char  *plain_fragment)
{
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GBytes) got = s3dlio_client_get (client, uri, NULL, &error);

    g_assert_null (got);
    g_assert_error (error, S3DLIO_ERROR, code);
    assert_message_has (error, "s3://bucket/dir/object.bin");
    assert_message_has (error, fragment);
    g_clear_error (&error);
  }

  dir = g_dir_make_tmp ("s3dlio-bad-server-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "object.bin", NULL);
  g_assert_false (s3dlio_client_get_to_file (client, uri, path, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, code);
  assert_message_has (error, fragment);
  g_clear_error (&error);
  assert_dir_empty (dir);
  s3dlio_test_remove_tree (dir);

  {
    guint8 buffer[4096];
    guint64 length = 12345;

    memset (buffer, 0xaa, sizeof buffer);
    g_assert_false (s3dlio_client_get_into_buffer (client, uri, buffer, sizeof buffer, &length,
                                                   NULL, &error));
    g_assert_error (error, S3DLIO_ERROR, code);
    assert_message_has (error, fragment);
    g_clear_error (&error);
  }

  {
    g_autoptr(GBytes) got = s3dlio_client_get_object (client, uri, NULL, &error);

    g_assert_null (got);
    g_assert_error (error, S3DLIO_ERROR, plain_code);
    assert_message_has (error, "s3://bucket/dir/object.bin");
    assert_message_has (error, plain_fragment);
    g_clear_error (&error);
  }
}

static void
assert_downloads_fail (GBytes     *reply,
                       int         code,
                       const char *fragment)
{
  assert_downloads_fail_full (reply, code, fragment, code, fragment);
}

/* A web page (a proxy's or a captive portal's) in place of S3's answers. */

static void
test_html_get (void)
{
  g_autoptr(GBytes) reply = html_reply ();

  assert_downloads_fail (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "web page");
}

static void
test_html_stat (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectInfo) info = s3dlio_client_stat (client, uri, NULL, &error);

  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://bucket/dir/object.bin");
  assert_message_has (error, "web page");
  assert_message_has (error, "text/html");
  g_assert_cmpuint (raw_server_count_requests (server, "HEAD "), ==, 1 + MAX_RETRIES);
}

/* Lists s3://bucket/dir/ against @reply, which must fail: returns the
 * error. */
static GError *
list_error (GBytes *reply)
{
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/dir/", NULL);
  g_autoptr(S3dlioObjectList) list = NULL;
  GError *error = NULL;

  list = s3dlio_client_list_all (client, uri, NULL, NULL, &error);
  g_assert_null (list);
  g_assert_nonnull (error);

  return error;
}

static void
test_html_list (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(GError) error = list_error (reply);

  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "bucket");
  assert_message_has (error, "not S3 XML");
  assert_message_has (error, "text/html");
}

/* A page of ListObjectsV2 that says more follow, with @token_element. */
static GBytes *
truncated_list_reply (const char *token_element)
{
  g_autofree char *body = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                           "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                           "<Name>bucket</Name><Prefix>dir/</Prefix><KeyCount>1</KeyCount>"
                                           "<MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated>%s"
                                           "<Contents><Key>dir/a</Key><Size>1</Size></Contents>"
                                           "</ListBucketResult>\n", token_element);
  g_autofree char *headers = g_strdup_printf ("Content-Type: application/xml\r\n"
                                              "Content-Length: %zu\r\n", strlen (body));

  return reply_new ("200 OK", headers, body);
}

/* A truncated page without a token, or with the token of the page before:
 * the listing would never end, so it fails, after one page or two. */
static void
test_list_without_new_token (void)
{
  const struct {
    const char *token_element;
    guint       requests;
  } cases[] = {
    { "", 1 },
    { "<NextContinuationToken></NextContinuationToken>", 1 },
    { "<NextContinuationToken>same</NextContinuationToken>", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) reply = truncated_list_reply (cases[i].token_element);
      g_autoptr(RawServer) server = raw_server_new (reply);
      g_autoptr(S3dlioClient) client = client_new (server);
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/dir/", NULL);
      g_autoptr(S3dlioObjectList) list = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].token_element);
      list = s3dlio_client_list_all (client, uri, NULL, NULL, &error);
      g_assert_null (list);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      assert_message_has (error, "s3://bucket/dir/");
      assert_message_has (error, "NextContinuationToken");
      g_assert_cmpuint (raw_server_count_requests (server, "GET"), ==, cases[i].requests);
    }
}

static void
test_html_list_model (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/dir/", NULL);
  g_autoptr(S3dlioObjectList) list = s3dlio_object_list_new (client, uri, NULL);
  g_autoptr(GError) error = NULL;

  /* The model, as a file browser shows it: no items, and the error. */
  g_assert_false (s3dlio_object_list_load (list, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  g_assert_false (s3dlio_object_list_get_complete (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_error (s3dlio_object_list_get_error (list), S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "not S3 XML");
}

static void
test_html_list_buckets (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) buckets = s3dlio_client_list_buckets (client, NULL, &error);

  g_assert_null (buckets);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "not S3 XML");
  assert_message_has (error, "text/html");
}

static void
test_html_delete_many (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  const char *keys[] = { "a", "b", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) failures = s3dlio_client_delete_many (client, "bucket", keys, NULL, &error);

  /* Not an empty list of failures, which would mean all were deleted. */
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (failures), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(S3dlioDeleteFailure) failure = g_list_model_get_item (failures, i);
      const GError *key_error = s3dlio_delete_failure_get_error (failure);
      g_autofree char *uri = g_strdup_printf ("s3://bucket/%s", keys[i]);

      g_assert_cmpstr (s3dlio_delete_failure_get_key (failure), ==, keys[i]);
      g_assert_error (key_error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
      assert_message_has (key_error, uri);
      assert_message_has (key_error, "not S3 XML");
      assert_message_has (key_error, "text/html");
    }
  g_assert_cmpuint (raw_server_count_requests (server, "POST "), ==, 1 + MAX_RETRIES);
}

static void
test_html_put (void)
{
  g_autoptr(GBytes) reply = html_reply ();
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GBytes) data = g_bytes_new_static ("payload", 7);
  g_autoptr(GError) error = NULL;

  g_assert_false (s3dlio_client_put (client, uri, data, NULL, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://bucket/dir/object.bin");
  assert_message_has (error, "web page");
  g_assert_cmpuint (raw_server_count_requests (server, "PUT "), ==, 1 + MAX_RETRIES);
}

/* Ranged GETs answered wrongly. */

static void
test_empty_200_for_range (void)
{
  g_autoptr(GBytes) reply = reply_new ("200 OK", "Content-Length: 0\r\nETag: \"e\"\r\n", "");
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = s3dlio_client_get_range (client, uri, 100, 50, NULL, &error);

  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://bucket/dir/object.bin");
  assert_message_has (error, "HTTP 200");
}

static void
test_206_without_content_range (void)
{
  g_autoptr(GBytes) reply = reply_new ("206 Partial Content",
                                       "Content-Length: 10\r\nETag: \"e\"\r\n",
                                       "0123456789");

  assert_downloads_fail_full (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "no Content-Range",
                              S3DLIO_ERROR_MALFORMED_RESPONSE, "Expected HTTP 200 but got 206");
}

static void
test_206_other_range (void)
{
  g_autoptr(GBytes) reply = reply_new ("206 Partial Content",
                                       "Content-Range: bytes 100-109/1000\r\n"
                                       "Content-Length: 10\r\nETag: \"e\"\r\n",
                                       "0123456789");

  assert_downloads_fail_full (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "bytes 100-109/1000",
                              S3DLIO_ERROR_MALFORMED_RESPONSE, "Expected HTTP 200 but got 206");
}

/* s3rver's answer to a ranged GET of an empty object: 206, a range of a
 * byte the object does not have, and a Content-Length of 1 with no body.
 * The client asks again plainly, as after S3's 416. */
static void
test_206_empty_object (void)
{
  g_autoptr(GBytes) ranged = reply_new ("206 Partial Content",
                                        "Content-Range: bytes 0-0/0\r\n"
                                        "Content-Length: 1\r\nETag: \"e\"\r\n",
                                        "");
  g_autoptr(GBytes) plain = reply_new ("200 OK", "Content-Length: 0\r\nETag: \"e\"\r\n", "");
  g_autoptr(RawServer) server = raw_server_new (plain);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 1;

  server->first_reply = g_bytes_ref (ranged);
  got = s3dlio_client_get (client, uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_assert_cmpuint (raw_server_count_requests (server, "GET"), ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (server->requests, 0), "Range: bytes=0-"));
  g_assert_null (strstr (g_ptr_array_index (server->requests, 1), "Range:"));

  dir = g_dir_make_tmp ("s3dlio-bad-server-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "object.bin", NULL);
  g_assert_true (s3dlio_client_get_to_file (client, uri, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, 0);
  s3dlio_test_remove_tree (dir);
}

/* The same range twice: the object cannot be both empty and ranged. */
static void
test_206_empty_object_twice (void)
{
  g_autoptr(GBytes) reply = reply_new ("206 Partial Content",
                                       "Content-Range: bytes 0-0/0\r\n"
                                       "Content-Length: 1\r\nETag: \"e\"\r\n",
                                       "x");

  assert_downloads_fail_full (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "Expected HTTP 200 but got 206",
                              S3DLIO_ERROR_MALFORMED_RESPONSE, "Expected HTTP 200 but got 206");
}

static void
test_206_truncated (void)
{
  g_autoptr(GBytes) reply = reply_new ("206 Partial Content",
                                       "Content-Range: bytes 0-99/100\r\n"
                                       "Content-Length: 100\r\nETag: \"e\"\r\n",
                                       "only forty bytes of the hundred promised");

  assert_downloads_fail_full (reply, S3DLIO_ERROR_CONNECTION, "40 of 100 bytes",
                              S3DLIO_ERROR_MALFORMED_RESPONSE, "Expected HTTP 200 but got 206");
}

static void
test_200_truncated (void)
{
  g_autoptr(GBytes) reply = reply_new ("200 OK",
                                       "Content-Length: 100\r\nETag: \"e\"\r\n",
                                       "only forty bytes of the hundred promised");

  assert_downloads_fail (reply, S3DLIO_ERROR_CONNECTION, "40 of 100 bytes");
}

/* Headers beyond reason: libsoup stops reading at 64 KiB of them. */

static GBytes *
huge_header_reply (gsize value_size)
{
  g_autoptr(GString) text = g_string_new ("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                                          "Content-Length: 4\r\nX-Huge: ");

  for (gsize i = 0; i < value_size; i++)
    g_string_append_c (text, 'h');
  g_string_append (text, "\r\n\r\ndata");
  return g_string_free_to_bytes (g_steal_pointer (&text));
}

static GBytes *
many_headers_reply (guint count)
{
  g_autoptr(GString) text = g_string_new ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (text, "X-Header-%u: %u\r\n", i, i);
  g_string_append (text, "\r\ndata");
  return g_string_free_to_bytes (g_steal_pointer (&text));
}

static void
test_huge_header (void)
{
  g_autoptr(GBytes) reply = huge_header_reply (1024 * 1024);

  assert_downloads_fail (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "headers are larger than 64 KiB");
}

static void
test_many_headers (void)
{
  g_autoptr(GBytes) reply = many_headers_reply (10000);

  assert_downloads_fail (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "headers are larger than 64 KiB");
}

static void
test_huge_header_stat (void)
{
  g_autoptr(GBytes) reply = huge_header_reply (1024 * 1024);
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectInfo) info = s3dlio_client_stat (client, uri, NULL, &error);

  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "header");
}

/* Not HTTP at all, and no answer. */

static void
test_garbage (void)
{
  /* A TLS ClientHello, then some text: a server on the wrong port. */
  static const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n";
  g_autoptr(GBytes) reply = g_bytes_new_static (garbage, sizeof garbage - 1);

  assert_downloads_fail (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "HTTP");
}

static void
test_closed_without_reply (void)
{

  assert_downloads_fail (NULL, S3DLIO_ERROR_CONNECTION, "");
}

static void
test_closed_without_reply_list (void)
{
  g_autoptr(RawServer) server = raw_server_new (NULL);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/dir/", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectList) list = s3dlio_client_list_all (client, uri, NULL, NULL, &error);

  g_assert_null (list);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_CONNECTION);
  /* The first attempt and the one retry. */
  g_assert_cmpuint (raw_server_count_requests (server, "GET "), ==, 1 + MAX_RETRIES);
}

/* A PUT whose reply is broken: never taken for stored. */
static void
assert_put_fails (GBytes     *reply,
                  int         code,
                  const char *fragment)
{
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GBytes) data = g_bytes_new_static ("payload", 7);
  g_autoptr(GError) error = NULL;

  g_assert_false (s3dlio_client_put (client, uri, data, NULL, NULL, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, code);
  assert_message_has (error, "s3://bucket/dir/object.bin");
  assert_message_has (error, fragment);
  g_assert_cmpuint (raw_server_count_requests (server, "PUT "), ==, 1 + MAX_RETRIES);
}

static void
test_put_broken_replies (void)
{
  static const char banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
  g_autoptr(GBytes) garbage = g_bytes_new_static (banner, sizeof banner - 1);
  g_autoptr(GBytes) huge = huge_header_reply (1024 * 1024);

  assert_put_fails (NULL, S3DLIO_ERROR_CONNECTION, "");
  assert_put_fails (garbage, S3DLIO_ERROR_MALFORMED_RESPONSE, "HTTP");
  assert_put_fails (huge, S3DLIO_ERROR_MALFORMED_RESPONSE, "headers are larger than 64 KiB");
}

/* Successes that are not: 206 answers a ranged GET only, and S3 answers a
 * PUT with the ETag of what it stored. Each is a malformed reply, retried
 * as such. */

#define PARTIAL_HEADERS "Content-Range: bytes 0-6/7\r\nETag: \"0123456789abcdef0123456789abcdef\"\r\n" \
                        "Content-Length: 0\r\n"

static void
test_put_partial_or_without_etag (void)
{
  g_autoptr(GBytes) partial = reply_new ("206 Partial Content", PARTIAL_HEADERS, "");
  g_autoptr(GBytes) no_etag = reply_new ("200 OK", "Content-Length: 0\r\n", "");

  assert_put_fails (partial, S3DLIO_ERROR_MALFORMED_RESPONSE,
                    "answered the PUT request with HTTP 206 (Partial Content)");
  assert_put_fails (no_etag, S3DLIO_ERROR_MALFORMED_RESPONSE,
                    "accepted the object but sent no ETag (HTTP 200)");
}

static void
test_delete_stat_create_partial (void)
{
  g_autoptr(GBytes) partial = reply_new ("206 Partial Content", PARTIAL_HEADERS, "");
  g_autoptr(RawServer) server = raw_server_new (partial);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(S3dlioObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (s3dlio_client_delete (client, uri, NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://bucket/dir/object.bin: ");
  assert_message_has (error, "answered the DELETE request with HTTP 206 (Partial Content)");
  g_assert_cmpuint (raw_server_count_requests (server, "DELETE "), ==, 1 + MAX_RETRIES);
  g_clear_error (&error);

  info = s3dlio_client_stat (client, uri, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://bucket/dir/object.bin: ");
  assert_message_has (error, "answered the HEAD request with HTTP 206 (Partial Content)");
  g_assert_cmpuint (raw_server_count_requests (server, "HEAD "), ==, 1 + MAX_RETRIES);
  g_clear_error (&error);

  g_assert_false (s3dlio_client_create_bucket (client, "new-bucket", NULL, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "s3://new-bucket: ");
  assert_message_has (error, "answered the PUT request with HTTP 206 (Partial Content)");
  g_assert_cmpuint (raw_server_count_requests (server, "PUT /new-bucket "), ==, 1 + MAX_RETRIES);
}

/* S3 answers DeleteObject with an empty 204 and CreateBucket with an empty
 * 200: no ETag is due there. */
static void
test_delete_create_empty_replies (void)
{
  g_autoptr(GBytes) no_content = reply_new ("204 No Content", "", "");
  g_autoptr(GBytes) empty_ok = reply_new ("200 OK", "Content-Length: 0\r\n", "");
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(RawServer) server = raw_server_new (no_content);
    g_autoptr(S3dlioClient) client = client_new (server);

    g_assert_true (s3dlio_client_delete (client, uri, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (raw_server_count_requests (server, "DELETE "), ==, 1);
  }

  {
    g_autoptr(RawServer) server = raw_server_new (empty_ok);
    g_autoptr(S3dlioClient) client = client_new (server);

    g_assert_true (s3dlio_client_delete (client, uri, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (s3dlio_client_create_bucket (client, "new-bucket", NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (raw_server_count_requests (server, "PUT /new-bucket "), ==, 1);
  }
}

/* Replies too long to hold: refused, and not read to their end. */

static void
test_reply_declared_too_large (void)
{
  g_autoptr(GBytes) reply = reply_new ("200 OK",
                                       "Content-Type: application/xml\r\n"
                                       "Content-Length: 107374182400\r\n",
                                       "<?xml version=\"1.0\"?><ListBucketResult>");
  g_autoptr(GError) error = list_error (reply);

  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "reply is 107374182400 bytes long");
  assert_message_has (error, "at most 33554432");
}

static void
test_reply_truncated (void)
{
  g_autoptr(GBytes) reply = reply_new ("200 OK",
                                       "Content-Type: application/xml\r\n"
                                       "Content-Length: 1000\r\n",
                                       "<?xml version=\"1.0\"?><ListBucketResult>");
  g_autoptr(GError) error = list_error (reply);

  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "reply ended after 39 of its 1000 bytes");
}

static void
test_reply_endless (void)
{
  /* One chunk of 1 GiB, of which the server sends up to 256 MiB. */
  g_autoptr(GBytes) reply = reply_new ("200 OK",
                                       "Content-Type: application/xml\r\n"
                                       "Transfer-Encoding: chunked\r\n",
                                       "40000000\r\n");
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/dir/", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioObjectList) list = NULL;
  guint64 sent = 0;
  guint requests, served = 0;

  server->filler = 256 * 1024 * 1024;
  list = s3dlio_client_list_all (client, uri, NULL, NULL, &error);

  g_assert_null (list);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE);
  assert_message_has (error, "longer than the 33554432 bytes accepted");

  /* The client dropped each connection rather than drain it: the raw
   * server counts what it sent once a connection is over. */
  requests = raw_server_count_requests (server, "GET ");
  g_assert_cmpuint (requests, >=, 1);
  for (guint i = 0; i < 500; i++)
    {
      g_mutex_lock (&server->mutex);
      served = server->connections_served;
      sent = server->filler_sent;
      g_mutex_unlock (&server->mutex);
      if (served >= requests)
        break;
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (served, >=, requests);
  g_assert_cmpuint (sent, <, requests * server->filler / 2);
}

static void
test_put_reply_too_large (void)
{
  g_autoptr(GBytes) reply = reply_new ("200 OK",
                                       "ETag: \"0123456789abcdef0123456789abcdef\"\r\n"
                                       "Content-Length: 107374182400\r\n", "");

  assert_put_fails (reply, S3DLIO_ERROR_MALFORMED_RESPONSE, "reply is 107374182400 bytes long");
}

/* Public functions given bad arguments (what test-uri.c, test-config.c
 * and test-client.c do not cover already). */

static void
test_bad_ranges (void)
{
  g_autoptr(GBytes) reply = reply_new ("416 Requested Range Not Satisfiable",
                                       "Content-Type: application/xml\r\nContent-Length: 97\r\n",
                                       "<Error><Code>InvalidRange</Code><Message>The requested "
                                       "range is not satisfiable</Message></Error>");
  g_autoptr(RawServer) server = raw_server_new (reply);
  g_autoptr(S3dlioClient) client = client_new (server);
  g_autoptr(S3dlioUri) uri = object_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;

  /* Nothing to ask for: refused before any request. */
  got = s3dlio_client_get_range (client, uri, 10, 0, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);
  assert_message_has (error, "s3://bucket/dir/object.bin: the range is empty");
  g_assert_cmpuint (raw_server_count_requests (server, ""), ==, 0);
  g_clear_error (&error);

  /* Past any object: the Range header stays well-formed (its last byte
   * does not wrap around to a small number), and the 416 is reported. */
  got = s3dlio_client_get_range (client, uri, G_MAXUINT64 - 1, 10, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);
  assert_message_has (error, "s3://bucket/dir/object.bin");
  assert_message_has (error, "InvalidRange");
  g_assert_true (raw_server_saw (server, "Range: bytes=18446744073709551614-18446744073709551614\r\n"));
  g_clear_error (&error);

  got = s3dlio_client_get_range (client, uri, G_MAXUINT64 - 5, G_MAXUINT64, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_RANGE);
  g_assert_true (raw_server_saw (server, "Range: bytes=18446744073709551610-18446744073709551614\r\n"));
}

static void
test_config_bad_strings (void)
{
  static const struct {
    const char *property;
    const char *value;
  } cases[] = {
    { "part-size", "-1" },
    { "part-size", "abc" },
    { "part-size", "" },
    { "part-size", "99999999999999999999999" },
    { "part-size", "18446744073709551616" },
    { "part-size", "16MiBytes" },
    { "part-size", "1e6" },
    { "part-size", "16 MiB extra" },
    { "max-inflight", "-1" },
    { "max-inflight", "4294967297" },
    { "max-inflight", "12abc" },
    { "max-inflight", "0x10" },
    { "threshold", "-5" },
    { "io-timeout-ms", "1.5" },
    { "io-timeout-ms", "99999999999999999999" },
    { "operation-timeout", "-1" },
    { "max-retries", "many" },
    { "worker-threads", "" },
    { "optimized-http", "maybe" },
    { "optimized-http", "" },
    { "upload-part-size", "-64K" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioConfig) config = s3dlio_config_new ();
      g_autoptr(S3dlioConfig) untouched = s3dlio_config_new ();
      g_autoptr(GError) error = NULL;
      GValue before = G_VALUE_INIT;
      GValue after = G_VALUE_INIT;
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), cases[i].property);

      g_assert_nonnull (pspec);
      g_assert_false (s3dlio_config_set_from_string (config, cases[i].property, cases[i].value, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
      assert_message_has (error, cases[i].property);
      if (*cases[i].value != '\0')
        assert_message_has (error, cases[i].value);

      /* The knob keeps its value. */
      g_value_init (&before, pspec->value_type);
      g_value_init (&after, pspec->value_type);
      g_object_get_property (G_OBJECT (untouched), cases[i].property, &before);
      g_object_get_property (G_OBJECT (config), cases[i].property, &after);
      g_assert_cmpint (g_param_values_cmp (pspec, &before, &after), ==, 0);
      g_value_unset (&before);
      g_value_unset (&after);
    }
}

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

  g_test_add_func ("/bad-server/html/get", test_html_get);
  g_test_add_func ("/bad-server/html/stat", test_html_stat);
  g_test_add_func ("/bad-server/html/list", test_html_list);
  g_test_add_func ("/bad-server/html/list-model", test_html_list_model);
  g_test_add_func ("/bad-server/list/without-new-token", test_list_without_new_token);
  g_test_add_func ("/bad-server/html/list-buckets", test_html_list_buckets);
  g_test_add_func ("/bad-server/html/delete-many", test_html_delete_many);
  g_test_add_func ("/bad-server/html/put", test_html_put);
  g_test_add_func ("/bad-server/range/empty-200", test_empty_200_for_range);
  g_test_add_func ("/bad-server/range/206-without-content-range", test_206_without_content_range);
  g_test_add_func ("/bad-server/range/206-other-range", test_206_other_range);
  g_test_add_func ("/bad-server/range/206-empty-object", test_206_empty_object);
  g_test_add_func ("/bad-server/range/206-empty-object-twice", test_206_empty_object_twice);
  g_test_add_func ("/bad-server/range/206-truncated", test_206_truncated);
  g_test_add_func ("/bad-server/range/200-truncated", test_200_truncated);
  g_test_add_func ("/bad-server/headers/huge", test_huge_header);
  g_test_add_func ("/bad-server/headers/many", test_many_headers);
  g_test_add_func ("/bad-server/headers/huge-stat", test_huge_header_stat);
  g_test_add_func ("/bad-server/garbage", test_garbage);
  g_test_add_func ("/bad-server/closed", test_closed_without_reply);
  g_test_add_func ("/bad-server/closed-list", test_closed_without_reply_list);
  g_test_add_func ("/bad-server/put-broken-replies", test_put_broken_replies);
  g_test_add_func ("/bad-server/success/put-partial-or-without-etag", test_put_partial_or_without_etag);
  g_test_add_func ("/bad-server/success/delete-stat-create-partial", test_delete_stat_create_partial);
  g_test_add_func ("/bad-server/success/delete-create-empty", test_delete_create_empty_replies);
  g_test_add_func ("/bad-server/reply/declared-too-large", test_reply_declared_too_large);
  g_test_add_func ("/bad-server/reply/truncated", test_reply_truncated);
  g_test_add_func ("/bad-server/reply/endless", test_reply_endless);
  g_test_add_func ("/bad-server/reply/put-too-large", test_put_reply_too_large);
  g_test_add_func ("/bad-input/ranges", test_bad_ranges);
  g_test_add_func ("/bad-input/config-strings", test_config_bad_strings);

  return g_test_run ();
}
