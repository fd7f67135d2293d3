/* s3dlio-server-fault.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-server"

#include "config.h"

#include "s3dlio-enum-types.h"
#include "s3dlio-server-fault-private.h"

/**
 * S3dlioServerFault:
 *
 * A fault that an [class@S3dlio.Server] injects into the requests it
 * matches, so that tests can check how a client copes with throttling,
 * server errors, reset or stalled connections, short bodies, wrong
 * `Content-Range` headers and objects that change while they are read.
 *
 * A fault matches a request when every criterion that is set holds: the
 * HTTP method ([property@S3dlio.ServerFault:method]), a glob on the object
 * key ([property@S3dlio.ServerFault:key-pattern], in the syntax of
 * `GPatternSpec`), whether the request has a `Range` header
 * ([property@S3dlio.ServerFault:only-ranged]) and where that range starts
 * ([property@S3dlio.ServerFault:range-start]).
 *
 * The first [property@S3dlio.ServerFault:skip] matching requests are left
 * alone; the fault then fires on the next
 * [property@S3dlio.ServerFault:count] matching requests, or on all of them
 * when the count is 0. [method@S3dlio.ServerFault.get_hits] tells how often
 * it fired. When several faults match a request, the first one added to the
 * server that fires wins.
 *
 * Configure a fault from one thread; the server only reads it under a lock.
 */

struct _S3dlioServerFault
{
  GObject parent_instance;

  GMutex lock;

  S3dlioFaultKind kind;
  char *method;
  char *key_pattern;
  GPatternSpec *key_spec;
  gboolean only_ranged;
  gint64 range_start;
  guint skip;
  guint count;
  guint status;
  char *s3_code;
  guint64 after_bytes;
  guint stall_ms;
  GBytes *replacement;

  guint seen;
  guint hits;
};

G_DEFINE_FINAL_TYPE (S3dlioServerFault, s3dlio_server_fault, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_METHOD,
  PROP_KEY_PATTERN,
  PROP_ONLY_RANGED,
  PROP_RANGE_START,
  PROP_SKIP,
  PROP_COUNT,
  PROP_STATUS,
  PROP_S3_CODE,
  PROP_AFTER_BYTES,
  PROP_STALL_MS,
  PROP_REPLACEMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_STATUS 503
#define DEFAULT_STALL_MS 1000

static void
s3dlio_server_fault_finalize (GObject *object)
{
  S3dlioServerFault *self = S3DLIO_SERVER_FAULT (object);

  g_free (self->method);
  g_free (self->key_pattern);
  g_clear_pointer (&self->key_spec, g_pattern_spec_free);
  g_free (self->s3_code);
  g_clear_pointer (&self->replacement, g_bytes_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (s3dlio_server_fault_parent_class)->finalize (object);
}

static void
s3dlio_server_fault_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  S3dlioServerFault *self = S3DLIO_SERVER_FAULT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_KEY_PATTERN:
      g_value_set_string (value, self->key_pattern);
      break;
    case PROP_ONLY_RANGED:
      g_value_set_boolean (value, self->only_ranged);
      break;
    case PROP_RANGE_START:
      g_value_set_int64 (value, self->range_start);
      break;
    case PROP_SKIP:
      g_value_set_uint (value, self->skip);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_STATUS:
      g_value_set_uint (value, self->status);
      break;
    case PROP_S3_CODE:
      g_value_set_string (value, self->s3_code);
      break;
    case PROP_AFTER_BYTES:
      g_value_set_uint64 (value, self->after_bytes);
      break;
    case PROP_STALL_MS:
      g_value_set_uint (value, self->stall_ms);
      break;
    case PROP_REPLACEMENT:
      g_value_set_boxed (value, self->replacement);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_server_fault_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  S3dlioServerFault *self = S3DLIO_SERVER_FAULT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      /* construct-only */
      self->kind = g_value_get_enum (value);
      break;
    case PROP_METHOD:
      s3dlio_server_fault_set_method (self, g_value_get_string (value));
      break;
    case PROP_KEY_PATTERN:
      s3dlio_server_fault_set_key_pattern (self, g_value_get_string (value));
      break;
    case PROP_ONLY_RANGED:
      s3dlio_server_fault_set_only_ranged (self, g_value_get_boolean (value));
      break;
    case PROP_RANGE_START:
      s3dlio_server_fault_set_range_start (self, g_value_get_int64 (value));
      break;
    case PROP_SKIP:
      s3dlio_server_fault_set_skip (self, g_value_get_uint (value));
      break;
    case PROP_COUNT:
      s3dlio_server_fault_set_count (self, g_value_get_uint (value));
      break;
    case PROP_STATUS:
      s3dlio_server_fault_set_status (self, g_value_get_uint (value));
      break;
    case PROP_S3_CODE:
      s3dlio_server_fault_set_s3_code (self, g_value_get_string (value));
      break;
    case PROP_AFTER_BYTES:
      s3dlio_server_fault_set_after_bytes (self, g_value_get_uint64 (value));
      break;
    case PROP_STALL_MS:
      s3dlio_server_fault_set_stall_ms (self, g_value_get_uint (value));
      break;
    case PROP_REPLACEMENT:
      s3dlio_server_fault_set_replacement (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_server_fault_class_init (S3dlioServerFaultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_server_fault_finalize;
  object_class->get_property = s3dlio_server_fault_get_property;
  object_class->set_property = s3dlio_server_fault_set_property;

  /**
   * S3dlioServerFault:kind:
   *
   * What the fault does when it fires.
   */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       S3DLIO_TYPE_FAULT_KIND, S3DLIO_FAULT_KIND_STATUS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:method:
   *
   * The HTTP method (such as `GET`) of the requests the fault matches, or
   * %NULL for any method.
   */
  properties[PROP_METHOD] =
    g_param_spec_string ("method", NULL, NULL, NULL,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:key-pattern:
   *
   * A `GPatternSpec` glob (`*` and `?`) the object key of a request must
   * match, or %NULL for any request, including those that name no object.
   */
  properties[PROP_KEY_PATTERN] =
    g_param_spec_string ("key-pattern", NULL, NULL, NULL,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:only-ranged:
   *
   * Whether the fault only matches requests with a `Range` header.
   */
  properties[PROP_ONLY_RANGED] =
    g_param_spec_boolean ("only-ranged", NULL, NULL, FALSE,
                          G_PARAM_READWRITE |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:range-start:
   *
   * The first byte position the `Range` header of a request must name
   * (`bytes=START-…`), or -1 for any request.
   */
  properties[PROP_RANGE_START] =
    g_param_spec_int64 ("range-start", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:skip:
   *
   * How many matching requests to leave alone before the fault fires.
   */
  properties[PROP_SKIP] =
    g_param_spec_uint ("skip", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:count:
   *
   * How many times the fault fires, or 0 to fire on every matching request
   * after the skipped ones.
   */
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:status:
   *
   * The HTTP status a [enum@S3dlio.FaultKind.STATUS] fault answers with.
   */
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 100, 599, DEFAULT_STATUS,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:s3-code:
   *
   * The S3 error code (such as `SlowDown`) a [enum@S3dlio.FaultKind.STATUS]
   * fault puts in its error document, or %NULL for the usual code of
   * [property@S3dlio.ServerFault:status].
   */
  properties[PROP_S3_CODE] =
    g_param_spec_string ("s3-code", NULL, NULL, NULL,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:after-bytes:
   *
   * How many bytes of the body a [enum@S3dlio.FaultKind.RESET],
   * [enum@S3dlio.FaultKind.STALL] or [enum@S3dlio.FaultKind.SHORT_BODY]
   * fault sends before it acts.
   */
  properties[PROP_AFTER_BYTES] =
    g_param_spec_uint64 ("after-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:stall-ms:
   *
   * How long, in milliseconds, a [enum@S3dlio.FaultKind.STALL] fault sends
   * nothing before it closes the connection, or a
   * [enum@S3dlio.FaultKind.DELAY] fault holds the response.
   */
  properties[PROP_STALL_MS] =
    g_param_spec_uint ("stall-ms", NULL, NULL, 0, G_MAXUINT, DEFAULT_STALL_MS,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServerFault:replacement:
   *
   * The new content a [enum@S3dlio.FaultKind.REPLACE_OBJECT] fault gives the
   * object.
   */
  properties[PROP_REPLACEMENT] =
    g_param_spec_boxed ("replacement", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_server_fault_init (S3dlioServerFault *self)
{
  g_mutex_init (&self->lock);
  self->range_start = -1;
  self->status = DEFAULT_STATUS;
  self->stall_ms = DEFAULT_STALL_MS;
}

/**
 * s3dlio_server_fault_new:
 * @kind: what the fault does
 *
 * Creates a fault that matches every request and fires on each of them;
 * narrow it down with the setters before adding it to a server with
 * [method@S3dlio.Server.add_fault].
 *
 * Returns: (transfer full): a new fault
 */
S3dlioServerFault *
s3dlio_server_fault_new (S3dlioFaultKind kind)
{
  return g_object_new (S3DLIO_TYPE_SERVER_FAULT, "kind", kind, NULL);
}

/**
 * s3dlio_server_fault_get_kind:
 * @self: a fault
 *
 * Gets the kind of the fault.
 *
 * Returns: what the fault does
 */
S3dlioFaultKind
s3dlio_server_fault_get_kind (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), S3DLIO_FAULT_KIND_STATUS);

  return self->kind;
}

/* Replaces the string at @field under the lock; returns whether it changed. */
static gboolean
replace_string (S3dlioServerFault  *self,
                char              **field,
                const char         *value)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = g_strcmp0 (*field, value) != 0;
  if (changed)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
  g_mutex_unlock (&self->lock);

  return changed;
}

/* Sets a numeric field under the lock and notifies when it changed. */
#define SET_FIELD(self, field, value, prop)                                 \
  G_STMT_START {                                                            \
    gboolean changed_;                                                      \
    g_mutex_lock (&(self)->lock);                                           \
    changed_ = (self)->field != (value);                                    \
    (self)->field = (value);                                                \
    g_mutex_unlock (&(self)->lock);                                         \
    if (changed_)                                                           \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);         \
  } G_STMT_END

/**
 * s3dlio_server_fault_get_method:
 * @self: a fault
 *
 * Gets the HTTP method the fault matches.
 *
 * Returns: (nullable): the HTTP method the fault matches, or %NULL for any
 */
const char *
s3dlio_server_fault_get_method (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), NULL);

  return self->method;
}

/**
 * s3dlio_server_fault_set_method:
 * @self: a fault
 * @method: (nullable): an HTTP method such as `GET`, or %NULL for any
 *
 * Sets the HTTP method of the requests the fault matches.
 */
void
s3dlio_server_fault_set_method (S3dlioServerFault *self,
                                const char        *method)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  if (replace_string (self, &self->method, method))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METHOD]);
}

/**
 * s3dlio_server_fault_get_key_pattern:
 * @self: a fault
 *
 * Gets the pattern of the object keys the fault matches.
 *
 * Returns: (nullable): the glob object keys must match, or %NULL for any
 *   request
 */
const char *
s3dlio_server_fault_get_key_pattern (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), NULL);

  return self->key_pattern;
}

/**
 * s3dlio_server_fault_set_key_pattern:
 * @self: a fault
 * @key_pattern: (nullable): a `GPatternSpec` glob, or %NULL for any request
 *
 * Sets the glob that the object key of a request must match. A request that
 * names no object (a listing, a bucket operation) matches no pattern.
 */
void
s3dlio_server_fault_set_key_pattern (S3dlioServerFault *self,
                                     const char        *key_pattern)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  g_mutex_lock (&self->lock);
  if (g_strcmp0 (self->key_pattern, key_pattern) == 0)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  g_free (self->key_pattern);
  self->key_pattern = g_strdup (key_pattern);
  g_clear_pointer (&self->key_spec, g_pattern_spec_free);
  if (key_pattern != NULL)
    self->key_spec = g_pattern_spec_new (key_pattern);
  g_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_PATTERN]);
}

/**
 * s3dlio_server_fault_get_only_ranged:
 * @self: a fault
 *
 * Tells whether the fault matches only ranged requests.
 *
 * Returns: whether the fault only matches requests with a `Range` header
 */
gboolean
s3dlio_server_fault_get_only_ranged (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), FALSE);

  return self->only_ranged;
}

/**
 * s3dlio_server_fault_set_only_ranged:
 * @self: a fault
 * @only_ranged: %TRUE to match only requests with a `Range` header
 *
 * Restricts the fault to ranged requests.
 */
void
s3dlio_server_fault_set_only_ranged (S3dlioServerFault *self,
                                     gboolean           only_ranged)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  SET_FIELD (self, only_ranged, !!only_ranged, PROP_ONLY_RANGED);
}

/**
 * s3dlio_server_fault_get_range_start:
 * @self: a fault
 *
 * Gets the range start the fault matches.
 *
 * Returns: the first byte position a request's range must name, or -1
 */
gint64
s3dlio_server_fault_get_range_start (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), -1);

  return self->range_start;
}

/**
 * s3dlio_server_fault_set_range_start:
 * @self: a fault
 * @range_start: a byte position, or -1 for any request
 *
 * Restricts the fault to requests whose `Range` header starts at
 * @range_start (`bytes=START-` or `bytes=START-END`). Suffix ranges
 * (`bytes=-N`) match no position.
 */
void
s3dlio_server_fault_set_range_start (S3dlioServerFault *self,
                                     gint64             range_start)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));
  g_return_if_fail (range_start >= -1);

  SET_FIELD (self, range_start, range_start, PROP_RANGE_START);
}

/**
 * s3dlio_server_fault_get_skip:
 * @self: a fault
 *
 * Gets how many matching requests pass before the fault fires.
 *
 * Returns: how many matching requests are left alone before the fault fires
 */
guint
s3dlio_server_fault_get_skip (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  return self->skip;
}

/**
 * s3dlio_server_fault_set_skip:
 * @self: a fault
 * @skip: how many matching requests to leave alone
 *
 * Makes the fault fire only after @skip matching requests went through.
 */
void
s3dlio_server_fault_set_skip (S3dlioServerFault *self,
                              guint              skip)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  SET_FIELD (self, skip, skip, PROP_SKIP);
}

/**
 * s3dlio_server_fault_get_count:
 * @self: a fault
 *
 * Gets how many times the fault fires.
 *
 * Returns: how many times the fault fires, 0 meaning without end
 */
guint
s3dlio_server_fault_get_count (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  return self->count;
}

/**
 * s3dlio_server_fault_set_count:
 * @self: a fault
 * @count: how many times the fault fires, or 0 for every matching request
 *
 * Limits how often the fault fires.
 */
void
s3dlio_server_fault_set_count (S3dlioServerFault *self,
                               guint              count)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  SET_FIELD (self, count, count, PROP_COUNT);
}

/**
 * s3dlio_server_fault_get_status:
 * @self: a fault
 *
 * Gets the HTTP status a status fault answers with.
 *
 * Returns: the HTTP status of a [enum@S3dlio.FaultKind.STATUS] fault
 */
guint
s3dlio_server_fault_get_status (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  return self->status;
}

/**
 * s3dlio_server_fault_set_status:
 * @self: a fault
 * @status: an HTTP status between 100 and 599
 *
 * Sets the status a [enum@S3dlio.FaultKind.STATUS] fault answers with.
 */
void
s3dlio_server_fault_set_status (S3dlioServerFault *self,
                                guint              status)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));
  g_return_if_fail (status >= 100 && status <= 599);

  SET_FIELD (self, status, status, PROP_STATUS);
}

/**
 * s3dlio_server_fault_get_s3_code:
 * @self: a fault
 *
 * Gets the S3 error code a status fault answers with.
 *
 * Returns: (nullable): the S3 error code of a [enum@S3dlio.FaultKind.STATUS]
 *   fault, or %NULL for the usual code of its status
 */
const char *
s3dlio_server_fault_get_s3_code (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), NULL);

  return self->s3_code;
}

/**
 * s3dlio_server_fault_set_s3_code:
 * @self: a fault
 * @s3_code: (nullable): an S3 error code such as `SlowDown`, or %NULL
 *
 * Sets the S3 error code a [enum@S3dlio.FaultKind.STATUS] fault puts in its
 * error document. With %NULL the code follows the status: 500
 * `InternalError`, 503 `SlowDown`, 403 `AccessDenied`, and so on.
 */
void
s3dlio_server_fault_set_s3_code (S3dlioServerFault *self,
                                 const char        *s3_code)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  if (replace_string (self, &self->s3_code, s3_code))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_S3_CODE]);
}

/**
 * s3dlio_server_fault_get_after_bytes:
 * @self: a fault
 *
 * Gets how far into the body the fault acts.
 *
 * Returns: how many body bytes are sent before the fault acts
 */
guint64
s3dlio_server_fault_get_after_bytes (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  return self->after_bytes;
}

/**
 * s3dlio_server_fault_set_after_bytes:
 * @self: a fault
 * @after_bytes: a number of body bytes
 *
 * Sets how many bytes of the body a [enum@S3dlio.FaultKind.RESET],
 * [enum@S3dlio.FaultKind.STALL] or [enum@S3dlio.FaultKind.SHORT_BODY] fault
 * sends before it acts.
 */
void
s3dlio_server_fault_set_after_bytes (S3dlioServerFault *self,
                                     guint64            after_bytes)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  SET_FIELD (self, after_bytes, after_bytes, PROP_AFTER_BYTES);
}

/**
 * s3dlio_server_fault_get_stall_ms:
 * @self: a fault
 *
 * Gets how long a stall fault stalls, or a delay fault holds the response.
 *
 * Returns: how long a [enum@S3dlio.FaultKind.STALL] fault stalls, or a
 *   [enum@S3dlio.FaultKind.DELAY] fault holds the response, in milliseconds
 */
guint
s3dlio_server_fault_get_stall_ms (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  return self->stall_ms;
}

/**
 * s3dlio_server_fault_set_stall_ms:
 * @self: a fault
 * @stall_ms: a duration in milliseconds
 *
 * Sets how long a [enum@S3dlio.FaultKind.STALL] fault sends nothing before it
 * closes the connection, or a [enum@S3dlio.FaultKind.DELAY] fault holds the
 * response. Neither holds up other requests.
 */
void
s3dlio_server_fault_set_stall_ms (S3dlioServerFault *self,
                                  guint              stall_ms)
{
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  SET_FIELD (self, stall_ms, stall_ms, PROP_STALL_MS);
}

/**
 * s3dlio_server_fault_get_replacement:
 * @self: a fault
 *
 * Gets the content a replacing fault gives the object.
 *
 * Returns: (transfer none) (nullable): the content a
 *   [enum@S3dlio.FaultKind.REPLACE_OBJECT] fault gives the object
 */
GBytes *
s3dlio_server_fault_get_replacement (S3dlioServerFault *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), NULL);

  return self->replacement;
}

/**
 * s3dlio_server_fault_set_replacement:
 * @self: a fault
 * @replacement: (nullable): the object's new content
 *
 * Sets the content a [enum@S3dlio.FaultKind.REPLACE_OBJECT] fault stores
 * under the requested key right before the server answers. A fault without
 * replacement stores the old content with its first byte changed (or one
 * byte for an empty object), so that the ETag changes; it leaves a missing
 * object missing.
 */
void
s3dlio_server_fault_set_replacement (S3dlioServerFault *self,
                                     GBytes            *replacement)
{
  gboolean changed;

  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (self));

  g_mutex_lock (&self->lock);
  changed = self->replacement != replacement;
  if (changed)
    {
      g_clear_pointer (&self->replacement, g_bytes_unref);
      self->replacement = replacement ? g_bytes_ref (replacement) : NULL;
    }
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLACEMENT]);
}

/**
 * s3dlio_server_fault_get_hits:
 * @self: a fault
 *
 * Tells how many times the fault fired. Safe to call while the server runs.
 *
 * Returns: the number of requests the fault acted on
 */
guint
s3dlio_server_fault_get_hits (S3dlioServerFault *self)
{
  guint hits;

  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), 0);

  g_mutex_lock (&self->lock);
  hits = self->hits;
  g_mutex_unlock (&self->lock);

  return hits;
}

void
_s3dlio_server_fault_action_clear (S3dlioServerFaultAction *action)
{
  g_clear_pointer (&action->s3_code, g_free);
  g_clear_pointer (&action->replacement, g_bytes_unref);
}

const char *
_s3dlio_server_fault_default_s3_code (guint status)
{
  switch (status)
    {
    case 400: return "InvalidRequest";
    case 403: return "AccessDenied";
    case 404: return "NoSuchKey";
    case 408: return "RequestTimeout";
    case 409: return "OperationAborted";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 500: return "InternalError";
    case 501: return "NotImplemented";
    case 503: return "SlowDown";
    default:  return status >= 500 ? "InternalError" : "InvalidRequest";
    }
}

static gboolean
matches_locked (S3dlioServerFault *self,
                const char        *method,
                const char        *key,
                gboolean           ranged,
                gint64             range_start)
{
  if (self->method != NULL && g_ascii_strcasecmp (self->method, method) != 0)
    return FALSE;
  if (self->key_spec != NULL &&
      (key == NULL || !g_pattern_spec_match_string (self->key_spec, key)))
    return FALSE;
  if (self->only_ranged && !ranged)
    return FALSE;
  if (self->range_start >= 0 && self->range_start != range_start)
    return FALSE;

  return TRUE;
}

gboolean
_s3dlio_server_fault_try_fire (S3dlioServerFault       *self,
                               const char              *method,
                               const char              *key,
                               gboolean                 ranged,
                               gint64                   range_start,
                               S3dlioServerFaultAction *action)
{
  gboolean fire = FALSE;

  g_return_val_if_fail (S3DLIO_IS_SERVER_FAULT (self), FALSE);

  g_mutex_lock (&self->lock);
  if (matches_locked (self, method, key, ranged, range_start))
    {
      self->seen++;
      fire = self->seen > self->skip && (self->count == 0 || self->hits < self->count);
    }
  if (fire)
    {
      self->hits++;
      action->kind = self->kind;
      action->status = self->status;
      action->s3_code = g_strdup (self->s3_code != NULL
                                  ? self->s3_code
                                  : _s3dlio_server_fault_default_s3_code (self->status));
      action->after_bytes = self->after_bytes;
      action->stall_ms = self->stall_ms;
      action->replacement = self->replacement ? g_bytes_ref (self->replacement) : NULL;
    }
  g_mutex_unlock (&self->lock);

  return fire;
}
