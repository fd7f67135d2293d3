/* s3dlio.h: the one header to include
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#define __S3DLIO_H_INSIDE__

#include <glib-object.h>
#include <gio/gio.h>

#include "s3dlio-version.h"
#include "s3dlio-enum-types.h"

#include "s3dlio-batch.h"
#include "s3dlio-batch-item.h"
#include "s3dlio-bucket-info.h"
#include "s3dlio-client.h"
#include "s3dlio-config.h"
#include "s3dlio-credentials.h"
#include "s3dlio-delete-failure.h"
#include "s3dlio-endpoint.h"
#include "s3dlio-error.h"
#include "s3dlio-file-store.h"
#include "s3dlio-object-info.h"
#include "s3dlio-object-list.h"
#include "s3dlio-object-store.h"
#include "s3dlio-request.h"
#include "s3dlio-server.h"
#include "s3dlio-server-fault.h"
#include "s3dlio-signer.h"
#include "s3dlio-transfer.h"
#include "s3dlio-upload.h"
#include "s3dlio-uri.h"

#undef __S3DLIO_H_INSIDE__
