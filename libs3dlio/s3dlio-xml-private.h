/* s3dlio-xml-private.h: parsers for the XML documents S3 sends
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

#include "s3dlio-bucket-info.h"
#include "s3dlio-object-info.h"

G_BEGIN_DECLS

/* Documents nested deeper than this (the document element is level 1) are
 * rejected: no S3 document goes beyond 5. */
#define S3DLIO_XML_MAX_DEPTH 32

/*
 * The shared reader.
 *
 * Every parser below is a small state machine fed by one reader built on
 * GMarkup. Element names are matched by their local name (any `prefix:` is
 * dropped, attributes such as `xmlns` are ignored), and each element is
 * named by its path below the document element: "" for the document element
 * itself, "Contents" for a child, "Contents/Owner/ID" further down. Unknown
 * elements are simply reported like the others, so handlers ignore what they
 * do not know.
 *
 * @open is called when an element starts, @leaf when an element that had no
 * child element ends, with its text (entities and character references
 * resolved, white space kept, "" for an empty element), and @close when any
 * element ends, after @leaf. Each may be %NULL. A callback that fails must
 * set @error (normally %S3DLIO_ERROR_MALFORMED_RESPONSE).
 *
 * @roots is a %NULL-terminated list of accepted document element names, or
 * %NULL to accept any. With @error_root, an `<Error>` document element is
 * accepted as well, but then no callback is made: the caller sees "Error" in
 * @out_root and turns the body into an error (S3 may answer 200 with an
 * <Error> body on CompleteMultipartUpload and CopyObject).
 */
typedef gboolean (*S3dlioXmlElementFunc) (const char  *path,
                                          gpointer     user_data,
                                          GError     **error);
typedef gboolean (*S3dlioXmlLeafFunc)    (const char  *path,
                                          const char  *text,
                                          gpointer     user_data,
                                          GError     **error);

typedef struct {
  const char *const     *roots;
  gboolean               error_root;
  S3dlioXmlElementFunc   open;
  S3dlioXmlLeafFunc      leaf;
  S3dlioXmlElementFunc   close;
} S3dlioXmlHandler;

/* Parses @len bytes at @data (not NUL-terminated; %NULL if @len is 0).
 * Fails with %S3DLIO_ERROR_MALFORMED_RESPONSE for an empty body, XML that is
 * not well-formed or is truncated, NUL bytes, a document element not in
 * @roots, a second document element, or nesting deeper than
 * %S3DLIO_XML_MAX_DEPTH; or with whatever error a callback set. On success,
 * @out_root (optional) receives the local name of the document element. */
gboolean _s3dlio_xml_parse (const char             *data,
                            gsize                   len,
                            const S3dlioXmlHandler *handler,
                            gpointer                user_data,
                            char                  **out_root,
                            GError                **error);

/*
 * Error documents: <Error><Code/><Message/>…</Error>
 */
typedef struct {
  char *code;          /* NoSuchKey */
  char *message;
  char *request_id;
  char *host_id;
  char *resource;
  char *region;        /* AuthorizationHeaderMalformed and redirects */
  char *endpoint;      /* PermanentRedirect, TemporaryRedirect */
  char *bucket;        /* <BucketName> or <Bucket> */
  char *key;
} S3dlioS3ErrorInfo;

void     _s3dlio_s3_error_info_clear (S3dlioS3ErrorInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S3dlioS3ErrorInfo, _s3dlio_s3_error_info_clear)

/* Fills @info (which must be zeroed or cleared) from an <Error> document.
 * The texts are kept verbatim: sanitise them before showing them. */
gboolean _s3dlio_xml_parse_error (const char         *data,
                                  gsize               len,
                                  S3dlioS3ErrorInfo  *info,
                                  GError            **error);

/*
 * The success parsers below return a new result, or %NULL with @error set.
 * An <Error> document in place of the expected one (S3 sends those with a
 * 200 status) gives the S3 error mapped by _s3dlio_error_from_response().
 * Strings are %NULL when their element is absent and "" when it is empty;
 * numbers are 0 when absent.
 */

/* ListObjectsV2 and ListObjects (v1): <ListBucketResult>.
 *
 * With <EncodingType>url</EncodingType>, Prefix, Delimiter, StartAfter,
 * Marker, NextMarker, Contents/Key and CommonPrefixes/Prefix are decoded like
 * Python's unquote_plus (`+` is a space); the continuation tokens never are.
 * A malformed escape, an encoded NUL or invalid UTF-8 is an error. */
typedef struct {
  char      *bucket;                   /* <Name> */
  char      *prefix;
  char      *delimiter;
  char      *start_after;
  char      *encoding_type;
  char      *continuation_token;
  char      *next_continuation_token;
  char      *marker;                   /* v1 */
  char      *next_marker;              /* v1 */
  gboolean   is_truncated;
  guint      key_count;
  guint      max_keys;
  GPtrArray *objects;                  /* S3dlioObjectInfo, never NULL */
  GPtrArray *common_prefixes;          /* S3dlioObjectInfo with is-prefix, never NULL */
} S3dlioListPage;

void            _s3dlio_list_page_free         (S3dlioListPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioListPage, _s3dlio_list_page_free)

S3dlioListPage *_s3dlio_xml_parse_list_objects (const char  *data,
                                                gsize        len,
                                                GError     **error);

/* ListBuckets: <ListAllMyBucketsResult>. */
typedef struct {
  GPtrArray *buckets;                  /* S3dlioBucketInfo, never NULL */
  char      *continuation_token;
  char      *prefix;
  char      *owner_id;
  char      *owner_display_name;
} S3dlioBucketList;

void              _s3dlio_bucket_list_free        (S3dlioBucketList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioBucketList, _s3dlio_bucket_list_free)

S3dlioBucketList *_s3dlio_xml_parse_list_buckets  (const char  *data,
                                                   gsize        len,
                                                   GError     **error);

/* CreateMultipartUpload (<InitiateMultipartUploadResult>: bucket, key,
 * upload_id), and one <Upload> of ListMultipartUploads (key, upload_id,
 * initiated, storage_class). */
typedef struct {
  char      *bucket;
  char      *key;
  char      *upload_id;
  GDateTime *initiated;
  char      *storage_class;
} S3dlioMultipartUpload;

void                   _s3dlio_multipart_upload_free (S3dlioMultipartUpload *upload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioMultipartUpload, _s3dlio_multipart_upload_free)

/* Fails unless the document has a non-empty <UploadId>. */
S3dlioMultipartUpload *_s3dlio_xml_parse_initiate_multipart_upload (const char  *data,
                                                                    gsize        len,
                                                                    GError     **error);

/* CompleteMultipartUpload: <CompleteMultipartUploadResult>. */
typedef struct {
  char *location;
  char *bucket;
  char *key;
  char *etag;                          /* as sent, with its quotes */
} S3dlioCompleteMultipartUploadResult;

void _s3dlio_complete_multipart_upload_result_free (S3dlioCompleteMultipartUploadResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioCompleteMultipartUploadResult, _s3dlio_complete_multipart_upload_result_free)

S3dlioCompleteMultipartUploadResult *_s3dlio_xml_parse_complete_multipart_upload (const char  *data,
                                                                                  gsize        len,
                                                                                  GError     **error);

/* CopyObject (<CopyObjectResult>) and UploadPartCopy (<CopyPartResult>). */
typedef struct {
  char      *etag;
  GDateTime *last_modified;
} S3dlioCopyResult;

void              _s3dlio_copy_result_free   (S3dlioCopyResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioCopyResult, _s3dlio_copy_result_free)

S3dlioCopyResult *_s3dlio_xml_parse_copy_result (const char  *data,
                                                 gsize        len,
                                                 GError     **error);

/* DeleteObjects: <DeleteResult> with <Deleted> and <Error> entries. */
typedef struct {
  char *key;
  char *version_id;
  char *code;                          /* S3 error code, e.g. AccessDenied */
  char *message;
} S3dlioDeleteError;

typedef struct {
  GPtrArray *deleted;                  /* char *, keys; never NULL */
  GPtrArray *errors;                   /* S3dlioDeleteError; never NULL */
} S3dlioDeleteResult;

void                _s3dlio_delete_result_free       (S3dlioDeleteResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioDeleteResult, _s3dlio_delete_result_free)

S3dlioDeleteResult *_s3dlio_xml_parse_delete_result  (const char  *data,
                                                      gsize        len,
                                                      GError     **error);

/* ListParts: <ListPartsResult>. */
typedef struct {
  guint      part_number;
  char      *etag;
  guint64    size;
  GDateTime *last_modified;
} S3dlioPartInfo;

typedef struct {
  char      *bucket;
  char      *key;
  char      *upload_id;
  guint      part_number_marker;
  guint      next_part_number_marker;
  guint      max_parts;
  gboolean   is_truncated;
  GPtrArray *parts;                    /* S3dlioPartInfo; never NULL */
} S3dlioListPartsResult;

void                   _s3dlio_list_parts_result_free (S3dlioListPartsResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioListPartsResult, _s3dlio_list_parts_result_free)

S3dlioListPartsResult *_s3dlio_xml_parse_list_parts   (const char  *data,
                                                       gsize        len,
                                                       GError     **error);

/* ListMultipartUploads: <ListMultipartUploadsResult>. With
 * <EncodingType>url</EncodingType>, Prefix, Delimiter, KeyMarker,
 * NextKeyMarker, Upload/Key and CommonPrefixes/Prefix are decoded. */
typedef struct {
  char      *bucket;
  char      *prefix;
  char      *delimiter;
  char      *encoding_type;
  char      *key_marker;
  char      *upload_id_marker;
  char      *next_key_marker;
  char      *next_upload_id_marker;
  guint      max_uploads;
  gboolean   is_truncated;
  GPtrArray *uploads;                  /* S3dlioMultipartUpload; never NULL */
  GPtrArray *common_prefixes;          /* char *; never NULL */
} S3dlioListUploadsResult;

void                     _s3dlio_list_uploads_result_free (S3dlioListUploadsResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioListUploadsResult, _s3dlio_list_uploads_result_free)

S3dlioListUploadsResult *_s3dlio_xml_parse_list_uploads   (const char  *data,
                                                           gsize        len,
                                                           GError     **error);

G_END_DECLS
