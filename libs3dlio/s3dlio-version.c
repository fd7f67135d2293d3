/* s3dlio-version.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-version.h"

/**
 * s3dlio_get_major_version:
 *
 * Returns the major version of the library at run time, which may differ
 * from [const@MAJOR_VERSION] if the program was built against other headers.
 *
 * Returns: the major version
 */
guint
s3dlio_get_major_version (void)
{
  return S3DLIO_MAJOR_VERSION;
}

/**
 * s3dlio_get_minor_version:
 *
 * Returns the minor version of the library at run time.
 *
 * Returns: the minor version
 */
guint
s3dlio_get_minor_version (void)
{
  return S3DLIO_MINOR_VERSION;
}

/**
 * s3dlio_get_micro_version:
 *
 * Returns the micro version of the library at run time.
 *
 * Returns: the micro version
 */
guint
s3dlio_get_micro_version (void)
{
  return S3DLIO_MICRO_VERSION;
}

/**
 * s3dlio_check_version:
 * @major: required major version
 * @minor: required minor version
 * @micro: required micro version
 *
 * Run-time counterpart of [func@CHECK_VERSION].
 *
 * Returns: %TRUE if the library is of version @major.@minor.@micro or newer
 */
gboolean
s3dlio_check_version (guint major,
                      guint minor,
                      guint micro)
{
  guint64 have = ((guint64) S3DLIO_MAJOR_VERSION << 40) |
                 ((guint64) S3DLIO_MINOR_VERSION << 20) | S3DLIO_MICRO_VERSION;
  guint64 want = ((guint64) major << 40) | ((guint64) minor << 20) | micro;

  /* Not S3DLIO_CHECK_VERSION(): with a major version of 0 the compiler
   * warns that an unsigned comparison is always false. */
  return minor < (1u << 20) && micro < (1u << 20) && have >= want;
}
