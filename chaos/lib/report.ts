import { table } from '../../bench/lib/report.js';
import type { PhaseResult } from './phase.js';
import { broken, type Finding } from './tally.js';

const share = (a: { applied: number; refused: number; tried: number; other: Record<string, number> }) =>
  `${a.applied} applied, ${a.refused} refused (409)${Object.keys(a.other).length ? `, other ${JSON.stringify(a.other)}` : ''} of ${a.tried}`;

/** The figures of each phase side by side, then a few examples of every finding. */
export function printReport(results: PhaseResult[]): void {
  const col = (f: (r: PhaseResult) => string | number) => results.map((r) => String(f(r)));
  const rows: string[][] = [
    ['', ...results.map((r) => `${r.store}, ${r.workers} worker${r.workers > 1 ? 's' : ''}`)],
    ['posts created', ...col((r) => r.tally.posts)],
    ['pins in the sandbox', ...col((r) => r.tally.pins)],
    ['lost', ...col((r) => r.tally.lost.length)],
    ['duplicated', ...col((r) => r.tally.duplicated.length)],
    ['cancelled, yet pinned', ...col((r) => r.tally.cancelledYetPinned.length)],
    ['pin not what was sent', ...col((r) => r.tally.wrongContent.length)],
    ['wrongly failed', ...col((r) => r.tally.wronglyFailed.length)],
    ['published', ...col((r) => r.tally.published)],
    ['  of which adopted', ...col((r) => r.tally.adopted)],
    ['failed', ...col((r) => (r.tally.failed ? `${r.tally.failed} ${JSON.stringify(r.tally.failedByKind)}` : 0))],
    ['cancelled', ...col((r) => r.tally.cancelled)],
    ['stray pins', ...col((r) => r.tally.strayPins.length)],
    ['create-pin calls', ...col((r) => r.createPinCalls)],
    [
      'sandbox answers',
      ...col((r) =>
        Object.entries(r.sandboxAnswers)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
      ),
    ],
    ['  never answered', ...col((r) => r.sandboxUnanswered)],
    ['workers killed (-9)', ...col((r) => r.kills)],
    ['worker starts', ...col((r) => r.workerStarts)],
    ['unexpected worker exits', ...col((r) => r.unexpectedExits.length)],
    ['edits', ...col((r) => share(r.edits))],
    ['cancels', ...col((r) => share(r.cancels))],
    ['posts refused', ...col((r) => (Object.keys(r.refusedPosts).length ? JSON.stringify(r.refusedPosts) : 0))],
    ['API 5xx answers', ...col((r) => r.apiErrors.length)],
    ['API 5xx for a platform failure', ...col((r) => r.platformErrors)],
    ['settled', ...col((r) => (r.settled ? 'yes' : 'NO (timed out)'))],
    ['time', ...col((r) => `${r.seconds.toFixed(0)} s`)],
  ];
  table('Chaos run', rows, 1);
  for (const r of results) {
    const show = (name: string, list: Finding[]) => {
      if (!list.length) return;
      console.log(`\n${r.store}: ${name} (${list.length})${list.length > 10 ? ', first 10' : ''}`);
      for (const f of list.slice(0, 10)) console.log(`  ${f.tag} ${f.post}: ${f.what}`);
    };
    show('lost', r.tally.lost);
    show('duplicated', r.tally.duplicated);
    show('cancelled, yet pinned', r.tally.cancelledYetPinned);
    show('pin not what was sent', r.tally.wrongContent);
    show('wrongly failed', r.tally.wronglyFailed);
    for (const exit of r.unexpectedExits.slice(0, 3)) console.log(`\n${r.store}: ${exit}`);
    for (const answer of r.apiErrors.slice(0, 5)) console.log(`\n${r.store}: API answered ${answer}`);
    if (r.keptDir) console.log(`\n${r.store}: logs kept in ${r.keptDir}`);
  }
}

/** Non-zero when any phase lost a post, duplicated one, left a cancelled post pinned or pinned the wrong text. */
export const exitCode = (results: PhaseResult[]) => (results.some((r) => broken(r.tally) > 0) ? 1 : 0);
