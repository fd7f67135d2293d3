/* test-uri.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include "test-utils.h"

static void
test_s3_forms (void)
{
  static const struct {
    const char *uri;
    const char *bucket;
    const char *key;
    gboolean    prefix;
  } cases[] = {
    { "s3://bucket/key", "bucket", "key", FALSE },
    { "s3://bucket/prefix/", "bucket", "prefix/", TRUE },
    { "s3://bucket", "bucket", "", TRUE },
    { "s3://bucket/", "bucket", "", TRUE },
    { "S3://my.bucket-1/a/b/c.bin", "my.bucket-1", "a/b/c.bin", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (cases[i].uri, &error);

      g_assert_no_error (error);
      g_assert_nonnull (uri);
      g_assert_cmpint (s3dlio_uri_get_scheme (uri), ==, S3DLIO_URI_SCHEME_S3);
      g_assert_cmpstr (s3dlio_uri_get_bucket (uri), ==, cases[i].bucket);
      g_assert_cmpstr (s3dlio_uri_get_key (uri), ==, cases[i].key);
      g_assert_null (s3dlio_uri_get_path (uri));
      g_assert_cmpint (s3dlio_uri_is_prefix (uri), ==, cases[i].prefix);
    }
}

static void
test_key_round_trip (void)
{
  static const char *const keys[] = {
    "plain",
    "with space and  two",
    "plus+sign",
    "percent%20not%decoded%",
    "question?mark=1&x",
    "hash#fragment",
    "double//slash",
    "./dot/./segments",
    "../up/../../and/..",
    "ünïcödé/日本語/🎉.bin",
    "trailing/",
    "/leading-slash",
    "a%2Fb",
    "tab\tand\nnewline",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strconcat ("s3://bucket/", keys[i], NULL);
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (text, &error);
      g_autoptr(S3dlioUri) again = NULL;
      g_autoptr(S3dlioUri) built = NULL;
      g_autofree char *formatted = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (s3dlio_uri_get_key (uri), ==, keys[i]);

      formatted = s3dlio_uri_to_string (uri);
      g_assert_cmpstr (formatted, ==, text);

      again = s3dlio_uri_parse (formatted, &error);
      g_assert_no_error (error);
      g_assert_true (s3dlio_uri_equal (uri, again));

      built = s3dlio_uri_new_s3 ("bucket", keys[i], &error);
      g_assert_no_error (error);
      g_assert_true (s3dlio_uri_equal (uri, built));
    }
}

static void
test_bucket_only_round_trip (void)
{
  const char *forms[] = { "s3://bucket", "s3://bucket/" };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (forms[i], NULL);
      g_autofree char *text = s3dlio_uri_to_string (uri);

      g_assert_cmpstr (text, ==, forms[i]);
    }
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("file:///tmp/data/50%.bin", &error);
  g_autoptr(S3dlioUri) local = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (s3dlio_uri_get_scheme (uri), ==, S3DLIO_URI_SCHEME_FILE);
  g_assert_cmpstr (s3dlio_uri_get_path (uri), ==, "/tmp/data/50%.bin");
  g_assert_null (s3dlio_uri_get_bucket (uri));
  g_assert_null (s3dlio_uri_get_key (uri));
  g_assert_false (s3dlio_uri_is_prefix (uri));

  text = s3dlio_uri_to_string (uri);
  g_assert_cmpstr (text, ==, "file:///tmp/data/50%.bin");
  base = s3dlio_uri_get_basename (uri);
  g_assert_cmpstr (base, ==, "50%.bin");

  local = s3dlio_uri_parse ("file://localhost/etc/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_uri_get_path (local), ==, "/etc/");
  g_assert_true (s3dlio_uri_is_prefix (local));
}

static void
test_bad_uris (void)
{
  static const struct {
    const char *uri;
    const char *mentions;
  } cases[] = {
    { "", "empty" },
    { "s3://", "no bucket" },
    { "s3:///key", "no bucket" },
    { "bucket/key", "no scheme" },
    { "://bucket/key", "no scheme" },
    { "http://bucket/key", "unknown scheme “http”" },
    { "gs://bucket/key", "unknown scheme “gs”" },
    { "s3://Upper/key", "lowercase" },
    { "s3://under_score/key", "lowercase" },
    { "s3://ab/key", "3 to 63" },
    { "s3://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/k", "3 to 63" },
    { "s3://-bucket/key", "begin and end" },
    { "s3://bucket-/key", "begin and end" },
    { "s3://my..bucket/key", "“..”" },
    { "s3://192.168.1.1/key", "IP address" },
    { "s3://xn--bucket/key", "reserves" },
    { "s3://bucket-s3alias/key", "reserves" },
    { "file://host/path", "absolute path" },
    { "file://relative", "absolute path" },
    { "file://", "absolute path" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioUri) uri = s3dlio_uri_parse (cases[i].uri, &error);

      g_assert_null (uri);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
      if (strstr (error->message, cases[i].mentions) == NULL)
        g_error ("error for “%s” does not mention “%s”: %s",
                 cases[i].uri, cases[i].mentions, error->message);
    }
}

static void
test_bad_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_key = g_strnfill (S3DLIO_MAX_KEY_LENGTH + 1, 'k');
  g_autofree char *max_key = g_strnfill (S3DLIO_MAX_KEY_LENGTH, 'k');
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioUri) ok = NULL;

  uri = s3dlio_uri_new_s3 ("bucket", long_key, &error);
  g_assert_null (uri);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_assert_nonnull (strstr (error->message, "1025 bytes"));
  g_clear_error (&error);

  uri = s3dlio_uri_new_s3 ("bucket", "bad\xff" "utf8", &error);
  g_assert_null (uri);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_clear_error (&error);

  ok = s3dlio_uri_new_s3 ("bucket", max_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

static void
test_bucket_names (void)
{
  const char *good[] = { "abc", "my-bucket", "my.bucket.name", "1bucket9", "a-b.c-d" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (s3dlio_bucket_name_is_valid (good[i], &error));
      g_assert_no_error (error);
    }

  /* The message quotes the name, as UTF-8 even when it is not (found by
   * fuzz/fuzz-uri.c). */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (s3dlio_bucket_name_is_valid ("buck\xff" "et", &error));
    g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_nonnull (strstr (error->message, "buck\xef\xbf\xbd" "et"));
  }
}

static void
test_basename_and_append (void)
{
  g_autoptr(S3dlioUri) prefix = s3dlio_uri_parse ("s3://bucket/data/2024/", NULL);
  g_autoptr(S3dlioUri) root = s3dlio_uri_parse ("s3://bucket", NULL);
  g_autoptr(S3dlioUri) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *b1 = s3dlio_uri_get_basename (prefix);
  g_autofree char *b2 = s3dlio_uri_get_basename (root);
  g_autofree char *text = NULL;

  g_assert_cmpstr (b1, ==, "2024");
  g_assert_cmpstr (b2, ==, "bucket");

  child = s3dlio_uri_append (prefix, "part 1+2.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_uri_get_key (child), ==, "data/2024/part 1+2.bin");
  text = s3dlio_uri_to_string (child);
  g_assert_cmpstr (text, ==, "s3://bucket/data/2024/part 1+2.bin");

  g_clear_object (&child);
  child = s3dlio_uri_append (root, "top", &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = s3dlio_uri_to_string (child);
  g_assert_cmpstr (text, ==, "s3://bucket/top");
}

/* The URI of a listed key: the same store, whatever it is. */
static void
test_with_key (void)
{
  g_autoptr(S3dlioUri) prefix = s3dlio_uri_parse ("s3://bucket/data/", NULL);
  g_autoptr(S3dlioUri) root = s3dlio_uri_parse ("s3://bucket", NULL);
  g_autoptr(S3dlioUri) dir = s3dlio_uri_new_file ("/srv/data/");
  g_autofree char *long_key = g_strnfill (S3DLIO_MAX_KEY_LENGTH + 1, 'k');
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioUri) uri = NULL;
  g_autofree char *text = NULL;

  uri = s3dlio_uri_with_key (prefix, "other/x y.bin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s3dlio_uri_get_bucket (uri), ==, "bucket");
  g_assert_cmpstr (s3dlio_uri_get_key (uri), ==, "other/x y.bin");
  text = s3dlio_uri_to_string (uri);
  g_assert_cmpstr (text, ==, "s3://bucket/other/x y.bin");
  g_clear_object (&uri);
  g_clear_pointer (&text, g_free);

  /* A common prefix stays one. */
  uri = s3dlio_uri_with_key (root, "dir/", &error);
  g_assert_no_error (error);
  g_assert_true (s3dlio_uri_is_prefix (uri));
  text = s3dlio_uri_to_string (uri);
  g_assert_cmpstr (text, ==, "s3://bucket/dir/");
  g_clear_object (&uri);
  g_clear_pointer (&text, g_free);

  uri = s3dlio_uri_with_key (prefix, long_key, &error);
  g_assert_null (uri);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_clear_error (&error);

  /* The key of a file is its path. */
  uri = s3dlio_uri_with_key (dir, "/elsewhere/f.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpint (s3dlio_uri_get_scheme (uri), ==, S3DLIO_URI_SCHEME_FILE);
  g_assert_cmpstr (s3dlio_uri_get_path (uri), ==, "/elsewhere/f.txt");
  text = s3dlio_uri_to_string (uri);
  g_assert_cmpstr (text, ==, "file:///elsewhere/f.txt");
  g_clear_object (&uri);

  uri = s3dlio_uri_with_key (dir, "relative/f.txt", &error);
  g_assert_null (uri);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
  g_assert_nonnull (strstr (error->message, "relative/f.txt"));
  g_clear_error (&error);

  /* A file name that is not UTF-8 has no URI (its string would not parse
   * back), and the message stays UTF-8, absolute path or not. */
  for (guint i = 0; i < 2; i++)
    {
      const char *not_utf8 = i == 0 ? "/data/\xff.bin" : "\xff.bin";

      uri = s3dlio_uri_with_key (dir, not_utf8, &error);
      g_assert_null (uri);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_URI);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, "UTF-8"));
      g_clear_error (&error);
    }
}

static void
test_properties (void)
{
  g_autoptr(S3dlioUri) uri = s3dlio_uri_parse ("s3://bucket/k", NULL);
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;
  S3dlioUriScheme scheme;

  g_object_get (uri, "bucket", &bucket, "key", &key, "scheme", &scheme, NULL);
  g_assert_cmpstr (bucket, ==, "bucket");
  g_assert_cmpstr (key, ==, "k");
  g_assert_cmpint (scheme, ==, S3DLIO_URI_SCHEME_S3);
}

int
main (int   argc,
      char *argv[])
{
  s3dlio_test_init (&argc, &argv);

  g_test_add_func ("/uri/s3-forms", test_s3_forms);
  g_test_add_func ("/uri/key-round-trip", test_key_round_trip);
  g_test_add_func ("/uri/bucket-only-round-trip", test_bucket_only_round_trip);
  g_test_add_func ("/uri/file", test_file);
  g_test_add_func ("/uri/bad-uris", test_bad_uris);
  g_test_add_func ("/uri/bad-keys", test_bad_keys);
  g_test_add_func ("/uri/bucket-names", test_bucket_names);
  g_test_add_func ("/uri/basename-and-append", test_basename_and_append);
  g_test_add_func ("/uri/with-key", test_with_key);
  g_test_add_func ("/uri/properties", test_properties);

  return g_test_run ();
}
