/**
 * Floors for the ingest bench: what the least a POST /posts could do costs on this machine, measured
 * the same way in the same run, so Pinion's figure can be read against what any implementation on
 * this stack would keep, not only against a GET that does nothing.
 *
 * - `validated`: Fastify with Pinion's request validators (the same Ajv set-up and formats) and
 *   Pinion's PostRequest body schema, answering 201 with a small JSON; nothing is stored.
 * - `stored`: the same, and the post and its one delivery are stored in Pinion's own SQLite schema
 *   (migrated, same pragmas) by two prepared INSERTs, after the duplicate lookup by its index, the
 *   writes of one turn of the event loop committed together (group commit, a 201 only after the
 *   commit). No key, no workspace, account or board lookup, no planning, no request log, no rate
 *   limit: the store's part of a POST done as plainly as better-sqlite3 allows.
 *
 * Ids and the connection are Pinion's own (`newId`; `sqliteConnection`: its pragmas, checkpoints
 * from a worker thread): with random ids every insert dirtied a random page of each primary key,
 * and with SQLite's checkpoints on this one thread the floor measured about half of what storing
 * costs Pinion's store (bench/README.md, "Sixth round").
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import { requestValidators } from '../../src/api/validation.js';
import { PostRequestSchema } from '../../src/posts/index.js';
import { sqliteConnection } from '../../src/store/open.js';
import { migrateToLatest, newId, openStore } from '../../src/store/index.js';
import { seedAccounts } from './pinion-db.js';

export type FloorKind = 'validated' | 'stored';

export interface Floor {
  url: string;
  /** Posts stored (0 for `validated`). */
  stored(): number;
  close(): Promise<void>;
}

interface Body {
  content?: string;
  link?: string;
  media_url?: string;
  scheduled_at?: string;
}

export async function startFloor(kind: FloorKind, dir: string): Promise<Floor> {
  const app = Fastify({ schemaController: { compilersFactory: { buildValidator: requestValidators } } });
  const store = kind === 'stored' ? await storedPosts(join(dir, 'floor.db')) : undefined;
  app.post('/posts', { schema: { body: PostRequestSchema } }, async (req, reply) => {
    const body = req.body as Body;
    const at = Date.parse(body.scheduled_at ?? '') || Date.now() + 3_600_000;
    const id = newId('post');
    const deliveryId = newId('dlv');
    const duplicate = store ? await store.add(id, deliveryId, body, at) : undefined;
    reply.code(201);
    return {
      id,
      status: 'scheduled',
      scheduled_at: new Date(at).toISOString(),
      deliveries: [{ id: deliveryId, status: 'scheduled' }],
      duplicate_of: duplicate ?? null,
    };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, stored: () => store?.count() ?? 0, close: async () => (await app.close(), await store?.close()) };
}

async function storedPosts(file: string) {
  const pinion = openStore(`sqlite:${file}`);
  await migrateToLatest(pinion);
  const { workspaceId, accountIds } = await seedAccounts(pinion.db, 1);
  await pinion.close();
  // The store's connection without Kysely: better-sqlite3's statements, as plainly as they come.
  const { database: db, checkpoints } = sqliteConnection(file);
  const insertPost = db.prepare(
    `insert into posts (id, workspace_id, status, request, scheduled_at, search_text, media_check_next, created_at, updated_at) values (?, ?, 'scheduled', ?, ?, ?, 0, ?, ?)`,
  );
  const insertDelivery = db.prepare(
    `insert into deliveries (id, post_id, workspace_id, account_id, platform, status, payload, duplicate_key, scheduled_at, run_at, created_at, updated_at)
     values (?, ?, ?, ?, 'pinterest', 'scheduled', ?, ?, ?, ?, ?, ?)`,
  );
  const duplicateOf = db
    .prepare(`select post_id from deliveries where account_id = ? and duplicate_key = ? and scheduled_at > ? and scheduled_at < ? limit 1`)
    .pluck();
  const begin = db.prepare('begin');
  const commit = db.prepare('commit');
  let batch: Array<() => () => void> = [];
  const commitTogether = () => {
    const writes = batch;
    batch = [];
    begin.run();
    const answers = writes.map((write) => write());
    commit.run();
    for (const answer of answers) answer();
  };
  return {
    add(id: string, deliveryId: string, body: Body, at: number): Promise<string | undefined> {
      return new Promise((resolve) => {
        batch.push(() => {
          const now = Date.now();
          const request = JSON.stringify(body);
          const key = `${body.link ?? ''}\u0000${body.media_url ?? ''}`;
          const duplicate = duplicateOf.get(accountIds[0], key, at - 86_400_000, at + 86_400_000) as string | undefined;
          insertPost.run(id, workspaceId, request, at, (body.content ?? '').toLowerCase(), now, now);
          insertDelivery.run(deliveryId, id, workspaceId, accountIds[0], request, key, at, at, now, now);
          return () => resolve(duplicate);
        });
        if (batch.length === 1) setImmediate(commitTogether);
      });
    },
    count: () => (db.prepare('select count(*) from posts').pluck().get() as number) ?? 0,
    close: async () => {
      await checkpoints?.stop();
      db.close();
    },
  };
}
