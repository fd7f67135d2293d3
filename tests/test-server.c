/* test-server.c: the loopback S3 server
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "s3dlio-request-private.h"
#include "test-utils.h"

#define ACCESS_KEY "AKIDSERVERTEST"
#define SECRET_KEY "server-test-secret-do-not-print"
#define SESSION_TOKEN "server-test-session-token-do-not-print"
#define REGION "us-east-1"

typedef struct {
  S3dlioServer      *server;
  S3dlioCredentials *credentials;   /* NULL: the server accepts anyone */
  S3dlioSigner      *signer;        /* signs with ->credentials */
  SoupSession       *session;
  char              *host;          /* 127.0.0.1:PORT */
  char              *root;          /* the directory served, or NULL */
} Fixture;

typedef struct {
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_error (&response->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

/* {{{ Fixtures */

static SoupSession *
new_session (guint timeout)
{
  return soup_session_new_with_options ("timeout", timeout, "idle-timeout", timeout, NULL);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_server_start (f->server, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_server_is_running (f->server));
  f->host = g_strdup_printf ("127.0.0.1:%u", s3dlio_server_get_port (f->server));
  f->session = new_session (10);
}

static void
fixture_set_up_anonymous (Fixture       *f,
                          gconstpointer  data)
{
  f->server = s3dlio_server_new (NULL);
  start_server (f);
}

static void
fixture_set_up_signed (Fixture       *f,
                       gconstpointer  data)
{
  f->credentials = s3dlio_credentials_new (ACCESS_KEY, SECRET_KEY, NULL);
  f->signer = s3dlio_signer_new (f->credentials, REGION);
  f->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (f->server, f->credentials);
  start_server (f);
}

static void
fixture_set_up_directory (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("s3dlio-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = s3dlio_server_new (f->root);
  start_server (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  s3dlio_server_stop (f->server);
  g_assert_false (s3dlio_server_is_running (f->server));
  g_assert_finalize_object (f->server);
  g_clear_object (&f->signer);
  g_clear_object (&f->credentials);
  g_free (f->host);
  if (f->root != NULL)
    {
      s3dlio_test_remove_tree (f->root);
      g_free (f->root);
    }
}

/* }}} */
/* {{{ Requests */

static S3dlioRequest *
new_request (Fixture    *f,
             const char *method,
             const char *bucket,
             const char *key)
{
  g_autofree char *path = NULL;
  S3dlioRequest *request;

  if (bucket == NULL)
    path = g_strdup ("/");
  else if (key == NULL)
    path = g_strconcat ("/", bucket, NULL);
  else
    path = g_strconcat ("/", bucket, "/", key, NULL);

  request = s3dlio_request_new (method, f->host, path);
  s3dlio_request_set_scheme (request, "http");

  return request;
}

static void
send_message (Fixture     *f,
              SoupSession *session,
              SoupMessage *msg,
              Response    *response)
{
  response->body = soup_session_send_and_read (session, msg, NULL, &response->error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
}

/* Sends @request as it is: signed only if it was signed before. */
static void
send_request (Fixture       *f,
              S3dlioRequest *request,
              Response      *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = _s3dlio_request_new_message (request, &error);

  g_assert_no_error (error);
  send_message (f, f->session, msg, response);
}

/* Signs @request with the fixture's credentials, when there are some. */
static void
sign (Fixture       *f,
      S3dlioRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (f->signer == NULL)
    return;

  g_assert_true (s3dlio_signer_sign (f->signer, request, NULL, &error));
  g_assert_no_error (error);
}

static void
send_signed (Fixture       *f,
             S3dlioRequest *request,
             Response      *response)
{
  sign (f, request);
  send_request (f, request, response);
}

static void
do_request (Fixture    *f,
            const char *method,
            const char *bucket,
            const char *key,
            GBytes     *payload,
            Response   *response)
{
  g_autoptr(S3dlioRequest) request = new_request (f, method, bucket, key);

  if (payload != NULL)
    s3dlio_request_set_payload (request, payload);
  send_signed (f, request, response);
}

/* Sends a request without any signature, with a URI written by hand. */
static void
send_unsigned (Fixture    *f,
               const char *method,
               const char *path_and_query,
               Response   *response)
{
  g_autofree char *uri = g_strdup_printf ("http://%s%s", f->host, path_and_query);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  send_message (f, f->session, msg, response);
}

static void
assert_status (Response *response,
               guint     status)
{
  g_assert_no_error (response->error);
  if (response->status != status)
    g_test_message ("body: %.*s", (int) MIN (g_bytes_get_size (response->body), 2000),
                    (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (soup_message_headers_get_one (response->headers, "x-amz-request-id"));
}

static void
assert_body (Response   *response,
             GBytes     *expected)
{
  g_assert_nonnull (response->body);
  g_assert_cmpmem (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static GBytes *
make_data (gsize  size,
           guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;

  return g_bytes_new_take (data, size);
}

static char *
md5_base64 (GBytes *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[16];
  gsize len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_checksum_get_digest (checksum, digest, &len);

  return g_base64_encode (digest, len);
}

static void
create_bucket (Fixture    *f,
               const char *bucket)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_server_create_bucket (f->server, bucket, &error));
  g_assert_no_error (error);
}

static void
seed (Fixture    *f,
      const char *bucket,
      const char *key,
      GBytes     *data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_server_put_object (f->server, bucket, key, data, &error));
  g_assert_no_error (error);
}

static void
seed_text (Fixture    *f,
           const char *bucket,
           const char *key,
           const char *text)
{
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  seed (f, bucket, key, data);
}

static void
put_text (Fixture    *f,
          const char *bucket,
          const char *key,
          const char *text,
          Response   *response)
{
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  do_request (f, "PUT", bucket, key, data, response);
}

static gboolean
has_object (Fixture    *f,
            const char *bucket,
            const char *key)
{
  g_autoptr(GBytes) data = s3dlio_server_get_object_data (f->server, bucket, key);

  return data != NULL;
}

/* }}} */
/* {{{ Reading XML */

typedef struct {
  const char *name;
  gboolean    inside;
  GString    *text;
  GPtrArray  *values;
} XmlFind;

static void
find_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  XmlFind *find = user_data;

  if (strcmp (element, find->name) == 0)
    {
      find->inside = TRUE;
      g_string_truncate (find->text, 0);
    }
}

static void
find_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  XmlFind *find = user_data;

  if (strcmp (element, find->name) == 0)
    {
      find->inside = FALSE;
      g_ptr_array_add (find->values, g_strdup (find->text->str));
    }
}

static void
find_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 len,
           gpointer              user_data,
           GError              **error)
{
  XmlFind *find = user_data;

  if (find->inside)
    g_string_append_len (find->text, text, len);
}

/* The text of every @name element in @body, in document order. */
static GStrv
xml_values (GBytes     *body,
            const char *name)
{
  static const GMarkupParser parser = { find_start, find_end, find_text, NULL, NULL };
  XmlFind find = { name, FALSE, g_string_new (NULL), g_ptr_array_new () };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &find, NULL);
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  g_markup_parse_context_parse (context, data, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  g_string_free (find.text, TRUE);
  g_ptr_array_add (find.values, NULL);

  return (GStrv) g_ptr_array_free (find.values, FALSE);
}

static char *
xml_value (GBytes     *body,
           const char *name)
{
  g_auto(GStrv) values = xml_values (body, name);

  return values[0] ? g_strdup (values[0]) : NULL;
}

static void
assert_s3_error (Response   *response,
                 guint       status,
                 const char *code)
{
  g_autofree char *got = NULL;
  g_autofree char *request_id = NULL;

  assert_status (response, status);
  got = xml_value (response->body, "Code");
  g_assert_cmpstr (got, ==, code);
  request_id = xml_value (response->body, "RequestId");
  g_assert_cmpstr (request_id, ==, soup_message_headers_get_one (response->headers, "x-amz-request-id"));
}

/* }}} */
/* {{{ Lifecycle */

static void
test_start_stop (void)
{
  g_autoptr(S3dlioServer) server = s3dlio_server_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *expected = NULL;
  guint port;

  g_assert_cmpstr (s3dlio_server_get_address (server), ==, "127.0.0.1");
  g_assert_cmpstr (s3dlio_server_get_region (server), ==, "us-east-1");
  g_assert_cmpuint (s3dlio_server_get_page_size (server), ==, 1000);
  g_assert_cmpuint (s3dlio_server_get_min_part_size (server), ==, 5 * 1024 * 1024);
  g_assert_cmpuint (s3dlio_server_get_port (server), ==, 0);
  g_assert_false (s3dlio_server_is_running (server));

  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (s3dlio_server_start (server, &error));
      g_assert_no_error (error);
      /* Starting twice is harmless. */
      g_assert_true (s3dlio_server_start (server, &error));
      g_assert_no_error (error);

      port = s3dlio_server_get_port (server);
      g_assert_cmpuint (port, >, 0);
      uri = s3dlio_server_get_uri (server);
      expected = g_strdup_printf ("http://127.0.0.1:%u", port);
      g_assert_cmpstr (uri, ==, expected);
      g_clear_pointer (&uri, g_free);
      g_clear_pointer (&expected, g_free);

      s3dlio_server_stop (server);
      s3dlio_server_stop (server);
      g_assert_false (s3dlio_server_is_running (server));
      g_assert_cmpuint (s3dlio_server_get_port (server), ==, 0);
    }
}

static void
test_start_errors (void)
{
  g_autoptr(S3dlioServer) server = s3dlio_server_new (NULL);
  g_autoptr(S3dlioServer) other = s3dlio_server_new (NULL);
  g_autoptr(S3dlioServer) missing = s3dlio_server_new ("/nonexistent/s3dlio/root");
  g_autoptr(GError) error = NULL;

  s3dlio_server_set_address (other, "not-an-address");
  g_assert_false (s3dlio_server_start (other, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_false (s3dlio_server_is_running (other));
  g_clear_error (&error);

  /* A port that is taken. */
  g_assert_true (s3dlio_server_start (server, &error));
  g_assert_no_error (error);
  s3dlio_server_set_address (other, NULL);
  s3dlio_server_set_port (other, s3dlio_server_get_port (server));
  g_assert_false (s3dlio_server_start (other, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_false (s3dlio_server_start (missing, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (s3dlio_server_create_bucket (missing, "bucket", &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
}

/* Dropping the last reference stops a running server. */
static void
test_dispose_running (void)
{
  S3dlioServer *server = s3dlio_server_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (server);
}

/* }}} */
/* {{{ Signatures */

static void
test_anonymous (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("hello", 5);
  g_auto(Response) created = { 0 };
  g_auto(Response) put = { 0 };
  g_auto(Response) got = { 0 };

  send_unsigned (f, "PUT", "/anon", &created);
  assert_status (&created, 200);
  do_request (f, "PUT", "anon", "greeting", content, &put);
  assert_status (&put, 200);
  send_unsigned (f, "GET", "/anon/greeting", &got);
  assert_status (&got, 200);
  assert_body (&got, content);
}

static void
test_signed_accepted (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (3000, 1);
  g_auto(Response) created = { 0 };
  g_auto(Response) put = { 0 };
  g_auto(Response) got = { 0 };
  g_auto(Response) listed = { 0 };
  g_autoptr(S3dlioRequest) list = new_request (f, "GET", "signed", NULL);
  g_autoptr(S3dlioRequest) get = new_request (f, "GET", "signed", "dir/object");
  g_auto(GStrv) keys = NULL;

  do_request (f, "PUT", "signed", NULL, NULL, &created);
  assert_status (&created, 200);
  do_request (f, "PUT", "signed", "dir/object", content, &put);
  assert_status (&put, 200);

  s3dlio_request_set_header (get, "Range", "bytes=10-19");
  send_signed (f, get, &got);
  assert_status (&got, 206);

  s3dlio_request_add_query (list, "list-type", "2");
  s3dlio_request_add_query (list, "prefix", "dir/");
  send_signed (f, list, &listed);
  assert_status (&listed, 200);
  keys = xml_values (listed.body, "Key");
  g_assert_cmpstrv (keys, ((const char *[]) { "dir/object", NULL }));
}

static void
test_unsigned_rejected (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Response) response = { 0 };

  create_bucket (f, "private");
  seed_text (f, "private", "key", "x");
  send_unsigned (f, "GET", "/private/key", &response);
  assert_s3_error (&response, 403, "AccessDenied");
}

static void
sign_with (Fixture           *f,
           S3dlioCredentials *credentials,
           const char        *region,
           GDateTime         *timestamp,
           S3dlioRequest     *request)
{
  g_autoptr(S3dlioSigner) signer = s3dlio_signer_new (credentials, region);
  g_autoptr(GError) error = NULL;

  g_assert_true (s3dlio_signer_sign (signer, request, timestamp, &error));
  g_assert_no_error (error);
}

static void
test_wrong_signature (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(S3dlioCredentials) wrong_secret = s3dlio_credentials_new (ACCESS_KEY, "another-secret", NULL);
  g_autoptr(S3dlioCredentials) wrong_id = s3dlio_credentials_new ("AKIDSOMEONEELSE", SECRET_KEY, NULL);
  g_autoptr(S3dlioRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  const char *body;

  create_bucket (f, "guarded");
  seed_text (f, "guarded", "key", "secret data");
  seed_text (f, "guarded", "other", "other data");

  /* Another secret key. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *canonical = NULL;
    g_autofree char *string_to_sign = NULL;

    request = new_request (f, "GET", "guarded", "key");
    sign_with (f, wrong_secret, REGION, NULL, request);
    send_request (f, request, &response);
    assert_s3_error (&response, 403, "SignatureDoesNotMatch");
    canonical = xml_value (response.body, "CanonicalRequest");
    string_to_sign = xml_value (response.body, "StringToSign");
    g_assert_true (g_str_has_prefix (canonical, "GET\n/guarded/key\n"));
    g_assert_true (g_str_has_prefix (string_to_sign, "AWS4-HMAC-SHA256\n"));
    body = g_bytes_get_data (response.body, NULL);
    g_assert_null (g_strstr_len (body, g_bytes_get_size (response.body), SECRET_KEY));
    g_assert_null (g_strstr_len (body, g_bytes_get_size (response.body), "another-secret"));
    g_clear_object (&request);
  }

  /* A header changed after signing. */
  {
    g_auto(Response) response = { 0 };

    request = new_request (f, "GET", "guarded", "key");
    s3dlio_request_set_header (request, "x-amz-meta-color", "blue");
    sign (f, request);
    msg = _s3dlio_request_new_message (request, &error);
    g_assert_no_error (error);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "x-amz-meta-color", "red");
    send_message (f, f->session, msg, &response);
    assert_s3_error (&response, 403, "SignatureDoesNotMatch");
    g_clear_object (&msg);
    g_clear_object (&request);
  }

  /* A path changed after signing. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *uri = g_strdup_printf ("http://%s/guarded/other", f->host);
    SoupMessageHeadersIter iter;
    const char *name, *value;
    g_autoptr(SoupMessage) signed_msg = NULL;

    request = new_request (f, "GET", "guarded", "key");
    sign (f, request);
    signed_msg = _s3dlio_request_new_message (request, &error);
    g_assert_no_error (error);
    msg = soup_message_new ("GET", uri);
    soup_message_headers_iter_init (&iter, soup_message_get_request_headers (signed_msg));
    while (soup_message_headers_iter_next (&iter, &name, &value))
      soup_message_headers_append (soup_message_get_request_headers (msg), name, value);
    send_message (f, f->session, msg, &response);
    assert_s3_error (&response, 403, "SignatureDoesNotMatch");
    g_clear_object (&msg);
    g_clear_object (&request);
  }

  /* An access key the server does not know. */
  {
    g_auto(Response) response = { 0 };

    request = new_request (f, "GET", "guarded", "key");
    sign_with (f, wrong_id, REGION, NULL, request);
    send_request (f, request, &response);
    assert_s3_error (&response, 403, "InvalidAccessKeyId");
    g_clear_object (&request);
  }

  /* Another region: the error names the right one. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *region = NULL;

    request = new_request (f, "GET", "guarded", "key");
    sign_with (f, f->credentials, "eu-west-3", NULL, request);
    send_request (f, request, &response);
    assert_s3_error (&response, 400, "AuthorizationHeaderMalformed");
    region = xml_value (response.body, "Region");
    g_assert_cmpstr (region, ==, REGION);
    g_clear_object (&request);
  }

  /* A clock half an hour late. */
  {
    g_auto(Response) response = { 0 };
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) late = g_date_time_add_minutes (now, -30);

    request = new_request (f, "GET", "guarded", "key");
    sign_with (f, f->credentials, REGION, late, request);
    send_request (f, request, &response);
    assert_s3_error (&response, 403, "RequestTimeTooSkewed");
    g_clear_object (&request);
  }

  /* Ten minutes off is within the allowed skew. */
  {
    g_auto(Response) response = { 0 };
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) early = g_date_time_add_minutes (now, 10);

    request = new_request (f, "GET", "guarded", "key");
    sign_with (f, f->credentials, REGION, early, request);
    send_request (f, request, &response);
    assert_status (&response, 200);
    g_clear_object (&request);
  }
}

/* The payload hash is signed, and checked against the body. */
static void
test_payload_hash (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("the real body", 13);
  g_autoptr(GBytes) other = g_bytes_new_static ("another body!", 13);
  g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "hashed", "key");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_auto(Response) response = { 0 };
  g_auto(Response) unsigned_payload = { 0 };
  g_autoptr(S3dlioRequest) unsigned_request = new_request (f, "PUT", "hashed", "unsigned");

  create_bucket (f, "hashed");
  s3dlio_request_set_payload (request, content);
  sign (f, request);
  msg = _s3dlio_request_new_message (request, &error);
  g_assert_no_error (error);
  soup_message_set_request_body_from_bytes (msg, NULL, other);
  send_message (f, f->session, msg, &response);
  assert_s3_error (&response, 400, "XAmzContentSHA256Mismatch");
  g_assert_false (has_object (f, "hashed", "key"));

  s3dlio_request_set_payload (unsigned_request, content);
  s3dlio_request_set_payload_hash (unsigned_request, S3DLIO_UNSIGNED_PAYLOAD);
  send_signed (f, unsigned_request, &unsigned_payload);
  assert_status (&unsigned_payload, 200);
}

static void
test_presigned (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("presigned content", 17);
  g_autoptr(GError) error = NULL;

  create_bucket (f, "shared");
  seed (f, "shared", "file name.txt", content);

  {
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "shared", "file name.txt");
    g_autofree char *url = s3dlio_signer_presign (f->signer, request, NULL, 300, &error);
    g_autoptr(SoupMessage) msg = NULL;
    g_auto(Response) response = { 0 };

    g_assert_no_error (error);
    msg = soup_message_new ("GET", url);
    send_message (f, f->session, msg, &response);
    assert_status (&response, 200);
    assert_body (&response, content);
  }

  /* Signed two hours ago for one minute. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "shared", "file name.txt");
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) then = g_date_time_add_hours (now, -2);
    g_autofree char *url = s3dlio_signer_presign (f->signer, request, then, 60, &error);
    g_autoptr(SoupMessage) msg = NULL;
    g_auto(Response) response = { 0 };
    g_autofree char *message = NULL;

    g_assert_no_error (error);
    msg = soup_message_new ("GET", url);
    send_message (f, f->session, msg, &response);
    assert_s3_error (&response, 403, "AccessDenied");
    message = xml_value (response.body, "Message");
    g_assert_nonnull (strstr (message, "expired"));
  }

  /* Presigned for one key, used for another. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "shared", "file name.txt");
    g_autofree char *url = s3dlio_signer_presign (f->signer, request, NULL, 300, &error);
    g_autoptr(GString) tampered = g_string_new (url);
    g_autoptr(SoupMessage) msg = NULL;
    g_auto(Response) response = { 0 };

    g_assert_no_error (error);
    g_string_replace (tampered, "file%20name.txt", "other.txt", 1);
    msg = soup_message_new ("GET", tampered->str);
    send_message (f, f->session, msg, &response);
    assert_s3_error (&response, 403, "SignatureDoesNotMatch");
  }
}

/* A session token is part of the signature, and never shown. */
static void
test_session_token (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(S3dlioCredentials) other = s3dlio_credentials_new (ACCESS_KEY, SECRET_KEY, "another-token");
  g_autoptr(S3dlioRequest) request = NULL;
  g_auto(Response) ok = { 0 };
  g_auto(Response) bad = { 0 };
  gsize len = 0;
  const char *body;

  f->credentials = s3dlio_credentials_new (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN);
  f->signer = s3dlio_signer_new (f->credentials, REGION);
  f->server = s3dlio_server_new (NULL);
  s3dlio_server_set_credentials (f->server, f->credentials);
  start_server (f);

  request = new_request (f, "PUT", "tokens", NULL);
  send_signed (f, request, &ok);
  assert_status (&ok, 200);
  g_clear_object (&request);

  /* A presigned URL carries the token in its query: the log must not. */
  {
    g_autoptr(S3dlioRequest) presigned = new_request (f, "GET", "tokens", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *url = s3dlio_signer_presign (f->signer, presigned, NULL, 60, &error);
    g_autoptr(SoupMessage) msg = NULL;
    g_auto(Response) response = { 0 };
    g_auto(GStrv) log = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (strstr (url, "X-Amz-Security-Token="));
    msg = soup_message_new ("GET", url);
    send_message (f, f->session, msg, &response);
    assert_status (&response, 200);
    log = s3dlio_server_get_request_log (f->server);
    for (guint i = 0; log[i] != NULL; i++)
      g_assert_null (strstr (log[i], SESSION_TOKEN));
    g_assert_nonnull (strstr (log[g_strv_length (log) - 1], "X-Amz-Security-Token=REDACTED"));
  }

  request = new_request (f, "GET", "tokens", NULL);
  sign_with (f, other, REGION, NULL, request);
  send_request (f, request, &bad);
  assert_s3_error (&bad, 403, "SignatureDoesNotMatch");
  body = g_bytes_get_data (bad.body, &len);
  g_assert_null (g_strstr_len (body, len, SESSION_TOKEN));
  g_assert_null (g_strstr_len (body, len, SECRET_KEY));

  fixture_tear_down (f, NULL);
}

/* }}} */
/* {{{ Reading objects */

static void
get_range (Fixture    *f,
           const char *range,
           Response   *response)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "ranges", "object");

  if (range != NULL)
    s3dlio_request_set_header (request, "Range", range);
  send_signed (f, request, response);
}

static void
assert_slice (Response   *response,
              GBytes     *content,
              gsize       offset,
              gsize       length)
{
  g_autoptr(GBytes) slice = g_bytes_new_from_bytes (content, offset, length);

  assert_body (response, slice);
}

static void
test_ranges (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (1000, 7);
  static const struct {
    const char *range;
    guint       status;
    gsize       first;
    gsize       length;
    const char *content_range;
  } cases[] = {
    { NULL, 200, 0, 1000, NULL },
    { "bytes=0-99", 206, 0, 100, "bytes 0-99/1000" },
    { "bytes=500-500", 206, 500, 1, "bytes 500-500/1000" },
    { "bytes=990-", 206, 990, 10, "bytes 990-999/1000" },
    { "bytes=900-5000", 206, 900, 100, "bytes 900-999/1000" },
    { "bytes=-5", 206, 995, 5, "bytes 995-999/1000" },
    { "bytes=-2000", 206, 0, 1000, "bytes 0-999/1000" },
    /* Several ranges, or nonsense: the whole object, as S3 does. */
    { "bytes=0-1,5-6", 200, 0, 1000, NULL },
    { "bytes=9-3", 200, 0, 1000, NULL },
    { "lines=1-2", 200, 0, 1000, NULL },
  };

  create_bucket (f, "ranges");
  seed (f, "ranges", "object", content);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Response) response = { 0 };

      g_test_message ("Range: %s", cases[i].range ? cases[i].range : "(none)");
      get_range (f, cases[i].range, &response);
      assert_status (&response, cases[i].status);
      assert_slice (&response, content, cases[i].first, cases[i].length);
      g_assert_cmpstr (soup_message_headers_get_one (response.headers, "Content-Range"), ==,
                       cases[i].content_range);
      g_assert_cmpstr (soup_message_headers_get_one (response.headers, "Accept-Ranges"), ==, "bytes");
      g_assert_cmpint (soup_message_headers_get_content_length (response.headers), ==, cases[i].length);
    }

  for (guint i = 0; i < 3; i++)
    {
      const char *unsatisfiable[] = { "bytes=1000-", "bytes=5000-6000", "bytes=-0" };
      g_auto(Response) response = { 0 };

      get_range (f, unsatisfiable[i], &response);
      assert_s3_error (&response, 416, "InvalidRange");
      g_assert_cmpstr (soup_message_headers_get_one (response.headers, "Content-Range"), ==,
                       "bytes */1000");
    }
}

static void
test_empty_object (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_auto(Response) whole = { 0 };
  g_auto(Response) ranged = { 0 };
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "empty", "nothing");

  create_bucket (f, "empty");
  seed (f, "empty", "nothing", empty);

  do_request (f, "GET", "empty", "nothing", NULL, &whole);
  assert_status (&whole, 200);
  g_assert_cmpuint (g_bytes_get_size (whole.body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (whole.headers, "ETag"), ==,
                   "\"d41d8cd98f00b204e9800998ecf8427e\"");

  s3dlio_request_set_header (request, "Range", "bytes=0-");
  send_signed (f, request, &ranged);
  assert_s3_error (&ranged, 416, "InvalidRange");
}

static void
test_conditions (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("conditional", 11);
  g_autofree char *etag = NULL;
  static const struct {
    const char *header;
    const char *value;   /* ETAG is replaced by the object's ETag */
    guint       status;
  } cases[] = {
    { "If-Match", "ETAG", 200 },
    { "If-Match", "*", 200 },
    { "If-Match", "\"0123\", ETAG", 200 },
    { "If-Match", "\"0123\"", 412 },
    { "If-None-Match", "ETAG", 304 },
    { "If-None-Match", "\"0123\"", 200 },
    { "If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT", 412 },
    { "If-Unmodified-Since", "Fri, 01 Jan 2100 00:00:00 GMT", 200 },
    { "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT", 304 },
    { "If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT", 200 },
  };

  create_bucket (f, "conditions");
  seed (f, "conditions", "object", content);
  etag = s3dlio_server_get_object_etag (f->server, "conditions", "object");
  {
    g_autofree char *md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, content);
    g_autofree char *quoted = g_strdup_printf ("\"%s\"", md5);

    g_assert_cmpstr (etag, ==, quoted);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioRequest) request = new_request (f, "GET", "conditions", "object");
      g_autoptr(GString) value = g_string_new (cases[i].value);
      g_auto(Response) response = { 0 };

      g_string_replace (value, "ETAG", etag, 0);
      s3dlio_request_set_header (request, cases[i].header, value->str);
      s3dlio_request_set_header (request, "Range", "bytes=0-3");
      send_signed (f, request, &response);
      g_test_message ("%s: %s", cases[i].header, value->str);
      if (cases[i].status == 412)
        {
          assert_s3_error (&response, 412, "PreconditionFailed");
        }
      else if (cases[i].status == 304)
        {
          assert_status (&response, 304);
          g_assert_cmpuint (g_bytes_get_size (response.body), ==, 0);
          g_assert_cmpstr (soup_message_headers_get_one (response.headers, "ETag"), ==, etag);
        }
      else
        {
          assert_status (&response, 206);
          g_assert_cmpmem (g_bytes_get_data (response.body, NULL), g_bytes_get_size (response.body), "cond", 4);
        }
    }
}

static void
test_head (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (12345, 3);
  g_autofree char *etag = NULL;
  g_auto(Response) head = { 0 };
  g_auto(Response) ranged = { 0 };
  g_auto(Response) missing = { 0 };
  g_auto(Response) missing_bucket = { 0 };
  g_autoptr(S3dlioRequest) request = new_request (f, "HEAD", "heads", "object");

  create_bucket (f, "heads");
  seed (f, "heads", "object", content);
  etag = s3dlio_server_get_object_etag (f->server, "heads", "object");

  do_request (f, "HEAD", "heads", "object", NULL, &head);
  assert_status (&head, 200);
  g_assert_cmpuint (g_bytes_get_size (head.body), ==, 0);
  g_assert_cmpint (soup_message_headers_get_content_length (head.headers), ==, 12345);
  g_assert_cmpstr (soup_message_headers_get_one (head.headers, "ETag"), ==, etag);
  g_assert_cmpstr (soup_message_headers_get_one (head.headers, "Content-Type"), ==, "binary/octet-stream");
  g_assert_nonnull (soup_message_headers_get_one (head.headers, "Last-Modified"));

  s3dlio_request_set_header (request, "Range", "bytes=100-199");
  send_signed (f, request, &ranged);
  assert_status (&ranged, 206);
  g_assert_cmpint (soup_message_headers_get_content_length (ranged.headers), ==, 100);
  g_assert_cmpstr (soup_message_headers_get_one (ranged.headers, "Content-Range"), ==, "bytes 100-199/12345");

  do_request (f, "HEAD", "heads", "missing", NULL, &missing);
  assert_status (&missing, 404);
  g_assert_cmpuint (g_bytes_get_size (missing.body), ==, 0);

  do_request (f, "HEAD", "nobucket", NULL, NULL, &missing_bucket);
  assert_status (&missing_bucket, 404);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Response) no_key = { 0 };
  g_auto(Response) no_bucket = { 0 };
  g_auto(Response) acl = { 0 };
  g_auto(Response) post = { 0 };
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "errors", "key");
  g_autofree char *key = NULL;
  g_autofree char *bucket = NULL;
  g_autofree char *resource = NULL;

  create_bucket (f, "errors");

  do_request (f, "GET", "errors", "missing key", NULL, &no_key);
  assert_s3_error (&no_key, 404, "NoSuchKey");
  key = xml_value (no_key.body, "Key");
  g_assert_cmpstr (key, ==, "missing key");
  resource = xml_value (no_key.body, "Resource");
  g_assert_cmpstr (resource, ==, "/errors/missing key");
  g_assert_cmpstr (soup_message_headers_get_content_type (no_key.headers, NULL), ==, "application/xml");

  do_request (f, "GET", "nobucket", "key", NULL, &no_bucket);
  assert_s3_error (&no_bucket, 404, "NoSuchBucket");
  bucket = xml_value (no_bucket.body, "BucketName");
  g_assert_cmpstr (bucket, ==, "nobucket");

  s3dlio_request_add_query (request, "acl", NULL);
  send_signed (f, request, &acl);
  assert_s3_error (&acl, 501, "NotImplemented");

  do_request (f, "POST", "errors", "key", NULL, &post);
  assert_s3_error (&post, 501, "NotImplemented");
}

/* Objects are served without copies: a big one comes back whole. */
static void
test_big_object (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (16 * 1024 * 1024, 11);
  g_auto(Response) whole = { 0 };
  g_auto(Response) part = { 0 };
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "big", "object");

  create_bucket (f, "big");
  seed (f, "big", "object", content);

  do_request (f, "GET", "big", "object", NULL, &whole);
  assert_status (&whole, 200);
  assert_body (&whole, content);

  s3dlio_request_set_header (request, "Range", "bytes=8388608-16777215");
  send_signed (f, request, &part);
  assert_status (&part, 206);
  assert_slice (&part, content, 8388608, 8388608);
}

/* }}} */
/* {{{ Buckets and listings */

static void
test_buckets (Fixture       *f,
              gconstpointer  data)
{
  static const char *const invalid[] = {
    "ab", "Upper", "under_score", "-dash", "dash-", "dot..dot", "192.168.1.1",
    "a-very-long-bucket-name-that-is-longer-than-sixty-three-characters",
  };
  g_auto(GStrv) names = NULL;

  {
    g_auto(Response) response = { 0 };
    do_request (f, "PUT", "bucket-one", NULL, NULL, &response);
    assert_status (&response, 200);
  }
  {
    g_auto(Response) response = { 0 };
    do_request (f, "PUT", "bucket-one", NULL, NULL, &response);
    assert_s3_error (&response, 409, "BucketAlreadyOwnedByYou");
  }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_auto(Response) response = { 0 };

      do_request (f, "PUT", invalid[i], NULL, NULL, &response);
      assert_s3_error (&response, 400, "InvalidBucketName");
    }
  create_bucket (f, "a.b-c");

  {
    g_auto(Response) response = { 0 };

    do_request (f, "GET", NULL, NULL, NULL, &response);
    assert_status (&response, 200);
    names = xml_values (response.body, "Name");
    g_assert_cmpstrv (names, ((const char *[]) { "a.b-c", "bucket-one", NULL }));
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "HEAD", "bucket-one", NULL, NULL, &response);
    assert_status (&response, 200);
    g_assert_cmpstr (soup_message_headers_get_one (response.headers, "x-amz-bucket-region"), ==, REGION);
  }

  seed_text (f, "bucket-one", "key", "x");
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "bucket-one", NULL, NULL, &response);
    assert_s3_error (&response, 409, "BucketNotEmpty");
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "bucket-one", "key", NULL, &response);
    assert_status (&response, 204);
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "bucket-one", NULL, NULL, &response);
    assert_status (&response, 204);
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "bucket-one", NULL, NULL, &response);
    assert_s3_error (&response, 404, "NoSuchBucket");
  }
}

typedef struct {
  GPtrArray *keys;
  GPtrArray *prefixes;
  guint      pages;
} ListResult;

static void
list_result_clear (ListResult *result)
{
  g_clear_pointer (&result->keys, g_ptr_array_unref);
  g_clear_pointer (&result->prefixes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListResult, list_result_clear)

/* Lists every page, checking each; @params are name, value pairs. */
static void
list_all (Fixture     *f,
          const char  *bucket,
          const char  *const *params,
          guint        expected_page_size,
          ListResult  *result)
{
  g_autofree char *token = NULL;
  gboolean truncated = TRUE;

  result->keys = g_ptr_array_new_with_free_func (g_free);
  result->prefixes = g_ptr_array_new_with_free_func (g_free);

  while (truncated)
    {
      g_autoptr(S3dlioRequest) request = new_request (f, "GET", bucket, NULL);
      g_auto(Response) response = { 0 };
      g_auto(GStrv) keys = NULL;
      g_auto(GStrv) prefixes = NULL;
      g_autofree char *key_count = NULL;
      g_autofree char *is_truncated = NULL;

      g_assert_cmpuint (result->pages, <, 100);
      s3dlio_request_add_query (request, "list-type", "2");
      for (guint i = 0; params && params[i] != NULL; i += 2)
        s3dlio_request_add_query (request, params[i], params[i + 1]);
      if (token != NULL)
        s3dlio_request_add_query (request, "continuation-token", token);
      send_signed (f, request, &response);
      assert_status (&response, 200);
      result->pages++;

      keys = xml_values (response.body, "Key");
      prefixes = xml_values (response.body, "Prefix");
      key_count = xml_value (response.body, "KeyCount");
      is_truncated = xml_value (response.body, "IsTruncated");

      /* The first Prefix is the request's, the others common prefixes. */
      for (guint i = 0; keys[i] != NULL; i++)
        g_ptr_array_add (result->keys, g_strdup (keys[i]));
      for (guint i = 1; prefixes[i] != NULL; i++)
        g_ptr_array_add (result->prefixes, g_strdup (prefixes[i]));
      g_assert_cmpuint (g_ascii_strtoull (key_count, NULL, 10), ==,
                        g_strv_length (keys) + g_strv_length (prefixes) - 1);

      truncated = g_strcmp0 (is_truncated, "true") == 0;
      g_clear_pointer (&token, g_free);
      if (truncated)
        {
          g_assert_cmpuint (g_ascii_strtoull (key_count, NULL, 10), ==, expected_page_size);
          token = xml_value (response.body, "NextContinuationToken");
          g_assert_nonnull (token);
        }
      else
        {
          g_autofree char *next = xml_value (response.body, "NextContinuationToken");

          g_assert_null (next);
        }
    }
}

static void
assert_strings (GPtrArray          *got,
                const char * const *expected)
{
  g_ptr_array_add (got, NULL);
  g_assert_cmpstrv ((const char * const *) got->pdata, expected);
  g_ptr_array_remove_index (got, got->len - 1);
}

static void
test_list_pages (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const keys[] = {
    "a/1", "a/2", "a/b/3", "b/1", "c", "d/1", "d/2", "e", "f/x/y", "g", NULL,
  };

  create_bucket (f, "listing");
  for (guint i = 0; keys[i] != NULL; i++)
    seed_text (f, "listing", keys[i], keys[i]);
  s3dlio_server_set_page_size (f->server, 3);

  /* Ten keys, three a page, in order. */
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "listing", NULL, 3, &result);
    g_assert_cmpuint (result.pages, ==, 4);
    assert_strings (result.keys, keys);
    g_assert_cmpuint (result.prefixes->len, ==, 0);
  }

  /* max-keys lowers the page size but cannot raise it. */
  {
    g_auto(ListResult) small = { 0 };
    g_auto(ListResult) big = { 0 };

    list_all (f, "listing", (const char *[]) { "max-keys", "2", NULL }, 2, &small);
    g_assert_cmpuint (small.pages, ==, 5);
    list_all (f, "listing", (const char *[]) { "max-keys", "500", NULL }, 3, &big);
    g_assert_cmpuint (big.pages, ==, 4);
  }

  /* Common prefixes, across pages: none is returned twice. */
  {
    g_auto(ListResult) result = { 0 };

    s3dlio_server_set_page_size (f->server, 1);
    list_all (f, "listing", (const char *[]) { "delimiter", "/", NULL }, 1, &result);
    assert_strings (result.keys, (const char *[]) { "c", "e", "g", NULL });
    assert_strings (result.prefixes, (const char *[]) { "a/", "b/", "d/", "f/", NULL });
    g_assert_cmpuint (result.pages, ==, 7);
    s3dlio_server_set_page_size (f->server, 3);
  }

  /* Prefix and delimiter. */
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "listing", (const char *[]) { "prefix", "a/", "delimiter", "/", NULL }, 3, &result);
    assert_strings (result.keys, (const char *[]) { "a/1", "a/2", NULL });
    assert_strings (result.prefixes, (const char *[]) { "a/b/", NULL });
  }

  /* start-after. */
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "listing", (const char *[]) { "start-after", "d/1", NULL }, 3, &result);
    assert_strings (result.keys, (const char *[]) { "d/2", "e", "f/x/y", "g", NULL });
  }

  /* A bad token or max-keys. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "listing", NULL);
    g_auto(Response) response = { 0 };

    s3dlio_request_add_query (request, "list-type", "2");
    s3dlio_request_add_query (request, "continuation-token", "not a token");
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "InvalidArgument");
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "listing", NULL);
    g_auto(Response) response = { 0 };

    s3dlio_request_add_query (request, "list-type", "2");
    s3dlio_request_add_query (request, "max-keys", "-1");
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "InvalidArgument");
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "GET", "nolisting", NULL, NULL, &response);
    assert_s3_error (&response, 404, "NoSuchBucket");
  }
}

static void
test_list_encoding (Fixture       *f,
                    gconstpointer  data)
{
  /* As literals in g_assert_cmpstrv(), these would be read as formats. */
  static const char *const expected_keys[] = { "dir+one%2Fa+b%2Bc%25d.txt", NULL };
  static const char *const expected_prefixes[] = { "dir+one%2F", "dir+one%2Fsub%2F", NULL };
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "encoded", NULL);
  g_auto(Response) response = { 0 };
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) prefixes = NULL;
  g_autofree char *encoding = NULL;

  create_bucket (f, "encoded");
  seed_text (f, "encoded", "dir one/a b+c%d.txt", "1");
  seed_text (f, "encoded", "dir one/sub/é", "2");
  seed_text (f, "encoded", "ctrl\x01key", "3");

  s3dlio_request_add_query (request, "list-type", "2");
  s3dlio_request_add_query (request, "encoding-type", "url");
  s3dlio_request_add_query (request, "prefix", "dir one/");
  s3dlio_request_add_query (request, "delimiter", "/");
  send_signed (f, request, &response);
  assert_status (&response, 200);

  keys = xml_values (response.body, "Key");
  g_assert_cmpstrv (keys, expected_keys);
  prefixes = xml_values (response.body, "Prefix");
  g_assert_cmpstrv (prefixes, expected_prefixes);
  encoding = xml_value (response.body, "EncodingType");
  g_assert_cmpstr (encoding, ==, "url");

  /* Without encoding-type, XML escapes what it must. */
  {
    g_auto(Response) plain = { 0 };
    g_auto(GStrv) plain_keys = NULL;

    send_unsigned (f, "GET", "/encoded?list-type=2&prefix=ctrl", &plain);
    assert_status (&plain, 200);
    plain_keys = xml_values (plain.body, "Key");
    g_assert_cmpstrv (plain_keys, ((const char *[]) { "ctrl\x01key", NULL }));
  }
}

static void
test_list_v1 (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Response) first = { 0 };
  g_auto(Response) second = { 0 };
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) more = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *uri = NULL;

  create_bucket (f, "version1");
  seed_text (f, "version1", "a", "1");
  seed_text (f, "version1", "b", "2");
  seed_text (f, "version1", "c", "3");

  send_unsigned (f, "GET", "/version1?max-keys=2", &first);
  assert_status (&first, 200);
  keys = xml_values (first.body, "Key");
  g_assert_cmpstrv (keys, ((const char *[]) { "a", "b", NULL }));
  marker = xml_value (first.body, "NextMarker");
  g_assert_cmpstr (marker, ==, "b");

  uri = g_strdup_printf ("/version1?max-keys=2&marker=%s", marker);
  send_unsigned (f, "GET", uri, &second);
  assert_status (&second, 200);
  more = xml_values (second.body, "Key");
  g_assert_cmpstrv (more, ((const char *[]) { "c", NULL }));
}

/* }}} */
/* {{{ Writing objects */

/* Keys that S3 accepts and that HTTP and XML make hard. */
static const char *const special_keys[] = {
  "with space",
  "plus+sign",
  "per%cent",
  "percent%2Fslash",
  "unicode-é-日本語-🙂",
  "a//double/slash",
  "/leading-slash",
  "trailing-slash/",
  "../up",
  "x/./y",
  "x/../y",
  "dir/..",
  "..",
  ".",
  "q?uestion=1&and#hash",
  "xml<&>'\"chars",
  "tab\there",
  "semi;colon,comma:colon@at!bang$dollar'quote(paren)*star",
  "tilde~under_score-dash.dot",
};

static void
test_special_keys (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *long_key = g_strnfill (1024, 'k');
  g_autofree char *too_long = g_strnfill (1025, 'k');

  create_bucket (f, "special");

  for (guint i = 0; i < G_N_ELEMENTS (special_keys); i++)
    {
      g_autoptr(GBytes) content = g_bytes_new (special_keys[i], strlen (special_keys[i]));
      g_autoptr(GBytes) stored = NULL;
      g_auto(Response) put = { 0 };
      g_auto(Response) got = { 0 };

      g_test_message ("key: %s", special_keys[i]);
      do_request (f, "PUT", "special", special_keys[i], content, &put);
      assert_status (&put, 200);
      stored = s3dlio_server_get_object_data (f->server, "special", special_keys[i]);
      g_assert_nonnull (stored);
      g_assert_true (g_bytes_equal (stored, content));

      do_request (f, "GET", "special", special_keys[i], NULL, &got);
      assert_status (&got, 200);
      assert_body (&got, content);
    }

  /* Listed in UTF-8 binary order, exactly as stored. */
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "special", NULL, 1000, &result);
    g_assert_cmpuint (result.keys->len, ==, G_N_ELEMENTS (special_keys));
    for (guint i = 1; i < result.keys->len; i++)
      g_assert_cmpint (strcmp (g_ptr_array_index (result.keys, i - 1),
                               g_ptr_array_index (result.keys, i)), <, 0);
    for (guint i = 0; i < G_N_ELEMENTS (special_keys); i++)
      g_assert_true (g_ptr_array_find_with_equal_func (result.keys, special_keys[i], g_str_equal, NULL));
  }

  /* 1024 bytes is the longest key. */
  {
    g_auto(Response) ok = { 0 };
    g_auto(Response) bad = { 0 };

    put_text (f, "special", long_key, "l", &ok);
    assert_status (&ok, 200);
    put_text (f, "special", too_long, "l", &bad);
    assert_s3_error (&bad, 400, "KeyTooLongError");
  }

  for (guint i = 0; i < G_N_ELEMENTS (special_keys); i++)
    {
      g_auto(Response) deleted = { 0 };
      g_auto(Response) gone = { 0 };

      do_request (f, "DELETE", "special", special_keys[i], NULL, &deleted);
      assert_status (&deleted, 204);
      do_request (f, "GET", "special", special_keys[i], NULL, &gone);
      assert_s3_error (&gone, 404, "NoSuchKey");
    }
}

/* Sends one request on @connection and reads the response's status and
 * body (the server always sends a Content-Length). */
static char *
raw_exchange (GSocketConnection *connection,
              GDataInputStream  *input,
              const char        *request,
              guint             *status)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GError) error = NULL;
  g_autofree char *status_line = NULL;
  g_autofree char *body = NULL;
  gsize length = 0;

  g_assert_true (g_output_stream_write_all (output, request, strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);

  status_line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status_line);
  g_assert_true (g_str_has_prefix (status_line, "HTTP/1.1 "));
  *status = g_ascii_strtoull (status_line + 9, NULL, 10);

  while (TRUE)
    {
      g_autofree char *line = g_data_input_stream_read_line (input, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_strchomp (line);
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (line + 15, NULL, 10);
    }

  body = g_malloc0 (length + 1);
  g_assert_true (g_input_stream_read_all (G_INPUT_STREAM (input), body, length, NULL, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&body);
}

/* Clients send dot segments as they are (S3 keys may hold them), which
 * URI parsers remove: the server must see them, on every request of a
 * connection. */
static void
test_dot_segments_raw (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  static const struct {
    const char *target;
    const char *body;
  } cases[] = {
    { "/dots/a/../b", "a/../b" },
    { "/dots/./c", "./c" },
    { "/dots/a/%2E%2E/b", "a/../b" },
    { "/dots/a%2F..%2Fb", "a/../b" },
    { "/dots/b", "b" },
    { "/dots/x//y", "x//y" },
  };

  create_bucket (f, "dots");
  seed_text (f, "dots", "a/../b", "a/../b");
  seed_text (f, "dots", "./c", "./c");
  seed_text (f, "dots", "b", "b");
  seed_text (f, "dots", "x//y", "x//y");

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, f->host, 0, NULL, &error);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
                                                  cases[i].target, f->host);
      g_autofree char *body = NULL;
      guint status = 0;

      g_test_message ("GET %s", cases[i].target);
      body = raw_exchange (connection, input, request, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (body, ==, cases[i].body);
    }
}

static void
test_put_object (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) content = g_bytes_new_static ("content with metadata", 21);
  g_autofree char *md5 = md5_base64 (content);

  create_bucket (f, "writes");

  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "meta");
    g_auto(Response) put = { 0 };
    g_auto(Response) head = { 0 };
    g_autofree char *expected_etag = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, content);
    g_autofree char *quoted = g_strdup_printf ("\"%s\"", expected_etag);

    s3dlio_request_set_payload (request, content);
    s3dlio_request_set_header (request, "Content-Type", "text/plain");
    s3dlio_request_set_header (request, "Content-MD5", md5);
    s3dlio_request_set_header (request, "x-amz-meta-Color", "blue");
    send_signed (f, request, &put);
    assert_status (&put, 200);
    g_assert_cmpstr (soup_message_headers_get_one (put.headers, "ETag"), ==, quoted);

    do_request (f, "HEAD", "writes", "meta", NULL, &head);
    assert_status (&head, 200);
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "Content-Type"), ==, "text/plain");
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "x-amz-meta-color"), ==, "blue");
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "ETag"), ==, quoted);
  }

  /* A wrong or malformed Content-MD5. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "bad-md5");
    g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
    g_auto(Response) response = { 0 };

    s3dlio_request_set_payload (request, other);
    s3dlio_request_set_header (request, "Content-MD5", md5);
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "BadDigest");
    g_assert_false (has_object (f, "writes", "bad-md5"));
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "bad-md5");
    g_auto(Response) response = { 0 };

    s3dlio_request_set_payload (request, content);
    s3dlio_request_set_header (request, "Content-MD5", "bm90IGFuIG1kNQ==");
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "InvalidDigest");
  }

  /* If-None-Match: * does not overwrite. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "meta");
    g_auto(Response) response = { 0 };

    s3dlio_request_set_payload (request, content);
    s3dlio_request_set_header (request, "If-None-Match", "*");
    send_signed (f, request, &response);
    assert_s3_error (&response, 412, "PreconditionFailed");
  }

  /* CopyObject keeps the metadata, or replaces it. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "copy of meta");
    g_auto(Response) copied = { 0 };
    g_auto(Response) head = { 0 };
    g_autofree char *etag = NULL;
    g_autoptr(GBytes) data_copied = NULL;

    s3dlio_request_set_header (request, "x-amz-copy-source", "/writes/meta");
    send_signed (f, request, &copied);
    assert_status (&copied, 200);
    etag = xml_value (copied.body, "ETag");
    {
      g_autofree char *source_etag = s3dlio_server_get_object_etag (f->server, "writes", "meta");

      g_assert_cmpstr (etag, ==, source_etag);
    }
    data_copied = s3dlio_server_get_object_data (f->server, "writes", "copy of meta");
    g_assert_true (g_bytes_equal (data_copied, content));

    do_request (f, "HEAD", "writes", "copy of meta", NULL, &head);
    assert_status (&head, 200);
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "x-amz-meta-color"), ==, "blue");
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "ETag"), ==, etag);
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "replaced");
    g_auto(Response) copied = { 0 };
    g_auto(Response) head = { 0 };

    s3dlio_request_set_header (request, "x-amz-copy-source", "writes/copy%20of%20meta");
    s3dlio_request_set_header (request, "x-amz-metadata-directive", "REPLACE");
    s3dlio_request_set_header (request, "x-amz-meta-shape", "round");
    send_signed (f, request, &copied);
    assert_status (&copied, 200);

    do_request (f, "HEAD", "writes", "replaced", NULL, &head);
    assert_status (&head, 200);
    g_assert_null (soup_message_headers_get_one (head.headers, "x-amz-meta-color"));
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "x-amz-meta-shape"), ==, "round");
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "meta");
    g_auto(Response) response = { 0 };

    s3dlio_request_set_header (request, "x-amz-copy-source", "/writes/meta");
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "InvalidRequest");
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "writes", "from missing");
    g_auto(Response) response = { 0 };

    s3dlio_request_set_header (request, "x-amz-copy-source", "/writes/missing");
    send_signed (f, request, &response);
    assert_s3_error (&response, 404, "NoSuchKey");
  }

  /* Deleting a missing key succeeds. */
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "writes", "never existed", NULL, &response);
    assert_status (&response, 204);
  }
}

static GBytes *
delete_body (const char * const *keys,
             gboolean            quiet)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");

  if (quiet)
    g_string_append (xml, "<Quiet>true</Quiet>");
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (keys[i], -1);

      g_string_append_printf (xml, "<Object><Key>%s</Key></Object>", escaped);
    }
  g_string_append (xml, "</Delete>");

  return g_string_free_to_bytes (xml);
}

static void
delete_objects (Fixture            *f,
                const char         *bucket,
                const char * const *keys,
                gboolean            quiet,
                gboolean            with_md5,
                Response           *response)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "POST", bucket, NULL);
  g_autoptr(GBytes) body = delete_body (keys, quiet);
  g_autofree char *md5 = md5_base64 (body);

  s3dlio_request_add_query (request, "delete", NULL);
  s3dlio_request_set_payload (request, body);
  if (with_md5)
    s3dlio_request_set_header (request, "Content-MD5", md5);
  send_signed (f, request, response);
}

static void
test_delete_objects (Fixture       *f,
                     gconstpointer  data)
{
  const char *keys[] = { "one", "two & <three>", "missing", NULL };

  create_bucket (f, "deletes");
  seed_text (f, "deletes", "one", "1");
  seed_text (f, "deletes", "two & <three>", "2");
  seed_text (f, "deletes", "kept", "3");

  {
    g_auto(Response) response = { 0 };

    delete_objects (f, "deletes", keys, FALSE, FALSE, &response);
    assert_s3_error (&response, 400, "InvalidRequest");
    g_assert_true (has_object (f, "deletes", "one"));
  }
  {
    g_auto(Response) response = { 0 };
    g_auto(GStrv) deleted = NULL;

    delete_objects (f, "deletes", keys, FALSE, TRUE, &response);
    assert_status (&response, 200);
    deleted = xml_values (response.body, "Key");
    /* Deleting a missing key succeeds, as S3 says. */
    g_assert_cmpstrv (deleted, keys);
    g_assert_false (has_object (f, "deletes", "one"));
    g_assert_false (has_object (f, "deletes", "two & <three>"));
    g_assert_true (has_object (f, "deletes", "kept"));
  }
  {
    g_auto(Response) response = { 0 };
    g_auto(GStrv) deleted = NULL;

    delete_objects (f, "deletes", (const char *[]) { "kept", NULL }, TRUE, TRUE, &response);
    assert_status (&response, 200);
    deleted = xml_values (response.body, "Deleted");
    g_assert_cmpuint (g_strv_length (deleted), ==, 0);
    g_assert_false (has_object (f, "deletes", "kept"));
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "POST", "deletes", NULL);
    g_autoptr(GBytes) body = g_bytes_new_static ("<Delete><Object>", 16);
    g_autofree char *md5 = md5_base64 (body);
    g_auto(Response) response = { 0 };

    s3dlio_request_add_query (request, "delete", NULL);
    s3dlio_request_set_payload (request, body);
    s3dlio_request_set_header (request, "Content-MD5", md5);
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "MalformedXML");
  }
}

/* }}} */
/* {{{ Multipart uploads */

static char *
create_upload (Fixture    *f,
               const char *key)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "POST", "multi", key);
  g_auto(Response) response = { 0 };
  g_autofree char *got_key = NULL;

  s3dlio_request_add_query (request, "uploads", NULL);
  s3dlio_request_set_header (request, "Content-Type", "application/x-test");
  send_signed (f, request, &response);
  assert_status (&response, 200);
  got_key = xml_value (response.body, "Key");
  g_assert_cmpstr (got_key, ==, key);

  return xml_value (response.body, "UploadId");
}

static char *
upload_part (Fixture    *f,
             const char *key,
             const char *upload_id,
             guint       part_number,
             GBytes     *content)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "multi", key);
  g_autofree char *number = g_strdup_printf ("%u", part_number);
  g_auto(Response) response = { 0 };

  s3dlio_request_add_query (request, "partNumber", number);
  s3dlio_request_add_query (request, "uploadId", upload_id);
  s3dlio_request_set_payload (request, content);
  send_signed (f, request, &response);
  assert_status (&response, 200);

  return g_strdup (soup_message_headers_get_one (response.headers, "ETag"));
}

/* @parts: part number, ETag pairs. */
static void
complete_upload (Fixture            *f,
                 const char         *key,
                 const char         *upload_id,
                 const char * const *parts,
                 Response           *response)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "POST", "multi", key);
  GString *xml = g_string_new ("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; parts[i] != NULL; i += 2)
    {
      g_autofree char *etag = g_markup_escape_text (parts[i + 1], -1);

      g_string_append_printf (xml, "<Part><PartNumber>%s</PartNumber><ETag>%s</ETag></Part>",
                              parts[i], etag);
    }
  g_string_append (xml, "</CompleteMultipartUpload>");
  body = g_string_free_to_bytes (xml);

  s3dlio_request_add_query (request, "uploadId", upload_id);
  s3dlio_request_set_payload (request, body);
  send_signed (f, request, response);
}

static void
test_multipart (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) part1 = make_data (10, 21);
  g_autoptr(GBytes) part2 = make_data (10, 22);
  g_autoptr(GBytes) part3 = make_data (4, 23);
  g_autoptr(GBytes) small = make_data (3, 24);
  g_autofree char *upload_id = NULL;
  g_autofree char *etag1 = NULL;
  g_autofree char *etag2 = NULL;
  g_autofree char *etag3 = NULL;
  g_autofree char *etag_small = NULL;

  create_bucket (f, "multi");
  s3dlio_server_set_min_part_size (f->server, 10);

  upload_id = create_upload (f, "big object");
  g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, NULL), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, "multi"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, "other"), ==, 0);

  etag1 = upload_part (f, "big object", upload_id, 1, part1);
  etag2 = upload_part (f, "big object", upload_id, 2, part2);
  etag3 = upload_part (f, "big object", upload_id, 3, part3);
  etag_small = upload_part (f, "big object", upload_id, 4, small);

  {
    g_auto(Response) response = { 0 };
    g_auto(GStrv) ids = NULL;

    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "multi", NULL);

    s3dlio_request_add_query (request, "uploads", NULL);
    send_signed (f, request, &response);
    assert_status (&response, 200);
    ids = xml_values (response.body, "UploadId");
    g_assert_cmpstrv (ids, ((const char *[]) { upload_id, NULL }));
  }

  /* The errors S3 checks, in its order. */
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "2", etag2, "1", etag1, NULL }, &response);
    assert_s3_error (&response, 400, "InvalidPartOrder");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag2, "2", etag2, NULL }, &response);
    assert_s3_error (&response, 400, "InvalidPart");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag1, "7", etag2, NULL }, &response);
    assert_s3_error (&response, 400, "InvalidPart");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag1, "4", etag_small, "3", etag3, NULL }, &response);
    assert_s3_error (&response, 400, "InvalidPartOrder");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag1, "4", etag_small, "5", etag3, NULL }, &response);
    assert_s3_error (&response, 400, "InvalidPart");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag1, "3", etag3, "4", etag_small, NULL }, &response);
    assert_s3_error (&response, 400, "EntityTooSmall");
  }
  {
    g_auto(Response) response = { 0 };

    complete_upload (f, "big object", "no-such-upload",
                     (const char *[]) { "1", etag1, NULL }, &response);
    assert_s3_error (&response, 404, "NoSuchUpload");
  }
  g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, NULL), ==, 1);

  /* ETags without quotes are fine too. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *unquoted = g_strndup (etag2 + 1, strlen (etag2) - 2);
    g_autoptr(GByteArray) expected = g_byte_array_new ();
    g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
    g_autoptr(GBytes) stored = NULL;
    g_autofree char *expected_etag = NULL;
    g_autofree char *etag = NULL;
    g_autofree char *content_type = NULL;
    GBytes *parts[] = { part1, part2, part3 };
    g_auto(Response) head = { 0 };

    complete_upload (f, "big object", upload_id,
                     (const char *[]) { "1", etag1, "2", unquoted, "3", etag3, NULL }, &response);
    assert_status (&response, 200);

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        guint8 digest[16];
        gsize len = sizeof digest;
        g_autoptr(GChecksum) part_md5 = g_checksum_new (G_CHECKSUM_MD5);

        g_byte_array_append (expected, g_bytes_get_data (parts[i], NULL), g_bytes_get_size (parts[i]));
        g_checksum_update (part_md5, g_bytes_get_data (parts[i], NULL), g_bytes_get_size (parts[i]));
        g_checksum_get_digest (part_md5, digest, &len);
        g_checksum_update (checksum, digest, len);
      }
    expected_etag = g_strdup_printf ("\"%s-3\"", g_checksum_get_string (checksum));
    etag = xml_value (response.body, "ETag");
    g_assert_cmpstr (etag, ==, expected_etag);

    stored = s3dlio_server_get_object_data (f->server, "multi", "big object");
    g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored),
                     expected->data, expected->len);
    g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, NULL), ==, 0);

    do_request (f, "HEAD", "multi", "big object", NULL, &head);
    assert_status (&head, 200);
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "ETag"), ==, expected_etag);
    g_assert_cmpstr (soup_message_headers_get_one (head.headers, "Content-Type"), ==, "application/x-test");
  }

  /* Parts of a finished upload are gone. */
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "multi", "big object");
    g_auto(Response) response = { 0 };

    s3dlio_request_add_query (request, "partNumber", "1");
    s3dlio_request_add_query (request, "uploadId", upload_id);
    s3dlio_request_set_payload (request, part1);
    send_signed (f, request, &response);
    assert_s3_error (&response, 404, "NoSuchUpload");
  }

  /* A bad part number. */
  {
    g_autofree char *other = create_upload (f, "aborted");
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "multi", "aborted");
    g_autoptr(S3dlioRequest) abort = new_request (f, "DELETE", "multi", "aborted");
    g_autoptr(S3dlioRequest) again = new_request (f, "DELETE", "multi", "aborted");
    g_auto(Response) response = { 0 };
    g_auto(Response) aborted = { 0 };
    g_auto(Response) aborted_again = { 0 };

    s3dlio_request_add_query (request, "partNumber", "10001");
    s3dlio_request_add_query (request, "uploadId", other);
    s3dlio_request_set_payload (request, part1);
    send_signed (f, request, &response);
    assert_s3_error (&response, 400, "InvalidArgument");

    g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, "multi"), ==, 1);
    s3dlio_request_add_query (abort, "uploadId", other);
    send_signed (f, abort, &aborted);
    assert_status (&aborted, 204);
    g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, "multi"), ==, 0);

    s3dlio_request_add_query (again, "uploadId", other);
    send_signed (f, again, &aborted_again);
    assert_s3_error (&aborted_again, 404, "NoSuchUpload");
    g_assert_false (has_object (f, "multi", "aborted"));
  }
}

/* UploadPartCopy: @range and @if_match may be NULL. */
static void
upload_part_copy (Fixture    *f,
                  const char *key,
                  const char *upload_id,
                  const char *part_number,
                  const char *copy_source,
                  const char *range,
                  const char *if_match,
                  Response   *response)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "multi", key);

  s3dlio_request_add_query (request, "partNumber", part_number);
  s3dlio_request_add_query (request, "uploadId", upload_id);
  s3dlio_request_set_header (request, "x-amz-copy-source", copy_source);
  if (range != NULL)
    s3dlio_request_set_header (request, "x-amz-copy-source-range", range);
  if (if_match != NULL)
    s3dlio_request_set_header (request, "x-amz-copy-source-if-match", if_match);
  send_signed (f, request, response);
}

/* The quoted MD5 of @size bytes of @data from @offset: a part's ETag. */
static char *
part_etag (GBytes *data,
           gsize   offset,
           gsize   size)
{
  g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5,
                                                      (const guint8 *) g_bytes_get_data (data, NULL) + offset,
                                                      size);

  return g_strdup_printf ("\"%s\"", md5);
}

static void
test_upload_part_copy (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (100, 41);
  g_autofree char *source_etag = NULL;
  g_autofree char *upload_id = NULL;
  g_autofree char *etag1 = NULL;
  g_autofree char *etag2 = NULL;

  create_bucket (f, "multi");
  create_bucket (f, "sources");
  seed (f, "sources", "the source", content);
  source_etag = s3dlio_server_get_object_etag (f->server, "sources", "the source");
  s3dlio_server_set_min_part_size (f->server, 10);
  upload_id = create_upload (f, "copied");

  /* Two ranges, the second pinned to the source's ETag. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *expected = part_etag (content, 0, 40);
    g_autofree char *modified = NULL;
    g_autoptr(GDateTime) when = NULL;

    upload_part_copy (f, "copied", upload_id, "1", "/sources/the%20source", "bytes=0-39", NULL,
                      &response);
    assert_status (&response, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (response.headers, NULL), ==,
                     "application/xml");
    etag1 = xml_value (response.body, "ETag");
    g_assert_cmpstr (etag1, ==, expected);
    modified = xml_value (response.body, "LastModified");
    when = g_date_time_new_from_iso8601 (modified, NULL);
    g_assert_nonnull (when);
    g_assert_nonnull (strstr (g_bytes_get_data (response.body, NULL), "<CopyPartResult"));
  }
  {
    g_auto(Response) response = { 0 };
    g_autofree char *expected = part_etag (content, 40, 60);

    upload_part_copy (f, "copied", upload_id, "2", "sources/the%20source", "bytes=40-99",
                      source_etag, &response);
    assert_status (&response, 200);
    etag2 = xml_value (response.body, "ETag");
    g_assert_cmpstr (etag2, ==, expected);
  }

  /* Malformed ranges: S3 takes only bytes=FIRST-LAST. */
  {
    static const char *const malformed[] = {
      "bytes=0-", "bytes=-10", "0-10", "bytes=a-b", "bytes=0-1,3-4", "bytes= 0-1", "",
    };

    for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
      {
        g_auto(Response) response = { 0 };
        g_autofree char *argument = NULL;

        upload_part_copy (f, "copied", upload_id, "3", "/sources/the%20source", malformed[i],
                          NULL, &response);
        assert_s3_error (&response, 400, "InvalidArgument");
        argument = xml_value (response.body, "ArgumentName");
        g_assert_cmpstr (argument, ==, "x-amz-copy-source-range");
      }
  }
  /* Backwards, or beyond the source. */
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "3", "/sources/the%20source", "bytes=10-5", NULL,
                      &response);
    assert_s3_error (&response, 416, "InvalidRange");
  }
  {
    g_auto(Response) response = { 0 };
    g_autofree char *message = NULL;

    upload_part_copy (f, "copied", upload_id, "3", "/sources/the%20source", "bytes=50-100", NULL,
                      &response);
    assert_s3_error (&response, 400, "InvalidArgument");
    message = xml_value (response.body, "Message");
    g_assert_nonnull (strstr (message, "size: 100"));
  }
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "3", "/sources/the%20source", "bytes=100-100", NULL,
                      &response);
    assert_s3_error (&response, 400, "InvalidArgument");
  }

  /* Conditions on the source. */
  {
    g_auto(Response) response = { 0 };
    g_autofree char *condition = NULL;

    upload_part_copy (f, "copied", upload_id, "3", "/sources/the%20source", "bytes=0-9",
                      "\"0123456789abcdef0123456789abcdef\"", &response);
    assert_s3_error (&response, 412, "PreconditionFailed");
    condition = xml_value (response.body, "Condition");
    g_assert_cmpstr (condition, ==, "x-amz-copy-source-If-Match");
  }
  {
    g_autoptr(S3dlioRequest) request = new_request (f, "PUT", "multi", "copied");
    g_auto(Response) response = { 0 };

    s3dlio_request_add_query (request, "partNumber", "3");
    s3dlio_request_add_query (request, "uploadId", upload_id);
    s3dlio_request_set_header (request, "x-amz-copy-source", "/sources/the%20source");
    s3dlio_request_set_header (request, "x-amz-copy-source-if-none-match", source_etag);
    send_signed (f, request, &response);
    assert_s3_error (&response, 412, "PreconditionFailed");
  }

  /* What is missing: the source key, its bucket, the upload; a source
   * that names no key. */
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "3", "/sources/missing", "bytes=0-9", NULL, &response);
    assert_s3_error (&response, 404, "NoSuchKey");
  }
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "3", "/no-such-bucket/x", NULL, NULL, &response);
    assert_s3_error (&response, 404, "NoSuchBucket");
  }
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", "no-such-upload", "3", "/sources/the%20source", "bytes=0-9",
                      NULL, &response);
    assert_s3_error (&response, 404, "NoSuchUpload");
  }
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "3", "/sources", NULL, NULL, &response);
    assert_s3_error (&response, 400, "InvalidArgument");
  }
  {
    g_auto(Response) response = { 0 };

    upload_part_copy (f, "copied", upload_id, "0", "/sources/the%20source", NULL, NULL, &response);
    assert_s3_error (&response, 400, "InvalidArgument");
  }

  /* The log names the ranges and conditions. */
  {
    g_auto(GStrv) log = s3dlio_server_get_request_log (f->server);
    g_autofree char *pinned = g_strdup_printf ("copy-range=bytes=40-99 copy-if-match=%s -> 200",
                                               source_etag);
    gboolean first = FALSE, second = FALSE;

    for (guint i = 0; log[i] != NULL; i++)
      {
        first |= strstr (log[i], "partNumber=1") && strstr (log[i], "copy-range=bytes=0-39 -> 200");
        second |= strstr (log[i], "partNumber=2") && strstr (log[i], pinned);
      }
    g_assert_true (first);
    g_assert_true (second);
  }

  /* The parts make the object. */
  {
    g_auto(Response) response = { 0 };
    g_autoptr(GBytes) stored = NULL;
    g_autofree char *etag = NULL;

    complete_upload (f, "copied", upload_id, (const char *[]) { "1", etag1, "2", etag2, NULL },
                     &response);
    assert_status (&response, 200);
    etag = xml_value (response.body, "ETag");
    g_assert_true (g_str_has_suffix (etag, "-2\""));
    stored = s3dlio_server_get_object_data (f->server, "multi", "copied");
    g_assert_nonnull (stored);
    g_assert_true (g_bytes_equal (stored, content));
    g_assert_cmpuint (s3dlio_server_get_upload_count (f->server, NULL), ==, 0);
  }

  /* Without a range, the whole source; a part other than the last below
   * the minimum part size fails the completion, as with UploadPart. */
  {
    g_autofree char *whole = create_upload (f, "whole");
    g_autofree char *small = create_upload (f, "small parts");
    g_autofree char *whole_etag = NULL;
    g_autofree char *small1 = NULL;
    g_autofree char *small2 = NULL;
    g_auto(Response) part = { 0 };
    g_auto(Response) part1 = { 0 };
    g_auto(Response) part2 = { 0 };
    g_auto(Response) completed = { 0 };
    g_auto(Response) refused = { 0 };
    g_autoptr(GBytes) stored = NULL;

    upload_part_copy (f, "whole", whole, "1", "/sources/the%20source", NULL, NULL, &part);
    assert_status (&part, 200);
    whole_etag = xml_value (part.body, "ETag");
    g_assert_cmpstr (whole_etag, ==, source_etag);
    complete_upload (f, "whole", whole, (const char *[]) { "1", whole_etag, NULL }, &completed);
    assert_status (&completed, 200);
    stored = s3dlio_server_get_object_data (f->server, "multi", "whole");
    g_assert_true (g_bytes_equal (stored, content));

    s3dlio_server_set_min_part_size (f->server, 50);
    upload_part_copy (f, "small parts", small, "1", "/sources/the%20source", "bytes=0-39", NULL, &part1);
    assert_status (&part1, 200);
    upload_part_copy (f, "small parts", small, "2", "/sources/the%20source", "bytes=40-99", NULL, &part2);
    assert_status (&part2, 200);
    small1 = xml_value (part1.body, "ETag");
    small2 = xml_value (part2.body, "ETag");
    complete_upload (f, "small parts", small, (const char *[]) { "1", small1, "2", small2, NULL },
                     &refused);
    assert_s3_error (&refused, 400, "EntityTooSmall");
    g_assert_false (has_object (f, "multi", "small parts"));
  }

  /* A source replaced by another writer (the replace-object fault acts on
   * a copy's source) no longer matches the ETag the copy was pinned to. */
  {
    g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_REPLACE_OBJECT);
    g_autofree char *other = create_upload (f, "pinned");
    g_autofree char *replaced_etag = NULL;
    g_auto(Response) response = { 0 };
    g_autoptr(GBytes) untouched = NULL;

    s3dlio_server_fault_set_method (fault, "PUT");
    s3dlio_server_fault_set_key_pattern (fault, "pinned");
    s3dlio_server_add_fault (f->server, fault);

    upload_part_copy (f, "pinned", other, "1", "/sources/the%20source", "bytes=0-9", source_etag,
                      &response);
    assert_s3_error (&response, 412, "PreconditionFailed");
    g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
    replaced_etag = s3dlio_server_get_object_etag (f->server, "sources", "the source");
    g_assert_cmpstr (replaced_etag, !=, source_etag);
    /* The destination's key is not touched. */
    untouched = s3dlio_server_get_object_data (f->server, "multi", "pinned");
    g_assert_null (untouched);
    s3dlio_server_clear_faults (f->server);
  }
}

/* }}} */
/* {{{ The directory store */

static void
test_directory (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (100000, 31);
  g_autofree char *bucket_dir = g_build_filename (f->root, "files", NULL);
  g_autofree char *file = g_build_filename (f->root, "files", "a", "b", "c.bin", NULL);
  g_autofree char *outside = g_build_filename (f->root, "outside", NULL);
  g_autofree char *existing = g_build_filename (f->root, "files", "already", "here.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *etag = NULL;
  gsize len = 0;

  create_bucket (f, "files");
  g_assert_true (g_file_test (bucket_dir, G_FILE_TEST_IS_DIR));
  s3dlio_test_write_file (existing, "was here before");
  s3dlio_test_write_file (outside, "must stay unreachable");
  /* A directory that is not a valid bucket name is no bucket. */
  {
    g_autofree char *not_bucket = g_build_filename (f->root, "Not A Bucket", NULL);

    g_assert_cmpint (g_mkdir (not_bucket, 0700), ==, 0);
  }

  {
    g_auto(Response) put = { 0 };

    do_request (f, "PUT", "files", "a/b/c.bin", content, &put);
    assert_status (&put, 200);
    g_assert_true (g_file_get_contents (file, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
    etag = g_strdup (soup_message_headers_get_one (put.headers, "ETag"));
    g_assert_nonnull (etag);
  }
  {
    g_auto(Response) got = { 0 };
    g_auto(Response) ranged = { 0 };
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "files", "a/b/c.bin");

    do_request (f, "GET", "files", "a/b/c.bin", NULL, &got);
    assert_status (&got, 200);
    assert_body (&got, content);
    g_assert_cmpstr (soup_message_headers_get_one (got.headers, "ETag"), ==, etag);

    s3dlio_request_set_header (request, "Range", "bytes=50000-");
    send_signed (f, request, &ranged);
    assert_status (&ranged, 206);
    assert_slice (&ranged, content, 50000, 50000);
  }
  {
    g_auto(Response) got = { 0 };
    g_autoptr(GBytes) expected = g_bytes_new_static ("was here before", 15);

    do_request (f, "GET", "files", "already/here.txt", NULL, &got);
    assert_status (&got, 200);
    assert_body (&got, expected);
  }
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "files", NULL, 1000, &result);
    assert_strings (result.keys, (const char *[]) { "a/b/c.bin", "already/here.txt", NULL });
  }
  {
    g_auto(ListResult) result = { 0 };

    list_all (f, "files", (const char *[]) { "prefix", "a/b/", NULL }, 1000, &result);
    assert_strings (result.keys, (const char *[]) { "a/b/c.bin", NULL });
  }
  {
    g_auto(Response) response = { 0 };
    g_auto(GStrv) names = NULL;

    do_request (f, "GET", NULL, NULL, NULL, &response);
    assert_status (&response, 200);
    names = xml_values (response.body, "Name");
    g_assert_cmpstrv (names, ((const char *[]) { "files", NULL }));
  }

  /* Keys that do not map to a path below the bucket are refused. */
  {
    static const char *const unsafe[] = {
      "../outside", "a/../../outside", "./x", "a//b", "/leading", "trailing/", "..", "a/./b",
    };

    for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
      {
        g_auto(Response) put = { 0 };
        g_auto(Response) got = { 0 };

        g_test_message ("unsafe key: %s", unsafe[i]);
        put_text (f, "files", unsafe[i], "x", &put);
        assert_s3_error (&put, 400, "InvalidArgument");
        do_request (f, "GET", "files", unsafe[i], NULL, &got);
        assert_s3_error (&got, 400, "InvalidArgument");
      }
    {
      g_autofree char *still = NULL;

      g_assert_true (g_file_get_contents (outside, &still, NULL, NULL));
      g_assert_cmpstr (still, ==, "must stay unreachable");
    }
  }

  /* A key under an object cannot be stored. */
  {
    g_auto(Response) put = { 0 };

    put_text (f, "files", "a/b/c.bin/d", "x", &put);
    assert_s3_error (&put, 400, "InvalidArgument");
  }

  /* A bucket name that is not a name, such as "..", reaches nothing. */
  {
    g_auto(Response) response = { 0 };

    send_unsigned (f, "GET", "/%2E%2E/outside", &response);
    g_assert_cmpuint (response.status, ==, 404);
  }

  /* Deleting removes the file and the directories it leaves empty. */
  {
    g_auto(Response) deleted = { 0 };
    g_autofree char *dir_a = g_build_filename (f->root, "files", "a", NULL);

    do_request (f, "DELETE", "files", "a/b/c.bin", NULL, &deleted);
    assert_status (&deleted, 204);
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (dir_a, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Response) response = { 0 };

    do_request (f, "DELETE", "files", NULL, NULL, &response);
    assert_s3_error (&response, 409, "BucketNotEmpty");
  }
  {
    g_auto(Response) deleted = { 0 };
    g_auto(Response) bucket = { 0 };

    do_request (f, "DELETE", "files", "already/here.txt", NULL, &deleted);
    assert_status (&deleted, 204);
    do_request (f, "DELETE", "files", NULL, NULL, &bucket);
    assert_status (&bucket, 204);
    g_assert_false (g_file_test (bucket_dir, G_FILE_TEST_EXISTS));
  }
}

/* Replacing a file does not disturb a reader of the old one, and the ETag
 * follows the content. */
static void
test_directory_replace (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) first = make_data (5000, 41);
  g_autoptr(GBytes) second = make_data (6000, 42);
  g_autoptr(GBytes) held = NULL;
  g_autofree char *etag1 = NULL;
  g_autofree char *etag2 = NULL;

  create_bucket (f, "replace");
  seed (f, "replace", "object", first);
  etag1 = s3dlio_server_get_object_etag (f->server, "replace", "object");
  held = s3dlio_server_get_object_data (f->server, "replace", "object");

  seed (f, "replace", "object", second);
  etag2 = s3dlio_server_get_object_etag (f->server, "replace", "object");
  g_assert_cmpstr (etag1, !=, etag2);
  g_assert_true (g_bytes_equal (held, first));

  {
    g_auto(Response) got = { 0 };

    do_request (f, "GET", "replace", "object", NULL, &got);
    assert_status (&got, 200);
    assert_body (&got, second);
  }
}

/* }}} */
/* {{{ Faults */

static S3dlioServerFault *
add_fault (Fixture         *f,
           S3dlioFaultKind  kind)
{
  S3dlioServerFault *fault = s3dlio_server_fault_new (kind);

  s3dlio_server_add_fault (f->server, fault);
  return fault;
}

/* Reads the body in small pieces, counting what arrives before an error. */
static gsize
read_body (Fixture      *f,
           SoupSession  *session,
           SoupMessage  *msg,
           GError      **error)
{
  g_autoptr(GInputStream) stream = soup_session_send (session, msg, NULL, error);
  gsize total = 0;
  char buffer[4096];

  if (stream == NULL)
    return 0;

  while (TRUE)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, error);

      if (n <= 0)
        break;
      total += n;
    }

  return total;
}

static SoupMessage *
new_get_message (Fixture    *f,
                 const char *bucket,
                 const char *key)
{
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", bucket, key);
  g_autoptr(GError) error = NULL;
  SoupMessage *msg;

  sign (f, request);
  msg = _s3dlio_request_new_message (request, &error);
  g_assert_no_error (error);

  return msg;
}

static void
test_fault_status (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_STATUS);
  g_autoptr(GBytes) content = g_bytes_new_static ("faulty", 6);
  guint expected[] = { 200, 503, 503, 200, 200 };

  create_bucket (f, "faults");
  seed (f, "faults", "key", content);
  s3dlio_server_fault_set_skip (fault, 1);
  s3dlio_server_fault_set_count (fault, 2);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(Response) response = { 0 };

      do_request (f, "GET", "faults", "key", NULL, &response);
      if (expected[i] == 503)
        {
          g_autofree char *message = NULL;

          assert_s3_error (&response, 503, "SlowDown");
          message = xml_value (response.body, "Message");
          g_assert_nonnull (message);
        }
      else
        {
          assert_status (&response, 200);
          assert_body (&response, content);
        }
    }
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);

  /* Another status and code, on another method only. */
  s3dlio_server_clear_faults (f->server);
  {
    g_autoptr(S3dlioServerFault) internal = add_fault (f, S3DLIO_FAULT_KIND_STATUS);
    g_auto(Response) head = { 0 };
    g_auto(Response) put = { 0 };

    s3dlio_server_fault_set_method (internal, "PUT");
    s3dlio_server_fault_set_status (internal, 500);
    s3dlio_server_fault_set_s3_code (internal, "InternalError");
    do_request (f, "HEAD", "faults", "key", NULL, &head);
    assert_status (&head, 200);
    put_text (f, "faults", "key", "new", &put);
    assert_s3_error (&put, 500, "InternalError");
    g_assert_cmpuint (s3dlio_server_fault_get_hits (internal), ==, 1);
    /* The operation was not done. */
    {
      g_autoptr(GBytes) stored = s3dlio_server_get_object_data (f->server, "faults", "key");
      g_assert_true (g_bytes_equal (stored, content));
    }
  }
}

static void
test_fault_match (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_STATUS);
  g_autoptr(GBytes) content = make_data (100, 51);
  static const struct {
    const char *key;
    const char *range;
    guint       status;
  } cases[] = {
    { "data/one.bin", NULL, 200 },           /* not ranged */
    { "data/one.bin", "bytes=0-9", 200 },    /* not the right start */
    { "data/one.bin", "bytes=50-59", 503 },
    { "data/one.bin", "bytes=50-", 503 },
    { "other/one.bin", "bytes=50-59", 200 }, /* not the right key */
    { "data/one.txt", "bytes=50-59", 200 },
  };

  create_bucket (f, "match");
  seed (f, "match", "data/one.bin", content);
  seed (f, "match", "other/one.bin", content);
  seed (f, "match", "data/one.txt", content);
  s3dlio_server_fault_set_method (fault, "GET");
  s3dlio_server_fault_set_key_pattern (fault, "data/*.bin");
  s3dlio_server_fault_set_only_ranged (fault, TRUE);
  s3dlio_server_fault_set_range_start (fault, 50);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioRequest) request = new_request (f, "GET", "match", cases[i].key);
      g_auto(Response) response = { 0 };

      if (cases[i].range)
        s3dlio_request_set_header (request, "Range", cases[i].range);
      send_signed (f, request, &response);
      g_assert_cmpuint (response.status, ==, cases[i].range && cases[i].status == 200 ? 206 : cases[i].status);
    }
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);

  /* A listing names no key: a key pattern never matches it. */
  {
    g_auto(Response) response = { 0 };

    s3dlio_server_fault_set_only_ranged (fault, FALSE);
    s3dlio_server_fault_set_range_start (fault, -1);
    s3dlio_server_fault_set_key_pattern (fault, "*");
    g_autoptr(S3dlioRequest) request = new_request (f, "GET", "match", NULL);

    s3dlio_request_add_query (request, "list-type", "2");
    send_signed (f, request, &response);
    assert_status (&response, 200);
  }
}

static void
test_fault_reset (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_RESET);
  g_autoptr(GBytes) content = make_data (200000, 61);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Response) after = { 0 };
  gsize received;

  create_bucket (f, "faults");
  seed (f, "faults", "big", content);
  s3dlio_server_fault_set_after_bytes (fault, 1000);
  s3dlio_server_fault_set_count (fault, 1);

  msg = new_get_message (f, "faults", "big");
  received = read_body (f, f->session, msg, &error);
  g_assert_nonnull (error);
  g_test_message ("reset after %zu bytes: %s", received, error->message);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (received, <=, 1000);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);

  /* The next request is served. */
  do_request (f, "GET", "faults", "big", NULL, &after);
  assert_status (&after, 200);
  assert_body (&after, content);
}

static void
test_fault_short_body (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_SHORT_BODY);
  g_autoptr(GBytes) content = make_data (50000, 71);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Response) after = { 0 };
  gsize received;

  create_bucket (f, "faults");
  seed (f, "faults", "short", content);
  s3dlio_server_fault_set_after_bytes (fault, 1234);
  s3dlio_server_fault_set_count (fault, 1);

  msg = new_get_message (f, "faults", "short");
  received = read_body (f, f->session, msg, &error);
  g_assert_nonnull (error);
  g_test_message ("short body: %s", error->message);
  g_assert_cmpuint (received, ==, 1234);
  g_assert_cmpint (soup_message_headers_get_content_length (soup_message_get_response_headers (msg)), ==, 50000);
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg), "x-amz-request-id"));

  do_request (f, "GET", "faults", "short", NULL, &after);
  assert_status (&after, 200);
  assert_body (&after, content);
}

static void
test_fault_stall (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_STALL);
  g_autoptr(GBytes) content = make_data (50000, 81);
  g_autoptr(SoupSession) impatient = new_session (1);
  gint64 start;

  create_bucket (f, "faults");
  seed (f, "faults", "stall", content);
  s3dlio_server_fault_set_after_bytes (fault, 100);
  s3dlio_server_fault_set_stall_ms (fault, 400);
  s3dlio_server_fault_set_count (fault, 1);

  /* The stall delays the end, then the connection closes early. */
  {
    g_autoptr(SoupMessage) msg = new_get_message (f, "faults", "stall");
    g_autoptr(GError) error = NULL;
    gsize received;

    start = g_get_monotonic_time ();
    received = read_body (f, f->session, msg, &error);
    g_assert_nonnull (error);
    g_assert_cmpuint (received, ==, 100);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 350 * 1000);
  }

  /* Other requests go on during a stall. */
  s3dlio_server_fault_set_stall_ms (fault, 10000);
  s3dlio_server_fault_set_count (fault, 2);
  {
    g_autoptr(SoupMessage) msg = new_get_message (f, "faults", "stall");
    g_autoptr(GError) error = NULL;
    g_auto(Response) other = { 0 };
    gsize received;

    start = g_get_monotonic_time ();
    received = read_body (f, impatient, msg, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_cmpuint (received, ==, 100);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

    do_request (f, "GET", "faults", "stall", NULL, &other);
    assert_status (&other, 200);
    assert_body (&other, content);
  }
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);

  /* Stopping the server does not wait for the stall (10 s) to end. */
  start = g_get_monotonic_time ();
  s3dlio_server_stop (f->server);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_fault_wrong_content_range (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE);
  g_autoptr(GBytes) content = make_data (1000, 91);
  g_autoptr(S3dlioRequest) request = new_request (f, "GET", "faults", "object");
  g_auto(Response) response = { 0 };
  g_auto(Response) whole = { 0 };

  create_bucket (f, "faults");
  seed (f, "faults", "object", content);
  s3dlio_server_fault_set_count (fault, 2);

  s3dlio_request_set_header (request, "Range", "bytes=100-199");
  send_signed (f, request, &response);
  assert_status (&response, 206);
  g_assert_cmpstr (soup_message_headers_get_one (response.headers, "Content-Range"), !=, "bytes 100-199/1000");
  g_assert_nonnull (soup_message_headers_get_one (response.headers, "Content-Range"));

  do_request (f, "GET", "faults", "object", NULL, &whole);
  assert_status (&whole, 206);
  g_assert_cmpstr (soup_message_headers_get_one (whole.headers, "Content-Range"), ==, "bytes 0-999/1001");
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 2);
}

static void
test_fault_replace_object (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(S3dlioServerFault) fault = add_fault (f, S3DLIO_FAULT_KIND_REPLACE_OBJECT);
  g_autoptr(S3dlioServerFault) flip = NULL;
  g_autoptr(GBytes) content = make_data (1000, 101);
  g_autoptr(GBytes) replacement = make_data (1000, 102);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(Response) first = { 0 };
  g_auto(Response) second = { 0 };
  g_auto(Response) third = { 0 };
  g_autoptr(S3dlioRequest) conditional = new_request (f, "GET", "faults", "object");

  create_bucket (f, "faults");
  seed (f, "faults", "object", content);
  before = s3dlio_server_get_object_etag (f->server, "faults", "object");
  s3dlio_server_fault_set_replacement (fault, replacement);
  s3dlio_server_fault_set_skip (fault, 1);
  s3dlio_server_fault_set_count (fault, 1);

  do_request (f, "GET", "faults", "object", NULL, &first);
  assert_status (&first, 200);
  g_assert_cmpstr (soup_message_headers_get_one (first.headers, "ETag"), ==, before);

  /* The second read finds new content: a resumed download must notice. */
  s3dlio_request_set_header (conditional, "If-Match", before);
  s3dlio_request_set_header (conditional, "Range", "bytes=500-");
  send_signed (f, conditional, &second);
  assert_s3_error (&second, 412, "PreconditionFailed");
  after = s3dlio_server_get_object_etag (f->server, "faults", "object");
  g_assert_cmpstr (after, !=, before);

  do_request (f, "GET", "faults", "object", NULL, &third);
  assert_status (&third, 200);
  assert_body (&third, replacement);
  g_assert_cmpstr (soup_message_headers_get_one (third.headers, "ETag"), ==, after);

  /* Without replacement content, the object keeps its size. */
  s3dlio_server_clear_faults (f->server);
  flip = add_fault (f, S3DLIO_FAULT_KIND_REPLACE_OBJECT);
  s3dlio_server_fault_set_count (flip, 1);
  {
    g_auto(Response) flipped = { 0 };

    do_request (f, "GET", "faults", "object", NULL, &flipped);
    assert_status (&flipped, 200);
    g_assert_cmpuint (g_bytes_get_size (flipped.body), ==, 1000);
    g_assert_false (g_bytes_equal (flipped.body, replacement));
    g_assert_cmpstr (soup_message_headers_get_one (flipped.headers, "ETag"), !=, after);
  }
}

/* }}} */
/* {{{ Counters */

static void
test_counters (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (300, 111);
  g_autoptr(S3dlioRequest) ranged = new_request (f, "GET", "counted", "key");
  g_auto(GStrv) log = NULL;
  g_auto(Response) r1 = { 0 };
  g_auto(Response) r2 = { 0 };
  g_auto(Response) r3 = { 0 };
  g_auto(Response) r4 = { 0 };

  create_bucket (f, "counted");
  seed (f, "counted", "key", content);
  s3dlio_server_reset_counters (f->server);

  s3dlio_request_set_header (ranged, "Range", "bytes=0-99");
  s3dlio_request_set_header (ranged, "If-Match", "\"abc\"");
  send_signed (f, ranged, &r1);
  do_request (f, "GET", "counted", "key", NULL, &r2);
  do_request (f, "HEAD", "counted", "key", NULL, &r3);
  {
    g_autoptr(S3dlioRequest) list = new_request (f, "GET", "counted", NULL);

    s3dlio_request_add_query (list, "list-type", "2");
    s3dlio_request_add_query (list, "prefix", "k");
    send_signed (f, list, &r4);
  }

  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, NULL), ==, 4);
  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, "GET"), ==, 3);
  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, "HEAD"), ==, 1);
  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, "PUT"), ==, 0);

  log = s3dlio_server_get_request_log (f->server);
  g_assert_cmpuint (g_strv_length (log), ==, 4);
  g_assert_cmpstr (log[0], ==, "GET /counted/key range=bytes=0-99 if-match=\"abc\" -> 412 conn=1");
  g_assert_cmpstr (log[1], ==, "GET /counted/key -> 200 conn=1");
  g_assert_cmpstr (log[2], ==, "HEAD /counted/key -> 200 conn=1");
  g_assert_cmpstr (log[3], ==, "GET /counted?list-type=2&prefix=k -> 200 conn=1");
  /* The test's session kept one connection alive for all four. */
  g_assert_cmpuint (s3dlio_server_get_connection_count (f->server), ==, 1);

  s3dlio_server_reset_counters (f->server);
  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, NULL), ==, 0);
  g_assert_cmpuint (s3dlio_server_get_connection_count (f->server), ==, 0);
  g_clear_pointer (&log, g_strfreev);
  log = s3dlio_server_get_request_log (f->server);
  g_assert_cmpuint (g_strv_length (log), ==, 0);
}

/* Many clients at once, each on its own connection. */
typedef struct {
  Fixture *f;
  GBytes  *content;
  guint    ok;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(SoupSession) session = new_session (10);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SoupMessage) msg = new_get_message (worker->f, "parallel", "object");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);

      if (error == NULL && soup_message_get_status (msg) == 200 && g_bytes_equal (body, worker->content))
        worker->ok++;
    }

  return NULL;
}

static void
test_parallel (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) content = make_data (256 * 1024, 121);
  Worker workers[8];
  GThread *threads[8];

  create_bucket (f, "parallel");
  seed (f, "parallel", "object", content);
  s3dlio_server_reset_counters (f->server);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i] = (Worker) { f, content, 0 };
      threads[i] = g_thread_new ("client", worker_thread, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (workers[i].ok, ==, 10);
    }
  g_assert_cmpuint (s3dlio_server_get_request_count (f->server, "GET"), ==, 80);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Clients that leave keep-alive connections between requests (before the
 * first, or after some) get them closed by the server: libsoup 3.2 alone
 * left each one open in CLOSE-WAIT for the life of the server. */
static void
test_clients_leave (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint before;
  guint after;
  gint64 deadline;

  if (!g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("No /proc/self/fd to count open files");
      return;
    }

  create_bucket (f, "leave");
  soup_session_abort (f->session);
  before = count_open_fds ();

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, f->host, 0, NULL, &error);

      g_assert_no_error (error);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  for (guint i = 0; i < 10; i++)
    {
      g_auto(Response) response = { 0 };

      do_request (f, "HEAD", "leave", NULL, NULL, &response);
      assert_status (&response, 200);
      soup_session_abort (f->session);
    }

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((after = count_open_fds ()) > before && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_test_message ("open files: %u before, %u after", before, after);
  g_assert_cmpuint (after, <=, before);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  s3dlio_test_init (&argc, &argv);

#define ADD(name, setup, func) \
  g_test_add (name, Fixture, NULL, setup, func, fixture_tear_down)

  g_test_add_func ("/server/start-stop", test_start_stop);
  g_test_add_func ("/server/start-errors", test_start_errors);
  g_test_add_func ("/server/dispose-running", test_dispose_running);
  ADD ("/server/clients-leave", fixture_set_up_anonymous, test_clients_leave);

  ADD ("/server/auth/anonymous", fixture_set_up_anonymous, test_anonymous);
  ADD ("/server/auth/signed", fixture_set_up_signed, test_signed_accepted);
  ADD ("/server/auth/unsigned-rejected", fixture_set_up_signed, test_unsigned_rejected);
  ADD ("/server/auth/wrong-signature", fixture_set_up_signed, test_wrong_signature);
  ADD ("/server/auth/payload-hash", fixture_set_up_signed, test_payload_hash);
  ADD ("/server/auth/presigned", fixture_set_up_signed, test_presigned);
  g_test_add_func ("/server/auth/session-token", test_session_token);

  ADD ("/server/get/ranges", fixture_set_up_signed, test_ranges);
  ADD ("/server/get/empty", fixture_set_up_signed, test_empty_object);
  ADD ("/server/get/conditions", fixture_set_up_signed, test_conditions);
  ADD ("/server/get/head", fixture_set_up_signed, test_head);
  ADD ("/server/get/errors", fixture_set_up_signed, test_errors);
  ADD ("/server/get/big", fixture_set_up_anonymous, test_big_object);

  ADD ("/server/buckets", fixture_set_up_signed, test_buckets);
  ADD ("/server/list/pages", fixture_set_up_signed, test_list_pages);
  ADD ("/server/list/encoding", fixture_set_up_anonymous, test_list_encoding);
  ADD ("/server/list/v1", fixture_set_up_anonymous, test_list_v1);

  ADD ("/server/put/special-keys", fixture_set_up_signed, test_special_keys);
  ADD ("/server/put/dot-segments", fixture_set_up_anonymous, test_dot_segments_raw);
  ADD ("/server/put/object", fixture_set_up_signed, test_put_object);
  ADD ("/server/put/delete-objects", fixture_set_up_signed, test_delete_objects);
  ADD ("/server/put/multipart", fixture_set_up_signed, test_multipart);
  ADD ("/server/put/upload-part-copy", fixture_set_up_signed, test_upload_part_copy);

  ADD ("/server/directory/objects", fixture_set_up_directory, test_directory);
  ADD ("/server/directory/replace", fixture_set_up_directory, test_directory_replace);

  ADD ("/server/fault/status", fixture_set_up_signed, test_fault_status);
  ADD ("/server/fault/match", fixture_set_up_signed, test_fault_match);
  ADD ("/server/fault/reset", fixture_set_up_signed, test_fault_reset);
  ADD ("/server/fault/short-body", fixture_set_up_signed, test_fault_short_body);
  ADD ("/server/fault/stall", fixture_set_up_signed, test_fault_stall);
  ADD ("/server/fault/wrong-content-range", fixture_set_up_signed, test_fault_wrong_content_range);
  ADD ("/server/fault/replace-object", fixture_set_up_signed, test_fault_replace_object);

  ADD ("/server/counters", fixture_set_up_signed, test_counters);
  ADD ("/server/parallel", fixture_set_up_signed, test_parallel);

#undef ADD

  return g_test_run ();
}
