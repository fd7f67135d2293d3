/* s3dlio-server-store.c: the buckets and objects of the loopback S3 server
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Two stores share one interface:
 *
 * - in memory: a hash table of buckets, each a GTree of keys (sorted in
 *   UTF-8 binary order, as S3 lists them) to S3dlioServerObject. Any key S3
 *   accepts can be stored. The ETag is the quoted hex MD5 of the content, or
 *   "MD5-of-part-MD5s-N" for multipart uploads, like S3's.
 *
 * - a directory: each subdirectory of the root whose name is a valid bucket
 *   name is a bucket and each regular file below it an object, its key the
 *   path relative to the bucket. Keys that cannot map safely to a path
 *   (empty, "." or ".." segments, a leading or trailing "/") are refused.
 *   GET maps the file (GMappedFile) instead of reading it; PUT writes a
 *   temporary file next to the target and renames it, so a GET in progress
 *   keeps the old content. The ETag is made from the mtime and the size, like
 *   nginx's, to avoid hashing big files. Content-Type and x-amz-meta-*
 *   metadata are not kept: every object is binary/octet-stream without
 *   metadata.
 *
 * Multipart uploads in progress are kept in memory in both cases.
 */
#define G_LOG_DOMAIN "s3dlio-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "s3dlio-server-store-private.h"

#define MAX_KEY_LENGTH 1024
#define MAX_SEGMENT_LENGTH 255
#define MAX_PART_NUMBER 10000
#define DEFAULT_CONTENT_TYPE "binary/octet-stream"
/* Temporary files of a directory store start with this, and are hidden. */
#define TEMP_PREFIX ".s3dlio-tmp-"

/* {{{ Errors */

G_DEFINE_QUARK (s3dlio-s3-error-quark, _s3dlio_s3_error)

static const struct {
  const char  *code;
  guint        status;
  S3dlioError  public_code;
} s3_errors[] = {
  [S3DLIO_S3_ERROR_INTERNAL_ERROR] = { "InternalError", 500, S3DLIO_ERROR_SERVER_ERROR },
  [S3DLIO_S3_ERROR_ACCESS_DENIED] = { "AccessDenied", 403, S3DLIO_ERROR_ACCESS_DENIED },
  [S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED] = { "AuthorizationHeaderMalformed", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_BAD_DIGEST] = { "BadDigest", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_BUCKET_ALREADY_OWNED_BY_YOU] = { "BucketAlreadyOwnedByYou", 409, S3DLIO_ERROR_BUCKET_EXISTS },
  [S3DLIO_S3_ERROR_BUCKET_NOT_EMPTY] = { "BucketNotEmpty", 409, S3DLIO_ERROR_BUCKET_NOT_EMPTY },
  [S3DLIO_S3_ERROR_ENTITY_TOO_SMALL] = { "EntityTooSmall", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_INVALID_ACCESS_KEY_ID] = { "InvalidAccessKeyId", 403, S3DLIO_ERROR_INVALID_ACCESS_KEY },
  [S3DLIO_S3_ERROR_INVALID_ARGUMENT] = { "InvalidArgument", 400, S3DLIO_ERROR_INVALID_ARGUMENT },
  [S3DLIO_S3_ERROR_INVALID_BUCKET_NAME] = { "InvalidBucketName", 400, S3DLIO_ERROR_INVALID_URI },
  [S3DLIO_S3_ERROR_INVALID_DIGEST] = { "InvalidDigest", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_INVALID_PART] = { "InvalidPart", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_INVALID_PART_ORDER] = { "InvalidPartOrder", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_INVALID_RANGE] = { "InvalidRange", 416, S3DLIO_ERROR_INVALID_RANGE },
  [S3DLIO_S3_ERROR_INVALID_REQUEST] = { "InvalidRequest", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_INVALID_URI] = { "InvalidURI", 400, S3DLIO_ERROR_INVALID_URI },
  [S3DLIO_S3_ERROR_KEY_TOO_LONG] = { "KeyTooLongError", 400, S3DLIO_ERROR_INVALID_ARGUMENT },
  [S3DLIO_S3_ERROR_MALFORMED_XML] = { "MalformedXML", 400, S3DLIO_ERROR_BAD_REQUEST },
  [S3DLIO_S3_ERROR_NO_SUCH_BUCKET] = { "NoSuchBucket", 404, S3DLIO_ERROR_NO_SUCH_BUCKET },
  [S3DLIO_S3_ERROR_NO_SUCH_KEY] = { "NoSuchKey", 404, S3DLIO_ERROR_NO_SUCH_KEY },
  [S3DLIO_S3_ERROR_NO_SUCH_UPLOAD] = { "NoSuchUpload", 404, S3DLIO_ERROR_NO_SUCH_UPLOAD },
  [S3DLIO_S3_ERROR_NOT_IMPLEMENTED] = { "NotImplemented", 501, S3DLIO_ERROR_NOT_SUPPORTED },
  [S3DLIO_S3_ERROR_PRECONDITION_FAILED] = { "PreconditionFailed", 412, S3DLIO_ERROR_PRECONDITION_FAILED },
  [S3DLIO_S3_ERROR_REQUEST_TIME_TOO_SKEWED] = { "RequestTimeTooSkewed", 403, S3DLIO_ERROR_CLOCK_SKEW },
  [S3DLIO_S3_ERROR_SIGNATURE_DOES_NOT_MATCH] = { "SignatureDoesNotMatch", 403, S3DLIO_ERROR_SIGNATURE_MISMATCH },
  [S3DLIO_S3_ERROR_CONTENT_SHA256_MISMATCH] = { "XAmzContentSHA256Mismatch", 400, S3DLIO_ERROR_BAD_REQUEST },
};

const char *
_s3dlio_s3_error_get_code (S3dlioS3Error code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (s3_errors), "InternalError");

  return s3_errors[code].code;
}

guint
_s3dlio_s3_error_get_status (S3dlioS3Error code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (s3_errors), 500);

  return s3_errors[code].status;
}

S3dlioError
_s3dlio_s3_error_to_public (S3dlioS3Error code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (s3_errors), S3DLIO_ERROR_FAILED);

  return s3_errors[code].public_code;
}

static void
set_no_such_bucket (GError     **error,
                    const char  *bucket)
{
  g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_NO_SUCH_BUCKET,
               "The specified bucket does not exist: %s", bucket);
}

static void
set_no_such_key (GError     **error,
                 const char  *bucket,
                 const char  *key)
{
  g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_NO_SUCH_KEY,
               "The specified key does not exist: %s/%s", bucket, key);
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INTERNAL_ERROR,
               "Cannot %s %s: %s", what, path, g_strerror (saved_errno));
}

/* }}} */
/* {{{ Objects */

static void
server_object_clear (gpointer data)
{
  S3dlioServerObject *object = data;

  g_clear_pointer (&object->data, g_bytes_unref);
  g_clear_pointer (&object->etag, g_free);
  g_clear_pointer (&object->content_type, g_free);
  g_clear_pointer (&object->metadata, g_hash_table_unref);
}

S3dlioServerObject *
_s3dlio_server_object_ref (S3dlioServerObject *object)
{
  return g_atomic_rc_box_acquire (object);
}

void
_s3dlio_server_object_unref (S3dlioServerObject *object)
{
  g_atomic_rc_box_release_full (object, server_object_clear);
}

static GHashTable *
metadata_copy (GHashTable *metadata)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer name, value;

  if (metadata != NULL)
    {
      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (copy, g_strdup (name), g_strdup (value));
    }

  return copy;
}

static S3dlioServerObject *
server_object_new (GBytes     *data,
                   guint64     size,
                   char       *etag,
                   gint64      last_modified,
                   const char *content_type,
                   GHashTable *metadata)
{
  S3dlioServerObject *object = g_atomic_rc_box_new0 (S3dlioServerObject);

  object->data = data ? g_bytes_ref (data) : NULL;
  object->size = size;
  object->etag = etag;
  object->last_modified = last_modified;
  object->content_type = g_strdup (content_type ? content_type : DEFAULT_CONTENT_TYPE);
  object->metadata = metadata_copy (metadata);

  return object;
}

static char *
md5_etag (GBytes *data)
{
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, data);

  return g_strdup_printf ("\"%s\"", hex);
}

/* Compares ETags the way S3 does for parts: quotes are optional. */
static gboolean
etag_equal (const char *a,
            const char *b)
{
  gsize la, lb;

  if (*a == '"')
    a++;
  if (*b == '"')
    b++;
  la = strlen (a);
  lb = strlen (b);
  if (la > 0 && a[la - 1] == '"')
    la--;
  if (lb > 0 && b[lb - 1] == '"')
    lb--;

  return la == lb && g_ascii_strncasecmp (a, b, la) == 0;
}

/* }}} */
/* {{{ Names */

static gboolean
is_ipv4_address (const char *name)
{
  guint dots = 0;

  for (const char *p = name; *p; p++)
    {
      if (*p == '.')
        dots++;
      else if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return dots == 3;
}

gboolean
_s3dlio_server_bucket_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;

  len = strlen (name);
  if (len < 3 || len > 63)
    return FALSE;
  if (!g_ascii_islower (name[0]) && !g_ascii_isdigit (name[0]))
    return FALSE;
  if (!g_ascii_islower (name[len - 1]) && !g_ascii_isdigit (name[len - 1]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '-')
      return FALSE;
  if (strstr (name, "..") != NULL)
    return FALSE;
  if (is_ipv4_address (name))
    return FALSE;

  return TRUE;
}

/* Whether @path, relative and "/"-separated, maps to a path below its base
 * directory: no empty, "." or ".." segment, no temporary file name. */
static gboolean
is_safe_relative_path (const char  *path,
                       const char **why)
{
  const char *segment = path;

  if (*path == '\0')
    {
      *why = "it is empty";
      return FALSE;
    }

  while (TRUE)
    {
      const char *end = strchr (segment, '/');
      gsize len = end ? (gsize) (end - segment) : strlen (segment);

      if (len == 0)
        {
          *why = "it has an empty path segment (a leading, trailing or double \"/\")";
          return FALSE;
        }
      if ((len == 1 && segment[0] == '.') ||
          (len == 2 && segment[0] == '.' && segment[1] == '.'))
        {
          *why = "it has a \".\" or \"..\" path segment";
          return FALSE;
        }
      if (len > MAX_SEGMENT_LENGTH)
        {
          *why = "a path segment is longer than 255 bytes";
          return FALSE;
        }
      if (len >= strlen (TEMP_PREFIX) && strncmp (segment, TEMP_PREFIX, strlen (TEMP_PREFIX)) == 0)
        {
          *why = "a path segment starts with " TEMP_PREFIX;
          return FALSE;
        }
      if (end == NULL)
        return TRUE;
      segment = end + 1;
    }
}

/* }}} */
/* {{{ The store */

typedef struct {
  char   *name;
  gint64  created;
  GTree  *objects;   /* key -> S3dlioServerObject */
} MemoryBucket;

typedef struct {
  GBytes *data;
  guint8  md5[16];
  char   *etag;
} UploadPart;

typedef struct {
  char       *bucket;
  char       *key;
  char       *upload_id;
  gint64      initiated;
  char       *content_type;
  GHashTable *metadata;
  GHashTable *parts;   /* part number -> UploadPart */
} Upload;

struct _S3dlioServerStore
{
  GMutex      lock;
  char       *root;      /* NULL: in memory */
  GHashTable *buckets;   /* in memory: name -> MemoryBucket */
  GHashTable *uploads;   /* upload id -> Upload */
};

static void
memory_bucket_free (gpointer data)
{
  MemoryBucket *bucket = data;

  g_free (bucket->name);
  g_tree_unref (bucket->objects);
  g_free (bucket);
}

static void
upload_part_free (gpointer data)
{
  UploadPart *part = data;

  g_bytes_unref (part->data);
  g_free (part->etag);
  g_free (part);
}

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  g_free (upload->bucket);
  g_free (upload->key);
  g_free (upload->upload_id);
  g_free (upload->content_type);
  g_clear_pointer (&upload->metadata, g_hash_table_unref);
  g_hash_table_unref (upload->parts);
  g_free (upload);
}

static S3dlioServerStore *
store_new (char *root)
{
  S3dlioServerStore *store = g_new0 (S3dlioServerStore, 1);

  g_mutex_init (&store->lock);
  store->root = root;
  store->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, memory_bucket_free);
  store->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, upload_free);

  return store;
}

S3dlioServerStore *
_s3dlio_server_store_new_memory (void)
{
  return store_new (NULL);
}

S3dlioServerStore *
_s3dlio_server_store_new_directory (const char  *root,
                                    GError     **error)
{
  g_return_val_if_fail (root != NULL, NULL);

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "The root directory %s does not exist or is not a directory", root);
      return NULL;
    }

  return store_new (g_canonicalize_filename (root, NULL));
}

void
_s3dlio_server_store_free (S3dlioServerStore *store)
{
  if (store == NULL)
    return;

  g_hash_table_unref (store->buckets);
  g_hash_table_unref (store->uploads);
  g_free (store->root);
  g_mutex_clear (&store->lock);
  g_free (store);
}

gboolean
_s3dlio_server_store_check_key (S3dlioServerStore  *store,
                                const char         *key,
                                GError            **error)
{
  const char *why = NULL;

  if (key == NULL || *key == '\0')
    {
      g_set_error_literal (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                           "The object key is empty");
      return FALSE;
    }
  if (strlen (key) > MAX_KEY_LENGTH)
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_KEY_TOO_LONG,
                   "Your key is too long: %zu bytes, the maximum is %d", strlen (key), MAX_KEY_LENGTH);
      return FALSE;
    }
  if (!g_utf8_validate (key, -1, NULL))
    {
      g_set_error_literal (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                           "The object key is not valid UTF-8");
      return FALSE;
    }
  if (store->root != NULL && !is_safe_relative_path (key, &why))
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "The key %s cannot be stored in a directory: %s", key, why);
      return FALSE;
    }

  return TRUE;
}

/* }}} */
/* {{{ In memory */

/* UTF-8 binary order, as S3 lists keys: strcmp() compares unsigned bytes. */
static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return strcmp (a, b);
}

static MemoryBucket *
memory_lookup_bucket (S3dlioServerStore  *store,
                      const char         *bucket,
                      GError            **error)
{
  MemoryBucket *found = g_hash_table_lookup (store->buckets, bucket);

  if (found == NULL)
    set_no_such_bucket (error, bucket);

  return found;
}

static GPtrArray *
memory_list_buckets (S3dlioServerStore *store)
{
  GPtrArray *buckets = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, store->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MemoryBucket *bucket = value;
      S3dlioServerBucket *info = g_new0 (S3dlioServerBucket, 1);

      info->name = g_strdup (bucket->name);
      info->created = bucket->created;
      g_ptr_array_add (buckets, info);
    }

  return buckets;
}

static gboolean
memory_create_bucket (S3dlioServerStore  *store,
                      const char         *name,
                      GError            **error)
{
  MemoryBucket *bucket;

  if (g_hash_table_contains (store->buckets, name))
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_BUCKET_ALREADY_OWNED_BY_YOU,
                   "Your previous request to create the named bucket succeeded and you already own it: %s",
                   name);
      return FALSE;
    }

  bucket = g_new0 (MemoryBucket, 1);
  bucket->name = g_strdup (name);
  bucket->created = g_get_real_time ();
  bucket->objects = g_tree_new_full (compare_keys, NULL, g_free,
                                     (GDestroyNotify) _s3dlio_server_object_unref);
  g_hash_table_insert (store->buckets, bucket->name, bucket);

  return TRUE;
}

static gboolean
memory_delete_bucket (S3dlioServerStore  *store,
                      const char         *name,
                      GError            **error)
{
  MemoryBucket *bucket = memory_lookup_bucket (store, name, error);

  if (bucket == NULL)
    return FALSE;
  if (g_tree_nnodes (bucket->objects) > 0)
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_BUCKET_NOT_EMPTY,
                   "The bucket you tried to delete is not empty: %s", name);
      return FALSE;
    }

  g_hash_table_remove (store->buckets, name);
  return TRUE;
}

static gboolean
memory_list_objects (S3dlioServerStore     *store,
                     const char            *bucket_name,
                     const char            *prefix,
                     const char            *start_after,
                     S3dlioServerListFunc   func,
                     gpointer               user_data,
                     GError               **error)
{
  MemoryBucket *bucket = memory_lookup_bucket (store, bucket_name, error);
  const char *from;
  GTreeNode *node;

  if (bucket == NULL)
    return FALSE;

  from = prefix;
  if (start_after != NULL && strcmp (start_after, from) > 0)
    from = start_after;

  for (node = g_tree_lower_bound (bucket->objects, from); node != NULL; node = g_tree_node_next (node))
    {
      const char *key = g_tree_node_key (node);

      if (!g_str_has_prefix (key, prefix))
        break;
      if (start_after != NULL && strcmp (key, start_after) <= 0)
        continue;
      if (!func (key, g_tree_node_value (node), user_data))
        break;
    }

  return TRUE;
}

static S3dlioServerObject *
memory_get_object (S3dlioServerStore  *store,
                   const char         *bucket_name,
                   const char         *key,
                   GError            **error)
{
  MemoryBucket *bucket = memory_lookup_bucket (store, bucket_name, error);
  S3dlioServerObject *object;

  if (bucket == NULL)
    return NULL;

  object = g_tree_lookup (bucket->objects, key);
  if (object == NULL)
    {
      set_no_such_key (error, bucket_name, key);
      return NULL;
    }

  return _s3dlio_server_object_ref (object);
}

static S3dlioServerObject *
memory_put_object (S3dlioServerStore  *store,
                   const char         *bucket_name,
                   const char         *key,
                   GBytes             *data,
                   const char         *content_type,
                   GHashTable         *metadata,
                   const char         *etag,
                   GError            **error)
{
  MemoryBucket *bucket = memory_lookup_bucket (store, bucket_name, error);
  S3dlioServerObject *object;

  if (bucket == NULL)
    return NULL;

  object = server_object_new (data, g_bytes_get_size (data),
                              etag ? g_strdup (etag) : md5_etag (data),
                              g_get_real_time (), content_type, metadata);
  g_tree_replace (bucket->objects, g_strdup (key), object);

  return _s3dlio_server_object_ref (object);
}

static gboolean
memory_delete_object (S3dlioServerStore  *store,
                      const char         *bucket_name,
                      const char         *key,
                      GError            **error)
{
  MemoryBucket *bucket = memory_lookup_bucket (store, bucket_name, error);

  if (bucket == NULL)
    return FALSE;

  g_tree_remove (bucket->objects, key);
  return TRUE;
}

/* }}} */
/* {{{ In a directory */

static char *
directory_bucket_path (S3dlioServerStore  *store,
                       const char         *bucket,
                       GError            **error)
{
  g_autofree char *path = NULL;

  /* An invalid name could be "..": never let it reach the file system. */
  if (!_s3dlio_server_bucket_name_is_valid (bucket))
    {
      set_no_such_bucket (error, bucket);
      return NULL;
    }

  path = g_build_filename (store->root, bucket, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      set_no_such_bucket (error, bucket);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static char *
directory_object_etag (const struct stat *st)
{
  gint64 mtime_usec = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;

  return g_strdup_printf ("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x\"",
                          mtime_usec, (gint64) st->st_size);
}

static S3dlioServerObject *
directory_object_new (const struct stat *st,
                      GBytes            *data)
{
  gint64 mtime_usec = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;

  return server_object_new (data, st->st_size, directory_object_etag (st), mtime_usec,
                            DEFAULT_CONTENT_TYPE, NULL);
}

static GPtrArray *
directory_list_buckets (S3dlioServerStore *store)
{
  GPtrArray *buckets = g_ptr_array_new ();
  g_autoptr(GDir) dir = g_dir_open (store->root, 0, NULL);
  const char *name;

  if (dir == NULL)
    return buckets;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store->root, name, NULL);
      S3dlioServerBucket *info;
      GStatBuf st;

      if (!_s3dlio_server_bucket_name_is_valid (name) ||
          g_stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
        continue;

      info = g_new0 (S3dlioServerBucket, 1);
      info->name = g_strdup (name);
      info->created = (gint64) st.st_mtime * G_USEC_PER_SEC;
      g_ptr_array_add (buckets, info);
    }

  return buckets;
}

static gboolean
directory_create_bucket (S3dlioServerStore  *store,
                         const char         *name,
                         GError            **error)
{
  g_autofree char *path = g_build_filename (store->root, name, NULL);
  int saved_errno;

  if (g_mkdir (path, 0755) == 0)
    return TRUE;

  saved_errno = errno;
  if (saved_errno == EEXIST)
    g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_BUCKET_ALREADY_OWNED_BY_YOU,
                 "Your previous request to create the named bucket succeeded and you already own it: %s",
                 name);
  else
    set_errno_error (error, saved_errno, "create the bucket directory", path);

  return FALSE;
}

/* Removes the empty directories below @path (not @path itself), leaving
 * files alone. */
static void
remove_empty_directories (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        {
          remove_empty_directories (child);
          g_rmdir (child);
        }
    }
}

static gboolean
directory_delete_bucket (S3dlioServerStore  *store,
                         const char         *name,
                         GError            **error)
{
  g_autofree char *path = directory_bucket_path (store, name, error);
  int saved_errno;

  if (path == NULL)
    return FALSE;

  remove_empty_directories (path);
  if (g_rmdir (path) == 0)
    return TRUE;

  saved_errno = errno;
  if (saved_errno == ENOTEMPTY || saved_errno == EEXIST)
    g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_BUCKET_NOT_EMPTY,
                 "The bucket you tried to delete is not empty: %s", name);
  else
    set_errno_error (error, saved_errno, "remove the bucket directory", path);

  return FALSE;
}

typedef struct {
  char      *key;
  struct stat st;
} DirectoryEntry;

static void
directory_entry_free (gpointer data)
{
  DirectoryEntry *entry = data;

  g_free (entry->key);
  g_free (entry);
}

static int
directory_entry_compare (gconstpointer a,
                         gconstpointer b)
{
  const DirectoryEntry *ea = *(const DirectoryEntry **) a;
  const DirectoryEntry *eb = *(const DirectoryEntry **) b;

  return strcmp (ea->key, eb->key);
}

/* Collects the regular files below @path as keys @key_prefix/NAME. Symbolic
 * links to files are followed; links to directories are not, so a loop
 * cannot hang the walk. */
static void
directory_walk (const char *path,
                const char *key_prefix,
                GPtrArray  *entries)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *key = NULL;
      struct stat st;

      if (g_str_has_prefix (name, TEMP_PREFIX) || !g_utf8_validate (name, -1, NULL))
        continue;
      if (lstat (child, &st) != 0)
        continue;

      key = *key_prefix ? g_strconcat (key_prefix, "/", name, NULL) : g_strdup (name);
      if (S_ISDIR (st.st_mode))
        directory_walk (child, key, entries);
      else if ((S_ISLNK (st.st_mode) && stat (child, &st) == 0 && S_ISREG (st.st_mode)) ||
               S_ISREG (st.st_mode))
        {
          DirectoryEntry *entry = g_new0 (DirectoryEntry, 1);

          entry->key = g_steal_pointer (&key);
          entry->st = st;
          g_ptr_array_add (entries, entry);
        }
    }
}

static gboolean
directory_list_objects (S3dlioServerStore     *store,
                        const char            *bucket,
                        const char            *prefix,
                        const char            *start_after,
                        S3dlioServerListFunc   func,
                        gpointer               user_data,
                        GError               **error)
{
  g_autofree char *bucket_path = directory_bucket_path (store, bucket, error);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *subdirectory = NULL;
  g_autofree char *walk_path = NULL;
  const char *last_slash;
  const char *why;

  if (bucket_path == NULL)
    return FALSE;

  /* Walk only the directory the prefix points into: with a prefix
   * "a/b/c", every key is below a/b. A prefix whose directory part is no
   * safe path matches no stored key. */
  last_slash = strrchr (prefix, '/');
  subdirectory = last_slash ? g_strndup (prefix, last_slash - prefix) : g_strdup ("");
  if (*subdirectory != '\0' && !is_safe_relative_path (subdirectory, &why))
    return TRUE;

  walk_path = g_build_filename (bucket_path, subdirectory, NULL);
  entries = g_ptr_array_new_with_free_func (directory_entry_free);
  directory_walk (walk_path, subdirectory, entries);
  g_ptr_array_sort (entries, directory_entry_compare);

  for (guint i = 0; i < entries->len; i++)
    {
      DirectoryEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(S3dlioServerObject) object = NULL;

      if (!g_str_has_prefix (entry->key, prefix))
        continue;
      if (start_after != NULL && strcmp (entry->key, start_after) <= 0)
        continue;

      object = directory_object_new (&entry->st, NULL);
      if (!func (entry->key, object, user_data))
        break;
    }

  return TRUE;
}

static S3dlioServerObject *
directory_get_object (S3dlioServerStore  *store,
                      const char         *bucket,
                      const char         *key,
                      gboolean            with_data,
                      GError            **error)
{
  g_autofree char *bucket_path = directory_bucket_path (store, bucket, error);
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  int fd;

  if (bucket_path == NULL)
    return NULL;

  path = g_build_filename (bucket_path, key, NULL);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR || saved_errno == EISDIR)
        set_no_such_key (error, bucket, key);
      else
        set_errno_error (error, saved_errno, "open", path);
      return NULL;
    }

  /* Size, mtime and content all come from the same open file, so the ETag
   * describes the bytes that are served even if the file is replaced. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      set_no_such_key (error, bucket, key);
      return NULL;
    }

  if (with_data)
    {
      mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
      if (mapped == NULL)
        {
          g_close (fd, NULL);
          g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INTERNAL_ERROR,
                       "Cannot map %s: %s", path, local_error->message);
          return NULL;
        }
      data = g_mapped_file_get_bytes (mapped);
    }
  g_close (fd, NULL);

  return directory_object_new (&st, data);
}

/* Creates the directories of @path below @bucket_path. */
static gboolean
directory_make_parents (const char  *bucket_path,
                        const char  *key,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  int saved_errno;

  if (g_mkdir_with_parents (parent, 0755) == 0)
    return TRUE;

  saved_errno = errno;
  if (saved_errno == ENOTDIR || saved_errno == EEXIST)
    g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                 "The key %s cannot be stored in a directory: a parent path is a file", key);
  else
    set_errno_error (error, saved_errno, "create the directory", parent);

  return FALSE;
}

static gboolean
write_all (int      fd,
           GBytes  *data)
{
  gsize size = 0;
  const guint8 *p = g_bytes_get_data (data, &size);

  while (size > 0)
    {
      gssize n = write (fd, p, MIN (size, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      size -= n;
    }

  return TRUE;
}

static S3dlioServerObject *
directory_put_object (S3dlioServerStore  *store,
                      const char         *bucket,
                      const char         *key,
                      GBytes             *data,
                      GError            **error)
{
  g_autofree char *bucket_path = directory_bucket_path (store, bucket, error);
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *temp_path = NULL;
  struct stat st;
  int fd;

  if (bucket_path == NULL)
    return NULL;

  path = g_build_filename (bucket_path, key, NULL);
  if (!directory_make_parents (bucket_path, key, path, error))
    return NULL;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "The key %s cannot be stored in a directory: it names a directory", key);
      return NULL;
    }

  /* A temporary file in the same directory, so rename() is atomic and a
   * reader that mapped the old file keeps reading the old content. */
  parent = g_path_get_dirname (path);
  temp_path = g_build_filename (parent, TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_errno_error (error, errno, "create a temporary file in", parent);
      return NULL;
    }

  if (!write_all (fd, data) || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      g_unlink (temp_path);
      set_errno_error (error, saved_errno, "write", temp_path);
      return NULL;
    }
  if (!g_close (fd, NULL) || g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp_path);
      set_errno_error (error, saved_errno, "write", path);
      return NULL;
    }

  return directory_object_new (&st, NULL);
}

static gboolean
directory_delete_object (S3dlioServerStore  *store,
                         const char         *bucket,
                         const char         *key,
                         GError            **error)
{
  g_autofree char *bucket_path = directory_bucket_path (store, bucket, error);
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;
  GStatBuf st;

  if (bucket_path == NULL)
    return FALSE;

  path = g_build_filename (bucket_path, key, NULL);
  if (g_lstat (path, &st) != 0 || S_ISDIR (st.st_mode))
    return TRUE;   /* deleting a missing key succeeds */

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, "remove", path);
      return FALSE;
    }

  /* Remove the directories the key leaves empty, so the bucket can be
   * deleted once its last object is. */
  parent = g_path_get_dirname (path);
  while (strcmp (parent, bucket_path) != 0 && g_rmdir (parent) == 0)
    {
      char *up = g_path_get_dirname (parent);

      g_free (parent);
      parent = up;
    }

  return TRUE;
}

/* }}} */
/* {{{ Dispatch */

static void
bucket_info_free (gpointer data)
{
  S3dlioServerBucket *bucket = data;

  g_free (bucket->name);
  g_free (bucket);
}

static int
bucket_info_compare (gconstpointer a,
                     gconstpointer b)
{
  const S3dlioServerBucket *ba = *(const S3dlioServerBucket **) a;
  const S3dlioServerBucket *bb = *(const S3dlioServerBucket **) b;

  return strcmp (ba->name, bb->name);
}

GPtrArray *
_s3dlio_server_store_list_buckets (S3dlioServerStore *store)
{
  GPtrArray *buckets;

  g_mutex_lock (&store->lock);
  buckets = store->root ? directory_list_buckets (store) : memory_list_buckets (store);
  g_mutex_unlock (&store->lock);

  g_ptr_array_set_free_func (buckets, bucket_info_free);
  g_ptr_array_sort (buckets, bucket_info_compare);

  return buckets;
}

gboolean
_s3dlio_server_store_has_bucket (S3dlioServerStore *store,
                                 const char        *bucket)
{
  g_autofree char *path = NULL;
  gboolean found;

  g_mutex_lock (&store->lock);
  if (store->root)
    found = (path = directory_bucket_path (store, bucket, NULL)) != NULL;
  else
    found = g_hash_table_contains (store->buckets, bucket);
  g_mutex_unlock (&store->lock);

  return found;
}

gboolean
_s3dlio_server_store_create_bucket (S3dlioServerStore  *store,
                                    const char         *bucket,
                                    GError            **error)
{
  gboolean ok;

  if (!_s3dlio_server_bucket_name_is_valid (bucket))
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_BUCKET_NAME,
                   "The specified bucket is not valid: %s", bucket);
      return FALSE;
    }

  g_mutex_lock (&store->lock);
  if (store->root)
    ok = directory_create_bucket (store, bucket, error);
  else
    ok = memory_create_bucket (store, bucket, error);
  g_mutex_unlock (&store->lock);

  return ok;
}

static void
remove_uploads_of_bucket (S3dlioServerStore *store,
                          const char        *bucket)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, store->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strcmp (((Upload *) value)->bucket, bucket) == 0)
      g_hash_table_iter_remove (&iter);
}

gboolean
_s3dlio_server_store_delete_bucket (S3dlioServerStore  *store,
                                    const char         *bucket,
                                    GError            **error)
{
  gboolean ok;

  g_mutex_lock (&store->lock);
  if (store->root)
    ok = directory_delete_bucket (store, bucket, error);
  else
    ok = memory_delete_bucket (store, bucket, error);
  if (ok)
    remove_uploads_of_bucket (store, bucket);
  g_mutex_unlock (&store->lock);

  return ok;
}

gboolean
_s3dlio_server_store_list_objects (S3dlioServerStore     *store,
                                   const char            *bucket,
                                   const char            *prefix,
                                   const char            *start_after,
                                   S3dlioServerListFunc   func,
                                   gpointer               user_data,
                                   GError               **error)
{
  gboolean ok;

  if (prefix == NULL)
    prefix = "";

  g_mutex_lock (&store->lock);
  if (store->root)
    ok = directory_list_objects (store, bucket, prefix, start_after, func, user_data, error);
  else
    ok = memory_list_objects (store, bucket, prefix, start_after, func, user_data, error);
  g_mutex_unlock (&store->lock);

  return ok;
}

S3dlioServerObject *
_s3dlio_server_store_get_object (S3dlioServerStore  *store,
                                 const char         *bucket,
                                 const char         *key,
                                 gboolean            with_data,
                                 GError            **error)
{
  S3dlioServerObject *object;

  if (!_s3dlio_server_store_check_key (store, key, error))
    return NULL;

  g_mutex_lock (&store->lock);
  if (store->root)
    object = directory_get_object (store, bucket, key, with_data, error);
  else
    object = memory_get_object (store, bucket, key, error);
  g_mutex_unlock (&store->lock);

  return object;
}

static S3dlioServerObject *
put_object_locked (S3dlioServerStore  *store,
                   const char         *bucket,
                   const char         *key,
                   GBytes             *data,
                   const char         *content_type,
                   GHashTable         *metadata,
                   const char         *etag,
                   GError            **error)
{
  if (store->root)
    return directory_put_object (store, bucket, key, data, error);
  else
    return memory_put_object (store, bucket, key, data, content_type, metadata, etag, error);
}

S3dlioServerObject *
_s3dlio_server_store_put_object (S3dlioServerStore  *store,
                                 const char         *bucket,
                                 const char         *key,
                                 GBytes             *data,
                                 const char         *content_type,
                                 GHashTable         *metadata,
                                 const char         *etag,
                                 GError            **error)
{
  S3dlioServerObject *object;

  g_return_val_if_fail (data != NULL, NULL);

  if (!_s3dlio_server_store_check_key (store, key, error))
    return NULL;

  g_mutex_lock (&store->lock);
  object = put_object_locked (store, bucket, key, data, content_type, metadata, etag, error);
  g_mutex_unlock (&store->lock);

  return object;
}

gboolean
_s3dlio_server_store_delete_object (S3dlioServerStore  *store,
                                    const char         *bucket,
                                    const char         *key,
                                    GError            **error)
{
  gboolean ok;

  if (!_s3dlio_server_store_check_key (store, key, error))
    return FALSE;

  g_mutex_lock (&store->lock);
  if (store->root)
    ok = directory_delete_object (store, bucket, key, error);
  else
    ok = memory_delete_object (store, bucket, key, error);
  g_mutex_unlock (&store->lock);

  return ok;
}

/* }}} */
/* {{{ Multipart uploads */

static gboolean
has_bucket_locked (S3dlioServerStore  *store,
                   const char         *bucket,
                   GError            **error)
{
  g_autofree char *path = NULL;

  if (store->root)
    return (path = directory_bucket_path (store, bucket, error)) != NULL;
  else
    return memory_lookup_bucket (store, bucket, error) != NULL;
}

static Upload *
lookup_upload_locked (S3dlioServerStore  *store,
                      const char         *bucket,
                      const char         *key,
                      const char         *upload_id,
                      GError            **error)
{
  Upload *upload = g_hash_table_lookup (store->uploads, upload_id);

  if (upload == NULL || strcmp (upload->bucket, bucket) != 0 || strcmp (upload->key, key) != 0)
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_NO_SUCH_UPLOAD,
                   "The specified upload does not exist: %s. The upload ID may be invalid, "
                   "or the upload may have been aborted or completed.", upload_id);
      return NULL;
    }

  return upload;
}

static char *
new_upload_id (void)
{
  GString *id = g_string_sized_new (48);

  for (guint i = 0; i < 6; i++)
    g_string_append_printf (id, "%08x", g_random_int ());

  return g_string_free (id, FALSE);
}

char *
_s3dlio_server_store_create_upload (S3dlioServerStore  *store,
                                    const char         *bucket,
                                    const char         *key,
                                    const char         *content_type,
                                    GHashTable         *metadata,
                                    GError            **error)
{
  Upload *upload;

  if (!_s3dlio_server_store_check_key (store, key, error))
    return NULL;

  g_mutex_lock (&store->lock);
  if (!has_bucket_locked (store, bucket, error))
    {
      g_mutex_unlock (&store->lock);
      return NULL;
    }

  upload = g_new0 (Upload, 1);
  upload->bucket = g_strdup (bucket);
  upload->key = g_strdup (key);
  upload->upload_id = new_upload_id ();
  upload->initiated = g_get_real_time ();
  upload->content_type = g_strdup (content_type);
  upload->metadata = metadata_copy (metadata);
  upload->parts = g_hash_table_new_full (NULL, NULL, NULL, upload_part_free);
  g_hash_table_insert (store->uploads, upload->upload_id, upload);
  g_mutex_unlock (&store->lock);

  return g_strdup (upload->upload_id);
}

char *
_s3dlio_server_store_upload_part (S3dlioServerStore  *store,
                                  const char         *bucket,
                                  const char         *key,
                                  const char         *upload_id,
                                  guint               part_number,
                                  GBytes             *data,
                                  GError            **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  UploadPart *part;
  Upload *upload;
  gsize digest_len = sizeof part->md5;
  char *etag;

  if (part_number < 1 || part_number > MAX_PART_NUMBER)
    {
      g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Part number must be an integer between 1 and %d, inclusive: %u",
                   MAX_PART_NUMBER, part_number);
      return NULL;
    }

  part = g_new0 (UploadPart, 1);
  part->data = g_bytes_ref (data);
  g_checksum_update (checksum, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_checksum_get_digest (checksum, part->md5, &digest_len);
  part->etag = g_strdup_printf ("\"%s\"", g_checksum_get_string (checksum));
  etag = g_strdup (part->etag);

  g_mutex_lock (&store->lock);
  upload = lookup_upload_locked (store, bucket, key, upload_id, error);
  if (upload != NULL)
    g_hash_table_replace (upload->parts, GUINT_TO_POINTER (part_number), part);
  g_mutex_unlock (&store->lock);

  if (upload == NULL)
    {
      upload_part_free (part);
      g_clear_pointer (&etag, g_free);
    }

  return etag;
}

/* Checks the part list of a CompleteMultipartUpload against the uploaded
 * parts and assembles the object's content and multipart ETag. */
static GBytes *
assemble_parts_locked (Upload      *upload,
                       GArray      *parts,
                       guint64      min_part_size,
                       char       **etag,
                       GError     **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autoptr(GByteArray) content = NULL;
  guint64 total = 0;

  if (parts->len == 0)
    {
      g_set_error_literal (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_MALFORMED_XML,
                           "The XML you provided was not well-formed or did not validate "
                           "against our published schema: it lists no part");
      return NULL;
    }

  /* S3 checks the order of the whole list first, then each part. */
  for (guint i = 1; i < parts->len; i++)
    {
      guint previous = g_array_index (parts, S3dlioServerPart, i - 1).part_number;
      guint number = g_array_index (parts, S3dlioServerPart, i).part_number;

      if (number <= previous)
        {
          g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_PART_ORDER,
                       "The list of parts was not in ascending order: part %u follows part %u",
                       number, previous);
          return NULL;
        }
    }

  for (guint i = 0; i < parts->len; i++)
    {
      S3dlioServerPart *wanted = &g_array_index (parts, S3dlioServerPart, i);
      UploadPart *part = g_hash_table_lookup (upload->parts, GUINT_TO_POINTER (wanted->part_number));

      if (part == NULL || wanted->etag == NULL || !etag_equal (part->etag, wanted->etag))
        {
          g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_INVALID_PART,
                       "One or more of the specified parts could not be found or its entity "
                       "tag did not match: part %u, ETag %s", wanted->part_number,
                       wanted->etag ? wanted->etag : "(none)");
          return NULL;
        }
    }

  for (guint i = 0; i < parts->len; i++)
    {
      S3dlioServerPart *wanted = &g_array_index (parts, S3dlioServerPart, i);
      UploadPart *part = g_hash_table_lookup (upload->parts, GUINT_TO_POINTER (wanted->part_number));

      if (i + 1 < parts->len && g_bytes_get_size (part->data) < min_part_size)
        {
          g_set_error (error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_ENTITY_TOO_SMALL,
                       "Your proposed upload is smaller than the minimum allowed object size: "
                       "part %u has %zu bytes, the minimum is %" G_GUINT64_FORMAT,
                       wanted->part_number, g_bytes_get_size (part->data), min_part_size);
          return NULL;
        }
      total += g_bytes_get_size (part->data);
    }

  checksum = g_checksum_new (G_CHECKSUM_MD5);
  content = g_byte_array_sized_new (total);
  for (guint i = 0; i < parts->len; i++)
    {
      S3dlioServerPart *wanted = &g_array_index (parts, S3dlioServerPart, i);
      UploadPart *part = g_hash_table_lookup (upload->parts, GUINT_TO_POINTER (wanted->part_number));

      g_byte_array_append (content, g_bytes_get_data (part->data, NULL), g_bytes_get_size (part->data));
      g_checksum_update (checksum, part->md5, sizeof part->md5);
    }

  *etag = g_strdup_printf ("\"%s-%u\"", g_checksum_get_string (checksum), parts->len);

  return g_byte_array_free_to_bytes (g_steal_pointer (&content));
}

S3dlioServerObject *
_s3dlio_server_store_complete_upload (S3dlioServerStore  *store,
                                      const char         *bucket,
                                      const char         *key,
                                      const char         *upload_id,
                                      GArray             *parts,
                                      guint64             min_part_size,
                                      GError            **error)
{
  S3dlioServerObject *object = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autofree char *etag = NULL;
  Upload *upload;

  g_mutex_lock (&store->lock);
  upload = lookup_upload_locked (store, bucket, key, upload_id, error);
  if (upload != NULL)
    content = assemble_parts_locked (upload, parts, min_part_size, &etag, error);
  if (content != NULL)
    object = put_object_locked (store, bucket, key, content, upload->content_type,
                                upload->metadata, etag, error);
  if (object != NULL)
    g_hash_table_remove (store->uploads, upload_id);
  g_mutex_unlock (&store->lock);

  return object;
}

gboolean
_s3dlio_server_store_abort_upload (S3dlioServerStore  *store,
                                   const char         *bucket,
                                   const char         *key,
                                   const char         *upload_id,
                                   GError            **error)
{
  Upload *upload;

  g_mutex_lock (&store->lock);
  upload = lookup_upload_locked (store, bucket, key, upload_id, error);
  if (upload != NULL)
    g_hash_table_remove (store->uploads, upload_id);
  g_mutex_unlock (&store->lock);

  return upload != NULL;
}

static void
upload_info_free (gpointer data)
{
  S3dlioServerUpload *upload = data;

  g_free (upload->key);
  g_free (upload->upload_id);
  g_free (upload);
}

static int
upload_info_compare (gconstpointer a,
                     gconstpointer b)
{
  const S3dlioServerUpload *ua = *(const S3dlioServerUpload **) a;
  const S3dlioServerUpload *ub = *(const S3dlioServerUpload **) b;
  int cmp = strcmp (ua->key, ub->key);

  if (cmp != 0)
    return cmp;
  return (ua->initiated > ub->initiated) - (ua->initiated < ub->initiated);
}

GPtrArray *
_s3dlio_server_store_list_uploads (S3dlioServerStore *store,
                                   const char        *bucket,
                                   const char        *prefix)
{
  GPtrArray *uploads = g_ptr_array_new_with_free_func (upload_info_free);
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&store->lock);
  g_hash_table_iter_init (&iter, store->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Upload *upload = value;
      S3dlioServerUpload *info;

      if (strcmp (upload->bucket, bucket) != 0 ||
          (prefix != NULL && !g_str_has_prefix (upload->key, prefix)))
        continue;

      info = g_new0 (S3dlioServerUpload, 1);
      info->key = g_strdup (upload->key);
      info->upload_id = g_strdup (upload->upload_id);
      info->initiated = upload->initiated;
      g_ptr_array_add (uploads, info);
    }
  g_mutex_unlock (&store->lock);

  g_ptr_array_sort (uploads, upload_info_compare);

  return uploads;
}

guint
_s3dlio_server_store_count_uploads (S3dlioServerStore *store,
                                    const char        *bucket)
{
  GHashTableIter iter;
  gpointer value;
  guint count = 0;

  g_mutex_lock (&store->lock);
  g_hash_table_iter_init (&iter, store->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (bucket == NULL || strcmp (((Upload *) value)->bucket, bucket) == 0)
      count++;
  g_mutex_unlock (&store->lock);

  return count;
}

/* }}} */
