/* fuzz-profile-file.c: the AWS shared config and credentials files
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The input is a file such as ~/.aws/config. It is parsed on its own and
 * looked up, then read again as both the credentials and the config file
 * (from a memfd named by AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE),
 * and the default profile and the first few profiles it defines are
 * resolved into credentials and endpoints, as clients do.
 */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <s3dlio.h>

#include "s3dlio-profile-file-private.h"

#include "fuzz-common.h"

/* Enough to go through the sections; more only costs time. */
#define MAX_PROFILES 4

static const char *const keys[] = {
  "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
  "region", "endpoint_url", "services", "s3", "s3.addressing_style",
  "s3.endpoint_url", "ca_bundle",
};

static GPtrArray *
fuzz_parse (const char *data,
            gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioProfileFile) file = _s3dlio_profile_file_parse (data, size, "fuzz", &error);
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) sections = NULL;

  if (file == NULL)
    {
      /* Errors name the file (and the line). */
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_CONFIG);
      g_assert_true (g_str_has_prefix (error->message, "fuzz"));
      return NULL;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (_s3dlio_profile_file_get_filename (file), ==, "fuzz");

  sections = _s3dlio_profile_file_list_sections (file);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_assert_cmpstr (sections[i], !=, "DEFAULT");
      g_assert_true (g_utf8_validate (sections[i], -1, NULL));
      g_assert_true (i == 0 || strcmp (sections[i - 1], sections[i]) < 0);
      g_assert_true (_s3dlio_profile_file_has_section (file, sections[i]));

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          const char *value = _s3dlio_profile_file_get (file, sections[i], keys[k]);

          if (value != NULL)
            g_assert_true (g_utf8_validate (value, -1, NULL));
        }

      if (profiles->len < MAX_PROFILES)
        g_ptr_array_add (profiles, g_strdup (g_str_has_prefix (sections[i], "profile ")
                                             ? sections[i] + strlen ("profile ")
                                             : sections[i]));
    }
  g_assert_false (_s3dlio_profile_file_has_section (file, "DEFAULT"));

  return g_steal_pointer (&profiles);
}

/* The file both shared files are read from. */
static int
shared_file (void)
{
  static int fd = -2;

  if (fd == -2)
    {
      fd = memfd_create ("s3dlio-fuzz-profile", MFD_CLOEXEC);
      if (fd >= 0)
        {
          g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fd);

          g_setenv ("AWS_SHARED_CREDENTIALS_FILE", path, TRUE);
          g_setenv ("AWS_CONFIG_FILE", path, TRUE);
        }
    }

  return fd;
}

static gboolean
write_shared_file (const char *data,
                   gsize       size)
{
  int fd = shared_file ();

  if (fd < 0)
    return FALSE;

  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  g_assert_cmpint (pwrite (fd, data, size, 0), ==, (gssize) size);
  return TRUE;
}

static void
resolve_profile (const char *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) endpoint_error = NULL;
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;

  credentials = s3dlio_credentials_new_from_profile (profile, &error);
  if (credentials != NULL)
    {
      g_autofree char *description = s3dlio_credentials_to_string (credentials);

      g_assert_no_error (error);
      g_assert_nonnull (s3dlio_credentials_get_access_key_id (credentials));
      g_assert_true (g_utf8_validate (description, -1, NULL));
    }
  else
    fuzz_assert_error (error, -1);

  endpoint = s3dlio_endpoint_new_from_environment (profile, &endpoint_error);
  if (endpoint != NULL)
    {
      g_autofree char *host = s3dlio_endpoint_get_host (endpoint, "bucket");
      g_autofree char *description = s3dlio_endpoint_to_string (endpoint);

      g_assert_no_error (endpoint_error);
      g_assert_nonnull (host);
      g_assert_true (g_utf8_validate (description, -1, NULL));
    }
  else
    fuzz_assert_error (endpoint_error, -1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioSharedConfig) config = NULL;

  fuzz_init ();

  profiles = fuzz_parse ((const char *) data, size);

  if (!write_shared_file ((const char *) data, size))
    return 0;

  /* Read from the file, the input parses just the same. */
  config = _s3dlio_shared_config_load (&error);
  g_assert_true ((config != NULL) == (profiles != NULL));
  if (config == NULL)
    {
      fuzz_assert_error (error, S3DLIO_ERROR_INVALID_CONFIG);
      return 0;
    }

  /* The default profile, as when none is named, then the named ones. */
  resolve_profile (NULL);
  for (guint i = 0; i < profiles->len; i++)
    resolve_profile (g_ptr_array_index (profiles, i));

  return 0;
}
