import type { Kysely, Selectable } from 'kysely';
import { newId, ReadCache, type Database } from '../store/index.js';

/** UTM parameters appended to links; `enabled` makes them the workspace default for every post. */
export interface UtmSettings {
  enabled?: boolean;
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface WorkspaceSettings {
  utm?: UtmSettings;
  /** Per platform id: convert uploaded images a post to that platform uses into what it takes (and its advised size with `crop`). */
  media?: { convert?: Record<string, { crop?: boolean } | undefined> };
}

export interface Workspace {
  id: string;
  name: string;
  settings: WorkspaceSettings;
  createdAt: Date;
}

type Row = Selectable<Database['workspaces']>;
const toWorkspace = (r: Row): Workspace => ({
  id: r.id,
  name: r.name,
  settings: JSON.parse(r.settings) as WorkspaceSettings,
  createdAt: new Date(r.created_at),
});

/** Read on every post made; kept in memory until a workspace is written (READ_CACHE_TTL_MS for other processes' writes). */
const workspaces = new ReadCache<Workspace | undefined>(['workspaces']);

export async function findWorkspace(db: Kysely<Database>, idOrName: string): Promise<Workspace | undefined> {
  const found = await workspaces.get(
    db,
    idOrName,
    async () => {
      const row = await db
        .selectFrom('workspaces')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
        .executeTakeFirst();
      return row && toWorkspace(row);
    },
    (w) => w !== undefined,
  );
  // A copy: callers may change what they are given (most workspaces have no settings: nothing to copy).
  return found && { ...found, settings: Object.keys(found.settings).length === 0 ? {} : structuredClone(found.settings) };
}

export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  const rows = await db.selectFrom('workspaces').selectAll().orderBy('id').execute();
  return rows.map(toWorkspace);
}

export async function updateWorkspaceSettings(db: Kysely<Database>, id: string, settings: WorkspaceSettings): Promise<Workspace> {
  await db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', id)
    .execute();
  return (await findWorkspace(db, id))!;
}

/** Finds the workspace by id or name, creating it (named `idOrName`) when none exists. */
export async function ensureWorkspace(db: Kysely<Database>, idOrName: string): Promise<{ workspace: Workspace; created: boolean }> {
  const existing = await findWorkspace(db, idOrName);
  if (existing) return { workspace: existing, created: false };
  const row: Row = { id: newId('ws'), name: idOrName, settings: '{}', created_at: Date.now() };
  // Two processes may race to create the same name; the unique index picks one, the other re-reads.
  const inserted = await db
    .insertInto('workspaces')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { workspace: toWorkspace(row), created: true };
  return { workspace: (await findWorkspace(db, idOrName))!, created: false };
}
