import type { Kysely } from 'kysely';
import { ReadCache, type Database } from '../../store/index.js';
import type { AccountContext, Board, BoardsCapability, Section } from '../contract.js';
import { isConnectorError } from '../errors.js';
import type { PinterestBoard, PinterestClient, PinterestSection } from './client.js';

type BoardRow = Database['boards'];
const boardLists = new ReadCache<{ boards: Board[]; fetchedAt: number } | undefined>(['accounts', 'boards']);
/** How long a board missing from the platform's list is still trusted after it was made or last listed. */
const LIST_LAG_GRACE_MS = 60_000;
const toBoard = (r: BoardRow): Board => ({ id: r.external_id, name: r.name, description: r.description, privacy: r.privacy, pinCount: r.pin_count });
// One collator for every comparison: localeCompare with options builds a new one each call (most of a board lookup's time).
const names = new Intl.Collator(undefined, { sensitivity: 'accent' });
const sameName = (a: string, b: string) => names.compare(a.trim(), b.trim()) === 0;

/**
 * An account's boards and sections, cached in the database so that validating a post or
 * listing boards costs no platform call. The cache is refreshed on request, on first use,
 * and once when a name or id is not found (the person may just have made the board).
 * Writes (a board, a section) spend the account's write budget, shared with publishing, so
 * creating boards never pushes a pin into a 429, nor the reverse.
 */
export class BoardDirectory implements BoardsCapability {
  readonly optionFields = { board: 'board_id', section: 'board_section_id', byName: ['board', 'board_section'] };

  constructor(private readonly client: (ctx: AccountContext) => PinterestClient) {}

  private async write<T>(ctx: AccountContext, call: (token: string) => Promise<T>): Promise<T> {
    await ctx.writes.take();
    try {
      return await ctx.withToken(call);
    } catch (err) {
      if (isConnectorError(err) && err.kind === 'rate_limited') await ctx.writes.hold(err.details.retryAt?.getTime() ?? Date.now() + 60_000);
      throw err;
    }
  }

  async list(ctx: AccountContext, opts: { refresh?: boolean } = {}): Promise<{ boards: Board[]; fetchedAt: Date }> {
    const accountId = ctx.account.id;
    const read = async () => {
      const account = await ctx.db.selectFrom('accounts').select('boards_fetched_at').where('id', '=', accountId).executeTakeFirstOrThrow();
      if (account.boards_fetched_at === null) return undefined;
      const rows = await ctx.db.selectFrom('boards').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
      return { boards: rows.map(toBoard), fetchedAt: account.boards_fetched_at };
    };
    // Every pin made looks its board up: the stored list is kept in memory until boards or accounts are written.
    let stored = opts.refresh ? undefined : await boardLists.get(ctx.db, accountId, read, (found) => found !== undefined);
    if (!stored) {
      await this.sync(ctx);
      stored = (await read())!;
    }
    return { boards: [...stored.boards], fetchedAt: new Date(stored.fetchedAt) };
  }

  /** A board by its id or by its name (case-insensitive), so users need not copy numeric ids. */
  async resolve(ctx: AccountContext, idOrName: string): Promise<Board | undefined> {
    const find = async () => {
      const { boards } = await this.list(ctx);
      return boards.find((b) => b.id === idOrName) ?? boards.find((b) => sameName(b.name, idOrName));
    };
    const cached = await find();
    if (cached) return cached;
    await this.sync(ctx);
    return find();
  }

  async create(ctx: AccountContext, input: { name: string; description?: string; privacy?: string }): Promise<Board> {
    const created = await this.write(ctx, (token) => this.client(ctx).createBoard(token, { ...input, privacy: input.privacy as PinterestBoard['privacy'] }));
    await upsertBoards(ctx.db, ctx.account.id, [created], Date.now());
    return toBoard(
      await ctx.db.selectFrom('boards').selectAll().where('account_id', '=', ctx.account.id).where('external_id', '=', created.id).executeTakeFirstOrThrow(),
    );
  }

  async sections(ctx: AccountContext, boardId: string, opts: { refresh?: boolean } = {}): Promise<Section[]> {
    const accountId = ctx.account.id;
    const board = await ctx.db
      .selectFrom('boards')
      .select('sections_fetched_at')
      .where('account_id', '=', accountId)
      .where('external_id', '=', boardId)
      .executeTakeFirstOrThrow();
    if (opts.refresh || board.sections_fetched_at === null) await this.syncSections(ctx, boardId);
    const rows = await ctx.db
      .selectFrom('board_sections')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('board_external_id', '=', boardId)
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ id: r.external_id, boardId, name: r.name }));
  }

  async resolveSection(ctx: AccountContext, boardId: string, idOrName: string): Promise<Section | undefined> {
    const find = (sections: Section[]) => sections.find((s) => s.id === idOrName) ?? sections.find((s) => sameName(s.name, idOrName));
    return find(await this.sections(ctx, boardId)) ?? find(await this.sections(ctx, boardId, { refresh: true }));
  }

  async createSection(ctx: AccountContext, boardId: string, name: string): Promise<Section> {
    const created = await this.write(ctx, (token) => this.client(ctx).createSection(token, boardId, name));
    await upsertSections(ctx.db, ctx.account.id, boardId, [created], Date.now());
    return { id: created.id, boardId, name: created.name };
  }

  private async sync(ctx: AccountContext): Promise<number> {
    const accountId = ctx.account.id;
    const boards = await ctx.withToken((token) => this.client(ctx).listBoards(token));
    const now = Date.now();
    await ctx.db.transaction().execute(async (trx) => {
      const keep = boards.map((b) => b.id);
      // Platform lists lag writes: a board made or seen moments ago may be missing from this list, so it is kept a while.
      let gone = trx
        .deleteFrom('boards')
        .where('account_id', '=', accountId)
        .where('fetched_at', '<', now - LIST_LAG_GRACE_MS);
      if (keep.length) gone = gone.where('external_id', 'not in', keep);
      await gone.execute();
      await upsertBoards(trx, accountId, boards, now);
      await trx.updateTable('accounts').set({ boards_fetched_at: now }).where('id', '=', accountId).execute();
    });
    return now;
  }

  private async syncSections(ctx: AccountContext, boardId: string): Promise<void> {
    const accountId = ctx.account.id;
    const sections = await ctx.withToken((token) => this.client(ctx).listSections(token, boardId));
    const now = Date.now();
    await ctx.db.transaction().execute(async (trx) => {
      let gone = trx.deleteFrom('board_sections').where('account_id', '=', accountId).where('board_external_id', '=', boardId);
      if (sections.length)
        gone = gone.where(
          'external_id',
          'not in',
          sections.map((s) => s.id),
        );
      await gone.execute();
      await upsertSections(trx, accountId, boardId, sections, now);
      await trx.updateTable('boards').set({ sections_fetched_at: now }).where('account_id', '=', accountId).where('external_id', '=', boardId).execute();
    });
  }
}

async function upsertBoards(db: Kysely<Database>, accountId: string, boards: PinterestBoard[], now: number): Promise<void> {
  for (const b of boards) {
    const values = { name: b.name, description: b.description ?? null, privacy: b.privacy ?? null, pin_count: b.pin_count ?? null, fetched_at: now };
    await db
      .insertInto('boards')
      .values({ account_id: accountId, external_id: b.id, sections_fetched_at: null, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'external_id']).doUpdateSet(values))
      .execute();
  }
}

async function upsertSections(db: Kysely<Database>, accountId: string, boardId: string, sections: PinterestSection[], now: number): Promise<void> {
  for (const s of sections) {
    await db
      .insertInto('board_sections')
      .values({ account_id: accountId, board_external_id: boardId, external_id: s.id, name: s.name, fetched_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'board_external_id', 'external_id']).doUpdateSet({ name: s.name, fetched_at: now }))
      .execute();
  }
}
