/* s3dlio-file-store-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

#include "s3dlio-file-store.h"
#include "s3dlio-object-info.h"
#include "s3dlio-transfer.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

/* The size-aware download of a local file (s3dlio-file-download.c): the
 * file is split into parts as the config says and the parts are read with
 * pread() on a pool of threads into the transfer's sink. Returns a boolean
 * through @task, whose task data it takes. */
void        _s3dlio_file_download_start   (S3dlioFileStore  *store,
                                           S3dlioTransfer   *transfer,
                                           GTask            *task);

/* The ETag a file store gives a file: its modification time and size, so
 * that it changes when the file does. */
char       *_s3dlio_file_etag             (const struct stat *st);

/* What a listing or a stat says about the file @st under @key. */
S3dlioObjectInfo *_s3dlio_file_info_new   (const char        *key,
                                           const struct stat *st);

/* What a file operation that failed was doing, for its error message. */
typedef enum {
  S3DLIO_FILE_OP_OPEN,
  S3DLIO_FILE_OP_READ,
  S3DLIO_FILE_OP_WRITE,
  S3DLIO_FILE_OP_STAT,
  S3DLIO_FILE_OP_LIST,
  S3DLIO_FILE_OP_CREATE_DIRECTORY,
  S3DLIO_FILE_OP_UPLOAD,
  S3DLIO_FILE_OP_DELETE,
} S3dlioFileOp;

/* Sets @error from @saved_errno for @path: "Cannot @op “@path”: strerror".
 * ENOENT becomes %S3DLIO_ERROR_NO_SUCH_KEY when @missing_is_no_such_key,
 * like a missing S3 object. Returns %FALSE. */
gboolean    _s3dlio_file_set_error        (GError          **error,
                                           int               saved_errno,
                                           S3dlioFileOp      op,
                                           const char       *path,
                                           gboolean          missing_is_no_such_key);

/* Whether @name is one of the hidden temporary files downloads and
 * uploads write beside their destination. */
gboolean    _s3dlio_file_is_temporary     (const char       *name);

G_END_DECLS
