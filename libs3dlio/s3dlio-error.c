/* s3dlio-error.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <gio/gio.h>

#include "s3dlio-error.h"

G_DEFINE_QUARK (s3dlio-error-quark, s3dlio_error)

/**
 * s3dlio_error_is_retryable:
 * @error: (nullable): an error, or %NULL
 *
 * Tells whether an operation that failed with @error may succeed if it is
 * tried again: throttling, server errors, timeouts and connection failures.
 *
 * Returns: %TRUE if @error is transient
 */
gboolean
s3dlio_error_is_retryable (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == S3DLIO_ERROR)
    {
      switch ((S3dlioError) error->code)
        {
        case S3DLIO_ERROR_THROTTLED:
        case S3DLIO_ERROR_SERVER_ERROR:
        case S3DLIO_ERROR_TIMEOUT:
        case S3DLIO_ERROR_CONNECTION:
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return FALSE;
}
