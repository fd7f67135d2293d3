/* s3dlio-profile-file-private.h: the AWS shared config and credentials files
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Larger files are refused: real ones are a few kilobytes, and the cap keeps
 * a mistaken path (a log, a device) from being read into memory. */
#define S3DLIO_PROFILE_FILE_MAX_SIZE (1024 * 1024)

/* One parsed INI file, read the way botocore reads ~/.aws/credentials and
 * ~/.aws/config (Python's configparser.RawConfigParser):
 *
 *  - `[section]` headers; in the config file `[profile NAME]`, `[services
 *    NAME]` and `[sso-session NAME]` are stored as "profile NAME" etc., with
 *    the whitespace between the two words collapsed and quotes around NAME
 *    removed (botocore splits them with shlex);
 *  - `key = value` or `key: value`, whitespace trimmed, keys lowercased,
 *    values kept as they are (no inline comments, no interpolation);
 *  - full-line comments starting with `#` or `;`, blank lines, LF, CRLF or CR
 *    line ends, a UTF-8 byte order mark;
 *  - continuation lines: a line indented deeper than its key line continues
 *    the value. When the value on the key line itself is empty, the
 *    continuation lines are a nested section of `subkey = value` lines,
 *    stored as "key.subkey" (botocore's `s3 =` / `addressing_style = path`);
 *  - the same section twice, or the same key twice in a section, is an error
 *    (configparser's strict mode, which botocore uses);
 *  - a `[DEFAULT]` section supplies values to every other section.
 *
 * Errors name the file and the line but never quote the line: it may hold a
 * secret. Values are wiped from memory when the file is freed. */
typedef struct _S3dlioProfileFile S3dlioProfileFile;

/* @data is @len bytes, not necessarily nul-terminated. @filename is only
 * used in error messages (NULL: "(data)"). */
S3dlioProfileFile *_s3dlio_profile_file_parse         (const char         *data,
                                                       gsize               len,
                                                       const char         *filename,
                                                       GError            **error);
/* A missing file is an empty file. */
S3dlioProfileFile *_s3dlio_profile_file_load          (const char         *path,
                                                       GError            **error);
const char        *_s3dlio_profile_file_get_filename  (S3dlioProfileFile  *file);
gboolean           _s3dlio_profile_file_has_section   (S3dlioProfileFile  *file,
                                                       const char         *section);
/* Section names, sorted; "DEFAULT" is not listed. Free with g_strfreev(). */
char             **_s3dlio_profile_file_list_sections (S3dlioProfileFile  *file);
/* The value of @key in @section (falling back to `[DEFAULT]`), or NULL.
 * Nested keys are "parent.child". */
const char        *_s3dlio_profile_file_get           (S3dlioProfileFile  *file,
                                                       const char         *section,
                                                       const char         *key);
void               _s3dlio_profile_file_free          (S3dlioProfileFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioProfileFile, _s3dlio_profile_file_free)

/* Both shared files, located the way the AWS CLI does it:
 * $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, and $AWS_CONFIG_FILE
 * or ~/.aws/config, where ~ is g_get_home_dir(). */
typedef struct _S3dlioSharedConfig S3dlioSharedConfig;

typedef enum {
  S3DLIO_SHARED_CONFIG_NONE,
  S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE,
  S3DLIO_SHARED_CONFIG_CONFIG_FILE,
} S3dlioSharedConfigOrigin;

S3dlioSharedConfig *_s3dlio_shared_config_load                 (GError                  **error);
const char         *_s3dlio_shared_config_get_path             (S3dlioSharedConfig       *config,
                                                                S3dlioSharedConfigOrigin  origin);
S3dlioProfileFile  *_s3dlio_shared_config_get_file             (S3dlioSharedConfig       *config,
                                                                S3dlioSharedConfigOrigin  origin);
/* Whether @profile is `[profile]` in the credentials file or `[profile
 * NAME]` (or, for "default", `[default]`) in the config file. */
gboolean            _s3dlio_shared_config_has_profile          (S3dlioSharedConfig       *config,
                                                                const char               *profile);
/* @key of @profile in one file only; empty values count as unset. */
const char         *_s3dlio_shared_config_get_in               (S3dlioSharedConfig       *config,
                                                                S3dlioSharedConfigOrigin  origin,
                                                                const char               *profile,
                                                                const char               *key);
/* @key of @profile: the credentials file first, then the config file (as
 * botocore merges them). @origin (optional) tells where it was found. */
const char         *_s3dlio_shared_config_get                  (S3dlioSharedConfig       *config,
                                                                const char               *profile,
                                                                const char               *key,
                                                                S3dlioSharedConfigOrigin *origin);
/* @key of @service in the `[services NAME]` section of the config file that
 * @profile names with `services = NAME`, e.g. ("s3", "endpoint_url"). */
const char         *_s3dlio_shared_config_get_service          (S3dlioSharedConfig       *config,
                                                                const char               *profile,
                                                                const char               *service,
                                                                const char               *key);
void                _s3dlio_shared_config_free                 (S3dlioSharedConfig       *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (S3dlioSharedConfig, _s3dlio_shared_config_free)

/* @explicit_profile if not NULL, else $AWS_PROFILE, $AWS_DEFAULT_PROFILE or
 * "default". @named tells whether the profile was named (explicitly or by a
 * variable): a named profile must exist, the implicit default need not. */
const char         *_s3dlio_shared_config_get_profile_name     (const char               *explicit_profile,
                                                                gboolean                 *named);

/* The value of environment variable @name, or NULL when it is unset or
 * empty (the AWS CLI treats both alike). */
const char         *_s3dlio_getenv                             (const char               *name);

/* @path with a leading "~" or "~/" replaced by g_get_home_dir(). */
char               *_s3dlio_expand_home                        (const char               *path);

G_END_DECLS
