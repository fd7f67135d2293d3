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
  return S3DLIO_CHECK_VERSION (major, minor, micro);
}
