/**
 * Faults a test asks for, one rule at a time: the next `times` requests whose operation ends with
 * `operation` (`POST /media_publish`, `POST /feed`; ids read `{id}`) are answered with a 5xx
 * before anything happens (`error`), never answered (`hang`), or carried out and then cut off
 * before the answer leaves (`drop`: the post exists, the caller does not know).
 */
export interface FaultRule {
  operation?: string;
  kind: 'error' | 'hang' | 'drop';
  /** HTTP status of an `error` (500 default; 503 says Meta turned the request away). */
  status?: number;
  /** How many matching requests the rule applies to (default 1; Infinity for all). */
  times?: number;
  /** How long a hang lasts before the socket is destroyed (default 30 s). */
  hangMs?: number;
  /** Matching requests let through before the rule applies (the second part of a chain, say). */
  skip?: number;
}

export class Faults {
  private rules: Array<FaultRule & { left: number; skipped: number }> = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, left: r.times ?? 1, skipped: 0 }));
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1, skipped: 0 });
  }

  list(): FaultRule[] {
    return this.rules.map(({ left, skipped: _skipped, ...r }) => ({ ...r, times: left }));
  }

  /** The rule that applies to this request, spent once. */
  take(operation: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.left > 0 && (r.operation === undefined || operation.endsWith(r.operation)));
    if (!rule) return undefined;
    if (rule.skipped < (rule.skip ?? 0)) {
      rule.skipped++;
      return undefined;
    }
    rule.left--;
    return rule;
  }
}
