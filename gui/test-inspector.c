/* test-inspector.c: the inspector, driven against the loopback endpoint
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Runs the real application and window on a virtual X server (see
 * gui/meson.build): browses a listing of several pages, sorts it by its
 * columns, shows an object's details and metadata, fetches a 64 MiB object
 * and reads the totals, changes knobs and sees the next fetch follow them,
 * sets every knob through its editor and sees it stored, loaded back at
 * start and beaten by the environment, sees a throttled part retried on
 * the map and parts waiting beside parts in flight, checks the shortcuts,
 * cancels, saves an object to a file, runs a sweep and exports it, starts
 * a second instance with --demo, fills in the Connect dialog (access keys,
 * a wrong secret, anonymous requests, path style, the local demo) and
 * checks what it stores, compares the dark style with the light one, reads
 * the accessible labels back, checks the icons, and reopens a window at
 * the size saved. Screenshots and exports land in the build directory.
 * Every wait is bounded.
 */
#define G_LOG_DOMAIN "s3dlio-inspector-test"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
/* For a settings backend of the test's own (g_memory_settings_backend_new). */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <json-glib/json-glib.h>

#include "s3dlio-inspector-application.h"
#include "s3dlio-inspector-connect-dialog.h"
#include "s3dlio-inspector-demo.h"
#include "s3dlio-inspector-knobs.h"
#include "s3dlio-inspector-sweep-dialog.h"
#include "s3dlio-inspector-utils.h"
#include "s3dlio-inspector-window.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define PAGE_SIZE 20
#define BIG_KEY "models/checkpoint-64MiB.safetensors"
/* 2 MiB + 123457 bytes: in 1 MiB parts, the last one is short. */
#define ODD_KEY "models/tokenizer.bin"
#define ODD_SIZE (2 * MIB + 123457)

static S3dlioInspectorApplication *app;
static S3dlioInspectorWindow *window;

/* Runs the main loop until @condition holds, for at most @seconds. */
#define WAIT_FOR(condition, seconds)                                          \
  G_STMT_START {                                                              \
    gint64 deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC;  \
    while (!(condition) && g_get_monotonic_time () < deadline_)               \
      g_main_context_iteration (NULL, TRUE);                                  \
    if (!(condition))                                                         \
      g_error ("Timed out after %d s waiting for %s", (int) (seconds), #condition); \
  } G_STMT_END

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static char *
build_path (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, name, NULL);
}

static S3dlioInspectorBrowser *
browser (void)
{
  return s3dlio_inspector_window_get_browser (window);
}

/* The listing a browser shows, as the store gave it: for s3:// the paged
 * S3dlioObjectList; NULL before any. */
static S3dlioObjectList *
object_list_of (S3dlioInspectorBrowser *some_browser)
{
  GListModel *list = s3dlio_inspector_browser_get_list (some_browser);

  g_assert_true (list == NULL || S3DLIO_IS_OBJECT_LIST (list));
  return (S3dlioObjectList *) list;
}

/* A listing is shown, and all of it arrived. */
static gboolean
listed (S3dlioInspectorBrowser *some_browser)
{
  S3dlioObjectList *list = object_list_of (some_browser);

  return list != NULL && s3dlio_object_list_get_complete (list);
}

static S3dlioInspectorTransferMap *
transfer_map (void)
{
  return s3dlio_inspector_transfer_panel_get_map (s3dlio_inspector_window_get_transfer_panel (window));
}

static S3dlioInspectorThroughputGraph *
graph (void)
{
  return s3dlio_inspector_transfer_panel_get_graph (s3dlio_inspector_window_get_transfer_panel (window));
}

static S3dlioConfig *
config (void)
{
  return s3dlio_inspector_application_get_config (app);
}

static S3dlioServer *
demo_server (void)
{
  return s3dlio_inspector_connection_get_server (s3dlio_inspector_window_get_connection (window));
}

static const char *
total (S3dlioInspectorTotal which)
{
  return s3dlio_inspector_transfer_panel_get_total (s3dlio_inspector_window_get_transfer_panel (window), which);
}

/* A count as the totals show it, such as "8". */
static guint
total_count (S3dlioInspectorTotal which)
{
  g_autoptr(GError) error = NULL;
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (total (which), 10, 0, G_MAXUINT, &value, &error))
    g_error ("Not a count: “%s”: %s", total (which), error->message);
  return value;
}

/* A rate as the totals show it, "1.27 GB/s" or "12.3 MB/s", in GB/s. */
static double
total_gbps (S3dlioInspectorTotal which)
{
  const char *text = total (which);
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end != text && g_str_equal (end, " GB/s"))
    return value;
  if (end != text && g_str_equal (end, " MB/s"))
    return value / 1e3;
  g_error ("Not a rate: “%s”", text);
}

/* A duration as the totals show it, such as "0.123 s", in seconds. */
static double
total_seconds (S3dlioInspectorTotal which)
{
  const char *text = total (which);
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || !g_str_equal (end, " s"))
    g_error ("Not a duration in seconds: “%s”", text);
  return value;
}

/* The names the view shows, in its order, such as "logs/ README.txt". */
static char *
shown_names (void)
{
  GListModel *model = s3dlio_inspector_browser_get_model (browser ());
  gsize prefix_length = strlen (s3dlio_inspector_browser_get_prefix (browser ()));
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(S3dlioObjectInfo) info = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, s3dlio_object_info_get_key (info) + prefix_length);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
open_and_wait (const char *prefix)
{
  s3dlio_inspector_browser_open (browser (), S3DLIO_INSPECTOR_DEMO_BUCKET, prefix);
  WAIT_FOR (listed (browser ()), 20);
}

static void
select_big_object (void)
{
  open_and_wait ("models/");
  g_assert_true (s3dlio_inspector_browser_select_key (browser (), BIG_KEY));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "fetch"));
}

static void
fetch_and_wait (void)
{
  g_assert_false (s3dlio_inspector_window_get_busy (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "fetch", NULL);
  g_assert_true (s3dlio_inspector_window_get_busy (window));
  WAIT_FOR (!s3dlio_inspector_window_get_busy (window), 60);
}

static void
set_knob (const char *property,
          double      value)
{
  S3dlioInspectorKnobsPanel *panel = s3dlio_inspector_window_get_knobs_panel (window);
  GtkWidget *editor = s3dlio_inspector_knobs_panel_get_editor (panel, property);

  g_assert_true (GTK_IS_SPIN_BUTTON (editor));
  /* As the user would: through the spin button of the knobs panel. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), value);
}

typedef struct {
  GtkWidget *widget;
  char      *path;
  gboolean   saved;
} PendingShot;

static void
save_after_paint_cb (GdkFrameClock *frame_clock,
                     PendingShot   *shot)
{
  g_autoptr(GError) error = NULL;

  if (shot->saved)
    return;

  /* Right after painting: the widgets' render nodes are all there. */
  shot->saved = s3dlio_inspector_save_widget_png (shot->widget, shot->path, &error);
  g_assert_no_error (error);
}

/* Saves what @widget shows as NAME in the build directory. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  PendingShot shot = { widget, build_path (name), FALSE };
  GdkFrameClock *frame_clock;
  gulong handler;

  WAIT_FOR (gtk_widget_get_mapped (widget), 10);
  frame_clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (save_after_paint_cb), &shot);
  gtk_widget_queue_draw (widget);
  WAIT_FOR (shot.saved, 10);
  g_signal_handler_disconnect (frame_clock, handler);
  g_test_message ("screenshot: %s", shot.path);
  g_free (shot.path);
}

/* {{{ Tests */

typedef struct {
  gboolean shown;
  guint    n_pages_when_shown;
  gboolean loading_when_shown;
} FirstShow;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  FirstShow  *first)
{
  S3dlioObjectList *list = object_list_of (browser ());

  if (first->shown || g_list_model_get_n_items (model) == 0 || list == NULL)
    return;

  first->shown = TRUE;
  first->n_pages_when_shown = s3dlio_object_list_get_n_pages (list);
  first->loading_when_shown = s3dlio_object_list_get_loading (list);
}

static void
test_browse (void)
{
  GListModel *model;
  S3dlioObjectList *list;
  FirstShow first = { FALSE, 0, FALSE };
  guint n_shards = s3dlio_inspector_demo_get_n_shards (S3DLIO_INSPECTOR_DEMO_SMALL);
  g_autoptr(S3dlioObjectInfo) top = NULL;
  g_autoptr(S3dlioObjectInfo) bottom = NULL;
  gulong handler;

  s3dlio_inspector_window_connect_demo (window, S3DLIO_INSPECTOR_DEMO_SMALL, PAGE_SIZE);
  WAIT_FOR (s3dlio_inspector_window_get_connection (window) != NULL, 30);
  g_assert_nonnull (s3dlio_inspector_connection_get_server (s3dlio_inspector_window_get_connection (window)));

  /* The demo bucket opens by itself, folders first. */
  WAIT_FOR (listed (browser ()), 20);
  g_assert_cmpstr (s3dlio_inspector_browser_get_bucket (browser ()), ==, S3DLIO_INSPECTOR_DEMO_BUCKET);
  model = s3dlio_inspector_browser_get_model (browser ());
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  top = g_list_model_get_item (model, 0);
  bottom = g_list_model_get_item (model, 4);
  g_assert_true (s3dlio_object_info_get_is_prefix (top));
  g_assert_false (s3dlio_object_info_get_is_prefix (bottom));

  /* The shards take many pages: the first shows while the rest load. */
  handler = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &first);
  s3dlio_inspector_browser_open (browser (), S3DLIO_INSPECTOR_DEMO_BUCKET, "shards/");
  list = object_list_of (browser ());
  g_assert_nonnull (list);
  WAIT_FOR (s3dlio_object_list_get_complete (list), 30);
  g_signal_handler_disconnect (model, handler);

  g_assert_true (first.shown);
  g_assert_cmpuint (first.n_pages_when_shown, ==, 1);
  g_assert_true (first.loading_when_shown);
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), ==, (n_shards + PAGE_SIZE - 1) / PAGE_SIZE);
  g_assert_cmpuint (s3dlio_object_list_get_n_pages (list), >=, 5);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_shards);
  g_test_message ("%u keys in %u pages", n_shards, s3dlio_object_list_get_n_pages (list));

  /* The filter box: shards 10 to 19. */
  s3dlio_inspector_browser_set_filter (browser (), "train-0001");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  s3dlio_inspector_browser_set_filter (browser (), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_shards);

  /* Up goes back to the top of the bucket. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "go-up", NULL);
  g_assert_cmpstr (s3dlio_inspector_browser_get_prefix (browser ()), ==, "");
}

static void
last_report_cb (S3dlioInspectorTransferPanel *panel,
                S3dlioTransfer               *transfer,
                guint64                      *bytes_done)
{
  *bytes_done = s3dlio_transfer_get_bytes_done (transfer);
}

static void
test_fetch (void)
{
  S3dlioInspectorObjectDetails *details = s3dlio_inspector_window_get_details (window);
  S3dlioInspectorTransferPanel *panel = s3dlio_inspector_window_get_transfer_panel (window);
  g_autofree char *size_text = s3dlio_inspector_format_bytes (64 * MIB);
  g_autofree char *bytes_text = g_strdup_printf ("%s of %s", size_text, size_text);
  guint64 reported_bytes = 0;
  gulong handler;

  select_big_object ();
  g_assert_nonnull (s3dlio_inspector_object_details_get_object (details));
  g_assert_cmpstr (s3dlio_object_info_get_key (s3dlio_inspector_object_details_get_object (details)), ==, BIG_KEY);

  handler = g_signal_connect (panel, "updated", G_CALLBACK (last_report_cb), &reported_bytes);
  fetch_and_wait ();
  g_signal_handler_disconnect (panel, handler);

  g_test_message ("graph: %u samples, peak %.2f GB/s",
                  s3dlio_inspector_throughput_graph_get_n_samples (graph ()),
                  s3dlio_inspector_throughput_graph_get_peak (graph ()) / 1e9);
  g_assert_cmpuint (s3dlio_inspector_throughput_graph_get_n_samples (graph ()), >=, 1);
  g_assert_cmpfloat (s3dlio_inspector_throughput_graph_get_peak (graph ()), >, 0);
  /* 64 MiB in parts of the default 8 MiB, every one of them done. */
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (transfer_map ()), ==, 8);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (transfer_map (), S3DLIO_PART_STATE_DONE), ==, 8);
  g_assert_null (s3dlio_inspector_transfer_panel_get_transfer (panel));

  /* The totals, as the fetch ended: the whole object (to the byte, in the
   * last report the panel showed), one request per part, none retried,
   * and a rate. */
  g_test_message ("totals: %s, %s, %s requests, %s retries, %s",
                  total (S3DLIO_INSPECTOR_TOTAL_BYTES), total (S3DLIO_INSPECTOR_TOTAL_ELAPSED),
                  total (S3DLIO_INSPECTOR_TOTAL_REQUESTS), total (S3DLIO_INSPECTOR_TOTAL_RETRIES),
                  total (S3DLIO_INSPECTOR_TOTAL_AVERAGE));
  g_assert_cmpuint (reported_bytes, ==, 64 * MIB);
  g_assert_cmpstr (total (S3DLIO_INSPECTOR_TOTAL_BYTES), ==, bytes_text);
  g_assert_cmpuint (total_count (S3DLIO_INSPECTOR_TOTAL_REQUESTS), ==, 8);
  g_assert_cmpuint (total_count (S3DLIO_INSPECTOR_TOTAL_RETRIES), ==, 0);
  g_assert_cmpfloat (total_gbps (S3DLIO_INSPECTOR_TOTAL_AVERAGE), >, 0);
  g_assert_cmpfloat (total_seconds (S3DLIO_INSPECTOR_TOTAL_ELAPSED), >, 0);
  g_assert_cmpstr (total (S3DLIO_INSPECTOR_TOTAL_PARTS), ==, "8 of 8, 0 in flight");
}

/* A part throttled once (503 SlowDown): the fetch still gets the object,
 * and the map and the totals say which part was retried and how often. */
#define N_THROTTLED 1

static void
test_retry (void)
{
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STATUS);
  S3dlioInspectorTransferMap *map = transfer_map ();

  select_big_object ();
  set_knob ("part-size", 8 * MIB);

  /* At the window's own pace of progress reports (100 ms): the part's
   * wait for its retry (up to 50 ms) mostly falls between two of them, and
   * the library remembers that it was retried. */
  s3dlio_inspector_window_set_progress_interval (window, 100);
  s3dlio_server_fault_set_status (fault, 503);
  s3dlio_server_fault_set_s3_code (fault, "SlowDown");
  s3dlio_server_fault_set_key_pattern (fault, BIG_KEY);
  s3dlio_server_fault_set_only_ranged (fault, TRUE);
  s3dlio_server_fault_set_range_start (fault, 3 * 8 * MIB);
  s3dlio_server_fault_set_count (fault, N_THROTTLED);
  s3dlio_server_add_fault (demo_server (), fault);

  fetch_and_wait ();
  s3dlio_server_clear_faults (demo_server ());
  s3dlio_inspector_window_set_progress_interval (window, 20);

  g_test_message ("map: %u of %u parts retried; totals: %s retries, %s requests",
                  s3dlio_inspector_transfer_map_get_n_retried (map),
                  s3dlio_inspector_transfer_map_get_n_parts (map),
                  total (S3DLIO_INSPECTOR_TOTAL_RETRIES), total (S3DLIO_INSPECTOR_TOTAL_REQUESTS));
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, N_THROTTLED);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (map), ==, 8);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (map, S3DLIO_PART_STATE_DONE), ==, 8);
  /* The fourth part, and only that one, keeps its mark once done. */
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_retried (map), ==, 1);
  g_assert_true (s3dlio_inspector_transfer_map_get_retried (map, 3));
  g_assert_cmpuint (total_count (S3DLIO_INSPECTOR_TOTAL_RETRIES), ==, N_THROTTLED);
  g_assert_cmpuint (total_count (S3DLIO_INSPECTOR_TOTAL_REQUESTS), ==, 8 + N_THROTTLED);
}

typedef struct {
  guint n_updates;
  guint n_both;          /* updates with parts both waiting and in flight */
  guint most_in_flight;
} MapWatch;

static void
map_updated_cb (S3dlioInspectorTransferPanel *panel,
                S3dlioTransfer               *transfer,
                MapWatch                     *watch)
{
  S3dlioInspectorTransferMap *map = s3dlio_inspector_transfer_panel_get_map (panel);
  guint pending = s3dlio_inspector_transfer_map_count (map, S3DLIO_PART_STATE_PENDING);
  guint in_flight = s3dlio_inspector_transfer_map_count (map, S3DLIO_PART_STATE_IN_FLIGHT);

  watch->n_updates++;
  watch->most_in_flight = MAX (watch->most_in_flight, in_flight);
  if (pending > 0 && in_flight > 0)
    watch->n_both++;
}

/* While a fetch runs, the map shows parts waiting their turn beside parts
 * under way: 16 parts, 4 at a time, each answered 40 ms late. */
static void
test_map_progress (void)
{
  S3dlioInspectorTransferPanel *panel = s3dlio_inspector_window_get_transfer_panel (window);
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_DELAY);
  MapWatch watch = { 0, 0, 0 };
  gulong handler;

  select_big_object ();
  set_knob ("part-size", 4 * MIB);
  set_knob ("max-inflight", 4);
  s3dlio_server_fault_set_key_pattern (fault, BIG_KEY);
  s3dlio_server_fault_set_only_ranged (fault, TRUE);
  /* 4 rounds of 100 ms, seen every 10 ms: many updates while parts wait,
   * however slow the build (the sanitizers) makes the rest. */
  s3dlio_server_fault_set_stall_ms (fault, 100);
  s3dlio_server_add_fault (demo_server (), fault);
  s3dlio_inspector_window_set_progress_interval (window, 10);

  handler = g_signal_connect (panel, "updated", G_CALLBACK (map_updated_cb), &watch);
  fetch_and_wait ();
  g_signal_handler_disconnect (panel, handler);
  s3dlio_server_clear_faults (demo_server ());

  g_test_message ("%u updates, %u with parts waiting and in flight, at most %u in flight",
                  watch.n_updates, watch.n_both, watch.most_in_flight);
  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 16);
  g_assert_cmpuint (watch.n_both, >, 0);
  g_assert_cmpuint (watch.most_in_flight, <=, 4);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (transfer_map (), S3DLIO_PART_STATE_DONE), ==, 16);

  set_knob ("max-inflight", 64);
  set_knob ("part-size", 8 * MIB);
}

/* The keyboard shortcuts of the main actions, each on an action that is
 * there. */
static void
test_accels (void)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.quit", "<Control>q" },
    { "win.connect", "<Control>o" },
    { "win.fetch", "<Control>g" },
    { "win.save", "<Control>s" },
    { "win.cancel", "Escape" },
    { "win.sweep", "<Control>b" },
    { "win.show-knobs", "F9" },
    { "win.reload", "F5" },
    { "win.reload", "<Control>r" },
    { "win.go-up", "<Alt>Up" },
    { "win.find", "<Control>f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), expected[i].action);
      const char *name = strchr (expected[i].action, '.') + 1;

      g_test_message ("%s: %s", expected[i].action, expected[i].accel);
      g_assert_true (g_strv_contains ((const char * const *) accels, expected[i].accel));
      if (g_str_has_prefix (expected[i].action, "win."))
        g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), name));
      else
        g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), name));
    }
}

typedef struct {
  gboolean done;
  GError  *error;
} Put;

static void
put_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Put *put = user_data;

  s3dlio_client_put_finish (S3DLIO_CLIENT (source), result, &put->error);
  put->done = TRUE;
}

static void
test_details (void)
{
  S3dlioInspectorObjectDetails *details = s3dlio_inspector_window_get_details (window);
  S3dlioClient *client = s3dlio_inspector_connection_get_client (s3dlio_inspector_window_get_connection (window));
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = g_strnfill (4321, '7');
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));
  g_autoptr(S3dlioUri) uri = s3dlio_uri_new_s3 ("scratch", "runs/metrics.json", NULL);
  g_autofree char *etag = NULL;
  g_autofree char *shown_etag = NULL;
  g_autofree char *size = s3dlio_inspector_format_bytes (4321);
  g_autofree char *size_text = g_strdup_printf ("%s (4321 bytes)", size);
  Put put = { FALSE, NULL };

  /* An object with a content type and user metadata, written through the
   * demo endpoint's store with a PUT. */
  g_hash_table_insert (metadata, "experiment", "baseline-7");
  g_hash_table_insert (metadata, "owner", "inspector-test");
  s3dlio_client_put_async (client, uri, data, "application/json", metadata, NULL, put_cb, &put);
  WAIT_FOR (put.done, 10);
  g_assert_no_error (put.error);
  etag = s3dlio_server_get_object_etag (demo_server (), "scratch", "runs/metrics.json");
  g_assert_nonnull (etag);
  shown_etag = s3dlio_inspector_format_etag (etag);

  s3dlio_inspector_browser_open (browser (), "scratch", "runs/");
  WAIT_FOR (listed (browser ()), 10);
  g_assert_true (s3dlio_inspector_browser_select_key (browser (), "runs/metrics.json"));
  g_assert_true (s3dlio_inspector_object_details_get_loading (details));
  WAIT_FOR (!s3dlio_inspector_object_details_get_loading (details), 10);

  /* What the listing gave, and what only the HEAD could (a failed HEAD
   * says why in a "Details" row). */
  g_assert_null (s3dlio_inspector_object_details_get_field (details, "Details"));
  g_assert_cmpstr (s3dlio_inspector_object_details_get_field (details, "URI"), ==, "s3://scratch/runs/metrics.json");
  g_assert_cmpstr (s3dlio_inspector_object_details_get_field (details, "Size"), ==, size_text);
  g_assert_cmpstr (s3dlio_inspector_object_details_get_field (details, "ETag"), ==, shown_etag);
  g_assert_cmpstr (s3dlio_inspector_object_details_get_field (details, "Content type"), ==, "application/json");
  g_assert_cmpstr (s3dlio_inspector_object_details_get_metadata_value (details, "experiment"), ==, "baseline-7");
  g_assert_cmpstr (s3dlio_inspector_object_details_get_metadata_value (details, "owner"), ==, "inspector-test");
  g_assert_null (s3dlio_inspector_object_details_get_metadata_value (details, "x-amz-meta-owner"));

  /* A folder has no size, no HEAD. */
  s3dlio_inspector_browser_open (browser (), "scratch", NULL);
  WAIT_FOR (listed (browser ()), 10);
  g_assert_true (s3dlio_inspector_browser_select_key (browser (), "runs/"));
  g_assert_false (s3dlio_inspector_object_details_get_loading (details));
  g_assert_null (s3dlio_inspector_object_details_get_field (details, "Size"));
  g_assert_null (s3dlio_inspector_object_details_get_metadata_value (details, "experiment"));
}

static GtkColumnViewColumn *
find_column (const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (s3dlio_inspector_browser_get_column_view (browser ()));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      /* The view holds its columns. */
      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_error ("No column “%s”", title);
}

static void
sort_by (const char  *title,
         GtkSortType  direction)
{
  /* As a click on the column header does. */
  gtk_column_view_sort_by_column (s3dlio_inspector_browser_get_column_view (browser ()),
                                  title ? find_column (title) : NULL, direction);
}

#define assert_shown(expected)                          \
  G_STMT_START {                                        \
    g_autofree char *shown_ = shown_names ();           \
    g_assert_cmpstr (shown_, ==, expected);             \
  } G_STMT_END

static void
test_sort (void)
{
  /* S3's order (by key) until the user sorts. */
  open_and_wait ("models/");
  assert_shown ("checkpoint-4MiB.safetensors checkpoint-64MiB.safetensors config.json "
                "optimizer-state-16MiB.bin tokenizer.bin");

  sort_by ("Size", GTK_SORT_ASCENDING);
  assert_shown ("config.json tokenizer.bin checkpoint-4MiB.safetensors "
                "optimizer-state-16MiB.bin checkpoint-64MiB.safetensors");
  sort_by ("Size", GTK_SORT_DESCENDING);
  assert_shown ("checkpoint-64MiB.safetensors optimizer-state-16MiB.bin checkpoint-4MiB.safetensors "
                "tokenizer.bin config.json");
  sort_by ("Name", GTK_SORT_DESCENDING);
  assert_shown ("tokenizer.bin optimizer-state-16MiB.bin config.json "
                "checkpoint-64MiB.safetensors checkpoint-4MiB.safetensors");

  /* A listing that arrives later is sorted too; folders stay first
   * either way, and names compare case by case as keys do. */
  open_and_wait (NULL);
  assert_shown ("shards/ models/ logs/ manifest.json README.txt");
  sort_by ("Name", GTK_SORT_ASCENDING);
  assert_shown ("logs/ models/ shards/ README.txt manifest.json");
  sort_by ("Size", GTK_SORT_ASCENDING);
  assert_shown ("logs/ models/ shards/ manifest.json README.txt");

  /* Unsorted again: S3's order. */
  sort_by (NULL, GTK_SORT_ASCENDING);
  open_and_wait ("models/");
  assert_shown ("checkpoint-4MiB.safetensors checkpoint-64MiB.safetensors config.json "
                "optimizer-state-16MiB.bin tokenizer.bin");
}

static void
test_knobs (void)
{
  g_autoptr(GSettings) knob_settings = g_settings_new (APP_ID ".Knobs");
  g_autoptr(GVariant) stored = NULL;

  /* The environment's value is the starting value (see main()). */
  g_assert_cmpuint (s3dlio_config_get_max_retries (config ()), ==, 5);

  select_big_object ();
  set_knob ("part-size", 2 * MIB);
  g_assert_cmpuint (s3dlio_config_get_part_size (config ()), ==, 2 * MIB);
  stored = g_settings_get_user_value (knob_settings, "part-size");
  g_assert_nonnull (stored);
  g_assert_cmpuint (g_variant_get_uint64 (stored), ==, 2 * MIB);

  fetch_and_wait ();
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (transfer_map ()), ==, 32);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (transfer_map (), S3DLIO_PART_STATE_DONE), ==, 32);

  /* A switch: one plain GET, one part. */
  g_object_set (config (), "single-request", TRUE, NULL);
  fetch_and_wait ();
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (transfer_map ()), <=, 1);
  g_object_set (config (), "single-request", FALSE, NULL);

  /* Reset: back to the library's defaults, the environment's value stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (s3dlio_inspector_window_get_knobs_panel (window)),
                                             "knobs.reset", NULL));
  g_assert_cmpuint (s3dlio_config_get_part_size (config ()), ==, 8 * MIB);
  g_assert_cmpuint (s3dlio_config_get_max_retries (config ()), ==, 5);
  g_clear_pointer (&stored, g_variant_unref);
  stored = g_settings_get_user_value (knob_settings, "part-size");
  g_assert_null (stored);
}

/* A knob's value as a number (a switch is 0 or 1), whatever its type. */
static guint64
knob_value (S3dlioConfig *some_config,
            const char   *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (some_config), property);
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (pspec);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (some_config), property, &value);
  if (G_VALUE_HOLDS_BOOLEAN (&value))
    return g_value_get_boolean (&value);
  if (G_VALUE_HOLDS_UINT (&value))
    return g_value_get_uint (&value);
  return g_value_get_uint64 (&value);
}

/* A stored knob (GSettings type b, u or t) as a number. */
static guint64
stored_value (GVariant *variant)
{
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_get_boolean (variant);
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (variant);
  g_assert_true (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT64));
  return g_variant_get_uint64 (variant);
}

/* Another value the knob's editor offers: a step up, or down at the top. */
static guint64
another_value (const S3dlioInspectorKnob *knob,
               GtkWidget                 *editor,
               guint64                    current)
{
  GtkAdjustment *adjustment;
  guint64 step = MAX (knob->step, 1);

  if (knob->kind == S3DLIO_INSPECTOR_KNOB_SWITCH)
    return !current;

  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (editor));
  if (current + step <= gtk_adjustment_get_upper (adjustment))
    return current + step;
  return current - step;
}

/* Every knob of the table, through its editor, as the user would: the
 * config follows, and the value is stored for the next start. */
static void
test_knobs_each (void)
{
  S3dlioInspectorKnobsPanel *panel = s3dlio_inspector_window_get_knobs_panel (window);
  g_autoptr(GSettings) knob_settings = g_settings_new (APP_ID ".Knobs");
  const S3dlioInspectorKnob *knobs;
  guint n_knobs;
  g_autofree guint64 *start = NULL;

  knobs = s3dlio_inspector_knobs_get_all (&n_knobs);
  /* Connections per host, worker threads, retries, HEAD first, parts in
   * flight, part size, threshold, single request and the rest. */
  g_assert_cmpuint (n_knobs, >=, 8);
  start = g_new0 (guint64, n_knobs);

  for (guint i = 0; i < n_knobs; i++)
    {
      const char *property = knobs[i].property;
      GtkWidget *editor = s3dlio_inspector_knobs_panel_get_editor (panel, property);
      g_autoptr(GVariant) stored = NULL;
      guint64 wanted;

      g_test_message ("knob %s", property);
      g_assert_nonnull (editor);
      start[i] = knob_value (config (), property);
      wanted = another_value (&knobs[i], editor, start[i]);
      g_assert_cmpuint (wanted, !=, start[i]);

      if (knobs[i].kind == S3DLIO_INSPECTOR_KNOB_SWITCH)
        {
          g_assert_true (GTK_IS_SWITCH (editor));
          gtk_switch_set_active (GTK_SWITCH (editor), wanted);
        }
      else
        {
          g_assert_true (GTK_IS_SPIN_BUTTON (editor));
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), wanted);
        }

      g_assert_cmpuint (knob_value (config (), property), ==, wanted);
      stored = g_settings_get_user_value (knob_settings, property);
      g_assert_nonnull (stored);
      g_assert_cmpuint (stored_value (stored), ==, wanted);
    }

  /* Reset forgets them all, and the config is as it started. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "knobs.reset", NULL));
  for (guint i = 0; i < n_knobs; i++)
    {
      g_autoptr(GVariant) stored = g_settings_get_user_value (knob_settings, knobs[i].property);

      g_assert_null (stored);
      g_assert_cmpuint (knob_value (config (), knobs[i].property), ==, start[i]);
    }
}

/* The values stored last time are the starting values, but for a knob the
 * environment sets. */
static void
test_knobs_load (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) stored = g_settings_new_with_backend (APP_ID ".Knobs", backend);
  const char *part_size_variable = s3dlio_config_get_environment_variable ("part-size");
  g_autoptr(S3dlioConfig) loaded = NULL;
  g_autoptr(S3dlioConfig) overridden = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (part_size_variable);
  g_assert_null (g_getenv (part_size_variable));
  g_settings_set_uint64 (stored, "part-size", 16 * MIB);
  g_settings_set_uint (stored, "max-inflight", 7);
  g_settings_set_boolean (stored, "head-first", TRUE);
  /* S3DLIO_MAX_RETRIES=5 (see main()) beats this one. */
  g_settings_set_uint (stored, "max-retries", 9);

  loaded = s3dlio_inspector_knobs_load (stored, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_config_get_part_size (loaded), ==, 16 * MIB);
  g_assert_cmpuint (s3dlio_config_get_max_inflight (loaded), ==, 7);
  g_assert_true (s3dlio_config_get_head_first (loaded));
  g_assert_cmpuint (s3dlio_config_get_max_retries (loaded), ==, 5);

  g_setenv (part_size_variable, "4M", TRUE);
  overridden = s3dlio_inspector_knobs_load (stored, &error);
  g_unsetenv (part_size_variable);
  g_assert_no_error (error);
  g_assert_cmpuint (s3dlio_config_get_part_size (overridden), ==, 4 * MIB);
  g_assert_cmpuint (s3dlio_config_get_max_inflight (overridden), ==, 7);
}

/* The row of a knob the environment set says so, and only that one. */
static void
test_knobs_environment (void)
{
  S3dlioInspectorKnobsPanel *panel = s3dlio_inspector_window_get_knobs_panel (window);
  const S3dlioInspectorKnob *knobs;
  guint n_knobs;
  guint n_from_environment = 0;

  knobs = s3dlio_inspector_knobs_get_all (&n_knobs);
  for (guint i = 0; i < n_knobs; i++)
    {
      GtkWidget *editor = s3dlio_inspector_knobs_panel_get_editor (panel, knobs[i].property);
      GtkWidget *row = gtk_widget_get_ancestor (editor, ADW_TYPE_ACTION_ROW);
      const char *subtitle;

      g_assert_nonnull (row);
      subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      if (g_str_equal (knobs[i].property, "max-retries"))
        {
          g_assert_cmpstr (subtitle, ==, "Started from S3DLIO_MAX_RETRIES=5");
          g_assert_true (gtk_widget_has_css_class (row, "from-environment"));
        }
      else
        {
          g_assert_cmpstr (subtitle, ==, knobs[i].description);
          g_assert_false (gtk_widget_has_css_class (row, "from-environment"));
        }
      n_from_environment += gtk_widget_has_css_class (row, "from-environment");
    }
  g_assert_cmpuint (n_from_environment, ==, 1);
}

typedef struct {
  char     *path;
  gboolean  pending;
  gboolean  taken;
  guint     n_parts;
  guint     parts_done;
} Screenshot;

static void
panel_updated_cb (S3dlioInspectorTransferPanel *panel,
                  S3dlioTransfer               *transfer,
                  Screenshot                   *shot)
{
  guint n = s3dlio_transfer_get_n_parts (transfer);
  guint done = s3dlio_transfer_get_parts_done (transfer);

  if (shot->taken || shot->pending ||
      s3dlio_transfer_get_state (transfer) != S3DLIO_TRANSFER_STATE_RUNNING ||
      n == 0 || done < n / 2)
    return;

  /* The picture is taken once the window has drawn this report. */
  shot->pending = TRUE;
  shot->n_parts = n;
  shot->parts_done = done;
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                Screenshot    *shot)
{
  g_autoptr(GError) error = NULL;

  if (!shot->pending)
    return;

  shot->pending = FALSE;
  shot->taken = s3dlio_inspector_save_widget_png (GTK_WIDGET (window), shot->path, &error);
  g_assert_no_error (error);
}

/* Luma, from 0 (black) to 1 (white), of color components from 0 to 1. */
static double
luma (double red,
      double green,
      double blue)
{
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

static double
rgba_luma (const GdkRGBA *color)
{
  return luma (color->red, color->green, color->blue);
}

/* How light a picture is: the mean luma of its pixels. */
static double
mean_luma (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  g_autofree guint32 *pixels = NULL;
  gsize width, height;
  double sum = 0;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  /* Cairo's ARGB32: a native-endian word per pixel, alpha premultiplied,
   * so a transparent corner counts as black. */
  pixels = g_new (guint32, width * height);
  gdk_texture_download (texture, (guchar *) pixels, width * 4);
  for (gsize i = 0; i < width * height; i++)
    sum += luma (((pixels[i] >> 16) & 0xff) / 255.0,
                 ((pixels[i] >> 8) & 0xff) / 255.0,
                 (pixels[i] & 0xff) / 255.0);
  return sum / (width * height);
}

/* The window in the dark style: darker than in the light picture at
 * @light_path, and the graph draws with the dark style's lighter
 * foreground and accent colors. */
static void
check_dark_style (const char *light_path)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkWidget *graph_widget = GTK_WIDGET (graph ());
  g_autofree char *dark_path = build_path ("inspector-dark.png");
  GdkRGBA light_foreground, light_accent, dark_foreground, dark_accent;
  double light_luma, dark_luma;

  g_assert_false (adw_style_manager_get_dark (style_manager));
  g_assert_true (s3dlio_inspector_lookup_color (graph_widget, "foreground", &light_foreground));
  g_assert_true (s3dlio_inspector_lookup_color (graph_widget, "accent_color", &light_accent));

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style_manager));
  save_screenshot (GTK_WIDGET (window), "inspector-dark.png");
  /* Painted in the dark style: the widgets' styles are the dark ones. */
  g_assert_true (s3dlio_inspector_lookup_color (graph_widget, "foreground", &dark_foreground));
  g_assert_true (s3dlio_inspector_lookup_color (graph_widget, "accent_color", &dark_accent));
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);

  light_luma = mean_luma (light_path);
  dark_luma = mean_luma (dark_path);
  g_test_message ("mean luma: %.3f light, %.3f dark; graph foreground %.3f, %.3f; accent %.3f, %.3f",
                  light_luma, dark_luma, rgba_luma (&light_foreground), rgba_luma (&dark_foreground),
                  rgba_luma (&light_accent), rgba_luma (&dark_accent));
  g_assert_cmpfloat (dark_luma, <, light_luma - 0.3);
  g_assert_cmpfloat (rgba_luma (&dark_foreground), >, rgba_luma (&light_foreground) + 0.5);
  g_assert_cmpfloat (rgba_luma (&dark_accent), >, rgba_luma (&light_accent) + 0.1);
}

static void
test_screenshot (void)
{
  S3dlioServer *server = s3dlio_inspector_connection_get_server (s3dlio_inspector_window_get_connection (window));
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  Screenshot shot = { build_path ("inspector-fetch.png"), FALSE, FALSE, 0, 0 };
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gulong handler, paint_handler;

  g_remove (shot.path);
  select_big_object ();
  set_knob ("part-size", 1 * MIB);
  set_knob ("max-inflight", 4);
  g_assert_cmpuint (s3dlio_config_get_max_inflight (config ()), ==, 4);
  s3dlio_inspector_window_set_progress_interval (window, 10);
  /* Let the details pane show the HEAD's answer, for the picture. */
  WAIT_FOR (!s3dlio_inspector_object_details_get_loading (s3dlio_inspector_window_get_details (window)), 10);
  run_for (400);

  /* One part stalls half-way and is retried: the fetch is still going
   * when the picture is taken, and the map has a retry to show. */
  s3dlio_server_fault_set_key_pattern (fault, BIG_KEY);
  s3dlio_server_fault_set_only_ranged (fault, TRUE);
  s3dlio_server_fault_set_range_start (fault, 40 * MIB);
  s3dlio_server_fault_set_after_bytes (fault, 512 * 1024);
  s3dlio_server_fault_set_stall_ms (fault, 400);
  s3dlio_server_fault_set_count (fault, 1);
  s3dlio_server_add_fault (server, fault);

  handler = g_signal_connect (s3dlio_inspector_window_get_transfer_panel (window), "updated",
                              G_CALLBACK (panel_updated_cb), &shot);
  paint_handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), &shot);
  fetch_and_wait ();
  g_signal_handler_disconnect (s3dlio_inspector_window_get_transfer_panel (window), handler);
  g_signal_handler_disconnect (frame_clock, paint_handler);
  s3dlio_server_clear_faults (server);
  s3dlio_inspector_window_set_progress_interval (window, 20);

  g_assert_cmpuint (s3dlio_server_fault_get_hits (fault), ==, 1);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (transfer_map ()), ==, 64);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (transfer_map (), S3DLIO_PART_STATE_DONE), ==, 64);
  g_assert_cmpuint (s3dlio_inspector_throughput_graph_get_n_samples (graph ()), >=, 2);

  g_assert_true (shot.taken);
  g_assert_cmpuint (shot.parts_done, <, shot.n_parts);
  texture = gdk_texture_new_from_filename (shot.path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_test_message ("screenshot at %u of %u parts: %s", shot.parts_done, shot.n_parts, shot.path);

  /* The same, in the dark style: the drawings follow the style's colors. */
  check_dark_style (shot.path);
  g_free (shot.path);
}

static void
test_cancel (void)
{
  S3dlioServer *server = s3dlio_inspector_connection_get_server (s3dlio_inspector_window_get_connection (window));
  S3dlioInspectorTransferPanel *panel = s3dlio_inspector_window_get_transfer_panel (window);
  g_autoptr(S3dlioServerFault) fault = s3dlio_server_fault_new (S3DLIO_FAULT_KIND_STALL);
  g_autoptr(S3dlioTransfer) transfer = NULL;
  gint64 start;

  select_big_object ();
  set_knob ("max-inflight", 1);

  /* The first part hangs for longer than a cancellation may take. */
  s3dlio_server_fault_set_key_pattern (fault, BIG_KEY);
  s3dlio_server_fault_set_after_bytes (fault, 4096);
  s3dlio_server_fault_set_stall_ms (fault, 3000);
  s3dlio_server_add_fault (server, fault);

  g_action_group_activate_action (G_ACTION_GROUP (window), "fetch", NULL);
  transfer = g_object_ref (s3dlio_inspector_transfer_panel_get_transfer (panel));
  WAIT_FOR (s3dlio_server_fault_get_hits (fault) > 0, 10);
  run_for (100);
  g_assert_true (s3dlio_inspector_window_get_busy (window));

  start = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel", NULL);
  g_assert_false (s3dlio_inspector_window_get_busy (window));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "fetch"));
  WAIT_FOR (s3dlio_transfer_get_state (transfer) == S3DLIO_TRANSFER_STATE_CANCELLED, 5);
  g_test_message ("cancelled in %.3f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  s3dlio_server_clear_faults (server);
  set_knob ("max-inflight", 64);
}

static void
test_save (void)
{
  g_autoptr(GBytes) expected = s3dlio_server_get_object_data (demo_server (), S3DLIO_INSPECTOR_DEMO_BUCKET, ODD_KEY);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder_path = g_dir_make_tmp ("s3dlio-inspector-save-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *offered_name = NULL;
  g_autofree char *contents = NULL;
  GtkFileChooserNative *chooser;
  gsize length = 0;

  g_assert_no_error (error);
  g_assert_nonnull (expected);
  g_assert_cmpuint (g_bytes_get_size (expected), ==, ODD_SIZE);
  path = g_build_filename (folder_path, "tokenizer.bin", NULL);

  /* In 1 MiB parts: three, the last one short, each written in its place. */
  set_knob ("threshold", 1 * MIB);
  set_knob ("part-size", 1 * MIB);
  open_and_wait ("models/");
  g_assert_true (s3dlio_inspector_browser_select_key (browser (), ODD_KEY));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save"));

  /* win.save asks where to, offering the object's name; answered, the
   * chooser goes. Not under LeakSanitizer (the asan test setup): GTK
   * 4.8's chooser, once shown, leaks the errors of the tasks it cancels
   * and libcloudproviders' bus lookup, which would be reported as ours. */
  if (g_getenv ("LSAN_OPTIONS") == NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (window), "save", NULL);
      chooser = s3dlio_inspector_window_get_save_chooser (window);
      g_assert_nonnull (chooser);
      g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==, GTK_FILE_CHOOSER_ACTION_SAVE);
      offered_name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
      g_assert_cmpstr (offered_name, ==, "tokenizer.bin");
      g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
      g_assert_null (s3dlio_inspector_window_get_save_chooser (window));
    }
  else
    g_test_message ("the file chooser is not checked under LeakSanitizer");

  /* The chooser's answer goes to win.save-to, which the test gives in its
   * place: once shown, GTK 4.8's chooser picks a folder of its own over
   * one set before. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save-to"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "save-to", g_variant_new_bytestring (path));
  g_assert_true (s3dlio_inspector_window_get_busy (window));
  WAIT_FOR (!s3dlio_inspector_window_get_busy (window), 30);

  g_assert_cmpuint (s3dlio_inspector_transfer_map_get_n_parts (transfer_map ()), ==, 3);
  g_assert_cmpuint (s3dlio_inspector_transfer_map_count (transfer_map (), S3DLIO_PART_STATE_DONE), ==, 3);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (folder_path), ==, 0);
  set_knob ("threshold", 32 * MIB);
}

static void
test_sweep (void)
{
  S3dlioInspectorConnection *connection = s3dlio_inspector_window_get_connection (window);
  g_autoptr(S3dlioUri) uri = NULL;
  g_autoptr(S3dlioInspectorSweepDialog) dialog = NULL;
  g_autoptr(GFile) json_file = NULL;
  g_autoptr(GFile) png_file = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = build_path ("inspector-sweep.json");
  g_autofree char *png_path = build_path ("inspector-sweep.png");
  S3dlioInspectorSweep *sweep;
  JsonObject *root;
  JsonArray *points;
  guint64 part_size;

  select_big_object ();
  uri = s3dlio_inspector_browser_dup_selected_uri (browser ());
  dialog = g_object_ref_sink (s3dlio_inspector_sweep_dialog_new (GTK_WINDOW (window),
                                                                 s3dlio_inspector_connection_get_client (connection),
                                                                 uri,
                                                                 s3dlio_inspector_application_get_settings (app)));
  gtk_window_present (GTK_WINDOW (dialog));
  s3dlio_inspector_sweep_dialog_set_range (dialog, "max-inflight", 1, 8);
  s3dlio_inspector_sweep_dialog_start (dialog);
  sweep = s3dlio_inspector_sweep_dialog_get_sweep (dialog);
  g_assert_nonnull (sweep);
  WAIT_FOR (!s3dlio_inspector_sweep_get_running (sweep), 60);

  /* 1, 2, 4, 8 in flight; the knob the user set is left alone. */
  g_assert_cmpuint (s3dlio_inspector_sweep_get_n_points (sweep), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const S3dlioInspectorSweepPoint *point = s3dlio_inspector_sweep_get_point (sweep, i);

      g_assert_cmpuint (point->value, ==, 1u << i);
      g_assert_cmpfloat (point->gbps, >, 0);
    }
  g_assert_cmpuint (s3dlio_config_get_max_inflight (config ()), ==, 64);

  save_screenshot (GTK_WIDGET (dialog), "inspector-sweep-dialog.png");
  json_file = g_file_new_for_path (json_path);
  png_file = g_file_new_for_path (png_path);
  g_assert_true (s3dlio_inspector_sweep_dialog_export_json (dialog, json_file, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_inspector_sweep_dialog_export_png (dialog, png_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png_path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "knob"), ==, "max-inflight");
  g_assert_cmpstr (json_object_get_string_member (root, "environment-variable"), ==, "S3DLIO_GET_INFLIGHT");
  g_assert_cmpint (json_object_get_int_member (root, "size"), ==, 64 * MIB);
  points = json_object_get_array_member (root, "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, 3), "value"), ==, 8);

  /* The other knob: part sizes of 1, 2 and 4 MiB, so 64, 32 and 16 parts. */
  part_size = s3dlio_config_get_part_size (config ());
  s3dlio_inspector_sweep_dialog_set_range (dialog, "part-size", 1, 4);
  s3dlio_inspector_sweep_dialog_start (dialog);
  sweep = s3dlio_inspector_sweep_dialog_get_sweep (dialog);
  WAIT_FOR (!s3dlio_inspector_sweep_get_running (sweep), 60);
  g_assert_cmpstr (s3dlio_inspector_sweep_get_knob (sweep), ==, "part-size");
  g_assert_cmpuint (s3dlio_inspector_sweep_get_n_points (sweep), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const S3dlioInspectorSweepPoint *point = s3dlio_inspector_sweep_get_point (sweep, i);

      g_assert_cmpuint (point->value, ==, MIB << i);
      g_assert_cmpuint (point->n_parts, ==, 64 >> i);
    }
  g_assert_cmpuint (s3dlio_config_get_part_size (config ()), ==, part_size);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static GtkWindow *
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type))
        return toplevel;
    }
  return NULL;
}

/* {{{ The Connect dialog, filled in as a user would */

#define TEST_ACCESS_KEY_ID "AKIDINSPECTORTEST"
#define TEST_SECRET "inspector-test-secret"
#define TEST_BUCKET "elsewhere"

/* An endpoint with a bucket holding one object; with @credentials, it
 * takes requests signed with them only. */
static S3dlioServer *
start_endpoint (S3dlioCredentials *credentials)
{
  g_autoptr(S3dlioServer) server = s3dlio_server_new (NULL);
  g_autoptr(GBytes) data = g_bytes_new_static ("hello\n", 6);
  g_autoptr(GError) error = NULL;

  s3dlio_server_set_credentials (server, credentials);
  g_assert_true (s3dlio_server_start (server, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_server_create_bucket (server, TEST_BUCKET, &error));
  g_assert_no_error (error);
  g_assert_true (s3dlio_server_put_object (server, TEST_BUCKET, "hello.txt", data, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&server);
}

static S3dlioInspectorConnectDialog *
open_connect_dialog (void)
{
  GtkWindow *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  dialog = find_window (S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  return S3DLIO_INSPECTOR_CONNECT_DIALOG (dialog);
}

/* A widget of @dialog, by its id in the template. */
static GtkWidget *
dialog_widget (S3dlioInspectorConnectDialog *dialog,
               const char                   *id)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (dialog), S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG, id);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

static const char *
dialog_text (S3dlioInspectorConnectDialog *dialog,
             const char                   *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (dialog_widget (dialog, id)));
}

static void
set_dialog_text (S3dlioInspectorConnectDialog *dialog,
                 const char                   *id,
                 const char                   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (dialog_widget (dialog, id)), text);
}

/* Chooses an S3 endpoint in @dialog and types in its URL, the region and
 * the source of the credentials. */
static void
fill_in_endpoint (S3dlioInspectorConnectDialog   *dialog,
                  const char                     *url,
                  gboolean                        path_style,
                  S3dlioInspectorCredentialsKind  credentials_kind)
{
  gtk_check_button_set_active (GTK_CHECK_BUTTON (dialog_widget (dialog, "endpoint_check")), TRUE);
  set_dialog_text (dialog, "url_row", url);
  set_dialog_text (dialog, "region_row", "us-east-1");
  gtk_switch_set_active (GTK_SWITCH (dialog_widget (dialog, "path_style_switch")), path_style);
  adw_combo_row_set_selected (ADW_COMBO_ROW (dialog_widget (dialog, "credentials_row")), credentials_kind);

  /* Only the fields of that source are shown. */
  g_assert_true (gtk_widget_get_sensitive (dialog_widget (dialog, "endpoint_group")));
  g_assert_cmpint (gtk_widget_get_visible (dialog_widget (dialog, "profile_row")), ==,
                   credentials_kind == S3DLIO_INSPECTOR_CREDENTIALS_PROFILE);
  g_assert_cmpint (gtk_widget_get_visible (dialog_widget (dialog, "access_key_row")), ==,
                   credentials_kind == S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  g_assert_cmpint (gtk_widget_get_visible (dialog_widget (dialog, "secret_row")), ==,
                   credentials_kind == S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
}

/* Waits for the dialog to hand the window a connection other than
 * @before, and to close. */
static void
wait_for_connection (S3dlioInspectorConnection *before)
{
  WAIT_FOR (s3dlio_inspector_window_get_connection (window) != before, 30);
  g_assert_null (find_window (S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG));
}

/* Connect, as its button or Enter does. */
static void
connect_from_dialog (S3dlioInspectorConnectDialog *dialog)
{
  /* Held, so that the new connection cannot have the old one's address. */
  g_autoptr(S3dlioInspectorConnection) before = NULL;

  g_set_object (&before, s3dlio_inspector_window_get_connection (window));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "connect.connect", NULL);
  wait_for_connection (before);
}

static GtkWidget *
browser_widget (const char *id)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (browser ()), S3DLIO_INSPECTOR_TYPE_BROWSER, id);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

/* The page the browser shows in place of the objects: "error" once a
 * listing failed, "list" while there is none or it went well. */
static const char *
browser_page (void)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (browser_widget ("list_stack")));
}

/* The error the browser shows, its title and its message. */
static char *
shown_error (void)
{
  AdwStatusPage *page = ADW_STATUS_PAGE (browser_widget ("error_page"));

  g_assert_cmpstr (browser_page (), ==, "error");
  return g_strdup_printf ("%s: %s", adw_status_page_get_title (page), adw_status_page_get_description (page));
}

/* The bucket listed, as the user sees it: its only object. */
static void
assert_bucket_listed (void)
{
  WAIT_FOR (listed (browser ()), 10);
  g_assert_cmpstr (browser_page (), ==, "list");
  g_assert_cmpstr (s3dlio_inspector_browser_get_bucket (browser ()), ==, TEST_BUCKET);
  assert_shown ("hello.txt");
}

static void
assert_starts_with (const char *text,
                    const char *prefix)
{
  if (!g_str_has_prefix (text, prefix))
    g_error ("“%s” does not start with “%s”", text, prefix);
}

static void
assert_setting (GSettings  *settings,
                const char *key,
                const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_assert_cmpstr (value, ==, expected);
}

/* No key of the inspector's settings, nor of their children, holds
 * @secret. */
static void
assert_not_in_settings (GSettings  *settings,
                        const char *secret)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) children = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      if (strstr (text, secret) != NULL)
        g_error ("The secret is stored in the setting “%s”", keys[i]);
    }

  children = g_settings_schema_list_children (schema);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autoptr(GSettings) child = g_settings_get_child (settings, children[i]);

      assert_not_in_settings (child, secret);
    }
}

/* The keys from the environment, as with a profile, and the rest from
 * what the dialog stored last time. */
static void
test_connect_dialog (void)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (TEST_ACCESS_KEY_ID, TEST_SECRET, NULL);
  g_autoptr(S3dlioServer) server = start_endpoint (credentials);
  g_autofree char *uri = s3dlio_server_get_uri (server);
  GSettings *settings = s3dlio_inspector_application_get_settings (app);
  S3dlioInspectorConnectDialog *dialog;

  g_settings_set_enum (settings, "connection-kind", 1);
  g_settings_set_string (settings, "endpoint-url", uri);
  g_settings_set_string (settings, "region", "us-east-1");
  g_settings_set_boolean (settings, "path-style", TRUE);
  g_settings_set_enum (settings, "credentials-kind", S3DLIO_INSPECTOR_CREDENTIALS_PROFILE);
  g_setenv ("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY_ID, TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", TEST_SECRET, TRUE);

  dialog = open_connect_dialog ();
  save_screenshot (GTK_WIDGET (dialog), "inspector-connect.png");
  connect_from_dialog (dialog);
  g_assert_null (s3dlio_inspector_connection_get_server (s3dlio_inspector_window_get_connection (window)));

  /* ListBuckets went through, signed: the only bucket opens. */
  assert_bucket_listed ();

  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  s3dlio_inspector_window_set_connection (window, NULL);
  s3dlio_server_stop (server);
}

/* Access keys typed in: a wrong secret is refused, with S3's reason shown
 * in the window; what the dialog stored comes back in the next one, but
 * the secret; the right secret lists the bucket, path-style. */
static void
test_connect_keys (void)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (TEST_ACCESS_KEY_ID, TEST_SECRET, NULL);
  g_autoptr(S3dlioServer) server = start_endpoint (credentials);
  GSettings *settings = s3dlio_inspector_application_get_settings (app);
  /* A host name, as most endpoints have: it is signed as the Host header. */
  g_autofree char *url = g_strdup_printf ("http://localhost:%u", s3dlio_server_get_port (server));
  g_autofree char *expected_error = g_strdup_printf ("Could Not List the Buckets: Listing the buckets of %s: "
                                                     "SignatureDoesNotMatch (HTTP 403)", url);
  g_autofree char *error_text = NULL;
  S3dlioInspectorConnectDialog *dialog;

  dialog = open_connect_dialog ();
  fill_in_endpoint (dialog, url, TRUE, S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  set_dialog_text (dialog, "access_key_row", TEST_ACCESS_KEY_ID);
  set_dialog_text (dialog, "secret_row", "not-" TEST_SECRET);
  connect_from_dialog (dialog);

  WAIT_FOR (g_strcmp0 (browser_page (), "error") == 0, 10);
  error_text = shown_error ();
  g_test_message ("wrong secret: %s", error_text);
  assert_starts_with (error_text, expected_error);
  g_assert_null (strstr (error_text, TEST_SECRET));

  /* A bucket typed in then fails to list too, under its own title. */
  s3dlio_inspector_browser_open (browser (), TEST_BUCKET, NULL);
  WAIT_FOR (g_strcmp0 (browser_page (), "error") == 0 &&
            strstr (adw_status_page_get_description (ADW_STATUS_PAGE (browser_widget ("error_page"))),
                    "s3://" TEST_BUCKET) != NULL, 10);
  g_clear_pointer (&error_text, g_free);
  error_text = shown_error ();
  g_test_message ("wrong secret, objects: %s", error_text);
  assert_starts_with (error_text, "Could Not List: ");
  g_assert_nonnull (strstr (error_text, "SignatureDoesNotMatch"));

  /* Stored: all but the secret. */
  g_assert_cmpint (g_settings_get_enum (settings, "connection-kind"), ==, 1);
  assert_setting (settings, "endpoint-url", url);
  assert_setting (settings, "region", "us-east-1");
  g_assert_true (g_settings_get_boolean (settings, "path-style"));
  g_assert_cmpint (g_settings_get_enum (settings, "credentials-kind"), ==, S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  assert_setting (settings, "access-key-id", TEST_ACCESS_KEY_ID);
  assert_not_in_settings (settings, TEST_SECRET);

  /* The next dialog starts from there, with the secret to type again. */
  dialog = open_connect_dialog ();
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (dialog_widget (dialog, "endpoint_check"))));
  g_assert_cmpstr (dialog_text (dialog, "url_row"), ==, url);
  g_assert_cmpstr (dialog_text (dialog, "region_row"), ==, "us-east-1");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (dialog_widget (dialog, "path_style_switch"))));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (dialog_widget (dialog, "credentials_row"))), ==,
                    S3DLIO_INSPECTOR_CREDENTIALS_KEYS);
  g_assert_cmpstr (dialog_text (dialog, "access_key_row"), ==, TEST_ACCESS_KEY_ID);
  g_assert_cmpstr (dialog_text (dialog, "secret_row"), ==, "");

  set_dialog_text (dialog, "secret_row", TEST_SECRET);
  connect_from_dialog (dialog);
  assert_bucket_listed ();
  assert_not_in_settings (settings, TEST_SECRET);

  s3dlio_inspector_window_set_connection (window, NULL);
  s3dlio_server_stop (server);
}

/* The URL the client builds for the test bucket. */
static char *
bucket_url (void)
{
  S3dlioClient *client = s3dlio_inspector_connection_get_client (s3dlio_inspector_window_get_connection (window));
  S3dlioEndpoint *endpoint = s3dlio_client_get_endpoint (client);
  g_autofree char *host = s3dlio_endpoint_get_host (endpoint, TEST_BUCKET);
  g_autofree char *path = s3dlio_endpoint_get_path (endpoint, TEST_BUCKET, "hello.txt");

  return g_strdup_printf ("%s://%s%s", s3dlio_endpoint_get_scheme (endpoint), host, path);
}

/* The bucket in the path, with the switch on, although the environment
 * asks for virtual-hosted style (as a profile may); off, the environment
 * has its way. */
static void
test_connect_path_style (void)
{
  g_autoptr(S3dlioServer) server = start_endpoint (NULL);
  guint port = s3dlio_server_get_port (server);
  g_autofree char *url = g_strdup_printf ("http://localhost:%u", port);
  g_autofree char *path_style_url = g_strdup_printf ("http://localhost:%u/" TEST_BUCKET "/hello.txt", port);
  g_autofree char *virtual_url = g_strdup_printf ("http://" TEST_BUCKET ".localhost:%u/hello.txt", port);
  g_autofree char *built = NULL;
  g_auto(GStrv) log = NULL;
  gboolean listed_in_path = FALSE;
  S3dlioInspectorConnectDialog *dialog;

  g_setenv ("S3DLIO_ADDRESSING_STYLE", "virtual", TRUE);

  dialog = open_connect_dialog ();
  fill_in_endpoint (dialog, url, TRUE, S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS);
  connect_from_dialog (dialog);
  built = bucket_url ();
  g_assert_cmpstr (built, ==, path_style_url);
  assert_bucket_listed ();

  /* What the server saw: the listing of the bucket, by its path. */
  log = s3dlio_server_get_request_log (server);
  for (guint i = 0; log[i] != NULL; i++)
    {
      g_test_message ("request: %s", log[i]);
      if (g_str_has_prefix (log[i], "GET /" TEST_BUCKET "?") && strstr (log[i], " -> 200 ") != NULL)
        listed_in_path = TRUE;
    }
  g_assert_true (listed_in_path);

  /* Only the URL is checked: whether the bucket's host name resolves is up
   * to the machine. */
  dialog = open_connect_dialog ();
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (dialog_widget (dialog, "path_style_switch"))));
  gtk_switch_set_active (GTK_SWITCH (dialog_widget (dialog, "path_style_switch")), FALSE);
  connect_from_dialog (dialog);
  g_clear_pointer (&built, g_free);
  built = bucket_url ();
  g_assert_cmpstr (built, ==, virtual_url);
  g_assert_false (g_settings_get_boolean (s3dlio_inspector_application_get_settings (app), "path-style"));

  g_unsetenv ("S3DLIO_ADDRESSING_STYLE");
  s3dlio_inspector_window_set_connection (window, NULL);
  s3dlio_server_stop (server);
}

/* Anonymous requests: refused, and the window says why, where signatures
 * are required; listed where they are not. */
static void
test_connect_anonymous (void)
{
  g_autoptr(S3dlioCredentials) credentials = s3dlio_credentials_new (TEST_ACCESS_KEY_ID, TEST_SECRET, NULL);
  g_autoptr(S3dlioServer) signed_only = start_endpoint (credentials);
  g_autoptr(S3dlioServer) open = start_endpoint (NULL);
  g_autofree char *signed_only_url = s3dlio_server_get_uri (signed_only);
  g_autofree char *open_url = s3dlio_server_get_uri (open);
  g_autofree char *expected_error = g_strdup_printf ("Could Not List the Buckets: Listing the buckets of %s: "
                                                     "AccessDenied (HTTP 403): Access Denied: the request is not signed",
                                                     signed_only_url);
  g_autofree char *error_text = NULL;
  S3dlioInspectorConnectDialog *dialog;

  dialog = open_connect_dialog ();
  fill_in_endpoint (dialog, signed_only_url, TRUE, S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS);
  connect_from_dialog (dialog);
  g_assert_cmpint (g_settings_get_enum (s3dlio_inspector_application_get_settings (app), "credentials-kind"), ==,
                   S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS);
  WAIT_FOR (g_strcmp0 (browser_page (), "error") == 0, 10);
  error_text = shown_error ();
  g_test_message ("anonymous: %s", error_text);
  assert_starts_with (error_text, expected_error);

  dialog = open_connect_dialog ();
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (dialog_widget (dialog, "credentials_row"))), ==,
                    S3DLIO_INSPECTOR_CREDENTIALS_ANONYMOUS);
  set_dialog_text (dialog, "url_row", open_url);
  connect_from_dialog (dialog);
  assert_bucket_listed ();

  s3dlio_inspector_window_set_connection (window, NULL);
  s3dlio_server_stop (signed_only);
  s3dlio_server_stop (open);
}

/* "Local demo": the dialog starts the demo endpoint, busy meanwhile, and
 * the window browses its bucket. */
static void
test_connect_demo (void)
{
  S3dlioInspectorConnectDialog *dialog = open_connect_dialog ();
  g_autoptr(S3dlioInspectorConnection) before = NULL;
  S3dlioInspectorConnection *connection;

  gtk_check_button_set_active (GTK_CHECK_BUTTON (dialog_widget (dialog, "demo_check")), TRUE);
  g_assert_false (gtk_widget_get_sensitive (dialog_widget (dialog, "endpoint_group")));
  g_set_object (&before, s3dlio_inspector_window_get_connection (window));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "connect.connect", NULL);
  /* Starting takes a moment: the spinner turns, the form waits. */
  g_assert_true (find_window (S3DLIO_INSPECTOR_TYPE_CONNECT_DIALOG) == (GtkWindow *) dialog);
  g_assert_true (gtk_widget_get_visible (dialog_widget (dialog, "spinner")));
  g_assert_false (gtk_widget_get_sensitive (dialog_widget (dialog, "credentials_group")));
  wait_for_connection (before);
  g_assert_cmpint (g_settings_get_enum (s3dlio_inspector_application_get_settings (app), "connection-kind"), ==, 0);

  connection = s3dlio_inspector_window_get_connection (window);
  g_assert_nonnull (s3dlio_inspector_connection_get_server (connection));
  WAIT_FOR (listed (browser ()), 20);
  g_assert_cmpstr (s3dlio_inspector_browser_get_bucket (browser ()), ==, S3DLIO_INSPECTOR_DEMO_BUCKET);
  /* logs/, models/, shards/, manifest.json and README.txt */
  g_assert_cmpuint (g_list_model_get_n_items (s3dlio_inspector_browser_get_model (browser ())), ==, 5);
}

/* }}} */
/* {{{ Accessible labels */

typedef gboolean (*WidgetTest) (GtkWidget  *widget,
                                const char *data);

/* The first widget under @root, @root included, that passes @test. */
static GtkWidget *
find_widget (GtkWidget  *root,
             WidgetTest  test,
             const char *data)
{
  if (test (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, test, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_action (GtkWidget  *widget,
            const char *action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
is_primary_menu_button (GtkWidget  *widget,
                        const char *unused)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *label)
{
  g_autofree char *other = NULL;

  g_assert_nonnull (widget);
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_error ("The %s for “%s” has no accessible label", G_OBJECT_TYPE_NAME (widget), label);
  other = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (other != NULL)
    g_error ("The %s for “%s” is labelled “%s”", G_OBJECT_TYPE_NAME (widget), label, other);
}

static void
assert_action_label (GtkWidget  *root,
                     const char *action_name,
                     const char *label)
{
  assert_accessible_label (find_widget (root, has_action, action_name), label);
}

/* The buttons that show only an icon, and the fields without a visible
 * label, of the window, its parts and the Connect dialog. */
static void
check_accessible_labels (void)
{
  S3dlioInspectorKnobsPanel *knobs_panel = s3dlio_inspector_window_get_knobs_panel (window);
  S3dlioInspectorTransferPanel *transfer_panel = s3dlio_inspector_window_get_transfer_panel (window);
  g_autoptr(S3dlioInspectorConnectDialog) dialog = NULL;
  const S3dlioInspectorKnob *knobs;
  guint n_knobs;

  assert_action_label (GTK_WIDGET (window), "win.connect", "Connect");
  assert_action_label (GTK_WIDGET (window), "win.show-knobs", "Show the knobs");
  assert_action_label (GTK_WIDGET (window), "win.sweep", "Sweep a knob");
  assert_accessible_label (find_widget (GTK_WIDGET (window), is_primary_menu_button, NULL), "Main menu");

  assert_action_label (GTK_WIDGET (browser ()), "browser.up", "Parent folder");
  assert_action_label (GTK_WIDGET (browser ()), "browser.reload", "Reload");
  assert_accessible_label (browser_widget ("bucket_drop_down"), "Bucket");
  assert_accessible_label (browser_widget ("location_entry"), "Prefix");
  assert_accessible_label (browser_widget ("filter_entry"), "Filter by name");
  assert_accessible_label (browser_widget ("column_view"), "Objects");

  assert_accessible_label (GTK_WIDGET (s3dlio_inspector_window_get_details (window)), "Object details");
  assert_accessible_label (GTK_WIDGET (transfer_panel), "Transfer");
  assert_accessible_label (GTK_WIDGET (graph ()), "Throughput graph");
  assert_accessible_label (GTK_WIDGET (transfer_map ()), "Transfer map");
  assert_accessible_label (GTK_WIDGET (knobs_panel), "Knobs");

  /* Each knob's editor is named after it. */
  knobs = s3dlio_inspector_knobs_get_all (&n_knobs);
  for (guint i = 0; i < n_knobs; i++)
    assert_accessible_label (s3dlio_inspector_knobs_panel_get_editor (knobs_panel, knobs[i].property),
                             g_dgettext (GETTEXT_PACKAGE, knobs[i].title));

  dialog = g_object_ref_sink (s3dlio_inspector_connect_dialog_new (GTK_WINDOW (window),
                                                                  s3dlio_inspector_application_get_settings (app),
                                                                  config ()));
  assert_accessible_label (dialog_widget (dialog, "demo_check"), "Local demo");
  assert_accessible_label (dialog_widget (dialog, "endpoint_check"), "S3 endpoint");
  assert_accessible_label (dialog_widget (dialog, "path_style_switch"), "Path-style addressing");
  assert_accessible_label (dialog_widget (dialog, "error_label"), "Connection error");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The key widgets have accessible labels. The test runs with GTK_A11Y=none
 * (see gui/meson.build), which gives widgets nowhere to keep them and GTK
 * 4.8 has no getter for them: they are read back in a process of its own,
 * with GTK's in-memory test backend (see main()), which needs no bus. */
static void
test_accessible (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpstr (g_getenv ("GTK_A11Y"), ==, "test");
      check_accessible_labels ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* }}} */
/* {{{ Icons */

/* Whether every pixel of @texture is a gray, as in an icon meant to be
 * recolored. */
static gboolean
texture_is_gray (GdkTexture *texture)
{
  gsize width = gdk_texture_get_width (texture);
  gsize height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, width * height);

  gdk_texture_download (texture, (guchar *) pixels, width * 4);
  for (gsize i = 0; i < width * height; i++)
    {
      int red = (pixels[i] >> 16) & 0xff, green = (pixels[i] >> 8) & 0xff, blue = pixels[i] & 0xff;

      if (ABS (red - green) > 8 || ABS (green - blue) > 8 || ABS (red - blue) > 8)
        return FALSE;
    }
  return TRUE;
}

/* An icon as drawn: symbolic ones at 16 × 16 in gray (GTK recolors them),
 * the others at 128 × 128 in color. */
static void
check_icon_texture (GdkTexture *texture,
                    gboolean    symbolic)
{
  int size = symbolic ? 16 : 128;

  g_assert_cmpint (gdk_texture_get_width (texture), ==, size);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, size);
  g_assert_cmpint (texture_is_gray (texture), ==, symbolic);
}

/* An icon of data/icons: it loads, and @theme finds it where it will be
 * installed, symbolic or not as its name says. */
static void
check_installed_icon (GtkIconTheme *theme,
                      const char   *path)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *name = g_strndup (basename, strlen (basename) - strlen (".svg"));
  gboolean symbolic = g_str_has_suffix (name, "-symbolic");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) found = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("icon %s: %s", name, path);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  check_icon_texture (texture, symbolic);

  /* hicolor/symbolic/ holds the symbolic icons, and only them. */
  g_assert_cmpint (strstr (path, "/hicolor/symbolic/") != NULL, ==, symbolic);
  if (theme == NULL)
    return;
  icon = gtk_icon_theme_lookup_icon (theme, name, NULL, symbolic ? 16 : 128, 1, GTK_TEXT_DIR_NONE, 0);
  found = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (found);
  g_assert_true (g_file_equal (found, file));
  g_assert_cmpint (gtk_icon_paintable_is_symbolic (icon), ==, symbolic);
}

/* Every .svg under @dir, in the order the directory gives. */
static void
collect_svgs (const char *dir,
              GPtrArray  *paths)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_svgs (path, paths);
      else if (g_str_has_suffix (name, ".svg"))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

/* The icons data/ installs (every one under data/icons), and those the
 * inspector carries in its resources. */
static void
test_icons (void)
{
  g_autofree char *relative_dir = g_test_build_filename (G_TEST_DIST, "..", "data", "icons", NULL);
  g_autofree char *icons_dir = g_canonicalize_filename (relative_dir, NULL);
  const char *search_path[] = { icons_dir, NULL };
  g_autoptr(GtkIconTheme) theme = NULL;
  GtkIconTheme *app_theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) resource_icons = NULL;
  g_autoptr(GError) error = NULL;

  /* Not under LeakSanitizer (the asan test setup): a GtkIconTheme of
   * GTK 4.8 is never freed once made (its finalization waits on the
   * display), which would be reported as a leak of ours. The files are
   * still checked there. */
  if (g_getenv ("LSAN_OPTIONS") != NULL)
    g_test_message ("the icon theme lookups are not checked under LeakSanitizer");
  else
    {
      theme = gtk_icon_theme_new ();
      gtk_icon_theme_set_search_path (theme, search_path);
    }
  collect_svgs (icons_dir, paths);
  for (guint i = 0; i < paths->len; i++)
    check_installed_icon (theme, g_ptr_array_index (paths, i));
  if (theme != NULL)
    {
      g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
      g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID "-symbolic"));
    }
  g_assert_cmpuint (paths->len, ==, 2);

  /* The action icons, which the application's own theme finds. */
  resource_icons = g_resources_enumerate_children ("/org/s3dlio/Inspector/icons/scalable/actions", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (resource_icons), >=, 2);
  for (guint i = 0; resource_icons[i] != NULL; i++)
    {
      g_autofree char *resource = g_strconcat ("/org/s3dlio/Inspector/icons/scalable/actions/", resource_icons[i], NULL);
      g_autofree char *name = g_strndup (resource_icons[i], strlen (resource_icons[i]) - strlen (".svg"));
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_resource (resource);

      g_test_message ("icon %s: resource://%s", name, resource);
      g_assert_true (g_str_has_suffix (name, "-symbolic"));
      check_icon_texture (texture, TRUE);
      g_assert_true (gtk_icon_theme_has_icon (app_theme, name));
    }
}

/* }}} */

typedef struct {
  S3dlioInspectorApplication *app;
  gint64                      deadline;
  guint                       source_id;
  S3dlioInspectorWindow      *listed;
} DemoRun;

/* Connected, and a listing done. */
static gboolean
demo_listed (S3dlioInspectorWindow *demo_window)
{
  return s3dlio_inspector_window_get_connection (demo_window) != NULL &&
         listed (s3dlio_inspector_window_get_browser (demo_window));
}

static gboolean
check_demo_cb (gpointer data)
{
  DemoRun *run = data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (run->app)); l != NULL; l = l->next)
    if (S3DLIO_INSPECTOR_IS_WINDOW (l->data) && demo_listed (l->data))
      run->listed = l->data;

  if (run->listed == NULL && g_get_monotonic_time () < run->deadline)
    return G_SOURCE_CONTINUE;

  run->source_id = 0;
  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

/* `s3dlio-inspector --demo`, as main() runs it, in this process: a second
 * application, so as not to disturb the first one's window. */
static void
test_demo_option (void)
{
  g_autoptr(S3dlioInspectorApplication) demo_app = s3dlio_inspector_application_new (G_APPLICATION_NON_UNIQUE);
  char *argv[] = { (char *) "s3dlio-inspector", (char *) "--demo", NULL };
  DemoRun run = { demo_app, g_get_monotonic_time () + 30 * G_USEC_PER_SEC, 0, NULL };
  g_autoptr(GList) windows = NULL;
  S3dlioInspectorWindow *demo_window;
  S3dlioInspectorConnection *connection;
  S3dlioInspectorBrowser *demo_browser;
  GListModel *buckets;
  gboolean has_demo_bucket = FALSE;
  int status;

  run.source_id = g_timeout_add (20, check_demo_cb, &run);
  status = g_application_run (G_APPLICATION (demo_app), G_N_ELEMENTS (argv) - 1, argv);
  if (run.source_id != 0)
    g_source_remove (run.source_id);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (run.listed);

  /* One window, on the local demo, with its bucket open. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (demo_app)));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  demo_window = run.listed;
  g_assert_true (demo_window != window);
  connection = s3dlio_inspector_window_get_connection (demo_window);
  g_assert_nonnull (s3dlio_inspector_connection_get_server (connection));
  g_assert_cmpstr (s3dlio_inspector_connection_get_default_bucket (connection), ==, S3DLIO_INSPECTOR_DEMO_BUCKET);

  demo_browser = s3dlio_inspector_window_get_browser (demo_window);
  buckets = s3dlio_inspector_browser_get_buckets (demo_browser);
  g_assert_nonnull (buckets);
  for (guint i = 0; i < g_list_model_get_n_items (buckets); i++)
    {
      g_autoptr(S3dlioBucketInfo) info = g_list_model_get_item (buckets, i);

      if (g_strcmp0 (s3dlio_bucket_info_get_name (info), S3DLIO_INSPECTOR_DEMO_BUCKET) == 0)
        has_demo_bucket = TRUE;
    }
  g_assert_true (has_demo_bucket);
  g_assert_cmpstr (s3dlio_inspector_browser_get_bucket (demo_browser), ==, S3DLIO_INSPECTOR_DEMO_BUCKET);
  g_assert_cmpstr (s3dlio_inspector_browser_get_prefix (demo_browser), ==, "");
  /* logs/, models/, shards/, manifest.json and README.txt */
  g_assert_cmpuint (g_list_model_get_n_items (s3dlio_inspector_browser_get_model (demo_browser)), ==, 5);

  /* The connection goes with the window, and the demo endpoint with it. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
}

/* Last: it closes the window. */
static void
test_window_state (void)
{
  GSettings *settings = s3dlio_inspector_application_get_settings (app);
  g_autoptr(S3dlioInspectorWindow) closed = g_object_ref (window);
  S3dlioInspectorWindow *reopened;
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_close (GTK_WINDOW (window));
  window = NULL;

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* The next window opens at that size (the schema says 1280 × 800). */
  reopened = s3dlio_inspector_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (reopened), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 700);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (reopened)));
  gtk_window_destroy (GTK_WINDOW (reopened));
}

/* }}} */

/* The HACKING.md rules for tests: a home of our own, and no AWS_*,
 * S3DLIO_* or proxy variable from the outside. */
static void
isolate_environment (void)
{
  g_auto(GStrv) names = g_listenv ();
  g_autofree char *home = g_dir_make_tmp ("s3dlio-inspector-test-XXXXXX", NULL);
  g_autofree char *config_home = g_build_filename (home, ".config", NULL);
  g_autofree char *data_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache_home = g_build_filename (home, ".cache", NULL);

  g_assert_nonnull (home);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "AWS_") || g_str_has_prefix (names[i], "S3DLIO_") ||
        g_ascii_strcasecmp (names[i], "http_proxy") == 0 ||
        g_ascii_strcasecmp (names[i], "https_proxy") == 0 ||
        g_ascii_strcasecmp (names[i], "all_proxy") == 0 ||
        g_ascii_strcasecmp (names[i], "no_proxy") == 0)
      g_unsetenv (names[i]);

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  isolate_environment ();
  /* A knob from the environment: the inspector must start from it. */
  g_setenv ("S3DLIO_MAX_RETRIES", "5", TRUE);

  g_test_init (&argc, &argv, NULL);
  /* /inspector/accessible reads the accessible labels back in a process
   * of its own, with GTK's test backend; GTK reads this at the first
   * widget. */
  if (g_test_subprocess ())
    g_setenv ("GTK_A11Y", "test", TRUE);
  /* As the application does: the tests run in whatever language LC_ALL
   * says (the suite sets C.UTF-8). */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = s3dlio_inspector_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = s3dlio_inspector_window_new (app);
  s3dlio_inspector_window_set_progress_interval (window, 20);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_timeout_add (10, wake_up, NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)), 10);

  g_test_add_func ("/inspector/browse", test_browse);
  g_test_add_func ("/inspector/fetch", test_fetch);
  g_test_add_func ("/inspector/knobs", test_knobs);
  g_test_add_func ("/inspector/knobs-each", test_knobs_each);
  g_test_add_func ("/inspector/knobs-load", test_knobs_load);
  g_test_add_func ("/inspector/knobs-environment", test_knobs_environment);
  g_test_add_func ("/inspector/retry", test_retry);
  g_test_add_func ("/inspector/map-progress", test_map_progress);
  g_test_add_func ("/inspector/accels", test_accels);
  g_test_add_func ("/inspector/accessible", test_accessible);
  g_test_add_func ("/inspector/icons", test_icons);
  g_test_add_func ("/inspector/details", test_details);
  g_test_add_func ("/inspector/screenshot", test_screenshot);
  g_test_add_func ("/inspector/cancel", test_cancel);
  /* After the screenshot, so that it shows neither the toast of a save
   * nor a sort indicator (GTK 4.8 leaves one on a column sorted before,
   * even once the view is unsorted). */
  g_test_add_func ("/inspector/save", test_save);
  g_test_add_func ("/inspector/sort", test_sort);
  g_test_add_func ("/inspector/sweep", test_sweep);
  g_test_add_func ("/inspector/demo-option", test_demo_option);
  g_test_add_func ("/inspector/connect-dialog", test_connect_dialog);
  g_test_add_func ("/inspector/connect-keys", test_connect_keys);
  g_test_add_func ("/inspector/connect-path-style", test_connect_path_style);
  g_test_add_func ("/inspector/connect-anonymous", test_connect_anonymous);
  g_test_add_func ("/inspector/connect-demo", test_connect_demo);
  g_test_add_func ("/inspector/window-state", test_window_state);

  result = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return result;
}
