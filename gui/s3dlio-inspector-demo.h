/* s3dlio-inspector-demo.h: the local demo endpoint and its sample objects
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <s3dlio.h>

G_BEGIN_DECLS

#define S3DLIO_INSPECTOR_DEMO_BUCKET "demo"
/* Small pages, so that the paging of a listing shows. */
#define S3DLIO_INSPECTOR_DEMO_PAGE_SIZE 250

typedef enum {
  S3DLIO_INSPECTOR_DEMO_FULL,   /* models up to 256 MiB, 2000 shards */
  S3DLIO_INSPECTOR_DEMO_SMALL,  /* a 64 MiB model and a few hundred shards, for tests */
} S3dlioInspectorDemoSize;

S3dlioServer *s3dlio_inspector_demo_start   (S3dlioInspectorDemoSize   size,
                                             guint                     page_size,
                                             GCancellable             *cancellable,
                                             GError                  **error);
guint         s3dlio_inspector_demo_get_n_shards (S3dlioInspectorDemoSize size);

G_END_DECLS
