/* test-signer.c: S3 URI encoding, S3dlioRequest and the SigV4 signer
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "test-utils.h"
#include "s3dlio-encode-private.h"
#include "s3dlio-request-private.h"
#include "s3dlio-signer-private.h"

#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define DOC_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define SUITE_TIME "2015-08-30T12:36:00Z"

/* Every log message, whatever its level, so that tests can check that no
 * secret is ever logged. */
static GMutex log_lock;
static GString *captured_log;

static GLogWriterOutput
capture_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    {
      g_string_append (captured_log, fields[i].key);
      g_string_append_c (captured_log, '=');
      if (fields[i].length < 0)
        g_string_append (captured_log, fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
      g_string_append_c (captured_log, '\n');
    }
  g_mutex_unlock (&log_lock);

  /* Debug output would go to stdout and break TAP; anything louder is a
   * failure GTest must see. */
  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static char *
steal_captured_log (void)
{
  char *log;

  g_mutex_lock (&log_lock);
  log = g_strdup (captured_log->str);
  g_string_truncate (captured_log, 0);
  g_mutex_unlock (&log_lock);

  return log;
}

static GDateTime *
parse_time (const char *iso8601)
{
  GDateTime *time = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (time);
  return time;
}

/* A file of the aws-c-auth suite, as text. */
static char *
load_suite_text (const char *case_name,
                 const char *file_name)
{
  g_autoptr(GBytes) bytes = s3dlio_test_load_data ("sigv4", "v4", case_name, file_name, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_null (memchr (data, '\0', len));
  return g_strndup (data, len);
}

/* Encoding */

static gboolean
is_unreserved (guint c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void
test_encode_every_byte (void)
{
  for (guint c = 1; c < 256; c++)
    {
      char input[2] = { (char) c, '\0' };
      g_autofree char *kept = _s3dlio_uri_encode (input, TRUE);
      g_autofree char *encoded = _s3dlio_uri_encode (input, FALSE);
      g_autofree char *expected = g_strdup_printf ("%%%02X", c);

      if (is_unreserved (c))
        {
          g_assert_cmpstr (kept, ==, input);
          g_assert_cmpstr (encoded, ==, input);
        }
      else
        {
          g_assert_cmpstr (kept, ==, c == '/' ? "/" : expected);
          g_assert_cmpstr (encoded, ==, expected);
        }
    }

  /* An embedded NUL is encoded when a length is given. */
  {
    g_autoptr(GString) out = g_string_new ("x");

    _s3dlio_uri_encode_append (out, "a\0b", 3, TRUE);
    g_assert_cmpstr (out->str, ==, "xa%00b");
  }
}

static void
test_encode_strings (void)
{
  static const struct {
    const char *raw;
    const char *path;
    const char *query;
  } cases[] = {
    { "", "", "" },
    { "test$file.text", "test%24file.text", "test%24file.text" },
    { "a b+c%d", "a%20b%2Bc%25d", "a%20b%2Bc%25d" },
    { "dir//./../x", "dir//./../x", "dir%2F%2F.%2F..%2Fx" },
    { "q?h#=&;", "q%3Fh%23%3D%26%3B", "q%3Fh%23%3D%26%3B" },
    { "\xe1\x88\xb4", "%E1%88%B4", "%E1%88%B4" },
    { "-._~AZaz09", "-._~AZaz09", "-._~AZaz09" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = _s3dlio_uri_encode (cases[i].raw, TRUE);
      g_autofree char *query = _s3dlio_uri_encode (cases[i].raw, FALSE);
      g_autofree char *decoded = _s3dlio_uri_decode (query, -1, FALSE);

      g_assert_cmpstr (path, ==, cases[i].path);
      g_assert_cmpstr (query, ==, cases[i].query);
      g_assert_cmpstr (decoded, ==, cases[i].raw);
    }

  /* Appending with a length stops there. */
  {
    g_autoptr(GString) out = g_string_new (NULL);

    _s3dlio_uri_encode_append (out, "a b/c", 3, FALSE);
    g_assert_cmpstr (out->str, ==, "a%20b");
  }
}

static void
test_decode (void)
{
  static const struct {
    const char *input;
    gboolean plus_as_space;
    const char *expected;   /* NULL: malformed */
  } cases[] = {
    { "", FALSE, "" },
    { "abc", FALSE, "abc" },
    { "a%20b", FALSE, "a b" },
    { "%e1%88%B4", FALSE, "\xe1\x88\xb4" },
    { "a+b", FALSE, "a+b" },
    { "a+b", TRUE, "a b" },
    { "%2B", TRUE, "+" },
    { "%G1", FALSE, NULL },
    { "%1G", FALSE, NULL },
    { "%4", FALSE, NULL },
    { "abc%", FALSE, NULL },
    { "%00", FALSE, NULL },
    { "a%00b", FALSE, NULL },
    { "%%41", FALSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *decoded = _s3dlio_uri_decode (cases[i].input, -1, cases[i].plus_as_space);

      g_assert_cmpstr (decoded, ==, cases[i].expected);
    }

  /* With a length: stops there, and a raw NUL inside is malformed. */
  {
    g_autofree char *part = _s3dlio_uri_decode ("ab%41%4", 5, FALSE);
    g_autofree char *nul = _s3dlio_uri_decode ("a\0b", 3, FALSE);

    g_assert_cmpstr (part, ==, "abA");
    g_assert_null (nul);
  }

  /* Every byte but NUL round-trips. */
  {
    char all[256];
    g_autofree char *encoded = NULL;
    g_autofree char *decoded = NULL;

    for (guint c = 1; c < 256; c++)
      all[c - 1] = (char) c;
    all[255] = '\0';
    encoded = _s3dlio_uri_encode (all, FALSE);
    decoded = _s3dlio_uri_decode (encoded, -1, FALSE);
    g_assert_cmpstr (decoded, ==, all);
  }
}

/* Requests */

static void
test_request_basics (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("PUT", "s3.example.com:9000", "/b/k");
  g_autofree char *method = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *scheme = NULL;

  g_assert_cmpstr (s3dlio_request_get_method (request), ==, "PUT");
  g_assert_cmpstr (s3dlio_request_get_host (request), ==, "s3.example.com:9000");
  g_assert_cmpstr (s3dlio_request_get_path (request), ==, "/b/k");
  g_assert_cmpstr (s3dlio_request_get_scheme (request), ==, "https");

  s3dlio_request_set_scheme (request, "http");
  g_object_get (request, "method", &method, "host", &host, "path", &path,
                "scheme", &scheme, NULL);
  g_assert_cmpstr (method, ==, "PUT");
  g_assert_cmpstr (host, ==, "s3.example.com:9000");
  g_assert_cmpstr (path, ==, "/b/k");
  g_assert_cmpstr (scheme, ==, "http");
  s3dlio_request_set_scheme (request, NULL);
  g_assert_cmpstr (s3dlio_request_get_scheme (request), ==, "https");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_request_headers (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "h", "/");
  g_auto(GStrv) names = NULL;
  const char *name, *value;

  g_assert_null (s3dlio_request_get_header (request, "Range"));

  s3dlio_request_append_header (request, "X-Multi", "one");
  s3dlio_request_append_header (request, "Range", "bytes=0-9");
  s3dlio_request_append_header (request, "x-multi", "two");
  g_assert_cmpstr (s3dlio_request_get_header (request, "X-MULTI"), ==, "one");
  g_assert_cmpstr (s3dlio_request_get_header (request, "range"), ==, "bytes=0-9");
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 3);

  names = s3dlio_request_get_header_names (request);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "X-Multi");
  g_assert_cmpstr (names[1], ==, "Range");

  /* set replaces all of that name, in the place of the first. */
  s3dlio_request_set_header (request, "X-MULTI", "three");
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 2);
  _s3dlio_request_get_header_nth (request, 0, &name, &value);
  g_assert_cmpstr (name, ==, "X-MULTI");
  g_assert_cmpstr (value, ==, "three");
  _s3dlio_request_get_header_nth (request, 1, &name, &value);
  g_assert_cmpstr (name, ==, "Range");

  s3dlio_request_set_header (request, "New", "v");
  _s3dlio_request_get_header_nth (request, 2, &name, &value);
  g_assert_cmpstr (name, ==, "New");

  s3dlio_request_remove_header (request, "x-multi");
  g_assert_null (s3dlio_request_get_header (request, "X-Multi"));
  s3dlio_request_set_header (request, "range", NULL);
  g_assert_null (s3dlio_request_get_header (request, "Range"));
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 1);
}

static void
test_request_query (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "h", "/b");
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  const char *name, *value;

  s3dlio_request_add_query (request, "uploads", NULL);
  s3dlio_request_add_query (request, "prefix", "a/b c+d");
  s3dlio_request_add_query (request, "prefix", "second");
  s3dlio_request_add_query (request, "empty", "");

  g_assert_true (s3dlio_request_has_query (request, "uploads"));
  g_assert_null (s3dlio_request_get_query (request, "uploads"));
  g_assert_false (s3dlio_request_has_query (request, "missing"));
  g_assert_cmpstr (s3dlio_request_get_query (request, "prefix"), ==, "a/b c+d");
  g_assert_cmpstr (s3dlio_request_get_query (request, "empty"), ==, "");
  g_assert_cmpuint (_s3dlio_request_get_n_queries (request), ==, 4);

  uri = s3dlio_request_to_uri_string (request);
  g_assert_cmpstr (uri, ==, "https://h/b?uploads&prefix=a%2Fb%20c%2Bd&prefix=second&empty=");

  s3dlio_request_remove_query (request, "prefix");
  g_assert_cmpuint (_s3dlio_request_get_n_queries (request), ==, 2);
  _s3dlio_request_get_query_nth (request, 1, &name, &value);
  g_assert_cmpstr (name, ==, "empty");
  g_assert_cmpstr (value, ==, "");

  /* Parsing an encoded query, as the loopback server does. */
  g_assert_true (_s3dlio_request_add_encoded_query (request, "a=%2F+x&&b&%E1%88%B4=", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_s3dlio_request_get_n_queries (request), ==, 5);
  _s3dlio_request_get_query_nth (request, 2, &name, &value);
  g_assert_cmpstr (name, ==, "a");
  g_assert_cmpstr (value, ==, "/+x");
  _s3dlio_request_get_query_nth (request, 3, &name, &value);
  g_assert_cmpstr (name, ==, "b");
  g_assert_null (value);
  _s3dlio_request_get_query_nth (request, 4, &name, &value);
  g_assert_cmpstr (name, ==, "\xe1\x88\xb4");
  g_assert_cmpstr (value, ==, "");

  g_assert_false (_s3dlio_request_add_encoded_query (request, "ok=1&bad=%G1", &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_assert_nonnull (strstr (error->message, "bad=%G1"));
  g_assert_cmpuint (_s3dlio_request_get_n_queries (request), ==, 5);
}

static void
test_request_payload (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("PUT", "h", "/b/k");
  g_autoptr(GBytes) body = g_bytes_new_static ("Welcome to Amazon S3.", 21);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  guint notifications = 0;

  g_signal_connect (request, "notify::payload-hash", G_CALLBACK (count_notify), &notifications);

  g_assert_null (s3dlio_request_get_payload (request));
  g_assert_cmpstr (s3dlio_request_get_payload_hash (request), ==, S3DLIO_EMPTY_PAYLOAD_SHA256);
  g_assert_false (_s3dlio_request_has_payload_hash (request));

  s3dlio_request_set_payload (request, body);
  g_assert_true (s3dlio_request_get_payload (request) == body);
  g_assert_cmpstr (s3dlio_request_get_payload_hash (request), ==,
                   "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  g_assert_true (_s3dlio_request_has_payload_hash (request));
  g_assert_cmpuint (notifications, ==, 1);

  s3dlio_request_set_payload_hash (request, S3DLIO_UNSIGNED_PAYLOAD);
  g_assert_cmpstr (s3dlio_request_get_payload_hash (request), ==, "UNSIGNED-PAYLOAD");
  s3dlio_request_set_payload_hash (request, S3DLIO_UNSIGNED_PAYLOAD);
  g_assert_cmpuint (notifications, ==, 2);

  s3dlio_request_set_payload_hash (request, NULL);
  g_assert_false (_s3dlio_request_has_payload_hash (request));
  g_assert_cmpstr (s3dlio_request_get_payload_hash (request), ==, S3DLIO_EMPTY_PAYLOAD_SHA256);

  s3dlio_request_set_payload (request, empty);
  g_assert_true (_s3dlio_request_has_payload_hash (request));
  g_assert_cmpstr (s3dlio_request_get_payload_hash (request), ==, S3DLIO_EMPTY_PAYLOAD_SHA256);

  s3dlio_request_set_payload (request, NULL);
  g_assert_null (s3dlio_request_get_payload (request));
  g_assert_false (_s3dlio_request_has_payload_hash (request));
}

static void
test_request_copy (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("PUT", "h:1", "/b/k k");
  g_autoptr(S3dlioRequest) copy = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("x", 1);
  g_autofree char *uri = NULL;
  g_autofree char *copy_uri = NULL;

  s3dlio_request_set_scheme (request, "http");
  s3dlio_request_add_query (request, "partNumber", "1");
  s3dlio_request_append_header (request, "A", "1");
  s3dlio_request_set_payload (request, body);

  copy = s3dlio_request_copy (request);
  uri = s3dlio_request_to_uri_string (request);
  copy_uri = s3dlio_request_to_uri_string (copy);
  g_assert_cmpstr (copy_uri, ==, uri);
  g_assert_cmpstr (s3dlio_request_get_method (copy), ==, "PUT");
  g_assert_cmpstr (s3dlio_request_get_header (copy, "a"), ==, "1");
  g_assert_true (s3dlio_request_get_payload (copy) == body);
  g_assert_cmpstr (s3dlio_request_get_payload_hash (copy), ==,
                   s3dlio_request_get_payload_hash (request));

  /* Independent: changing the copy leaves the original alone. */
  s3dlio_request_set_header (copy, "A", "2");
  s3dlio_request_add_query (copy, "x", NULL);
  g_assert_cmpstr (s3dlio_request_get_header (request, "A"), ==, "1");
  g_assert_false (s3dlio_request_has_query (request, "x"));
}

/* Keys S3 accepts that URI libraries like to rewrite. */
static const struct {
  const char *path;
  const char *encoded;
} unusual_keys[] = {
  { "/bucket/a/../b/./c//d", "/bucket/a/../b/./c//d" },
  { "/bucket/my key+%.txt", "/bucket/my%20key%2B%25.txt" },
  { "/bucket/a%20b", "/bucket/a%2520b" },
  { "/bucket/q?x=1#frag", "/bucket/q%3Fx%3D1%23frag" },
  { "/bucket/\xc3\xbc\xe2\x82\xac/\xe1\x88\xb4", "/bucket/%C3%BC%E2%82%AC/%E1%88%B4" },
  { "/bucket//", "/bucket//" },
  { "/bucket/..", "/bucket/.." },
  { "/bucket/./", "/bucket/./" },
  { "/bucket/%2E%2E/x", "/bucket/%252E%252E/x" },
};

static void
test_request_uri_string (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (unusual_keys); i++)
    {
      g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "s3.example.com", unusual_keys[i].path);
      g_autofree char *uri = s3dlio_request_to_uri_string (request);
      g_autofree char *expected = g_strconcat ("https://s3.example.com", unusual_keys[i].encoded, NULL);

      g_assert_cmpstr (uri, ==, expected);
    }
}

static void
test_request_message (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (unusual_keys); i++)
    {
      g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "s3.example.com:9000", unusual_keys[i].path);
      g_autoptr(SoupMessage) message = NULL;
      g_autoptr(GError) error = NULL;
      GUri *uri;

      s3dlio_request_add_query (request, "prefix", "a/b c");
      s3dlio_request_add_query (request, "uploads", NULL);
      message = _s3dlio_request_new_message (request, &error);
      g_assert_no_error (error);

      uri = soup_message_get_uri (message);
      g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
      g_assert_cmpstr (g_uri_get_host (uri), ==, "s3.example.com");
      g_assert_cmpint (g_uri_get_port (uri), ==, 9000);
      g_assert_cmpstr (g_uri_get_path (uri), ==, unusual_keys[i].encoded);
      g_assert_cmpstr (g_uri_get_query (uri), ==, "prefix=a%2Fb%20c&uploads");
      g_assert_cmpstr (soup_message_get_method (message), ==, "GET");
    }
}

static void
test_request_message_headers (void)
{
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("PUT", "[::1]:8080", "/b/k");
  g_autoptr(GBytes) body = g_bytes_new_static ("Param1=value1", 13);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *range;

  s3dlio_request_set_scheme (request, "http");
  s3dlio_request_append_header (request, "X-Twice", "1");
  s3dlio_request_append_header (request, "X-Twice", "2");
  s3dlio_request_append_header (request, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  s3dlio_request_append_header (request, "Content-Length", "999");
  s3dlio_request_set_header (request, "Range", "bytes=0-9");
  s3dlio_request_set_payload (request, body);

  message = _s3dlio_request_new_message (request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_host (soup_message_get_uri (message)), ==, "::1");
  g_assert_cmpint (g_uri_get_port (soup_message_get_uri (message)), ==, 8080);

  headers = soup_message_get_request_headers (message);
  g_assert_null (soup_message_headers_get_one (headers, "Host"));
  range = soup_message_headers_get_one (headers, "Range");
  g_assert_cmpstr (range, ==, "bytes=0-9");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Twice"), ==, "1, 2");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "Content-Type"), ==,
                   "application/x-www-form-urlencoded; charset=utf-8");
  /* From the body, not from the stale header. */
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, 13);
}

static void
test_request_message_errors (void)
{
  static const struct {
    const char *scheme;
    const char *host;
    const char *header_name;
    const char *header_value;
    int code;
  } cases[] = {
    { "ftp", "h", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "a b", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "h/x", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "h:0", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "h:65536", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "h:", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "[::1", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "::1", NULL, NULL, S3DLIO_ERROR_INVALID_URI },
    { "https", "h", "Bad Name", "value-of-bad-name", S3DLIO_ERROR_INVALID_ARGUMENT },
    { "https", "h", "X-Secret", "line\r\nInjected: yes", S3DLIO_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", cases[i].host, "/b/k");
      g_autoptr(SoupMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      s3dlio_request_set_scheme (request, cases[i].scheme);
      if (cases[i].header_name)
        s3dlio_request_append_header (request, cases[i].header_name, cases[i].header_value);

      message = _s3dlio_request_new_message (request, &error);
      g_assert_null (message);
      g_assert_error (error, S3DLIO_ERROR, cases[i].code);
      /* Header values may be secrets: only the name is named. */
      if (cases[i].header_value)
        g_assert_null (strstr (error->message, cases[i].header_value));
    }
}

/* A one-shot HTTP server on 127.0.0.1 that records the request head, to
 * see what reaches the wire. */
typedef struct {
  GSocketListener *listener;
  char            *request_head;
} WireServer;

static gpointer
wire_server_thread (gpointer data)
{
  WireServer *server = data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  GInputStream *input;
  GOutputStream *output;

  connection = g_socket_listener_accept (server->listener, NULL, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  /* Bounded: at most 64 KiB of head, one byte or more per round. */
  while (head->len < 65536 && strstr (head->str, "\r\n\r\n") == NULL)
    {
      char buffer[4096];
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      if (n <= 0)
        break;
      g_string_append_len (head, buffer, n);
    }

  g_output_stream_write_all (output, response, strlen (response), NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  server->request_head = g_string_free (g_steal_pointer (&head), FALSE);
  return NULL;
}

static void
test_request_message_wire (void)
{
  WireServer server = { 0 };
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(S3dlioRequest) request = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *host_line = NULL;
  GThread *thread;
  guint16 port;

  server.listener = g_socket_listener_new ();
  g_socket_listener_add_address (server.listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  thread = g_thread_new ("wire-server", wire_server_thread, &server);

  host = g_strdup_printf ("127.0.0.1:%u", port);
  request = s3dlio_request_new ("GET", host, "/bucket/a/../b/./c//d %3F#");
  s3dlio_request_set_scheme (request, "http");
  s3dlio_request_add_query (request, "x-id", "../a?b");
  s3dlio_request_set_header (request, "Range", "bytes=0-1");
  message = _s3dlio_request_new_message (request, &error);
  g_assert_no_error (error);

  session = soup_session_new_with_options ("timeout", 10, "idle-timeout", 10, NULL);
  response = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_thread_join (thread);

  g_assert_true (g_str_has_prefix (server.request_head,
                                   "GET /bucket/a/../b/./c//d%20%253F%23?x-id=..%2Fa%3Fb HTTP/1.1\r\n"));
  host_line = g_strdup_printf ("\r\nHost: %s\r\n", host);
  g_assert_nonnull (strstr (server.request_head, host_line));
  g_assert_nonnull (strstr (server.request_head, "\r\nRange: bytes=0-1\r\n"));

  g_free (server.request_head);
  g_socket_listener_close (server.listener);
  g_object_unref (server.listener);
}

/* The aws-c-auth SigV4 suite */

typedef struct {
  char      *method;
  char      *target;     /* raw */
  char      *host;
  GPtrArray *names;      /* header names in order, Host left out */
  GPtrArray *values;
  GBytes    *body;
} HttpFile;

static void
http_file_free (HttpFile *file)
{
  g_free (file->method);
  g_free (file->target);
  g_free (file->host);
  g_ptr_array_unref (file->names);
  g_ptr_array_unref (file->values);
  g_bytes_unref (file->body);
  g_free (file);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpFile, http_file_free)

/* Reads a request.txt-style file: `METHOD target HTTP/1.1`, header lines
 * (continuation lines folded into the previous value, with their line
 * break, as they were), a blank line and the body. The target may hold
 * spaces. */
static HttpFile *
http_file_load (const char *case_name,
                const char *file_name)
{
  g_autoptr(GBytes) bytes = s3dlio_test_load_data ("sigv4", "v4", case_name, file_name, NULL);
  HttpFile *file = g_new0 (HttpFile, 1);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;
  const char *separator = g_strstr_len (data, len, "\n\n");
  const char *first_space, *last_space;

  file->names = g_ptr_array_new_with_free_func (g_free);
  file->values = g_ptr_array_new_with_free_func (g_free);
  if (separator)
    {
      head = g_strndup (data, separator - data);
      file->body = g_bytes_new_from_bytes (bytes, separator + 2 - data, len - (separator + 2 - data));
    }
  else
    {
      head = g_strndup (data, len);
      g_strchomp (head);
      file->body = g_bytes_new (NULL, 0);
    }

  lines = g_strsplit (head, "\n", -1);
  g_assert_nonnull (lines[0]);
  first_space = strchr (lines[0], ' ');
  last_space = strrchr (lines[0], ' ');
  g_assert_nonnull (first_space);
  g_assert_true (last_space > first_space);
  g_assert_cmpstr (last_space, ==, " HTTP/1.1");
  file->method = g_strndup (lines[0], first_space - lines[0]);
  file->target = g_strndup (first_space + 1, last_space - first_space - 1);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *colon;

      if (line[0] == ' ' || line[0] == '\t')
        {
          char *folded;

          g_assert_cmpuint (file->values->len, >, 0);
          folded = g_strconcat (g_ptr_array_index (file->values, file->values->len - 1), "\n", line, NULL);
          g_free (file->values->pdata[file->values->len - 1]);
          file->values->pdata[file->values->len - 1] = folded;
          continue;
        }

      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      if (g_ascii_strncasecmp (line, "Host:", 5) == 0)
        {
          file->host = g_strdup (colon + 1);
          continue;
        }
      g_ptr_array_add (file->names, g_strndup (line, colon - line));
      g_ptr_array_add (file->values, g_strdup (colon + 1));
    }

  g_assert_nonnull (file->host);
  return file;
}

static S3dlioRequest *
request_from_http_file (HttpFile *file)
{
  g_autoptr(S3dlioRequest) request = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *question = strchr (file->target, '?');

  path = question ? g_strndup (file->target, question - file->target) : g_strdup (file->target);
  request = s3dlio_request_new (file->method, file->host, path);
  if (question)
    {
      _s3dlio_request_add_encoded_query (request, question + 1, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < file->names->len; i++)
    s3dlio_request_append_header (request, file->names->pdata[i], file->values->pdata[i]);
  if (g_bytes_get_size (file->body) > 0)
    s3dlio_request_set_payload (request, file->body);

  return g_steal_pointer (&request);
}

typedef struct {
  char              *name;
  S3dlioCredentials *credentials;
  char              *secret;
  char              *token;
  char              *region;
  char              *service;
  GDateTime         *timestamp;
  guint              expires;
  gboolean           normalize;
  gboolean           sign_body;
  gboolean           omit_session_token;
} SuiteContext;

static void
suite_context_free (SuiteContext *context)
{
  g_free (context->name);
  g_object_unref (context->credentials);
  g_free (context->secret);
  g_free (context->token);
  g_free (context->region);
  g_free (context->service);
  g_date_time_unref (context->timestamp);
  g_free (context);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SuiteContext, suite_context_free)

static gboolean
json_bool (JsonObject *object,
           const char *name)
{
  return json_object_has_member (object, name) && json_object_get_boolean_member (object, name);
}

static SuiteContext *
suite_context_load (const char *case_name)
{
  g_autofree char *path = s3dlio_test_data_path ("sigv4", "v4", case_name, "context.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  SuiteContext *context = g_new0 (SuiteContext, 1);
  JsonObject *root, *credentials;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  credentials = json_object_get_object_member (root, "credentials");

  context->name = g_strdup (case_name);
  context->secret = g_strdup (json_object_get_string_member (credentials, "secret_access_key"));
  if (json_object_has_member (credentials, "token"))
    context->token = g_strdup (json_object_get_string_member (credentials, "token"));
  context->credentials = s3dlio_credentials_new (json_object_get_string_member (credentials, "access_key_id"),
                                                 context->secret, context->token);
  context->region = g_strdup (json_object_get_string_member (root, "region"));
  context->service = g_strdup (json_object_get_string_member (root, "service"));
  context->timestamp = parse_time (json_object_get_string_member (root, "timestamp"));
  context->expires = json_object_get_int_member (root, "expiration_in_seconds");
  context->normalize = json_bool (root, "normalize");
  context->sign_body = json_bool (root, "sign_body");
  context->omit_session_token = json_bool (root, "omit_session_token");

  return context;
}

/* A signer with the rules the case states. */
static S3dlioSigner *
suite_signer_new (SuiteContext *context)
{
  S3dlioSigner *signer = s3dlio_signer_new (context->credentials, context->region);
  S3dlioSignerFlags flags = S3DLIO_SIGNER_FLAGS_NONE;

  if (context->normalize)
    flags |= S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH;
  if (!context->sign_body)
    flags |= S3DLIO_SIGNER_FLAGS_NO_CONTENT_SHA256_HEADER;
  if (context->omit_session_token)
    flags |= S3DLIO_SIGNER_FLAGS_UNSIGNED_SESSION_TOKEN;

  s3dlio_signer_set_service (signer, context->service);
  s3dlio_signer_set_flags (signer, flags);
  return signer;
}

static void
assert_headers_match (S3dlioRequest *request,
                      HttpFile      *file)
{
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, file->names->len);
  for (guint i = 0; i < file->names->len; i++)
    {
      const char *name, *value;

      _s3dlio_request_get_header_nth (request, i, &name, &value);
      g_assert_cmpstr (name, ==, file->names->pdata[i]);
      g_assert_cmpstr (value, ==, file->values->pdata[i]);
    }
}

static void
test_suite_header (gconstpointer data)
{
  const char *case_name = data;
  g_autoptr(SuiteContext) context = suite_context_load (case_name);
  g_autoptr(HttpFile) unsigned_file = http_file_load (case_name, "request.txt");
  g_autoptr(HttpFile) signed_file = http_file_load (case_name, "header-signed-request.txt");
  g_autoptr(S3dlioRequest) request = request_from_http_file (unsigned_file);
  g_autoptr(S3dlioSigner) signer = suite_signer_new (context);
  g_autofree char *canonical = load_suite_text (case_name, "header-canonical-request.txt");
  g_autofree char *string_to_sign = load_suite_text (case_name, "header-string-to-sign.txt");
  g_autofree char *signature = load_suite_text (case_name, "header-signature.txt");
  g_autofree char *authorization = NULL;
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (_s3dlio_signer_compute (signer, request, context->timestamp, FALSE, 0, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result.canonical_request, ==, canonical);
  g_assert_cmpstr (result.string_to_sign, ==, string_to_sign);
  g_assert_cmpstr (result.signature, ==, signature);

  g_assert_true (s3dlio_signer_sign (signer, request, context->timestamp, &error));
  g_assert_no_error (error);

  /* The Authorization line byte for byte, then every header in order. */
  for (guint i = 0; i < signed_file->names->len; i++)
    if (strcmp (signed_file->names->pdata[i], "Authorization") == 0)
      authorization = g_strconcat ("Authorization:", (char *) signed_file->values->pdata[i], NULL);
  g_assert_nonnull (authorization);
  {
    g_autofree char *ours = g_strconcat ("Authorization:", s3dlio_request_get_header (request, "Authorization"), NULL);

    g_assert_cmpstr (ours, ==, authorization);
  }
  assert_headers_match (request, signed_file);
  g_assert_true (g_bytes_equal (signed_file->body, unsigned_file->body));
  g_assert_cmpstr (signed_file->target, ==, unsigned_file->target);
}

/* `name=value` pieces of an encoded query, in the canonical encoding, in
 * order of appearance. */
static GPtrArray *
canonical_query_pieces (const char *query)
{
  g_auto(GStrv) pieces = g_strsplit (query, "&", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pieces[i] != NULL; i++)
    {
      const char *eq = strchr (pieces[i], '=');
      g_autofree char *name = _s3dlio_uri_decode (pieces[i], eq ? eq - pieces[i] : -1, FALSE);
      g_autofree char *value = eq ? _s3dlio_uri_decode (eq + 1, -1, FALSE) : NULL;
      GString *piece = g_string_new (NULL);

      g_assert_nonnull (name);
      _s3dlio_uri_encode_append (piece, name, -1, FALSE);
      if (eq)
        {
          g_assert_nonnull (value);
          g_string_append_c (piece, '=');
          _s3dlio_uri_encode_append (piece, value, -1, FALSE);
        }
      g_ptr_array_add (out, g_string_free (piece, FALSE));
    }
  return out;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_suite_query (gconstpointer data)
{
  const char *case_name = data;
  g_autoptr(SuiteContext) context = suite_context_load (case_name);
  g_autoptr(HttpFile) unsigned_file = http_file_load (case_name, "request.txt");
  g_autoptr(HttpFile) signed_file = http_file_load (case_name, "query-signed-request.txt");
  g_autoptr(S3dlioRequest) request = request_from_http_file (unsigned_file);
  g_autoptr(S3dlioSigner) signer = suite_signer_new (context);
  g_autofree char *canonical = load_suite_text (case_name, "query-canonical-request.txt");
  g_autofree char *string_to_sign = load_suite_text (case_name, "query-string-to-sign.txt");
  g_autofree char *signature = load_suite_text (case_name, "query-signature.txt");
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *expected_path = NULL;
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  const char *question;

  /* The suite signs presigned URLs with the body hash, not
   * UNSIGNED-PAYLOAD: that has to be asked for. */
  if (!_s3dlio_request_has_payload_hash (request))
    s3dlio_request_set_payload_hash (request, S3DLIO_EMPTY_PAYLOAD_SHA256);

  g_assert_true (_s3dlio_signer_compute (signer, request, context->timestamp, TRUE,
                                         context->expires, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result.canonical_request, ==, canonical);
  g_assert_cmpstr (result.string_to_sign, ==, string_to_sign);
  g_assert_cmpstr (result.signature, ==, signature);

  url = s3dlio_signer_presign (signer, request, context->timestamp, context->expires, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, result.presigned_url);

  /* Same URL as the suite's, up to the order of the parameters (the suite
   * puts X-Amz-Expires after X-Amz-SignedHeaders). */
  prefix = g_strconcat ("https://", signed_file->host, NULL);
  g_assert_true (g_str_has_prefix (url, prefix));
  question = strchr (url, '?');
  g_assert_nonnull (question);
  {
    g_autofree char *our_path = g_strndup (url + strlen (prefix), question - url - strlen (prefix));
    const char *their_question = strchr (signed_file->target, '?');
    g_autofree char *their_path = g_strndup (signed_file->target, their_question - signed_file->target);

    expected_path = _s3dlio_uri_encode (their_path, TRUE);
    g_assert_cmpstr (our_path, ==, expected_path);
    theirs = canonical_query_pieces (their_question + 1);
  }
  /* Ours must already be in the canonical encoding: not re-encoded. */
  ours = g_ptr_array_new_with_free_func (g_free);
  {
    g_auto(GStrv) pieces = g_strsplit (question + 1, "&", -1);

    for (guint i = 0; pieces[i] != NULL; i++)
      g_ptr_array_add (ours, g_strdup (pieces[i]));
  }
  g_ptr_array_sort (ours, compare_strings);
  g_ptr_array_sort (theirs, compare_strings);
  g_assert_cmpuint (ours->len, ==, theirs->len);
  for (guint i = 0; i < ours->len; i++)
    g_assert_cmpstr (ours->pdata[i], ==, theirs->pdata[i]);
  g_assert_true (g_str_has_suffix (url, result.signature));

  /* Presigning leaves the request alone. */
  assert_headers_match (request, signed_file);
}

static GPtrArray *
list_suite_cases (void)
{
  g_autofree char *dir_path = s3dlio_test_data_path ("sigv4", "v4", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  GPtrArray *cases = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (cases, g_strdup (name));
  g_ptr_array_sort (cases, compare_strings);

  return cases;
}

static void
test_suite_count (gconstpointer data)
{
  const GPtrArray *cases = data;

  g_assert_cmpuint (cases->len, ==, 38);
}

/* The canonical URI is the second line of the canonical request. */
static char *
canonical_uri_of (const char *canonical_request)
{
  const char *start = strchr (canonical_request, '\n');
  const char *end;

  g_assert_nonnull (start);
  end = strchr (start + 1, '\n');
  g_assert_nonnull (end);
  return g_strndup (start + 1, end - start - 1);
}

/* The `*-unnormalized` cases with the S3 rules (no flags at all): the
 * canonical URI of the case, also for the request of its `*-normalized`
 * twin, since S3 never normalises. */
static void
test_suite_s3_unnormalized (gconstpointer data)
{
  const char *case_name = data;
  g_autoptr(SuiteContext) context = suite_context_load (case_name);
  g_autofree char *canonical = load_suite_text (case_name, "header-canonical-request.txt");
  g_autofree char *expected_uri = canonical_uri_of (canonical);
  g_autofree char *twin = NULL;
  g_autoptr(S3dlioSigner) signer = s3dlio_signer_new (context->credentials, context->region);
  const char *twins[] = { case_name, NULL };

  g_assert_true (g_str_has_suffix (case_name, "-unnormalized"));
  twin = g_strdup_printf ("%.*s-normalized",
                          (int) (strlen (case_name) - strlen ("-unnormalized")), case_name);
  twins[1] = twin;

  for (guint i = 0; i < G_N_ELEMENTS (twins); i++)
    {
      g_autoptr(HttpFile) file = http_file_load (twins[i], "request.txt");
      g_autoptr(S3dlioRequest) request = request_from_http_file (file);
      g_auto(S3dlioSignature) result = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = NULL;
      g_autofree char *wire = NULL;
      g_autofree char *expected_wire = NULL;

      g_assert_true (_s3dlio_signer_compute (signer, request, context->timestamp, FALSE, 0, &result, &error));
      g_assert_no_error (error);
      uri = canonical_uri_of (result.canonical_request);
      g_assert_cmpstr (uri, ==, expected_uri);
      g_assert_nonnull (strstr (result.signed_headers, "x-amz-content-sha256"));

      wire = s3dlio_request_to_uri_string (request);
      expected_wire = g_strconcat ("https://example.amazonaws.com", expected_uri, NULL);
      g_assert_cmpstr (wire, ==, expected_wire);
    }
}

/* The S3 documentation examples */

static S3dlioRequest *
request_from_doc_input (JsonObject *input)
{
  g_autoptr(GUri) endpoint = g_uri_parse (json_object_get_string_member (input, "endpoint"),
                                          G_URI_FLAGS_NONE, NULL);
  const char *bucket = json_object_get_string_member (input, "bucket");
  const char *key = json_object_get_string_member_with_default (input, "key", "");
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  S3dlioRequest *request;

  g_assert_nonnull (endpoint);
  g_assert_cmpstr (json_object_get_string_member (input, "addressing"), ==, "virtual");
  host = g_strconcat (bucket, ".", g_uri_get_host (endpoint), NULL);
  path = g_strconcat ("/", key, NULL);
  request = s3dlio_request_new (json_object_get_string_member (input, "method"), host, path);

  if (json_object_has_member (input, "headers"))
    {
      JsonArray *headers = json_object_get_array_member (input, "headers");

      for (guint i = 0; i < json_array_get_length (headers); i++)
        {
          JsonArray *header = json_array_get_array_element (headers, i);

          s3dlio_request_append_header (request, json_array_get_string_element (header, 0),
                                        json_array_get_string_element (header, 1));
        }
    }

  if (json_object_has_member (input, "query"))
    {
      JsonArray *query = json_object_get_array_member (input, "query");

      for (guint i = 0; i < json_array_get_length (query); i++)
        {
          JsonArray *param = json_array_get_array_element (query, i);

          s3dlio_request_add_query (request, json_array_get_string_element (param, 0),
                                    json_array_get_null_element (param, 1) ? NULL :
                                    json_array_get_string_element (param, 1));
        }
    }

  if (strcmp (json_object_get_string_member (input, "payload"), "signed") == 0)
    {
      const char *body = json_object_get_string_member_with_default (input, "body", "");
      g_autoptr(GBytes) bytes = NULL;

      /* body_hex is empty in every example. */
      g_assert_cmpstr (json_object_get_string_member_with_default (input, "body_hex", ""), ==, "");
      bytes = g_bytes_new (body, strlen (body));
      s3dlio_request_set_payload (request, bytes);
    }

  return request;
}

static void
test_s3_doc_example (gconstpointer data)
{
  JsonObject *example = (JsonObject *) data;
  JsonObject *input = json_object_get_object_member (example, "input");
  JsonObject *expected = json_object_get_object_member (example, "expected");
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autoptr(S3dlioSigner) signer = NULL;
  g_autoptr(S3dlioRequest) request = request_from_doc_input (input);
  g_autoptr(GDateTime) timestamp = parse_time (json_object_get_string_member (input, "timestamp"));
  gboolean presign = json_object_get_boolean_member_with_default (input, "presign", FALSE);
  guint expires = json_object_get_int_member_with_default (input, "expires", 0);
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (json_object_get_string_member (input, "secret_key"), ==, DOC_SECRET);
  credentials = s3dlio_credentials_new (json_object_get_string_member (input, "access_key"),
                                        json_object_get_string_member (input, "secret_key"), NULL);
  signer = s3dlio_signer_new (credentials, json_object_get_string_member (input, "region"));
  g_assert_cmpstr (s3dlio_signer_get_service (signer), ==, json_object_get_string_member (input, "service"));

  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, presign, expires, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (result.canonical_request, ==, json_object_get_string_member (expected, "canonical_request"));
  g_assert_cmpstr (result.string_to_sign, ==, json_object_get_string_member (expected, "string_to_sign"));
  g_assert_cmpstr (result.signature, ==, json_object_get_string_member (expected, "signature"));

  if (presign)
    {
      g_autofree char *url = s3dlio_signer_presign (signer, request, timestamp, expires, &error);
      g_autofree char *expected_url = NULL;

      g_assert_no_error (error);
      /* The URL printed in the documentation. */
      expected_url = g_strconcat ("https://examplebucket.s3.amazonaws.com/test.txt"
                                  "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                                  "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                                  "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                                  "&X-Amz-Signature=", result.signature, NULL);
      g_assert_cmpstr (url, ==, expected_url);
    }
  else
    {
      /* The documentation writes `,` where SDKs (and we) write `, `. */
      g_autofree char *documented = g_strdup (json_object_get_string_member (expected, "authorization"));
      g_autoptr(GString) spaced = g_string_new (documented);

      g_string_replace (spaced, ",SignedHeaders=", ", SignedHeaders=", 1);
      g_string_replace (spaced, ",Signature=", ", Signature=", 1);
      g_assert_cmpstr (result.authorization, ==, spaced->str);

      g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (s3dlio_request_get_header (request, "Authorization"), ==, spaced->str);
      g_assert_cmpstr (s3dlio_request_get_header (request, "x-amz-date"), ==, "20130524T000000Z");
      g_assert_cmpstr (s3dlio_request_get_header (request, "x-amz-content-sha256"), ==,
                       s3dlio_request_get_payload_hash (request));
    }
}

/* S3 specifics */

static S3dlioSigner *
doc_signer_new (const char *session_token)
{
  g_autoptr(S3dlioCredentials) credentials =
    s3dlio_credentials_new ("AKIAIOSFODNN7EXAMPLE", DOC_SECRET, session_token);

  return s3dlio_signer_new (credentials, "us-east-1");
}

static void
test_normalize_path (void)
{
  static const struct {
    const char *path;
    const char *normalized;
  } cases[] = {
    { "/", "/" },
    { "//", "/" },
    { "/./", "/" },
    { "/./example", "/example" },
    { "//example//", "/example/" },
    { "/example/..", "/" },
    { "/example1/example2/../..", "/" },
    { "/a/b/../c/./d//e", "/a/c/d/e" },
    { "/a/b/..", "/a/" },
    { "/a/.", "/a/" },
    { "/../../a", "/a" },
    { "/a..b/.c/", "/a..b/.c/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = _s3dlio_signer_normalize_path (cases[i].path);

      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }
}

static void
test_s3_key_encoding (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);

  for (guint i = 0; i < G_N_ELEMENTS (unusual_keys); i++)
    {
      g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "s3.example.com", unusual_keys[i].path);
      g_auto(S3dlioSignature) result = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *uri = NULL;

      g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, &error));
      g_assert_no_error (error);
      uri = canonical_uri_of (result.canonical_request);
      g_assert_cmpstr (uri, ==, unusual_keys[i].encoded);
    }

  /* `a%20b` is a key with a percent sign: once encoded, not decoded. */
  {
    g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "s3.example.com", "/a%20b");
    g_auto(S3dlioSignature) result = { 0 };
    g_autofree char *uri = NULL;
    g_autofree char *wire = NULL;

    g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, NULL));
    uri = canonical_uri_of (result.canonical_request);
    g_assert_cmpstr (uri, ==, "/a%2520b");
    wire = s3dlio_request_to_uri_string (request);
    g_assert_cmpstr (wire, ==, "https://s3.example.com/a%2520b");
  }
}

static void
test_generic_path_flags (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "h", "/a b/./c//d");
  static const struct {
    S3dlioSignerFlags flags;
    const char *uri;
  } cases[] = {
    { S3DLIO_SIGNER_FLAGS_NONE, "/a%20b/./c//d" },
    { S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH, "/a%20b/c/d" },
    { S3DLIO_SIGNER_FLAGS_DOUBLE_ENCODE_PATH, "/a%2520b/./c//d" },
    { S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH | S3DLIO_SIGNER_FLAGS_DOUBLE_ENCODE_PATH, "/a%2520b/c/d" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(S3dlioSignature) result = { 0 };
      g_autofree char *uri = NULL;
      g_autofree char *wire = NULL;

      s3dlio_signer_set_flags (signer, cases[i].flags);
      g_assert_cmpint (s3dlio_signer_get_flags (signer), ==, cases[i].flags);
      g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, NULL));
      uri = canonical_uri_of (result.canonical_request);
      g_assert_cmpstr (uri, ==, cases[i].uri);
      /* The flags change the signature, never the wire. */
      wire = s3dlio_request_to_uri_string (request);
      g_assert_cmpstr (wire, ==, "https://h/a%20b/./c//d");
    }
}

static void
test_s3_query (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("POST", "b.s3.amazonaws.com", "/k");
  g_auto(S3dlioSignature) result = { 0 };
  g_autofree char *uri = NULL;
  g_auto(GStrv) lines = NULL;

  s3dlio_request_add_query (request, "uploads", NULL);
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, NULL));
  lines = g_strsplit (result.canonical_request, "\n", -1);
  g_assert_cmpstr (lines[2], ==, "uploads=");
  uri = s3dlio_request_to_uri_string (request);
  g_assert_cmpstr (uri, ==, "https://b.s3.amazonaws.com/k?uploads");
  g_clear_pointer (&lines, g_strfreev);

  /* Sorted by encoded name, then value; `/`, `=`, `&`, `+` and space encoded. */
  s3dlio_request_add_query (request, "prefix", "a/b=c&d+e f");
  s3dlio_request_add_query (request, "a-b", "2");
  s3dlio_request_add_query (request, "a", "z");
  s3dlio_request_add_query (request, "a", "y");
  s3dlio_request_add_query (request, "A", NULL);
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, NULL));
  lines = g_strsplit (result.canonical_request, "\n", -1);
  g_assert_cmpstr (lines[2], ==, "A=&a=y&a=z&a-b=2&prefix=a%2Fb%3Dc%26d%2Be%20f&uploads=");
}

static void
test_s3_content_sha256 (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(GError) error = NULL;

  /* Present and signed even without a payload. */
  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_request_get_header (request, "x-amz-content-sha256"), ==, S3DLIO_EMPTY_PAYLOAD_SHA256);
  g_assert_nonnull (strstr (s3dlio_request_get_header (request, "Authorization"),
                            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));

  /* UNSIGNED-PAYLOAD is sent, signed and the last canonical line. */
  s3dlio_request_set_payload_hash (request, S3DLIO_UNSIGNED_PAYLOAD);
  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_cmpstr (s3dlio_request_get_header (request, "x-amz-content-sha256"), ==, "UNSIGNED-PAYLOAD");
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, FALSE, 0, &result, NULL));
  g_assert_true (g_str_has_suffix (result.canonical_request,
                                   "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\n"
                                   "host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"));
}

static void
test_sign_replaces_headers (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new ("TOKEN");
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  g_autoptr(S3dlioRequest) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  s3dlio_request_append_header (request, "User-Agent", "test/1.0");
  s3dlio_request_append_header (request, "Expect", "100-continue");
  s3dlio_request_append_header (request, "X-Amzn-Trace-Id", "Root=1");
  fresh = s3dlio_request_copy (request);

  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_no_error (error);
  first = g_strdup (s3dlio_request_get_header (request, "Authorization"));
  g_assert_nonnull (strstr (first, "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));

  /* Signing again (a retry) replaces, never duplicates, and gives the same. */
  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_cmpstr (s3dlio_request_get_header (request, "Authorization"), ==, first);
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 3 + 4);

  /* Stale values of the headers the signer sets do not count. */
  s3dlio_request_append_header (fresh, "X-AMZ-DATE", "19700101T000000Z");
  s3dlio_request_append_header (fresh, "x-amz-security-token", "stale");
  s3dlio_request_append_header (fresh, "authorization", "stale");
  s3dlio_request_append_header (fresh, "X-Amz-Content-SHA256", "stale");
  g_assert_true (s3dlio_signer_sign (signer, fresh, timestamp, &error));
  g_assert_cmpstr (s3dlio_request_get_header (fresh, "Authorization"), ==, first);
  g_assert_cmpstr (s3dlio_request_get_header (fresh, "X-Amz-Date"), ==, "20150830T123600Z");
  g_assert_cmpstr (s3dlio_request_get_header (fresh, "X-Amz-Security-Token"), ==, "TOKEN");
  g_assert_cmpuint (_s3dlio_request_get_n_headers (fresh), ==, 3 + 4);
}

static void
test_presign_bounds (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(S3dlioSigner) anonymous = NULL;
  g_autoptr(S3dlioCredentials) none = s3dlio_credentials_new_anonymous ();
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  static const guint bad[] = { 0, 604801, G_MAXUINT };
  static const guint good[] = { 1, 604800 };

  anonymous = s3dlio_signer_new (none, "us-east-1");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) anonymous_error = NULL;
      g_autofree char *url = s3dlio_signer_presign (signer, request, timestamp, bad[i], &error);
      g_autofree char *anonymous_url = s3dlio_signer_presign (anonymous, request, timestamp, bad[i], &anonymous_error);
      g_autofree char *value = g_strdup_printf ("%u", bad[i]);

      g_assert_null (url);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, value));
      g_assert_null (anonymous_url);
      g_assert_error (anonymous_error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = s3dlio_signer_presign (signer, request, timestamp, good[i], &error);
      g_autofree char *expires = g_strdup_printf ("&X-Amz-Expires=%u&", good[i]);

      g_assert_no_error (error);
      g_assert_nonnull (strstr (url, expires));
    }
}

static void
test_presign_payload (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("PUT", "b.s3.amazonaws.com", "/k");
  g_autoptr(GBytes) body = g_bytes_new_static ("Welcome to Amazon S3.", 21);
  g_auto(S3dlioSignature) result = { 0 };
  g_autofree char *url = NULL;

  /* UNSIGNED-PAYLOAD by default; a chosen hash is kept. */
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, TRUE, 60, &result, NULL));
  g_assert_true (g_str_has_suffix (result.canonical_request, "\nhost\nUNSIGNED-PAYLOAD"));
  s3dlio_request_set_payload (request, body);
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, TRUE, 60, &result, NULL));
  g_assert_true (g_str_has_suffix (result.canonical_request,
                                   "\n44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"));

  /* Existing query parameters stay first, in order; stale presign
   * parameters are replaced, X-Amz-Signature included. */
  s3dlio_request_add_query (request, "partNumber", "2");
  s3dlio_request_add_query (request, "X-Amz-Signature", "stale");
  s3dlio_request_add_query (request, "X-Amz-Date", "stale");
  s3dlio_request_add_query (request, "uploadId", "a/b");
  url = s3dlio_signer_presign (signer, request, timestamp, 60, NULL);
  g_assert_true (g_str_has_prefix (url, "https://b.s3.amazonaws.com/k?partNumber=2&uploadId=a%2Fb&X-Amz-Algorithm="));
  g_assert_null (strstr (url, "stale"));
  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, TRUE, 60, &result, NULL));
  g_assert_null (strstr (result.canonical_request, "stale"));
  g_assert_null (strstr (result.canonical_request, "X-Amz-Signature"));
  g_assert_cmpuint (_s3dlio_request_get_n_queries (request), ==, 4);
}

static void
test_anonymous (void)
{
  g_autoptr(S3dlioCredentials) none = s3dlio_credentials_new_anonymous ();
  g_autoptr(S3dlioSigner) signer = s3dlio_signer_new (none, "eu-west-1");
  g_autoptr(S3dlioSigner) defaulted = g_object_new (S3DLIO_TYPE_SIGNER, NULL);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k k");
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  s3dlio_request_add_query (request, "versionId", "1");
  g_assert_true (s3dlio_signer_sign (signer, request, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 0);

  url = s3dlio_signer_presign (signer, request, NULL, 3600, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://b.s3.amazonaws.com/k%20k?versionId=1");

  g_assert_false (_s3dlio_signer_compute (signer, request, NULL, FALSE, 0, &result, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
  g_assert_null (result.signature);
  g_clear_error (&error);

  /* A signer made without credentials is anonymous, in us-east-1 for s3. */
  g_assert_true (s3dlio_credentials_is_anonymous (s3dlio_signer_get_credentials (defaulted)));
  g_assert_cmpstr (s3dlio_signer_get_region (defaulted), ==, "us-east-1");
  g_assert_cmpstr (s3dlio_signer_get_service (defaulted), ==, "s3");
  g_assert_true (s3dlio_signer_sign (defaulted, request, NULL, &error));
  g_assert_cmpuint (_s3dlio_request_get_n_headers (request), ==, 0);
}

static void
test_session_token (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new ("token/with+special=");
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  g_auto(S3dlioSignature) result = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_cmpstr (s3dlio_request_get_header (request, "X-Amz-Security-Token"), ==, "token/with+special=");
  g_assert_nonnull (strstr (s3dlio_request_get_header (request, "Authorization"),
                            ";x-amz-security-token, Signature="));

  g_assert_true (_s3dlio_signer_compute (signer, request, timestamp, TRUE, 60, &result, NULL));
  g_assert_nonnull (strstr (result.canonical_request,
                            "&X-Amz-Security-Token=token%2Fwith%2Bspecial%3D&X-Amz-SignedHeaders="));
  url = s3dlio_signer_presign (signer, request, timestamp, 60, NULL);
  g_assert_nonnull (strstr (url, "&X-Amz-Security-Token=token%2Fwith%2Bspecial%3D&X-Amz-Signature="));

  /* With UNSIGNED_SESSION_TOKEN the token is sent but not signed. */
  s3dlio_signer_set_flags (signer, S3DLIO_SIGNER_FLAGS_UNSIGNED_SESSION_TOKEN);
  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_cmpstr (s3dlio_request_get_header (request, "X-Amz-Security-Token"), ==, "token/with+special=");
  g_assert_null (strstr (s3dlio_request_get_header (request, "Authorization"), "x-amz-security-token"));
}

static void
test_secrets_stay_secret (void)
{
  const char *token = "SESSIONTOKENsecretSESSIONTOKEN";
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new ("AKIAIOSFODNN7EXAMPLE", DOC_SECRET, token);
  g_autoptr(S3dlioSigner) signer = s3dlio_signer_new (credentials, "us-east-1");
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  g_autoptr(S3dlioRequest) hostless = s3dlio_request_new ("GET", "", "/k");
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *url = NULL;
  g_auto(S3dlioSignature) result = { 0 };
  g_autoptr(SoupMessage) message = NULL;

  g_free (steal_captured_log ());
  g_assert_false (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "s3dlio"));

  g_assert_true (s3dlio_signer_sign (signer, request, NULL, &error));
  g_assert_no_error (error);
  url = s3dlio_signer_presign (signer, request, NULL, 60, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (url, DOC_SECRET));

  g_assert_null (s3dlio_signer_presign (signer, request, NULL, 0, &error));
  g_ptr_array_add (texts, g_strdup (error->message));
  g_clear_error (&error);
  g_assert_false (s3dlio_signer_sign (signer, hostless, NULL, &error));
  g_ptr_array_add (texts, g_strdup (error->message));
  g_clear_error (&error);
  s3dlio_request_set_header (request, "X-Amz-Security-Token", "bad\nvalue");
  message = _s3dlio_request_new_message (request, &error);
  g_assert_null (message);
  g_ptr_array_add (texts, g_strdup (error->message));
  g_clear_error (&error);
  g_assert_true (_s3dlio_signer_compute (signer, request, NULL, FALSE, 0, &result, NULL));
  g_ptr_array_add (texts, g_strdup (result.authorization));
  g_ptr_array_add (texts, s3dlio_credentials_to_string (credentials));

  log = steal_captured_log ();
  g_assert_nonnull (strstr (log, "Signed GET b.s3.amazonaws.com/k"));
  g_assert_nonnull (strstr (log, "Presigned GET"));
  g_ptr_array_add (texts, g_steal_pointer (&log));

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];

      g_assert_null (strstr (text, DOC_SECRET));
      g_assert_null (strstr (text, token));
    }
}

/* Signing from several threads at once */

#define N_THREADS 4
#define N_SIGNATURES 200

typedef struct {
  S3dlioSigner  *signer;
  S3dlioRequest *template;
  GDateTime     *timestamp;
  const char    *expected_authorization;
  const char    *expected_url;
  guint          mismatches;
} ThreadJob;

static gpointer
sign_thread (gpointer data)
{
  ThreadJob *job = data;

  for (guint i = 0; i < N_SIGNATURES; i++)
    {
      g_autoptr(S3dlioRequest) request = s3dlio_request_copy (job->template);
      g_autofree char *url = NULL;

      if (!s3dlio_signer_sign (job->signer, request, job->timestamp, NULL) ||
          g_strcmp0 (s3dlio_request_get_header (request, "Authorization"), job->expected_authorization) != 0)
        job->mismatches++;

      url = s3dlio_signer_presign (job->signer, job->template, job->timestamp, 900, NULL);
      if (g_strcmp0 (url, job->expected_url) != 0)
        job->mismatches++;
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(S3dlioSigner) reference = doc_signer_new ("TOKEN");
  g_autoptr(S3dlioSigner) shared = doc_signer_new ("TOKEN");
  g_autoptr(GDateTime) timestamp = parse_time (SUITE_TIME);
  g_autoptr(S3dlioRequest) template = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/dir/key with space");
  g_autoptr(S3dlioRequest) expected = NULL;
  g_autofree char *expected_url = NULL;
  ThreadJob jobs[N_THREADS];
  GThread *threads[N_THREADS];

  s3dlio_request_set_header (template, "Range", "bytes=0-1048575");
  s3dlio_request_add_query (template, "versionId", "3");
  expected = s3dlio_request_copy (template);
  g_assert_true (s3dlio_signer_sign (reference, expected, timestamp, NULL));
  expected_url = s3dlio_signer_presign (reference, template, timestamp, 900, NULL);

  for (guint i = 0; i < N_THREADS; i++)
    {
      jobs[i] = (ThreadJob) { shared, template, timestamp,
                              s3dlio_request_get_header (expected, "Authorization"),
                              expected_url, 0 };
      threads[i] = g_thread_new ("signer", sign_thread, &jobs[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (jobs[i].mismatches, ==, 0);
    }

  /* One day, one service: one key for all of it. */
  g_assert_cmpuint (_s3dlio_signer_get_key_derivations (shared), ==, 1);
}

static void
test_key_cache (void)
{
  g_autoptr(S3dlioSigner) signer = doc_signer_new (NULL);
  g_autoptr(GDateTime) late = parse_time ("2015-08-30T23:59:59Z");
  g_autoptr(GDateTime) early = parse_time ("2015-08-30T00:00:00Z");
  g_autoptr(GDateTime) next_day = parse_time ("2015-08-31T00:00:01Z");
  g_autoptr(GDateTime) next_day_local = parse_time ("2015-08-31T02:00:01+02:00");
  g_autoptr(S3dlioRequest) request = s3dlio_request_new ("GET", "b.s3.amazonaws.com", "/k");
  GDateTime *times[] = { late, next_day };

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(S3dlioSigner) fresh = doc_signer_new (NULL);
      g_auto(S3dlioSignature) cached = { 0 };
      g_auto(S3dlioSignature) derived = { 0 };

      g_assert_true (_s3dlio_signer_compute (signer, request, times[i], FALSE, 0, &cached, NULL));
      g_assert_true (_s3dlio_signer_compute (fresh, request, times[i], FALSE, 0, &derived, NULL));
      g_assert_cmpstr (cached.signature, ==, derived.signature);
      g_assert_cmpstr (cached.credential_scope, ==, derived.credential_scope);
    }
  g_assert_cmpuint (_s3dlio_signer_get_key_derivations (signer), ==, 2);

  /* The same day again (UTC, whatever the zone): the cached key. */
  {
    g_auto(S3dlioSignature) result = { 0 };

    g_assert_true (_s3dlio_signer_compute (signer, request, next_day_local, FALSE, 0, &result, NULL));
    g_assert_cmpstr (result.amz_date, ==, "20150831T000001Z");
    g_assert_cmpstr (result.credential_scope, ==, "20150831/us-east-1/s3/aws4_request");
    g_assert_cmpuint (_s3dlio_signer_get_key_derivations (signer), ==, 2);
  }

  /* Back to an earlier day, or another service: derived again. */
  {
    g_auto(S3dlioSignature) result = { 0 };

    g_assert_true (_s3dlio_signer_compute (signer, request, early, FALSE, 0, &result, NULL));
    g_assert_cmpuint (_s3dlio_signer_get_key_derivations (signer), ==, 3);
    s3dlio_signer_set_service (signer, "s3-object-lambda");
    g_assert_true (_s3dlio_signer_compute (signer, request, early, FALSE, 0, &result, NULL));
    g_assert_cmpstr (result.credential_scope, ==, "20150830/us-east-1/s3-object-lambda/aws4_request");
    g_assert_cmpuint (_s3dlio_signer_get_key_derivations (signer), ==, 4);
  }
}

static void
test_signature_equal (void)
{
  g_assert_true (_s3dlio_signature_equal ("abc", "abc"));
  g_assert_true (_s3dlio_signature_equal ("", ""));
  g_assert_false (_s3dlio_signature_equal ("abc", "abd"));
  g_assert_false (_s3dlio_signature_equal ("abc", "ab"));
  g_assert_false (_s3dlio_signature_equal ("ab", "abc"));
  g_assert_false (_s3dlio_signature_equal (NULL, "abc"));
  g_assert_false (_s3dlio_signature_equal ("abc", NULL));
  g_assert_false (_s3dlio_signature_equal (NULL, NULL));
}

static void
test_signer_properties (void)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new ("AKID", "SECRET", NULL);
  g_autoptr(S3dlioSigner) signer = s3dlio_signer_new (credentials, "eu-central-1");
  g_autoptr(S3dlioCredentials) got = NULL;
  g_autofree char *region = NULL;
  g_autofree char *service = NULL;
  S3dlioSignerFlags flags;
  guint notifications = 0;

  g_signal_connect (signer, "notify", G_CALLBACK (count_notify), &notifications);
  g_object_get (signer, "credentials", &got, "region", &region, "service", &service,
                "flags", &flags, NULL);
  g_assert_true (got == credentials);
  g_assert_cmpstr (region, ==, "eu-central-1");
  g_assert_cmpstr (service, ==, "s3");
  g_assert_cmpint (flags, ==, S3DLIO_SIGNER_FLAGS_NONE);

  s3dlio_signer_set_service (signer, "s3");
  s3dlio_signer_set_flags (signer, S3DLIO_SIGNER_FLAGS_NONE);
  g_assert_cmpuint (notifications, ==, 0);
  g_object_set (signer, "service", "execute-api", "flags", S3DLIO_SIGNER_FLAGS_NORMALIZE_PATH, NULL);
  g_assert_cmpuint (notifications, ==, 2);
  g_assert_cmpstr (s3dlio_signer_get_service (signer), ==, "execute-api");
  s3dlio_signer_set_service (signer, NULL);
  g_assert_cmpstr (s3dlio_signer_get_service (signer), ==, "s3");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(JsonParser) doc_parser = json_parser_new ();
  g_autofree char *doc_path = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *doc_cases;
  int result;

  s3dlio_test_init (&argc, &argv);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log_writer, NULL, NULL);

  g_test_add_func ("/encode/every-byte", test_encode_every_byte);
  g_test_add_func ("/encode/strings", test_encode_strings);
  g_test_add_func ("/encode/decode", test_decode);

  g_test_add_func ("/request/basics", test_request_basics);
  g_test_add_func ("/request/headers", test_request_headers);
  g_test_add_func ("/request/query", test_request_query);
  g_test_add_func ("/request/payload", test_request_payload);
  g_test_add_func ("/request/copy", test_request_copy);
  g_test_add_func ("/request/uri-string", test_request_uri_string);
  g_test_add_func ("/request/message/unusual-keys", test_request_message);
  g_test_add_func ("/request/message/headers", test_request_message_headers);
  g_test_add_func ("/request/message/errors", test_request_message_errors);
  g_test_add_func ("/request/message/wire", test_request_message_wire);

  cases = list_suite_cases ();
  g_test_add_data_func ("/signer/suite/count", cases, test_suite_count);
  for (guint i = 0; i < cases->len; i++)
    {
      const char *name = cases->pdata[i];
      g_autofree char *header_path = g_strdup_printf ("/signer/suite/%s/header", name);
      g_autofree char *query_path = g_strdup_printf ("/signer/suite/%s/query", name);

      g_test_add_data_func (header_path, name, test_suite_header);
      g_test_add_data_func (query_path, name, test_suite_query);
      if (g_str_has_suffix (name, "-unnormalized"))
        {
          g_autofree char *s3_path = g_strdup_printf ("/signer/suite-s3/%s", name);

          g_test_add_data_func (s3_path, name, test_suite_s3_unnormalized);
        }
    }

  doc_path = s3dlio_test_data_path ("sigv4", "s3-doc-examples.json", NULL);
  json_parser_load_from_file (doc_parser, doc_path, &error);
  g_assert_no_error (error);
  doc_cases = json_object_get_array_member (json_node_get_object (json_parser_get_root (doc_parser)), "cases");
  g_assert_cmpuint (json_array_get_length (doc_cases), ==, 5);
  for (guint i = 0; i < json_array_get_length (doc_cases); i++)
    {
      JsonObject *example = json_array_get_object_element (doc_cases, i);
      g_autofree char *path = g_strdup_printf ("/signer/s3-doc/%s",
                                               json_object_get_string_member (example, "name"));

      g_test_add_data_func (path, example, test_s3_doc_example);
    }

  g_test_add_func ("/signer/normalize-path", test_normalize_path);
  g_test_add_func ("/signer/generic-path-flags", test_generic_path_flags);
  g_test_add_func ("/signer/s3/key-encoding", test_s3_key_encoding);
  g_test_add_func ("/signer/s3/query", test_s3_query);
  g_test_add_func ("/signer/s3/content-sha256", test_s3_content_sha256);
  g_test_add_func ("/signer/replaces-headers", test_sign_replaces_headers);
  g_test_add_func ("/signer/presign/bounds", test_presign_bounds);
  g_test_add_func ("/signer/presign/payload", test_presign_payload);
  g_test_add_func ("/signer/anonymous", test_anonymous);
  g_test_add_func ("/signer/session-token", test_session_token);
  g_test_add_func ("/signer/secrets", test_secrets_stay_secret);
  g_test_add_func ("/signer/threads", test_threads);
  g_test_add_func ("/signer/key-cache", test_key_cache);
  g_test_add_func ("/signer/signature-equal", test_signature_equal);
  g_test_add_func ("/signer/properties", test_signer_properties);

  result = g_test_run ();

  g_string_free (captured_log, TRUE);
  return result;
}
