import type { Ctx } from './context.js';

/**
 * The usage headers every answer carries. `X-App-Usage` reports the app's calls of the last hour
 * against `appCallsPerHour` (or the forced `usage.app` percentage); `X-Business-Use-Case-Usage`
 * is added for the Page or Instagram account a path names (forced with `usage.buc`).
 */
export function usageHeaders(ctx: Ctx, path: string): Record<string, string> {
  const hour = ctx.now() - 3600_000;
  const calls = ctx.world.calls.filter((c) => c.at > hour).length;
  const app = ctx.o.usage.app ?? Math.min(100, Math.round((calls / ctx.o.appCallsPerHour) * 100));
  const headers: Record<string, string> = {
    'x-app-usage': JSON.stringify({ call_count: app, total_cputime: Math.round(app / 2), total_time: Math.round(app / 2) }),
  };
  const id = path.split('/').find((s) => ctx.world.pages.has(s) || ctx.world.igUsers.has(s));
  if (id) {
    const buc = ctx.o.usage.buc ?? 0;
    const type = ctx.world.pages.has(id) ? 'pages' : 'instagram';
    headers['x-business-use-case-usage'] = JSON.stringify({
      [id]: [
        { type, call_count: buc, total_cputime: buc, total_time: buc, estimated_time_to_regain_access: buc >= 100 ? (ctx.o.usage.regainMinutes ?? 5) : 0 },
      ],
    });
  }
  return headers;
}
