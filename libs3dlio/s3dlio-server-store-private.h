/* s3dlio-server-store-private.h: what the loopback S3 server stores
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

#include "s3dlio-error.h"

G_BEGIN_DECLS

/* The S3 errors the loopback server answers with. Store operations fail
 * with these codes in the S3DLIO_S3_ERROR domain, so the server turns them
 * into responses without guessing. */
typedef enum {
  S3DLIO_S3_ERROR_INTERNAL_ERROR,
  S3DLIO_S3_ERROR_ACCESS_DENIED,
  S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED,
  S3DLIO_S3_ERROR_BAD_DIGEST,
  S3DLIO_S3_ERROR_BUCKET_ALREADY_OWNED_BY_YOU,
  S3DLIO_S3_ERROR_BUCKET_NOT_EMPTY,
  S3DLIO_S3_ERROR_ENTITY_TOO_SMALL,
  S3DLIO_S3_ERROR_INVALID_ACCESS_KEY_ID,
  S3DLIO_S3_ERROR_INVALID_ARGUMENT,
  S3DLIO_S3_ERROR_INVALID_BUCKET_NAME,
  S3DLIO_S3_ERROR_INVALID_DIGEST,
  S3DLIO_S3_ERROR_INVALID_PART,
  S3DLIO_S3_ERROR_INVALID_PART_ORDER,
  S3DLIO_S3_ERROR_INVALID_RANGE,
  S3DLIO_S3_ERROR_INVALID_REQUEST,
  S3DLIO_S3_ERROR_INVALID_URI,
  S3DLIO_S3_ERROR_KEY_TOO_LONG,
  S3DLIO_S3_ERROR_MALFORMED_XML,
  S3DLIO_S3_ERROR_NO_SUCH_BUCKET,
  S3DLIO_S3_ERROR_NO_SUCH_KEY,
  S3DLIO_S3_ERROR_NO_SUCH_UPLOAD,
  S3DLIO_S3_ERROR_NOT_IMPLEMENTED,
  S3DLIO_S3_ERROR_PRECONDITION_FAILED,
  S3DLIO_S3_ERROR_REQUEST_TIME_TOO_SKEWED,
  S3DLIO_S3_ERROR_SIGNATURE_DOES_NOT_MATCH,
  S3DLIO_S3_ERROR_CONTENT_SHA256_MISMATCH,
} S3dlioS3Error;

#define S3DLIO_S3_ERROR (_s3dlio_s3_error_quark ())

GQuark       _s3dlio_s3_error_quark      (void);
/* "NoSuchKey" for S3DLIO_S3_ERROR_NO_SUCH_KEY, and so on. */
const char  *_s3dlio_s3_error_get_code   (S3dlioS3Error code);
guint        _s3dlio_s3_error_get_status (S3dlioS3Error code);
/* The S3DLIO_ERROR code a client would map the S3 error to, for the
 * server's public seeding functions. */
S3dlioError  _s3dlio_s3_error_to_public  (S3dlioS3Error code);

/* One stored object, shared by reference (g_atomic_rc_box): a GET holds it
 * while libsoup writes @data, even if the object is replaced meanwhile. */
typedef struct {
  GBytes     *data;           /* NULL when only the metadata was asked for */
  guint64     size;
  char       *etag;           /* quoted, as in the ETag header */
  gint64      last_modified;  /* Unix time, microseconds */
  char       *content_type;
  GHashTable *metadata;       /* x-amz-meta-NAME (lowercase NAME) -> value */
} S3dlioServerObject;

S3dlioServerObject *_s3dlio_server_object_ref   (S3dlioServerObject *object);
void                _s3dlio_server_object_unref (S3dlioServerObject *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioServerObject, _s3dlio_server_object_unref)

typedef struct {
  char   *name;
  gint64  created;            /* Unix time, microseconds */
} S3dlioServerBucket;

typedef struct {
  char   *key;
  char   *upload_id;
  gint64  initiated;          /* Unix time, microseconds */
} S3dlioServerUpload;

typedef struct {
  guint   part_number;
  char   *etag;               /* as the client sent it, quotes optional */
} S3dlioServerPart;

/* Called for each key in UTF-8 binary order; @object has no data. Return
 * FALSE to stop. */
typedef gboolean (*S3dlioServerListFunc) (const char         *key,
                                          S3dlioServerObject *object,
                                          gpointer            user_data);

typedef struct _S3dlioServerStore S3dlioServerStore;

/* Both stores are safe to use from any thread. */
S3dlioServerStore  *_s3dlio_server_store_new_memory    (void);
S3dlioServerStore  *_s3dlio_server_store_new_directory (const char          *root,
                                                        GError             **error);
void                _s3dlio_server_store_free          (S3dlioServerStore   *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioServerStore, _s3dlio_server_store_free)

gboolean            _s3dlio_server_bucket_name_is_valid (const char         *name);
/* Checks that @key may be stored: length, UTF-8 and, for a directory
 * store, that it maps to a path below the bucket. */
gboolean            _s3dlio_server_store_check_key     (S3dlioServerStore   *store,
                                                        const char          *key,
                                                        GError             **error);

GPtrArray          *_s3dlio_server_store_list_buckets  (S3dlioServerStore   *store);
gboolean            _s3dlio_server_store_has_bucket    (S3dlioServerStore   *store,
                                                        const char          *bucket);
gboolean            _s3dlio_server_store_create_bucket (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        GError             **error);
gboolean            _s3dlio_server_store_delete_bucket (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        GError             **error);

/* Lists the keys that start with @prefix and sort after @start_after (both
 * nullable). */
gboolean            _s3dlio_server_store_list_objects  (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *prefix,
                                                        const char          *start_after,
                                                        S3dlioServerListFunc func,
                                                        gpointer             user_data,
                                                        GError             **error);
S3dlioServerObject *_s3dlio_server_store_get_object    (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        gboolean             with_data,
                                                        GError             **error);
/* Stores @data; @etag is computed (MD5, or size and mtime in a directory
 * store, which ignores @etag, @content_type and @metadata) when NULL.
 * Returns the stored object, whose data may be NULL. */
S3dlioServerObject *_s3dlio_server_store_put_object    (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        GBytes              *data,
                                                        const char          *content_type,
                                                        GHashTable          *metadata,
                                                        const char          *etag,
                                                        GError             **error);
/* Succeeds when the key does not exist, like S3. */
gboolean            _s3dlio_server_store_delete_object (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        GError             **error);

/* Multipart uploads are kept in memory whatever the store. */
char               *_s3dlio_server_store_create_upload (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        const char          *content_type,
                                                        GHashTable          *metadata,
                                                        GError             **error);
/* Returns the part's quoted ETag. */
char               *_s3dlio_server_store_upload_part   (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        const char          *upload_id,
                                                        guint                part_number,
                                                        GBytes              *data,
                                                        GError             **error);
/* @parts is an array of S3dlioServerPart. */
S3dlioServerObject *_s3dlio_server_store_complete_upload (S3dlioServerStore *store,
                                                          const char        *bucket,
                                                          const char        *key,
                                                          const char        *upload_id,
                                                          GArray            *parts,
                                                          guint64            min_part_size,
                                                          GError           **error);
gboolean            _s3dlio_server_store_abort_upload  (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *key,
                                                        const char          *upload_id,
                                                        GError             **error);
/* An array of S3dlioServerUpload sorted by key, then initiation time. */
GPtrArray          *_s3dlio_server_store_list_uploads  (S3dlioServerStore   *store,
                                                        const char          *bucket,
                                                        const char          *prefix);
guint               _s3dlio_server_store_count_uploads (S3dlioServerStore   *store,
                                                        const char          *bucket);

G_END_DECLS
