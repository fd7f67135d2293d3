/* s3dlio-session-pool.c: libsoup sessions on worker threads
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-context-private.h"
#include "s3dlio-session-pool-private.h"

/* A SoupSession runs its async I/O in the thread-default main context of
 * the thread that sends. With one session per worker thread, each with its
 * own context, sends and body reads of a ranged download spread over the
 * cores instead of queueing on the caller's main loop.
 *
 * The settings the sessions were made with (connection limits, timeouts,
 * thread count) are fixed for the life of the pool: libsoup makes the
 * connection limits construct-only. The client builds a new pool when they
 * change; a pool lives as long as an operation holds a reference. */

struct _S3dlioWorker
{
  S3dlioSessionPool *pool;     /* unowned */
  guint              index;
  GThread           *thread;
  GMainContext      *context;
  GMainLoop         *loop;
  SoupSession       *session;
  GHashTable        *sockets;  /* connection id → GWeakRef to its GSocket; worker thread only */
  guint              n_queued; /* messages in the session's queue; worker thread only */
  GSource           *reaper;   /* closes idle connections; worker thread only */
  guint              idle_timeout_ms;  /* 0: keep idle connections */
  guint              busy_poll_us;     /* 0: sleep in poll() at once */
  gint64             last_ready_us;    /* when poll() last found work; worker thread only */
};

struct _S3dlioSessionPool
{
  GObject        parent_instance;

  /* The settings the sessions were created with. */
  guint          n_workers;
  guint          max_connections;
  guint          max_connections_per_host;
  guint          idle_timeout_ms;
  guint          io_timeout_ms;
  guint          busy_poll_us;
  gboolean       optimized_http;
  GTlsDatabase  *tls_database;

  S3dlioWorker  *workers;
  guint          next_worker;   /* atomic */

  GMutex         ready_mutex;
  GCond          ready_cond;
  guint          n_ready;

  guint          busy_polls_caught;  /* atomic; how often polling found work */
};

G_DEFINE_FINAL_TYPE (S3dlioSessionPool, s3dlio_session_pool, G_TYPE_OBJECT)

/* libsoup counts idle and I/O timeouts in whole seconds; round up so a
 * small non-zero setting never turns into "no timeout". */
static guint
ms_to_seconds_ceil (guint ms)
{
  return (ms + 999) / 1000;
}

static SoupSession *
create_session (S3dlioSessionPool *pool)
{
  SoupSession *session;

  if (!pool->optimized_http)
    {
      /* libsoup's stock settings, for comparison (S3DLIO_USE_OPTIMIZED_HTTP=0). */
      session = soup_session_new ();
    }
  else
    {
      /* No idle timeout in libsoup: the worker closes idle connections
       * itself (see reap_idle_connections()). */
      session = soup_session_new_with_options ("max-conns", pool->max_connections,
                                               "max-conns-per-host", pool->max_connections_per_host,
                                               "timeout", ms_to_seconds_ceil (pool->io_timeout_ms),
                                               "idle-timeout", 0,
                                               NULL);
    }

  soup_session_set_user_agent (session, "s3dlio/" PACKAGE_VERSION);
  if (pool->tls_database != NULL)
    soup_session_set_tls_database (session, pool->tls_database);

  /* Objects are byte streams: never let the content decoder turn a stored
   * gzip object into something else. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);

  return session;
}

/* Plain-HTTP connections: which socket each one reads from.
 *
 * A download waits for body data on the connection's socket itself rather
 * than through libsoup's chain of pollable sources, which GLib 2.74 blocks
 * and unblocks around every dispatch (two eventfd writes and an extra
 * main-loop iteration per wake-up). libsoup names the connection a message
 * went out on (soup_message_get_connection_id()) but hands out its stream
 * only in the network events of a new connection, so the socket is noted
 * there, for every message sent on the worker's session. Only weak
 * references are kept: the connection owns its socket. TLS connections
 * are left out: their socket carries records, not body bytes. */

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static gboolean
socket_is_gone (gpointer key,
                gpointer value,
                gpointer data)
{
  g_autoptr(GSocket) socket = g_weak_ref_get (value);

  return socket == NULL || g_socket_is_closed (socket);
}

static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            data)
{
  S3dlioWorker *worker = data;
  guint64 *id;
  GWeakRef *ref;

  if (event != G_SOCKET_CLIENT_COMPLETE || !G_IS_SOCKET_CONNECTION (connection))
    return;

  g_hash_table_foreach_remove (worker->sockets, socket_is_gone, NULL);

  id = g_new (guint64, 1);
  *id = soup_message_get_connection_id (msg);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)));
  g_hash_table_insert (worker->sockets, id, ref);
}

/* Idle connections.
 *
 * libsoup 3.2 loses a request now and then when it closes idle
 * connections itself: a connection's idle timeout that is due in the same
 * main-loop iteration as a request that takes the connection still fires
 * (GLib dispatches every source found ready, even one whose ready time was
 * reset meanwhile), and closes the connection under the request, which
 * then never completes, not even when cancelled. Seen as downloads that
 * hung for ever near their end, on a busy machine.
 *
 * So the sessions have no idle timeout, and each worker closes its idle
 * connections once its session has had nothing queued for the idle
 * timeout. Everything that queues a message runs on the worker thread, as
 * this does, so no request can be between the check and the close. */

static void stop_reaper (S3dlioWorker *worker);

static gboolean
reap_idle_connections (gpointer data)
{
  S3dlioWorker *worker = data;

  g_clear_pointer (&worker->reaper, g_source_unref);
  if (worker->n_queued == 0)
    {
      /* With nothing queued, this only closes idle connections. */
      soup_session_abort (worker->session);
    }
  return G_SOURCE_REMOVE;
}

static void
start_reaper (S3dlioWorker *worker)
{
  guint idle_timeout_ms = worker->idle_timeout_ms;

  /* Not while the worker shuts down: its session is being aborted, and
   * the pool (worker->pool) may be gone already. */
  if (idle_timeout_ms == 0 || !g_main_loop_is_running (worker->loop))
    return;

  stop_reaper (worker);
  worker->reaper = g_timeout_source_new (idle_timeout_ms);
  g_source_set_callback (worker->reaper, reap_idle_connections, worker, NULL);
  g_source_set_static_name (worker->reaper, "[s3dlio] idle connections");
  g_source_attach (worker->reaper, worker->context);
}

static void
stop_reaper (S3dlioWorker *worker)
{
  if (worker->reaper != NULL)
    {
      g_source_destroy (worker->reaper);
      g_clear_pointer (&worker->reaper, g_source_unref);
    }
}

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *msg,
                   gpointer     data)
{
  S3dlioWorker *worker = data;

  g_signal_connect (msg, "network-event", G_CALLBACK (network_event_cb), data);
  worker->n_queued++;
  stop_reaper (worker);
}

static void
request_unqueued_cb (SoupSession *session,
                     SoupMessage *msg,
                     gpointer     data)
{
  S3dlioWorker *worker = data;

  g_signal_handlers_disconnect_by_func (msg, network_event_cb, data);
  if (--worker->n_queued == 0)
    start_reaper (worker);
}

/* Busy polling (S3dlioConfig:busy-poll-us).
 *
 * GLib calls the poll function with no user data, so the worker running
 * it is found through a thread-local pointer. */
static GPrivate current_worker;

#define BUSY_PERIOD_US 1000  /* poll only while work came this recently */

/* Polls the worker's fds without sleeping for up to busy_poll_us before
 * sleeping in poll() as usual, but only right after a wake-up that found
 * work: an idle worker (no transfer, only its timers) sleeps at once.
 *
 * On a virtual CPU that halts when idle, every wake-up of a sleeping
 * thread is an interrupt the host has to deliver to a descheduled vCPU,
 * which costs the waking side (on loopback, the server) more than the
 * bytes it brings; a worker that is still polling is woken for free. */
static gint
worker_poll (GPollFD *fds,
             guint    n_fds,
             gint     timeout_ms)
{
  S3dlioWorker *worker = g_private_get (&current_worker);
  gint ready;

  if (timeout_ms != 0 && worker != NULL && worker->busy_poll_us > 0 &&
      g_get_monotonic_time () - worker->last_ready_us < BUSY_PERIOD_US)
    {
      gint64 deadline = g_get_monotonic_time () + worker->busy_poll_us;

      do
        {
          ready = g_poll (fds, n_fds, 0);
          if (ready != 0)
            {
              if (ready > 0)
                {
                  worker->last_ready_us = g_get_monotonic_time ();
                  g_atomic_int_inc (&worker->pool->busy_polls_caught);
                }
              return ready;
            }
        }
      while (g_get_monotonic_time () < deadline);
    }

  ready = g_poll (fds, n_fds, timeout_ms);
  if (ready > 0 && worker != NULL)
    worker->last_ready_us = g_get_monotonic_time ();
  return ready;
}

static gpointer
worker_main (gpointer data)
{
  S3dlioWorker *worker = data;
  S3dlioSessionPool *pool = worker->pool;

  g_main_context_push_thread_default (worker->context);
  g_private_set (&current_worker, worker);
  worker->session = create_session (pool);
  worker->sockets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, weak_ref_free);
  g_signal_connect (worker->session, "request-queued", G_CALLBACK (request_queued_cb), worker);
  g_signal_connect (worker->session, "request-unqueued", G_CALLBACK (request_unqueued_cb), worker);

  g_mutex_lock (&pool->ready_mutex);
  pool->n_ready++;
  g_cond_broadcast (&pool->ready_cond);
  g_mutex_unlock (&pool->ready_mutex);

  g_main_loop_run (worker->loop);

  stop_reaper (worker);
  /* Let cancelled requests unwind on this context before the session goes. */
  soup_session_abort (worker->session);
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_clear_object (&worker->session);
  stop_reaper (worker);   /* the abort may have started it again */
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_clear_pointer (&worker->sockets, g_hash_table_unref);

  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  S3dlioWorker *workers;
  guint         n_workers;
} Teardown;

static void
teardown_workers (Teardown *teardown)
{
  for (guint i = 0; i < teardown->n_workers; i++)
    {
      S3dlioWorker *worker = &teardown->workers[i];

      g_thread_join (worker->thread);
      g_main_loop_unref (worker->loop);
      g_main_context_unref (worker->context);
    }
  g_free (teardown->workers);
  g_free (teardown);
}

static gpointer
teardown_thread (gpointer data)
{
  teardown_workers (data);
  return NULL;
}

static gboolean
is_worker_thread_in (Teardown *teardown)
{
  GThread *current = g_thread_self ();

  for (guint i = 0; i < teardown->n_workers; i++)
    if (teardown->workers[i].thread == current)
      return TRUE;
  return FALSE;
}

static void
s3dlio_session_pool_finalize (GObject *object)
{
  S3dlioSessionPool *self = (S3dlioSessionPool *) object;
  Teardown *teardown = g_new0 (Teardown, 1);

  for (guint i = 0; i < self->n_workers; i++)
    g_main_context_invoke (self->workers[i].context, quit_loop, self->workers[i].loop);

  teardown->workers = g_steal_pointer (&self->workers);
  teardown->n_workers = self->n_workers;

  /* The last operation may end on one of our own workers, which cannot
   * join itself: then a helper thread waits for all of them. */
  if (is_worker_thread_in (teardown))
    g_thread_unref (g_thread_new ("s3dlio-pool-teardown", teardown_thread, teardown));
  else
    teardown_workers (teardown);

  g_clear_object (&self->tls_database);
  g_mutex_clear (&self->ready_mutex);
  g_cond_clear (&self->ready_cond);

  G_OBJECT_CLASS (s3dlio_session_pool_parent_class)->finalize (object);
}

static void
s3dlio_session_pool_class_init (S3dlioSessionPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_session_pool_finalize;
}

static void
s3dlio_session_pool_init (S3dlioSessionPool *self)
{
  g_mutex_init (&self->ready_mutex);
  g_cond_init (&self->ready_cond);
}

S3dlioSessionPool *
_s3dlio_session_pool_new (S3dlioConfig *config,
                          GTlsDatabase *tls_database)
{
  S3dlioSessionPool *self;

  g_return_val_if_fail (S3DLIO_IS_CONFIG (config), NULL);

  self = g_object_new (S3DLIO_TYPE_SESSION_POOL, NULL);
  self->n_workers = s3dlio_config_get_worker_threads (config);
  self->max_connections = s3dlio_config_get_max_connections (config);
  self->max_connections_per_host = s3dlio_config_get_max_connections_per_host (config);
  self->idle_timeout_ms = s3dlio_config_get_idle_timeout_ms (config);
  self->io_timeout_ms = s3dlio_config_get_io_timeout_ms (config);
  self->busy_poll_us = s3dlio_config_get_busy_poll_us (config);
  self->optimized_http = s3dlio_config_get_optimized_http (config);
  g_set_object (&self->tls_database, tls_database);

  self->workers = g_new0 (S3dlioWorker, self->n_workers);
  for (guint i = 0; i < self->n_workers; i++)
    {
      S3dlioWorker *worker = &self->workers[i];
      g_autofree char *name = g_strdup_printf ("s3dlio-worker-%u", i);

      worker->pool = self;
      worker->index = i;
      worker->idle_timeout_ms = self->optimized_http ? self->idle_timeout_ms : 0;
      worker->busy_poll_us = self->busy_poll_us;
      worker->context = g_main_context_new ();
      if (worker->busy_poll_us > 0)
        g_main_context_set_poll_func (worker->context, worker_poll);
      worker->loop = g_main_loop_new (worker->context, FALSE);
      worker->thread = g_thread_new (name, worker_main, worker);
    }

  /* Sessions are made inside their threads; wait until all exist. */
  g_mutex_lock (&self->ready_mutex);
  while (self->n_ready < self->n_workers)
    g_cond_wait (&self->ready_cond, &self->ready_mutex);
  g_mutex_unlock (&self->ready_mutex);

  g_debug ("session pool: %u workers, %u connections per host, %u in all, "
           "idle timeout %u ms, I/O timeout %u ms, busy polling %u us%s",
           self->n_workers, self->max_connections_per_host, self->max_connections,
           self->idle_timeout_ms, self->io_timeout_ms, self->busy_poll_us,
           self->optimized_http ? "" : " (libsoup stock settings)");

  return self;
}

/* Whether a pool made from @config would be the same as @self. */
gboolean
_s3dlio_session_pool_matches (S3dlioSessionPool *self,
                              S3dlioConfig      *config)
{
  return self->n_workers == s3dlio_config_get_worker_threads (config) &&
         self->max_connections == s3dlio_config_get_max_connections (config) &&
         self->max_connections_per_host == s3dlio_config_get_max_connections_per_host (config) &&
         self->idle_timeout_ms == s3dlio_config_get_idle_timeout_ms (config) &&
         self->io_timeout_ms == s3dlio_config_get_io_timeout_ms (config) &&
         self->busy_poll_us == s3dlio_config_get_busy_poll_us (config) &&
         !self->optimized_http == !s3dlio_config_get_optimized_http (config);
}

guint
_s3dlio_session_pool_get_size (S3dlioSessionPool *self)
{
  return self->n_workers;
}

/* How often a worker's busy polling found work before it would have slept:
 * the wake-ups it saved. For tests and debug output. */
guint
_s3dlio_session_pool_get_busy_polls_caught (S3dlioSessionPool *self)
{
  return (guint) g_atomic_int_get (&self->busy_polls_caught);
}

/* Round robin: consecutive parts of a download land on different threads. */
S3dlioWorker *
_s3dlio_session_pool_next_worker (S3dlioSessionPool *self)
{
  guint n = (guint) g_atomic_int_add ((gint *) &self->next_worker, 1);

  return &self->workers[n % self->n_workers];
}

SoupSession *
_s3dlio_worker_get_session (S3dlioWorker *worker)
{
  return worker->session;
}

GMainContext *
_s3dlio_worker_get_context (S3dlioWorker *worker)
{
  return worker->context;
}

guint
_s3dlio_worker_get_index (S3dlioWorker *worker)
{
  return worker->index;
}

/* Queues @func to run on the worker's thread, always later, never inline:
 * callers hold locks that @func may take, and may run on that very worker. */
void
_s3dlio_worker_invoke (S3dlioWorker   *worker,
                       GSourceFunc     func,
                       gpointer        data,
                       GDestroyNotify  notify)
{
  _s3dlio_main_context_post (worker->context, func, data, notify);
}

/*< private >
 * _s3dlio_worker_lookup_socket:
 * @worker: the worker @msg was sent on
 * @msg: a message whose response headers are in
 *
 * Called on the worker thread.
 *
 * Returns: (transfer full) (nullable): the socket of the plain-HTTP
 *   connection @msg is using, or %NULL if it is not known (TLS, or a
 *   connection made before the pool noted sockets)
 */
GSocket *
_s3dlio_worker_lookup_socket (S3dlioWorker *worker,
                              SoupMessage  *msg)
{
  guint64 id = soup_message_get_connection_id (msg);
  GWeakRef *ref;
  GSocket *socket;

  ref = g_hash_table_lookup (worker->sockets, &id);
  if (ref == NULL)
    return NULL;

  socket = g_weak_ref_get (ref);
  if (socket != NULL && g_socket_is_closed (socket))
    g_clear_object (&socket);

  return socket;
}
