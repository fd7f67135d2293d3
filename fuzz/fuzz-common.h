/* fuzz-common.h: what the fuzz targets share
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* The libFuzzer entry point, defined by each fuzz-NAME.c. replay.c calls it
 * too, so the corpora are replayed in builds without libFuzzer. */
int   LLVMFuzzerTestOneInput (const uint8_t *data,
                              size_t         size);

/* Call first thing for every input; only the first call does anything. It
 * removes every AWS_* and S3DLIO_* variable and points HOME nowhere, so the
 * machine's settings cannot change what an input does; drops debug output
 * (a target must not print); and makes GLib warnings and criticals abort,
 * so that the fuzzer reports them as crashes. */
void  fuzz_init              (void);

/* @data as a string, cut at its first NUL byte. Free with g_free(). */
char *fuzz_strndup           (const uint8_t *data,
                              size_t         size);

/* Asserts that @error is set, in the S3DLIO_ERROR domain, with @code (any
 * code if @code is -1), and that its message is valid UTF-8: it may be shown
 * or logged as it is. */
void  fuzz_assert_error      (const GError  *error,
                              int            code);

G_END_DECLS
