/* s3dlio-bucket-info.c: one bucket of a ListBuckets answer
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define G_LOG_DOMAIN "s3dlio"

#include "config.h"

#include "s3dlio-bucket-info.h"

/**
 * S3dlioBucketInfo:
 *
 * One bucket as listed by `ListBuckets`: its name, when it was created and,
 * when the server says, its region.
 */

struct _S3dlioBucketInfo
{
  GObject    parent_instance;

  char      *name;
  GDateTime *creation_date;
  char      *region;
};

G_DEFINE_FINAL_TYPE (S3dlioBucketInfo, s3dlio_bucket_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_CREATION_DATE,
  PROP_REGION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
s3dlio_bucket_info_finalize (GObject *object)
{
  S3dlioBucketInfo *self = (S3dlioBucketInfo *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->creation_date, g_date_time_unref);
  g_clear_pointer (&self->region, g_free);

  G_OBJECT_CLASS (s3dlio_bucket_info_parent_class)->finalize (object);
}

static void
s3dlio_bucket_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  S3dlioBucketInfo *self = S3DLIO_BUCKET_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CREATION_DATE:
      g_value_set_boxed (value, self->creation_date);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_bucket_info_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  S3dlioBucketInfo *self = S3DLIO_BUCKET_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      if (self->name == NULL)
        self->name = g_strdup ("");
      break;
    case PROP_CREATION_DATE:
      s3dlio_bucket_info_set_creation_date (self, g_value_get_boxed (value));
      break;
    case PROP_REGION:
      s3dlio_bucket_info_set_region (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
s3dlio_bucket_info_class_init (S3dlioBucketInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = s3dlio_bucket_info_finalize;
  object_class->get_property = s3dlio_bucket_info_get_property;
  object_class->set_property = s3dlio_bucket_info_set_property;

  /**
   * S3dlioBucketInfo:name:
   *
   * The name of the bucket.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioBucketInfo:creation-date:
   *
   * When the bucket was created, or %NULL if unknown.
   */
  properties[PROP_CREATION_DATE] =
    g_param_spec_boxed ("creation-date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * S3dlioBucketInfo:region:
   *
   * The region of the bucket (the `BucketRegion` of the listing), or %NULL
   * if the server did not say.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
s3dlio_bucket_info_init (S3dlioBucketInfo *self)
{
}

/**
 * s3dlio_bucket_info_new:
 * @name: the bucket name
 *
 * Creates a bucket info for @name with nothing else known.
 *
 * Returns: (transfer full): a new bucket info
 */
S3dlioBucketInfo *
s3dlio_bucket_info_new (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (S3DLIO_TYPE_BUCKET_INFO, "name", name, NULL);
}

/**
 * s3dlio_bucket_info_get_name:
 * @self: a bucket info
 *
 * Gets the [property@S3dlio.BucketInfo:name].
 *
 * Returns: the bucket name
 */
const char *
s3dlio_bucket_info_get_name (S3dlioBucketInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_BUCKET_INFO (self), NULL);

  return self->name;
}

/**
 * s3dlio_bucket_info_get_creation_date:
 * @self: a bucket info
 *
 * Gets the [property@S3dlio.BucketInfo:creation-date].
 *
 * Returns: (nullable) (transfer none): the creation date, or %NULL
 */
GDateTime *
s3dlio_bucket_info_get_creation_date (S3dlioBucketInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_BUCKET_INFO (self), NULL);

  return self->creation_date;
}

/**
 * s3dlio_bucket_info_set_creation_date:
 * @self: a bucket info
 * @creation_date: (nullable): the creation date, or %NULL
 *
 * Sets the [property@S3dlio.BucketInfo:creation-date].
 */
void
s3dlio_bucket_info_set_creation_date (S3dlioBucketInfo *self,
                                      GDateTime        *creation_date)
{
  g_return_if_fail (S3DLIO_IS_BUCKET_INFO (self));

  if (self->creation_date == creation_date ||
      (self->creation_date != NULL && creation_date != NULL &&
       g_date_time_equal (self->creation_date, creation_date)))
    return;

  g_clear_pointer (&self->creation_date, g_date_time_unref);
  if (creation_date != NULL)
    self->creation_date = g_date_time_ref (creation_date);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATION_DATE]);
}

/**
 * s3dlio_bucket_info_get_region:
 * @self: a bucket info
 *
 * Gets the [property@S3dlio.BucketInfo:region].
 *
 * Returns: (nullable): the region, such as `eu-west-1`, or %NULL
 */
const char *
s3dlio_bucket_info_get_region (S3dlioBucketInfo *self)
{
  g_return_val_if_fail (S3DLIO_IS_BUCKET_INFO (self), NULL);

  return self->region;
}

/**
 * s3dlio_bucket_info_set_region:
 * @self: a bucket info
 * @region: (nullable): the region, or %NULL
 *
 * Sets the [property@S3dlio.BucketInfo:region].
 */
void
s3dlio_bucket_info_set_region (S3dlioBucketInfo *self,
                               const char       *region)
{
  g_return_if_fail (S3DLIO_IS_BUCKET_INFO (self));

  if (g_strcmp0 (self->region, region) == 0)
    return;

  g_free (self->region);
  self->region = g_strdup (region);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGION]);
}
