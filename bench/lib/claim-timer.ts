import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export interface ClaimSample {
  ms: number;
  /** Deliveries the claim returned. */
  claimed: number;
}

/**
 * Times every claimDeliveries call the real publish pass makes, without touching src/. On SQLite a
 * claim is UPDATE … RETURNING statements on deliveries (the lease-expired one, then the due ones,
 * told apart by run_at); no other statement of the pass returns rows from an UPDATE built by Kysely.
 * On PostgreSQL it is one raw statement (`with expired as materialized …`), timed alone.
 * A call's time runs from compiling the first to the result of the second, so it includes
 * waiting for a pooled connection, as the worker does. One pass at a time (calls in sequence).
 */
export class ClaimTimer implements KyselyPlugin {
  readonly samples: ClaimSample[] = [];
  private readonly kinds = new WeakMap<object, 'expired' | 'due' | 'whole'>();
  private callStart: bigint | null = null;
  private reclaimed = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind === 'RawNode' && node.sqlFragments.join('').startsWith('with expired as materialized')) {
      this.kinds.set(args.queryId, 'whole');
      this.callStart = process.hrtime.bigint();
      this.reclaimed = 0;
    }
    if (node.kind === 'UpdateQueryNode' && node.returning) {
      // The due claim picks by run_at (in its CTE); the
      // lease-expired one never names run_at.
      const expired = !JSON.stringify([node.with ?? null, node.where ?? null]).includes('"run_at"');
      this.kinds.set(args.queryId, expired ? 'expired' : 'due');
      if (expired) {
        this.callStart = process.hrtime.bigint();
        this.reclaimed = 0;
      }
    }
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const kind = this.kinds.get(args.queryId);
    if (kind === 'expired') this.reclaimed = args.result.rows.length;
    if ((kind === 'due' || kind === 'whole') && this.callStart !== null) {
      this.samples.push({ ms: Number(process.hrtime.bigint() - this.callStart) / 1e6, claimed: this.reclaimed + args.result.rows.length });
      this.callStart = null;
    }
    return args.result;
  }
}
