/* s3dlio-profile-file.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "s3dlio-error.h"
#include "s3dlio-profile-file-private.h"

struct _S3dlioProfileFile
{
  char *filename;
  /* section name → (key → value) */
  GHashTable *sections;
};

/* Values may be secrets: overwrite them before giving the memory back. */
static void
wipe_string (char *s)
{
  if (s != NULL)
    explicit_bzero (s, strlen (s));
}

static void
wipe_and_free (gpointer s)
{
  wipe_string (s);
  g_free (s);
}

static S3dlioProfileFile *
profile_file_new (const char *filename)
{
  S3dlioProfileFile *file = g_new0 (S3dlioProfileFile, 1);

  file->filename = g_strdup (filename ? filename : "(data)");
  file->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);
  return file;
}

void
_s3dlio_profile_file_free (S3dlioProfileFile *file)
{
  if (file == NULL)
    return;

  g_hash_table_unref (file->sections);
  g_free (file->filename);
  g_free (file);
}

/* Parsing */

/* The whitespace Python's str.strip() removes, within ASCII. */
static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

typedef struct {
  const char *start;
  gsize len;
} Span;

static Span
span_strip (Span s)
{
  while (s.len > 0 && is_blank (s.start[0]))
    {
      s.start++;
      s.len--;
    }
  while (s.len > 0 && is_blank (s.start[s.len - 1]))
    s.len--;
  return s;
}

typedef struct {
  guint lineno;
  char *text;
} ValueLine;

static void
value_line_clear (gpointer data)
{
  ValueLine *line = data;

  wipe_and_free (line->text);
}

typedef struct {
  S3dlioProfileFile *file;
  GHashTable *section;      /* current section, NULL before the first header */
  char *key;                /* key whose value is being read, or NULL */
  GArray *value_lines;      /* of ValueLine: the value of @key, line by line */
  gsize indent_level;       /* indentation of the last key or header line */
} Parser;

static gboolean G_GNUC_PRINTF (4, 5)
parse_error (Parser     *parser,
             guint       lineno,
             GError    **error,
             const char *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               "%s:%u: %s", parser->file->filename, lineno, what);
  return FALSE;
}

/* A value whose first line is empty and that has continuation lines is a
 * nested block of "subkey = value" lines (botocore's _parse_nested()). */
static gboolean
store_nested (Parser  *parser,
              GError **error)
{
  for (guint i = 1; i < parser->value_lines->len; i++)
    {
      ValueLine *line = &g_array_index (parser->value_lines, ValueLine, i);
      const char *eq = strchr (line->text, '=');
      g_autofree char *subkey = NULL;
      Span name, value;

      if (line->text[0] == '\0')
        continue;
      if (eq == NULL)
        return parse_error (parser, line->lineno, error,
                            _("malformed line in a nested block (expected “key = value”)"));

      name = span_strip ((Span) { line->text, eq - line->text });
      value = span_strip ((Span) { eq + 1, strlen (eq + 1) });
      if (name.len == 0)
        return parse_error (parser, line->lineno, error, _("a line without a key name"));

      subkey = g_utf8_strdown (name.start, name.len);
      g_hash_table_replace (parser->section,
                            g_strconcat (parser->key, ".", subkey, NULL),
                            g_strndup (value.start, value.len));
    }

  g_hash_table_replace (parser->section, g_strdup (parser->key), g_strdup (""));
  return TRUE;
}

/* configparser joins the lines of a value with newlines and drops the
 * trailing empty ones. */
static gboolean
finish_value (Parser  *parser,
              GError **error)
{
  gboolean ok = TRUE;

  if (parser->key == NULL)
    return TRUE;

  while (parser->value_lines->len > 1 &&
         g_array_index (parser->value_lines, ValueLine,
                        parser->value_lines->len - 1).text[0] == '\0')
    g_array_set_size (parser->value_lines, parser->value_lines->len - 1);

  if (parser->value_lines->len > 1 &&
      g_array_index (parser->value_lines, ValueLine, 0).text[0] == '\0')
    {
      ok = store_nested (parser, error);
    }
  else if (parser->value_lines->len == 1)
    {
      /* Secrets are single lines: copied once, with no reallocations
       * leaving unwiped copies behind. */
      ValueLine *line = &g_array_index (parser->value_lines, ValueLine, 0);

      g_hash_table_replace (parser->section, g_strdup (parser->key), g_steal_pointer (&line->text));
    }
  else
    {
      GString *value = g_string_new (NULL);

      for (guint i = 0; i < parser->value_lines->len; i++)
        {
          if (i > 0)
            g_string_append_c (value, '\n');
          g_string_append (value, g_array_index (parser->value_lines, ValueLine, i).text);
        }
      g_hash_table_replace (parser->section, g_strdup (parser->key),
                            g_string_free (value, FALSE));
    }

  g_clear_pointer (&parser->key, g_free);
  g_array_set_size (parser->value_lines, 0);
  return ok;
}

static void
append_value_line (Parser     *parser,
                   guint       lineno,
                   Span        text)
{
  ValueLine line = { lineno, g_strndup (text.start, text.len) };

  g_array_append_val (parser->value_lines, line);
}

/* "[profile  x]" and "[profile "x"]" name profile x, as botocore's shlex
 * split of the header finds it. */
static char *
normalize_section_name (Span header)
{
  static const char *const prefixes[] = { "profile", "services", "sso-session" };

  header = span_strip (header);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize plen = strlen (prefixes[i]);
      Span name;

      if (header.len <= plen || strncmp (header.start, prefixes[i], plen) != 0 ||
          !is_blank (header.start[plen]))
        continue;

      name = span_strip ((Span) { header.start + plen, header.len - plen });
      if (name.len >= 2 &&
          (name.start[0] == '"' || name.start[0] == '\'') &&
          name.start[name.len - 1] == name.start[0])
        {
          name.start++;
          name.len -= 2;
        }
      return g_strdup_printf ("%s %.*s", prefixes[i], (int) name.len, name.start);
    }

  return g_strndup (header.start, header.len);
}

/* configparser's SECTCRE, "\[(?P<header>.+)\]", matched at the start of the
 * stripped line: the header runs to the last "]". */
static gboolean
match_section_header (Span  line,
                      Span *header)
{
  const char *close;

  if (line.len < 3 || line.start[0] != '[')
    return FALSE;

  close = line.start + line.len - 1;
  while (close > line.start + 1 && *close != ']')
    close--;
  if (close <= line.start + 1)
    return FALSE;

  *header = (Span) { line.start + 1, close - line.start - 1 };
  return TRUE;
}

static gboolean
parse_section_header (Parser  *parser,
                      guint    lineno,
                      Span     header,
                      GError **error)
{
  g_autofree char *name = normalize_section_name (header);
  GHashTable *section;

  if (g_hash_table_contains (parser->file->sections, name))
    return parse_error (parser, lineno, error, _("a section defined a second time"));

  section = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_and_free);
  g_hash_table_insert (parser->file->sections, g_steal_pointer (&name), section);
  parser->section = section;
  return TRUE;
}

static gboolean
parse_key_line (Parser  *parser,
                guint    lineno,
                Span     line,
                GError **error)
{
  const char *delim = NULL;
  Span name, value;

  if (parser->section == NULL)
    return parse_error (parser, lineno, error, _("a key outside any [section]"));

  for (gsize i = 0; i < line.len && delim == NULL; i++)
    if (line.start[i] == '=' || line.start[i] == ':')
      delim = line.start + i;
  if (delim == NULL)
    return parse_error (parser, lineno, error,
                        _("malformed line (expected “[section]” or “key = value”)"));

  name = span_strip ((Span) { line.start, delim - line.start });
  value = span_strip ((Span) { delim + 1, line.start + line.len - delim - 1 });
  if (name.len == 0)
    return parse_error (parser, lineno, error, _("a line without a key name"));

  parser->key = g_utf8_strdown (name.start, name.len);
  if (g_hash_table_contains (parser->section, parser->key))
    {
      g_clear_pointer (&parser->key, g_free);
      return parse_error (parser, lineno, error, _("a key set a second time in its section"));
    }

  append_value_line (parser, lineno, value);
  return TRUE;
}

static gboolean
parse_line (Parser  *parser,
            guint    lineno,
            Span     raw,
            GError **error)
{
  Span line = span_strip (raw);
  gsize indent = line.start - raw.start;
  Span header;

  if (line.len == 0)
    {
      /* configparser keeps empty lines inside values */
      if (parser->key != NULL)
        append_value_line (parser, lineno, line);
      return TRUE;
    }

  if (line.start[0] == '#' || line.start[0] == ';')
    return TRUE;

  if (parser->key != NULL && indent > parser->indent_level)
    {
      append_value_line (parser, lineno, line);
      return TRUE;
    }

  if (!finish_value (parser, error))
    return FALSE;

  parser->indent_level = indent;

  if (match_section_header (line, &header))
    return parse_section_header (parser, lineno, header, error);

  return parse_key_line (parser, lineno, line, error);
}

static guint
count_lines (const char *data,
             gsize       len)
{
  guint lineno = 1;

  for (gsize i = 0; i < len; i++)
    if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n')))
      lineno++;
  return lineno;
}

S3dlioProfileFile *
_s3dlio_profile_file_parse (const char  *data,
                            gsize        len,
                            const char  *filename,
                            GError     **error)
{
  g_autoptr(S3dlioProfileFile) file = profile_file_new (filename);
  g_autoptr(GArray) value_lines = g_array_new (FALSE, FALSE, sizeof (ValueLine));
  Parser parser = { file, NULL, NULL, value_lines, 0 };
  const char *invalid = NULL;
  gsize pos = 0;
  guint lineno = 1;
  gboolean ok = TRUE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  g_array_set_clear_func (value_lines, value_line_clear);

  if (len > S3DLIO_PROFILE_FILE_MAX_SIZE)
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("%s is larger than %u KiB"), file->filename,
                   S3DLIO_PROFILE_FILE_MAX_SIZE / 1024);
      return NULL;
    }

  /* This also rejects nul bytes, so the lines can be copied as strings. */
  if (!g_utf8_validate_len (data, len, &invalid))
    {
      g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                   _("%s:%u: not valid UTF-8 text"), file->filename,
                   count_lines (data, invalid - data));
      return NULL;
    }

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  while (ok && pos < len)
    {
      gsize end = pos;

      while (end < len && data[end] != '\n' && data[end] != '\r')
        end++;

      ok = parse_line (&parser, lineno, (Span) { data + pos, end - pos }, error);

      if (end < len && data[end] == '\r' && end + 1 < len && data[end + 1] == '\n')
        end++;
      pos = end + 1;
      lineno++;
    }

  if (ok)
    ok = finish_value (&parser, error);

  g_free (parser.key);
  if (!ok)
    return NULL;

  return g_steal_pointer (&file);
}

/* Loading */

static S3dlioProfileFile *
load_error (const char  *path,
            GError     **error,
            const char  *what)
{
  g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
               _("Cannot read %s: %s"), path, what);
  return NULL;
}

/* Reads the whole of @fd, refusing more than the size cap. */
static GByteArray *
read_capped (int          fd,
             const char  *path,
             GError     **error)
{
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  char buffer[8192];

  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          load_error (path, error, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      if (contents->len + (gsize) n > S3DLIO_PROFILE_FILE_MAX_SIZE)
        {
          g_set_error (error, S3DLIO_ERROR, S3DLIO_ERROR_INVALID_CONFIG,
                       _("%s is larger than %u KiB"), path,
                       S3DLIO_PROFILE_FILE_MAX_SIZE / 1024);
          explicit_bzero (contents->data, contents->len);
          return NULL;
        }
      g_byte_array_append (contents, (const guint8 *) buffer, n);
    }

  explicit_bzero (buffer, sizeof buffer);
  return g_steal_pointer (&contents);
}

S3dlioProfileFile *
_s3dlio_profile_file_load (const char  *path,
                           GError     **error)
{
  g_autoptr(GByteArray) contents = NULL;
  S3dlioProfileFile *file;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  /* O_NONBLOCK so that a FIFO in the way cannot hang us before the
   * regular-file check; it changes nothing for regular files. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        return profile_file_new (path);
      return load_error (path, error, g_strerror (saved_errno));
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      return load_error (path, error, g_strerror (saved_errno));
    }
  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      return load_error (path, error, _("not a regular file"));
    }

  contents = read_capped (fd, path, error);
  g_close (fd, NULL);
  if (contents == NULL)
    return NULL;

  file = _s3dlio_profile_file_parse ((const char *) contents->data, contents->len, path, error);
  /* An empty array has no data at all (NULL), which explicit_bzero() must
   * not be given. */
  if (contents->len > 0)
    explicit_bzero (contents->data, contents->len);
  return file;
}

/* Lookups */

const char *
_s3dlio_profile_file_get_filename (S3dlioProfileFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return file->filename;
}

gboolean
_s3dlio_profile_file_has_section (S3dlioProfileFile *file,
                                  const char        *section)
{
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return strcmp (section, "DEFAULT") != 0 &&
         g_hash_table_contains (file->sections, section);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char **
_s3dlio_profile_file_list_sections (S3dlioProfileFile *file)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  g_return_val_if_fail (file != NULL, NULL);

  g_hash_table_iter_init (&iter, file->sections);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (strcmp (name, "DEFAULT") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

const char *
_s3dlio_profile_file_get (S3dlioProfileFile *file,
                          const char        *section,
                          const char        *key)
{
  GHashTable *values;
  const char *value;

  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  values = g_hash_table_lookup (file->sections, section);
  if (values == NULL)
    return NULL;

  value = g_hash_table_lookup (values, key);
  if (value == NULL && strcmp (section, "DEFAULT") != 0)
    {
      values = g_hash_table_lookup (file->sections, "DEFAULT");
      if (values != NULL)
        value = g_hash_table_lookup (values, key);
    }
  return value;
}

/* The shared credentials and config files */

struct _S3dlioSharedConfig
{
  char *paths[3];
  S3dlioProfileFile *files[3];
};

const char *
_s3dlio_getenv (const char *name)
{
  const char *value = g_getenv (name);

  return (value != NULL && *value != '\0') ? value : NULL;
}

char *
_s3dlio_expand_home (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (path[0] == '~' && (path[1] == '\0' || G_IS_DIR_SEPARATOR (path[1])))
    return g_build_filename (g_get_home_dir (), path + 1, NULL);
  return g_strdup (path);
}

static char *
shared_file_path (const char *variable,
                  const char *basename)
{
  const char *path = _s3dlio_getenv (variable);

  if (path != NULL)
    return _s3dlio_expand_home (path);
  return g_build_filename (g_get_home_dir (), ".aws", basename, NULL);
}

void
_s3dlio_shared_config_free (S3dlioSharedConfig *config)
{
  if (config == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (config->files); i++)
    {
      g_free (config->paths[i]);
      _s3dlio_profile_file_free (config->files[i]);
    }
  g_free (config);
}

S3dlioSharedConfig *
_s3dlio_shared_config_load (GError **error)
{
  g_autoptr(S3dlioSharedConfig) config = g_new0 (S3dlioSharedConfig, 1);
  const S3dlioSharedConfigOrigin origins[] = {
    S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE,
    S3DLIO_SHARED_CONFIG_CONFIG_FILE,
  };

  config->paths[S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE] =
    shared_file_path ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  config->paths[S3DLIO_SHARED_CONFIG_CONFIG_FILE] =
    shared_file_path ("AWS_CONFIG_FILE", "config");

  for (guint i = 0; i < G_N_ELEMENTS (origins); i++)
    {
      config->files[origins[i]] = _s3dlio_profile_file_load (config->paths[origins[i]], error);
      if (config->files[origins[i]] == NULL)
        return NULL;
    }

  return g_steal_pointer (&config);
}

static gboolean
is_file_origin (S3dlioSharedConfigOrigin origin)
{
  return origin == S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE ||
         origin == S3DLIO_SHARED_CONFIG_CONFIG_FILE;
}

const char *
_s3dlio_shared_config_get_path (S3dlioSharedConfig       *config,
                                S3dlioSharedConfigOrigin  origin)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (is_file_origin (origin), NULL);

  return config->paths[origin];
}

S3dlioProfileFile *
_s3dlio_shared_config_get_file (S3dlioSharedConfig       *config,
                                S3dlioSharedConfigOrigin  origin)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (is_file_origin (origin), NULL);

  return config->files[origin];
}

/* The section of @profile in @origin, or NULL. In the config file
 * `[profile default]` is preferred to `[default]` when both exist. */
static char *
profile_section (S3dlioSharedConfig       *config,
                 S3dlioSharedConfigOrigin  origin,
                 const char               *profile)
{
  S3dlioProfileFile *file = config->files[origin];
  g_autofree char *section = NULL;

  if (origin == S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE)
    return _s3dlio_profile_file_has_section (file, profile) ? g_strdup (profile) : NULL;

  section = g_strconcat ("profile ", profile, NULL);
  if (_s3dlio_profile_file_has_section (file, section))
    return g_steal_pointer (&section);
  if (strcmp (profile, "default") == 0 && _s3dlio_profile_file_has_section (file, "default"))
    return g_strdup ("default");
  return NULL;
}

gboolean
_s3dlio_shared_config_has_profile (S3dlioSharedConfig *config,
                                   const char         *profile)
{
  g_autofree char *in_credentials = NULL;
  g_autofree char *in_config = NULL;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  in_credentials = profile_section (config, S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE, profile);
  in_config = profile_section (config, S3DLIO_SHARED_CONFIG_CONFIG_FILE, profile);
  return in_credentials != NULL || in_config != NULL;
}

const char *
_s3dlio_shared_config_get_in (S3dlioSharedConfig       *config,
                              S3dlioSharedConfigOrigin  origin,
                              const char               *profile,
                              const char               *key)
{
  g_autofree char *section = NULL;
  const char *value;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (is_file_origin (origin), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  section = profile_section (config, origin, profile);
  if (section == NULL)
    return NULL;

  value = _s3dlio_profile_file_get (config->files[origin], section, key);
  return (value != NULL && *value != '\0') ? value : NULL;
}

const char *
_s3dlio_shared_config_get (S3dlioSharedConfig       *config,
                           const char               *profile,
                           const char               *key,
                           S3dlioSharedConfigOrigin *origin)
{
  const S3dlioSharedConfigOrigin order[] = {
    S3DLIO_SHARED_CONFIG_CREDENTIALS_FILE,
    S3DLIO_SHARED_CONFIG_CONFIG_FILE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const char *value = _s3dlio_shared_config_get_in (config, order[i], profile, key);

      if (value != NULL)
        {
          if (origin != NULL)
            *origin = order[i];
          return value;
        }
    }

  if (origin != NULL)
    *origin = S3DLIO_SHARED_CONFIG_NONE;
  return NULL;
}

const char *
_s3dlio_shared_config_get_service (S3dlioSharedConfig *config,
                                   const char         *profile,
                                   const char         *service,
                                   const char         *key)
{
  g_autofree char *section = NULL;
  g_autofree char *service_key = NULL;
  const char *services;
  const char *value;

  g_return_val_if_fail (service != NULL, NULL);

  services = _s3dlio_shared_config_get (config, profile, "services", NULL);
  if (services == NULL)
    return NULL;

  section = g_strconcat ("services ", services, NULL);
  service_key = g_strconcat (service, ".", key, NULL);
  value = _s3dlio_profile_file_get (config->files[S3DLIO_SHARED_CONFIG_CONFIG_FILE],
                                    section, service_key);
  return (value != NULL && *value != '\0') ? value : NULL;
}

const char *
_s3dlio_shared_config_get_profile_name (const char *explicit_profile,
                                        gboolean   *named)
{
  const char *name = explicit_profile;

  if (name == NULL)
    name = _s3dlio_getenv ("AWS_PROFILE");
  if (name == NULL)
    name = _s3dlio_getenv ("AWS_DEFAULT_PROFILE");

  if (named != NULL)
    *named = (name != NULL);
  return name != NULL ? name : "default";
}
