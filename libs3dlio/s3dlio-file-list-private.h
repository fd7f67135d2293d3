/* s3dlio-file-list-private.h
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>

#include "s3dlio-uri.h"

G_BEGIN_DECLS

#define S3DLIO_TYPE_FILE_LIST (_s3dlio_file_list_get_type ())

G_DECLARE_FINAL_TYPE (S3dlioFileList, _s3dlio_file_list, S3DLIO, FILE_LIST, GObject)

/* A listing of a file:// prefix: a GListModel of S3dlioObjectInfo with the
 * "loading", "complete" and "error" properties of S3dlioObjectList, walked
 * on a thread and filled page by page in the thread-default main context
 * of the caller. Loading starts at once; it stops when @cancellable fires
 * or the list is finalized. */
S3dlioFileList *_s3dlio_file_list_new (S3dlioUri    *uri,
                                       const char   *delimiter,
                                       GCancellable *cancellable);

G_END_DECLS
