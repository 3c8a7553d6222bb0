import type { AccountContext, BoardsCapability, Draft, Plan } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { adaptPin } from './adapt.js';
import type { PinterestOptions } from './options.js';

const OPT = 'platform_options.pinterest';

/**
 * A pin for one account: the board (and section) resolved by id or name on that account, then
 * the draft adapted to PinCreate. Board lookups use the cached directory, so planning costs no
 * Pinterest call unless a name is new.
 */
export async function planPin(boards: BoardsCapability, draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as PinterestOptions;
  const errors: FieldIssue[] = [];
  const boardRef = o.board_id ?? o.board;
  const none: Plan = { payload: null, errors, warnings: [], adaptations: [] };
  if (o.boards) {
    errors.push({ field: `${OPT}.boards`, message: 'give either boards (several) or board/board_id (one), not both' });
    return none;
  }
  if (!boardRef) {
    errors.push({
      field: `${OPT}.board_id`,
      message: 'is required for Pinterest (or board, a board name); list the account’s boards with GET /api/v1/accounts/{id}/boards',
    });
    return none;
  }
  if (o.board_id && o.board) {
    errors.push({ field: `${OPT}.board`, message: 'give either board_id or board, not both' });
    return none;
  }
  const boardField = o.board_id ? `${OPT}.board_id` : `${OPT}.board`;
  const board = await boards.resolve(ctx, boardRef);
  if (!board) {
    const { boards: known } = await boards.list(ctx);
    errors.push({
      field: boardField,
      message: `no board "${boardRef}" on Pinterest account ${ctx.account.username}${closest(
        boardRef,
        known.map((b) => b.name),
      )}`,
    });
  }

  let sectionId: string | undefined;
  const sectionRef = o.board_section_id ?? o.board_section;
  if (sectionRef && board) {
    const section = await boards.resolveSection(ctx, board.id, sectionRef);
    if (!section)
      errors.push({
        field: o.board_section_id ? `${OPT}.board_section_id` : `${OPT}.board_section`,
        message: `no section "${sectionRef}" on board ${board.name}`,
      });
    sectionId = section?.id;
  }
  // Adapted even without a board, so one answer names every other bad field too (media, link, title).
  const adapted = adaptPin(draft, { boardId: board?.id ?? '', sectionId });
  if (!board) return { ...none, errors: [...errors, ...adapted.errors], warnings: adapted.warnings };
  return { payload: adapted.payload, errors: [...errors, ...adapted.errors], warnings: adapted.warnings, adaptations: adapted.adaptations };
}

/** " (closest: Products, Product ideas)" — the names sharing the most with what was asked for. */
function closest(asked: string, names: string[]): string {
  const a = asked.toLowerCase();
  const score = (n: string) => {
    const b = n.toLowerCase();
    if (b.includes(a) || a.includes(b)) return 100;
    let common = 0;
    for (const ch of new Set(a)) if (b.includes(ch)) common++;
    return common;
  };
  const best = [...names].sort((x, y) => score(y) - score(x)).slice(0, 3);
  return best.length ? ` (closest: ${best.join(', ')})` : ' (the account has no boards yet: create one with POST /api/v1/accounts/{id}/boards)';
}
