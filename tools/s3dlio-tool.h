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
} S3dlioToolOptions;

extern S3dlioToolOptions s3dlio_tool_options;

typedef int (*S3dlioToolCommand) (int argc, char **argv, gboolean do_help);

int             s3dlio_tool_get     (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_cat     (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_info    (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_bench   (int argc, char **argv, gboolean do_help);
int             s3dlio_tool_serve   (int argc, char **argv, gboolean do_help);

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
/* Prints the command's help on stdout; returns S3DLIO_TOOL_EXIT_OK. */
int             s3dlio_tool_show_help            (GOptionContext  *context);
/* Prints "s3dlio: MESSAGE" on stderr; returns S3DLIO_TOOL_EXIT_FAILED. */
int             s3dlio_tool_failed               (const GError    *error);

/* Sets up logging (--verbose, --debug) once options are parsed. */
void            s3dlio_tool_apply_output_options (void);

/* The config, with the S3DLIO_* environment and then the tuning options. */
S3dlioConfig   *s3dlio_tool_make_config          (GError         **error);
/* A client for the options: endpoint and credentials as the AWS CLI
 * resolves them, overridden by the options. */
S3dlioClient   *s3dlio_tool_make_client          (GError         **error);

/* Parses a URI argument; plain local paths become file:// URIs. */
S3dlioUri      *s3dlio_tool_parse_location       (const char      *text,
                                                  GError         **error);

/* Blocks SIGINT and SIGTERM in every thread and starts one that turns them
 * into a cancellation. Call first thing in main(). */
void            s3dlio_tool_init_signals         (void);

/* Cancelled on SIGINT/SIGTERM, so operations end cleanly (temporary files
 * removed) and the tool exits with S3DLIO_TOOL_EXIT_FAILED. */
GCancellable   *s3dlio_tool_get_cancellable      (void);

/* Whether a progress line should be drawn on stderr. */
gboolean        s3dlio_tool_show_progress        (void);
/* Draws and updates a progress line for @transfer while it runs. */
void            s3dlio_tool_attach_progress      (S3dlioTransfer  *transfer);
void            s3dlio_tool_end_progress         (void);

/* "1.5 GiB" with -h, else the number of bytes. */
char           *s3dlio_tool_format_size          (guint64          size,
                                                  gboolean         human);

/* Prints one JSON object on stdout, on one line. */
void            s3dlio_tool_print_json           (JsonBuilder     *builder);

G_END_DECLS
