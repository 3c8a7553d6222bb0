import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export interface ClaimSample {
  ms: number;
  /** Deliveries the claim returned. */
  claimed: number;
}

/**
 * Times every claimDeliveries call the real publish pass makes, without touching src/. On SQLite a
 * claim is up to three UPDATE … RETURNING statements on deliveries picking from a CTE (the
 * lease-expired one first, told apart from the due ones by not naming run_at); no other UPDATE of
 * the pass has a CTE. On PostgreSQL it is one raw statement (`with expired as
 * materialized …`, which also shows the posts as publishing). A call's time runs from compiling its
 * first statement to the result of its last, so it includes waiting for a pooled connection, as the
 * worker does. One pass at a time (calls in sequence).
 */
export class ClaimTimer implements KyselyPlugin {
  private readonly done: ClaimSample[] = [];
  private readonly claims = new WeakSet<object>();
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
    const whole = node.kind === 'RawNode' && node.sqlFragments.join('').startsWith('with expired as materialized');
    const update = node.kind === 'UpdateQueryNode' && node.returning !== undefined && node.with !== undefined;
    if (whole || update) {
      this.claims.add(args.queryId);
      // A new claim starts with the lease-expired pick (the due ones pick by run_at).
      const first =
        whole ||
        !JSON.stringify([node.kind === 'UpdateQueryNode' ? (node.with ?? null) : null, node.kind === 'UpdateQueryNode' ? (node.where ?? null) : null]).includes(
          '"run_at"',
        );
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
      this.current.claimed += args.result.rows.length;
    }
    return args.result;
  }
}
