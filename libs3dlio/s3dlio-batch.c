/* s3dlio-batch.c: a recursive transfer, its options and its progress
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "s3dlio-batch-private.h"
#include "s3dlio-enum-types.h"
#include "s3dlio-error.h"

/**
 * S3dlioBatch:
 *
 * A recursive transfer between a prefix of an [iface@S3dlio.ObjectStore]
 * and a local directory: which, how, and how it is going.
 *
 * Make one with [ctor@S3dlio.Batch.new], set how many objects go at once
 * ([property@S3dlio.Batch:max-concurrent]) and whether a failed object
 * stops the others ([property@S3dlio.Batch:keep-going]), then run it with
 * [method@S3dlio.ObjectStore.download_recursive_async] or
 * [method@S3dlio.ObjectStore.upload_recursive_async].
 *
 * While it runs, its counters (objects done, failed and in flight, bytes
 * done…) are refreshed and [signal@S3dlio.Batch::progress] is emitted on
 * the main context it was started from, every
 * [property@S3dlio.Batch:progress-interval] milliseconds and once more at
 * the end. [method@S3dlio.Batch.get_items] lists every object as an
 * [class@S3dlio.BatchItem] once the source was listed, with its state, its
 * error and (for downloads) its [class@S3dlio.Transfer];
 * [signal@S3dlio.Batch::item-started] and
 * [signal@S3dlio.Batch::item-finished] follow them one by one, which is
 * what a command line tool prints and a window shows.
 *
 * Each object done stays in the items with its transfer, under a
 * kilobyte each, so that a window can show the whole batch. A program that
 * only prints them turns [property@S3dlio.Batch:keep-finished] off: the
 * memory of a batch then no longer grows with the objects it copies, and
 * only the failures are left in the items at the end.
 *
 * A batch runs once.
 */

#define DEFAULT_MAX_CONCURRENT 4
#define DEFAULT_PROGRESS_INTERVAL_MS 200

struct _S3dlioBatch
{
  GObject              parent_instance;

  S3dlioUri           *prefix;
  char                *directory;
  guint                max_concurrent;
  gboolean             keep_going;
  gboolean             keep_finished;
  guint                progress_interval;

  GListStore          *items;
  GArray              *running;          /* Running, the items under way */
  guint                n_dropped;        /* items done and removed */
  guint64              finished_bytes;

  S3dlioTransferState  state;
  guint                n_objects;
  guint                objects_done;
  guint                objects_failed;
  guint                objects_in_flight;
  guint64              total_bytes;
  guint64              bytes_done;
  double               elapsed;
  double               average_throughput;

  GSource             *progress_source;
  gint64               start_time;
};

/* An item under way, and where it is in the items model, so that dropping
 * it costs no search. Items start in the order of the model, so when one
 * starts, every item dropped so far was before it; from then on, its
 * position is kept up to date as the items before it are dropped. */
typedef struct {
  S3dlioBatchItem *item;
  guint            position;
  gboolean         finishing;   /* counted as ended, item-finished under way */
} Running;

G_DEFINE_FINAL_TYPE (S3dlioBatch, s3dlio_batch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PREFIX,
  PROP_DIRECTORY,
  PROP_MAX_CONCURRENT,
  PROP_KEEP_GOING,
  PROP_KEEP_FINISHED,
  PROP_PROGRESS_INTERVAL,
  PROP_STATE,
  PROP_N_OBJECTS,
  PROP_OBJECTS_DONE,
  PROP_OBJECTS_FAILED,
  PROP_OBJECTS_IN_FLIGHT,
  PROP_TOTAL_BYTES,
  PROP_BYTES_DONE,
  PROP_ELAPSED,
  PROP_AVERAGE_THROUGHPUT,
  N_PROPS
};

enum {
  PROGRESS,
  ITEM_STARTED,
  ITEM_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
stop_progress (S3dlioBatch *self)
{
  if (self->progress_source != NULL)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
}

static void
s3dlio_batch_finalize (GObject *object)
{
  S3dlioBatch *self = (S3dlioBatch *) object;

  stop_progress (self);
  g_clear_object (&self->prefix);
  g_clear_pointer (&self->directory, g_free);
  g_clear_object (&self->items);
  g_clear_pointer (&self->running, g_array_unref);

  G_OBJECT_CLASS (s3dlio_batch_parent_class)->finalize (object);
}

static void
s3dlio_batch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  S3dlioBatch *self = S3DLIO_BATCH (object);

  switch (prop_id)
    {
    case PROP_PREFIX:
      g_value_set_object (value, self->prefix);
      break;
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_MAX_CONCURRENT:
      g_value_set_uint (value, self->max_concurrent);
      break;
    case PROP_KEEP_GOING:
      g_value_set_boolean (value, self->keep_going);
      break;
    case PROP_KEEP_FINISHED:
      g_value_set_boolean (value, self->keep_finished);
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_uint (value, self->progress_interval);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_N_OBJECTS:
      g_value_set_uint (value, self->n_objects);
      break;
    case PROP_OBJECTS_DONE:
      g_value_set_uint (value, self->objects_done);
      break;
    case PROP_OBJECTS_FAILED:
      g_value_set_uint (value, self->objects_failed);
      break;
    case PROP_OBJECTS_IN_FLIGHT:
      g_value_set_uint (value, self->objects_in_flight);
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_uint64 (value, self->total_bytes);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;
    case PROP_ELAPSED:
      g_value_set_double (value, self->elapsed);
      break;
    case PROP_AVERAGE_THROUGHPUT:
      g_value_set_double (value, self->average_throughput);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_batch_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  S3dlioBatch *self = S3DLIO_BATCH (object);

  switch (prop_id)
    {
    case PROP_PREFIX:
      self->prefix = g_value_dup_object (value);
      break;
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;
    case PROP_MAX_CONCURRENT:
      s3dlio_batch_set_max_concurrent (self, g_value_get_uint (value));
      break;
    case PROP_KEEP_GOING:
      s3dlio_batch_set_keep_going (self, g_value_get_boolean (value));
      break;
    case PROP_KEEP_FINISHED:
      s3dlio_batch_set_keep_finished (self, g_value_get_boolean (value));
      break;
    case PROP_PROGRESS_INTERVAL:
      s3dlio_batch_set_progress_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STATUS_FLAGS (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define OPTION_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
s3dlio_batch_class_init (S3dlioBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_batch_finalize;
  object_class->get_property = s3dlio_batch_get_property;
  object_class->set_property = s3dlio_batch_set_property;

  /**
   * S3dlioBatch:prefix:
   *
   * The prefix in the store: what a download copies, or where an upload
   * writes. A prefix that does not end with `/` is taken as if it did:
   * `s3://bucket/data` is the "directory" `s3://bucket/data/`.
   */
  properties[PROP_PREFIX] =
    g_param_spec_object ("prefix", NULL, NULL, S3DLIO_TYPE_URI,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioBatch:directory:
   *
   * The local directory: where a download writes (it is created if
   * needed), or what an upload reads.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * S3dlioBatch:max-concurrent:
   *
   * How many objects are transferred at the same time, from 1 to 1024
   * (default 4). Each download is itself split into parts as the config
   * says, so a few large objects still use many connections.
   */
  properties[PROP_MAX_CONCURRENT] =
    g_param_spec_uint ("max-concurrent", NULL, NULL, 1, 1024, DEFAULT_MAX_CONCURRENT,
                       OPTION_FLAGS);

  /**
   * S3dlioBatch:keep-going:
   *
   * Whether a failed or refused object leaves the others to go on (the
   * default): the batch then fails at the end with the number of failures
   * and the first error, and every failure is in its
   * [class@S3dlio.BatchItem]. When %FALSE, a refused key stops the batch
   * before anything is written, and the first failure cancels the
   * transfers under way (which leave nothing behind).
   */
  properties[PROP_KEEP_GOING] =
    g_param_spec_boolean ("keep-going", NULL, NULL, TRUE, OPTION_FLAGS);

  /**
   * S3dlioBatch:keep-finished:
   *
   * Whether the objects done stay in [method@S3dlio.Batch.get_items] (the
   * default), each with its [class@S3dlio.Transfer]: what a window that
   * shows the whole batch wants, at under a kilobyte per object.
   *
   * When %FALSE, an object done is removed from the items right after
   * [signal@S3dlio.Batch::item-finished] was emitted for it, and only the
   * counters remember it: what the batch holds no longer grows with the
   * objects done. Objects that failed or were cancelled stay, so that they
   * can be reported at the end, and so do the ones not started yet. A
   * change while the batch runs applies to the objects that finish next.
   */
  properties[PROP_KEEP_FINISHED] =
    g_param_spec_boolean ("keep-finished", NULL, NULL, TRUE, OPTION_FLAGS);

  /**
   * S3dlioBatch:progress-interval:
   *
   * How often, in milliseconds, the counters are refreshed and
   * [signal@S3dlio.Batch::progress] is emitted while the batch runs. From
   * 10 to 10000, default 200.
   */
  properties[PROP_PROGRESS_INTERVAL] =
    g_param_spec_uint ("progress-interval", NULL, NULL, 10, 10000,
                       DEFAULT_PROGRESS_INTERVAL_MS, OPTION_FLAGS);

  /**
   * S3dlioBatch:state:
   *
   * Where the batch is in its life. It is done only if every object is.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       S3DLIO_TYPE_TRANSFER_STATE, S3DLIO_TRANSFER_STATE_PENDING,
                       STATUS_FLAGS);

  /**
   * S3dlioBatch:n-objects:
   *
   * How many objects the batch holds, once the source was listed (0
   * before). Refused keys count, and so do the objects done that
   * [property@S3dlio.Batch:keep-finished] dropped from the items.
   */
  properties[PROP_N_OBJECTS] =
    g_param_spec_uint ("n-objects", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:objects-done:
   *
   * How many objects were transferred whole.
   */
  properties[PROP_OBJECTS_DONE] =
    g_param_spec_uint ("objects-done", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:objects-failed:
   *
   * How many objects failed or were refused.
   */
  properties[PROP_OBJECTS_FAILED] =
    g_param_spec_uint ("objects-failed", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:objects-in-flight:
   *
   * How many objects are being transferred now; never more than
   * [property@S3dlio.Batch:max-concurrent].
   */
  properties[PROP_OBJECTS_IN_FLIGHT] =
    g_param_spec_uint ("objects-in-flight", NULL, NULL, 0, G_MAXUINT, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:total-bytes:
   *
   * The sum of the listed sizes of all objects, once known.
   */
  properties[PROP_TOTAL_BYTES] =
    g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:bytes-done:
   *
   * The bytes of the objects done, plus those the downloads under way
   * wrote so far. Uploads count when each object is done.
   */
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:elapsed:
   *
   * Seconds since the batch started (until it ended, once it has).
   */
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  /**
   * S3dlioBatch:average-throughput:
   *
   * [property@S3dlio.Batch:bytes-done] per second since the batch started.
   */
  properties[PROP_AVERAGE_THROUGHPUT] =
    g_param_spec_double ("average-throughput", NULL, NULL, 0, G_MAXDOUBLE, 0, STATUS_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * S3dlioBatch::progress:
   * @self: the batch
   *
   * Emitted on the main context the batch was started from, every
   * [property@S3dlio.Batch:progress-interval] milliseconds while it runs
   * and once when it ends, after the counters were refreshed.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * S3dlioBatch::item-started:
   * @self: the batch
   * @item: the object whose transfer starts
   *
   * Emitted when the transfer of an object starts. For a download,
   * [property@S3dlio.BatchItem:transfer] is set already: connect to its
   * progress here.
   */
  signals[ITEM_STARTED] =
    g_signal_new ("item-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, S3DLIO_TYPE_BATCH_ITEM);

  /**
   * S3dlioBatch::item-finished:
   * @self: the batch
   * @item: the object whose transfer ended
   *
   * Emitted when an object is done, failed or was cancelled, and for every
   * key refused before anything started (without
   * [signal@S3dlio.Batch::item-started]): see
   * [property@S3dlio.BatchItem:state] and
   * [property@S3dlio.BatchItem:error].
   */
  signals[ITEM_FINISHED] =
    g_signal_new ("item-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, S3DLIO_TYPE_BATCH_ITEM);
}

static void
clear_running (gpointer data)
{
  Running *running = data;

  g_clear_object (&running->item);
}

static void
s3dlio_batch_init (S3dlioBatch *self)
{
  self->max_concurrent = DEFAULT_MAX_CONCURRENT;
  self->keep_going = TRUE;
  self->keep_finished = TRUE;
  self->progress_interval = DEFAULT_PROGRESS_INTERVAL_MS;
  self->items = g_list_store_new (S3DLIO_TYPE_BATCH_ITEM);
  self->running = g_array_new (FALSE, FALSE, sizeof (Running));
  g_array_set_clear_func (self->running, clear_running);
}

/**
 * s3dlio_batch_new:
 * @prefix: the prefix in the store (an `s3://` or `file://` URI)
 * @directory: (type filename): the local directory
 *
 * Creates a batch between @prefix and @directory. Run it one way or the
 * other with [method@S3dlio.ObjectStore.download_recursive_async] or
 * [method@S3dlio.ObjectStore.upload_recursive_async].
 *
 * Returns: (transfer full): a new #S3dlioBatch
 */
S3dlioBatch *
s3dlio_batch_new (S3dlioUri  *prefix,
                  const char *directory)
{
  g_return_val_if_fail (S3DLIO_IS_URI (prefix), NULL);
  g_return_val_if_fail (directory != NULL && *directory != '\0', NULL);

  return g_object_new (S3DLIO_TYPE_BATCH, "prefix", prefix, "directory", directory, NULL);
}

/**
 * s3dlio_batch_get_prefix:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:prefix].
 *
 * Returns: (transfer none): the value of [property@S3dlio.Batch:prefix]
 */
S3dlioUri *
s3dlio_batch_get_prefix (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), NULL);

  return self->prefix;
}

/**
 * s3dlio_batch_get_directory:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:directory].
 *
 * Returns: (type filename): the value of [property@S3dlio.Batch:directory]
 */
const char *
s3dlio_batch_get_directory (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), NULL);

  return self->directory;
}

/**
 * s3dlio_batch_get_max_concurrent:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:max-concurrent].
 *
 * Returns: the value of [property@S3dlio.Batch:max-concurrent]
 */
guint
s3dlio_batch_get_max_concurrent (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), DEFAULT_MAX_CONCURRENT);

  return self->max_concurrent;
}

/**
 * s3dlio_batch_set_max_concurrent:
 * @self: a #S3dlioBatch
 * @max_concurrent: from 1 to 1024
 *
 * Sets [property@S3dlio.Batch:max-concurrent]. A change while the batch
 * runs applies to the objects that start next.
 */
void
s3dlio_batch_set_max_concurrent (S3dlioBatch *self,
                                 guint        max_concurrent)
{
  g_return_if_fail (S3DLIO_IS_BATCH (self));
  g_return_if_fail (max_concurrent >= 1 && max_concurrent <= 1024);

  if (self->max_concurrent == max_concurrent)
    return;

  self->max_concurrent = max_concurrent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONCURRENT]);
}

/**
 * s3dlio_batch_get_keep_going:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:keep-going].
 *
 * Returns: the value of [property@S3dlio.Batch:keep-going]
 */
gboolean
s3dlio_batch_get_keep_going (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), TRUE);

  return self->keep_going;
}

/**
 * s3dlio_batch_set_keep_going:
 * @self: a #S3dlioBatch
 * @keep_going: whether failures leave the other objects to go on
 *
 * Sets [property@S3dlio.Batch:keep-going].
 */
void
s3dlio_batch_set_keep_going (S3dlioBatch *self,
                             gboolean     keep_going)
{
  g_return_if_fail (S3DLIO_IS_BATCH (self));

  keep_going = !!keep_going;
  if (self->keep_going == keep_going)
    return;

  self->keep_going = keep_going;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_GOING]);
}

/**
 * s3dlio_batch_get_keep_finished:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:keep-finished].
 *
 * Returns: the value of [property@S3dlio.Batch:keep-finished]
 */
gboolean
s3dlio_batch_get_keep_finished (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), TRUE);

  return self->keep_finished;
}

/**
 * s3dlio_batch_set_keep_finished:
 * @self: a #S3dlioBatch
 * @keep_finished: whether the objects done stay in the items
 *
 * Sets [property@S3dlio.Batch:keep-finished]. A change while the batch
 * runs applies to the objects that finish next.
 */
void
s3dlio_batch_set_keep_finished (S3dlioBatch *self,
                                gboolean     keep_finished)
{
  g_return_if_fail (S3DLIO_IS_BATCH (self));

  keep_finished = !!keep_finished;
  if (self->keep_finished == keep_finished)
    return;

  self->keep_finished = keep_finished;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_FINISHED]);
}

/**
 * s3dlio_batch_get_progress_interval:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:progress-interval].
 *
 * Returns: the value of [property@S3dlio.Batch:progress-interval]
 */
guint
s3dlio_batch_get_progress_interval (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), DEFAULT_PROGRESS_INTERVAL_MS);

  return self->progress_interval;
}

/**
 * s3dlio_batch_set_progress_interval:
 * @self: a #S3dlioBatch
 * @interval_ms: the new interval, from 10 to 10000 ms
 *
 * Sets [property@S3dlio.Batch:progress-interval]. It applies from the
 * next start of a batch.
 */
void
s3dlio_batch_set_progress_interval (S3dlioBatch *self,
                                    guint        interval_ms)
{
  g_return_if_fail (S3DLIO_IS_BATCH (self));
  g_return_if_fail (interval_ms >= 10 && interval_ms <= 10000);

  if (self->progress_interval == interval_ms)
    return;

  self->progress_interval = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_INTERVAL]);
}

/**
 * s3dlio_batch_get_items:
 * @self: a #S3dlioBatch
 *
 * Gets the objects of the batch, in key order, filled in one go once the
 * source was listed. Without [property@S3dlio.Batch:keep-finished], the
 * objects done are removed from it as they finish: at the end, it holds
 * the ones that failed, were cancelled or never started.
 *
 * Returns: (transfer none): a [iface@Gio.ListModel] of
 *   [class@S3dlio.BatchItem]
 */
GListModel *
s3dlio_batch_get_items (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), NULL);

  return G_LIST_MODEL (self->items);
}

/**
 * s3dlio_batch_get_state:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:state].
 *
 * Returns: the value of [property@S3dlio.Batch:state]
 */
S3dlioTransferState
s3dlio_batch_get_state (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), S3DLIO_TRANSFER_STATE_PENDING);

  return self->state;
}

/**
 * s3dlio_batch_get_n_objects:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:n-objects].
 *
 * Returns: the value of [property@S3dlio.Batch:n-objects]
 */
guint
s3dlio_batch_get_n_objects (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->n_objects;
}

/**
 * s3dlio_batch_get_objects_done:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:objects-done].
 *
 * Returns: the value of [property@S3dlio.Batch:objects-done]
 */
guint
s3dlio_batch_get_objects_done (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->objects_done;
}

/**
 * s3dlio_batch_get_objects_failed:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:objects-failed].
 *
 * Returns: the value of [property@S3dlio.Batch:objects-failed]
 */
guint
s3dlio_batch_get_objects_failed (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->objects_failed;
}

/**
 * s3dlio_batch_get_objects_in_flight:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:objects-in-flight].
 *
 * Returns: the value of [property@S3dlio.Batch:objects-in-flight]
 */
guint
s3dlio_batch_get_objects_in_flight (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->objects_in_flight;
}

/**
 * s3dlio_batch_get_total_bytes:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:total-bytes].
 *
 * Returns: the value of [property@S3dlio.Batch:total-bytes]
 */
guint64
s3dlio_batch_get_total_bytes (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->total_bytes;
}

/**
 * s3dlio_batch_get_bytes_done:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:bytes-done].
 *
 * Returns: the value of [property@S3dlio.Batch:bytes-done]
 */
guint64
s3dlio_batch_get_bytes_done (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->bytes_done;
}

/**
 * s3dlio_batch_get_elapsed:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:elapsed].
 *
 * Returns: the value of [property@S3dlio.Batch:elapsed]
 */
double
s3dlio_batch_get_elapsed (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->elapsed;
}

/**
 * s3dlio_batch_get_average_throughput:
 * @self: a #S3dlioBatch
 *
 * Gets the value of [property@S3dlio.Batch:average-throughput].
 *
 * Returns: the value of [property@S3dlio.Batch:average-throughput]
 */
double
s3dlio_batch_get_average_throughput (S3dlioBatch *self)
{
  g_return_val_if_fail (S3DLIO_IS_BATCH (self), 0);

  return self->average_throughput;
}

/* Private API for the recursive transfers. */

#define SET_AND_NOTIFY(field, value, prop)                                \
  G_STMT_START {                                                          \
    if (self->field != (value))                                           \
      {                                                                   \
        self->field = (value);                                            \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);     \
      }                                                                   \
  } G_STMT_END

/* The bytes of the objects done, and what the downloads under way have. */
static void
refresh_bytes (S3dlioBatch *self)
{
  guint64 bytes = self->finished_bytes;
  double elapsed;

  for (guint i = 0; i < self->running->len; i++)
    {
      Running *running = &g_array_index (self->running, Running, i);
      S3dlioTransfer *transfer = s3dlio_batch_item_get_transfer (running->item);

      if (transfer != NULL && !running->finishing)
        bytes += s3dlio_transfer_get_bytes_done (transfer);
    }

  elapsed = (g_get_monotonic_time () - self->start_time) / (double) G_USEC_PER_SEC;

  g_object_freeze_notify (G_OBJECT (self));
  SET_AND_NOTIFY (bytes_done, bytes, PROP_BYTES_DONE);
  SET_AND_NOTIFY (elapsed, elapsed, PROP_ELAPSED);
  if (elapsed > 0)
    SET_AND_NOTIFY (average_throughput, bytes / elapsed, PROP_AVERAGE_THROUGHPUT);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
progress_tick (gpointer data)
{
  S3dlioBatch *self = data;

  refresh_bytes (self);
  g_signal_emit (self, signals[PROGRESS], 0);
  return G_SOURCE_CONTINUE;
}

gboolean
_s3dlio_batch_begin (S3dlioBatch   *self,
                     GMainContext  *context,
                     GError       **error)
{
  if (self->state != S3DLIO_TRANSFER_STATE_PENDING)
    {
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                           _("This batch has already been run; make a new one"));
      return FALSE;
    }

  self->start_time = g_get_monotonic_time ();
  SET_AND_NOTIFY (state, S3DLIO_TRANSFER_STATE_RUNNING, PROP_STATE);

  /* No reference: the running operation holds the batch and stops the
   * source at its end. */
  self->progress_source = g_timeout_source_new (self->progress_interval);
  g_source_set_callback (self->progress_source, progress_tick, self, NULL);
  g_source_set_static_name (self->progress_source, "[s3dlio] batch progress");
  g_source_attach (self->progress_source, context);

  return TRUE;
}

void
_s3dlio_batch_set_items (S3dlioBatch *self,
                         GPtrArray   *items)
{
  guint64 total = 0;
  guint refused = 0;

  g_return_if_fail (g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0);

  for (guint i = 0; i < items->len; i++)
    {
      S3dlioBatchItem *item = g_ptr_array_index (items, i);

      _s3dlio_batch_item_set_index (item, i);
      total += s3dlio_batch_item_get_size (item);
      if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_FAILED)
        refused++;
    }

  g_list_store_splice (self->items, 0, 0, items->pdata, items->len);

  g_object_freeze_notify (G_OBJECT (self));
  SET_AND_NOTIFY (n_objects, items->len, PROP_N_OBJECTS);
  SET_AND_NOTIFY (total_bytes, total, PROP_TOTAL_BYTES);
  SET_AND_NOTIFY (objects_failed, self->objects_failed + refused, PROP_OBJECTS_FAILED);
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < items->len; i++)
    {
      S3dlioBatchItem *item = g_ptr_array_index (items, i);

      if (s3dlio_batch_item_get_state (item) == S3DLIO_TRANSFER_STATE_FAILED)
        g_signal_emit (self, signals[ITEM_FINISHED], 0, item);
    }
}

void
_s3dlio_batch_item_started (S3dlioBatch     *self,
                            S3dlioBatchItem *item)
{
  /* Every item dropped so far started before this one, so came before it
   * in the model. */
  Running running = {
    g_object_ref (item),
    _s3dlio_batch_item_get_index (item) - self->n_dropped,
    FALSE,
  };

  g_array_append_val (self->running, running);
  _s3dlio_batch_item_set_state (item, S3DLIO_TRANSFER_STATE_RUNNING);
  SET_AND_NOTIFY (objects_in_flight, self->objects_in_flight + 1, PROP_OBJECTS_IN_FLIGHT);
  g_signal_emit (self, signals[ITEM_STARTED], 0, item);
}

static guint
find_running (S3dlioBatch     *self,
              S3dlioBatchItem *item)
{
  for (guint i = 0; i < self->running->len; i++)
    if (g_array_index (self->running, Running, i).item == item)
      return i;

  return G_MAXUINT;
}

/* Removes the item at @position from the model; the running items after
 * it move up by one. */
static void
drop_item (S3dlioBatch *self,
           guint        position)
{
  for (guint i = 0; i < self->running->len; i++)
    {
      Running *running = &g_array_index (self->running, Running, i);

      if (running->position > position)
        running->position--;
    }

  self->n_dropped++;
  g_list_store_remove (self->items, position);
}

void
_s3dlio_batch_item_finished (S3dlioBatch     *self,
                             S3dlioBatchItem *item,
                             const GError    *error)
{
  g_autoptr(S3dlioBatchItem) ref = g_object_ref (item);
  S3dlioTransfer *transfer = s3dlio_batch_item_get_transfer (item);
  guint index = find_running (self, item);
  guint position;

  g_return_if_fail (index != G_MAXUINT);

  /* It stays among the running ones, where its position is kept up to
   * date, until the handlers of item-finished (which may end others) ran. */
  g_array_index (self->running, Running, index).finishing = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  SET_AND_NOTIFY (objects_in_flight, self->objects_in_flight - 1, PROP_OBJECTS_IN_FLIGHT);
  if (error == NULL)
    {
      self->finished_bytes += transfer ? s3dlio_transfer_get_length (transfer)
                                       : s3dlio_batch_item_get_size (item);
      SET_AND_NOTIFY (objects_done, self->objects_done + 1, PROP_OBJECTS_DONE);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      SET_AND_NOTIFY (objects_failed, self->objects_failed + 1, PROP_OBJECTS_FAILED);
    }
  refresh_bytes (self);
  g_object_thaw_notify (G_OBJECT (self));

  _s3dlio_batch_item_set_error (item, error);
  if (error == NULL)
    _s3dlio_batch_item_set_state (item, S3DLIO_TRANSFER_STATE_DONE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _s3dlio_batch_item_set_state (item, S3DLIO_TRANSFER_STATE_CANCELLED);
  else
    _s3dlio_batch_item_set_state (item, S3DLIO_TRANSFER_STATE_FAILED);

  g_signal_emit (self, signals[ITEM_FINISHED], 0, item);

  index = find_running (self, item);
  position = g_array_index (self->running, Running, index).position;
  g_array_remove_index_fast (self->running, index);
  if (error == NULL && !self->keep_finished)
    drop_item (self, position);
}

void
_s3dlio_batch_end (S3dlioBatch  *self,
                   const GError *error)
{
  S3dlioTransferState state;

  stop_progress (self);

  if (error == NULL)
    state = S3DLIO_TRANSFER_STATE_DONE;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    state = S3DLIO_TRANSFER_STATE_CANCELLED;
  else
    state = S3DLIO_TRANSFER_STATE_FAILED;

  g_object_freeze_notify (G_OBJECT (self));
  refresh_bytes (self);
  SET_AND_NOTIFY (state, state, PROP_STATE);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[PROGRESS], 0);
}
