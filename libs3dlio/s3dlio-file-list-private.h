/* s3dlio-file-list-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

#include "s3dlio-client.h"
#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_FILE_LIST (_s3dlio_file_list_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioFileList, _s3dlio_file_list, S3DLIO, FILE_LIST, GObject)

/* A listing of a file:// prefix: a GListModel of S3dlioObjectInfo with the
 * "loading", "complete" and "error" properties of S3dlioObjectList, walked
 * on a thread and filled page by page in the thread-default main context
 * of the caller. Loading starts at once; it stops when @cancellable fires
 * or the list is finalized. */
S3dlioFileList *_s3dlio_file_list_new     (S3dlioUri         *uri,
                                           const char        *delimiter,
                                           GCancellable      *cancellable);

/* The file:// list_foreach of S3dlioObjectStore: walks on a thread, and
 * hands the items to @func page by page in the context of @task, the walk
 * waiting while a page is not taken, so that memory stays bounded however
 * many files there are. Returns a boolean through @task. */
void            _s3dlio_file_list_foreach (S3dlioUri         *uri,
                                           const char        *delimiter,
                                           S3dlioListFunc     func,
                                           gpointer           func_data,
                                           GDestroyNotify     func_notify,
                                           GTask             *task);

/* What a walk meets, in key order. */
typedef enum {
  S3DLIO_FILE_WALK_FILE,            /* a file */
  S3DLIO_FILE_WALK_DIRECTORY,       /* a directory, not walked into: one level */
  S3DLIO_FILE_WALK_DIRECTORY_DONE,  /* a directory walked into, after all under it */
} S3dlioFileWalkEvent;

/* Called for what a walk meets: @key is its absolute path, with a "/"
 * appended for directories, @st what stat() says of it. Returns %FALSE
 * with @error set to stop the walk. */
typedef gboolean (*S3dlioFileWalkFunc) (S3dlioFileWalkEvent   event,
                                        const char           *key,
                                        const struct stat    *st,
                                        gpointer              user_data,
                                        GError              **error);

/* Walks what is under the prefix @path, in the calling thread, with the
 * semantics of a file:// listing (see S3dlioFileStore): every file below
 * when @recursive, otherwise one level. Returns %FALSE with @error set when
 * a directory cannot be read, @func fails or @cancellable fires. */
gboolean        _s3dlio_file_walk         (const char         *path,
                                           gboolean            recursive,
                                           S3dlioFileWalkFunc  func,
                                           gpointer            user_data,
                                           GCancellable       *cancellable,
                                           GError            **error);

G_END_DECLS
