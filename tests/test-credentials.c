/* test-credentials.c: the AWS profile file parser and the credentials chain
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-test"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <glib/gstdio.h>

#include "test-utils.h"
#include "s3dlio-credentials-private.h"
#include "s3dlio-profile-file-private.h"

/* Every secret and token in these tests carries one of these markers, so
 * that any text can be checked for leaks without knowing which one. */
#define SECRET_MARKER "SeCrEt"
#define TOKEN_MARKER  "ToKeN"

#define ENV_ID      "AKIDENVIRONMENT00001"
#define ENV_SECRET  "env/" SECRET_MARKER "/wJalrXUtnFEMIK7MDENG"
#define ENV_TOKEN   "env-" TOKEN_MARKER "-FwoGZXIvYXdzEXAMPLE"

#define CRED_ID     "AKIDCREDENTIALSFILE1"
#define CRED_SECRET "cred/" SECRET_MARKER "/bPxRfiCYEXAMPLEKEY"
#define CRED_TOKEN  "cred-" TOKEN_MARKER "-IQoJb3JpZ2luX2VjEXAMPLE"

#define CONF_ID     "AKIDCONFIGFILE000001"
#define CONF_SECRET "conf/" SECRET_MARKER "/K7MDENGbPxRfiCYzzz"

static GString *captured_log;

/* Collects every log message, debug included, so the tests can check that
 * no secret is ever logged; warnings and worse are also shown. */
static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") == 0 || strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
        {
          if (fields[i].length < 0)
            g_string_append (captured_log, fields[i].value);
          else
            g_string_append_len (captured_log, fields[i].value, fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
    }

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* GTest installs its own default handler, which takes g_log() messages
 * before they reach the writer: replace it. */
static void
capture_handler (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  g_string_append_printf (captured_log, "%s\n%s\n", log_domain ? log_domain : "", message);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler (log_domain, log_level, message, user_data);
}

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

#define assert_no_secret(text) G_STMT_START {            \
    assert_not_contains ((text), SECRET_MARKER);          \
    assert_not_contains ((text), TOKEN_MARKER);           \
  } G_STMT_END

static const char *const variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
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
  g_string_truncate (captured_log, 0);
}

/* Every test ends by checking that nothing it logged holds a secret. */
static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  unset_variables ();
  assert_no_secret (captured_log->str);
}

static char *
aws_path (const char *name)
{
  return g_build_filename (g_get_home_dir (), ".aws", name, NULL);
}

static char *
write_aws_file (const char *name,
                const char *contents)
{
  char *path = aws_path (name);

  s3dlio_test_write_file (path, contents);
  return path;
}

static void
set_env_credentials (void)
{
  g_setenv ("AWS_ACCESS_KEY_ID", ENV_ID, TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", ENV_SECRET, TRUE);
}

static void
assert_credentials (S3dlioCredentials *credentials,
                    const char        *source,
                    const char        *access_key_id,
                    const char        *secret_access_key,
                    const char        *session_token)
{
  g_autofree char *description = NULL;

  g_assert_nonnull (credentials);
  g_assert_cmpstr (s3dlio_credentials_get_source (credentials), ==, source);
  g_assert_cmpstr (s3dlio_credentials_get_access_key_id (credentials), ==, access_key_id);
  g_assert_cmpstr (_s3dlio_credentials_get_secret_access_key (credentials), ==, secret_access_key);
  g_assert_cmpstr (_s3dlio_credentials_get_session_token (credentials), ==, session_token);
  g_assert_cmpint (s3dlio_credentials_has_session_token (credentials), ==, session_token != NULL);
  g_assert_false (s3dlio_credentials_is_anonymous (credentials));

  description = s3dlio_credentials_to_string (credentials);
  assert_no_secret (description);
  assert_not_contains (description, access_key_id);
}

/* ------------------------------------------------------------------ */
/* Profile file parser */

static S3dlioProfileFile *
parse_string (const char  *text,
              GError     **error)
{
  return _s3dlio_profile_file_parse (text, strlen (text), "test.ini", error);
}

static void
assert_parse_error (const char *text,
                    guint       line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = parse_string (text, &error);
  g_autofree char *where = g_strdup_printf ("test.ini:%u:", line);

  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, where);
  assert_no_secret (error->message);
}

static void
test_parse_basic (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;
  g_auto(GStrv) sections = NULL;

  /* an indented first line is a key; an indented line after a key would
   * continue its value (see test_parse_nested) */
  file = parse_string ("[default]\n"
                       "  output   =   json  \n"
                       "region=eu-west-1\n"
                       "Aws_Access_Key_Id = AKID\n"
                       "colon: value: with colon\n"
                       "url = http://host:9000/x=y\n"
                       "empty =\n"
                       "\t\n"
                       "[Other]\n"
                       "region = us-west-2\n",
                       &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);

  g_assert_cmpstr (_s3dlio_profile_file_get_filename (file), ==, "test.ini");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "region"), ==, "eu-west-1");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "output"), ==, "json");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "aws_access_key_id"), ==, "AKID");
  g_assert_null (_s3dlio_profile_file_get (file, "default", "Aws_Access_Key_Id"));
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "colon"), ==, "value: with colon");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "url"), ==, "http://host:9000/x=y");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "empty"), ==, "");
  g_assert_null (_s3dlio_profile_file_get (file, "default", "missing"));
  g_assert_null (_s3dlio_profile_file_get (file, "missing", "region"));

  /* section names are case-sensitive, as in configparser */
  g_assert_true (_s3dlio_profile_file_has_section (file, "Other"));
  g_assert_false (_s3dlio_profile_file_has_section (file, "other"));
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "Other", "region"), ==, "us-west-2");

  sections = _s3dlio_profile_file_list_sections (file);
  g_assert_cmpuint (g_strv_length (sections), ==, 2);
  g_assert_cmpstr (sections[0], ==, "Other");
  g_assert_cmpstr (sections[1], ==, "default");
}

static void
test_parse_comments (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  file = parse_string ("# a comment\n"
                       "; another\n"
                       "\n"
                       "[default]\n"
                       "   # indented comment\n"
                       "region = eu-west-1 # not a comment: configparser keeps it\n"
                       ";key = value\n"
                       "#key2 = value\n"
                       "output = text\n",
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "region"), ==,
                   "eu-west-1 # not a comment: configparser keeps it");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "output"), ==, "text");
  g_assert_null (_s3dlio_profile_file_get (file, "default", ";key"));
  g_assert_null (_s3dlio_profile_file_get (file, "default", "key"));
  g_assert_null (_s3dlio_profile_file_get (file, "default", "key2"));
}

static void
test_parse_line_ends (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *const texts[] = {
    "\xef\xbb\xbf[default]\r\nregion = eu-west-1\r\ns3 =\r\n  addressing_style = path\r\n",
    "[default]\rregion = eu-west-1\rs3 =\r  addressing_style = path",
    "[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path",
    "\xef\xbb\xbf[default]\nregion = eu-west-1\r\ns3 =\r  addressing_style = path\n\n\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioProfileFile) file = parse_string (texts[i], &error);

      g_assert_no_error (error);
      g_assert_true (_s3dlio_profile_file_has_section (file, "default"));
      g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "region"), ==, "eu-west-1");
      g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "s3.addressing_style"), ==, "path");
    }

  /* a CRLF error is reported on the right line */
  assert_parse_error ("[default]\r\nregion = x\r\n\r\nbroken\r\n", 4);
  assert_parse_error ("[default]\rregion = x\r\rbroken\r", 4);
}

static void
test_parse_nested (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  file = parse_string ("[profile dev]\n"
                       "s3 =\n"
                       "  addressing_style = path\n"
                       "\n"
                       "  # a comment inside\n"
                       "  Endpoint_URL = http://localhost:9000\n"
                       "  weird = a = b\n"
                       "region = eu-west-1\n"
                       "multi = first\n"
                       "   second\n"
                       "\n"
                       "   third\n"
                       "\n"
                       "[services local]\n"
                       "s3 =\n"
                       "\tendpoint_url = http://127.0.0.1:9000\n",
                       &error);
  g_assert_no_error (error);

  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "s3.addressing_style"), ==, "path");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "s3.endpoint_url"), ==,
                   "http://localhost:9000");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "s3.weird"), ==, "a = b");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "s3"), ==, "");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "region"), ==, "eu-west-1");
  /* a value with continuation lines that is not nested keeps its lines */
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile dev", "multi"), ==, "first\nsecond\n\nthird");
  g_assert_null (_s3dlio_profile_file_get (file, "profile dev", "addressing_style"));
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "services local", "s3.endpoint_url"), ==,
                   "http://127.0.0.1:9000");

  /* a nested line without "=" */
  assert_parse_error ("[default]\ns3 =\n  addressing_style = path\n  oops " SECRET_MARKER "\n", 4);
  assert_parse_error ("[default]\ns3 =\n  = path\n", 3);
}

static void
test_parse_section_names (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  file = parse_string ("[profile   spaced]\n"
                       "a = 1\n"
                       "[profile \"quoted name\"]\n"
                       "a = 2\n"
                       "[ services\tx ]\n"
                       "a = 3\n"
                       "[ default ] trailing text\n"
                       "a = 4\n"
                       "[profilex]\n"
                       "a = 5\n"
                       "[a]b]\n"
                       "a = 6\n",
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile spaced", "a"), ==, "1");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profile quoted name", "a"), ==, "2");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "services x", "a"), ==, "3");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "a"), ==, "4");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "profilex", "a"), ==, "5");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "a]b", "a"), ==, "6");
}

static void
test_parse_default_section (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;
  g_auto(GStrv) sections = NULL;

  file = parse_string ("[DEFAULT]\nregion = eu-west-1\n[one]\noutput = json\n[two]\nregion = us-west-2\n",
                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "one", "region"), ==, "eu-west-1");
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "two", "region"), ==, "us-west-2");
  g_assert_null (_s3dlio_profile_file_get (file, "three", "region"));
  g_assert_false (_s3dlio_profile_file_has_section (file, "DEFAULT"));
  sections = _s3dlio_profile_file_list_sections (file);
  g_assert_cmpuint (g_strv_length (sections), ==, 2);
}

static void
test_parse_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  /* key before any section */
  assert_parse_error ("aws_secret_access_key = " SECRET_MARKER "\n[default]\n", 1);
  /* no delimiter: the line is probably a pasted secret */
  assert_parse_error ("[default]\naws_access_key_id = AKID\n" SECRET_MARKER "abc\n", 3);
  /* no key name */
  assert_parse_error ("[default]\n\n= " SECRET_MARKER "\n", 3);
  /* the same section twice */
  assert_parse_error ("[default]\na = 1\n[other]\n[default]\n", 4);
  /* the same key twice */
  assert_parse_error ("[default]\naws_secret_access_key = " SECRET_MARKER "1\n"
                      "AWS_SECRET_ACCESS_KEY = " SECRET_MARKER "2\n", 3);
  /* "[]" is no header */
  assert_parse_error ("[]\n", 1);
  /* an unterminated header */
  assert_parse_error ("[default\n", 1);
  /* invalid UTF-8, and a nul byte */
  assert_parse_error ("[default]\nregion = \xff\xfe\n", 2);
}

static void
test_parse_nul_and_unterminated (Fixture       *fixture,
                                 gconstpointer  data)
{
  const char text[] = "[default]\nregion = eu-west-1\n\0[x]\n";
  const char full[] = "[default]\nregion = eu-west-1XYZ";
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;
  g_autoptr(S3dlioProfileFile) empty = NULL;
  g_autofree char *exact = NULL;
  gsize len = strlen ("[default]\nregion = eu-west-1");

  file = _s3dlio_profile_file_parse (text, sizeof text - 1, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "(data):3:");
  g_clear_error (&error);

  /* an exact-size heap copy: valgrind would see a read past the end */
  exact = g_memdup2 (full, len);
  file = _s3dlio_profile_file_parse (exact, len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "region"), ==, "eu-west-1");

  empty = _s3dlio_profile_file_parse (NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_false (_s3dlio_profile_file_has_section (empty, "default"));
}

static void
test_parse_too_large (Fixture       *fixture,
                      gconstpointer  data)
{
  gsize len = S3DLIO_PROFILE_FILE_MAX_SIZE + 1;
  g_autofree char *big = g_malloc (len + 1);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  memset (big, '#', len);
  big[len - 1] = '\n';
  big[len] = '\0';
  file = _s3dlio_profile_file_parse (big, len, "big.ini", &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "big.ini");
  assert_contains (error->message, "larger than");
  g_clear_error (&error);

  /* just under the cap is fine */
  file = _s3dlio_profile_file_parse (big, len - 1, "big.ini", &error);
  g_assert_no_error (error);
  g_clear_pointer (&file, _s3dlio_profile_file_free);

  path = aws_path ("big");
  s3dlio_test_write_file (path, big);
  file = _s3dlio_profile_file_load (path, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, path);
  assert_contains (error->message, "larger than");
}

static void
test_load (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = write_aws_file ("credentials", "[default]\nregion = eu-west-1\n");
  g_autofree char *missing = aws_path ("missing");
  g_autofree char *missing_dir = g_build_filename (g_get_home_dir (), "no", "such", "file", NULL);
  g_autofree char *fifo = aws_path ("fifo");
  g_autofree char *dir = aws_path ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  file = _s3dlio_profile_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get_filename (file), ==, path);
  g_assert_cmpstr (_s3dlio_profile_file_get (file, "default", "region"), ==, "eu-west-1");
  g_clear_pointer (&file, _s3dlio_profile_file_free);

  /* missing files are empty */
  file = _s3dlio_profile_file_load (missing, &error);
  g_assert_no_error (error);
  g_assert_false (_s3dlio_profile_file_has_section (file, "default"));
  g_clear_pointer (&file, _s3dlio_profile_file_free);
  file = _s3dlio_profile_file_load (missing_dir, &error);
  g_assert_no_error (error);
  g_clear_pointer (&file, _s3dlio_profile_file_free);

  /* and so are empty ones (whose contents are a NULL array: found by
   * fuzz/fuzz-profile-file.c under UBSan) */
  g_clear_pointer (&path, g_free);
  path = write_aws_file ("empty", "");
  file = _s3dlio_profile_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_false (_s3dlio_profile_file_has_section (file, "default"));
  g_clear_pointer (&file, _s3dlio_profile_file_free);

  /* not regular files are errors, and a FIFO does not block */
  file = _s3dlio_profile_file_load (dir, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  file = _s3dlio_profile_file_load (fifo, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, fifo);
  g_clear_error (&error);

  /* a parse error from a file names the file */
  g_clear_pointer (&path, g_free);
  path = write_aws_file ("config", "[default]\n\nnot a key " SECRET_MARKER "\n");
  file = _s3dlio_profile_file_load (path, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, path);
  assert_contains (error->message, ":3:");
  assert_no_secret (error->message);
}

static void
test_load_unreadable (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = write_aws_file ("credentials", "[default]\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = NULL;

  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  if (g_access (path, R_OK) == 0)
    {
      g_test_skip ("running as root: every file is readable");
      return;
    }

  file = _s3dlio_profile_file_load (path, &error);
  g_assert_null (file);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, path);
}

static void
test_shared_config (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *credentials = write_aws_file ("credentials",
                                                 "[dev]\nregion = from-credentials\n"
                                                 "[profile other]\nregion = x\n");
  g_autofree char *config = write_aws_file ("config",
                                            "[profile dev]\nregion = from-config\noutput = json\n"
                                            "services = local\n"
                                            "[default]\nregion = plain-default\n"
                                            "[other]\nregion = not-a-profile\n"
                                            "[services local]\ns3 =\n  endpoint_url = http://x:1\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioSharedConfig) shared = _s3dlio_shared_config_load (&error);
  S3dlioSharedConfigOrigin origin;

  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_shared_config_get_path (shared, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE), ==, credentials);
  g_assert_cmpstr (_s3dlio_shared_config_get_path (shared, S3DLIO_SHARED_CONFIG_CONFIG_FILE), ==, config);

  g_assert_true (_s3dlio_shared_config_has_profile (shared, "dev"));
  g_assert_true (_s3dlio_shared_config_has_profile (shared, "default"));
  /* [other] in the config file is no profile, nor is [profile other] in
   * the credentials file */
  g_assert_false (_s3dlio_shared_config_has_profile (shared, "other"));
  g_assert_true (_s3dlio_shared_config_has_profile (shared, "profile other"));

  /* the credentials file first */
  g_assert_cmpstr (_s3dlio_shared_config_get (shared, "dev", "region", &origin), ==, "from-credentials");
  g_assert_cmpint (origin, ==, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE);
  g_assert_cmpstr (_s3dlio_shared_config_get (shared, "dev", "output", &origin), ==, "json");
  g_assert_cmpint (origin, ==, S3DLIO_SHARED_CONFIG_CONFIG_FILE);
  g_assert_null (_s3dlio_shared_config_get (shared, "dev", "nothing", &origin));
  g_assert_cmpint (origin, ==, S3DLIO_SHARED_CONFIG_NONE);
  g_assert_cmpstr (_s3dlio_shared_config_get_in (shared, S3DLIO_SHARED_CONFIG_CONFIG_FILE, "dev", "region"),
                   ==, "from-config");
  g_assert_cmpstr (_s3dlio_shared_config_get (shared, "default", "region", NULL), ==, "plain-default");
  g_assert_cmpstr (_s3dlio_shared_config_get_service (shared, "dev", "s3", "endpoint_url"), ==, "http://x:1");
  g_assert_null (_s3dlio_shared_config_get_service (shared, "default", "s3", "endpoint_url"));
}

static void
test_shared_config_profile_default (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *config = write_aws_file ("config",
                                            "[default]\nregion = plain\n"
                                            "[profile default]\nregion = prefixed\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioSharedConfig) shared = _s3dlio_shared_config_load (&error);

  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_shared_config_get (shared, "default", "region", NULL), ==, "prefixed");
}

static void
test_shared_config_paths (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *credentials = g_build_filename (g_get_home_dir (), "elsewhere", "creds", NULL);
  g_autofree char *config = g_build_filename (g_get_home_dir (), "elsewhere", "conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioSharedConfig) shared = NULL;
  const char *name;
  gboolean named;

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", credentials, TRUE);
  g_setenv ("AWS_CONFIG_FILE", "~/elsewhere/conf", TRUE);
  shared = _s3dlio_shared_config_load (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_shared_config_get_path (shared, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE), ==, credentials);
  g_assert_cmpstr (_s3dlio_shared_config_get_path (shared, S3DLIO_SHARED_CONFIG_CONFIG_FILE), ==, config);

  name = _s3dlio_shared_config_get_profile_name (NULL, &named);
  g_assert_cmpstr (name, ==, "default");
  g_assert_false (named);
  g_setenv ("AWS_DEFAULT_PROFILE", "b", TRUE);
  name = _s3dlio_shared_config_get_profile_name (NULL, &named);
  g_assert_cmpstr (name, ==, "b");
  g_assert_true (named);
  g_setenv ("AWS_PROFILE", "a", TRUE);
  g_assert_cmpstr (_s3dlio_shared_config_get_profile_name (NULL, NULL), ==, "a");
  g_assert_cmpstr (_s3dlio_shared_config_get_profile_name ("c", &named), ==, "c");
  g_assert_true (named);
  g_setenv ("AWS_PROFILE", "", TRUE);
  g_assert_cmpstr (_s3dlio_shared_config_get_profile_name (NULL, NULL), ==, "b");
}

/* ------------------------------------------------------------------ */
/* Credentials objects */

static void
test_explicit (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new ("AKIAIOSFODNN7EXAMPLE", CRED_SECRET, NULL);
  g_autoptr(S3dlioCredentials) with_token = s3dlio_credentials_new ("AKIAIOSFODNN7EXAMPLE", CRED_SECRET, CRED_TOKEN);
  g_autoptr(S3dlioCredentials) empty_token = s3dlio_credentials_new ("AKIAIOSFODNN7EXAMPLE", CRED_SECRET, "");
  g_autofree char *description = NULL;
  g_autofree char *description_token = NULL;

  assert_credentials (credentials, "explicit", "AKIAIOSFODNN7EXAMPLE", CRED_SECRET, NULL);
  assert_credentials (with_token, "explicit", "AKIAIOSFODNN7EXAMPLE", CRED_SECRET, CRED_TOKEN);
  assert_credentials (empty_token, "explicit", "AKIAIOSFODNN7EXAMPLE", CRED_SECRET, NULL);

  description = s3dlio_credentials_to_string (credentials);
  g_assert_cmpstr (description, ==,
                   "S3dlioCredentials(source=explicit, access-key-id=AKIA…MPLE, session-token=no)");
  description_token = s3dlio_credentials_to_string (with_token);
  g_assert_cmpstr (description_token, ==,
                   "S3dlioCredentials(source=explicit, access-key-id=AKIA…MPLE, session-token=yes)");
}

static void
test_anonymous (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new_anonymous ();
  g_autofree char *description = s3dlio_credentials_to_string (credentials);
  g_autofree char *source = NULL;
  gboolean anonymous = FALSE;

  g_assert_true (s3dlio_credentials_is_anonymous (credentials));
  g_assert_cmpstr (s3dlio_credentials_get_source (credentials), ==, "anonymous");
  g_assert_null (s3dlio_credentials_get_access_key_id (credentials));
  g_assert_null (_s3dlio_credentials_get_secret_access_key (credentials));
  g_assert_null (_s3dlio_credentials_get_session_token (credentials));
  g_assert_false (s3dlio_credentials_has_session_token (credentials));
  g_assert_cmpstr (description, ==, "S3dlioCredentials(source=anonymous)");

  g_object_get (credentials, "anonymous", &anonymous, "source", &source, NULL);
  g_assert_true (anonymous);
  g_assert_cmpstr (source, ==, "anonymous");
}

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(S3dlioCredentials) credentials = NULL;
  GObjectClass *klass = g_type_class_ref (S3DLIO_TYPE_CREDENTIALS);
  const char *const write_only[] = { "secret-access-key", "session-token" };
  const char *const read_only[] = { "anonymous", "source" };
  g_autofree char *id = NULL;
  g_autofree char *source = NULL;
  gboolean anonymous = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (write_only); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, write_only[i]);

      g_assert_nonnull (pspec);
      g_assert_false (pspec->flags & G_PARAM_READABLE);
      g_assert_true (pspec->flags & G_PARAM_WRITABLE);
      g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
    }
  for (guint i = 0; i < G_N_ELEMENTS (read_only); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, read_only[i]);

      g_assert_nonnull (pspec);
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_false (pspec->flags & G_PARAM_WRITABLE);
    }
  g_assert_true (g_object_class_find_property (klass, "access-key-id")->flags & G_PARAM_CONSTRUCT_ONLY);
  g_type_class_unref (klass);

  /* construction through properties, as bindings do it */
  credentials = g_object_new (S3DLIO_TYPE_CREDENTIALS,
                              "access-key-id", CONF_ID,
                              "secret-access-key", CONF_SECRET,
                              "session-token", CRED_TOKEN,
                              NULL);
  assert_credentials (credentials, "explicit", CONF_ID, CONF_SECRET, CRED_TOKEN);
  g_object_get (credentials, "access-key-id", &id, "source", &source, "anonymous", &anonymous, NULL);
  g_assert_cmpstr (id, ==, CONF_ID);
  g_assert_cmpstr (source, ==, "explicit");
  g_assert_false (anonymous);
}

static void
test_properties_not_readable (Fixture       *fixture,
                              gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (CRED_ID, CRED_SECRET, CRED_TOKEN);
      g_auto(GValue) value = G_VALUE_INIT;
      char *secret = NULL;
      char *token = NULL;

      /* GObject warns; the point is that nothing is returned */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_log_set_fatal_mask ("GLib-GObject", G_LOG_FATAL_MASK);
      g_object_get (credentials, "secret-access-key", &secret, NULL);
      g_object_get (credentials, "session-token", &token, NULL);
      g_value_init (&value, G_TYPE_STRING);
      g_object_get_property (G_OBJECT (credentials), "secret-access-key", &value);
      g_print ("secret=%s token=%s value=%s\n", secret ? secret : "(none)",
               token ? token : "(none)",
               g_value_get_string (&value) ? g_value_get_string (&value) : "(none)");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*secret=(none) token=(none) value=(none)*");
  g_test_trap_assert_stderr ("*secret-access-key*not readable*");
  g_test_trap_assert_stdout_unmatched ("*" SECRET_MARKER "*");
  g_test_trap_assert_stdout_unmatched ("*" TOKEN_MARKER "*");
  g_test_trap_assert_stderr_unmatched ("*" SECRET_MARKER "*");
  g_test_trap_assert_stderr_unmatched ("*" TOKEN_MARKER "*");
}

static void
test_id_without_secret (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(S3dlioCredentials) credentials = NULL;

  g_test_expect_message ("s3dlio", G_LOG_LEVEL_CRITICAL, "*without a secret-access-key*");
  credentials = g_object_new (S3DLIO_TYPE_CREDENTIALS, "access-key-id", CONF_ID, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (_s3dlio_credentials_get_secret_access_key (credentials));

  /* a secret without an id is anonymous */
  g_clear_object (&credentials);
  credentials = g_object_new (S3DLIO_TYPE_CREDENTIALS, "secret-access-key", CONF_SECRET, NULL);
  g_assert_true (s3dlio_credentials_is_anonymous (credentials));
  g_assert_null (_s3dlio_credentials_get_secret_access_key (credentials));
}

static void
test_mask (Fixture       *fixture,
           gconstpointer  data)
{
  const struct {
    const char *id;
    const char *masked;
  } cases[] = {
    { "AKIAIOSFODNN7EXAMPLE", "AKIA…MPLE" },
    { "ASIAXXXXYYYY", "ASIA…YYYY" },
    { "ABCDEFGHIJK", "…" },
    { "minioadmin", "…" },
    { "", "…" },
    { "ÄÖÜßabcdefghWXYZ", "ÄÖÜß…WXYZ" },
    { "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", "…" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = _s3dlio_credentials_mask_access_key_id (cases[i].id);

      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
}

/* ------------------------------------------------------------------ */
/* The environment */

static void
test_env_keys (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *description = NULL;

  set_env_credentials ();
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
  description = s3dlio_credentials_to_string (credentials);
  g_assert_cmpstr (description, ==,
                   "S3dlioCredentials(source=environment, access-key-id=AKID…0001, session-token=no)");
  g_clear_object (&credentials);

  g_setenv ("AWS_SECURITY_TOKEN", "legacy-" TOKEN_MARKER, TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, "legacy-" TOKEN_MARKER);
  g_clear_object (&credentials);

  g_setenv ("AWS_SESSION_TOKEN", ENV_TOKEN, TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, ENV_TOKEN);
  g_clear_pointer (&description, g_free);
  description = s3dlio_credentials_to_string (credentials);
  assert_contains (description, "session-token=yes");
}

static void
test_env_half_set (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *unused = write_aws_file ("credentials",
                                            "[default]\naws_access_key_id = " CRED_ID "\n"
                                            "aws_secret_access_key = " CRED_SECRET "\n");

  g_setenv ("AWS_ACCESS_KEY_ID", ENV_ID, TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "AWS_SECRET_ACCESS_KEY");
  g_clear_error (&error);

  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_setenv ("AWS_SECRET_ACCESS_KEY", ENV_SECRET, TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "AWS_ACCESS_KEY_ID is not");
  assert_no_secret (error->message);
  g_clear_error (&error);

  /* empty counts as unset: then the file is used */
  g_setenv ("AWS_ACCESS_KEY_ID", "", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
}

/* ------------------------------------------------------------------ */
/* The chain */

static void
write_both_files (void)
{
  g_autofree char *credentials = write_aws_file ("credentials",
    "[default]\n"
    "aws_access_key_id = " CRED_ID "\n"
    "aws_secret_access_key = " CRED_SECRET "\n"
    "[dev]\n"
    "aws_access_key_id = AKIDDEVCREDENTIALS01\n"
    "aws_secret_access_key = dev/" SECRET_MARKER "\n"
    "aws_session_token = dev-" TOKEN_MARKER "\n");
  g_autofree char *config = write_aws_file ("config",
    "[default]\n"
    "aws_access_key_id = " CONF_ID "\n"
    "aws_secret_access_key = " CONF_SECRET "\n"
    "[profile dev]\n"
    "aws_access_key_id = AKIDDEVCONFIG0000001\n"
    "aws_secret_access_key = devconf/" SECRET_MARKER "\n"
    "[profile staging]\n"
    "region = eu-west-1\n"
    "aws_access_key_id = AKIDSTAGINGCONFIG001\n"
    "aws_secret_access_key = staging/" SECRET_MARKER "\n"
    "aws_security_token = staging-" TOKEN_MARKER "\n");
}

static void
test_chain_env_beats_files (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  write_both_files ();
  set_env_credentials ();

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
  g_clear_object (&credentials);

  /* AWS_PROFILE does not skip the environment, even when it names a
   * profile that does not exist */
  g_setenv ("AWS_PROFILE", "dev", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
  g_clear_object (&credentials);

  g_setenv ("AWS_PROFILE", "nonexistent", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
}

static void
test_chain_explicit_profile_skips_env (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  write_both_files ();
  set_env_credentials ();

  credentials = s3dlio_credentials_new_from_environment ("dev", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", "AKIDDEVCREDENTIALS01",
                      "dev/" SECRET_MARKER, "dev-" TOKEN_MARKER);
  g_clear_object (&credentials);

  credentials = s3dlio_credentials_new_from_environment ("default", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
  g_clear_object (&credentials);

  /* new_from_profile() never reads the keys from the environment */
  credentials = s3dlio_credentials_new_from_profile (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
  g_clear_object (&credentials);

  g_setenv ("AWS_PROFILE", "staging", TRUE);
  credentials = s3dlio_credentials_new_from_profile (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDSTAGINGCONFIG001",
                      "staging/" SECRET_MARKER, "staging-" TOKEN_MARKER);
}

static void
test_chain_credentials_file_beats_config (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *credentials_path = aws_path ("credentials");

  write_both_files ();

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
  g_clear_object (&credentials);

  /* without the credentials file, the config file */
  g_assert_cmpint (g_unlink (credentials_path), ==, 0);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", CONF_ID, CONF_SECRET, NULL);
  g_clear_object (&credentials);

  credentials = s3dlio_credentials_new_from_environment ("dev", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDDEVCONFIG0000001", "devconf/" SECRET_MARKER, NULL);
}

static void
test_chain_profile_sections (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *unused1 = write_aws_file ("config",
    "[bare]\n"
    "aws_access_key_id = AKIDBARESECTION00001\n"
    "aws_secret_access_key = bare/" SECRET_MARKER "\n"
    "[profile   spaced]\n"
    "aws_access_key_id = AKIDSPACEDPROFILE001\n"
    "aws_secret_access_key = spaced/" SECRET_MARKER "\n"
    "[profile default]\n"
    "aws_access_key_id = AKIDPROFILEDEFAULT01\n"
    "aws_secret_access_key = pd/" SECRET_MARKER "\n");
  g_autofree char *unused2 = write_aws_file ("credentials",
    "[profile inside]\n"
    "aws_access_key_id = AKIDPREFIXEDCREDS001\n"
    "aws_secret_access_key = pi/" SECRET_MARKER "\n");

  /* in the config file, [bare] is not profile "bare" */
  credentials = s3dlio_credentials_new_from_environment ("bare", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  g_clear_error (&error);

  /* in the credentials file, [profile inside] is not profile "inside" */
  credentials = s3dlio_credentials_new_from_environment ("inside", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  g_clear_error (&error);

  credentials = s3dlio_credentials_new_from_environment ("spaced", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDSPACEDPROFILE001", "spaced/" SECRET_MARKER, NULL);
  g_clear_object (&credentials);

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDPROFILEDEFAULT01", "pd/" SECRET_MARKER, NULL);
}

static void
test_chain_aws_profile (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  write_both_files ();

  g_setenv ("AWS_DEFAULT_PROFILE", "staging", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDSTAGINGCONFIG001",
                      "staging/" SECRET_MARKER, "staging-" TOKEN_MARKER);
  g_clear_object (&credentials);

  /* AWS_PROFILE beats AWS_DEFAULT_PROFILE */
  g_setenv ("AWS_PROFILE", "dev", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", "AKIDDEVCREDENTIALS01",
                      "dev/" SECRET_MARKER, "dev-" TOKEN_MARKER);
  g_clear_object (&credentials);

  /* an explicit profile beats both */
  credentials = s3dlio_credentials_new_from_environment ("default", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
}

static void
test_chain_custom_paths (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *credentials_path = g_build_filename (g_get_home_dir (), "custom", "creds", NULL);
  g_autofree char *config_path = g_build_filename (g_get_home_dir (), "custom", "conf", NULL);

  write_both_files ();
  s3dlio_test_write_file (credentials_path,
                          "[default]\naws_access_key_id = AKIDCUSTOMCREDS00001\n"
                          "aws_secret_access_key = cc/" SECRET_MARKER "\n");
  s3dlio_test_write_file (config_path,
                          "[profile other]\naws_access_key_id = AKIDCUSTOMCONFIG0001\n"
                          "aws_secret_access_key = co/" SECRET_MARKER "\n");

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", credentials_path, TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", "AKIDCUSTOMCREDS00001", "cc/" SECRET_MARKER, NULL);
  g_clear_object (&credentials);

  /* ~/.aws/config is no longer read */
  g_setenv ("AWS_CONFIG_FILE", "~/custom/conf", TRUE);
  credentials = s3dlio_credentials_new_from_environment ("staging", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  assert_contains (error->message, config_path);
  assert_contains (error->message, credentials_path);
  g_clear_error (&error);

  credentials = s3dlio_credentials_new_from_environment ("other", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "config-file", "AKIDCUSTOMCONFIG0001", "co/" SECRET_MARKER, NULL);
}

static void
test_chain_not_merged_across_files (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *credentials_path = write_aws_file ("credentials",
                                                      "[split]\naws_access_key_id = " CRED_ID "\n");
  g_autofree char *unused = write_aws_file ("config",
                                            "[profile split]\naws_secret_access_key = " CONF_SECRET "\n");

  credentials = s3dlio_credentials_new_from_environment ("split", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "(split)");
  assert_contains (error->message, credentials_path);
  assert_contains (error->message, "aws_secret_access_key");
  assert_no_secret (error->message);
}

/* ------------------------------------------------------------------ */
/* Errors */

static void
test_error_profile_not_found (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  write_both_files ();

  credentials = s3dlio_credentials_new_from_environment ("missing", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  assert_contains (error->message, "The config profile (missing) could not be found");
  g_clear_error (&error);

  g_setenv ("AWS_PROFILE", "gone", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  assert_contains (error->message, "The config profile (gone) could not be found");
  g_clear_error (&error);

  credentials = s3dlio_credentials_new_from_profile (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
}

static void
test_error_named_default_missing (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  /* naming "default" means it must exist; not naming it does not */
  credentials = s3dlio_credentials_new_from_environment ("default", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_PROFILE_NOT_FOUND);
  g_clear_error (&error);

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
}

static void
test_error_no_credentials (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *credentials_path = aws_path ("credentials");
  g_autofree char *config_path = aws_path ("config");

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
  assert_contains (error->message, "AWS_ACCESS_KEY_ID");
  assert_contains (error->message, "AWS_SECRET_ACCESS_KEY");
  assert_contains (error->message, credentials_path);
  assert_contains (error->message, config_path);
  assert_contains (error->message, "(default)");
  assert_contains (error->message, "--no-sign-request");
  g_clear_error (&error);

  /* a default profile with no keys */
  g_free (write_aws_file ("config", "[default]\nregion = eu-west-1\n"));
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
  g_clear_error (&error);

  /* new_from_profile() does not claim it looked at the environment */
  credentials = s3dlio_credentials_new_from_profile ("default", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NO_CREDENTIALS);
  assert_not_contains (error->message, "the environment");
  assert_contains (error->message, config_path);
}

static void
test_error_missing_secret (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *config_path = write_aws_file ("config",
                                                 "[profile half]\naws_access_key_id = " CONF_ID "\n"
                                                 "aws_secret_access_key =\n"
                                                 "[profile other-half]\naws_secret_access_key = " CONF_SECRET "\n");

  credentials = s3dlio_credentials_new_from_environment ("half", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "(half)");
  assert_contains (error->message, config_path);
  assert_contains (error->message, "but not aws_secret_access_key");
  g_clear_error (&error);

  credentials = s3dlio_credentials_new_from_environment ("other-half", &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, "(other-half)");
  assert_contains (error->message, "but not aws_access_key_id");
  assert_no_secret (error->message);
}

static void
test_error_unsupported (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *const settings[] = {
    "role_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default",
    "credential_process = /usr/bin/get-creds",
    "sso_session = my-sso",
    "sso_start_url = https://example.awsapps.com/start",
    "web_identity_token_file = /var/run/token",
    "credential_source = Ec2InstanceMetadata",
  };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(S3dlioCredentials) credentials = NULL;
      g_autofree char *contents = g_strdup_printf ("[profile fancy]\n%s\n", settings[i]);
      g_autofree char *path = write_aws_file ("config", contents);
      g_autofree char *setting = g_strndup (settings[i], strcspn (settings[i], " "));

      credentials = s3dlio_credentials_new_from_environment ("fancy", &error);
      g_assert_null (credentials);
      g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED);
      assert_contains (error->message, setting);
      assert_contains (error->message, "(fancy)");
      assert_contains (error->message, path);
    }
}

static void
test_unsupported_with_static_keys (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *unused1 = write_aws_file ("config", "[profile both]\ncredential_process = /bin/false\n");
  g_autofree char *unused2 = write_aws_file ("credentials",
                                             "[both]\naws_access_key_id = " CRED_ID "\n"
                                             "aws_secret_access_key = " CRED_SECRET "\n");

  credentials = s3dlio_credentials_new_from_environment ("both", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "shared-credentials-file", CRED_ID, CRED_SECRET, NULL);
}

static void
test_error_unsupported_variables (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;

  g_setenv ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token", TRUE);
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_NOT_SUPPORTED);
  assert_contains (error->message, "AWS_WEB_IDENTITY_TOKEN_FILE");
  g_clear_error (&error);

  /* credentials that are there win */
  set_env_credentials ();
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
}

static void
test_error_malformed_file (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *path = write_aws_file ("credentials",
                                          "[default]\n"
                                          "aws_access_key_id = " CRED_ID "\n"
                                          CRED_SECRET "\n");

  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG);
  assert_contains (error->message, path);
  assert_contains (error->message, ":3:");
  assert_no_secret (error->message);
  g_clear_error (&error);

  /* but keys in the environment do not need the files */
  set_env_credentials ();
  credentials = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "environment", ENV_ID, ENV_SECRET, NULL);
}

/* ------------------------------------------------------------------ */
/* Secrets in logs */

static void
test_debug_log (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioCredentials) from_env = NULL;
  g_autoptr(S3dlioCredentials) from_file = NULL;
  g_autoptr(S3dlioCredentials) from_config = NULL;
  g_autofree char *credentials_path = aws_path ("credentials");

  write_both_files ();
  set_env_credentials ();
  g_setenv ("AWS_SESSION_TOKEN", ENV_TOKEN, TRUE);

  from_env = s3dlio_credentials_new_from_environment (NULL, &error);
  g_assert_no_error (error);
  from_file = s3dlio_credentials_new_from_environment ("dev", &error);
  g_assert_no_error (error);
  from_config = s3dlio_credentials_new_from_environment ("staging", &error);
  g_assert_no_error (error);

  /* the choices were logged, with masked ids; the teardown checks that no
   * secret or token was */
  assert_contains (captured_log->str, "the environment");
  assert_contains (captured_log->str, "AKID…0001");
  assert_contains (captured_log->str, credentials_path);
  assert_contains (captured_log->str, "AKID…LS01");
  assert_contains (captured_log->str, "(staging)");
  assert_not_contains (captured_log->str, ENV_ID);
  assert_not_contains (captured_log->str, "AKIDDEVCREDENTIALS01");
}

int
main (int    argc,
      char **argv)
{
  captured_log = g_string_new (NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  s3dlio_test_init (&argc, &argv);
  g_log_set_default_handler (capture_handler, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/profile-file/parse/basic", test_parse_basic);
  ADD ("/profile-file/parse/comments", test_parse_comments);
  ADD ("/profile-file/parse/line-ends", test_parse_line_ends);
  ADD ("/profile-file/parse/nested", test_parse_nested);
  ADD ("/profile-file/parse/section-names", test_parse_section_names);
  ADD ("/profile-file/parse/default-section", test_parse_default_section);
  ADD ("/profile-file/parse/errors", test_parse_errors);
  ADD ("/profile-file/parse/nul-and-unterminated", test_parse_nul_and_unterminated);
  ADD ("/profile-file/parse/too-large", test_parse_too_large);
  ADD ("/profile-file/load", test_load);
  ADD ("/profile-file/load/unreadable", test_load_unreadable);
  ADD ("/profile-file/shared-config", test_shared_config);
  ADD ("/profile-file/shared-config/profile-default", test_shared_config_profile_default);
  ADD ("/profile-file/shared-config/paths", test_shared_config_paths);

  ADD ("/credentials/explicit", test_explicit);
  ADD ("/credentials/anonymous", test_anonymous);
  ADD ("/credentials/properties", test_properties);
  ADD ("/credentials/properties/not-readable", test_properties_not_readable);
  ADD ("/credentials/properties/id-without-secret", test_id_without_secret);
  ADD ("/credentials/mask", test_mask);

  ADD ("/credentials/env/keys", test_env_keys);
  ADD ("/credentials/env/half-set", test_env_half_set);

  ADD ("/credentials/chain/env-beats-files", test_chain_env_beats_files);
  ADD ("/credentials/chain/explicit-profile-skips-env", test_chain_explicit_profile_skips_env);
  ADD ("/credentials/chain/credentials-file-beats-config", test_chain_credentials_file_beats_config);
  ADD ("/credentials/chain/profile-sections", test_chain_profile_sections);
  ADD ("/credentials/chain/aws-profile", test_chain_aws_profile);
  ADD ("/credentials/chain/custom-paths", test_chain_custom_paths);
  ADD ("/credentials/chain/not-merged-across-files", test_chain_not_merged_across_files);

  ADD ("/credentials/error/profile-not-found", test_error_profile_not_found);
  ADD ("/credentials/error/named-default-missing", test_error_named_default_missing);
  ADD ("/credentials/error/no-credentials", test_error_no_credentials);
  ADD ("/credentials/error/missing-secret", test_error_missing_secret);
  ADD ("/credentials/error/unsupported", test_error_unsupported);
  ADD ("/credentials/error/unsupported-variables", test_error_unsupported_variables);
  ADD ("/credentials/error/malformed-file", test_error_malformed_file);
  ADD ("/credentials/unsupported-with-static-keys", test_unsupported_with_static_keys);

  ADD ("/credentials/debug-log", test_debug_log);

  return g_test_run ();
}
