import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a PostgreSQL server for the store tests; each test file makes its own database. */
    postgresUrl: string;
  }
}

/**
 * The store and scheduler tests run on PostgreSQL as well as SQLite. Use $PINION_TEST_POSTGRES_URL
 * when given; otherwise start a throwaway cluster on 127.0.0.1 and remove it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.PINION_TEST_POSTGRES_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  // Durability off: the tests check behaviour, not this machine's disk flushes.
  const cluster = await startThrowawayPostgres('-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300', 'pinion-pg');
  project.provide('postgresUrl', cluster.url);
  return async () => cluster.stop();
}
