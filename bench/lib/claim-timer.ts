import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  SelectQueryNode,
  UnknownRow,
  UpdateQueryNode,
} from 'kysely';

export interface ClaimSample {
  ms: number;
  /** Deliveries the claim returned. */
  claimed: number;
}

/**
 * Times every claimDeliveries call the real publish pass makes, without touching src/. On SQLite a
 * claim is up to three SELECTs picking deliveries (the lease-expired one first, by lease_until; the
 * due ones by run_at) and, when they found any, one UPDATE … RETURNING setting them publishing (until
 * the third round of issue 16: three UPDATE … RETURNING statements picking from a CTE). On PostgreSQL it is one raw statement (`with expired as
 * materialized …`, which also shows the posts as publishing). A call's time runs from compiling its
 * first statement to the result of its last, so it includes waiting for a pooled connection, as the
 * worker does. One pass at a time (calls in sequence).
 */
export class ClaimTimer implements KyselyPlugin {
  private readonly done: ClaimSample[] = [];
  private readonly claims = new WeakSet<object>();
  /** The statements whose rows are the claimed deliveries (not the picks). */
  private readonly taking = new WeakSet<object>();
  private current: { start: bigint; end: bigint; claimed: number } | null = null;

  /** Every claim timed so far. */
  get samples(): ClaimSample[] {
    this.close();
    return this.done;
  }

  private close(): void {
    if (this.current) this.done.push({ ms: Number(this.current.end - this.current.start) / 1e6, claimed: this.current.claimed });
    this.current = null;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    const whole = node.kind === 'RawNode' && node.sqlFragments[0]!.startsWith('with expired as materialized');
    // SQLite since the third round of issue 16: plain reads pick (expired leases by lease_until, then due ones by
    // run_at), then one UPDATE … RETURNING of deliveries setting them publishing takes them. Until then: three
    // UPDATE … RETURNING picking from a CTE, the first by lease_until. Told apart by looking at a few fields of the
    // query (a JSON dump of every query, as this did for a while, cost enough time inside the claims to double them).
    const pick = node.kind === 'SelectQueryNode' && node.limit !== undefined && tableOf(node.from?.froms[0]) === 'deliveries' ? firstOrder(node) : undefined;
    const update = node.kind === 'UpdateQueryNode' && node.returning !== undefined && takesLease(node);
    if (whole || (pick !== undefined && CLAIM_ORDERS.has(pick)) || update) {
      this.claims.add(args.queryId);
      if (!pick) this.taking.add(args.queryId);
      const cte = update && node.kind === 'UpdateQueryNode' ? node.with?.expressions[0]?.expression : undefined;
      const first = whole || pick === 'lease_until' || (cte?.kind === 'SelectQueryNode' && firstOrder(cte as SelectQueryNode) === 'lease_until');
      if (first) {
        this.close();
        const now = process.hrtime.bigint();
        this.current = { start: now, end: now, claimed: 0 };
      }
    }
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.claims.has(args.queryId) && this.current) {
      this.current.end = process.hrtime.bigint();
      if (this.taking.has(args.queryId)) this.current.claimed += args.result.rows.length;
    }
    return args.result;
  }
}

/** The columns a claim's picks order by: expired leases, then due deliveries. */
const CLAIM_ORDERS = new Set(['lease_until', 'run_at']);

type Node = { kind: string } & Record<string, unknown>;
const nameOf = (n: unknown): string | undefined => ((n as { name?: unknown } | undefined)?.name as string | undefined) ?? undefined;

/** The table a TableNode names. */
function tableOf(n: unknown): string | undefined {
  const t = n as Node | undefined;
  return t?.kind === 'TableNode' ? nameOf((t.table as { identifier?: unknown }).identifier) : undefined;
}

/** The column a SELECT orders by first. */
function firstOrder(select: SelectQueryNode): string | undefined {
  const by = select.orderBy?.items[0]?.orderBy as Node | undefined;
  return by?.kind === 'ReferenceNode' ? nameOf(((by.column as Node | undefined)?.column as unknown) ?? undefined) : undefined;
}

/**
 * The UPDATE takes deliveries: it sets status = 'publishing' and a lease owner. Only the claim does both; the
 * attempt's UPDATE (recordAttempts, publishing to publishing) sets the status but not the owner, and counting it
 * (as this timer did from 14:44 to 16:55 on 2026-11-29) stretched a claim to the end of the next attempt's write.
 */
function takesLease(update: UpdateQueryNode): boolean {
  const sets = (update.updates ?? []).map((u) => ({ column: nameOf((u.column as unknown as { column?: unknown }).column), value: u.value as Node }));
  const publishing = sets.some((u) => u.column === 'status' && u.value.kind === 'ValueNode' && u.value.value === 'publishing');
  return publishing && sets.some((u) => u.column === 'lease_owner');
}
