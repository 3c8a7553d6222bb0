import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Dialect } from '../../src/store/index.js';

/** Both stores every store and scheduler test runs against. */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/** A fresh, empty database of the given kind; `drop` removes it. */
export async function freshDatabaseUrl(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-sqlite-'));
    return { url: `sqlite:${join(dir, 'pinion.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = inject('postgresUrl');
  const name = `pinion_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
