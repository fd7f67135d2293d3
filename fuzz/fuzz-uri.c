/* fuzz-uri.c: s3:// and file:// URIs, endpoint URLs, the S3 percent-encoding
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is one string (cut at a NUL byte). It is parsed as an
 * S3dlioUri, which must round-trip through s3dlio_uri_to_string() as
 * documented and give itself back through s3dlio_uri_with_key() with its
 * own key; an s3:// URI then becomes a request on the AWS endpoint, whose
 * URL must name the same key. The same string is also tried as a key for
 * s3dlio_uri_with_key() (on that URI and on an s3:// and a file:// one),
 * an endpoint URL, a bucket name, and percent-encoded text.
 */
#include "config.h"

#include <string.h>

#include <s3dlio.h>

#include "s3dlio-encode-private.h"

#include "fuzz-common.h"

static void
assert_round_trip (S3dlioUri *uri)
{
  g_autofree char *string = s3dlio_uri_to_string (uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) again = s3dlio_uri_parse (string, &error);
  g_autofree char *string_again = NULL;

  g_assert_no_error (error);
  g_assert_true (s3dlio_uri_equal (uri, again));
  g_assert_true (s3dlio_uri_equal (again, uri));
  string_again = s3dlio_uri_to_string (again);
  g_assert_cmpstr (string, ==, string_again);
  g_assert_true (s3dlio_uri_is_prefix (uri) == s3dlio_uri_is_prefix (again));
}

/* The request URL names the key percent-encoded, and nothing else. (Not
 * checked with g_uri_parse(), which removes the dot segments that keys may
 * hold.) */
static void
check_request (const char *bucket,
               const char *key)
{
  g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (NULL, NULL, NULL);
  g_autoptr(S3dlioRequest) request = s3dlio_endpoint_new_request (endpoint, "GET", bucket, key);
  g_autofree char *url = s3dlio_request_to_uri_string (request);
  g_autofree char *origin = g_strconcat (s3dlio_request_get_scheme (request), "://",
                                         s3dlio_request_get_host (request), NULL);
  g_autofree char *expected_path = s3dlio_endpoint_get_path (endpoint, bucket, key);
  g_autofree char *path = NULL;

  g_assert_true (g_str_has_prefix (url, origin));
  g_assert_null (strpbrk (url + strlen (origin), "?# "));
  path = _s3dlio_uri_decode (url + strlen (origin), -1, FALSE);
  g_assert_cmpstr (path, ==, expected_path);
}

/* s3dlio_uri_with_key(): @key as the key of another object of the store
 * of @uri. It is refused only as documented (an S3 key that is not UTF-8
 * or too long, a file path that is not UTF-8 or not absolute); otherwise it names @key
 * in the same bucket, or the file @key, and round-trips like any URI. */
static void
check_with_key (S3dlioUri  *uri,
                const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) other = s3dlio_uri_with_key (uri, key, &error);
  gboolean s3 = s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3;

  if (other == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_URI);
      if (s3)
        g_assert_true (!g_utf8_validate (key, -1, NULL) || strlen (key) > S3DLIO_MAX_KEY_LENGTH);
      else
        g_assert_true (!g_utf8_validate (key, -1, NULL) || !g_path_is_absolute (key));
      return;
    }

  g_assert_no_error (error);
  g_assert_true (s3dlio_uri_get_scheme (other) == s3dlio_uri_get_scheme (uri));
  if (s3)
    {
      g_assert_cmpstr (s3dlio_uri_get_bucket (other), ==, s3dlio_uri_get_bucket (uri));
      g_assert_cmpstr (s3dlio_uri_get_key (other), ==, key);
      g_assert_null (s3dlio_uri_get_path (other));
    }
  else
    {
      g_assert_cmpstr (s3dlio_uri_get_path (other), ==, key);
      g_assert_null (s3dlio_uri_get_key (other));
    }
  assert_round_trip (other);
}

/* A URI with its own key (or path) is itself again. */
static void
check_with_own_key (S3dlioUri *uri)
{
  const char *own = s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3
                    ? s3dlio_uri_get_key (uri) : s3dlio_uri_get_path (uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) same = s3dlio_uri_with_key (uri, own, &error);

  g_assert_no_error (error);
  g_assert_true (s3dlio_uri_equal (uri, same));
}

/* @text as a key in a bucket and as a file path, whether or not it parses
 * as a URI itself. */
static void
fuzz_key (const char *text)
{
  static const char *const bases[] = { "s3://bucket/prefix/", "file:///data/" };

  for (gsize i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) base = s3dlio_uri_parse (bases[i], &error);

      g_assert_no_error (error);
      check_with_key (base, text);
    }
}

static void
fuzz_s3_uri (S3dlioUri *uri)
{
  const char *bucket = s3dlio_uri_get_bucket (uri);
  const char *key = s3dlio_uri_get_key (uri);
  g_autoptr(S3dlioUri) rebuilt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = s3dlio_uri_get_basename (uri);
  g_autoptr(S3dlioUri) appended = NULL;

  g_assert_nonnull (bucket);
  g_assert_nonnull (key);
  g_assert_null (s3dlio_uri_get_path (uri));
  g_assert_true (s3dlio_bucket_name_is_valid (bucket, NULL));
  g_assert_true (g_utf8_validate (key, -1, NULL));
  g_assert_cmpuint (strlen (key), <=, S3DLIO_MAX_KEY_LENGTH);
  g_assert_true (s3dlio_uri_is_prefix (uri) == (*key == '\0' || g_str_has_suffix (key, "/")));

  rebuilt = s3dlio_uri_new_s3 (bucket, key, &error);
  g_assert_no_error (error);
  g_assert_true (s3dlio_uri_equal (uri, rebuilt));

  g_assert_nonnull (basename);
  g_assert_true (*key == '\0' || strchr (basename, '/') == NULL);

  appended = s3dlio_uri_append (uri, basename, &error);
  if (appended == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_URI);
      g_assert_cmpuint (strlen (key) + strlen (basename), >, S3DLIO_MAX_KEY_LENGTH);
    }
  else
    {
      g_autofree char *joined = g_strconcat (key, basename, NULL);

      g_assert_cmpstr (s3dlio_uri_get_key (appended), ==, joined);
      assert_round_trip (appended);
    }

  check_request (bucket, key);
}

static void
fuzz_file_uri (S3dlioUri *uri)
{
  const char *path = s3dlio_uri_get_path (uri);
  g_autoptr(S3dlioUri) rebuilt = NULL;
  g_autofree char *basename = s3dlio_uri_get_basename (uri);

  g_assert_nonnull (path);
  g_assert_true (path[0] == '/');
  g_assert_null (s3dlio_uri_get_bucket (uri));
  g_assert_null (s3dlio_uri_get_key (uri));

  rebuilt = s3dlio_uri_new_file (path);
  g_assert_true (s3dlio_uri_equal (uri, rebuilt));

  g_assert_nonnull (basename);
  g_assert_true (g_str_equal (basename, "/") || strchr (basename, '/') == NULL);
}

static void
fuzz_uri (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (text, &error);

  if (uri == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_URI);
      return;
    }

  g_assert_no_error (error);
  assert_round_trip (uri);

  if (s3dlio_uri_get_scheme (uri) == S3DLIO_URI_SCHEME_S3)
    fuzz_s3_uri (uri);
  else
    fuzz_file_uri (uri);

  check_with_own_key (uri);
  check_with_key (uri, text);
}

/* A valid bucket name is the bucket of s3://NAME. */
static void
fuzz_bucket_name (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *string = NULL;
  g_autoptr(S3dlioUri) uri = NULL;

  if (!s3dlio_bucket_name_is_valid (text, &error))
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_URI);
      return;
    }

  string = g_strconcat ("s3://", text, NULL);
  uri = s3dlio_uri_parse (string, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_uri_get_bucket (uri), ==, text);
  g_assert_cmpstr (s3dlio_uri_get_key (uri), ==, "");
}

static void
fuzz_endpoint (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = s3dlio_endpoint_new (text, NULL, &error);
  g_autofree char *host = NULL;
  g_autofree char *description = NULL;

  if (endpoint == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_ARGUMENT);
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_endpoint_get_url (endpoint), ==, text);
  g_assert_true (g_str_equal (s3dlio_endpoint_get_scheme (endpoint), "http") ||
                 g_str_equal (s3dlio_endpoint_get_scheme (endpoint), "https"));
  host = s3dlio_endpoint_get_host (endpoint, "bucket");
  g_assert_nonnull (host);
  g_assert_cmpstr (host, !=, "");
  description = s3dlio_endpoint_to_string (endpoint);
  g_assert_nonnull (description);
}

/* Encoding then decoding gives the text back, with / kept or not; decoding
 * anything either fails or gives a string. */
static void
fuzz_encoding (const char *text)
{
  for (guint keep_slash = 0; keep_slash <= 1; keep_slash++)
    {
      g_autofree char *encoded = _s3dlio_uri_encode (text, keep_slash);
      g_autofree char *decoded = _s3dlio_uri_decode (encoded, -1, FALSE);

      g_assert_cmpstr (decoded, ==, text);
      g_assert_cmpuint (strspn (encoded, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%/"),
                        ==, strlen (encoded));
      g_assert_true (keep_slash || strchr (encoded, '/') == NULL);
    }

  for (guint plus_as_space = 0; plus_as_space <= 1; plus_as_space++)
    {
      g_autofree char *decoded = _s3dlio_uri_decode (text, -1, plus_as_space);

      if (decoded != NULL)
        g_assert_cmpuint (strlen (decoded), <=, strlen (text));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);

  fuzz_init ();

  fuzz_uri (text);
  fuzz_key (text);
  fuzz_bucket_name (text);
  fuzz_endpoint (text);
  fuzz_encoding (text);

  return 0;
}
