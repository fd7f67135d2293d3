/* test-endpoint.c: endpoints, their configuration, and request addressing
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "test-utils.h"

static void
assert_contains_impl (const char *file,
                      int         line,
                      const char *func,
                      const char *haystack,
                      const char *needle,
                      gboolean    expected)
{
  if ((haystack != NULL && strstr (haystack, needle) != NULL) != expected)
    {
      g_autofree char *msg = g_strdup_printf ("“%s” %s “%s”", haystack,
                                              expected ? "does not contain" : "contains",
                                              needle);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
    }
}

#define assert_contains(h, n)     assert_contains_impl (__FILE__, __LINE__, G_STRFUNC, (h), (n), TRUE)
#define assert_not_contains(h, n) assert_contains_impl (__FILE__, __LINE__, G_STRFUNC, (h), (n), FALSE)

static const char *const variables[] = {
  "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  "AWS_REGION", "AWS_DEFAULT_REGION", "S3DLIO_ADDRESSING_STYLE", "AWS_CA_BUNDLE",
  "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
};

typedef struct {
  int unused;
} Fixture;

static void
unset_variables (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_unsetenv (variables[i]);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  unset_variables ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  unset_variables ();
}

static char *
write_aws_file (const char *name,
                const char *contents)
{
  char *path = g_build_filename (g_get_home_dir (), ".aws", name, NULL);

  s3dlio_test_write_file (path, contents);
  return path;
}

static S3dlioEndpoint *
endpoint_new (const char *url,
              const char *region)
{
  g_autoptr(GError) error = NULL;
  S3dlioEndpoint *endpoint = s3dlio_endpoint_new (url, region, &error);

  g_assert_no_error (error);
  g_assert_nonnull (endpoint);
  return endpoint;
}

static S3dlioEndpoint *
endpoint_from_environment (const char *profile)
{
  g_autoptr(GError) error = NULL;
  S3dlioEndpoint *endpoint = s3dlio_endpoint_new_from_environment (profile, &error);

  g_assert_no_error (error);
  g_assert_nonnull (endpoint);
  return endpoint;
}

static void
assert_addressing (S3dlioEndpoint *endpoint,
                   const char     *bucket,
                   const char     *key,
                   gboolean        virtual_hosted,
                   const char     *host,
                   const char     *path)
{
  g_autofree char *actual_host = s3dlio_endpoint_get_host (endpoint, bucket);
  g_autofree char *actual_path = s3dlio_endpoint_get_path (endpoint, bucket, key);

  g_assert_cmpint (s3dlio_endpoint_uses_virtual_hosting (endpoint, bucket), ==, virtual_hosted);
  g_assert_cmpstr (actual_host, ==, host);
  g_assert_cmpstr (actual_path, ==, path);
}

/* ------------------------------------------------------------------ */
/* Construction */

static void
test_aws_default (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) endpoint = endpoint_new (NULL, NULL);
  g_autofree char *description = s3dlio_endpoint_to_string (endpoint);

  g_assert_null (s3dlio_endpoint_get_url (endpoint));
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "us-east-1");
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_AUTO);
  g_assert_null (s3dlio_endpoint_get_ca_file (endpoint));
  g_assert_true (s3dlio_endpoint_is_aws (endpoint));
  g_assert_cmpstr (s3dlio_endpoint_get_scheme (endpoint), ==, "https");
  assert_addressing (endpoint, NULL, NULL, FALSE, "s3.us-east-1.amazonaws.com", "/");
  assert_addressing (endpoint, "my-bucket", "a/b.txt", TRUE,
                     "my-bucket.s3.us-east-1.amazonaws.com", "/a/b.txt");
  g_assert_cmpstr (description, ==,
                   "S3dlioEndpoint(url=https://s3.us-east-1.amazonaws.com (AWS), region=us-east-1, "
                   "addressing-style=auto, ca-file=none)");
}

static void
test_aws_regions (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) eu = endpoint_new (NULL, "eu-west-1");
  g_autoptr(S3dlioEndpoint) cn = endpoint_new (NULL, "cn-north-1");

  g_assert_cmpstr (s3dlio_endpoint_get_region (eu), ==, "eu-west-1");
  assert_addressing (eu, "logs-2024", "x", TRUE, "logs-2024.s3.eu-west-1.amazonaws.com", "/x");
  assert_addressing (eu, NULL, NULL, FALSE, "s3.eu-west-1.amazonaws.com", "/");
  assert_addressing (cn, "data", NULL, TRUE, "data.s3.cn-north-1.amazonaws.com.cn", "/");
  g_assert_true (s3dlio_endpoint_is_aws (cn));
}

static void
test_custom (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) minio = endpoint_new ("http://localhost:9000", "eu-central-1");
  g_autoptr(S3dlioEndpoint) slash = endpoint_new ("https://Storage.Example.COM/", NULL);
  g_autoptr(S3dlioEndpoint) aws_url = endpoint_new ("https://s3.eu-central-1.amazonaws.com", "eu-central-1");
  g_autofree char *description = s3dlio_endpoint_to_string (minio);

  g_assert_cmpstr (s3dlio_endpoint_get_url (minio), ==, "http://localhost:9000");
  g_assert_false (s3dlio_endpoint_is_aws (minio));
  g_assert_cmpstr (s3dlio_endpoint_get_scheme (minio), ==, "http");
  assert_addressing (minio, "my-bucket", "k", FALSE, "localhost:9000", "/my-bucket/k");
  assert_addressing (minio, "my-bucket", NULL, FALSE, "localhost:9000", "/my-bucket");
  assert_addressing (minio, NULL, NULL, FALSE, "localhost:9000", "/");
  g_assert_cmpstr (description, ==,
                   "S3dlioEndpoint(url=http://localhost:9000, region=eu-central-1, "
                   "addressing-style=auto, ca-file=none)");

  g_assert_cmpstr (s3dlio_endpoint_get_scheme (slash), ==, "https");
  assert_addressing (slash, "b01", "k", FALSE, "storage.example.com", "/b01/k");

  /* an AWS host given as a URL still gets virtual hosting */
  g_assert_true (s3dlio_endpoint_is_aws (aws_url));
  assert_addressing (aws_url, "my-bucket", "k", TRUE, "my-bucket.s3.eu-central-1.amazonaws.com", "/k");
}

static void
test_ports (Fixture       *fixture,
            gconstpointer  data)
{
  const struct {
    const char *url;
    const char *host;
  } cases[] = {
    { "http://h.example:80", "h.example" },
    { "https://h.example:443/", "h.example" },
    { "http://h.example:443", "h.example:443" },
    { "https://h.example:80", "h.example:80" },
    { "https://h.example:8443", "h.example:8443" },
    { "http://127.0.0.1:9000", "127.0.0.1:9000" },
    { "http://[::1]:9000/", "[::1]:9000" },
    { "https://[2001:DB8::1]", "[2001:db8::1]" },
    { "http://minio_1:9000", "minio_1:9000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioEndpoint) endpoint = endpoint_new (cases[i].url, NULL);

      assert_addressing (endpoint, "bucket", "key", FALSE, cases[i].host, "/bucket/key");
      assert_addressing (endpoint, NULL, NULL, FALSE, cases[i].host, "/");
    }
}

static void
test_bad_urls (Fixture       *fixture,
               gconstpointer  data)
{
  const char *const urls[] = {
    "",
    "localhost:9000",
    "s3.amazonaws.com",
    "ftp://h.example",
    "file:///tmp/x",
    "http://",
    "http:///path",
    "http://h.example/bucket",
    "http://h.example//",
    "http://h.example/?x=1",
    "http://h.example?",
    "http://h.example#frag",
    "http://h.example:0",
    "http://h.example:99999",
    "http://h.example:port",
    "http://h ex.example",
    "http://h.example /",
    "http://.h.example",
    "http://[fe80::1%25eth0]:9000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (urls[i], NULL, &error);

      g_test_message ("URL “%s”", urls[i]);
      g_assert_null (endpoint);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      assert_contains (error->message, urls[i]);
    }
}

static void
test_url_with_credentials (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *const urls[] = {
    "http://AKID:wJalrSeCrEt@h.example:9000",
    "https://user:pass@word@h.example/",
    "http://wJalrSeCrEt@h.example",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (urls[i], NULL, &error);

      g_assert_null (endpoint);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      assert_contains (error->message, "h.example");
      assert_not_contains (error->message, "SeCrEt");
      assert_not_contains (error->message, "pass");
      assert_not_contains (error->message, "AKID");
    }
}

static void
test_bad_regions (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *const regions[] = { "", "US-EAST-1", "eu west 1", "eu_west_1", "-eu", "eu-", "eu-west-1/x" };

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (NULL, regions[i], &error);
      g_autofree char *quoted = g_strdup_printf ("“%s”", regions[i]);

      g_assert_null (endpoint);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      assert_contains (error->message, quoted);
    }
}

/* Environment variables may hold any bytes: the messages that quote them
 * stay UTF-8 (found by fuzz/fuzz-uri.c). */
static void
test_invalid_utf8_in_messages (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  S3dlioAddressingStyle style;

  endpoint = s3dlio_endpoint_new ("http://h\xff.example", NULL, &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  assert_contains (error->message, "http://h\xef\xbf\xbd.example");
  g_clear_error (&error);

  endpoint = s3dlio_endpoint_new ("http://u\xff:p@h\xfe.example", NULL, &error);
  g_assert_null (endpoint);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  endpoint = s3dlio_endpoint_new (NULL, "eu-\xff", &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  g_assert_false (s3dlio_addressing_style_parse ("pa\xfft\xc3", &style, &error));
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  g_setenv ("AWS_REGION", "\xc3(", TRUE);
  endpoint = s3dlio_endpoint_new_from_environment (NULL, &error);
  g_unsetenv ("AWS_REGION");
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  assert_contains (error->message, "AWS_REGION");
}

static void
test_invalid_construct_properties (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  /* bindings can bypass s3dlio_endpoint_new(): a bad URL is a programmer
   * error, and such an endpoint builds no requests */
  g_test_expect_message ("s3dlio", G_LOG_LEVEL_CRITICAL, "*invalid url “http://…@h.example/x”*");
  endpoint = g_object_new (S3DLIO_TYPE_ENDPOINT, "url", "http://a:SeCrEt@h.example/x", NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("s3dlio", G_LOG_LEVEL_CRITICAL, "*self->host != NULL*");
  g_assert_null (s3dlio_endpoint_get_host (endpoint, "b"));
  g_test_assert_expected_messages ();
  g_clear_object (&endpoint);

  g_test_expect_message ("s3dlio", G_LOG_LEVEL_CRITICAL, "*invalid region “Bad”*");
  endpoint = g_object_new (S3DLIO_TYPE_ENDPOINT, "region", "Bad", NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "us-east-1");
}

/* ------------------------------------------------------------------ */
/* Addressing */

static void
test_virtual_hosting_auto (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) aws = endpoint_new (NULL, "us-west-2");
  const struct {
    const char *bucket;
    gboolean virtual_hosted;
  } cases[] = {
    { "my-bucket", TRUE },
    { "abc", TRUE },
    { "a1-b2-c3", TRUE },
    { "012345678901234567890123456789012345678901234567890123456789012", TRUE },
    { "0123456789012345678901234567890123456789012345678901234567890123", FALSE },
    { "my.bucket", FALSE },         /* the TLS wildcard covers one label only */
    { "MyBucket", FALSE },          /* legacy names are not host names */
    { "my_bucket", FALSE },
    { "ab", FALSE },
    { "-bucket", FALSE },
    { "bucket-", FALSE },
    { "192.168.1.1", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = s3dlio_endpoint_get_host (aws, cases[i].bucket);
      g_autofree char *path = s3dlio_endpoint_get_path (aws, cases[i].bucket, "k");
      g_autofree char *expected_host = NULL;
      g_autofree char *expected_path = NULL;

      g_test_message ("bucket “%s”", cases[i].bucket);
      g_assert_cmpint (s3dlio_endpoint_uses_virtual_hosting (aws, cases[i].bucket), ==,
                       cases[i].virtual_hosted);
      if (cases[i].virtual_hosted)
        {
          expected_host = g_strdup_printf ("%s.s3.us-west-2.amazonaws.com", cases[i].bucket);
          expected_path = g_strdup ("/k");
        }
      else
        {
          expected_host = g_strdup ("s3.us-west-2.amazonaws.com");
          expected_path = g_strdup_printf ("/%s/k", cases[i].bucket);
        }
      g_assert_cmpstr (host, ==, expected_host);
      g_assert_cmpstr (path, ==, expected_path);
    }

  g_assert_false (s3dlio_endpoint_uses_virtual_hosting (aws, NULL));
}

static void
test_addressing_override (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) aws = endpoint_new (NULL, "eu-west-1");
  g_autoptr(S3dlioEndpoint) custom = endpoint_new ("http://minio.local:9000", NULL);
  g_autoptr(S3dlioEndpoint) ip = endpoint_new ("http://10.0.0.5:9000", NULL);

  s3dlio_endpoint_set_addressing_style (aws, S3DLIO_ADDRESSING_STYLE_PATH);
  assert_addressing (aws, "my-bucket", "k", FALSE, "s3.eu-west-1.amazonaws.com", "/my-bucket/k");

  s3dlio_endpoint_set_addressing_style (aws, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
  assert_addressing (aws, "my-bucket", "k", TRUE, "my-bucket.s3.eu-west-1.amazonaws.com", "/k");
  /* forced: dotted buckets too, but not names that are no host names */
  assert_addressing (aws, "my.bucket", "k", TRUE, "my.bucket.s3.eu-west-1.amazonaws.com", "/k");
  assert_addressing (aws, "My_Bucket", "k", FALSE, "s3.eu-west-1.amazonaws.com", "/My_Bucket/k");

  s3dlio_endpoint_set_addressing_style (custom, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
  assert_addressing (custom, "my-bucket", "k", TRUE, "my-bucket.minio.local:9000", "/k");
  assert_addressing (custom, "my-bucket", NULL, TRUE, "my-bucket.minio.local:9000", "/");
  assert_addressing (custom, NULL, NULL, FALSE, "minio.local:9000", "/");

  /* an IP address cannot take a bucket label */
  s3dlio_endpoint_set_addressing_style (ip, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
  assert_addressing (ip, "my-bucket", "k", FALSE, "10.0.0.5:9000", "/my-bucket/k");

  s3dlio_endpoint_set_addressing_style (custom, S3DLIO_ADDRESSING_STYLE_AUTO);
  assert_addressing (custom, "my-bucket", "k", FALSE, "minio.local:9000", "/my-bucket/k");
}

static void
test_odd_keys (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) aws = endpoint_new (NULL, NULL);
  g_autoptr(S3dlioEndpoint) custom = endpoint_new ("http://localhost:9000/", NULL);
  const char *const keys[] = {
    "with space.txt",
    "a+b=c&d",
    "100%25 sure%",
    "what?query=1",
    "hash#fragment",
    "double//slash",
    "/leading/slash",
    "trailing/",
    "../../etc/passwd",
    "./dot/./segments/..",
    "ünïcödé/日本語",
    "tab\there",
    "~tilde*star'quote\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *virtual_path = g_strconcat ("/", keys[i], NULL);
      g_autofree char *path_path = g_strconcat ("/bucket/", keys[i], NULL);

      assert_addressing (aws, "bucket", keys[i], TRUE, "bucket.s3.us-east-1.amazonaws.com", virtual_path);
      assert_addressing (custom, "bucket", keys[i], FALSE, "localhost:9000", path_path);
    }

  /* an empty key is the bucket itself */
  assert_addressing (aws, "bucket", "", TRUE, "bucket.s3.us-east-1.amazonaws.com", "/");
  assert_addressing (custom, "bucket", "", FALSE, "localhost:9000", "/bucket");
}

static void
test_new_request (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) aws = endpoint_new (NULL, "eu-west-1");
  g_autoptr(S3dlioEndpoint) custom = endpoint_new ("http://127.0.0.1:9000", NULL);
  g_autoptr(S3dlioRequest) get = NULL;
  g_autoptr(S3dlioRequest) head = NULL;
  g_autoptr(S3dlioRequest) list = NULL;
  g_autoptr(S3dlioRequest) dotted = NULL;

  get = s3dlio_endpoint_new_request (aws, "GET", "my-bucket", "dir/a b+c%.txt");
  g_assert_cmpstr (s3dlio_request_get_method (get), ==, "GET");
  g_assert_cmpstr (s3dlio_request_get_scheme (get), ==, "https");
  g_assert_cmpstr (s3dlio_request_get_host (get), ==, "my-bucket.s3.eu-west-1.amazonaws.com");
  g_assert_cmpstr (s3dlio_request_get_path (get), ==, "/dir/a b+c%.txt");

  dotted = s3dlio_endpoint_new_request (aws, "GET", "my.bucket", "k");
  g_assert_cmpstr (s3dlio_request_get_host (dotted), ==, "s3.eu-west-1.amazonaws.com");
  g_assert_cmpstr (s3dlio_request_get_path (dotted), ==, "/my.bucket/k");

  head = s3dlio_endpoint_new_request (custom, "HEAD", "b01", "x//y");
  g_assert_cmpstr (s3dlio_request_get_method (head), ==, "HEAD");
  g_assert_cmpstr (s3dlio_request_get_scheme (head), ==, "http");
  g_assert_cmpstr (s3dlio_request_get_host (head), ==, "127.0.0.1:9000");
  g_assert_cmpstr (s3dlio_request_get_path (head), ==, "/b01/x//y");

  list = s3dlio_endpoint_new_request (custom, "GET", NULL, NULL);
  g_assert_cmpstr (s3dlio_request_get_host (list), ==, "127.0.0.1:9000");
  g_assert_cmpstr (s3dlio_request_get_path (list), ==, "/");
}

/* ------------------------------------------------------------------ */
/* Properties */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) endpoint = endpoint_new ("http://localhost:9000", "eu-west-3");
  g_autofree char *url = NULL;
  g_autofree char *region = NULL;
  g_autofree char *ca_file = NULL;
  S3dlioAddressingStyle style = S3DLIO_ADDRESSING_STYLE_PATH;
  guint notified = 0;
  GObjectClass *klass = G_OBJECT_GET_CLASS (endpoint);

  g_assert_true (g_object_class_find_property (klass, "url")->flags & G_PARAM_CONSTRUCT_ONLY);
  g_assert_true (g_object_class_find_property (klass, "region")->flags & G_PARAM_CONSTRUCT_ONLY);

  g_object_get (endpoint, "url", &url, "region", &region, "addressing-style", &style,
                "ca-file", &ca_file, NULL);
  g_assert_cmpstr (url, ==, "http://localhost:9000");
  g_assert_cmpstr (region, ==, "eu-west-3");
  g_assert_cmpint (style, ==, S3DLIO_ADDRESSING_STYLE_AUTO);
  g_assert_null (ca_file);

  g_signal_connect (endpoint, "notify", G_CALLBACK (count_notify), &notified);
  s3dlio_endpoint_set_addressing_style (endpoint, S3DLIO_ADDRESSING_STYLE_AUTO);
  s3dlio_endpoint_set_ca_file (endpoint, NULL);
  g_assert_cmpuint (notified, ==, 0);

  g_object_set (endpoint, "addressing-style", S3DLIO_ADDRESSING_STYLE_PATH, NULL);
  g_assert_cmpuint (notified, ==, 1);
  s3dlio_endpoint_set_addressing_style (endpoint, S3DLIO_ADDRESSING_STYLE_PATH);
  g_assert_cmpuint (notified, ==, 1);

  s3dlio_endpoint_set_ca_file (endpoint, "/etc/ssl/ca.pem");
  g_assert_cmpuint (notified, ==, 2);
  s3dlio_endpoint_set_ca_file (endpoint, "/etc/ssl/ca.pem");
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (s3dlio_endpoint_get_ca_file (endpoint), ==, "/etc/ssl/ca.pem");

  g_clear_pointer (&url, g_free);
  url = s3dlio_endpoint_to_string (endpoint);
  g_assert_cmpstr (url, ==,
                   "S3dlioEndpoint(url=http://localhost:9000, region=eu-west-3, "
                   "addressing-style=path, ca-file=/etc/ssl/ca.pem)");
}

static void
test_addressing_style_parse (Fixture       *fixture,
                             gconstpointer  data)
{
  const struct {
    const char *string;
    S3dlioAddressingStyle style;
  } good[] = {
    { "auto", S3DLIO_ADDRESSING_STYLE_AUTO },
    { "path", S3DLIO_ADDRESSING_STYLE_PATH },
    { "virtual", S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED },
    { "virtual-hosted", S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED },
  };
  const char *const bad[] = { "", "Path", "host", "virtual_hosted" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      S3dlioAddressingStyle style = 42;

      g_assert_true (s3dlio_addressing_style_parse (good[i].string, &style, &error));
      g_assert_no_error (error);
      g_assert_cmpint (style, ==, good[i].style);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      S3dlioAddressingStyle style = 42;
      g_autofree char *quoted = g_strdup_printf ("“%s”", bad[i]);

      g_assert_false (s3dlio_addressing_style_parse (bad[i], &style, &error));
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
      assert_contains (error->message, quoted);
      g_assert_cmpint (style, ==, 42);
    }
}

/* ------------------------------------------------------------------ */
/* From the environment */

static void
test_env_defaults (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(S3dlioEndpoint) endpoint = endpoint_from_environment (NULL);

  g_assert_null (s3dlio_endpoint_get_url (endpoint));
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "us-east-1");
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_AUTO);
  g_assert_null (s3dlio_endpoint_get_ca_file (endpoint));
}

static void
test_env_url_precedence (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *unused = write_aws_file ("config",
    "[default]\n"
    "endpoint_url = http://profile-global:1\n"
    "services = local\n"
    "s3 =\n"
    "  endpoint_url = http://profile-nested:2\n"
    "[services local]\n"
    "s3 =\n"
    "  endpoint_url = http://services-section:3\n"
    "[profile services-only]\n"
    "services = local\n"
    "endpoint_url = http://services-only-global:4\n"
    "[profile global-only]\n"
    "endpoint_url = http://global-only:5\n");
  const struct {
    const char *profile;
    const char *endpoint_url;
    const char *endpoint_url_s3;
    const char *expected;
  } cases[] = {
    { NULL, "http://env-global:6", "http://env-s3:7", "http://env-s3:7" },
    { NULL, "http://env-global:6", NULL, "http://env-global:6" },
    { NULL, NULL, NULL, "http://profile-nested:2" },
    { "services-only", NULL, NULL, "http://services-section:3" },
    { "global-only", NULL, NULL, "http://global-only:5" },
    { "global-only", "http://env-global:6", NULL, "http://env-global:6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(S3dlioEndpoint) endpoint = NULL;

      unset_variables ();
      if (cases[i].endpoint_url)
        g_setenv ("AWS_ENDPOINT_URL", cases[i].endpoint_url, TRUE);
      if (cases[i].endpoint_url_s3)
        g_setenv ("AWS_ENDPOINT_URL_S3", cases[i].endpoint_url_s3, TRUE);

      endpoint = endpoint_from_environment (cases[i].profile);
      g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, cases[i].expected);
      g_assert_false (s3dlio_endpoint_is_aws (endpoint));
    }
}

static void
test_env_ignore_configured_endpoints (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *unused = write_aws_file ("config",
    "[default]\n"
    "endpoint_url = http://profile-global:1\n"
    "[profile ignoring]\n"
    "endpoint_url = http://ignored:2\n"
    "ignore_configured_endpoint_urls = true\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  g_setenv ("AWS_ENDPOINT_URL_S3", "http://env-s3:7", TRUE);
  g_setenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_null (s3dlio_endpoint_get_url (endpoint));
  g_assert_true (s3dlio_endpoint_is_aws (endpoint));
  g_clear_object (&endpoint);

  g_setenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, "http://env-s3:7");
  g_clear_object (&endpoint);

  g_unsetenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  g_unsetenv ("AWS_ENDPOINT_URL_S3");
  endpoint = endpoint_from_environment ("ignoring");
  g_assert_null (s3dlio_endpoint_get_url (endpoint));
  g_clear_object (&endpoint);

  /* the variable beats the profile setting */
  g_setenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", TRUE);
  endpoint = endpoint_from_environment ("ignoring");
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, "http://ignored:2");
}

static void
test_env_region_precedence (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *unused1 = write_aws_file ("config",
                                             "[default]\nregion = eu-north-1\n"
                                             "[profile other]\nregion = ap-south-1\n");
  g_autofree char *unused2 = write_aws_file ("credentials", "[other]\nregion = sa-east-1\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  g_setenv ("AWS_REGION", "eu-west-1", TRUE);
  g_setenv ("AWS_DEFAULT_REGION", "eu-west-2", TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-west-1");
  g_clear_object (&endpoint);

  g_unsetenv ("AWS_REGION");
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-west-2");
  g_clear_object (&endpoint);

  g_unsetenv ("AWS_DEFAULT_REGION");
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-north-1");
  assert_addressing (endpoint, "b-1", NULL, TRUE, "b-1.s3.eu-north-1.amazonaws.com", "/");
  g_clear_object (&endpoint);

  /* the credentials file beats the config file, for settings too */
  endpoint = endpoint_from_environment ("other");
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "sa-east-1");
  g_clear_object (&endpoint);

  g_setenv ("AWS_PROFILE", "other", TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "sa-east-1");
}

static void
test_env_bad_values (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *config = write_aws_file ("config",
                                            "[profile bad-region]\nregion = EU West\n"
                                            "[profile bad-url]\ns3 =\n  endpoint_url = localhost:9000\n"
                                            "[profile bad-style]\ns3 =\n  addressing_style = sideways\n");
  const struct {
    const char *variable;
    const char *value;
    const char *profile;
    const char *expected[3];
  } cases[] = {
    { "AWS_REGION", "EU-WEST-1", NULL, { "AWS_REGION", "“EU-WEST-1”", NULL } },
    { "AWS_DEFAULT_REGION", "eu west", NULL, { "AWS_DEFAULT_REGION", "“eu west”", NULL } },
    { NULL, NULL, "bad-region", { "region", "(bad-region)", "“EU West”" } },
    { "AWS_ENDPOINT_URL", "localhost:9000", NULL, { "AWS_ENDPOINT_URL", "“localhost:9000”", NULL } },
    { "AWS_ENDPOINT_URL_S3", "http://h/p", NULL, { "AWS_ENDPOINT_URL_S3", "“http://h/p”", NULL } },
    { NULL, NULL, "bad-url", { "s3.endpoint_url", "(bad-url)", "“localhost:9000”" } },
    { "S3DLIO_ADDRESSING_STYLE", "sideways", NULL, { "S3DLIO_ADDRESSING_STYLE", "“sideways”", NULL } },
    { NULL, NULL, "bad-style", { "s3.addressing_style", "(bad-style)", "“sideways”" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioEndpoint) endpoint = NULL;

      unset_variables ();
      if (cases[i].variable)
        g_setenv (cases[i].variable, cases[i].value, TRUE);

      endpoint = s3dlio_endpoint_new_from_environment (cases[i].profile, &error);
      g_assert_null (endpoint);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].expected) && cases[i].expected[j]; j++)
        assert_contains (error->message, cases[i].expected[j]);
      if (cases[i].profile)
        assert_contains (error->message, config);
    }
}

static void
test_env_addressing_style (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *unused = write_aws_file ("config",
                                            "[default]\ns3 =\n  addressing_style = virtual\n"
                                            "[profile path]\ns3 =\n  addressing_style = path\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
  g_clear_object (&endpoint);

  endpoint = endpoint_from_environment ("path");
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_PATH);
  assert_addressing (endpoint, "my-bucket", "k", FALSE, "s3.us-east-1.amazonaws.com", "/my-bucket/k");
  g_clear_object (&endpoint);

  g_setenv ("S3DLIO_ADDRESSING_STYLE", "auto", TRUE);
  endpoint = endpoint_from_environment ("path");
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_AUTO);
}

static void
test_env_ca_bundle (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *env_ca = g_build_filename (g_get_home_dir (), "env-ca.pem", NULL);
  g_autofree char *profile_ca = g_build_filename (g_get_home_dir (), "certs", "profile-ca.pem", NULL);
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "missing.pem", NULL);
  g_autofree char *unused = write_aws_file ("config",
                                            "[default]\nca_bundle = ~/certs/profile-ca.pem\n"
                                            "[profile missing]\nca_bundle = /nonexistent/ca.pem\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  s3dlio_test_write_file (env_ca, "-----BEGIN CERTIFICATE-----\n");
  s3dlio_test_write_file (profile_ca, "-----BEGIN CERTIFICATE-----\n");

  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_ca_file (endpoint), ==, profile_ca);
  g_clear_object (&endpoint);

  g_setenv ("AWS_CA_BUNDLE", env_ca, TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_ca_file (endpoint), ==, env_ca);
  g_clear_object (&endpoint);

  g_setenv ("AWS_CA_BUNDLE", missing, TRUE);
  endpoint = s3dlio_endpoint_new_from_environment (NULL, &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "AWS_CA_BUNDLE");
  assert_contains (error->message, missing);
  g_clear_error (&error);

  /* a directory is no CA bundle */
  g_setenv ("AWS_CA_BUNDLE", g_get_home_dir (), TRUE);
  endpoint = s3dlio_endpoint_new_from_environment (NULL, &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_clear_error (&error);

  g_unsetenv ("AWS_CA_BUNDLE");
  endpoint = s3dlio_endpoint_new_from_environment ("missing", &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "ca_bundle");
  assert_contains (error->message, "(missing)");
  assert_contains (error->message, "/nonexistent/ca.pem");
}

static void
test_env_profiles (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *unused = write_aws_file ("config",
                                            "[profile dev]\nregion = eu-west-1\n"
                                            "endpoint_url = http://dev.example:9000\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  /* no default profile: that is fine */
  endpoint = endpoint_from_environment (NULL);
  g_assert_null (s3dlio_endpoint_get_url (endpoint));
  g_clear_object (&endpoint);

  endpoint = endpoint_from_environment ("dev");
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, "http://dev.example:9000");
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-west-1");
  g_clear_object (&endpoint);

  g_setenv ("AWS_DEFAULT_PROFILE", "dev", TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-west-1");
  g_clear_object (&endpoint);

  /* named profiles must exist */
  endpoint = s3dlio_endpoint_new_from_environment ("prod", &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  assert_contains (error->message, "The config profile (prod) could not be found");
  g_clear_error (&error);

  g_setenv ("AWS_PROFILE", "staging", TRUE);
  endpoint = s3dlio_endpoint_new_from_environment (NULL, &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  assert_contains (error->message, "(staging)");
}

static void
test_env_custom_config_path (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "elsewhere", "config", NULL);
  g_autofree char *unused = write_aws_file ("config", "[default]\nregion = eu-west-1\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  s3dlio_test_write_file (path, "[default]\nregion = ap-northeast-1\n");
  g_setenv ("AWS_CONFIG_FILE", path, TRUE);
  endpoint = endpoint_from_environment (NULL);
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "ap-northeast-1");
}

static void
test_env_malformed_config (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = write_aws_file ("config", "[default]\nregion = eu-west-1\n[broken\n");
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;

  endpoint = s3dlio_endpoint_new_from_environment (NULL, &error);
  g_assert_null (endpoint);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, path);
  assert_contains (error->message, ":3:");
}


static void
test_overrides (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = write_aws_file ("config", "[default]\nregion = eu-west-1\nendpoint_url = http://profile.example:9000\n");
  g_autoptr(S3dlioEndpoint) plain = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autoptr(S3dlioEndpoint) bad = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing given: the same as the environment alone. */
  plain = s3dlio_endpoint_new_with_overrides (NULL, NULL, NULL, S3DLIO_ADDRESSING_STYLE_AUTO, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_endpoint_get_url (plain), ==, "http://profile.example:9000");
  g_assert_cmpstr (s3dlio_endpoint_get_region (plain), ==, "eu-west-1");

  /* Explicit values win over the profile; what is not given is kept. */
  g_setenv ("AWS_CA_BUNDLE", path, TRUE);
  endpoint = s3dlio_endpoint_new_with_overrides (NULL, "http://127.0.0.1:1234", NULL,
                                                 S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED, NULL, &error);
  g_unsetenv ("AWS_CA_BUNDLE");
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, "http://127.0.0.1:1234");
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "eu-west-1");
  g_assert_cmpstr (s3dlio_endpoint_get_ca_file (endpoint), ==, path);
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_VIRTUAL_HOSTED);
  g_clear_object (&endpoint);

  endpoint = s3dlio_endpoint_new_with_overrides (NULL, NULL, "ap-south-1", S3DLIO_ADDRESSING_STYLE_PATH,
                                                 "/etc/ssl/certs/ca-certificates.crt", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, "http://profile.example:9000");
  g_assert_cmpstr (s3dlio_endpoint_get_region (endpoint), ==, "ap-south-1");
  g_assert_cmpint (s3dlio_endpoint_get_addressing_style (endpoint), ==, S3DLIO_ADDRESSING_STYLE_PATH);
  g_assert_cmpstr (s3dlio_endpoint_get_ca_file (endpoint), ==, "/etc/ssl/certs/ca-certificates.crt");

  /* A bad override is an error naming it. */
  bad = s3dlio_endpoint_new_with_overrides (NULL, "ftp://nope", NULL, S3DLIO_ADDRESSING_STYLE_AUTO, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  assert_contains (error->message, "ftp://nope");
  g_clear_error (&error);

  /* A CA bundle is checked now, as AWS_CA_BUNDLE is, not at the first
   * request; a relative one was given to GTlsFileDatabase, which ignores it. */
  bad = s3dlio_endpoint_new_with_overrides (NULL, NULL, NULL, S3DLIO_ADDRESSING_STYLE_AUTO,
                                            "/nonexistent/ca.pem", &error);
  g_assert_null (bad);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  assert_contains (error->message, "“/nonexistent/ca.pem”");
  g_clear_error (&error);
  bad = s3dlio_endpoint_new_with_overrides (NULL, NULL, NULL, S3DLIO_ADDRESSING_STYLE_AUTO, "/etc", &error);
  g_assert_null (bad);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT);
  assert_contains (error->message, "“/etc”");
}

int
main (int    argc,
      char **argv)
{
  s3dlio_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/endpoint/aws-default", test_aws_default);
  ADD ("/endpoint/aws-regions", test_aws_regions);
  ADD ("/endpoint/custom", test_custom);
  ADD ("/endpoint/ports", test_ports);
  ADD ("/endpoint/bad-urls", test_bad_urls);
  ADD ("/endpoint/url-with-credentials", test_url_with_credentials);
  ADD ("/endpoint/bad-regions", test_bad_regions);
  ADD ("/endpoint/invalid-utf8-in-messages", test_invalid_utf8_in_messages);
  ADD ("/endpoint/invalid-construct-properties", test_invalid_construct_properties);
  ADD ("/endpoint/addressing/auto", test_virtual_hosting_auto);
  ADD ("/endpoint/addressing/override", test_addressing_override);
  ADD ("/endpoint/addressing/odd-keys", test_odd_keys);
  ADD ("/endpoint/new-request", test_new_request);
  ADD ("/endpoint/properties", test_properties);
  ADD ("/endpoint/addressing-style-parse", test_addressing_style_parse);

  ADD ("/endpoint/env/defaults", test_env_defaults);
  ADD ("/endpoint/env/url-precedence", test_env_url_precedence);
  ADD ("/endpoint/env/ignore-configured-endpoints", test_env_ignore_configured_endpoints);
  ADD ("/endpoint/env/region-precedence", test_env_region_precedence);
  ADD ("/endpoint/env/bad-values", test_env_bad_values);
  ADD ("/endpoint/env/addressing-style", test_env_addressing_style);
  ADD ("/endpoint/env/ca-bundle", test_env_ca_bundle);
  ADD ("/endpoint/env/profiles", test_env_profiles);
  ADD ("/endpoint/env/custom-config-path", test_env_custom_config_path);
  ADD ("/endpoint/env/malformed-config", test_env_malformed_config);
  ADD ("/endpoint/env/overrides", test_overrides);

  return g_test_run ();
}
