/* bounded-memory.c: the client's memory stays bounded, whatever it moves
 *
 * Three measurements of the resident set (VmRSS, and its peak VmHWM, from
 * /proc/self/status) of a process that only runs the client:
 *
 *   file       a 4 GiB object to a file, 8 MiB parts, 64 in flight (with
 *              --quick 512 MiB, 16 in flight): the peak must stay under
 *              part size x in flight + 64 MiB;
 *   buffer     1000 GETs of a 16 MiB object into one reused buffer: the
 *              resident set after the last may not exceed the one after the
 *              100th by more than 8 MiB;
 *   recursive  a recursive download (S3dlioBatch) of 10,000 small objects,
 *              without keep-finished as the command line tool runs it: the
 *              heap may not grow between the 1,000th object and the last,
 *              nor hold more after the batch than before it, by 64 bytes
 *              per object;
 *   upload     a multipart upload of a 1 GiB sparse file (--quick 256 MiB),
 *              8 MiB parts, 4 in flight: the peak must stay under part
 *              size x in flight + 64 MiB;
 *   stream     a 1 GiB object (--quick 256 MiB) to a GOutputStream that
 *              takes 128 MiB/s, slower than the server sends, as `cat` to a
 *              slow pipe: 8 MiB parts, 8 in flight, the peak must stay
 *              under part size x in flight + 64 MiB, and the stream must
 *              have been what held the download back.
 *
 * The S3dlioServer runs in a child process forked before anything else, so
 * that its memory (objects are served from mmap()ed files) does not count:
 * nor does it for "upload", where the server keeps the parts of an upload
 * in memory and assembles them (its peak, shown, is about twice the
 * object). The objects are files in a temporary directory: the big ones
 * are sparse.
 * Each measurement runs in a process of its own, so that one does not fill
 * the heap the next one grows into. Besides the resident set, the bytes
 * malloc() has handed out (mallinfo2) are shown; for "recursive", whose
 * verdict is on them, the process runs without the caches that would count
 * freed memory as in use (see has_plain_malloc()).
 *
 * Usage: bounded-memory [--quick] [file|buffer|recursive|upload|stream]...
 * (all five by default; --quick: 512 MiB, 200 GETs, 2,000 objects, and
 * 256 MiB to upload and to stream).
 * Exits 1 if a bound is exceeded. Not a unit test: see "Bounded memory" in
 * bench/README.md; meson test runs the quick version (suite "soak").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <s3dlio.h>

#define KiB (G_GUINT64_CONSTANT (1) << 10)
#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define GiB (G_GUINT64_CONSTANT (1) << 30)

#define BUCKET "mem"

typedef struct {
  gboolean      quick;
  char         *root;          /* the server's directory: one per bucket */
  char         *out;           /* where downloads land */
  GPid          server_pid;
  S3dlioClient *client;
  S3dlioConfig *config;
  gboolean      failed;
} Run;

/* {{{ Resident set */

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  if (line == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

static double
rss_mib (void)
{
  return status_kib ("VmRSS:") / 1024.0;
}

static double
peak_mib (void)
{
  return status_kib ("VmHWM:") / 1024.0;
}

static double
heap_mib (void)
{
  return mallinfo2 ().uordblks / (double) MiB;
}

/* Writing 5 to clear_refs resets VmHWM (Linux 4.0), so each measurement
 * has its own peak. */
static void
reset_peak (void)
{
  g_file_set_contents ("/proc/self/clear_refs", "5", 1, NULL);
}

/* }}} */
/* {{{ Objects and the server */

static void
write_random_file (const char *path,
                   gsize       size,
                   guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint32 *words = g_new (guint32, size / 4 + 1);
  g_autofree char *dir = g_path_get_dirname (path);

  for (gsize i = 0; i < size / 4 + 1; i++)
    words[i] = g_rand_int (rand);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, (const char *) words, size, &error))
    g_error ("%s", error->message);
}

/* A sparse file, with a few marked blocks to check it arrived. */
#define N_MARKS 16

static guint64
mark_offset (guint64 size,
             guint   i)
{
  return (size - 4096) / (N_MARKS - 1) * i;
}

static void
make_sparse_file (const char *path,
                  guint64     size)
{
  int fd = g_open (path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

  if (fd < 0 || ftruncate (fd, size) != 0)
    g_error ("Cannot make %s: %s", path, g_strerror (errno));
  for (guint i = 0; i < N_MARKS; i++)
    {
      char mark[64];
      int n = g_snprintf (mark, sizeof mark, "mark %u at %" G_GUINT64_FORMAT, i, mark_offset (size, i));

      if (pwrite (fd, mark, n, mark_offset (size, i)) != n)
        g_error ("Cannot write %s: %s", path, g_strerror (errno));
    }
  close (fd);
}

static gboolean
check_sparse_copy (const char *path,
                   guint64     size)
{
  int fd = g_open (path, O_RDONLY, 0);
  gboolean ok = fd >= 0;
  struct stat st;

  if (ok && (fstat (fd, &st) != 0 || (guint64) st.st_size != size))
    ok = FALSE;
  for (guint i = 0; ok && i < N_MARKS; i++)
    {
      char want[64], got[64];
      int n = g_snprintf (want, sizeof want, "mark %u at %" G_GUINT64_FORMAT, i, mark_offset (size, i));

      ok = pread (fd, got, n, mark_offset (size, i)) == n && memcmp (want, got, n) == 0;
    }
  if (fd >= 0)
    close (fd);

  return ok;
}

/* A GOutputStream that takes at most a given rate, as a slow pipe would,
 * and keeps the bytes where the marks of a sparse file should be. The
 * client writes to it from its worker threads, one write at a time. */

#define SLOW_TYPE_STREAM (slow_stream_get_type ())
G_DECLARE_FINAL_TYPE (SlowStream, slow_stream, SLOW, STREAM, GOutputStream)

struct _SlowStream
{
  GOutputStream  parent_instance;

  guint64        size;
  guint64        rate;          /* bytes per second */
  guint64        written;
  gint64         start_us;      /* of the first write */
  gint64         waited_us;     /* held back to keep the rate */
  char           marks[N_MARKS][64];
};

G_DEFINE_FINAL_TYPE (SlowStream, slow_stream, G_TYPE_OUTPUT_STREAM)

/* Keeps what lands on the marks. */
static void
slow_stream_keep_marks (SlowStream   *self,
                        const guint8 *buffer,
                        gsize         count)
{
  for (guint i = 0; i < N_MARKS; i++)
    {
      guint64 mark = mark_offset (self->size, i);
      guint64 from = MAX (mark, self->written);
      guint64 to = MIN (mark + sizeof self->marks[i], self->written + count);

      if (from < to)
        memcpy (self->marks[i] + (from - mark), buffer + (from - self->written), to - from);
    }
}

static gssize
slow_stream_write (GOutputStream  *stream,
                   const void     *buffer,
                   gsize           count,
                   GCancellable   *cancellable,
                   GError        **error)
{
  SlowStream *self = SLOW_STREAM (stream);
  gint64 due_us;
  gint64 now_us = g_get_monotonic_time ();

  if (self->written + count > self->size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "The stream got more than the %" G_GUINT64_FORMAT " bytes of the object", self->size);
      return -1;
    }

  if (self->start_us == 0)
    self->start_us = now_us;
  slow_stream_keep_marks (self, buffer, count);
  self->written += count;

  /* Done with the bytes only once the rate allows it. */
  due_us = self->start_us + (gint64) (self->written * G_USEC_PER_SEC / self->rate);
  if (due_us > now_us)
    {
      g_usleep (due_us - now_us);
      self->waited_us += due_us - now_us;
    }

  return count;
}

static void
slow_stream_class_init (SlowStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = slow_stream_write;
}

static void
slow_stream_init (SlowStream *self)
{
}

static SlowStream *
slow_stream_new (guint64 size,
                 guint64 rate)
{
  SlowStream *self = g_object_new (SLOW_TYPE_STREAM, NULL);

  self->size = size;
  self->rate = rate;
  return self;
}

/* Whether the stream got the whole object, marks in place. */
static gboolean
slow_stream_check (SlowStream *self)
{
  if (self->written != self->size)
    return FALSE;

  for (guint i = 0; i < N_MARKS; i++)
    {
      char want[64];
      int n = g_snprintf (want, sizeof want, "mark %u at %" G_GUINT64_FORMAT, i, mark_offset (self->size, i));

      if (memcmp (want, self->marks[i], n) != 0)
        return FALSE;
    }

  return TRUE;
}

/* In the child: serve @root until the parent goes. */
static void G_GNUC_NORETURN
serve (const char *root,
       int         port_fd)
{
  g_autoptr(GError) error = NULL;
  S3dlioServer *server;
  char line[32];
  int n;

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  server = s3dlio_server_new (root);
  if (!s3dlio_server_start (server, &error))
    {
      g_printerr ("bounded-memory: cannot start the server: %s\n", error->message);
      _exit (1);
    }
  n = g_snprintf (line, sizeof line, "%u\n", s3dlio_server_get_port (server));
  if (write (port_fd, line, n) != n)
    _exit (1);
  close (port_fd);

  for (;;)
    pause ();
}

static void
start_server (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(S3dlioEndpoint) endpoint = NULL;
  g_autofree char *uri = NULL;
  char line[32] = { 0, };
  int fds[2];
  gssize n;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  run->server_pid = fork ();
  if (run->server_pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (run->server_pid == 0)
    {
      close (fds[0]);
      serve (run->root, fds[1]);
    }
  close (fds[1]);
  n = read (fds[0], line, sizeof line - 1);
  close (fds[0]);
  if (n <= 0)
    g_error ("The server did not start");

  uri = g_strdup_printf ("http://127.0.0.1:%u", (guint) g_ascii_strtoull (line, NULL, 10));
  endpoint = s3dlio_endpoint_new (uri, "us-east-1", &error);
  if (endpoint == NULL)
    g_error ("%s", error->message);
  run->config = s3dlio_config_new ();
  run->client = s3dlio_client_new (endpoint, NULL, run->config);
}

static void
stop_server (Run *run)
{
  struct rusage usage;
  int status;

  g_clear_object (&run->client);
  g_clear_object (&run->config);
  kill (run->server_pid, SIGTERM);
  waitpid (run->server_pid, &status, 0);
  getrusage (RUSAGE_CHILDREN, &usage);
  g_print ("(the server process, a child, peaked at %.0f MiB)\n\n", usage.ru_maxrss / 1024.0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static S3dlioUri *
uri_for (const char *key)
{
  g_autoptr(GError) error = NULL;
  S3dlioUri *uri = s3dlio_uri_new_s3 (BUCKET, key, &error);

  if (uri == NULL)
    g_error ("%s", error->message);
  return uri;
}

static void
verdict (Run        *run,
         gboolean    ok,
         const char *what)
{
  g_print ("%s: %s\n", ok ? "ok" : "EXCEEDED", what);
  if (!ok)
    run->failed = TRUE;
}

/* }}} */
/* {{{ The measurements */

#define FILE_PART_SIZE  (8 * MiB)
#define FILE_MARGIN     (64 * MiB)

/* The quick object is still 32 parts, and 16 in flight give a limit
 * (192 MiB) well under the object's size: a download that held the
 * object, or all its parts, would fail. */
static guint64
file_size (Run *run)
{
  return run->quick ? 512 * MiB : 4 * GiB;
}

static guint
file_inflight (Run *run)
{
  return run->quick ? 16 : 64;
}

static void
prepare_file (Run *run)
{
  g_autofree char *path = g_build_filename (run->root, BUCKET, "huge", NULL);

  make_sparse_file (path, file_size (run));
}

static void
measure_file (Run *run)
{
  g_autoptr(S3dlioUri) uri = uri_for ("huge");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (run->out, "huge", NULL);
  double limit = (FILE_PART_SIZE * file_inflight (run) + FILE_MARGIN) / (double) MiB;
  double before, peak, seconds;
  gint64 start;
  gboolean ok;

  s3dlio_config_set_part_size (run->config, FILE_PART_SIZE);
  s3dlio_config_set_max_inflight (run->config, file_inflight (run));

  reset_peak ();
  before = rss_mib ();
  start = g_get_monotonic_time ();
  ok = s3dlio_client_get_to_file (run->client, uri, path, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  peak = peak_mib ();
  if (!ok)
    g_error ("The download to a file failed: %s", error->message);
  if (!check_sparse_copy (path, file_size (run)))
    g_error ("The download is not a copy of the object");
  g_unlink (path);

  g_print ("file: %" G_GUINT64_FORMAT " MiB to a file, %" G_GUINT64_FORMAT " MiB parts x %u in flight, "
           "in %.1f s (%.2f GB/s)\n", file_size (run) / MiB, FILE_PART_SIZE / MiB, file_inflight (run),
           seconds, file_size (run) / 1e9 / seconds);
  g_print ("  RSS before %.1f MiB, peak %.1f MiB, limit %.0f MiB\n", before, peak, limit);
  verdict (run, peak < limit, "peak RSS under part size x in flight + 64 MiB");
}

#define BUFFER_OBJECT_SIZE  (16 * MiB)
#define BUFFER_PART_SIZE    (2 * MiB)
#define BUFFER_GROWTH_MAX   8.0       /* MiB */

static void
prepare_buffer (Run *run)
{
  g_autofree char *path = g_build_filename (run->root, BUCKET, "buffer.bin", NULL);

  write_random_file (path, BUFFER_OBJECT_SIZE, 16);
}

static void
measure_buffer (Run *run)
{
  g_autoptr(S3dlioUri) uri = uri_for ("buffer.bin");
  g_autofree guint8 *buffer = g_malloc (BUFFER_OBJECT_SIZE);
  g_autofree char *path = g_build_filename (run->root, BUCKET, "buffer.bin", NULL);
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  g_autofree char *contents = NULL;
  gsize contents_size;
  guint count = run->quick ? 200 : 1000;
  guint warm = count / 10;
  double at_warm = 0, heap_at_warm = 0, last, heap_last, peak, seconds;
  gint64 start;

  s3dlio_config_set_part_size (run->config, BUFFER_PART_SIZE);
  s3dlio_config_set_threshold (run->config, 4 * BUFFER_PART_SIZE);
  s3dlio_config_set_max_inflight (run->config, 8);

  reset_peak ();
  start = g_get_monotonic_time ();
  for (guint i = 1; i <= count; i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 length = 0;

      if (!s3dlio_client_get_into_buffer (run->client, uri, buffer, BUFFER_OBJECT_SIZE, &length, NULL, &error))
        g_error ("GET %u failed: %s", i, error->message);
      if (i == warm)
        {
          at_warm = rss_mib ();
          heap_at_warm = heap_mib ();
        }
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  last = rss_mib ();
  heap_last = heap_mib ();
  peak = peak_mib ();

  if (!g_file_get_contents (path, &contents, &contents_size, NULL))
    g_error ("Cannot read %s", path);
  want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, contents_size);
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buffer, BUFFER_OBJECT_SIZE);
  if (strcmp (want, got) != 0)
    g_error ("The buffer does not hold the object");

  g_print ("buffer: %u GETs of %" G_GUINT64_FORMAT " MiB (%" G_GUINT64_FORMAT " MiB parts) into one buffer, in %.1f s\n",
           count, BUFFER_OBJECT_SIZE / MiB, BUFFER_PART_SIZE / MiB, seconds);
  g_print ("  RSS after %u GETs %.1f MiB, after %u %.1f MiB (%+.1f MiB), peak %.1f MiB\n",
           warm, at_warm, count, last, last - at_warm, peak);
  g_print ("  heap in use after %u GETs %.2f MiB, after %u %.2f MiB (%+.3f MiB)\n",
           warm, heap_at_warm, count, heap_last, heap_last - heap_at_warm);
  verdict (run, last - at_warm <= BUFFER_GROWTH_MAX, "the resident set did not grow by more than 8 MiB");
}

#define MANY_PER_DIR        100
#define MANY_KEPT_MAX       64.0      /* bytes per finished object */

static guint
n_many (Run *run)
{
  return run->quick ? 2000 : 10000;
}

static void
prepare_recursive (Run *run)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (10000);

  for (guint i = 0; i < n_many (run); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/many/d%03u/object-%05u", run->root, BUCKET,
                                               i / MANY_PER_DIR, i);

      write_random_file (path, g_rand_int_range (rand, 1, 4 * KiB), i);
    }
}

typedef struct {
  guint  finished;
  guint  failed;
  guint  mark;
  guint  last;
  double at_mark;
  double heap_at_mark;
  double heap_at_last;      /* in the run, when the last object finished */
} Tally;

static void
item_finished_cb (S3dlioBatch     *batch,
                  S3dlioBatchItem *item,
                  gpointer         data)
{
  Tally *tally = data;

  tally->finished++;
  if (s3dlio_batch_item_get_state (item) != S3DLIO_TRANSFER_STATE_DONE)
    tally->failed++;
  if (tally->finished == tally->mark)
    {
      tally->at_mark = rss_mib ();
      tally->heap_at_mark = heap_mib ();
    }
  if (tally->finished == tally->last)
    tally->heap_at_last = heap_mib ();
}

/* A small batch first (the first directory, 100 objects), so that what the
 * client sets up once (worker threads, connections, type classes) is there
 * before the measured batch starts. */
static void
warm_up_recursive (Run *run)
{
  g_autoptr(S3dlioUri) prefix = uri_for ("many/d000/");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (run->out, "warm-up", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, dir);

  s3dlio_batch_set_max_concurrent (batch, 16);
  s3dlio_batch_set_keep_finished (batch, FALSE);
  if (!s3dlio_object_store_download_recursive (S3DLIO_OBJECT_STORE (run->client), batch, NULL, &error))
    g_error ("The warm-up download failed: %s", error->message);
  remove_tree (dir);
}

/* Every object becomes a batch item when the listing is done, so the heap
 * is at its highest at the start; without keep-finished, each object done
 * is dropped, and the heap goes down from there. What must not happen is
 * that it grows back with the objects done, in the run or after it. */
static void
measure_recursive (Run *run)
{
  g_autoptr(S3dlioUri) prefix = uri_for ("many/");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (run->out, "many", NULL);
  g_autoptr(S3dlioBatch) batch = s3dlio_batch_new (prefix, dir);
  Tally tally = { 0, };
  double before, last, heap_before, heap_last, seconds, per_object, growth, kept;
  guint n = n_many (run);
  gint64 start;

  s3dlio_config_set_part_size (run->config, 8 * MiB);
  s3dlio_config_set_threshold (run->config, 32 * MiB);
  warm_up_recursive (run);

  /* As the command line tool runs it: only the counters and the failures
   * are kept. */
  s3dlio_batch_set_max_concurrent (batch, 16);
  s3dlio_batch_set_keep_finished (batch, FALSE);
  tally.mark = n / 10;
  tally.last = n;
  g_signal_connect (batch, "item-finished", G_CALLBACK (item_finished_cb), &tally);

  reset_peak ();
  before = rss_mib ();
  heap_before = heap_mib ();
  start = g_get_monotonic_time ();
  if (!s3dlio_object_store_download_recursive (S3DLIO_OBJECT_STORE (run->client), batch, NULL, &error))
    g_error ("The recursive download failed: %s", error->message);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  last = rss_mib ();
  heap_last = heap_mib ();
  remove_tree (dir);
  if (tally.finished != n || tally.failed != 0)
    g_error ("%u of %u objects finished, %u failed", tally.finished, n, tally.failed);
  if (g_list_model_get_n_items (s3dlio_batch_get_items (batch)) != 0)
    g_error ("The batch kept %u items", g_list_model_get_n_items (s3dlio_batch_get_items (batch)));

  per_object = (last - tally.at_mark) * MiB / (n - tally.mark);
  growth = (tally.heap_at_last - tally.heap_at_mark) * MiB / (n - tally.mark);
  kept = (heap_last - heap_before) * MiB / n;
  g_print ("recursive: %u objects of 1 B to 4 KiB, 16 at a time, dropped once done, in %.1f s (%.0f objects/s)\n",
           n, seconds, n / seconds);
  g_print ("  RSS before %.1f MiB, after %u objects %.1f MiB, after %u %.1f MiB (%+.1f MiB, %.0f bytes per object), peak %.1f MiB\n",
           before, tally.mark, tally.at_mark, n, last, last - tally.at_mark, per_object, peak_mib ());
  g_print ("  heap in use before %.2f MiB, after %u objects %.2f MiB, after %u %.2f MiB (%.0f bytes per object)\n",
           heap_before, tally.mark, tally.heap_at_mark, n, tally.heap_at_last, growth);
  g_print ("  heap in use after the batch %.2f MiB: %.0f bytes per object kept\n", heap_last, kept);
  verdict (run, growth < MANY_KEPT_MAX && kept < MANY_KEPT_MAX,
           "under 64 bytes per finished object, in the run and after it");
}

#define UPLOAD_PART_SIZE  (8 * MiB)
#define UPLOAD_INFLIGHT   4
#define UPLOAD_MARGIN     (64 * MiB)

/* The quick file is still 32 parts, and the limit (96 MiB) well under its
 * size: an upload that held the file, or all its parts, would fail. */
static guint64
upload_size (Run *run)
{
  return run->quick ? 256 * MiB : 1 * GiB;
}

/* The file to upload is the client's, not the server's. */
static void
prepare_upload (Run *run)
{
  g_autofree char *path = g_build_filename (run->out, "upload-source", NULL);

  make_sparse_file (path, upload_size (run));
}

static void
measure_upload (Run *run)
{
  g_autoptr(S3dlioUri) uri = uri_for ("uploaded");
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_build_filename (run->out, "upload-source", NULL);
  g_autofree char *stored = g_build_filename (run->root, BUCKET, "uploaded", NULL);
  double limit = (UPLOAD_PART_SIZE * UPLOAD_INFLIGHT + UPLOAD_MARGIN) / (double) MiB;
  double before, peak, seconds;
  gint64 start;
  gboolean ok;

  s3dlio_config_set_upload_part_size (run->config, UPLOAD_PART_SIZE);
  s3dlio_config_set_upload_threshold (run->config, UPLOAD_PART_SIZE);
  s3dlio_config_set_upload_inflight (run->config, UPLOAD_INFLIGHT);

  reset_peak ();
  before = rss_mib ();
  start = g_get_monotonic_time ();
  ok = s3dlio_client_put_file (run->client, uri, source, NULL, NULL, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  peak = peak_mib ();
  if (!ok)
    g_error ("The upload failed: %s", error->message);
  /* The server wrote the object to its directory once it was complete. */
  if (!check_sparse_copy (stored, upload_size (run)))
    g_error ("The server does not hold a copy of the file");
  g_unlink (stored);
  g_unlink (source);

  g_print ("upload: %" G_GUINT64_FORMAT " MiB from a file, %" G_GUINT64_FORMAT " MiB parts x %u in flight, "
           "in %.1f s (%.2f GB/s)\n", upload_size (run) / MiB, UPLOAD_PART_SIZE / MiB, UPLOAD_INFLIGHT,
           seconds, upload_size (run) / 1e9 / seconds);
  g_print ("  RSS before %.1f MiB, peak %.1f MiB (%+.1f MiB), limit %.0f MiB\n",
           before, peak, peak - before, limit);
  verdict (run, peak < limit, "peak RSS under part size x in flight + 64 MiB");
}

#define STREAM_PART_SIZE  (8 * MiB)
#define STREAM_INFLIGHT   8
#define STREAM_MARGIN     (64 * MiB)
#define STREAM_RATE       (128 * MiB)   /* bytes per second */

/* The quick object is 32 parts, and the limit (128 MiB) half its size. */
static guint64
stream_size (Run *run)
{
  return run->quick ? 256 * MiB : 1 * GiB;
}

static void
prepare_stream (Run *run)
{
  g_autofree char *path = g_build_filename (run->root, BUCKET, "streamed", NULL);

  make_sparse_file (path, stream_size (run));
}

static void
measure_stream (Run *run)
{
  g_autoptr(S3dlioUri) uri = uri_for ("streamed");
  g_autoptr(S3dlioTransfer) transfer = s3dlio_transfer_new (uri);
  g_autoptr(SlowStream) stream = slow_stream_new (stream_size (run), STREAM_RATE);
  g_autoptr(GError) error = NULL;
  double limit = (STREAM_PART_SIZE * STREAM_INFLIGHT + STREAM_MARGIN) / (double) MiB;
  double before, peak, seconds, waited;
  gint64 start;
  gboolean ok;

  s3dlio_config_set_part_size (run->config, STREAM_PART_SIZE);
  s3dlio_config_set_max_inflight (run->config, STREAM_INFLIGHT);
  s3dlio_transfer_set_destination_stream (transfer, G_OUTPUT_STREAM (stream));

  reset_peak ();
  before = rss_mib ();
  start = g_get_monotonic_time ();
  ok = s3dlio_client_download (run->client, transfer, NULL, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  peak = peak_mib ();
  if (!ok)
    g_error ("The download to a stream failed: %s", error->message);
  if (!slow_stream_check (stream))
    g_error ("The stream did not get a copy of the object");
  waited = stream->waited_us / (double) G_USEC_PER_SEC;

  g_print ("stream: %" G_GUINT64_FORMAT " MiB to a stream taking %" G_GUINT64_FORMAT " MiB/s, %"
           G_GUINT64_FORMAT " MiB parts x %u in flight, in %.1f s\n", stream_size (run) / MiB,
           STREAM_RATE / MiB, STREAM_PART_SIZE / MiB, STREAM_INFLIGHT, seconds);
  g_print ("  the stream held back its writers %.1f s of the %.1f s\n", waited, seconds);
  g_print ("  RSS before %.1f MiB, peak %.1f MiB (%+.1f MiB), limit %.0f MiB\n",
           before, peak, peak - before, limit);
  /* Otherwise the parts never waited for the stream, and the window was
   * never full. */
  verdict (run, waited >= seconds / 4, "the stream was the bottleneck (a quarter of the time or more)");
  verdict (run, peak < limit, "peak RSS under part size x in flight + 64 MiB");
}

/* }}} */

typedef struct {
  const char *name;
  void      (*prepare) (Run *run);
  void      (*measure) (Run *run);
} Measurement;

static const Measurement measurements[] = {
  { "file", prepare_file, measure_file },
  { "buffer", prepare_buffer, measure_buffer },
  { "recursive", prepare_recursive, measure_recursive },
  { "upload", prepare_upload, measure_upload },
  { "stream", prepare_stream, measure_stream },
};

static const Measurement *
find_measurement (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (measurements); i++)
    if (g_str_equal (measurements[i].name, name))
      return &measurements[i];

  return NULL;
}

/* Prepares the objects, forks the server, measures. */
static gboolean
measure (const Measurement *measurement,
         gboolean           quick)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bucket = NULL;
  Run run = { 0, };

  run.quick = quick;
  run.root = g_dir_make_tmp ("s3dlio-memory-XXXXXX", &error);
  if (run.root == NULL)
    g_error ("%s", error->message);
  run.out = g_dir_make_tmp ("s3dlio-memory-out-XXXXXX", &error);
  if (run.out == NULL)
    g_error ("%s", error->message);
  bucket = g_build_filename (run.root, BUCKET, NULL);
  g_mkdir (bucket, 0700);

  /* Everything the server serves exists before it forks. */
  measurement->prepare (&run);
  start_server (&run);
  measurement->measure (&run);

  stop_server (&run);
  remove_tree (run.root);
  remove_tree (run.out);
  g_free (run.root);
  g_free (run.out);

  return !run.failed;
}

/* mallinfo2() counts as in use the freed memory that waits in GLib 2.74's
 * GSlice magazines (GSlice is plain malloc from GLib 2.76 on) and in
 * glibc's per-thread caches: a batch's ten thousand items, freed, would
 * still show. Both are set up before main(), from the environment. */
#define PLAIN_MALLOC_TUNABLES "glibc.malloc.tcache_count=0"

static gboolean
has_plain_malloc (void)
{
  return g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") == 0 &&
         g_strcmp0 (g_getenv ("GLIBC_TUNABLES"), PLAIN_MALLOC_TUNABLES) == 0;
}

/* Runs @name in a new process of this program, with plain malloc for
 * "recursive". */
static gboolean
measure_apart (const char *name,
               gboolean    quick)
{
  const char *argv[] = { "/proc/self/exe", name, quick ? "--quick" : NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int status;

  if (g_str_equal (name, "recursive"))
    {
      envp = g_environ_setenv (envp, "G_SLICE", "always-malloc", TRUE);
      envp = g_environ_setenv (envp, "GLIBC_TUNABLES", PLAIN_MALLOC_TUNABLES, TRUE);
    }

  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error))
    g_error ("Cannot run the %s measurement: %s", name, error->message);

  return g_spawn_check_wait_status (status, NULL);
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "512 MiB instead of 4 GiB, 200 GETs, 2,000 objects, 256 MiB to upload and to stream", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[file|buffer|recursive|upload|stream]... - the client's memory stays bounded");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  gboolean apart;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bounded-memory: %s\n", error->message);
      return 1;
    }
  for (int i = 1; i < argc; i++)
    {
      if (find_measurement (argv[i]) == NULL)
        {
          g_printerr ("bounded-memory: unknown measurement “%s”: see --help\n", argv[i]);
          return 1;
        }
      g_ptr_array_add (names, argv[i]);
    }
  if (names->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (measurements); i++)
      g_ptr_array_add (names, (gpointer) measurements[i].name);

  /* One measurement runs here, unless it needs plain malloc first. */
  apart = names->len > 1 || (g_str_equal (names->pdata[0], "recursive") && !has_plain_malloc ());
  if (!apart)
    ok = measure (find_measurement (names->pdata[0]), quick);
  else
    for (guint i = 0; i < names->len; i++)
      ok &= measure_apart (names->pdata[i], quick);

  /* A single measurement apart said it already. */
  if (names->len > 1 || (!ok && !apart))
    g_print ("%s\n", ok ? "passed" : "FAILED");
  return ok ? 0 : 1;
}
