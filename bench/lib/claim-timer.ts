import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

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
    const whole = node.kind === 'RawNode' && node.sqlFragments.join('').startsWith('with expired as materialized');
    // SQLite since the third round of issue 16: plain reads pick (expired leases by lease_until, then due ones by
    // run_at), then one UPDATE … RETURNING of deliveries takes them. Until then: three UPDATE … RETURNING with a CTE.
    const onDeliveries = JSON.stringify(node.kind === 'SelectQueryNode' ? (node.from ?? null) : null).includes('"deliveries"');
    const where = JSON.stringify(
      node.kind === 'SelectQueryNode' || node.kind === 'UpdateQueryNode' ? [node.where ?? null, (node as { with?: unknown }).with ?? null] : null,
    );
    const pick = node.kind === 'SelectQueryNode' && onDeliveries && (where.includes('"lease_until"') || where.includes('"run_at"')) && node.limit !== undefined;
    // The claim's UPDATE is the pass's only one that sets a delivery publishing.
    const update = node.kind === 'UpdateQueryNode' && node.returning !== undefined && JSON.stringify(node.updates ?? null).includes('"publishing"');
    if (whole || pick || update) {
      this.claims.add(args.queryId);
      if (!pick) this.taking.add(args.queryId);
      // A new claim starts with the lease-expired pick (the due ones pick by run_at; the single UPDATE has no CTE).
      const first = whole || (pick && !where.includes('"run_at"')) || (update && node.with !== undefined && !where.includes('"run_at"'));
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
