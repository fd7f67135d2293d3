/* s3dlio-batch-item.c: one object of a recursive transfer
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-batch-private.h"
#include "s3dlio-enum-types.h"

/**
 * S3dlioBatchItem:
 *
 * One object of an [class@S3dlio.Batch]: where it is in the store, where
 * it is on disk, and how its transfer went.
 *
 * Items are made by the recursive transfers and shown in
 * [method@S3dlio.Batch.get_items]; their state, error and transfer change
 * (with notifications) on the main context the batch runs in.
 */

struct _S3dlioBatchItem
{
  GObject              parent_instance;

  S3dlioUri           *uri;
  char                *relative_key;
  char                *path;
  guint64              size;
  S3dlioTransferState  state;
  guint                index;
  GError              *error;
  S3dlioTransfer      *transfer;
};

G_DEFINE_FINAL_TYPE (S3dlioBatchItem, s3dlio_batch_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_RELATIVE_KEY,
  PROP_PATH,
  PROP_SIZE,
  PROP_STATE,
  PROP_ERROR,
  PROP_TRANSFER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_batch_item_finalize (GObject *object)
{
  S3dlioBatchItem *self = (S3dlioBatchItem *) object;

  g_clear_object (&self->uri);
  g_clear_pointer (&self->relative_key, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->error);
  g_clear_object (&self->transfer);

  G_OBJECT_CLASS (s3dlio_batch_item_parent_class)->finalize (object);
}

static void
s3dlio_batch_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  S3dlioBatchItem *self = S3DLIO_BATCH_ITEM (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_object (value, self->uri);
      break;
    case PROP_RELATIVE_KEY:
      g_value_set_string (value, self->relative_key);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_TRANSFER:
      g_value_set_object (value, self->transfer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define READ_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
s3dlio_batch_item_class_init (S3dlioBatchItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_batch_item_finalize;
  object_class->get_property = s3dlio_batch_item_get_property;

  /**
   * S3dlioBatchItem:uri:
   *
   * The object in the store: the one downloaded, or the one an upload
   * writes. %NULL for a local file whose name makes no valid key (not
   * UTF-8, or too long).
   */
  properties[PROP_URI] =
    g_param_spec_object ("uri", NULL, NULL, S3DLIO_TYPE_URI, READ_FLAGS);

  /**
   * S3dlioBatchItem:relative-key:
   *
   * The object's key relative to the batch prefix, `/`-separated, exactly
   * as listed: `a/b/c.bin` for `s3://bucket/data/a/b/c.bin` under
   * `s3://bucket/data/`.
   */
  properties[PROP_RELATIVE_KEY] =
    g_param_spec_string ("relative-key", NULL, NULL, NULL, READ_FLAGS);

  /**
   * S3dlioBatchItem:path:
   *
   * The local file: the one a download writes, or the one an upload
   * reads. %NULL for a key that was refused because it would land outside
   * the directory.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, READ_FLAGS);

  /**
   * S3dlioBatchItem:size:
   *
   * The object size in bytes, as listed.
   */
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, READ_FLAGS);

  /**
   * S3dlioBatchItem:state:
   *
   * Where the object's transfer is: %S3DLIO_TRANSFER_STATE_PENDING until
   * it starts (and for good when the batch stopped before it), then
   * running, and done, failed or cancelled.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       S3DLIO_TYPE_TRANSFER_STATE, S3DLIO_TRANSFER_STATE_PENDING,
                       READ_FLAGS);

  /**
   * S3dlioBatchItem:error:
   *
   * Why the object failed or was refused, or %NULL. The message names the
   * object or the key.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, READ_FLAGS);

  /**
   * S3dlioBatchItem:transfer:
   *
   * The download of the object, from when it starts: its progress and
   * map of parts. %NULL for uploads.
   */
  properties[PROP_TRANSFER] =
    g_param_spec_object ("transfer", NULL, NULL, S3DLIO_TYPE_TRANSFER, READ_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_batch_item_init (S3dlioBatchItem *self)
{
}

/**
 * s3dlio_batch_item_get_uri:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:uri].
 *
 * Returns: (transfer none) (nullable): the value of
 *   [property@S3dlio.BatchItem:uri]
 */
S3dlioUri *
s3dlio_batch_item_get_uri (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), NULL);

  return self->uri;
}

/**
 * s3dlio_batch_item_get_relative_key:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:relative-key].
 *
 * Returns: the value of [property@S3dlio.BatchItem:relative-key]
 */
const char *
s3dlio_batch_item_get_relative_key (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), NULL);

  return self->relative_key;
}

/**
 * s3dlio_batch_item_get_path:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:path].
 *
 * Returns: (nullable) (type filename): the value of
 *   [property@S3dlio.BatchItem:path]
 */
const char *
s3dlio_batch_item_get_path (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), NULL);

  return self->path;
}

/**
 * s3dlio_batch_item_get_size:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:size].
 *
 * Returns: the value of [property@S3dlio.BatchItem:size]
 */
guint64
s3dlio_batch_item_get_size (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), 0);

  return self->size;
}

/**
 * s3dlio_batch_item_get_state:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:state].
 *
 * Returns: the value of [property@S3dlio.BatchItem:state]
 */
S3dlioTransferState
s3dlio_batch_item_get_state (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), S3DLIO_TRANSFER_STATE_PENDING);

  return self->state;
}

/**
 * s3dlio_batch_item_get_error:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:error].
 *
 * Returns: (nullable): the value of [property@S3dlio.BatchItem:error]
 */
const GError *
s3dlio_batch_item_get_error (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), NULL);

  return self->error;
}

/**
 * s3dlio_batch_item_get_transfer:
 * @self: a #S3dlioBatchItem
 *
 * Gets the value of [property@S3dlio.BatchItem:transfer].
 *
 * Returns: (transfer none) (nullable): the value of
 *   [property@S3dlio.BatchItem:transfer]
 */
S3dlioTransfer *
s3dlio_batch_item_get_transfer (S3dlioBatchItem *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH_ITEM (self), NULL);

  return self->transfer;
}

/* Private API. */

S3dlioBatchItem *
_s3dlio_batch_item_new (S3dlioUri  *uri,
                        const char *relative_key,
                        const char *path,
                        guint64     size)
{
  S3dlioBatchItem *self = g_object_new (S3DLIO_TYPE_BATCH_ITEM, NULL);

  self->uri = uri ? g_object_ref (uri) : NULL;
  self->relative_key = g_strdup (relative_key);
  self->path = g_strdup (path);
  self->size = size;

  return self;
}

void
_s3dlio_batch_item_set_state (S3dlioBatchItem     *self,
                              S3dlioTransferState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_s3dlio_batch_item_set_error (S3dlioBatchItem *self,
                              const GError    *error)
{
  if (self->error == error)
    return;

  g_clear_error (&self->error);
  self->error = error ? g_error_copy (error) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
_s3dlio_batch_item_set_transfer (S3dlioBatchItem *self,
                                 S3dlioTransfer  *transfer)
{
  if (g_set_object (&self->transfer, transfer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFER]);
}

guint
_s3dlio_batch_item_get_index (S3dlioBatchItem *self)
{
  return self->index;
}

void
_s3dlio_batch_item_set_index (S3dlioBatchItem *self,
                              guint            index)
{
  self->index = index;
}
