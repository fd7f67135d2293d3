/* s3dlio-delete-failure.c: one key a deletion could not remove
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "s3dlio-delete-failure.h"
#include "s3dlio-error.h"

/**
 * S3dlioDeleteFailure:
 *
 * A key that [method@S3dlio.Client.delete_many_async] or
 * [method@S3dlio.Client.delete_prefix_async] could not delete, and why.
 *
 * The error is in the [error@S3dlio.Error] domain with the code mapped from
 * the S3 error code of the key (for example %S3DLIO_ERROR_ACCESS_DENIED for
 * `AccessDenied`), or is the error of the whole request the key was sent
 * in when that request failed for good. Its message names the object's
 * URI.
 *
 * `S3dlioDeleteFailure` is immutable.
 */

struct _S3dlioDeleteFailure
{
  GObject  parent_instance;

  char    *key;
  GError  *error;
};

G_DEFINE_FINAL_TYPE (S3dlioDeleteFailure, s3dlio_delete_failure, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_delete_failure_finalize (GObject *object)
{
  S3dlioDeleteFailure *self = (S3dlioDeleteFailure *) object;

  g_clear_pointer (&self->key, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (s3dlio_delete_failure_parent_class)->finalize (object);
}

static void
s3dlio_delete_failure_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  S3dlioDeleteFailure *self = S3DLIO_DELETE_FAILURE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_delete_failure_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  S3dlioDeleteFailure *self = S3DLIO_DELETE_FAILURE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_free (self->key);
      self->key = g_value_dup_string (value);
      if (self->key == NULL)
        self->key = g_strdup ("");
      break;
    case PROP_ERROR:
      g_clear_error (&self->error);
      self->error = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_delete_failure_constructed (GObject *object)
{
  S3dlioDeleteFailure *self = S3DLIO_DELETE_FAILURE (object);

  G_OBJECT_CLASS (s3dlio_delete_failure_parent_class)->constructed (object);

  /* A failure always says why, even when built from a binding without an
   * error. */
  if (self->error == NULL)
    self->error = g_error_new (S3DLIO_ERROR, S3DLIO_ERROR_FAILED, _("%s: not deleted"), self->key);
}

static void
s3dlio_delete_failure_class_init (S3dlioDeleteFailureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = s3dlio_delete_failure_constructed;
  object_class->finalize = s3dlio_delete_failure_finalize;
  object_class->get_property = s3dlio_delete_failure_get_property;
  object_class->set_property = s3dlio_delete_failure_set_property;

  /**
   * S3dlioDeleteFailure:key:
   *
   * The key that was not deleted.
   */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioDeleteFailure:error:
   *
   * Why the key was not deleted.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_delete_failure_init (S3dlioDeleteFailure *self)
{
}

/**
 * s3dlio_delete_failure_new:
 * @key: the key that was not deleted
 * @error: why
 *
 * Creates a failure record for @key; @error is copied.
 *
 * Returns: (transfer full): a new #S3dlioDeleteFailure
 */
S3dlioDeleteFailure *
s3dlio_delete_failure_new (const char   *key,
                           const GError *error)
{
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error != NULL, NULL);

  return g_object_new (S3DLIO_TYPE_DELETE_FAILURE, "key", key, "error", error, NULL);
}

/**
 * s3dlio_delete_failure_get_key:
 * @self: a #S3dlioDeleteFailure
 *
 * Gets the [property@S3dlio.DeleteFailure:key].
 *
 * Returns: the key that was not deleted
 */
const char *
s3dlio_delete_failure_get_key (S3dlioDeleteFailure *self)
{
  g_return_val_if_fail (S3DLIO_IS_DELETE_FAILURE (self), NULL);

  return self->key;
}

/**
 * s3dlio_delete_failure_get_error:
 * @self: a #S3dlioDeleteFailure
 *
 * Gets the [property@S3dlio.DeleteFailure:error].
 *
 * Returns: (transfer none): why the key was not deleted
 */
const GError *
s3dlio_delete_failure_get_error (S3dlioDeleteFailure *self)
{
  g_return_val_if_fail (S3DLIO_IS_DELETE_FAILURE (self), NULL);

  return self->error;
}
