import { describe, expect, inject, it } from 'vitest';
import { runPhase } from '../../chaos/lib/phase.js';
import { chaosSettings } from '../../chaos/lib/settings.js';
import type { Finding } from '../../chaos/lib/tally.js';
import { DIALECTS } from '../helpers/stores.js';

/**
 * `npm run chaos -- --posts 60 --quick` as a test: per store, 60 posts over 5 sandbox accounts,
 * workers killed with SIGKILL and restarted, sandbox faults of every kind, edits and cancels
 * racing the workers. Whatever happens, no post may be lost or published twice.
 */
describe.each(DIALECTS)('the chaos suite at CI size on %s', (store) => {
  it('publishes every post at most once and loses none, through kills, faults, edits and cancels', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const result = await runPhase(chaosSettings({ posts: 60, quick: true, seed }), {
      store,
      workers: store === 'postgres' ? 3 : 1,
      postgresAdminUrl: store === 'postgres' ? inject('postgresUrl') : undefined,
    });
    const t = result.tally;
    const why = `seed ${seed}${result.keptDir ? `, logs in ${result.keptDir}` : ''}`;
    const seen = (findings: Finding[]) => findings.map((f) => `${f.tag} ${f.post}: ${f.what}`);
    expect(t.posts, why).toBe(60);
    expect(seen(t.lost), why).toEqual([]);
    expect(seen(t.duplicated), why).toEqual([]);
    expect(seen(t.cancelledYetPinned), why).toEqual([]);
    expect(seen(t.wrongContent), why).toEqual([]);
    expect(result.apiErrors, why).toEqual([]);
    expect(result.unexpectedExits, why).toEqual([]);
    // The chaos did happen: without it the figures above would prove nothing.
    expect(result.kills).toBeGreaterThan(0);
    expect(result.sandboxAnswers['429'] ?? 0).toBeGreaterThan(0);
    expect((result.sandboxAnswers['500'] ?? 0) + (result.sandboxAnswers['503'] ?? 0)).toBeGreaterThan(0);
    expect(result.sandboxUnanswered).toBeGreaterThan(0);
    expect(result.edits.tried + result.cancels.tried).toBeGreaterThan(0);
    expect(t.published + t.cancelled + t.failed).toBe(60);
  }, 180_000);
});
