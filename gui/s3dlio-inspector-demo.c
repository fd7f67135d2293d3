/* s3dlio-inspector-demo.c: the local demo endpoint and its sample objects
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The demo is an S3dlioServer in this process, on 127.0.0.1 and its own
 * thread, holding a bucket that looks like a machine-learning data set:
 * model checkpoints large enough to be split into parts, and enough small
 * shards to take several listing pages. Requests are signed with keys made
 * up for the session, so the demo goes through the same path as S3.
 */
#define G_LOG_DOMAIN "s3dlio-inspector"

#include "config.h"

#include <string.h>

#include "s3dlio-inspector-demo.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

typedef struct {
  const char *key;
  guint64     size;
} DemoObject;

static const DemoObject full_models[] = {
  { "models/checkpoint-16MiB.safetensors", 16 * MIB },
  { "models/checkpoint-64MiB.safetensors", 64 * MIB },
  { "models/checkpoint-256MiB.safetensors", 256 * MIB },
  { "models/optimizer-state-128MiB.bin", 128 * MIB },
  { "models/tokenizer.bin", 2 * MIB + 123457 },
};

static const DemoObject small_models[] = {
  { "models/checkpoint-4MiB.safetensors", 4 * MIB },
  { "models/checkpoint-64MiB.safetensors", 64 * MIB },
  { "models/optimizer-state-16MiB.bin", 16 * MIB },
  { "models/tokenizer.bin", 2 * MIB + 123457 },
};

guint
s3dlio_inspector_demo_get_n_shards (S3dlioInspectorDemoSize size)
{
  return size == S3DLIO_INSPECTOR_DEMO_FULL ? 2000 : 300;
}

/* Incompressible, and fast to make: xorshift64*. */
static GBytes *
make_random_bytes (gsize   size,
                   guint64 seed)
{
  gsize n_words = (size + 7) / 8;
  guint64 *words = g_new (guint64, MAX (n_words, 1));
  guint64 x = seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;

  for (gsize i = 0; i < n_words; i++)
    {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      words[i] = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
    }
  return g_bytes_new_take (words, size);
}

static gboolean
put_text (S3dlioServer  *server,
          const char    *key,
          const char    *text,
          GError       **error)
{
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  return s3dlio_server_put_object (server, S3DLIO_INSPECTOR_DEMO_BUCKET, key, data, error);
}

static gboolean
populate (S3dlioServer             *server,
          S3dlioInspectorDemoSize   size,
          GCancellable             *cancellable,
          GError                  **error)
{
  const DemoObject *models = size == S3DLIO_INSPECTOR_DEMO_FULL ? full_models : small_models;
  guint n_models = size == S3DLIO_INSPECTOR_DEMO_FULL ? G_N_ELEMENTS (full_models) : G_N_ELEMENTS (small_models);
  guint n_shards = s3dlio_inspector_demo_get_n_shards (size);
  guint64 largest = 0;
  g_autoptr(GBytes) pool = NULL;
  g_autoptr(GBytes) shard_pool = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  if (!s3dlio_server_create_bucket (server, S3DLIO_INSPECTOR_DEMO_BUCKET, error) ||
      !s3dlio_server_create_bucket (server, "scratch", error))
    return FALSE;

  if (!put_text (server, "README.txt",
                 "This bucket is served by the s3dlio inspector's local demo endpoint.\n"
                 "models/ holds checkpoints large enough to be split into ranged GETs,\n"
                 "shards/ enough small objects to take several listing pages.\n", error) ||
      !put_text (server, "manifest.json",
                 "{ \"name\": \"demo\", \"shards\": \"shards/\", \"models\": \"models/\" }\n", error) ||
      !put_text (server, "models/config.json", "{ \"layers\": 12, \"hidden\": 768 }\n", error) ||
      !put_text (server, "logs/2024-06-01.log", "training started\n", error) ||
      !put_text (server, "logs/2024-06-02.log", "epoch 1 done\n", error))
    return FALSE;

  /* One random buffer, sliced: objects share it without copies. */
  for (guint i = 0; i < n_models; i++)
    largest = MAX (largest, models[i].size);
  pool = make_random_bytes (largest, 1);

  for (guint i = 0; i < n_models; i++)
    {
      g_autoptr(GBytes) data = g_bytes_new_from_bytes (pool, 0, models[i].size);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !s3dlio_server_put_object (server, S3DLIO_INSPECTOR_DEMO_BUCKET, models[i].key, data, error))
        return FALSE;
    }

  shard_pool = g_bytes_new_from_bytes (pool, 0, 64 * 1024);
  for (guint i = 0; i < n_shards; i++)
    {
      g_autofree char *key = g_strdup_printf ("shards/train-%05u.tar", i);
      gsize shard_size = g_rand_int_range (rand, 1024, 64 * 1024);
      g_autoptr(GBytes) data = g_bytes_new_from_bytes (shard_pool, 0, shard_size);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !s3dlio_server_put_object (server, S3DLIO_INSPECTOR_DEMO_BUCKET, key, data, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * s3dlio_inspector_demo_start:
 * @size: how much to put in the demo bucket
 * @page_size: the most keys per listing page, or 0 for the server's default
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Starts a loopback S3 endpoint with the demo bucket. This blocks while the
 * sample objects are made (a fraction of a second): call it from a thread.
 *
 * Returns: (transfer full): the running server, or %NULL with @error set
 */
S3dlioServer *
s3dlio_inspector_demo_start (S3dlioInspectorDemoSize   size,
                             guint                     page_size,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  g_autoptr(S3dlioServer) server = s3dlio_server_new (NULL);
  g_autoptr(S3dlioCredentials) credentials = NULL;
  g_autofree char *secret = g_uuid_string_random ();

  credentials = s3dlio_credentials_new ("S3DLIODEMO", secret, NULL);
  s3dlio_server_set_credentials (server, credentials);
  if (page_size > 0)
    s3dlio_server_set_page_size (server, page_size);

  if (!s3dlio_server_start (server, error))
    return NULL;
  if (!populate (server, size, cancellable, error))
    {
      s3dlio_server_stop (server);
      return NULL;
    }

  return g_steal_pointer (&server);
}
