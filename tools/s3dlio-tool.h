/* s3dlio-tool.h: what the commands of the s3dlio tool share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <s3dlio.h>

G_BEGIN_DECLS

/* Exit codes, as GLib's gio tool uses them. */
#define S3DLIO_TOOL_EXIT_OK     0
#define S3DLIO_TOOL_EXIT_USAGE  1
#define S3DLIO_TOOL_EXIT_FAILED 2

typedef struct {
  /* Where and who (the AWS CLI's names). */
  char     *endpoint_url;
  char     *region;
  char     *profile;
  gboolean  no_sign_request;
  char     *ca_bundle;
  gboolean  path_style;
  gboolean  virtual_hosted;

  /* Output. */
  gboolean  verbose;
  gboolean  debug;
  gboolean  quiet;
  gboolean  progress;
  gboolean  json;

  /* Tuning (transfer commands), as text: parsed by S3dlioConfig. */
  char     *part_size;
  char     *inflight;
  char     *threshold;
  char     *connections;
  char     *threads;
  char     *retries;
  gboolean  head_first;
  gboolean  single;

  /* Set by commands that upload: --part-size, --inflight and --threshold
   * then tune uploads (S3DLIO_PUT_*) instead of GETs. */
  gboolean  upload;
} S3dlioToolOptions;

extern S3dlioToolOptions s3dlio_tool_options;

typedef int (*S3dlioToolCommand) (int argc, char **argv, gboolean do_help);

int             s3dlio_tool_get     (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_cat     (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_info    (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_bench   (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_serve   (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_ls      (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_put     (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_rm      (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_cp      (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_presign (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_mb      (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_rb      (int argc, char **argv, gboolean do_help);

/* The transfers behind get, put and cp (s3dlio-get.c, s3dlio-put.c), on
 * the store that holds the object side (see s3dlio_tool_make_store()).
 * Each prints what it did and its errors, and returns an exit code. */

/* Downloads @uri to @dest: a file, into a directory (an existing one, or
 * a path ending with "/"), "-" for stdout, or the object's name here when
 * %NULL. */
int             s3dlio_tool_download_object      (S3dlioObjectStore *store,
                                                  S3dlioUri         *uri,
                                                  const char        *dest);
/* Downloads every object under @prefix into @directory, @jobs at a time. */
int             s3dlio_tool_download_prefix      (S3dlioObjectStore *store,
                                                  S3dlioUri         *prefix,
                                                  const char        *directory,
                                                  guint              jobs);
/* Uploads the file @source ("-": stdin) to @uri; a prefix @uri (ending
 * with "/") gets the file's name appended. */
int             s3dlio_tool_upload_file          (S3dlioObjectStore *store,
                                                  const char        *source,
                                                  S3dlioUri         *uri,
                                                  const char        *content_type,
                                                  GHashTable        *metadata);
/* Uploads every file under @directory to @prefix, @jobs at a time. */
int             s3dlio_tool_upload_directory     (S3dlioObjectStore *store,
                                                  const char        *directory,
                                                  S3dlioUri         *prefix,
                                                  guint              jobs);

/* A context for a command, with the global (and, for transfer commands,
 * the tuning) options already added. */
GOptionContext *s3dlio_tool_option_context_new   (const char      *command,
                                                  const char      *parameter_string,
                                                  const char      *summary,
                                                  gboolean         transfer_options);

/* Prints "s3dlio: MESSAGE" and the command's help on stderr; returns
 * S3DLIO_TOOL_EXIT_USAGE. */
int             s3dlio_tool_usage_error          (GOptionContext  *context,
                                                  const char      *message);
/* The usage error of an integer option out of its range, naming the
 * option, the range and the value; returns S3DLIO_TOOL_EXIT_USAGE. */
int             s3dlio_tool_range_error          (GOptionContext  *context,
                                                  const char      *option,
                                                  int              value,
                                                  int              minimum,
                                                  int              maximum);
/* Prints the command's help on stdout; returns S3DLIO_TOOL_EXIT_OK. */
int             s3dlio_tool_show_help            (GOptionContext  *context);
/* Prints "s3dlio: MESSAGE" on stderr; returns S3DLIO_TOOL_EXIT_FAILED. */
int             s3dlio_tool_failed               (const GError    *error);
/* For an error of s3dlio_tool_make_client() or s3dlio_tool_make_store(): a
 * bad option value is a usage error, anything else a failure. */
int             s3dlio_tool_client_failed        (GOptionContext  *context,
                                                  const GError    *error);
/* "N objects, B bytes in S s (R GB/s)" on stderr, at the end of a batch. */
void            s3dlio_tool_print_batch_summary  (S3dlioBatch     *batch);
/* Prints "s3dlio: MESSAGE" on stderr, below any progress line. */
void            s3dlio_tool_message              (const char      *format,
                                                  ...) G_GNUC_PRINTF (1, 2);

/* Sets up logging (--verbose, --debug) once options are parsed. */
void            s3dlio_tool_apply_output_options (void);

/* The config, with the S3DLIO_* environment and then the tuning options. */
S3dlioConfig   *s3dlio_tool_make_config          (GError         **error);
/* A client for the options: endpoint and credentials as the AWS CLI
 * resolves them, overridden by the options. */
S3dlioClient   *s3dlio_tool_make_client          (GError         **error);
/* The store that holds @uri: for s3://, a client as
 * s3dlio_tool_make_client() makes it; for file://, a file store with the
 * config (the tuning options apply), and no AWS configuration needed. */
S3dlioObjectStore *s3dlio_tool_make_store        (S3dlioUri       *uri,
                                                  GError         **error);
/* The stores of @uris, in their order: one per scheme (several s3:// URIs
 * share a client), all made before the command does anything. */
GPtrArray      *s3dlio_tool_make_stores          (GPtrArray       *uris,
                                                  GError         **error);

/* Parses a URI argument; plain local paths become file:// URIs. */
S3dlioUri      *s3dlio_tool_parse_location       (const char      *text,
                                                  GError         **error);
/* Parses an argument that must be an s3:// URI. */
S3dlioUri      *s3dlio_tool_parse_s3_uri         (const char      *text,
                                                  GError         **error);
/* Parses "s3://bucket" or "s3://bucket/": a bucket, no key. */
S3dlioUri      *s3dlio_tool_parse_bucket_uri     (const char      *text,
                                                  GError         **error);

/* Blocks SIGINT and SIGTERM in every thread and starts one that turns them
 * into a cancellation. Call first thing in main(). */
void            s3dlio_tool_init_signals         (void);

/* Cancelled on SIGINT/SIGTERM, so operations end cleanly (temporary files
 * removed) and the tool exits with S3DLIO_TOOL_EXIT_FAILED. */
GCancellable   *s3dlio_tool_get_cancellable      (void);

/* Whether a progress line should be drawn on stderr. */
gboolean        s3dlio_tool_show_progress        (void);
/* Draws and updates a progress line while a transfer, an upload or a
 * batch runs. */
void            s3dlio_tool_attach_progress      (S3dlioTransfer  *transfer);
void            s3dlio_tool_attach_upload_progress (S3dlioUpload  *upload);
void            s3dlio_tool_attach_batch_progress (S3dlioBatch    *batch);
/* Draws the progress line once: "DONE / TOTAL  P%  R GB/s  ETA M:SS  DETAIL"
 * (without TOTAL when it is 0), @rate in bytes per second. For what runs
 * without a transfer, an upload or a batch to report on. */
void            s3dlio_tool_draw_progress        (guint64          done,
                                                  guint64          total,
                                                  double           rate,
                                                  const char      *detail);
/* Ends the progress line, if one was drawn. */
void            s3dlio_tool_end_progress         (void);

/* "1.5 GiB" with -h, else the number of bytes. */
char           *s3dlio_tool_format_size          (guint64          size,
                                                  gboolean         human);

/* "2024-05-01T12:00:00Z": UTC, whole seconds, or %NULL for %NULL. ls and
 * info both print dates so that they can be compared (a listing has
 * milliseconds, a file's time microseconds, a HEAD whole seconds). */
char           *s3dlio_tool_format_date          (GDateTime       *date);

/* Prints one JSON object on stdout, on one line. */
void            s3dlio_tool_print_json           (JsonBuilder     *builder);
/* Adds a member whose value is @value, or null. */
void            s3dlio_tool_json_add_string      (JsonBuilder     *builder,
                                                  const char      *name,
                                                  const char      *value);
void            s3dlio_tool_json_add_int         (JsonBuilder     *builder,
                                                  const char      *name,
                                                  gint64           value);
void            s3dlio_tool_json_add_double      (JsonBuilder     *builder,
                                                  const char      *name,
                                                  double           value);
/* Adds "last_modified" and the like: an ISO 8601 date, or null. */
void            s3dlio_tool_json_add_date        (JsonBuilder     *builder,
                                                  const char      *name,
                                                  GDateTime       *date);

G_END_DECLS
