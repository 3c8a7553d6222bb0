/** A problem of this Pinion instance with a whole platform, not with one account (refused app credentials). */
export interface PlatformProblem {
  platform: string;
  kind: 'misconfigured';
  message: string;
  since: Date;
  lastSeen: Date;
}

/**
 * What this process has learnt about platforms it cannot use at all, fed by the token keeper and
 * read by /readyz. In memory on purpose: it describes this process's configuration, which a
 * restart with fixed credentials replaces, and a successful token call clears it at once.
 */
export class PlatformProblems {
  private readonly problems = new Map<string, PlatformProblem>();

  report(platform: string, kind: PlatformProblem['kind'], message: string, at = new Date()): void {
    const known = this.problems.get(platform);
    this.problems.set(platform, { platform, kind, message, since: known?.since ?? at, lastSeen: at });
  }

  /** The platform answered a token call with success: its app credentials work. */
  clear(platform: string): void {
    this.problems.delete(platform);
  }

  list(): PlatformProblem[] {
    return [...this.problems.values()];
  }
}
