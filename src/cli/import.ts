import { readFileSync } from 'node:fs';
import { UsageError, print, type Output } from './output.js';

interface Problem {
  detail?: string;
  errors?: Array<{ field: string; message: string; line?: number }>;
}

/**
 * `pinion import FILE`: sends a CSV to a running Pinion's import endpoint, so the same checks
 * (boards, limits, all-or-none) apply as through the API, and prints every bad line.
 */
export async function importCommand(args: { file?: string; apiUrl?: string; key?: string; out: Output }): Promise<void> {
  if (!args.file) throw new UsageError('Usage: pinion import <file.csv> [--api-url URL] (API key in $PINION_API_KEY or --key)');
  const key = args.key ?? process.env.PINION_API_KEY;
  if (!key) throw new UsageError('Give the API key with --key or $PINION_API_KEY');
  const apiUrl = (args.apiUrl ?? process.env.PINION_API_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const csv = readFileSync(args.file, 'utf8');
  const res = await fetch(`${apiUrl}/api/v1/posts:import`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: csv });
  const body = (await res.json()) as { data?: Array<{ id: string; scheduled_at: string }> } & Problem;
  if (res.ok) {
    print(args.out, { created: body.data?.length ?? 0, posts: body.data?.map((p) => p.id) }, () => `Imported ${body.data?.length ?? 0} post(s) from ${args.file}`);
    return;
  }
  const lines = (body.errors ?? []).map((e) => `  ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.field}: ${e.message}`);
  process.stderr.write(`pinion: import failed (${res.status}): ${body.detail ?? res.statusText}\n${lines.join('\n')}\n`);
  process.exitCode = 1;
}
