/* s3dlio-error.c
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "s3dlio-error.h"
#include "s3dlio-error-private.h"
#include "s3dlio-xml-private.h"

/* Caps on the other server-supplied parts of an error message. */
#define CODE_MAX        64
#define REQUEST_ID_MAX  128
#define LOCATION_MAX    128
#define REASON_MAX      64
#define SNIPPET_MAX     80

void
_s3dlio_i18n_init (void)
{
  static gsize initialized = 0;

  /* _() is dgettext (GETTEXT_PACKAGE, ...): it needs no textdomain(), but
   * a program or binding using the library may never bind our domain. */
  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * s3dlio_error_quark:
 *
 * Gets the quark of the [error@S3dlio.Error] domain, %S3DLIO_ERROR.
 *
 * Returns: the error quark
 */
GQuark
s3dlio_error_quark (void)
{
  static GQuark quark = 0;

  /* Most translated messages are S3DLIO_ERROR ones: bind the domain before
   * the first is made. */
  if (G_UNLIKELY (quark == 0))
    {
      _s3dlio_i18n_init ();
      quark = g_quark_from_static_string ("s3dlio-error-quark");
    }
  return quark;
}

/**
 * s3dlio_error_is_retryable:
 * @error: (nullable): an error, or %NULL
 *
 * Tells whether an operation that failed with @error may succeed if it is
 * tried again: throttling, server errors, timeouts and connection failures.
 *
 * Returns: %TRUE if @error is transient
 */
gboolean
s3dlio_error_is_retryable (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == S3DLIO_ERROR)
    {
      switch ((S3dlioError) error->code)
        {
        case S3DLIO_ERROR_THROTTLED:
        case S3DLIO_ERROR_SERVER_ERROR:
        case S3DLIO_ERROR_TIMEOUT:
        case S3DLIO_ERROR_CONNECTION:
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

typedef struct {
  const char  *s3_code;
  S3dlioError  code;
} S3CodeMapping;

/* S3 error codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html),
 * plus the throttling codes S3-compatible servers and botocore know. */
static const S3CodeMapping s3_code_mappings[] = {
  { "NoSuchKey", S3DLIO_ERROR_NO_SUCH_KEY },
  { "NoSuchVersion", S3DLIO_ERROR_NO_SUCH_KEY },
  { "NoSuchBucket", S3DLIO_ERROR_NO_SUCH_BUCKET },
  { "NoSuchUpload", S3DLIO_ERROR_NO_SUCH_UPLOAD },

  { "AccessDenied", S3DLIO_ERROR_ACCESS_DENIED },
  { "AllAccessDisabled", S3DLIO_ERROR_ACCESS_DENIED },
  { "AccountProblem", S3DLIO_ERROR_ACCESS_DENIED },

  /* Credentials the server does not accept: unknown or expired. */
  { "InvalidAccessKeyId", S3DLIO_ERROR_INVALID_ACCESS_KEY },
  { "ExpiredToken", S3DLIO_ERROR_INVALID_ACCESS_KEY },
  { "InvalidToken", S3DLIO_ERROR_INVALID_ACCESS_KEY },
  { "TokenRefreshRequired", S3DLIO_ERROR_INVALID_ACCESS_KEY },

  { "SignatureDoesNotMatch", S3DLIO_ERROR_SIGNATURE_MISMATCH },
  { "RequestTimeTooSkewed", S3DLIO_ERROR_CLOCK_SKEW },

  { "SlowDown", S3DLIO_ERROR_THROTTLED },
  { "Throttling", S3DLIO_ERROR_THROTTLED },
  { "ThrottlingException", S3DLIO_ERROR_THROTTLED },
  { "ThrottledException", S3DLIO_ERROR_THROTTLED },
  { "RequestThrottled", S3DLIO_ERROR_THROTTLED },
  { "RequestThrottledException", S3DLIO_ERROR_THROTTLED },
  { "RequestLimitExceeded", S3DLIO_ERROR_THROTTLED },
  { "BandwidthLimitExceeded", S3DLIO_ERROR_THROTTLED },
  { "TooManyRequestsException", S3DLIO_ERROR_THROTTLED },
  { "ProvisionedThroughputExceededException", S3DLIO_ERROR_THROTTLED },
  { "ServiceUnavailable", S3DLIO_ERROR_THROTTLED },

  { "InvalidRange", S3DLIO_ERROR_INVALID_RANGE },
  { "PreconditionFailed", S3DLIO_ERROR_PRECONDITION_FAILED },
  { "BucketNotEmpty", S3DLIO_ERROR_BUCKET_NOT_EMPTY },
  { "BucketAlreadyExists", S3DLIO_ERROR_BUCKET_EXISTS },
  { "BucketAlreadyOwnedByYou", S3DLIO_ERROR_BUCKET_EXISTS },

  { "PermanentRedirect", S3DLIO_ERROR_REDIRECT },
  { "TemporaryRedirect", S3DLIO_ERROR_REDIRECT },
  { "Redirect", S3DLIO_ERROR_REDIRECT },

  { "InternalError", S3DLIO_ERROR_SERVER_ERROR },
  { "InternalFailure", S3DLIO_ERROR_SERVER_ERROR },
  { "RequestTimeout", S3DLIO_ERROR_TIMEOUT },
  { "NotImplemented", S3DLIO_ERROR_NOT_SUPPORTED },

  { "AuthorizationHeaderMalformed", S3DLIO_ERROR_BAD_REQUEST },
  { "BadDigest", S3DLIO_ERROR_BAD_REQUEST },
  { "EntityTooLarge", S3DLIO_ERROR_BAD_REQUEST },
  { "EntityTooSmall", S3DLIO_ERROR_BAD_REQUEST },
  { "IncompleteBody", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidArgument", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidBucketName", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidDigest", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidPart", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidPartOrder", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidRequest", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidStorageClass", S3DLIO_ERROR_BAD_REQUEST },
  { "InvalidURI", S3DLIO_ERROR_BAD_REQUEST },
  { "KeyTooLongError", S3DLIO_ERROR_BAD_REQUEST },
  { "MalformedXML", S3DLIO_ERROR_BAD_REQUEST },
  { "MetadataTooLarge", S3DLIO_ERROR_BAD_REQUEST },
  { "MissingContentLength", S3DLIO_ERROR_BAD_REQUEST },
  { "MissingRequestBodyError", S3DLIO_ERROR_BAD_REQUEST },
  { "XAmzContentSHA256Mismatch", S3DLIO_ERROR_BAD_REQUEST },
};

S3dlioError
_s3dlio_error_code_for_s3_code (const char *s3_code)
{
  if (s3_code == NULL)
    return S3DLIO_ERROR_FAILED;

  for (gsize i = 0; i < G_N_ELEMENTS (s3_code_mappings); i++)
    if (strcmp (s3_code, s3_code_mappings[i].s3_code) == 0)
      return s3_code_mappings[i].code;

  return S3DLIO_ERROR_FAILED;
}

S3dlioError
_s3dlio_error_code_for_http_status (guint http_status)
{
  switch (http_status)
    {
    case SOUP_STATUS_MOVED_PERMANENTLY:
    case SOUP_STATUS_TEMPORARY_REDIRECT:
      return S3DLIO_ERROR_REDIRECT;
    case SOUP_STATUS_BAD_REQUEST:
      return S3DLIO_ERROR_BAD_REQUEST;
    case SOUP_STATUS_FORBIDDEN:
      return S3DLIO_ERROR_ACCESS_DENIED;
    case SOUP_STATUS_NOT_FOUND:
      return S3DLIO_ERROR_NO_SUCH_KEY;
    case SOUP_STATUS_PRECONDITION_FAILED:
      return S3DLIO_ERROR_PRECONDITION_FAILED;
    case SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE:
      return S3DLIO_ERROR_INVALID_RANGE;
    case 429: /* Too Many Requests */
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return S3DLIO_ERROR_THROTTLED;
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return S3DLIO_ERROR_SERVER_ERROR;
    default:
      return S3DLIO_ERROR_FAILED;
    }
}

/* Control and format characters, and white space. @p is valid UTF-8. */
static gboolean
is_unwanted_char (const char *p)
{
  guchar byte = (guchar) *p;

  /* Most text is ASCII: spare it the Unicode tables. */
  if (byte < 0x80)
    return byte <= 0x20 || byte == 0x7f;

  switch (g_unichar_type (g_utf8_get_char (p)))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

char *
_s3dlio_error_sanitize_text (const char *text,
                             gssize      len,
                             gsize       max_bytes)
{
  /* Enough to fill @max_bytes even when most of the input is white space
   * or replaced bytes, without walking through megabytes of garbage. */
  gsize window = max_bytes * 4 + 16;
  g_autofree char *valid = NULL;
  GString *out;
  gboolean pending_space = FALSE;
  gboolean cut;
  const char *p;

  if (text == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strnlen (text, window + 1);

  cut = (gsize) len > window;
  valid = g_utf8_make_valid (text, cut ? (gssize) window : len);
  out = g_string_sized_new (MIN (max_bytes, (gsize) len) + 4);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gsize char_len = g_utf8_next_char (p) - p;

      if (is_unwanted_char (p))
        {
          pending_space = out->len > 0;
          continue;
        }

      if (out->len + char_len + (pending_space ? 1 : 0) > max_bytes)
        {
          cut = TRUE;
          break;
        }

      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      if (char_len == 1)
        g_string_append_c (out, *p);
      else
        g_string_append_len (out, p, char_len);
    }

  if (cut)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static gboolean
is_blank (const char *body,
          gsize       body_len)
{
  for (gsize i = 0; i < body_len; i++)
    if (!g_ascii_isspace (body[i]))
      return FALSE;
  return TRUE;
}

static const char *
status_phrase (guint       http_status,
               const char *reason_phrase)
{
  if (reason_phrase != NULL && *reason_phrase != '\0')
    return reason_phrase;
  return soup_status_get_phrase (http_status);
}

/* "AuthorizationHeaderMalformed" with a <Region> means the request was signed
 * for the wrong region, which a client fixes the way it fixes a redirect. */
static S3dlioError
code_for_error_document (const S3dlioS3ErrorInfo *info,
                         guint                    http_status)
{
  S3dlioError code;

  if (g_strcmp0 (info->code, "AuthorizationHeaderMalformed") == 0 &&
      info->region != NULL && *info->region != '\0')
    return S3DLIO_ERROR_REDIRECT;

  code = _s3dlio_error_code_for_s3_code (info->code);
  if (code == S3DLIO_ERROR_FAILED)
    code = _s3dlio_error_code_for_http_status (http_status);

  return code;
}

static void
append_detail (GString    *message,
               const char *label,
               const char *value,
               gsize       max_bytes)
{
  g_autofree char *clean = _s3dlio_error_sanitize_text (value, -1, max_bytes);

  if (*clean != '\0')
    g_string_append_printf (message, " (%s %s)", label, clean);
}

gboolean
_s3dlio_error_from_response (guint        http_status,
                             const char  *reason_phrase,
                             const char  *body,
                             gsize        body_len,
                             const char  *request_id_header,
                             GError     **error)
{
  g_auto(S3dlioS3ErrorInfo) info = { 0 };
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *phrase = NULL;
  g_autofree char *s3_code = NULL;
  gboolean has_body = body != NULL && body_len > 0 && !is_blank (body, body_len);
  gboolean is_s3_error = FALSE;
  S3dlioError code;

  if (has_body && body_len <= S3DLIO_ERROR_BODY_MAX)
    is_s3_error = _s3dlio_xml_parse_error (body, body_len, &info, NULL);

  phrase = _s3dlio_error_sanitize_text (status_phrase (http_status, reason_phrase), -1, REASON_MAX);
  s3_code = _s3dlio_error_sanitize_text (info.code, -1, CODE_MAX);

  if (is_s3_error)
    code = code_for_error_document (&info, http_status);
  else
    code = _s3dlio_error_code_for_http_status (http_status);

  if (*s3_code != '\0')
    g_string_append_printf (message, "%s (HTTP %u)", s3_code, http_status);
  else
    g_string_append_printf (message, "HTTP %u %s", http_status, phrase);

  if (is_s3_error)
    {
      g_autofree char *text = _s3dlio_error_sanitize_text (info.message, -1,
                                                           S3DLIO_ERROR_MESSAGE_MAX);
      if (*text != '\0')
        g_string_append_printf (message, ": %s", text);
    }
  else if (has_body)
    {
      g_autofree char *snippet = _s3dlio_error_sanitize_text (body, body_len, SNIPPET_MAX);

      /* Translators: follows "HTTP 502 Bad Gateway"; the size of the
       * response body, then its first characters */
      g_string_append_printf (message, _(" with a non-S3 body (%zu bytes): %s"),
                              body_len, snippet);
    }

  if (code == S3DLIO_ERROR_REDIRECT)
    {
      /* Translators: labels of details in parentheses after an S3
       * error, as in "(endpoint bucket.s3.eu-west-1.amazonaws.com)" */
      append_detail (message, _("endpoint"), info.endpoint, LOCATION_MAX);
      append_detail (message, _("region"), info.region, LOCATION_MAX);
    }

  if (info.request_id != NULL && *info.request_id != '\0')
    /* Translators: as in "(request id 4442587FB7D0A2F9)" */
    append_detail (message, _("request id"), info.request_id, REQUEST_ID_MAX);
  else
    append_detail (message, _("request id"), request_id_header, REQUEST_ID_MAX);

  g_set_error_literal (error, S3DLIO_ERROR, code, message->str);
  return FALSE;
}

/* libsoup stops reading response headers past 64 KiB
 * (HEADER_SIZE_LIMIT in libsoup 3.2), with G_IO_ERROR_PARTIAL_INPUT as for
 * a connection that closed: only its (translated) message tells them
 * apart. */
static gboolean
is_header_too_big (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
         (strcmp (error->message, "Header too big") == 0 ||
          strcmp (error->message, g_dgettext ("libsoup-3.0", "Header too big")) == 0);
}

void
_s3dlio_error_from_transport (GError **error)
{
  S3dlioError code;

  if (error == NULL || *error == NULL)
    return;

  if (is_header_too_big (*error))
    {
      g_clear_error (error);
      g_set_error_literal (error, S3DLIO_ERROR, S3DLIO_ERROR_MALFORMED_RESPONSE,
                           _("The response headers are larger than 64 KiB"));
      return;
    }

  if ((*error)->domain == G_IO_ERROR)
    {
      switch ((*error)->code)
        {
        case G_IO_ERROR_TIMED_OUT:
          code = S3DLIO_ERROR_TIMEOUT;
          break;
        /* A reset comes as CONNECTION_CLOSED (ECONNRESET) or, from some
         * paths, as plain FAILED. */
        case G_IO_ERROR_FAILED:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          code = S3DLIO_ERROR_CONNECTION;
          break;
        default:
          return;
        }
    }
  else if ((*error)->domain == SOUP_SESSION_ERROR &&
           ((*error)->code == SOUP_SESSION_ERROR_PARSING ||
            (*error)->code == SOUP_SESSION_ERROR_ENCODING))
    {
      code = S3DLIO_ERROR_MALFORMED_RESPONSE;
    }
  else
    {
      return;
    }

  (*error)->domain = S3DLIO_ERROR;
  (*error)->code = code;
}
