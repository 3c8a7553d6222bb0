import type { Kysely } from 'kysely';
import { isConnectorError } from '../connectors/index.js';
import type { PinterestBoard, PinterestClient, PinterestSection } from '../connectors/pinterest/index.js';
import type { Database } from '../store/index.js';
import type { TokenKeeper } from './tokens.js';

export interface Board {
  id: string;
  name: string;
  description: string | null;
  privacy: string | null;
  pinCount: number | null;
}
export interface Section {
  id: string;
  boardId: string;
  name: string;
}

/**
 * Writes made for a person (a board, a section) count against the same per-account platform
 * write budget as publishing, so creating boards never pushes a pin into a 429, nor the reverse.
 */
export interface WriteBudget {
  /** Resolves when a write may be made now; throws a rate-limited ConnectorError when not soon. */
  take(accountId: string): Promise<void>;
  /** The platform answered 429: nobody writes for this account until `until`. */
  hold(accountId: string, until: number): Promise<void>;
}

type BoardRow = Database['boards'];
/** How long a board missing from the platform's list is still trusted after it was made or last listed. */
const LIST_LAG_GRACE_MS = 60_000;
const toBoard = (r: BoardRow): Board => ({ id: r.external_id, name: r.name, description: r.description, privacy: r.privacy, pinCount: r.pin_count });
const sameName = (a: string, b: string) => a.trim().localeCompare(b.trim(), undefined, { sensitivity: 'accent' }) === 0;

/**
 * An account's boards and sections, cached in the database so that validating a post or
 * listing boards costs no platform call. The cache is refreshed on request, on first use,
 * and once when a name or id is not found (the person may just have made the board).
 */
export class BoardDirectory {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: TokenKeeper,
    private readonly client: PinterestClient,
    private readonly budget?: WriteBudget,
  ) {}

  private async write<T>(accountId: string, call: (token: string) => Promise<T>): Promise<T> {
    await this.budget?.take(accountId);
    try {
      return await this.tokens.withAccessToken(accountId, call);
    } catch (err) {
      if (isConnectorError(err) && err.kind === 'rate_limited') await this.budget?.hold(accountId, err.details.retryAt?.getTime() ?? Date.now() + 60_000);
      throw err;
    }
  }

  async list(accountId: string, opts: { refresh?: boolean } = {}): Promise<{ boards: Board[]; fetchedAt: Date }> {
    const account = await this.db.selectFrom('accounts').select('boards_fetched_at').where('id', '=', accountId).executeTakeFirstOrThrow();
    let fetchedAt = account.boards_fetched_at;
    if (opts.refresh || fetchedAt === null) fetchedAt = await this.sync(accountId);
    const rows = await this.db.selectFrom('boards').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
    return { boards: rows.map(toBoard), fetchedAt: new Date(fetchedAt) };
  }

  /** A board by its id or by its name (case-insensitive), so users need not copy numeric ids. */
  async resolve(accountId: string, idOrName: string): Promise<Board | undefined> {
    const find = async () => {
      const { boards } = await this.list(accountId);
      return boards.find((b) => b.id === idOrName) ?? boards.find((b) => sameName(b.name, idOrName));
    };
    const cached = await find();
    if (cached) return cached;
    await this.sync(accountId);
    return find();
  }

  async create(accountId: string, input: { name: string; description?: string; privacy?: 'PUBLIC' | 'PROTECTED' | 'SECRET' }): Promise<Board> {
    const created = await this.write(accountId, (token) => this.client.createBoard(token, input));
    await this.upsertBoards(accountId, [created], Date.now());
    return toBoard((await this.db.selectFrom('boards').selectAll().where('account_id', '=', accountId).where('external_id', '=', created.id).executeTakeFirstOrThrow()));
  }

  async sections(accountId: string, boardId: string, opts: { refresh?: boolean } = {}): Promise<Section[]> {
    const board = await this.db.selectFrom('boards').select('sections_fetched_at').where('account_id', '=', accountId).where('external_id', '=', boardId).executeTakeFirstOrThrow();
    if (opts.refresh || board.sections_fetched_at === null) await this.syncSections(accountId, boardId);
    const rows = await this.db.selectFrom('board_sections').selectAll().where('account_id', '=', accountId).where('board_external_id', '=', boardId).orderBy('name').execute();
    return rows.map((r) => ({ id: r.external_id, boardId, name: r.name }));
  }

  async resolveSection(accountId: string, boardId: string, idOrName: string): Promise<Section | undefined> {
    const find = (sections: Section[]) => sections.find((s) => s.id === idOrName) ?? sections.find((s) => sameName(s.name, idOrName));
    return find(await this.sections(accountId, boardId)) ?? find(await this.sections(accountId, boardId, { refresh: true }));
  }

  async createSection(accountId: string, boardId: string, name: string): Promise<Section> {
    const created = await this.write(accountId, (token) => this.client.createSection(token, boardId, name));
    await this.upsertSections(accountId, boardId, [created], Date.now());
    return { id: created.id, boardId, name: created.name };
  }

  private async sync(accountId: string): Promise<number> {
    const boards = await this.tokens.withAccessToken(accountId, (token) => this.client.listBoards(token));
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      const keep = boards.map((b) => b.id);
      // Platform lists lag writes: a board made or seen moments ago may be missing from this list, so it is kept a while.
      let gone = trx.deleteFrom('boards').where('account_id', '=', accountId).where('fetched_at', '<', now - LIST_LAG_GRACE_MS);
      if (keep.length) gone = gone.where('external_id', 'not in', keep);
      await gone.execute();
      await new BoardDirectory(trx, this.tokens, this.client).upsertBoards(accountId, boards, now);
      await trx.updateTable('accounts').set({ boards_fetched_at: now }).where('id', '=', accountId).execute();
    });
    return now;
  }

  private async syncSections(accountId: string, boardId: string): Promise<void> {
    const sections = await this.tokens.withAccessToken(accountId, (token) => this.client.listSections(token, boardId));
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      let gone = trx.deleteFrom('board_sections').where('account_id', '=', accountId).where('board_external_id', '=', boardId);
      if (sections.length) gone = gone.where('external_id', 'not in', sections.map((s) => s.id));
      await gone.execute();
      await new BoardDirectory(trx, this.tokens, this.client).upsertSections(accountId, boardId, sections, now);
      await trx.updateTable('boards').set({ sections_fetched_at: now }).where('account_id', '=', accountId).where('external_id', '=', boardId).execute();
    });
  }

  private async upsertBoards(accountId: string, boards: PinterestBoard[], now: number): Promise<void> {
    for (const b of boards) {
      const values = { name: b.name, description: b.description ?? null, privacy: b.privacy ?? null, pin_count: b.pin_count ?? null, fetched_at: now };
      await this.db
        .insertInto('boards')
        .values({ account_id: accountId, external_id: b.id, sections_fetched_at: null, ...values })
        .onConflict((oc) => oc.columns(['account_id', 'external_id']).doUpdateSet(values))
        .execute();
    }
  }

  private async upsertSections(accountId: string, boardId: string, sections: PinterestSection[], now: number): Promise<void> {
    for (const s of sections) {
      await this.db
        .insertInto('board_sections')
        .values({ account_id: accountId, board_external_id: boardId, external_id: s.id, name: s.name, fetched_at: now })
        .onConflict((oc) => oc.columns(['account_id', 'board_external_id', 'external_id']).doUpdateSet({ name: s.name, fetched_at: now }))
        .execute();
    }
  }
}
