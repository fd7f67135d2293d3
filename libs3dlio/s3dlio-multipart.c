/* s3dlio-multipart.c: what multipart uploads and multipart copies share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "s3dlio-client-private.h"
#include "s3dlio-error.h"
#include "s3dlio-multipart-private.h"

#define PART_SIZE_ROUNDING (1024 * 1024)

guint64
_s3dlio_multipart_part_size (guint64 size,
                             guint64 part_size)
{
  g_return_val_if_fail (part_size > 0, 0);

  part_size = MIN (part_size, S3DLIO_MULTIPART_MAX_PART_SIZE);
  if (size / part_size + (size % part_size != 0) <= S3DLIO_MULTIPART_MAX_PARTS)
    return part_size;

  part_size = size / S3DLIO_MULTIPART_MAX_PARTS + (size % S3DLIO_MULTIPART_MAX_PARTS != 0);
  part_size = (part_size + PART_SIZE_ROUNDING - 1) / PART_SIZE_ROUNDING * PART_SIZE_ROUNDING;
  if (part_size > S3DLIO_MULTIPART_MAX_PART_SIZE)
    return 0;

  return part_size;
}

S3dlioRequest *
_s3dlio_multipart_create_request (S3dlioClient *client,
                                  const char   *bucket,
                                  const char   *key)
{
  S3dlioRequest *request = _s3dlio_client_new_request (client, "POST", bucket, key);

  s3dlio_request_add_query (request, "uploads", NULL);

  return request;
}

S3dlioRequest *
_s3dlio_multipart_complete_request (S3dlioClient       *client,
                                    const char         *bucket,
                                    const char         *key,
                                    const char         *upload_id,
                                    const char * const *etags,
                                    guint               n_parts)
{
  S3dlioRequest *request = _s3dlio_client_new_request (client, "POST", bucket, key);
  GString *xml = g_string_new ("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  g_autoptr(GBytes) document = NULL;

  for (guint i = 0; i < n_parts; i++)
    {
      g_autofree char *etag = g_markup_escape_text (etags[i], -1);

      g_string_append_printf (xml, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag></Part>",
                              i + 1, etag);
    }
  g_string_append (xml, "</CompleteMultipartUpload>");
  document = g_string_free_to_bytes (xml);

  s3dlio_request_add_query (request, "uploadId", upload_id);
  s3dlio_request_set_header (request, "Content-Type", "application/xml");
  s3dlio_request_set_payload (request, document);

  return request;
}

S3dlioRequest *
_s3dlio_multipart_abort_request (S3dlioClient *client,
                                 const char   *bucket,
                                 const char   *key,
                                 const char   *upload_id)
{
  S3dlioRequest *request = _s3dlio_client_new_request (client, "DELETE", bucket, key);

  s3dlio_request_add_query (request, "uploadId", upload_id);

  return request;
}

void
_s3dlio_multipart_note_abort (GError       **failure,
                              const char    *upload_id,
                              const GError  *abort_error)
{
  GError *original;

  g_return_if_fail (failure != NULL && *failure != NULL);

  if (abort_error == NULL ||
      g_error_matches (abort_error, S3DLIO_ERROR, S3DLIO_ERROR_NO_SUCH_UPLOAD))
    return;

  /* The parts stay (and are billed) until a lifecycle rule or someone
   * else aborts the upload: the error says so. */
  original = *failure;
  *failure = g_error_new (original->domain, original->code,
                          _("%s (and the multipart upload %s could not be aborted: %s)"),
                          original->message, upload_id, abort_error->message);
  g_error_free (original);
}
