/* s3dlio-server.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio-server"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "s3dlio-credentials-private.h"
#include "s3dlio-encode-private.h"
#include "s3dlio-enum-types.h"
#include "s3dlio-request-private.h"
#include "s3dlio-server-private.h"
#include "s3dlio-server-fault-private.h"
#include "s3dlio-server-store-private.h"
#include "s3dlio-signer-private.h"

/**
 * S3dlioServer:
 *
 * A small S3 endpoint on the loopback interface, for tests, demos and
 * benchmarks: `s3dlio serve DIR` and `s3dlio bench` run one, and the test
 * suite starts one in-process.
 *
 * The server keeps its buckets in memory, or serves a directory whose
 * subdirectories are buckets and whose files are objects (see
 * [ctor@S3dlio.Server.new]). It speaks path-style S3 over HTTP/1.1:
 * ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
 * ListObjects (v1 and v2), GetObject and HeadObject (with single ranges and
 * conditions), PutObject, CopyObject, DeleteObject, DeleteObjects and the
 * multipart upload operations, UploadPartCopy included. Other operations
 * are answered with 501 `NotImplemented`.
 *
 * When [property@S3dlio.Server:credentials] are set, every request must be
 * signed with them (AWS Signature Version 4, in the `Authorization` header
 * or as a presigned URL), as S3 requires.
 *
 * [method@S3dlio.Server.start] runs the server on its own thread with its
 * own main context, so a test may use blocking clients from the thread
 * that owns the server. Objects are served from memory (or from a mapping
 * of the file) without copying them.
 *
 * Faults ([class@S3dlio.ServerFault]) make the server misbehave on purpose,
 * and [method@S3dlio.Server.get_request_count] and
 * [method@S3dlio.Server.get_request_log] tell what the clients asked for.
 *
 * The server listens on 127.0.0.1 unless told otherwise, and is meant for
 * trusted local clients only.
 */

#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_REGION "us-east-1"
#define DEFAULT_PAGE_SIZE 1000
#define DEFAULT_MIN_PART_SIZE (5 * 1024 * 1024)
#define SERVER_HEADER "s3dlio-server/" PACKAGE_VERSION " "
#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"
#define OWNER_ID "s3dlio"
#define MAX_LOG_LINES 100000
#define MAX_SKEW_SECONDS (15 * 60)
#define MAX_DELETE_OBJECTS 1000
#define MAX_REQUEST_LINE 16384
/* The data of the GSocketAddress of each client connection. */
#define CONNECTION_KEY "s3dlio-server-connection"
/* On a SoupServerMessage: set while the request counts as in flight. */
#define IN_FLIGHT_KEY "s3dlio-server-in-flight"
/* On a SoupServerMessage: the timeout that ends a DELAY fault's hold. */
#define HOLD_KEY "s3dlio-server-hold"

/* {{{ Request line rewriting
 *
 * libsoup parses the request target with g_uri_parse(), which removes dot
 * segments ("/b/a/../c" becomes "/b/c", and so does "/b/a/%2E%2E/c"), but
 * S3 keys may hold "./" and "../" and clients send them as they are. So
 * each connection's input goes through this converter, which rewrites the
 * request line before libsoup reads it: a "/" that starts a "." or ".."
 * segment becomes "%2F", which GLib leaves alone and the server decodes
 * back into "/". The server marks the start of the next request of a
 * connection when libsoup finishes the previous one (HTTP/1.1 clients that
 * pipeline would bypass the rewriting; libsoup does not pipeline). */

#define S3DLIO_TYPE_HTTP_REWRITER (s3dlio_http_rewriter_get_type ())
G_DECLARE_FINAL_TYPE (S3dlioHttpRewriter, s3dlio_http_rewriter, S3DLIO, HTTP_REWRITER, GObject)

struct _S3dlioHttpRewriter
{
  GObject parent_instance;

  gboolean           at_request_start;
  GSocketConnection *connection;   /* closed when the client leaves between requests */
};

static void s3dlio_http_rewriter_converter_init (GConverterIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (S3dlioHttpRewriter, s3dlio_http_rewriter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER,
                                                      s3dlio_http_rewriter_converter_init))

static void
s3dlio_http_rewriter_finalize (GObject *object)
{
  g_clear_object (&S3DLIO_HTTP_REWRITER (object)->connection);

  G_OBJECT_CLASS (s3dlio_http_rewriter_parent_class)->finalize (object);
}

static void
s3dlio_http_rewriter_class_init (S3dlioHttpRewriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = s3dlio_http_rewriter_finalize;
}

static void
s3dlio_http_rewriter_init (S3dlioHttpRewriter *self)
{
  self->at_request_start = TRUE;
}

/* Whether @segment is "." or "..", written with dots or "%2E". */
static gboolean
is_dot_segment (const char *segment,
                gsize       len)
{
  guint dots = 0;
  gsize i = 0;

  while (i < len)
    {
      if (segment[i] == '.')
        i++;
      else if (i + 3 <= len && segment[i] == '%' && segment[i + 1] == '2' &&
               (segment[i + 2] == 'e' || segment[i + 2] == 'E'))
        i += 3;
      else
        return FALSE;
      dots++;
    }

  return dots == 1 || dots == 2;
}

/* Whether @line (with its line break) has the shape of an HTTP/1 request
 * line with a path: "METHOD /target HTTP/1.x". A client that pipelines
 * could make the rewriter look at body bytes; they will not have it. */
static gboolean
is_request_line (const char  *line,
                 gsize        len,
                 const char **target,
                 const char **target_end)
{
  const char *end = line + len;
  const char *p = line;

  while (p < end && g_ascii_isupper (*p))
    p++;
  if (p == line || p >= end || *p != ' ' || p + 1 >= end || p[1] != '/')
    return FALSE;
  *target = p + 1;

  /* Backwards from the end: [CR] LF, then the version. */
  end--;
  if (end > line && end[-1] == '\r')
    end--;
  if (end - line < 9 || strncmp (end - 9, " HTTP/1.", 8) != 0 || !g_ascii_isdigit (end[-1]))
    return FALSE;
  *target_end = end - 9;

  return *target_end > *target && memchr (*target, ' ', *target_end - *target) == NULL;
}

/* Returns the request line with every "/" that starts a dot segment
 * encoded, or %NULL when there is nothing to change. */
static GString *
rewrite_request_line (const char *line,
                      gsize       len)
{
  const char *end = line + len;
  const char *target, *target_end, *path_end, *p;
  g_autoptr(GString) out = NULL;
  gboolean changed = FALSE;

  if (!is_request_line (line, len, &target, &target_end))
    return NULL;
  for (path_end = target; path_end < target_end && *path_end != '?' && *path_end != '#'; path_end++)
    ;

  out = g_string_sized_new (len + 16);
  g_string_append_len (out, line, target - line);
  for (p = target; p < path_end; p++)
    {
      /* The first "/" must stay: without it the path would not be one. */
      if (*p == '/' && p != target)
        {
          const char *segment = p + 1;
          const char *segment_end = segment;

          while (segment_end < path_end && *segment_end != '/')
            segment_end++;
          if (is_dot_segment (segment, segment_end - segment))
            {
              g_string_append (out, "%2F");
              changed = TRUE;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }
  g_string_append_len (out, path_end, end - path_end);

  return changed ? g_steal_pointer (&out) : NULL;
}

static GConverterResult
copy_through (const void      *inbuf,
              gsize            inbuf_size,
              void            *outbuf,
              gsize            outbuf_size,
              gsize            max,
              GConverterFlags  flags,
              gsize           *bytes_read,
              gsize           *bytes_written,
              GError         **error)
{
  gsize n = MIN (MIN (inbuf_size, outbuf_size), max);

  if (n == 0 && inbuf_size > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space to convert into");
      return G_CONVERTER_ERROR;
    }

  memcpy (outbuf, inbuf, n);
  *bytes_read = *bytes_written = n;

  if (n == inbuf_size && (flags & G_CONVERTER_INPUT_AT_END))
    return G_CONVERTER_FINISHED;
  if (n == inbuf_size && (flags & G_CONVERTER_FLUSH))
    return G_CONVERTER_FLUSHED;
  return G_CONVERTER_CONVERTED;
}

static gboolean
close_connection_cb (gpointer data)
{
  g_io_stream_close (data, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* The client closed its keep-alive connection between two requests.
 * libsoup 3.2 then drops the next request it had begun to wait for
 * without closing the connection (fixed in libsoup 3.3, "server: do not
 * leak idle connections closed by the client"), which left every such
 * socket in CLOSE-WAIT for the life of the server: close it ourselves,
 * once libsoup is done with this read. */
static void
close_when_idle (S3dlioHttpRewriter *self)
{
  GSource *source;

  if (self->connection == NULL)
    return;

  source = g_idle_source_new ();
  g_source_set_callback (source, close_connection_cb, g_steal_pointer (&self->connection), g_object_unref);
  g_source_set_static_name (source, "[s3dlio] close a connection the client left");
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static GConverterResult
s3dlio_http_rewriter_convert (GConverter       *converter,
                              const void       *inbuf,
                              gsize             inbuf_size,
                              void             *outbuf,
                              gsize             outbuf_size,
                              GConverterFlags   flags,
                              gsize            *bytes_read,
                              gsize            *bytes_written,
                              GError          **error)
{
  S3dlioHttpRewriter *self = S3DLIO_HTTP_REWRITER (converter);
  g_autoptr(GString) rewritten = NULL;
  const char *in = inbuf;
  const char *newline;
  gsize line_len;

  if (self->at_request_start && inbuf_size == 0 && (flags & G_CONVERTER_INPUT_AT_END))
    close_when_idle (self);

  if (!self->at_request_start || inbuf_size == 0)
    return copy_through (inbuf, inbuf_size, outbuf, outbuf_size, G_MAXSIZE,
                         flags, bytes_read, bytes_written, error);

  newline = memchr (in, '\n', MIN (inbuf_size, MAX_REQUEST_LINE));
  if (newline == NULL)
    {
      if (inbuf_size < MAX_REQUEST_LINE && !(flags & G_CONVERTER_INPUT_AT_END))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                               "Waiting for the end of the request line");
          return G_CONVERTER_ERROR;
        }
      /* Not a request line this can read: libsoup will reject it. */
      self->at_request_start = FALSE;
      return copy_through (inbuf, inbuf_size, outbuf, outbuf_size, G_MAXSIZE,
                           flags, bytes_read, bytes_written, error);
    }

  line_len = newline - in + 1;
  /* Empty lines may come before a request line (RFC 9112, 2.2). */
  if (line_len == 1 || (line_len == 2 && in[0] == '\r'))
    return copy_through (inbuf, inbuf_size, outbuf, outbuf_size, line_len,
                         flags & ~G_CONVERTER_INPUT_AT_END, bytes_read, bytes_written, error);

  rewritten = rewrite_request_line (in, line_len);
  if (rewritten == NULL)
    {
      self->at_request_start = FALSE;
      return copy_through (inbuf, inbuf_size, outbuf, outbuf_size, G_MAXSIZE,
                           flags, bytes_read, bytes_written, error);
    }
  if (rewritten->len > outbuf_size)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space to convert into");
      return G_CONVERTER_ERROR;
    }

  self->at_request_start = FALSE;
  memcpy (outbuf, rewritten->str, rewritten->len);
  *bytes_read = line_len;
  *bytes_written = rewritten->len;

  return G_CONVERTER_CONVERTED;
}

static void
s3dlio_http_rewriter_reset (GConverter *converter)
{
  S3DLIO_HTTP_REWRITER (converter)->at_request_start = TRUE;
}

static void
s3dlio_http_rewriter_converter_init (GConverterIface *iface)
{
  iface->convert = s3dlio_http_rewriter_convert;
  iface->reset = s3dlio_http_rewriter_reset;
}

/* A client connection as libsoup sees it: its input goes through the
 * rewriter, and closing it closes the socket (a GSimpleIOStream would only
 * close the socket's streams, leaving the client waiting). */

#define S3DLIO_TYPE_HTTP_CONNECTION (s3dlio_http_connection_get_type ())
G_DECLARE_FINAL_TYPE (S3dlioHttpConnection, s3dlio_http_connection, S3DLIO, HTTP_CONNECTION, GIOStream)

struct _S3dlioHttpConnection
{
  GIOStream parent_instance;

  GSocketConnection *base;
  GInputStream      *input;
};

G_DEFINE_FINAL_TYPE (S3dlioHttpConnection, s3dlio_http_connection, G_TYPE_IO_STREAM)

static void
s3dlio_http_connection_finalize (GObject *object)
{
  S3dlioHttpConnection *self = S3DLIO_HTTP_CONNECTION (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (s3dlio_http_connection_parent_class)->finalize (object);
}

static GInputStream *
s3dlio_http_connection_get_input_stream (GIOStream *stream)
{
  return S3DLIO_HTTP_CONNECTION (stream)->input;
}

static GOutputStream *
s3dlio_http_connection_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (G_IO_STREAM (S3DLIO_HTTP_CONNECTION (stream)->base));
}

static gboolean
s3dlio_http_connection_close (GIOStream     *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  S3dlioHttpConnection *self = S3DLIO_HTTP_CONNECTION (stream);

  g_input_stream_close (self->input, NULL, NULL);
  return g_io_stream_close (G_IO_STREAM (self->base), cancellable, error);
}

/* Closing a socket does not block: do it here rather than in a thread, as
 * GIOStream would by default. */
static void
s3dlio_http_connection_close_async (GIOStream           *stream,
                                    int                  io_priority,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  if (s3dlio_http_connection_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
s3dlio_http_connection_close_finish (GIOStream     *stream,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
s3dlio_http_connection_class_init (S3dlioHttpConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = s3dlio_http_connection_finalize;
  stream_class->get_input_stream = s3dlio_http_connection_get_input_stream;
  stream_class->get_output_stream = s3dlio_http_connection_get_output_stream;
  stream_class->close_fn = s3dlio_http_connection_close;
  stream_class->close_async = s3dlio_http_connection_close_async;
  stream_class->close_finish = s3dlio_http_connection_close_finish;
}

static void
s3dlio_http_connection_init (S3dlioHttpConnection *self)
{
}

static GIOStream *
s3dlio_http_connection_new (GSocketConnection *base,
                            GConverter        *rewriter)
{
  S3dlioHttpConnection *self = g_object_new (S3DLIO_TYPE_HTTP_CONNECTION, NULL);

  self->base = g_object_ref (base);
  g_set_object (&S3DLIO_HTTP_REWRITER (rewriter)->connection, base);
  self->input = g_converter_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (base)),
                                              rewriter);

  return G_IO_STREAM (self);
}

/* What the server keeps about a client connection, attached to its remote
 * GSocketAddress, which libsoup hands back with each message. */
typedef struct {
  S3dlioHttpRewriter *rewriter;
  GSocket            *socket;
  guint               number;     /* from 1, in the order accepted */
} ServerConnection;

static void
server_connection_free (gpointer data)
{
  ServerConnection *connection = data;

  g_object_unref (connection->rewriter);
  g_object_unref (connection->socket);
  g_free (connection);
}

/* }}} */
/* {{{ The object */

typedef enum {
  THREAD_STOPPED,
  THREAD_STARTING,
  THREAD_RUNNING,
  THREAD_FAILED,
} ThreadState;

/* How many requests of one method are under way, and the most there were
 * at once since the last reset. */
typedef struct {
  guint now;
  guint peak;
} InFlight;

struct _S3dlioServer
{
  GObject parent_instance;

  char *root_directory;
  char *address;
  guint port;                     /* as configured; 0 for any */

  S3dlioServerStore *store;       /* thread-safe on its own */

  /* Guards what follows. */
  GMutex lock;
  GCond cond;
  S3dlioCredentials *credentials;
  char *region;
  S3dlioSigner *signer;           /* for credentials and region, made on demand */
  guint page_size;
  guint64 min_part_size;
  GPtrArray *faults;
  GHashTable *request_counts;     /* method -> count */
  GHashTable *in_flight;          /* method -> InFlight */
  guint request_total;
  guint connection_total;
  guint connection_baseline;      /* connection_total at the last reset */
  GQueue log;
  ThreadState thread_state;
  guint bound_port;
  GError *start_error;

  /* The server thread. */
  GThread *thread;
  GMainContext *context;
  gint stopping;                  /* atomic */
  gint request_serial;            /* atomic */

  /* Only touched from the server thread. */
  SoupServer *soup;
  GCancellable *raw_cancellable;
  GList *raw_replies;
};

G_DEFINE_FINAL_TYPE (S3dlioServer, s3dlio_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROOT_DIRECTORY,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_CREDENTIALS,
  PROP_REGION,
  PROP_PAGE_SIZE,
  PROP_MIN_PART_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_server_dispose (GObject *object)
{
  S3dlioServer *self = S3DLIO_SERVER (object);

  s3dlio_server_stop (self);
  g_clear_object (&self->credentials);
  g_clear_object (&self->signer);
  if (self->faults != NULL)
    g_ptr_array_set_size (self->faults, 0);

  G_OBJECT_CLASS (s3dlio_server_parent_class)->dispose (object);
}

static void
s3dlio_server_finalize (GObject *object)
{
  S3dlioServer *self = S3DLIO_SERVER (object);

  g_free (self->root_directory);
  g_free (self->address);
  g_free (self->region);
  g_clear_pointer (&self->store, _s3dlio_server_store_free);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->request_counts, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_queue_clear_full (&self->log, g_free);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (s3dlio_server_parent_class)->finalize (object);
}

static void
s3dlio_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  S3dlioServer *self = S3DLIO_SERVER (object);

  switch (prop_id)
    {
    case PROP_ROOT_DIRECTORY:
      g_value_set_string (value, self->root_directory);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, s3dlio_server_get_port (self));
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, s3dlio_server_get_page_size (self));
      break;
    case PROP_MIN_PART_SIZE:
      g_value_set_uint64 (value, s3dlio_server_get_min_part_size (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  S3dlioServer *self = S3DLIO_SERVER (object);

  switch (prop_id)
    {
    case PROP_ROOT_DIRECTORY:
      /* construct-only */
      self->root_directory = g_value_dup_string (value);
      break;
    case PROP_ADDRESS:
      s3dlio_server_set_address (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      s3dlio_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_CREDENTIALS:
      s3dlio_server_set_credentials (self, g_value_get_object (value));
      break;
    case PROP_REGION:
      s3dlio_server_set_region (self, g_value_get_string (value));
      break;
    case PROP_PAGE_SIZE:
      s3dlio_server_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_MIN_PART_SIZE:
      s3dlio_server_set_min_part_size (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_server_class_init (S3dlioServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = s3dlio_server_dispose;
  object_class->finalize = s3dlio_server_finalize;
  object_class->get_property = s3dlio_server_get_property;
  object_class->set_property = s3dlio_server_set_property;

  /**
   * S3dlioServer:root-directory:
   *
   * The directory whose subdirectories are the buckets, or %NULL to keep
   * everything in memory.
   */
  properties[PROP_ROOT_DIRECTORY] =
    g_param_spec_string ("root-directory", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:address:
   *
   * The IP address to listen on. Only change it from the loopback address
   * if other hosts must reach the server: it has no access control beyond
   * [property@S3dlio.Server:credentials].
   */
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, DEFAULT_ADDRESS,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:port:
   *
   * The TCP port to listen on, 0 for any free port. While the server runs
   * this is the port it listens on.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:credentials:
   *
   * The credentials every request must be signed with, or %NULL (or
   * anonymous credentials) to accept requests without checking their
   * signature.
   */
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, S3DLIO_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:region:
   *
   * The region of the server: signatures must be scoped to it.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, DEFAULT_REGION,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:page-size:
   *
   * The most keys one ListObjects page returns, whatever `max-keys` asks
   * for. Tests lower it to make listings span several pages.
   */
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioServer:min-part-size:
   *
   * The smallest size, in bytes, of a multipart upload part other than the
   * last one (5 MiB, as on S3).
   */
  properties[PROP_MIN_PART_SIZE] =
    g_param_spec_uint64 ("min-part-size", NULL, NULL, 0, G_MAXUINT64, DEFAULT_MIN_PART_SIZE,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_server_init (S3dlioServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->address = g_strdup (DEFAULT_ADDRESS);
  self->region = g_strdup (DEFAULT_REGION);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->min_part_size = DEFAULT_MIN_PART_SIZE;
  self->faults = g_ptr_array_new_with_free_func (g_object_unref);
  self->request_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->log);
}

/**
 * s3dlio_server_new:
 * @root_directory: (nullable) (type filename): a directory to serve, or
 *   %NULL to keep everything in memory
 *
 * Creates a server. It does not listen until [method@S3dlio.Server.start].
 *
 * In memory, any key S3 accepts can be stored, and objects keep their
 * `Content-Type` and `x-amz-meta-*` metadata; the ETag is the MD5 of the
 * content as on S3.
 *
 * With a root directory, each subdirectory whose name is a valid bucket
 * name is a bucket and each file below it an object, whose key is its path
 * relative to the bucket. Keys that cannot map safely to a path (with
 * empty, `.` or `..` segments, or a leading or trailing `/`) are refused
 * with 400 `InvalidArgument`. Objects are served from a mapping of the
 * file; uploads are written to a temporary file that is then renamed. The
 * ETag is made from the size and modification time, like nginx's, rather
 * than from the content; `Content-Type` and metadata are not kept.
 *
 * Returns: (transfer full): a new server
 */
S3dlioServer *
s3dlio_server_new (const char *root_directory)
{
  return g_object_new (S3DLIO_TYPE_SERVER, "root-directory", root_directory, NULL);
}

/**
 * s3dlio_server_get_root_directory:
 * @self: a server
 *
 * Gets the directory the server keeps its buckets in.
 *
 * Returns: (nullable) (type filename): the directory served, or %NULL when
 *   everything is kept in memory
 */
const char *
s3dlio_server_get_root_directory (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  return self->root_directory;
}

/**
 * s3dlio_server_get_address:
 * @self: a server
 *
 * Gets the address the server listens on.
 *
 * Returns: the IP address the server listens on
 */
const char *
s3dlio_server_get_address (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  return self->address;
}

/**
 * s3dlio_server_set_address:
 * @self: a server that is not running
 * @address: (nullable): an IP address, or %NULL for 127.0.0.1
 *
 * Sets the IP address to listen on.
 */
void
s3dlio_server_set_address (S3dlioServer *self,
                           const char   *address)
{
  g_return_if_fail (S3DLIO_IS_SERVER (self));
  g_return_if_fail (self->thread == NULL);

  if (address == NULL)
    address = DEFAULT_ADDRESS;
  if (g_strcmp0 (self->address, address) == 0)
    return;

  g_free (self->address);
  self->address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

/**
 * s3dlio_server_get_port:
 * @self: a server
 *
 * Gets the server's port.
 *
 * Returns: the port the server listens on while it runs, otherwise the
 *   port it will listen on (0 for any free port)
 */
guint
s3dlio_server_get_port (S3dlioServer *self)
{
  guint port;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  port = self->thread_state == THREAD_RUNNING ? self->bound_port : self->port;
  g_mutex_unlock (&self->lock);

  return port;
}

/**
 * s3dlio_server_set_port:
 * @self: a server that is not running
 * @port: a TCP port, or 0 for any free port
 *
 * Sets the port to listen on.
 */
void
s3dlio_server_set_port (S3dlioServer *self,
                        guint         port)
{
  g_return_if_fail (S3DLIO_IS_SERVER (self));
  g_return_if_fail (self->thread == NULL);
  g_return_if_fail (port <= 65535);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * s3dlio_server_get_credentials:
 * @self: a server
 *
 * Gets the credentials the server checks signatures against.
 *
 * Returns: (transfer none) (nullable): the credentials requests must be
 *   signed with, or %NULL
 */
S3dlioCredentials *
s3dlio_server_get_credentials (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  return self->credentials;
}

/**
 * s3dlio_server_set_credentials:
 * @self: a server
 * @credentials: (nullable): the credentials requests must be signed with,
 *   or %NULL to accept unsigned requests
 *
 * Sets the credentials clients must sign their requests with. A request
 * that is not signed is refused with 403 `AccessDenied`, one signed with
 * another access key with `InvalidAccessKeyId`, and one whose signature is
 * wrong with `SignatureDoesNotMatch`. This may be changed while the server
 * runs.
 */
void
s3dlio_server_set_credentials (S3dlioServer      *self,
                               S3dlioCredentials *credentials)
{
  gboolean changed;

  g_return_if_fail (S3DLIO_IS_SERVER (self));
  g_return_if_fail (credentials == NULL || S3DLIO_IS_CREDENTIALS (credentials));

  g_mutex_lock (&self->lock);
  changed = g_set_object (&self->credentials, credentials);
  if (changed)
    g_clear_object (&self->signer);
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREDENTIALS]);
}

/**
 * s3dlio_server_get_region:
 * @self: a server
 *
 * Gets the region the server expects in signatures.
 *
 * Returns: the region signatures must be scoped to
 */
const char *
s3dlio_server_get_region (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  return self->region;
}

/**
 * s3dlio_server_set_region:
 * @self: a server
 * @region: (nullable): a region name, or %NULL for `us-east-1`
 *
 * Sets the region of the server. A request signed for another region is
 * refused with 400 `AuthorizationHeaderMalformed`, which names this region.
 */
void
s3dlio_server_set_region (S3dlioServer *self,
                          const char   *region)
{
  g_autofree char *old = NULL;

  g_return_if_fail (S3DLIO_IS_SERVER (self));

  if (region == NULL)
    region = DEFAULT_REGION;
  if (g_strcmp0 (self->region, region) == 0)
    return;

  g_mutex_lock (&self->lock);
  old = self->region;
  self->region = g_strdup (region);
  g_clear_object (&self->signer);
  g_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGION]);
}

/**
 * s3dlio_server_get_page_size:
 * @self: a server
 *
 * Gets the size of the server's listing pages.
 *
 * Returns: the most keys one listing page returns
 */
guint
s3dlio_server_get_page_size (S3dlioServer *self)
{
  guint page_size;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), DEFAULT_PAGE_SIZE);

  g_mutex_lock (&self->lock);
  page_size = self->page_size;
  g_mutex_unlock (&self->lock);

  return page_size;
}

/**
 * s3dlio_server_set_page_size:
 * @self: a server
 * @page_size: the most keys a listing page returns, at least 1
 *
 * Caps the `max-keys` of listings.
 */
void
s3dlio_server_set_page_size (S3dlioServer *self,
                             guint         page_size)
{
  gboolean changed;

  g_return_if_fail (S3DLIO_IS_SERVER (self));
  g_return_if_fail (page_size >= 1);

  g_mutex_lock (&self->lock);
  changed = self->page_size != page_size;
  self->page_size = page_size;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

/**
 * s3dlio_server_get_min_part_size:
 * @self: a server
 *
 * Gets the smallest part size the server accepts in a multipart upload.
 *
 * Returns: the smallest size of a multipart part other than the last one
 */
guint64
s3dlio_server_get_min_part_size (S3dlioServer *self)
{
  guint64 min_part_size;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), DEFAULT_MIN_PART_SIZE);

  g_mutex_lock (&self->lock);
  min_part_size = self->min_part_size;
  g_mutex_unlock (&self->lock);

  return min_part_size;
}

/**
 * s3dlio_server_set_min_part_size:
 * @self: a server
 * @min_part_size: a size in bytes
 *
 * Sets the smallest size of a multipart upload part other than the last
 * one. CompleteMultipartUpload fails with 400 `EntityTooSmall` when a part
 * is smaller.
 */
void
s3dlio_server_set_min_part_size (S3dlioServer *self,
                                 guint64       min_part_size)
{
  gboolean changed;

  g_return_if_fail (S3DLIO_IS_SERVER (self));

  g_mutex_lock (&self->lock);
  changed = self->min_part_size != min_part_size;
  self->min_part_size = min_part_size;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_PART_SIZE]);
}

/* }}} */
/* {{{ Seeding and checking */

/* The store is made on first use, so a server for a missing directory can
 * be created and fail with an error later. */
static S3dlioServerStore *
ensure_store (S3dlioServer  *self,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  S3dlioServerStore *store;

  g_mutex_lock (&self->lock);
  if (self->store == NULL)
    {
      if (self->root_directory == NULL)
        self->store = _s3dlio_server_store_new_memory ();
      else
        self->store = _s3dlio_server_store_new_directory (self->root_directory, &local_error);
    }
  store = self->store;
  g_mutex_unlock (&self->lock);

  if (store == NULL)
    g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                 "%s", local_error->message);

  return store;
}

static void
propagate_store_error (GError  *store_error,
                       GError **error)
{
  S3dlioError code = S3DLIO_ERROR_FAILED;

  if (store_error->domain == S3DLIO_S3_ERROR)
    code = _s3dlio_s3_error_to_public (store_error->code);
  g_set_error_literal (error, S3DLIO_ERROR, code, store_error->message);
  g_error_free (store_error);
}

/**
 * s3dlio_server_create_bucket:
 * @self: a server
 * @bucket: a bucket name
 * @error: return location for a #GError
 *
 * Creates a bucket, as CreateBucket would. This may be called from any
 * thread, whether the server runs or not.
 *
 * Returns: %TRUE on success; %FALSE with %S3DLIO_ERROR_INVALID_URI for an
 *   invalid name or %S3DLIO_ERROR_BUCKET_EXISTS when it exists
 */
gboolean
s3dlio_server_create_bucket (S3dlioServer  *self,
                             const char    *bucket,
                             GError       **error)
{
  S3dlioServerStore *store;
  GError *store_error = NULL;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), FALSE);
  g_return_val_if_fail (bucket != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  store = ensure_store (self, error);
  if (store == NULL)
    return FALSE;

  if (!_s3dlio_server_store_create_bucket (store, bucket, &store_error))
    {
      propagate_store_error (store_error, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * s3dlio_server_put_object:
 * @self: a server
 * @bucket: the name of an existing bucket
 * @key: the object key
 * @data: the object's content
 * @error: return location for a #GError
 *
 * Stores an object, as PutObject would (with `binary/octet-stream` as its
 * content type). In memory @data is kept without copying. This may be
 * called from any thread, whether the server runs or not.
 *
 * Returns: %TRUE on success
 */
gboolean
s3dlio_server_put_object (S3dlioServer  *self,
                          const char    *bucket,
                          const char    *key,
                          GBytes        *data,
                          GError       **error)
{
  g_autoptr(S3dlioServerObject) object = NULL;
  S3dlioServerStore *store;
  GError *store_error = NULL;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), FALSE);
  g_return_val_if_fail (bucket != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  store = ensure_store (self, error);
  if (store == NULL)
    return FALSE;

  object = _s3dlio_server_store_put_object (store, bucket, key, data, NULL, NULL, NULL, &store_error);
  if (object == NULL)
    {
      propagate_store_error (store_error, error);
      return FALSE;
    }

  return TRUE;
}

static S3dlioServerObject *
lookup_object (S3dlioServer *self,
               const char   *bucket,
               const char   *key,
               gboolean      with_data)
{
  S3dlioServerStore *store = ensure_store (self, NULL);

  if (store == NULL)
    return NULL;

  return _s3dlio_server_store_get_object (store, bucket, key, with_data, NULL);
}

/**
 * s3dlio_server_get_object_data:
 * @self: a server
 * @bucket: a bucket name
 * @key: an object key
 *
 * Gets the content of an object, for tests to check what a client
 * uploaded. This may be called from any thread.
 *
 * Returns: (transfer full) (nullable): the content of the object, or %NULL
 *   if it does not exist
 */
GBytes *
s3dlio_server_get_object_data (S3dlioServer *self,
                               const char   *bucket,
                               const char   *key)
{
  g_autoptr(S3dlioServerObject) object = NULL;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);
  g_return_val_if_fail (bucket != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  object = lookup_object (self, bucket, key, TRUE);

  return object ? g_bytes_ref (object->data) : NULL;
}

/**
 * s3dlio_server_get_object_etag:
 * @self: a server
 * @bucket: a bucket name
 * @key: an object key
 *
 * Gets the ETag of an object, quoted as in the `ETag` header. This may be
 * called from any thread.
 *
 * Returns: (transfer full) (nullable): the ETag, or %NULL if the object
 *   does not exist
 */
char *
s3dlio_server_get_object_etag (S3dlioServer *self,
                               const char   *bucket,
                               const char   *key)
{
  g_autoptr(S3dlioServerObject) object = NULL;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);
  g_return_val_if_fail (bucket != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  object = lookup_object (self, bucket, key, FALSE);

  return object ? g_strdup (object->etag) : NULL;
}

/**
 * s3dlio_server_get_upload_count:
 * @self: a server
 * @bucket: (nullable): a bucket name, or %NULL for all buckets
 *
 * Counts the multipart uploads that were created and neither completed
 * nor aborted, for tests to check that a client cleans up after itself.
 *
 * Returns: the number of multipart uploads in progress
 */
guint
s3dlio_server_get_upload_count (S3dlioServer *self,
                                const char   *bucket)
{
  S3dlioServerStore *store;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), 0);

  store = ensure_store (self, NULL);

  return store ? _s3dlio_server_store_count_uploads (store, bucket) : 0;
}

/**
 * s3dlio_server_get_request_count:
 * @self: a server
 * @method: (nullable): an HTTP method such as `GET`, or %NULL for all
 *
 * Counts the requests the server answered since it was created or since
 * [method@S3dlio.Server.reset_counters], including those a fault acted on.
 *
 * Returns: the number of requests with @method, or of all requests
 */
guint
s3dlio_server_get_request_count (S3dlioServer *self,
                                 const char   *method)
{
  guint count;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  if (method == NULL)
    count = self->request_total;
  else
    count = GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, method));
  g_mutex_unlock (&self->lock);

  return count;
}

/**
 * s3dlio_server_get_connection_count:
 * @self: a server
 *
 * Counts the connections the server accepted since it was created or
 * since [method@S3dlio.Server.reset_counters]: a client that keeps its
 * connections alive makes few of them. The request log names
 * each request's connection (`conn=3`).
 *
 * Returns: the number of connections
 */
guint
s3dlio_server_get_connection_count (S3dlioServer *self)
{
  guint count;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  count = self->connection_total - self->connection_baseline;
  g_mutex_unlock (&self->lock);

  return count;
}

/**
 * s3dlio_server_get_request_log:
 * @self: a server
 *
 * Gets one line per request answered (the last 100000), oldest first, such
 * as `GET /bucket/key range=bytes=0-99 if-match="…" -> 206 conn=2`. The
 * line gives the method, the decoded path, the query as received, for a
 * PUT or POST its `x-amz-content-sha256` header when present
 * (`content-sha256=UNSIGNED-PAYLOAD` or the hex SHA-256 of the body), the
 * `Range`, `If-Match` and `If-None-Match` headers when present, those of
 * an UploadPartCopy (`copy-range=bytes=0-99 copy-if-match="…"` for
 * `x-amz-copy-source-range` and `x-amz-copy-source-if-match`), the
 * status, the connection (numbered from 1 in the order the server saw
 * them), and the fault that fired if any (`fault=reset`).
 *
 * Returns: (transfer full) (array zero-terminated=1): the request log
 */
char **
s3dlio_server_get_request_log (S3dlioServer *self)
{
  GStrvBuilder *builder;
  char **lines;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (GList *l = self->log.head; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  g_mutex_unlock (&self->lock);
  lines = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return lines;
}

/* Requests under way when the counters are reset are still under way: the
 * peak starts again from them, not from zero. */
static void
reset_peaks_locked (S3dlioServer *self)
{
  GHashTableIter iter;
  InFlight *in_flight;

  g_hash_table_iter_init (&iter, self->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &in_flight))
    in_flight->peak = in_flight->now;
}

/**
 * s3dlio_server_reset_counters:
 * @self: a server
 *
 * Sets the request and connection counts back to zero and empties the
 * request log.
 */
void
s3dlio_server_reset_counters (S3dlioServer *self)
{
  g_return_if_fail (S3DLIO_IS_SERVER (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->request_counts);
  self->request_total = 0;
  self->connection_baseline = self->connection_total;
  g_queue_clear_full (&self->log, g_free);
  reset_peaks_locked (self);
  g_mutex_unlock (&self->lock);
}

guint
_s3dlio_server_get_peak_in_flight (S3dlioServer *self,
                                   const char   *method)
{
  InFlight *in_flight;
  guint peak;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), 0);
  g_return_val_if_fail (method != NULL, 0);

  g_mutex_lock (&self->lock);
  in_flight = g_hash_table_lookup (self->in_flight, method);
  peak = in_flight != NULL ? in_flight->peak : 0;
  g_mutex_unlock (&self->lock);

  return peak;
}

/**
 * s3dlio_server_add_fault:
 * @self: a server
 * @fault: a fault
 *
 * Makes the server inject @fault into the requests it matches, from the
 * next request on. Faults are tried in the order they were added; only
 * one fires per request.
 */
void
s3dlio_server_add_fault (S3dlioServer      *self,
                         S3dlioServerFault *fault)
{
  g_return_if_fail (S3DLIO_IS_SERVER (self));
  g_return_if_fail (S3DLIO_IS_SERVER_FAULT (fault));

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, g_object_ref (fault));
  g_mutex_unlock (&self->lock);
}

/**
 * s3dlio_server_clear_faults:
 * @self: a server
 *
 * Removes every fault added with [method@S3dlio.Server.add_fault].
 */
void
s3dlio_server_clear_faults (S3dlioServer *self)
{
  g_return_if_fail (S3DLIO_IS_SERVER (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

/* }}} */
/* {{{ One request */

typedef struct {
  gboolean present;     /* a single byte range we understand */
  gboolean suffix;      /* bytes=-N */
  guint64  first;
  guint64  last;        /* G_MAXUINT64 for bytes=N- */
} ByteRange;

typedef struct {
  S3dlioServer      *self;
  SoupServerMessage *msg;
  const char        *method;
  char              *request_id;
  guint              connection;  /* numbered from 1 in the order accepted */

  char              *path;        /* decoded: /bucket/key */
  char              *raw_query;   /* as received, or NULL */
  char              *bucket;      /* NULL for / */
  char              *key;         /* NULL when the path names no object */
  GHashTable        *query;       /* decoded name -> value ("" without =) */
  GBytes            *body;

  /* The server's settings when the request came in. */
  S3dlioCredentials *credentials;
  S3dlioSigner      *signer;      /* NULL when requests need no signature */
  char              *region;
  guint              page_size;
  guint64            min_part_size;

  ByteRange          range;

  gboolean                fault_fired;
  S3dlioServerFaultAction fault;

  guint              status;
  GBytes            *response_body;
} Call;

static void
call_clear (Call *call)
{
  g_free (call->request_id);
  g_free (call->path);
  g_free (call->raw_query);
  g_free (call->bucket);
  g_free (call->key);
  g_clear_pointer (&call->query, g_hash_table_unref);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_object (&call->credentials);
  g_clear_object (&call->signer);
  g_free (call->region);
  _s3dlio_server_fault_action_clear (&call->fault);
  g_clear_pointer (&call->response_body, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Call, call_clear)

static SoupMessageHeaders *
request_headers (Call *call)
{
  return soup_server_message_get_request_headers (call->msg);
}

static SoupMessageHeaders *
response_headers (Call *call)
{
  return soup_server_message_get_response_headers (call->msg);
}

static const char *
request_header (Call       *call,
                const char *name)
{
  return soup_message_headers_get_one (request_headers (call), name);
}

static gboolean
is_method (Call       *call,
           const char *method)
{
  return strcmp (call->method, method) == 0;
}

static gboolean
has_query (Call       *call,
           const char *name)
{
  return call->query != NULL && g_hash_table_contains (call->query, name);
}

static const char *
get_query (Call       *call,
           const char *name)
{
  return call->query ? g_hash_table_lookup (call->query, name) : NULL;
}

/* }}} */
/* {{{ Text and XML */

/* g_set_str() is GLib 2.76. */
static void
set_str (char       **field,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* Escapes @text for XML. Control characters become character references,
 * as S3 writes them, and invalid UTF-8 is replaced. */
static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&apos;"); break;
        default:
          if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n')
            g_string_append_printf (out, "&#x%X;", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
}

static void
xml_element (GString    *xml,
             const char *name,
             const char *text)
{
  g_string_append_printf (xml, "<%s>", name);
  append_escaped (xml, text ? text : "");
  g_string_append_printf (xml, "</%s>", name);
}

static void xml_element_printf (GString    *xml,
                                const char *name,
                                const char *format,
                                ...) G_GNUC_PRINTF (3, 4);

static void
xml_element_printf (GString    *xml,
                    const char *name,
                    const char *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  xml_element (xml, name, text);
}

static GString *
xml_document_new (const char *root)
{
  GString *xml = g_string_sized_new (1024);

  g_string_append (xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (xml, "<%s xmlns=\"" S3_XMLNS "\">", root);

  return xml;
}

/* How S3 encodes keys with encoding-type=url (Java's URLEncoder): a space
 * becomes "+", and everything but letters, digits and ".-*_" "%XX". */
static void
append_url_encoded (GString    *out,
                    const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '*' || *p == '_')
        g_string_append_c (out, *p);
      else if (*p == ' ')
        g_string_append_c (out, '+');
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

/* An element whose text is a key, url-encoded when the client asked. */
static void
xml_key_element (GString    *xml,
                 const char *name,
                 const char *text,
                 gboolean    url_encode)
{
  g_autoptr(GString) encoded = NULL;

  if (url_encode)
    {
      encoded = g_string_new (NULL);
      append_url_encoded (encoded, text);
      text = encoded->str;
    }

  xml_element (xml, name, text);
}

static char *
format_iso8601 (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autofree char *seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, (int) ((usec % G_USEC_PER_SEC) / 1000));
}

static char *
format_http_date (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return soup_date_time_to_string (dt, SOUP_DATE_HTTP);
}

/* }}} */
/* {{{ Responses */

static void
reply (Call       *call,
       guint       status,
       const char *content_type,
       GBytes     *body)
{
  SoupMessageBody *response_body = soup_server_message_get_response_body (call->msg);

  soup_server_message_set_status (call->msg, status, NULL);
  call->status = status;
  if (content_type != NULL)
    soup_message_headers_replace (response_headers (call), "Content-Type", content_type);

  soup_message_body_truncate (response_body);
  g_clear_pointer (&call->response_body, g_bytes_unref);
  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      soup_message_body_append_bytes (response_body, body);
      call->response_body = g_bytes_ref (body);
    }
}

static void
reply_xml (Call    *call,
           guint    status,
           GString *xml)
{
  g_autoptr(GBytes) body = g_string_free_to_bytes (xml);

  reply (call, status, "application/xml", body);
}

static void
reply_empty (Call  *call,
             guint  status)
{
  reply (call, status, NULL, NULL);
}

/* Answers with an S3 error document: Code, Message, @extra (already XML),
 * the key, bucket or upload it is about, Resource, RequestId and HostId. */
static void
reply_error_full (Call       *call,
                  guint       status,
                  const char *code,
                  const char *message,
                  const char *extra)
{
  GString *xml;

  g_debug ("%s %s: %u %s: %s", call->method, call->path ? call->path : "?",
           status, code, message);

  soup_message_headers_remove (response_headers (call), "ETag");
  soup_message_headers_remove (response_headers (call), "Content-Range");
  if (is_method (call, "HEAD"))
    {
      /* S3 answers HEAD errors without a body. */
      reply_empty (call, status);
      return;
    }

  xml = g_string_sized_new (512);
  g_string_append (xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
  xml_element (xml, "Code", code);
  xml_element (xml, "Message", message);
  if (extra != NULL)
    g_string_append (xml, extra);
  if (strcmp (code, "NoSuchKey") == 0 && call->key != NULL)
    xml_element (xml, "Key", call->key);
  if (strcmp (code, "NoSuchBucket") == 0 && call->bucket != NULL)
    xml_element (xml, "BucketName", call->bucket);
  if (strcmp (code, "NoSuchUpload") == 0 && has_query (call, "uploadId"))
    xml_element (xml, "UploadId", get_query (call, "uploadId"));
  xml_element (xml, "Resource", call->path ? call->path : "/");
  xml_element (xml, "RequestId", call->request_id);
  xml_element (xml, "HostId", call->request_id);
  g_string_append (xml, "</Error>");

  reply_xml (call, status, xml);
}

static void reply_error_extra (Call          *call,
                               S3dlioS3Error  error,
                               const char    *extra,
                               const char    *format,
                               ...) G_GNUC_PRINTF (4, 5);

static void
reply_error_extra (Call          *call,
                   S3dlioS3Error  error,
                   const char    *extra,
                   const char    *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  reply_error_full (call, _s3dlio_s3_error_get_status (error),
                    _s3dlio_s3_error_get_code (error), message, extra);
}

#define reply_error(call, error, ...) reply_error_extra ((call), (error), NULL, __VA_ARGS__)

static void
reply_gerror (Call   *call,
              GError *error)
{
  if (error->domain == S3DLIO_S3_ERROR)
    reply_error (call, error->code, "%s", error->message);
  else
    reply_error (call, S3DLIO_S3_ERROR_INTERNAL_ERROR,
                 "We encountered an internal error: %s", error->message);
}

/* The query as received, but for the session token of a presigned URL:
 * it is a secret, and this goes to logs and error messages. */
static char *
loggable_query (Call *call)
{
  g_auto(GStrv) params = NULL;

  if (call->raw_query == NULL)
    return NULL;

  params = g_strsplit (call->raw_query, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    if (g_ascii_strncasecmp (params[i], "X-Amz-Security-Token=", 21) == 0)
      {
        g_free (params[i]);
        params[i] = g_strdup ("X-Amz-Security-Token=REDACTED");
      }

  return g_strjoinv ("&", params);
}

static void
reply_not_implemented (Call *call)
{
  g_autofree char *query = loggable_query (call);

  reply_error (call, S3DLIO_S3_ERROR_NOT_IMPLEMENTED,
               "A header or query you provided implies functionality that is not implemented: %s %s%s%s",
               call->method, call->path, query ? "?" : "", query ? query : "");
}

/* }}} */
/* {{{ Parsing the request */

static gboolean
parse_target (Call *call)
{
  GUri *uri = soup_server_message_get_uri (call->msg);
  const char *raw_query = g_uri_get_query (uri);
  const char *slash;

  /* With raw-paths set, the path is as it was sent (but for dot segments,
   * which the rewriter protected): decode it here, "%2F" included. */
  call->path = _s3dlio_uri_decode (g_uri_get_path (uri), -1, FALSE);
  if (call->path == NULL || call->path[0] != '/')
    {
      g_clear_pointer (&call->path, g_free);
      call->path = g_strdup (g_uri_get_path (uri));
      reply_error (call, S3DLIO_S3_ERROR_INVALID_URI, "Couldn't parse the specified URI: %s",
                   g_uri_get_path (uri));
      return FALSE;
    }

  if (call->path[1] != '\0')
    {
      slash = strchr (call->path + 1, '/');
      call->bucket = slash ? g_strndup (call->path + 1, slash - call->path - 1) : g_strdup (call->path + 1);
      if (slash != NULL && slash[1] != '\0')
        call->key = g_strdup (slash + 1);
    }

  call->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (raw_query == NULL)
    return TRUE;

  call->raw_query = g_strdup (raw_query);
  for (const char *p = raw_query; *p != '\0';)
    {
      const char *amp = strchr (p, '&');
      const char *end = amp ? amp : p + strlen (p);
      const char *eq = memchr (p, '=', end - p);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (end > p)
        {
          name = _s3dlio_uri_decode (p, (eq ? eq : end) - p, FALSE);
          value = eq ? _s3dlio_uri_decode (eq + 1, end - eq - 1, FALSE) : g_strdup ("");
          if (name == NULL || value == NULL)
            {
              reply_error (call, S3DLIO_S3_ERROR_INVALID_URI,
                           "Couldn't parse the specified URI: malformed query");
              return FALSE;
            }
          g_hash_table_replace (call->query, g_steal_pointer (&name), g_steal_pointer (&value));
        }
      p = amp ? amp + 1 : end;
    }

  return TRUE;
}

static gboolean
parse_uint64 (const char *text,
              guint64    *out)
{
  return text != NULL && g_ascii_isdigit (*text) &&
         g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, out, NULL);
}

/* Reads a single range, `bytes=A-B`, `bytes=A-` or `bytes=-N`. Anything
 * else (several ranges, bad syntax) is ignored as HTTP says, and the whole
 * object is sent. */
static void
parse_range (const char *header,
             ByteRange  *range)
{
  g_autofree char *spec = NULL;
  g_autofree char *first = NULL;
  const char *dash;

  memset (range, 0, sizeof *range);
  if (header == NULL)
    return;

  while (g_ascii_isspace (*header))
    header++;
  if (g_ascii_strncasecmp (header, "bytes=", 6) != 0)
    return;

  spec = g_strstrip (g_strdup (header + 6));
  if (strchr (spec, ',') != NULL || (dash = strchr (spec, '-')) == NULL)
    return;

  first = g_strndup (spec, dash - spec);
  if (*first == '\0')
    {
      range->suffix = TRUE;
      range->present = parse_uint64 (dash + 1, &range->first);
      return;
    }
  if (!parse_uint64 (first, &range->first))
    return;
  if (dash[1] == '\0')
    range->last = G_MAXUINT64;
  else if (!parse_uint64 (dash + 1, &range->last) || range->last < range->first)
    return;

  range->present = TRUE;
}

/* Turns @range into the first and last byte of an object of @size;
 * returns %FALSE when it is not satisfiable. */
static gboolean
resolve_range (const ByteRange *range,
               guint64          size,
               guint64         *first,
               guint64         *last)
{
  if (range->suffix)
    {
      if (range->first == 0 || size == 0)
        return FALSE;
      *first = size - MIN (range->first, size);
      *last = size - 1;
      return TRUE;
    }

  if (range->first >= size)
    return FALSE;
  *first = range->first;
  *last = MIN (range->last, size - 1);
  return TRUE;
}

/* The x-amz-meta-* headers, by lowercase name without the prefix. */
static GHashTable *
collect_metadata (Call *call)
{
  GHashTable *metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, request_headers (call));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-amz-meta-", 11) == 0)
      g_hash_table_insert (metadata, g_ascii_strdown (name + 11, -1), g_strdup (value));

  return metadata;
}

/* Checks Content-MD5 against the body: InvalidDigest when it is no MD5,
 * BadDigest when it differs. */
static gboolean
check_content_md5 (Call *call)
{
  const char *header = request_header (call, "Content-MD5");
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guchar *expected = NULL;
  guint8 digest[16];
  gsize digest_len = sizeof digest;
  gsize len = 0;

  if (header == NULL)
    return TRUE;

  expected = g_base64_decode (header, &len);
  if (len != sizeof digest)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_DIGEST,
                   "The Content-MD5 you specified was invalid: %s", header);
      return FALSE;
    }

  checksum = g_checksum_new (G_CHECKSUM_MD5);
  g_checksum_update (checksum, g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body));
  g_checksum_get_digest (checksum, digest, &digest_len);
  if (memcmp (digest, expected, sizeof digest) != 0)
    {
      reply_error (call, S3DLIO_S3_ERROR_BAD_DIGEST,
                   "The Content-MD5 you specified did not match what we received: %s", header);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_hex_sha256 (const char *text)
{
  gsize i;

  for (i = 0; text[i] != '\0'; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;

  return i == 64;
}

/* Checks x-amz-content-sha256 against the body, for every request. */
static gboolean
check_content_sha256 (Call *call)
{
  const char *header = request_header (call, "x-amz-content-sha256");
  g_autofree char *computed = NULL;
  g_autofree char *extra = NULL;

  if (header == NULL || strcmp (header, S3DLIO_UNSIGNED_PAYLOAD) == 0)
    return TRUE;

  if (g_str_has_prefix (header, "STREAMING-"))
    {
      reply_error (call, S3DLIO_S3_ERROR_NOT_IMPLEMENTED,
                   "Streaming (aws-chunked) uploads are not implemented: %s", header);
      return FALSE;
    }
  if (!is_hex_sha256 (header))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD "
                   "or a valid sha256 value: %s", header);
      return FALSE;
    }

  computed = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, call->body);
  if (g_ascii_strcasecmp (computed, header) == 0)
    return TRUE;

  extra = g_strdup_printf ("<ClientComputedContentSHA256>%s</ClientComputedContentSHA256>"
                           "<S3ComputedContentSHA256>%s</S3ComputedContentSHA256>",
                           header, computed);
  reply_error_extra (call, S3DLIO_S3_ERROR_CONTENT_SHA256_MISMATCH, extra,
                     "The provided 'x-amz-content-sha256' header does not match what was computed.");
  return FALSE;
}

/* }}} */
/* {{{ Signature verification */

typedef struct {
  char    *access_key_id;
  char    *date;            /* of the credential scope */
  char    *region;
  char    *service;
  char    *signed_headers;  /* a;b;c */
  char    *signature;
  char    *amz_date;        /* 20150830T123600Z */
  guint64  expires;         /* presigned only */
  gboolean presign;
} AuthParams;

static void
auth_params_clear (AuthParams *params)
{
  g_free (params->access_key_id);
  g_free (params->date);
  g_free (params->region);
  g_free (params->service);
  g_free (params->signed_headers);
  g_free (params->signature);
  g_free (params->amz_date);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuthParams, auth_params_clear)

/* Splits AKID/DATE/REGION/SERVICE/aws4_request. */
static gboolean
parse_credential (const char *credential,
                  AuthParams *params)
{
  g_auto(GStrv) parts = NULL;

  if (credential == NULL)
    return FALSE;

  parts = g_strsplit (credential, "/", -1);
  if (g_strv_length (parts) != 5 || strcmp (parts[4], "aws4_request") != 0 || *parts[0] == '\0')
    return FALSE;

  params->access_key_id = g_strdup (parts[0]);
  params->date = g_strdup (parts[1]);
  params->region = g_strdup (parts[2]);
  params->service = g_strdup (parts[3]);

  return TRUE;
}

/* Reads `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
static gboolean
parse_authorization (Call       *call,
                     const char *header,
                     AuthParams *params)
{
  g_auto(GStrv) items = NULL;
  g_autofree char *credential = NULL;

  if (!g_str_has_prefix (header, "AWS4-HMAC-SHA256 "))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Unsupported Authorization Type: only AWS4-HMAC-SHA256 is accepted");
      return FALSE;
    }

  items = g_strsplit (header + strlen ("AWS4-HMAC-SHA256 "), ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (g_str_has_prefix (item, "Credential="))
        set_str (&credential, item + strlen ("Credential="));
      else if (g_str_has_prefix (item, "SignedHeaders="))
        set_str (&params->signed_headers, item + strlen ("SignedHeaders="));
      else if (g_str_has_prefix (item, "Signature="))
        set_str (&params->signature, item + strlen ("Signature="));
    }

  if (!parse_credential (credential, params) || params->signed_headers == NULL ||
      params->signature == NULL)
    {
      reply_error (call, S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED,
                   "The authorization header is malformed; it must hold Credential=<AKID>/YYYYMMDD/"
                   "REGION/SERVICE/aws4_request, SignedHeaders and Signature");
      return FALSE;
    }

  params->amz_date = g_strdup (request_header (call, "x-amz-date"));

  return TRUE;
}

static gboolean
parse_presigned (Call       *call,
                 AuthParams *params)
{
  const char *algorithm = get_query (call, "X-Amz-Algorithm");
  const char *expires = get_query (call, "X-Amz-Expires");

  params->presign = TRUE;
  if (g_strcmp0 (algorithm, "AWS4-HMAC-SHA256") != 0 ||
      !parse_credential (get_query (call, "X-Amz-Credential"), params) ||
      get_query (call, "X-Amz-SignedHeaders") == NULL ||
      get_query (call, "X-Amz-Signature") == NULL ||
      !parse_uint64 (expires, &params->expires) ||
      params->expires < 1 || params->expires > 604800)
    {
      reply_error (call, S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED,
                   "Query-string authentication version 4 requires the X-Amz-Algorithm "
                   "(AWS4-HMAC-SHA256), X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                   "X-Amz-SignedHeaders and X-Amz-Expires (1 to 604800) parameters");
      return FALSE;
    }

  params->signed_headers = g_strdup (get_query (call, "X-Amz-SignedHeaders"));
  params->signature = g_strdup (get_query (call, "X-Amz-Signature"));
  params->amz_date = g_strdup (get_query (call, "X-Amz-Date"));

  return TRUE;
}

/* Parses 20150830T123600Z. */
static GDateTime *
parse_amz_date (const char *text)
{
  int year, month, day, hour, minute, second;
  char z = 0;

  if (text == NULL || strlen (text) != 16 ||
      sscanf (text, "%4d%2d%2dT%2d%2d%2d%c", &year, &month, &day, &hour, &minute, &second, &z) != 7 ||
      z != 'Z')
    return NULL;

  return g_date_time_new_utc (year, month, day, hour, minute, second);
}

static gboolean
check_scope (Call       *call,
             AuthParams *params,
             GDateTime  *timestamp)
{
  const char *server_id = s3dlio_credentials_get_access_key_id (call->credentials);
  g_autofree char *extra = NULL;

  if (g_strcmp0 (params->access_key_id, server_id) != 0)
    {
      g_autofree char *masked = _s3dlio_credentials_mask_access_key_id (params->access_key_id);

      extra = g_strdup_printf ("<AWSAccessKeyId>%s</AWSAccessKeyId>", masked);
      reply_error_extra (call, S3DLIO_S3_ERROR_INVALID_ACCESS_KEY_ID, extra,
                         "The AWS Access Key Id you provided does not exist in our records.");
      return FALSE;
    }
  if (timestamp == NULL)
    {
      reply_error (call, S3DLIO_S3_ERROR_ACCESS_DENIED,
                   "AWS authentication requires a valid Date or x-amz-date header");
      return FALSE;
    }
  if (strncmp (params->amz_date, params->date, 8) != 0 || strlen (params->date) != 8)
    {
      reply_error (call, S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED,
                   "The authorization header is malformed; Invalid credential date %s. "
                   "Date is not the same as X-Amz-Date %s.", params->date, params->amz_date);
      return FALSE;
    }
  if (strcmp (params->region, call->region) != 0)
    {
      GString *region = g_string_new ("<Region>");

      append_escaped (region, call->region);
      g_string_append (region, "</Region>");
      extra = g_string_free (region, FALSE);
      /* As S3 does, so that a HEAD, which has no body, names it too. */
      soup_message_headers_replace (response_headers (call), "x-amz-bucket-region", call->region);
      reply_error_extra (call, S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED, extra,
                         "The authorization header is malformed; the region '%s' is wrong; "
                         "expecting '%s'", params->region, call->region);
      return FALSE;
    }
  if (strcmp (params->service, "s3") != 0)
    {
      reply_error (call, S3DLIO_S3_ERROR_AUTHORIZATION_HEADER_MALFORMED,
                   "The authorization header is malformed; incorrect service '%s'. "
                   "This endpoint belongs to 's3'.", params->service);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_time (Call       *call,
            AuthParams *params,
            GDateTime  *timestamp)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 skew = g_date_time_to_unix (timestamp) - g_date_time_to_unix (now);
  g_autofree char *server_time = format_iso8601 (g_date_time_to_unix (now) * G_USEC_PER_SEC);
  g_autofree char *extra = NULL;

  if (params->presign)
    {
      if (skew > MAX_SKEW_SECONDS)
        {
          reply_error (call, S3DLIO_S3_ERROR_ACCESS_DENIED,
                       "Request is not valid yet: X-Amz-Date %s is in the future", params->amz_date);
          return FALSE;
        }
      if (-skew > (gint64) params->expires)
        {
          extra = g_strdup_printf ("<X-Amz-Expires>%" G_GUINT64_FORMAT "</X-Amz-Expires>"
                                   "<ServerTime>%s</ServerTime>", params->expires, server_time);
          reply_error_extra (call, S3DLIO_S3_ERROR_ACCESS_DENIED, extra,
                             "Request has expired: signed at %s for %" G_GUINT64_FORMAT " seconds",
                             params->amz_date, params->expires);
          return FALSE;
        }
      return TRUE;
    }

  if (ABS (skew) > MAX_SKEW_SECONDS)
    {
      extra = g_strdup_printf ("<RequestTime>%s</RequestTime><ServerTime>%s</ServerTime>"
                               "<MaxAllowedSkewMilliseconds>%d</MaxAllowedSkewMilliseconds>",
                               params->amz_date, server_time, MAX_SKEW_SECONDS * 1000);
      reply_error_extra (call, S3DLIO_S3_ERROR_REQUEST_TIME_TOO_SKEWED, extra,
                         "The difference between the request time and the current time is too large.");
      return FALSE;
    }

  return TRUE;
}

/* Rebuilds the request as the client signed it: its method, host, decoded
 * path and query, and only the headers it says it signed. */
static S3dlioRequest *
rebuild_request (Call        *call,
                 AuthParams  *params,
                 GError     **error)
{
  const char *host = request_header (call, "Host");
  g_autoptr(S3dlioRequest) request = NULL;
  g_auto(GStrv) names = NULL;
  const char *payload_hash;

  request = s3dlio_request_new (call->method, host ? host : "", call->path);
  s3dlio_request_set_scheme (request, "http");
  if (call->raw_query != NULL &&
      !_s3dlio_request_add_encoded_query (request, call->raw_query, error))
    return NULL;

  names = g_strsplit (params->signed_headers, ";", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      SoupMessageHeadersIter iter;
      const char *name, *value;

      if (strcmp (names[i], "host") == 0)
        continue;
      soup_message_headers_iter_init (&iter, request_headers (call));
      while (soup_message_headers_iter_next (&iter, &name, &value))
        if (g_ascii_strcasecmp (name, names[i]) == 0)
          s3dlio_request_append_header (request, names[i], value);
    }

  payload_hash = request_header (call, "x-amz-content-sha256");
  if (payload_hash != NULL && (!params->presign || strstr (params->signed_headers, "x-amz-content-sha256")))
    s3dlio_request_set_payload_hash (request, payload_hash);

  return g_steal_pointer (&request);
}

/* The session token a request carries: a query parameter of a presigned
 * URL, the x-amz-security-token header otherwise. */
static const char *
request_token (Call       *call,
               AuthParams *params)
{
  return params->presign ? get_query (call, "X-Amz-Security-Token")
                         : request_header (call, "x-amz-security-token");
}

static void
redact_token (GString    *text,
              const char *token)
{
  g_autofree char *encoded = NULL;

  if (token == NULL || *token == '\0')
    return;

  encoded = _s3dlio_uri_encode (token, FALSE);
  g_string_replace (text, encoded, "REDACTED", 0);
  g_string_replace (text, token, "REDACTED", 0);
}

/* The canonical request holds the session token, a secret: never show it,
 * neither ours nor the one the request came with. */
static char *
redact_tokens (const char *text,
               Call       *call,
               AuthParams *params)
{
  g_autoptr(GString) out = g_string_new (text);

  redact_token (out, _s3dlio_credentials_get_session_token (call->credentials));
  redact_token (out, request_token (call, params));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A presigned URL made with temporary credentials signs their session
 * token as a query parameter, but a signer only puts back the token of its
 * own credentials: verify such a URL with credentials that hold the
 * request's token. (The endpoint accepts any token, as it accepts any
 * x-amz-security-token header.) */
static S3dlioSigner *
signer_for_request (Call       *call,
                    AuthParams *params)
{
  const char *token = request_token (call, params);
  g_autoptr(S3dlioCredentials) credentials = NULL;

  if (!params->presign || token == NULL || *token == '\0' ||
      g_strcmp0 (token, _s3dlio_credentials_get_session_token (call->credentials)) == 0)
    return g_object_ref (call->signer);

  credentials = s3dlio_credentials_new (s3dlio_credentials_get_access_key_id (call->credentials),
                                        _s3dlio_credentials_get_secret_access_key (call->credentials),
                                        token);
  return s3dlio_signer_new (credentials, call->region);
}

static void
reply_signature_mismatch (Call            *call,
                          AuthParams      *params,
                          S3dlioSignature *expected)
{
  g_autofree char *canonical = redact_tokens (expected->canonical_request, call, params);
  g_autofree char *masked = _s3dlio_credentials_mask_access_key_id (params->access_key_id);
  g_autoptr(GString) extra = g_string_new (NULL);

  xml_element (extra, "AWSAccessKeyId", masked);
  xml_element (extra, "StringToSign", expected->string_to_sign);
  xml_element (extra, "SignatureProvided", params->signature);
  xml_element (extra, "CanonicalRequest", canonical);

  reply_error_extra (call, S3DLIO_S3_ERROR_SIGNATURE_DOES_NOT_MATCH, extra->str,
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.");
}

static gboolean
verify_signature (Call       *call,
                  AuthParams *params)
{
  g_autoptr(GDateTime) timestamp = parse_amz_date (params->amz_date);
  g_autoptr(S3dlioRequest) request = NULL;
  g_autoptr(S3dlioSigner) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(S3dlioSignature) expected = { 0 };

  if (!check_scope (call, params, timestamp) || !check_time (call, params, timestamp))
    return FALSE;

  if (!params->presign && request_header (call, "x-amz-content-sha256") == NULL)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_REQUEST,
                   "Missing required header for this request: x-amz-content-sha256");
      return FALSE;
    }

  request = rebuild_request (call, params, &error);
  signer = signer_for_request (call, params);
  if (request == NULL ||
      !_s3dlio_signer_compute (signer, request, timestamp, params->presign,
                               (guint) params->expires, &expected, &error))
    {
      reply_error (call, S3DLIO_S3_ERROR_SIGNATURE_DOES_NOT_MATCH,
                   "The request signature could not be computed: %s", error->message);
      return FALSE;
    }

  if (!_s3dlio_signature_equal (expected.signature, params->signature))
    {
      reply_signature_mismatch (call, params, &expected);
      return FALSE;
    }

  return TRUE;
}

/* Returns %FALSE, having answered, when the request may not go on. */
static gboolean
authenticate (Call *call)
{
  const char *authorization = request_header (call, "Authorization");
  gboolean presigned = has_query (call, "X-Amz-Signature") || has_query (call, "X-Amz-Credential");
  g_auto(AuthParams) params = { 0 };

  if (call->signer == NULL)
    return TRUE;

  if (authorization != NULL && presigned)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter "
                   "or the Authorization header should be specified");
      return FALSE;
    }
  if (authorization != NULL)
    return parse_authorization (call, authorization, &params) && verify_signature (call, &params);
  if (presigned)
    return parse_presigned (call, &params) && verify_signature (call, &params);

  reply_error (call, S3DLIO_S3_ERROR_ACCESS_DENIED, "Access Denied: the request is not signed");
  return FALSE;
}

/* }}} */
/* {{{ Buckets */

static void
list_buckets (Call *call)
{
  g_autoptr(GPtrArray) buckets = _s3dlio_server_store_list_buckets (call->self->store);
  GString *xml = xml_document_new ("ListAllMyBucketsResult");

  g_string_append (xml, "<Owner>");
  xml_element (xml, "ID", OWNER_ID);
  xml_element (xml, "DisplayName", OWNER_ID);
  g_string_append (xml, "</Owner><Buckets>");
  for (guint i = 0; i < buckets->len; i++)
    {
      S3dlioServerBucket *bucket = g_ptr_array_index (buckets, i);
      g_autofree char *created = format_iso8601 (bucket->created);

      g_string_append (xml, "<Bucket>");
      xml_element (xml, "Name", bucket->name);
      xml_element (xml, "CreationDate", created);
      g_string_append (xml, "</Bucket>");
    }
  g_string_append (xml, "</Buckets></ListAllMyBucketsResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

static void
create_bucket (Call *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *location = g_strconcat ("/", call->bucket, NULL);

  if (!_s3dlio_server_store_create_bucket (call->self->store, call->bucket, &error))
    {
      reply_gerror (call, error);
      return;
    }

  soup_message_headers_replace (response_headers (call), "Location", location);
  reply_empty (call, SOUP_STATUS_OK);
}

static void
delete_bucket (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (!_s3dlio_server_store_delete_bucket (call->self->store, call->bucket, &error))
    reply_gerror (call, error);
  else
    reply_empty (call, SOUP_STATUS_NO_CONTENT);
}

static gboolean
require_bucket (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (_s3dlio_server_store_has_bucket (call->self->store, call->bucket))
    return TRUE;

  g_set_error (&error, S3DLIO_S3_ERROR, S3DLIO_S3_ERROR_NO_SUCH_BUCKET,
               "The specified bucket does not exist: %s", call->bucket);
  reply_gerror (call, error);
  return FALSE;
}

static void
head_bucket (Call *call)
{
  if (!require_bucket (call))
    return;

  soup_message_headers_replace (response_headers (call), "x-amz-bucket-region", call->region);
  reply_empty (call, SOUP_STATUS_OK);
}

static void
get_bucket_location (Call *call)
{
  GString *xml;

  if (!require_bucket (call))
    return;

  /* us-east-1 is written as an empty constraint, for historical reasons. */
  xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append (xml, "<LocationConstraint xmlns=\"" S3_XMLNS "\">");
  if (strcmp (call->region, "us-east-1") != 0)
    append_escaped (xml, call->region);
  g_string_append (xml, "</LocationConstraint>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

/* }}} */
/* {{{ Listing objects */

typedef struct {
  const char *prefix;
  const char *delimiter;     /* NULL or non-empty */
  const char *skip_prefix;   /* a common prefix already returned */
  gboolean    url_encode;
  guint       max_keys;

  guint       count;
  gboolean    truncated;
  char       *last_item;     /* the last key or common prefix returned */
  gboolean    last_is_prefix;
  GString    *contents;
  GString    *prefixes;
} Listing;

static void
listing_clear (Listing *listing)
{
  g_free (listing->last_item);
  if (listing->contents)
    g_string_free (listing->contents, TRUE);
  if (listing->prefixes)
    g_string_free (listing->prefixes, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Listing, listing_clear)

static void
listing_add_prefix (Listing *listing,
                    char    *common_prefix)
{
  g_string_append (listing->prefixes, "<CommonPrefixes>");
  xml_key_element (listing->prefixes, "Prefix", common_prefix, listing->url_encode);
  g_string_append (listing->prefixes, "</CommonPrefixes>");

  g_free (listing->last_item);
  listing->last_item = common_prefix;
  listing->last_is_prefix = TRUE;
  listing->count++;
}

static void
listing_add_key (Listing            *listing,
                 const char         *key,
                 S3dlioServerObject *object)
{
  g_autofree char *modified = format_iso8601 (object->last_modified);
  GString *xml = listing->contents;

  g_string_append (xml, "<Contents>");
  xml_key_element (xml, "Key", key, listing->url_encode);
  xml_element (xml, "LastModified", modified);
  xml_element (xml, "ETag", object->etag);
  xml_element_printf (xml, "Size", "%" G_GUINT64_FORMAT, object->size);
  xml_element (xml, "StorageClass", "STANDARD");
  g_string_append (xml, "</Contents>");

  set_str (&listing->last_item, key);
  listing->last_is_prefix = FALSE;
  listing->count++;
}

static gboolean
listing_visit (const char         *key,
               S3dlioServerObject *object,
               gpointer            user_data)
{
  Listing *listing = user_data;
  const char *rest = key + strlen (listing->prefix);
  const char *delimiter = listing->delimiter ? strstr (rest, listing->delimiter) : NULL;

  if (delimiter != NULL)
    {
      g_autofree char *common = g_strndup (key, delimiter - key + strlen (listing->delimiter));

      /* Every key under one common prefix rolls up into it. */
      if (g_strcmp0 (common, listing->skip_prefix) == 0 ||
          (listing->last_is_prefix && g_strcmp0 (common, listing->last_item) == 0))
        return TRUE;
      if (listing->count == listing->max_keys)
        {
          listing->truncated = TRUE;
          return FALSE;
        }
      listing_add_prefix (listing, g_steal_pointer (&common));
      return TRUE;
    }

  if (listing->count == listing->max_keys)
    {
      listing->truncated = TRUE;
      return FALSE;
    }
  listing_add_key (listing, key, object);
  return TRUE;
}

/* The continuation token is opaque to clients: the base64 of the last item
 * returned, with a letter telling a key (K) from a common prefix (P). */
static char *
make_continuation_token (Listing *listing)
{
  g_autofree char *raw = g_strconcat (listing->last_is_prefix ? "P" : "K", listing->last_item, NULL);

  return g_base64_encode ((const guchar *) raw, strlen (raw));
}

static gboolean
read_continuation_token (const char  *token,
                         char       **start_after,
                         gboolean    *is_prefix)
{
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  raw = g_base64_decode (token, &len);
  if (raw == NULL || len < 2 || (raw[0] != 'K' && raw[0] != 'P') ||
      memchr (raw, '\0', len) != NULL || !g_utf8_validate ((const char *) raw, len, NULL))
    return FALSE;

  *is_prefix = raw[0] == 'P';
  *start_after = g_strndup ((const char *) raw + 1, len - 1);

  return TRUE;
}

/* Reads prefix, delimiter, max-keys and encoding-type, common to both
 * versions of ListObjects. */
static gboolean
listing_init (Call    *call,
              Listing *listing)
{
  const char *max_keys = get_query (call, "max-keys");
  const char *encoding = get_query (call, "encoding-type");
  guint64 requested = call->page_size;

  listing->prefix = get_query (call, "prefix") ? get_query (call, "prefix") : "";
  listing->delimiter = get_query (call, "delimiter");
  if (listing->delimiter != NULL && *listing->delimiter == '\0')
    listing->delimiter = NULL;

  if (max_keys != NULL && !parse_uint64 (max_keys, &requested))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Provided max-keys not an integer or within integer range: %s", max_keys);
      return FALSE;
    }
  listing->max_keys = MIN (requested, call->page_size);

  if (encoding != NULL && strcmp (encoding, "url") != 0)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Invalid Encoding Method specified in Request: %s", encoding);
      return FALSE;
    }
  listing->url_encode = encoding != NULL;
  listing->contents = g_string_new (NULL);
  listing->prefixes = g_string_new (NULL);

  return TRUE;
}

static gboolean
listing_run (Call       *call,
             Listing    *listing,
             const char *start_after)
{
  g_autoptr(GError) error = NULL;

  if (listing->max_keys == 0)
    return require_bucket (call);

  if (!_s3dlio_server_store_list_objects (call->self->store, call->bucket, listing->prefix,
                                          start_after, listing_visit, listing, &error))
    {
      reply_gerror (call, error);
      return FALSE;
    }

  return TRUE;
}

static void
list_objects_v2 (Call *call)
{
  const char *token = get_query (call, "continuation-token");
  const char *start_after = get_query (call, "start-after");
  g_autofree char *token_key = NULL;
  g_auto(Listing) listing = { 0 };
  gboolean token_is_prefix = FALSE;
  const char *from = start_after;
  GString *xml;

  if (!listing_init (call, &listing))
    return;

  if (token != NULL)
    {
      if (!read_continuation_token (token, &token_key, &token_is_prefix))
        {
          reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                       "The continuation token provided is incorrect: %s", token);
          return;
        }
      if (from == NULL || strcmp (token_key, from) > 0)
        from = token_key;
      if (token_is_prefix)
        listing.skip_prefix = token_key;
    }

  if (!listing_run (call, &listing, from))
    return;

  xml = xml_document_new ("ListBucketResult");
  xml_element (xml, "Name", call->bucket);
  xml_key_element (xml, "Prefix", listing.prefix, listing.url_encode);
  if (listing.delimiter != NULL)
    xml_key_element (xml, "Delimiter", listing.delimiter, listing.url_encode);
  xml_element_printf (xml, "MaxKeys", "%u", listing.max_keys);
  if (listing.url_encode)
    xml_element (xml, "EncodingType", "url");
  xml_element_printf (xml, "KeyCount", "%u", listing.count);
  xml_element (xml, "IsTruncated", listing.truncated ? "true" : "false");
  if (token != NULL)
    xml_element (xml, "ContinuationToken", token);
  if (listing.truncated)
    {
      g_autofree char *next = make_continuation_token (&listing);

      xml_element (xml, "NextContinuationToken", next);
    }
  if (start_after != NULL)
    xml_key_element (xml, "StartAfter", start_after, listing.url_encode);
  g_string_append_len (xml, listing.contents->str, listing.contents->len);
  g_string_append_len (xml, listing.prefixes->str, listing.prefixes->len);
  g_string_append (xml, "</ListBucketResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

static void
list_objects_v1 (Call *call)
{
  const char *marker = get_query (call, "marker");
  g_auto(Listing) listing = { 0 };
  GString *xml;

  if (!listing_init (call, &listing))
    return;

  /* A marker that is a common prefix skips the keys rolled up into it. */
  if (marker != NULL && listing.delimiter != NULL && g_str_has_suffix (marker, listing.delimiter))
    listing.skip_prefix = marker;

  if (!listing_run (call, &listing, marker))
    return;

  xml = xml_document_new ("ListBucketResult");
  xml_element (xml, "Name", call->bucket);
  xml_key_element (xml, "Prefix", listing.prefix, listing.url_encode);
  xml_key_element (xml, "Marker", marker ? marker : "", listing.url_encode);
  if (listing.truncated)
    xml_key_element (xml, "NextMarker", listing.last_item, listing.url_encode);
  xml_element_printf (xml, "MaxKeys", "%u", listing.max_keys);
  if (listing.delimiter != NULL)
    xml_key_element (xml, "Delimiter", listing.delimiter, listing.url_encode);
  if (listing.url_encode)
    xml_element (xml, "EncodingType", "url");
  xml_element (xml, "IsTruncated", listing.truncated ? "true" : "false");
  g_string_append_len (xml, listing.contents->str, listing.contents->len);
  g_string_append_len (xml, listing.prefixes->str, listing.prefixes->len);
  g_string_append (xml, "</ListBucketResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

/* }}} */
/* {{{ Reading the XML of requests */

/* Collects, from a document <Root><Item><A>…</A>…</Item>…<B>…</B></Root>,
 * the children of each @item element and the other children of the root. */
typedef struct {
  const char *root;
  const char *item;
  int         depth;
  GHashTable *current;       /* child -> text, inside an item */
  char       *child;         /* the element whose text is collected */
  GString    *text;
  GPtrArray  *items;         /* of GHashTable */
  GHashTable *top;           /* root child -> text */
} XmlCollector;

static void
collector_start (GMarkupParseContext  *context,
                 const char           *element,
                 const char          **attribute_names,
                 const char          **attribute_values,
                 gpointer              user_data,
                 GError              **error)
{
  XmlCollector *collector = user_data;

  collector->depth++;
  if (collector->depth == 1 && strcmp (element, collector->root) != 0)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "The root element is <%s>, not <%s>", element, collector->root);
      return;
    }

  if (collector->depth == 2 && strcmp (element, collector->item) == 0)
    {
      collector->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      return;
    }

  if ((collector->depth == 2 && collector->current == NULL) ||
      (collector->depth == 3 && collector->current != NULL))
    {
      set_str (&collector->child, element);
      g_string_truncate (collector->text, 0);
    }
}

static void
collector_end (GMarkupParseContext  *context,
               const char           *element,
               gpointer              user_data,
               GError              **error)
{
  XmlCollector *collector = user_data;

  if (collector->child != NULL && strcmp (element, collector->child) == 0)
    {
      GHashTable *table = collector->current ? collector->current : collector->top;

      g_hash_table_replace (table, g_steal_pointer (&collector->child),
                            g_strdup (collector->text->str));
    }
  else if (collector->depth == 2 && collector->current != NULL)
    {
      g_ptr_array_add (collector->items, g_steal_pointer (&collector->current));
    }

  collector->depth--;
}

static void
collector_text (GMarkupParseContext  *context,
                const char           *text,
                gsize                 len,
                gpointer              user_data,
                GError              **error)
{
  XmlCollector *collector = user_data;

  if (collector->child != NULL)
    g_string_append_len (collector->text, text, len);
}

static const GMarkupParser collector_parser = {
  collector_start, collector_end, collector_text, NULL, NULL,
};

static gboolean
collect_xml (GBytes      *body,
             const char  *root,
             const char  *item,
             GPtrArray  **items,
             GHashTable **top,
             GError     **error)
{
  XmlCollector collector = { root, item, 0, NULL, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  gboolean ok;

  collector.text = g_string_new (NULL);
  collector.items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  collector.top = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  context = g_markup_parse_context_new (&collector_parser, G_MARKUP_PREFIX_ERROR_POSITION,
                                        &collector, NULL);
  ok = len > 0 &&
       g_markup_parse_context_parse (context, data, len, error) &&
       g_markup_parse_context_end_parse (context, error);
  if (ok && collector.depth != 0)
    ok = FALSE;
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "The body is empty");

  g_clear_pointer (&collector.current, g_hash_table_unref);
  g_free (collector.child);
  g_string_free (collector.text, TRUE);

  if (!ok)
    {
      g_ptr_array_unref (collector.items);
      g_hash_table_unref (collector.top);
      return FALSE;
    }

  *items = collector.items;
  *top = collector.top;

  return TRUE;
}

/* }}} */
/* {{{ Objects */

static gboolean
check_key (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (_s3dlio_server_store_check_key (call->self->store, call->key, &error))
    return TRUE;

  reply_gerror (call, error);
  return FALSE;
}

/* Whether an If-Match or If-None-Match list names @etag. */
static gboolean
etag_list_matches (const char *header,
                   const char *etag)
{
  g_auto(GStrv) items = g_strsplit (header, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      g_autofree char *quoted = NULL;

      if (g_str_has_prefix (item, "W/"))
        item += 2;
      if (strcmp (item, "*") == 0 || strcmp (item, etag) == 0)
        return TRUE;
      quoted = g_strdup_printf ("\"%s\"", item);
      if (strcmp (quoted, etag) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Compares a date header with @usec, at the resolution of HTTP dates.
 * Returns FALSE when the header is missing or unreadable. */
static gboolean
date_header_seconds (Call       *call,
                     const char *name,
                     gint64     *seconds)
{
  const char *header = request_header (call, name);
  g_autoptr(GDateTime) date = header ? soup_date_time_new_from_http_string (header) : NULL;

  if (date == NULL)
    return FALSE;

  *seconds = g_date_time_to_unix (date);
  return TRUE;
}

/* Applies If-Match, If-Unmodified-Since, If-None-Match and
 * If-Modified-Since; returns %FALSE, having answered, when one fails. */
static gboolean
check_conditions (Call               *call,
                  S3dlioServerObject *object)
{
  const char *if_match = request_header (call, "If-Match");
  const char *if_none_match = request_header (call, "If-None-Match");
  gint64 modified = object->last_modified / G_USEC_PER_SEC;
  gint64 since;

  if ((if_match != NULL && !etag_list_matches (if_match, object->etag)) ||
      (if_match == NULL && date_header_seconds (call, "If-Unmodified-Since", &since) &&
       modified > since))
    {
      g_autofree char *extra = g_strdup_printf ("<Condition>%s</Condition>",
                                                if_match ? "If-Match" : "If-Unmodified-Since");

      reply_error_extra (call, S3DLIO_S3_ERROR_PRECONDITION_FAILED, extra,
                         "At least one of the pre-conditions you specified did not hold");
      return FALSE;
    }

  if ((if_none_match != NULL && etag_list_matches (if_none_match, object->etag)) ||
      (if_none_match == NULL && date_header_seconds (call, "If-Modified-Since", &since) &&
       modified <= since))
    {
      reply_empty (call, SOUP_STATUS_NOT_MODIFIED);
      return FALSE;
    }

  return TRUE;
}

static void
set_object_headers (Call               *call,
                    S3dlioServerObject *object)
{
  static const struct { const char *query; const char *header; } overrides[] = {
    { "response-content-type", "Content-Type" },
    { "response-content-language", "Content-Language" },
    { "response-expires", "Expires" },
    { "response-cache-control", "Cache-Control" },
    { "response-content-disposition", "Content-Disposition" },
    { "response-content-encoding", "Content-Encoding" },
  };
  SoupMessageHeaders *headers = response_headers (call);
  g_autofree char *modified = format_http_date (object->last_modified);
  GHashTableIter iter;
  gpointer name, value;

  soup_message_headers_replace (headers, "ETag", object->etag);
  soup_message_headers_replace (headers, "Last-Modified", modified);
  soup_message_headers_replace (headers, "Content-Type", object->content_type);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");

  g_hash_table_iter_init (&iter, object->metadata);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_autofree char *header = g_strconcat ("x-amz-meta-", name, NULL);

      soup_message_headers_replace (headers, header, value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (overrides); i++)
    if (get_query (call, overrides[i].query) != NULL)
      soup_message_headers_replace (headers, overrides[i].header, get_query (call, overrides[i].query));
}

static void
get_object (Call *call)
{
  gboolean head = is_method (call, "HEAD");
  g_autoptr(S3dlioServerObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) slice = NULL;
  guint64 first, last;

  if (!check_key (call))
    return;

  object = _s3dlio_server_store_get_object (call->self->store, call->bucket, call->key, !head, &error);
  if (object == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  if (!check_conditions (call, object))
    {
      soup_message_headers_replace (response_headers (call), "ETag", object->etag);
      return;
    }

  set_object_headers (call, object);

  if (!call->range.present)
    {
      /* Or libsoup would answer a Range it understands but S3 does not,
       * such as several ranges, itself. */
      soup_message_headers_remove (request_headers (call), "Range");
      if (head)
        {
          soup_message_headers_set_content_length (response_headers (call), object->size);
          reply_empty (call, SOUP_STATUS_OK);
        }
      else
        {
          reply (call, SOUP_STATUS_OK, NULL, object->data);
        }
      return;
    }

  if (!resolve_range (&call->range, object->size, &first, &last))
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, object->size);
      g_autofree char *extra = g_strdup_printf ("<RangeRequested>%s</RangeRequested>"
                                                "<ActualObjectSize>%" G_GUINT64_FORMAT "</ActualObjectSize>",
                                                request_header (call, "Range"), object->size);

      reply_error_extra (call, S3DLIO_S3_ERROR_INVALID_RANGE, extra,
                         "The requested range is not satisfiable");
      soup_message_headers_replace (response_headers (call), "Content-Range", content_range);
      return;
    }

  soup_message_headers_set_content_range (response_headers (call), first, last, object->size);
  if (head)
    {
      soup_message_headers_set_content_length (response_headers (call), last - first + 1);
      reply_empty (call, SOUP_STATUS_PARTIAL_CONTENT);
      return;
    }

  slice = g_bytes_new_from_bytes (object->data, first, last - first + 1);
  reply (call, SOUP_STATUS_PARTIAL_CONTENT, NULL, slice);
}

static void
reply_object_stored (Call               *call,
                     S3dlioServerObject *object)
{
  soup_message_headers_replace (response_headers (call), "ETag", object->etag);
  reply_empty (call, SOUP_STATUS_OK);
}

/* Conditional writes: If-None-Match: * refuses to overwrite, If-Match only
 * overwrites the given version. */
static gboolean
check_write_conditions (Call *call)
{
  const char *if_match = request_header (call, "If-Match");
  const char *if_none_match = request_header (call, "If-None-Match");
  g_autoptr(S3dlioServerObject) current = NULL;

  if (if_match == NULL && if_none_match == NULL)
    return TRUE;

  current = _s3dlio_server_store_get_object (call->self->store, call->bucket, call->key, FALSE, NULL);
  if (if_match != NULL && current == NULL)
    {
      reply_error (call, S3DLIO_S3_ERROR_NO_SUCH_KEY, "The specified key does not exist.");
      return FALSE;
    }
  if ((if_match != NULL && !etag_list_matches (if_match, current->etag)) ||
      (if_none_match != NULL && current != NULL && etag_list_matches (if_none_match, current->etag)))
    {
      reply_error (call, S3DLIO_S3_ERROR_PRECONDITION_FAILED,
                   "At least one of the pre-conditions you specified did not hold");
      return FALSE;
    }

  return TRUE;
}

static void
put_object (Call *call)
{
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(S3dlioServerObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (!check_key (call) || !check_content_md5 (call) || !require_bucket (call) ||
      !check_write_conditions (call))
    return;

  metadata = collect_metadata (call);
  object = _s3dlio_server_store_put_object (call->self->store, call->bucket, call->key, call->body,
                                            request_header (call, "Content-Type"), metadata,
                                            NULL, &error);
  if (object == NULL)
    reply_gerror (call, error);
  else
    reply_object_stored (call, object);
}

/* Reads x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded,
 * maybe followed by "?versionId=…". */
static gboolean
parse_copy_source (const char  *header,
                   char       **bucket,
                   char       **key)
{
  g_autofree char *source = NULL;
  const char *question = strchr (header, '?');
  const char *slash;

  source = _s3dlio_uri_decode (header, question ? question - header : -1, FALSE);
  if (source == NULL)
    return FALSE;

  slash = strchr (source[0] == '/' ? source + 1 : source, '/');
  if (slash == NULL || slash[1] == '\0')
    return FALSE;

  *bucket = g_strndup (source[0] == '/' ? source + 1 : source,
                       slash - (source[0] == '/' ? source + 1 : source));
  *key = g_strdup (slash + 1);

  return TRUE;
}

static void
copy_object (Call *call)
{
  const char *directive = request_header (call, "x-amz-metadata-directive");
  const char *if_match = request_header (call, "x-amz-copy-source-if-match");
  const char *if_none_match = request_header (call, "x-amz-copy-source-if-none-match");
  g_autofree char *source_bucket = NULL;
  g_autofree char *source_key = NULL;
  g_autoptr(S3dlioServerObject) source = NULL;
  g_autoptr(S3dlioServerObject) copy = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *modified = NULL;
  gboolean replace;
  GString *xml;

  if (!check_key (call))
    return;

  if (!parse_copy_source (request_header (call, "x-amz-copy-source"), &source_bucket, &source_key))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
      return;
    }
  if (directive != NULL && strcmp (directive, "COPY") != 0 && strcmp (directive, "REPLACE") != 0)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Unknown metadata directive: %s", directive);
      return;
    }
  replace = g_strcmp0 (directive, "REPLACE") == 0;
  if (!replace && strcmp (source_bucket, call->bucket) == 0 && strcmp (source_key, call->key) == 0)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_REQUEST,
                   "This copy request is illegal because it is trying to copy an object to itself "
                   "without changing the object's metadata");
      return;
    }

  source = _s3dlio_server_store_get_object (call->self->store, source_bucket, source_key, TRUE, &error);
  if (source == NULL)
    {
      reply_gerror (call, error);
      return;
    }
  if ((if_match != NULL && !etag_list_matches (if_match, source->etag)) ||
      (if_none_match != NULL && etag_list_matches (if_none_match, source->etag)))
    {
      reply_error (call, S3DLIO_S3_ERROR_PRECONDITION_FAILED,
                   "At least one of the pre-conditions you specified did not hold");
      return;
    }

  metadata = replace ? collect_metadata (call) : g_hash_table_ref (source->metadata);
  copy = _s3dlio_server_store_put_object (call->self->store, call->bucket, call->key, source->data,
                                          replace ? request_header (call, "Content-Type") : source->content_type,
                                          metadata, NULL, &error);
  if (copy == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  modified = format_iso8601 (copy->last_modified);
  xml = xml_document_new ("CopyObjectResult");
  xml_element (xml, "LastModified", modified);
  xml_element (xml, "ETag", copy->etag);
  g_string_append (xml, "</CopyObjectResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

static void
delete_object (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (!check_key (call))
    return;

  if (!_s3dlio_server_store_delete_object (call->self->store, call->bucket, call->key, &error))
    reply_gerror (call, error);
  else
    reply_empty (call, SOUP_STATUS_NO_CONTENT);
}

static gboolean
has_checksum_header (Call *call)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, request_headers (call));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strncasecmp (name, "x-amz-checksum-", 15) == 0 &&
        g_ascii_strcasecmp (name, "x-amz-checksum-algorithm") != 0)
      return TRUE;

  return FALSE;
}

static void
delete_one (Call       *call,
            const char *key,
            gboolean    quiet,
            GString    *xml)
{
  g_autoptr(GError) error = NULL;

  if (_s3dlio_server_store_delete_object (call->self->store, call->bucket, key, &error))
    {
      if (!quiet)
        {
          g_string_append (xml, "<Deleted>");
          xml_element (xml, "Key", key);
          g_string_append (xml, "</Deleted>");
        }
      return;
    }

  g_string_append (xml, "<Error>");
  xml_element (xml, "Key", key);
  xml_element (xml, "Code", error->domain == S3DLIO_S3_ERROR
                            ? _s3dlio_s3_error_get_code (error->code) : "InternalError");
  xml_element (xml, "Message", error->message);
  g_string_append (xml, "</Error>");
}

static void
delete_objects (Call *call)
{
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GHashTable) top = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quiet;
  GString *xml;

  /* S3 wants an integrity check on this request, MD5 or a newer checksum. */
  if (request_header (call, "Content-MD5") == NULL && !has_checksum_header (call))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_REQUEST,
                   "Missing required header for this request: Content-MD5");
      return;
    }
  if (!check_content_md5 (call))
    return;

  if (!collect_xml (call->body, "Delete", "Object", &objects, &top, &error) ||
      objects->len == 0 || objects->len > MAX_DELETE_OBJECTS)
    {
      reply_error (call, S3DLIO_S3_ERROR_MALFORMED_XML,
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema: %s",
                   error ? error->message : "it must list 1 to 1000 objects");
      return;
    }
  if (!require_bucket (call))
    return;

  quiet = g_strcmp0 (g_hash_table_lookup (top, "Quiet"), "true") == 0;
  xml = xml_document_new ("DeleteResult");
  for (guint i = 0; i < objects->len; i++)
    {
      const char *key = g_hash_table_lookup (g_ptr_array_index (objects, i), "Key");

      delete_one (call, key ? key : "", quiet, xml);
    }
  g_string_append (xml, "</DeleteResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

/* }}} */
/* {{{ Multipart uploads */

static void
create_multipart_upload (Call *call)
{
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *upload_id = NULL;
  GString *xml;

  if (!check_key (call))
    return;

  metadata = collect_metadata (call);
  upload_id = _s3dlio_server_store_create_upload (call->self->store, call->bucket, call->key,
                                                  request_header (call, "Content-Type"),
                                                  metadata, &error);
  if (upload_id == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  xml = xml_document_new ("InitiateMultipartUploadResult");
  xml_element (xml, "Bucket", call->bucket);
  xml_element (xml, "Key", call->key);
  xml_element (xml, "UploadId", upload_id);
  g_string_append (xml, "</InitiateMultipartUploadResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

/* Reads x-amz-copy-source-range, which S3 takes only as `bytes=FIRST-LAST`
 * (no open or suffix range, a single one). */
static gboolean
parse_copy_range (const char *header,
                  guint64    *first,
                  guint64    *last)
{
  g_autofree char *first_text = NULL;
  const char *dash;

  if (!g_str_has_prefix (header, "bytes="))
    return FALSE;
  header += 6;
  if ((dash = strchr (header, '-')) == NULL)
    return FALSE;
  first_text = g_strndup (header, dash - header);

  return parse_uint64 (first_text, first) && parse_uint64 (dash + 1, last);
}

/* UploadPartCopy: a part made of (a range of) another object. The errors
 * are those S3 gives: a malformed range is InvalidArgument, a range that
 * ends before it starts is InvalidRange, and one that goes past the end
 * of the source is InvalidArgument again, naming the source's size. The
 * minimum part size is checked on completion, as for other parts. */
static void
upload_part_copy (Call  *call,
                  guint  part_number)
{
  const char *range = request_header (call, "x-amz-copy-source-range");
  const char *if_match = request_header (call, "x-amz-copy-source-if-match");
  const char *if_none_match = request_header (call, "x-amz-copy-source-if-none-match");
  g_autofree char *source_bucket = NULL;
  g_autofree char *source_key = NULL;
  g_autoptr(S3dlioServerObject) source = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *modified = NULL;
  guint64 first = 0, last = 0;
  GString *xml;

  if (!parse_copy_source (request_header (call, "x-amz-copy-source"), &source_bucket, &source_key))
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
      return;
    }
  if (range != NULL && !parse_copy_range (range, &first, &last))
    {
      g_autoptr(GString) extra = g_string_new (NULL);

      xml_element (extra, "ArgumentName", "x-amz-copy-source-range");
      xml_element (extra, "ArgumentValue", range);
      reply_error_extra (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT, extra->str,
                         "The x-amz-copy-source-range value must be of the form bytes=first-last "
                         "where first and last are the zero-based offsets of the first and last "
                         "bytes to copy");
      return;
    }
  if (range != NULL && first > last)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_RANGE, "The requested range is not satisfiable");
      return;
    }

  source = _s3dlio_server_store_get_object (call->self->store, source_bucket, source_key, TRUE, &error);
  if (source == NULL)
    {
      reply_gerror (call, error);
      return;
    }
  if ((if_match != NULL && !etag_list_matches (if_match, source->etag)) ||
      (if_none_match != NULL && etag_list_matches (if_none_match, source->etag)))
    {
      g_autofree char *extra = g_strdup_printf ("<Condition>%s</Condition>",
                                                if_match != NULL
                                                ? "x-amz-copy-source-If-Match"
                                                : "x-amz-copy-source-If-None-Match");

      reply_error_extra (call, S3DLIO_S3_ERROR_PRECONDITION_FAILED, extra,
                         "At least one of the pre-conditions you specified did not hold");
      return;
    }
  if (range != NULL && last >= source->size)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Range specified is not valid for source object of size: %" G_GUINT64_FORMAT,
                   source->size);
      return;
    }

  data = range != NULL ? g_bytes_new_from_bytes (source->data, first, last - first + 1)
                       : g_bytes_ref (source->data);
  etag = _s3dlio_server_store_upload_part (call->self->store, call->bucket, call->key,
                                           get_query (call, "uploadId"), part_number, data, &error);
  if (etag == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  modified = format_iso8601 (g_get_real_time ());
  xml = xml_document_new ("CopyPartResult");
  xml_element (xml, "ETag", etag);
  xml_element (xml, "LastModified", modified);
  g_string_append (xml, "</CopyPartResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

static void
upload_part (Call *call)
{
  const char *number = get_query (call, "partNumber");
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  guint64 part_number = 0;

  if (!check_key (call))
    return;
  if (!parse_uint64 (number, &part_number) || part_number < 1 || part_number > 10000)
    {
      reply_error (call, S3DLIO_S3_ERROR_INVALID_ARGUMENT,
                   "Part number must be an integer between 1 and 10000, inclusive: %s", number);
      return;
    }
  if (request_header (call, "x-amz-copy-source") != NULL)
    {
      upload_part_copy (call, part_number);
      return;
    }
  if (!check_content_md5 (call))
    return;

  etag = _s3dlio_server_store_upload_part (call->self->store, call->bucket, call->key,
                                           get_query (call, "uploadId"), part_number,
                                           call->body, &error);
  if (etag == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  soup_message_headers_replace (response_headers (call), "ETag", etag);
  reply_empty (call, SOUP_STATUS_OK);
}

static void
complete_multipart_upload (Call *call)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) top = NULL;
  g_autoptr(GArray) parts = g_array_new (FALSE, FALSE, sizeof (S3dlioServerPart));
  g_autoptr(S3dlioServerObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  GString *xml;

  if (!check_key (call))
    return;

  if (!collect_xml (call->body, "CompleteMultipartUpload", "Part", &items, &top, &error))
    {
      reply_error (call, S3DLIO_S3_ERROR_MALFORMED_XML,
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema: %s", error->message);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      GHashTable *item = g_ptr_array_index (items, i);
      const char *number = g_hash_table_lookup (item, "PartNumber");
      S3dlioServerPart part = { 0, g_hash_table_lookup (item, "ETag") };
      guint64 value = 0;

      if (!parse_uint64 (number, &value) || value < 1 || value > 10000)
        {
          reply_error (call, S3DLIO_S3_ERROR_MALFORMED_XML,
                       "The XML you provided was not well-formed or did not validate against our "
                       "published schema: part %u has no valid PartNumber", i + 1);
          return;
        }
      part.part_number = value;
      g_array_append_val (parts, part);
    }

  object = _s3dlio_server_store_complete_upload (call->self->store, call->bucket, call->key,
                                                 get_query (call, "uploadId"), parts,
                                                 call->min_part_size, &error);
  if (object == NULL)
    {
      reply_gerror (call, error);
      return;
    }

  location = g_strdup_printf ("http://%s%s", request_header (call, "Host"), call->path);
  xml = xml_document_new ("CompleteMultipartUploadResult");
  xml_element (xml, "Location", location);
  xml_element (xml, "Bucket", call->bucket);
  xml_element (xml, "Key", call->key);
  xml_element (xml, "ETag", object->etag);
  g_string_append (xml, "</CompleteMultipartUploadResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

static void
abort_multipart_upload (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (!check_key (call))
    return;

  if (!_s3dlio_server_store_abort_upload (call->self->store, call->bucket, call->key,
                                          get_query (call, "uploadId"), &error))
    reply_gerror (call, error);
  else
    reply_empty (call, SOUP_STATUS_NO_CONTENT);
}

static void
list_multipart_uploads (Call *call)
{
  const char *prefix = get_query (call, "prefix");
  gboolean url_encode = g_strcmp0 (get_query (call, "encoding-type"), "url") == 0;
  g_autoptr(GPtrArray) uploads = NULL;
  GString *xml;

  if (!require_bucket (call))
    return;

  uploads = _s3dlio_server_store_list_uploads (call->self->store, call->bucket, prefix);
  xml = xml_document_new ("ListMultipartUploadsResult");
  xml_element (xml, "Bucket", call->bucket);
  xml_element (xml, "KeyMarker", "");
  xml_element (xml, "UploadIdMarker", "");
  xml_element (xml, "NextKeyMarker", "");
  xml_element (xml, "NextUploadIdMarker", "");
  if (prefix != NULL)
    xml_key_element (xml, "Prefix", prefix, url_encode);
  if (url_encode)
    xml_element (xml, "EncodingType", "url");
  xml_element (xml, "MaxUploads", "1000");
  xml_element (xml, "IsTruncated", "false");
  for (guint i = 0; i < uploads->len; i++)
    {
      S3dlioServerUpload *upload = g_ptr_array_index (uploads, i);
      g_autofree char *initiated = format_iso8601 (upload->initiated);

      g_string_append (xml, "<Upload>");
      xml_key_element (xml, "Key", upload->key, url_encode);
      xml_element (xml, "UploadId", upload->upload_id);
      g_string_append (xml, "<Initiator><ID>" OWNER_ID "</ID><DisplayName>" OWNER_ID "</DisplayName></Initiator>");
      g_string_append (xml, "<Owner><ID>" OWNER_ID "</ID><DisplayName>" OWNER_ID "</DisplayName></Owner>");
      xml_element (xml, "StorageClass", "STANDARD");
      xml_element (xml, "Initiated", initiated);
      g_string_append (xml, "</Upload>");
    }
  g_string_append (xml, "</ListMultipartUploadsResult>");

  reply_xml (call, SOUP_STATUS_OK, xml);
}

/* }}} */
/* {{{ Dispatch */

/* Sub-resources of S3 this server does not implement: a request naming
 * one must fail rather than be taken for a plain GET or PUT. */
static gboolean
has_unsupported_subresource (Call *call)
{
  static const char *const names[] = {
    "accelerate", "acl", "analytics", "attributes", "cors", "encryption",
    "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "logging",
    "metrics", "notification", "object-lock", "ownershipControls", "policy",
    "policyStatus", "publicAccessBlock", "replication", "requestPayment",
    "restore", "retention", "select", "tagging", "torrent", "versioning",
    "versions", "website",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (has_query (call, names[i]))
      return TRUE;

  return FALSE;
}

static void
dispatch_bucket (Call *call)
{
  if (is_method (call, "GET"))
    {
      if (has_query (call, "uploads"))
        list_multipart_uploads (call);
      else if (has_query (call, "location"))
        get_bucket_location (call);
      else if (g_strcmp0 (get_query (call, "list-type"), "2") == 0)
        list_objects_v2 (call);
      else if (!has_query (call, "list-type"))
        list_objects_v1 (call);
      else
        reply_not_implemented (call);
    }
  else if (is_method (call, "PUT"))
    create_bucket (call);
  else if (is_method (call, "DELETE"))
    delete_bucket (call);
  else if (is_method (call, "HEAD"))
    head_bucket (call);
  else if (is_method (call, "POST") && has_query (call, "delete"))
    delete_objects (call);
  else
    reply_not_implemented (call);
}

static void
dispatch_object (Call *call)
{
  gboolean upload = has_query (call, "uploadId");

  if ((is_method (call, "GET") || is_method (call, "HEAD")) && !upload)
    get_object (call);
  else if (is_method (call, "PUT") && upload && has_query (call, "partNumber"))
    upload_part (call);
  else if (is_method (call, "PUT") && !upload && request_header (call, "x-amz-copy-source") != NULL)
    copy_object (call);
  else if (is_method (call, "PUT") && !upload)
    put_object (call);
  else if (is_method (call, "DELETE") && upload)
    abort_multipart_upload (call);
  else if (is_method (call, "DELETE"))
    delete_object (call);
  else if (is_method (call, "POST") && has_query (call, "uploads"))
    create_multipart_upload (call);
  else if (is_method (call, "POST") && upload)
    complete_multipart_upload (call);
  else
    reply_not_implemented (call);
}

static void
dispatch (Call *call)
{
  if (has_unsupported_subresource (call))
    reply_not_implemented (call);
  else if (call->bucket == NULL && is_method (call, "GET"))
    list_buckets (call);
  else if (call->bucket == NULL)
    reply_not_implemented (call);
  else if (call->key == NULL)
    dispatch_bucket (call);
  else
    dispatch_object (call);
}

/* }}} */
/* {{{ Faults */

static const char *
fault_kind_name (S3dlioFaultKind kind)
{
  static const char *const names[] = {
    [S3DLIO_FAULT_KIND_STATUS] = "status",
    [S3DLIO_FAULT_KIND_RESET] = "reset",
    [S3DLIO_FAULT_KIND_STALL] = "stall",
    [S3DLIO_FAULT_KIND_SHORT_BODY] = "short-body",
    [S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE] = "wrong-content-range",
    [S3DLIO_FAULT_KIND_REPLACE_OBJECT] = "replace-object",
    [S3DLIO_FAULT_KIND_DELAY] = "delay",
  };

  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "unknown";
}

static void
fire_faults (Call *call)
{
  S3dlioServer *self = call->self;
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 range_start = call->range.present && !call->range.suffix ? (gint64) call->range.first : -1;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    g_ptr_array_add (faults, g_object_ref (g_ptr_array_index (self->faults, i)));
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < faults->len && !call->fault_fired; i++)
    call->fault_fired = _s3dlio_server_fault_try_fire (g_ptr_array_index (faults, i), call->method,
                                                       call->key,
                                                       request_header (call, "Range") != NULL,
                                                       range_start, &call->fault);
}

/* Another writer changes the object right before the server reads it:
 * for a copy (CopyObject, UploadPartCopy), its source. */
static void
replace_object (Call *call)
{
  const char *copy_source = request_header (call, "x-amz-copy-source");
  g_autoptr(S3dlioServerObject) current = NULL;
  g_autoptr(S3dlioServerObject) replaced = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  if (copy_source != NULL)
    {
      if (!parse_copy_source (copy_source, &bucket, &key))
        return;
    }
  else if (call->bucket != NULL && call->key != NULL)
    {
      bucket = g_strdup (call->bucket);
      key = g_strdup (call->key);
    }
  else
    return;

  current = _s3dlio_server_store_get_object (call->self->store, bucket, key, TRUE, NULL);
  if (call->fault.replacement != NULL)
    {
      content = g_bytes_ref (call->fault.replacement);
    }
  else if (current == NULL)
    {
      return;   /* nothing to change */
    }
  else if (g_bytes_get_size (current->data) > 0)
    {
      /* Same size, other content: only the ETag tells them apart. */
      gsize size = 0;
      guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (current->data), &size);

      copy[0] ^= 0xff;
      content = g_bytes_new_take (copy, size);
    }
  else
    {
      content = g_bytes_new_static ("x", 1);
    }

  replaced = _s3dlio_server_store_put_object (call->self->store, bucket, key, content,
                                              current ? current->content_type : NULL,
                                              current ? current->metadata : NULL, NULL, &error);
  if (replaced == NULL)
    g_debug ("Cannot replace %s/%s: %s", bucket, key, error->message);
}

/* Answers a ranged GET with bytes other than those asked for. */
static void
apply_wrong_content_range (Call *call)
{
  guint64 first, last, size;
  goffset claimed_first, claimed_last, claimed_size;
  SoupMessageHeaders *headers = response_headers (call);

  if (call->status != SOUP_STATUS_OK && call->status != SOUP_STATUS_PARTIAL_CONTENT)
    return;

  if (call->status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      goffset start, end, total;

      soup_message_headers_get_content_range (headers, &start, &end, &total);
      first = start;
      last = end;
      size = total;
    }
  else
    {
      size = call->response_body ? g_bytes_get_size (call->response_body) : 0;
      first = 0;
      last = size > 0 ? size - 1 : 0;
    }

  /* Shift the range by one byte, or claim a bigger object when the range
   * covers all of it. */
  claimed_first = first;
  claimed_last = last;
  claimed_size = size;
  if (last + 1 < size)
    {
      claimed_first++;
      claimed_last++;
    }
  else if (first > 0)
    {
      claimed_first--;
      claimed_last--;
    }
  else
    {
      claimed_size++;
    }

  soup_message_headers_set_content_range (headers, claimed_first, claimed_last, claimed_size);
  soup_server_message_set_status (call->msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
  call->status = SOUP_STATUS_PARTIAL_CONTENT;
}

static gboolean
is_raw_fault (Call *call)
{
  return call->fault_fired &&
         (call->fault.kind == S3DLIO_FAULT_KIND_RESET ||
          call->fault.kind == S3DLIO_FAULT_KIND_STALL ||
          call->fault.kind == S3DLIO_FAULT_KIND_SHORT_BODY);
}

/* A response written by hand on the stolen connection, to break HTTP in
 * ways libsoup would not. */
typedef struct {
  S3dlioServer    *self;
  GIOStream       *stream;
  GSocket         *socket;
  GBytes          *head;
  GBytes          *body;
  S3dlioFaultKind  kind;
  guint            stall_ms;
  GSource         *stall;
} RawReply;

static void
raw_reply_free (RawReply *raw)
{
  S3dlioServer *self = raw->self;

  self->raw_replies = g_list_remove (self->raw_replies, raw);
  if (raw->stall != NULL)
    {
      g_source_destroy (raw->stall);
      g_source_unref (raw->stall);
    }
  g_socket_close (raw->socket, NULL);
  g_object_unref (raw->socket);
  g_clear_object (&raw->stream);
  g_bytes_unref (raw->head);
  g_bytes_unref (raw->body);
  g_free (raw);
}

static gboolean
raw_reply_stall_done (gpointer user_data)
{
  RawReply *raw = user_data;

  g_debug ("Stall over: closing the connection");
  g_clear_pointer (&raw->stall, g_source_unref);
  g_socket_shutdown (raw->socket, FALSE, TRUE, NULL);
  raw_reply_free (raw);

  return G_SOURCE_REMOVE;
}

static void
raw_reply_sent (RawReply *raw)
{
  switch (raw->kind)
    {
    case S3DLIO_FAULT_KIND_RESET:
      {
        /* A zero linger time makes close() send a RST. */
        struct linger linger = { 1, 0 };

        setsockopt (g_socket_get_fd (raw->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
        raw_reply_free (raw);
      }
      break;
    case S3DLIO_FAULT_KIND_STALL:
      raw->stall = g_timeout_source_new (raw->stall_ms);
      g_source_set_callback (raw->stall, raw_reply_stall_done, raw, NULL);
      g_source_attach (raw->stall, raw->self->context);
      break;
    default:
      g_socket_shutdown (raw->socket, FALSE, TRUE, NULL);
      raw_reply_free (raw);
      break;
    }
}

static void
raw_reply_body_written (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  RawReply *raw = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_debug ("Cannot write a faulty response: %s", error->message);
      raw_reply_free (raw);
      return;
    }

  raw_reply_sent (raw);
}

static void
raw_reply_head_written (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  RawReply *raw = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_debug ("Cannot write a faulty response: %s", error->message);
      raw_reply_free (raw);
      return;
    }

  if (g_bytes_get_size (raw->body) == 0)
    {
      raw_reply_sent (raw);
      return;
    }

  g_output_stream_write_all_async (G_OUTPUT_STREAM (source),
                                   g_bytes_get_data (raw->body, NULL), g_bytes_get_size (raw->body),
                                   G_PRIORITY_DEFAULT, raw->self->raw_cancellable,
                                   raw_reply_body_written, raw);
}

static GBytes *
build_raw_head (Call *call)
{
  SoupMessageHeaders *headers = response_headers (call);
  GString *head = g_string_sized_new (512);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  goffset length;

  /* The full length is announced, whatever is then sent, and no
   * "Connection: close": the connection looks reusable, so the client
   * cannot take the early end for the end of the body (libsoup does when
   * the server said it would close). */
  length = soup_message_headers_get_content_length (headers);
  if (length == 0 && call->response_body != NULL)
    length = g_bytes_get_size (call->response_body);

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", call->status, soup_status_get_phrase (call->status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 &&
        g_ascii_strcasecmp (name, "Connection") != 0 &&
        g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
      g_string_append_printf (head, "%s: %s\r\n", name, value);
  g_string_append_printf (head, "Content-Length: %" G_GOFFSET_FORMAT "\r\n\r\n", length);

  return g_string_free_to_bytes (head);
}

static void
start_raw_reply (Call *call)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (call->msg);
  ServerConnection *connection = remote ? g_object_get_data (G_OBJECT (remote), CONNECTION_KEY) : NULL;
  gsize body_size = call->response_body ? g_bytes_get_size (call->response_body) : 0;
  GOutputStream *output;
  GSocket *socket;
  RawReply *raw;

  /* Connections libsoup accepted itself (on its unadvertised listener)
   * have no record, but libsoup knows their socket. */
  socket = connection ? connection->socket : soup_server_message_get_socket (call->msg);
  if (socket == NULL)
    {
      g_warning ("Cannot inject a %s fault: the connection is unknown", fault_kind_name (call->fault.kind));
      return;
    }

  raw = g_new0 (RawReply, 1);
  raw->self = call->self;
  raw->socket = g_object_ref (socket);
  raw->head = build_raw_head (call);
  raw->body = call->response_body
              ? g_bytes_new_from_bytes (call->response_body, 0, MIN (call->fault.after_bytes, body_size))
              : g_bytes_new (NULL, 0);
  raw->kind = call->fault.kind;
  raw->stall_ms = call->fault.stall_ms;

  /* From here on libsoup forgets the connection. */
  raw->stream = soup_server_message_steal_connection (call->msg);
  call->self->raw_replies = g_list_prepend (call->self->raw_replies, raw);
  if (raw->stream == NULL)
    {
      g_warning ("Cannot inject a %s fault: libsoup kept the connection", fault_kind_name (raw->kind));
      raw_reply_free (raw);
      return;
    }

  output = g_io_stream_get_output_stream (raw->stream);
  g_output_stream_write_all_async (output, g_bytes_get_data (raw->head, NULL), g_bytes_get_size (raw->head),
                                   G_PRIORITY_DEFAULT, call->self->raw_cancellable,
                                   raw_reply_head_written, raw);
}

/* }}} */
/* {{{ Handling */

static void
record_request (Call *call)
{
  S3dlioServer *self = call->self;
  GString *line = g_string_sized_new (128);
  g_autofree char *query = loggable_query (call);
  const char *range = request_header (call, "Range");
  const char *if_match = request_header (call, "If-Match");
  const char *if_none_match = request_header (call, "If-None-Match");
  const char *copy_range = request_header (call, "x-amz-copy-source-range");
  const char *copy_if_match = request_header (call, "x-amz-copy-source-if-match");
  /* Only for the requests that carry a payload: on the others it is the
   * hash of nothing, and would only lengthen the line. No secret is in it. */
  const char *content_sha256 = is_method (call, "PUT") || is_method (call, "POST") ?
                               request_header (call, "x-amz-content-sha256") : NULL;
  guint count;

  g_string_append_printf (line, "%s %s", call->method, call->path ? call->path : "?");
  if (query != NULL)
    g_string_append_printf (line, "?%s", query);
  if (content_sha256 != NULL)
    g_string_append_printf (line, " content-sha256=%s", content_sha256);
  if (range != NULL)
    g_string_append_printf (line, " range=%s", range);
  if (if_match != NULL)
    g_string_append_printf (line, " if-match=%s", if_match);
  if (if_none_match != NULL)
    g_string_append_printf (line, " if-none-match=%s", if_none_match);
  if (copy_range != NULL)
    g_string_append_printf (line, " copy-range=%s", copy_range);
  if (copy_if_match != NULL)
    g_string_append_printf (line, " copy-if-match=%s", copy_if_match);
  g_string_append_printf (line, " -> %u conn=%u", call->status, call->connection);
  if (call->fault_fired)
    g_string_append_printf (line, " fault=%s", fault_kind_name (call->fault.kind));

  g_debug ("%s [%s]", line->str, call->request_id);

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, call->method));
  g_hash_table_replace (self->request_counts, g_strdup (call->method), GUINT_TO_POINTER (count + 1));
  self->request_total++;
  g_queue_push_tail (&self->log, g_string_free (line, FALSE));
  if (self->log.length > MAX_LOG_LINES)
    g_free (g_queue_pop_head (&self->log));
  g_mutex_unlock (&self->lock);
}

static guint
connection_number (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  ServerConnection *connection = remote ? g_object_get_data (G_OBJECT (remote), CONNECTION_KEY) : NULL;

  return connection ? connection->number : 0;
}

static void
call_init (Call              *call,
           S3dlioServer      *self,
           SoupServerMessage *msg)
{
  guint serial = (guint) g_atomic_int_add (&self->request_serial, 1);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  call->self = self;
  call->msg = msg;
  call->method = soup_server_message_get_method (msg);
  call->request_id = g_strdup_printf ("%08X%08X", g_random_int (), serial);
  call->body = soup_message_body_flatten (body);
  call->connection = connection_number (msg);

  g_mutex_lock (&self->lock);
  call->credentials = self->credentials ? g_object_ref (self->credentials) : NULL;
  /* One signer for all requests: it derives its key once a day, not once
   * a request. */
  if (call->credentials != NULL && !s3dlio_credentials_is_anonymous (call->credentials))
    {
      if (self->signer == NULL)
        self->signer = s3dlio_signer_new (self->credentials, self->region);
      call->signer = g_object_ref (self->signer);
    }
  call->region = g_strdup (self->region);
  call->page_size = self->page_size;
  call->min_part_size = self->min_part_size;
  g_mutex_unlock (&self->lock);

  soup_message_headers_replace (response_headers (call), "x-amz-request-id", call->request_id);
  soup_message_headers_replace (response_headers (call), "x-amz-id-2", call->request_id);
}

static void
handle_call (Call *call)
{
  if (!parse_target (call) || !authenticate (call) || !check_content_sha256 (call))
    return;

  parse_range (request_header (call, "Range"), &call->range);
  fire_faults (call);

  if (call->fault_fired && call->fault.kind == S3DLIO_FAULT_KIND_STATUS)
    {
      reply_error_full (call, call->fault.status, call->fault.s3_code,
                        "Injected fault", NULL);
      return;
    }
  if (call->fault_fired && call->fault.kind == S3DLIO_FAULT_KIND_REPLACE_OBJECT)
    replace_object (call);

  dispatch (call);

  if (call->fault_fired && call->fault.kind == S3DLIO_FAULT_KIND_WRONG_CONTENT_RANGE)
    apply_wrong_content_range (call);
}

/* Counts @msg as under way until request_done_cb() sees it end. Only for
 * messages libsoup finishes itself: a raw reply steals the connection, and
 * libsoup then never says the message ended. */
static void
in_flight_begin (S3dlioServer      *self,
                 SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  InFlight *in_flight;

  g_mutex_lock (&self->lock);
  in_flight = g_hash_table_lookup (self->in_flight, method);
  if (in_flight == NULL)
    {
      in_flight = g_new0 (InFlight, 1);
      g_hash_table_insert (self->in_flight, g_strdup (method), in_flight);
    }
  in_flight->now++;
  in_flight->peak = MAX (in_flight->peak, in_flight->now);
  g_mutex_unlock (&self->lock);

  g_object_set_data (G_OBJECT (msg), IN_FLIGHT_KEY, GINT_TO_POINTER (TRUE));
}

static void
in_flight_end (S3dlioServer      *self,
               SoupServerMessage *msg)
{
  InFlight *in_flight;

  /* Stolen, so that a message libsoup reports twice counts once. */
  if (g_object_steal_data (G_OBJECT (msg), IN_FLIGHT_KEY) == NULL)
    return;

  g_mutex_lock (&self->lock);
  in_flight = g_hash_table_lookup (self->in_flight, soup_server_message_get_method (msg));
  if (in_flight != NULL && in_flight->now > 0)
    in_flight->now--;
  g_mutex_unlock (&self->lock);
}

static void
hold_destroy (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

static gboolean
hold_over_cb (gpointer data)
{
  SoupServerMessage *msg = data;

  /* Dropped before the message goes on: once unpaused, it may end (and be
   * freed) before this returns. */
  g_object_set_data (G_OBJECT (msg), HOLD_KEY, NULL);
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

/* A DELAY fault: the response is ready, but stays paused for a while. The
 * timeout lives on the message, so it cannot outlive it, and
 * request_done_cb() drops it when the client goes away first: unpausing a
 * message that ended is an error in libsoup. */
static void
hold_reply (Call *call)
{
  GSource *source = g_timeout_source_new (call->fault.stall_ms);

  g_source_set_callback (source, hold_over_cb, call->msg, NULL);
  g_source_set_static_name (source, "[s3dlio-server] delay fault");
  g_source_attach (source, call->self->context);
  g_object_set_data_full (G_OBJECT (call->msg), HOLD_KEY, source, hold_destroy);

  soup_server_message_pause (call->msg);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  S3dlioServer *self = user_data;
  g_auto(Call) call = { 0 };

  call_init (&call, self, msg);
  handle_call (&call);
  record_request (&call);

  if (is_raw_fault (&call))
    {
      start_raw_reply (&call);
      return;
    }

  in_flight_begin (self, msg);
  if (call.fault_fired && call.fault.kind == S3DLIO_FAULT_KIND_DELAY)
    hold_reply (&call);
}

/* The next bytes of the connection start a new request line. */
static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  S3dlioServer *self = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  ServerConnection *connection = remote ? g_object_get_data (G_OBJECT (remote), CONNECTION_KEY) : NULL;

  g_object_set_data (G_OBJECT (msg), HOLD_KEY, NULL);
  in_flight_end (self, msg);

  if (connection != NULL)
    connection->rewriter->at_request_start = TRUE;
}

/* }}} */
/* {{{ The server thread */

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *socket_connection,
             GObject           *source,
             gpointer           user_data)
{
  S3dlioServer *self = user_data;
  GSocket *socket = g_socket_connection_get_socket (socket_connection);
  g_autoptr(S3dlioHttpRewriter) rewriter = g_object_new (S3DLIO_TYPE_HTTP_REWRITER, NULL);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  ServerConnection *connection;

  local = g_socket_connection_get_local_address (socket_connection, &error);
  if (local != NULL)
    remote = g_socket_connection_get_remote_address (socket_connection, &error);
  if (remote == NULL)
    {
      g_debug ("Dropping a connection: %s", error->message);
      return TRUE;
    }

  /* As libsoup does for the sockets it accepts itself. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  stream = s3dlio_http_connection_new (socket_connection, G_CONVERTER (rewriter));

  connection = g_new0 (ServerConnection, 1);
  connection->rewriter = g_object_ref (rewriter);
  connection->socket = g_object_ref (socket);
  g_mutex_lock (&self->lock);
  connection->number = ++self->connection_total;
  g_mutex_unlock (&self->lock);
  g_object_set_data_full (G_OBJECT (remote), CONNECTION_KEY, connection, server_connection_free);

  if (!soup_server_accept_iostream (self->soup, stream, local, remote, &error))
    g_debug ("Cannot accept a connection: %s", error->message);

  return TRUE;
}

static GSocketService *
listen_on (S3dlioServer  *self,
           guint         *port,
           GError       **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->address);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GError) local_error = NULL;

  if (inet == NULL)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_ARGUMENT,
                   "Cannot listen on “%s”: not an IP address", self->address);
      return NULL;
    }

  address = g_inet_socket_address_new (inet, self->port);
  service = g_socket_service_new ();
  /* GLib's default backlog of 10 drops the SYNs of a burst of ranged GETs
   * (64 parts in flight connect at once), and each dropped SYN costs the
   * client a one-second retransmission. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), 1024);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &local_error))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_FAILED,
                   "Cannot listen on %s port %u: %s", self->address, self->port, local_error->message);
      return NULL;
    }

  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (service);

  return g_steal_pointer (&service);
}

/* soup_server_listen_local() would do, but in libsoup 3.2 it leaks the
 * listener's address (fixed upstream in libsoup 3.4). */
static gboolean
listen_unadvertised (SoupServer  *soup,
                     GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return soup_server_listen (soup, address, 0, error);
}

static void
abort_raw_replies (S3dlioServer *self)
{
  g_cancellable_cancel (self->raw_cancellable);

  /* Those stalling wait for nothing more: end them now. The others finish
   * as their writes are cancelled. */
  for (GList *l = self->raw_replies; l != NULL;)
    {
      RawReply *raw = l->data;

      l = l->next;
      if (raw->stall != NULL)
        raw_reply_free (raw);
    }

  while (self->raw_replies != NULL)
    g_main_context_iteration (self->context, TRUE);
}

static gpointer
server_thread (gpointer data)
{
  S3dlioServer *self = data;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local_error = NULL;
  guint port = 0;

  g_main_context_push_thread_default (self->context);

  self->raw_cancellable = g_cancellable_new ();
  self->soup = soup_server_new ("server-header", SERVER_HEADER, "raw-paths", TRUE, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_done_cb), self);

  /* The server accepts connections itself (to rewrite their request
   * lines), but libsoup 3.2 closes every connection after one request
   * unless it listens on a socket of its own (request_finished() in
   * soup-server.c checks for listeners). So it gets one, on a port of the
   * loopback interface nobody is told about; it serves requests there as
   * well, only without the dot-segment rewriting. */
  if (!listen_unadvertised (self->soup, &local_error))
    g_set_error (&error, S3DLIO_ERROR, S3DLIO_ERROR_FAILED,
                 "Cannot listen on the loopback interface: %s", local_error->message);
  else
    service = listen_on (self, &port, &error);

  g_mutex_lock (&self->lock);
  if (service != NULL)
    {
      self->bound_port = port;
      self->thread_state = THREAD_RUNNING;
    }
  else
    {
      self->start_error = g_steal_pointer (&error);
      self->thread_state = THREAD_FAILED;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (service != NULL)
    g_debug ("Listening on http://%s:%u", self->address, port);

  while (service != NULL && !g_atomic_int_get (&self->stopping))
    g_main_context_iteration (self->context, TRUE);

  if (service != NULL)
    {
      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
    }
  abort_raw_replies (self);
  soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&service);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&self->raw_cancellable);

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * s3dlio_server_start:
 * @self: a server
 * @error: return location for a #GError
 *
 * Starts listening on [property@S3dlio.Server:address] and
 * [property@S3dlio.Server:port] and serving requests on a thread of the
 * server's own. Read the port with [method@S3dlio.Server.get_port] or the
 * whole URI with [method@S3dlio.Server.get_uri] afterwards. Starting a
 * running server does nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
s3dlio_server_start (S3dlioServer  *self,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  guint old_port;

  g_return_val_if_fail (S3DLIO_IS_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    return TRUE;
  if (ensure_store (self, error) == NULL)
    return FALSE;

  old_port = s3dlio_server_get_port (self);
  self->context = g_main_context_new ();
  g_atomic_int_set (&self->stopping, 0);
  g_mutex_lock (&self->lock);
  self->thread_state = THREAD_STARTING;
  g_mutex_unlock (&self->lock);

  self->thread = g_thread_try_new ("s3dlio-server", server_thread, self, &local_error);
  if (self->thread == NULL)
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      g_mutex_lock (&self->lock);
      self->thread_state = THREAD_STOPPED;
      g_mutex_unlock (&self->lock);
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_FAILED,
                   "Cannot start the server thread: %s", local_error->message);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  while (self->thread_state == THREAD_STARTING)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->thread_state == THREAD_FAILED)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->context, g_main_context_unref);
      g_mutex_lock (&self->lock);
      self->thread_state = THREAD_STOPPED;
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  if (s3dlio_server_get_port (self) != old_port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  return TRUE;
}

/**
 * s3dlio_server_stop:
 * @self: a server
 *
 * Stops the server: closes the listening socket and every connection, and
 * waits for the server thread to end. Stopping a server that does not run
 * does nothing. Disposing of the server stops it too.
 */
void
s3dlio_server_stop (S3dlioServer *self)
{
  guint old_port;

  g_return_if_fail (S3DLIO_IS_SERVER (self));

  if (self->thread == NULL)
    return;
  g_return_if_fail (self->thread != g_thread_self ());

  old_port = s3dlio_server_get_port (self);
  g_atomic_int_set (&self->stopping, 1);
  g_main_context_wakeup (self->context);
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->context, g_main_context_unref);

  g_mutex_lock (&self->lock);
  self->thread_state = THREAD_STOPPED;
  g_mutex_unlock (&self->lock);

  g_debug ("Stopped the server on port %u", old_port);
  if (s3dlio_server_get_port (self) != old_port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * s3dlio_server_is_running:
 * @self: a server
 *
 * Tells whether the server is running.
 *
 * Returns: whether the server was started and not stopped
 */
gboolean
s3dlio_server_is_running (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), FALSE);

  return self->thread != NULL;
}

/**
 * s3dlio_server_get_uri:
 * @self: a running server
 *
 * Gets the endpoint URI of the server, such as `http://127.0.0.1:41234`,
 * to give to clients.
 *
 * Returns: (transfer full): the URI of the server
 */
char *
s3dlio_server_get_uri (S3dlioServer *self)
{
  g_return_val_if_fail (S3DLIO_IS_SERVER (self), NULL);

  if (strchr (self->address, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", self->address, s3dlio_server_get_port (self));

  return g_strdup_printf ("http://%s:%u", self->address, s3dlio_server_get_port (self));
}

/* }}} */
