/* test-utils.h: shared helpers for the test programs
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <s3dlio.h>

G_BEGIN_DECLS

/* Calls g_test_init() with isolated HOME/XDG directories, and removes every
 * AWS_*, S3DLIO_* and proxy variable so the machine's settings (CA bundles,
 * proxies, profiles) cannot leak into a test. */
void     s3dlio_test_init          (int         *argc,
                                    char      ***argv);

/* Writes @contents to @path, creating parent directories. */
void     s3dlio_test_write_file    (const char  *path,
                                    const char  *contents);

/* Path of a file under tests/data (G_TEST_DIST). Free with g_free(). */
char    *s3dlio_test_data_path     (const char  *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;

/* Reads a file under tests/data; aborts the test if it cannot. */
GBytes  *s3dlio_test_load_data     (const char  *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;

/* Removes @path and everything below it, without following symbolic
 * links; what cannot be removed is left. */
void     s3dlio_test_remove_tree   (const char  *path);

/* Sends @method to @url on a plain session, with no credentials (a
 * presigned URL carries its own), and @body if not %NULL. Stores the
 * response body in @response_body if not %NULL; fails the test on a
 * transport error. Returns the HTTP status. */
guint    s3dlio_test_fetch         (const char  *method,
                                    const char  *url,
                                    GBytes      *body,
                                    GBytes     **response_body);

G_END_DECLS
