import { UsageError, print, type Output } from './output.js';

interface Problem {
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** The running Pinion to ask, and the key to ask with (as `pinion import`). */
function api(args: { apiUrl?: string; key?: string }) {
  const key = args.key ?? process.env.PINION_API_KEY;
  if (!key) throw new UsageError('Give the API key with --key or $PINION_API_KEY');
  const base = (args.apiUrl ?? process.env.PINION_API_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  return async <T>(path: string, body: unknown): Promise<T | undefined> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as T & Problem;
    if (res.ok) return answer;
    const lines = (answer.errors ?? []).map((e) => `  ${e.field}: ${e.message}`);
    process.stderr.write(`pinion: ${res.status} ${answer.detail ?? res.statusText}\n${lines.join('\n')}\n`);
    process.exitCode = 1;
    return undefined;
  };
}

type Check = {
  ok: boolean;
  status: number;
  final_url: string;
  redirects: Array<{ status: number }>;
  rich_previews: Record<string, { label: string; missing: string[] }>;
  warnings: string[];
};

/** `pinion link-check URL`: link preflight of a destination through a running Pinion. */
export async function linkCheckCommand(args: { url?: string; apiUrl?: string; key?: string; out: Output }): Promise<void> {
  if (!args.url) throw new UsageError('Usage: pinion link-check <url> [--api-url URL] [--key KEY] [--json]');
  const r = await api(args)<Check>('/links:check', { url: args.url });
  if (!r) return;
  print(args.out, r, () =>
    [
      `${r.ok ? 'OK' : 'BROKEN'} ${r.status} ${r.final_url}${r.redirects.length ? ` (after ${r.redirects.map((h) => h.status).join(', ')})` : ''}`,
      ...Object.entries(r.rich_previews).map(([platform, p]) => `${platform}: ${p.label}${p.missing.length ? `, missing ${p.missing.join(', ')}` : ''}`),
      ...r.warnings.map((w) => `warning: ${w}`),
    ].join('\n'),
  );
}

/** `pinion suggest --url URL | --content TEXT [--keywords a,b]`: title and description suggestions. */
export async function suggestCommand(args: { url?: string; content?: string; keywords?: string; apiUrl?: string; key?: string; out: Output }): Promise<void> {
  if (!args.url && !args.content)
    throw new UsageError('Usage: pinion suggest (--url URL | --content TEXT) [--keywords k1,k2] [--api-url URL] [--key KEY] [--json]');
  const keywords = args.keywords
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const r = await api(args)<{ titles: string[]; descriptions: string[] }>('/pins:suggest', { url: args.url, content: args.content, keywords });
  if (!r) return;
  print(args.out, r, () => ['Titles:', ...r.titles.map((t) => `  ${t}`), 'Descriptions:', ...r.descriptions.map((d) => `  ${d}`)].join('\n'));
}
