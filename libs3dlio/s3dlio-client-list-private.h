/* s3dlio-client-list-private.h: ListObjectsV2 one page at a time
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include "s3dlio-client.h"

G_BEGIN_DECLS

/* The most keys S3 returns in one ListObjectsV2 page, and so the most
 * DeleteObjects takes in one request. */
#define S3DLIO_LIST_MAX_KEYS 1000

/* Fails with %S3DLIO_ERROR_INVALID_URI unless @uri is an s3:// URI. */
gboolean         _s3dlio_list_check_uri         (S3dlioUri            *uri,
                                                 GError              **error);

/* Walks a listing page by page, following the continuation tokens, with
 * at most one request in flight: whoever drives it asks for the next page
 * when it is ready for it, which bounds the memory a huge listing takes.
 * Reference counted, because a request in flight holds it. Not thread-safe:
 * one pager is driven from one thread at a time. */
typedef struct _S3dlioListPager S3dlioListPager;

/* @uri's key is the prefix, taken literally. @delimiter and @start_after
 * may be %NULL; @max_keys is the page size asked for (0 leaves it to the
 * server). */
S3dlioListPager *_s3dlio_list_pager_new         (S3dlioClient         *client,
                                                 S3dlioUri            *uri,
                                                 const char           *delimiter,
                                                 const char           *start_after,
                                                 guint                 max_keys);
S3dlioListPager *_s3dlio_list_pager_ref         (S3dlioListPager      *pager);
void             _s3dlio_list_pager_unref       (S3dlioListPager      *pager);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioListPager, _s3dlio_list_pager_unref)

/* Whether the last page arrived. */
gboolean         _s3dlio_list_pager_is_done     (S3dlioListPager      *pager);

/* Fetches the next page; only one may be in flight. The callback gets the
 * client as its source object. */
void             _s3dlio_list_pager_next_async  (S3dlioListPager      *pager,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* The page's objects and common prefixes (S3dlioObjectInfo, is-prefix set
 * on the latter) merged into one array in key order, as S3 pages through
 * them; or %NULL with @error set, its message naming the URI. A page may be
 * empty. */
GPtrArray       *_s3dlio_list_pager_next_finish (S3dlioListPager      *pager,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
