import { readFileSync } from 'node:fs';
import { ApiClient } from './api.js';
import { UsageError, print, type Output } from './output.js';
import { sleep } from '../shared/index.js';

interface Delivery {
  platform: string;
  status: string;
  url: string | null;
  external_id: string | null;
  last_error: { kind: string; message: string } | null;
}
interface Post {
  id: string;
  status: string;
  scheduled_at: string;
  deliveries: Delivery[];
  warnings?: Array<{ field: string; message: string }>;
}
interface Account {
  id: string;
  platform: string;
  username: string;
  status: string;
  /** Where the account's times are told (IANA); null: the workspace's, UTC. */
  timezone: string | null;
  refreshed_at: string | null;
  last_error: string | null;
}

const postLine = (p: Post) => `${p.id}  ${p.status.padEnd(19)} ${p.scheduled_at}  ${[...new Set(p.deliveries.map((d) => d.platform))].join(',')}`;
const postDetail = (p: Post) =>
  [
    postLine(p),
    ...p.deliveries.map(
      (d) =>
        `  ${d.platform.padEnd(10)} ${d.status.padEnd(10)} ${d.url ?? d.external_id ?? ''}${d.last_error ? `  ${d.last_error.kind}: ${d.last_error.message}` : ''}`,
    ),
    ...(p.warnings ?? []).map((w) => `  warning: ${w.field}: ${w.message}`),
  ].join('\n');

export interface PostsArgs {
  action?: string;
  id?: string;
  api: ApiClient;
  out: Output;
  values: {
    content?: string;
    platform?: string[];
    'media-url'?: string;
    'media-id'?: string;
    link?: string;
    at?: string;
    timezone?: string;
    option?: string[];
    body?: string;
    'idempotency-key'?: string;
    status?: string;
    limit?: string;
    unpublish?: boolean;
  };
}

/** `--option <platform>.<name>=<value>` → platform_options; a value that reads as JSON (numbers, true, lists) is taken as JSON. */
function platformOptions(options: string[] = []): Record<string, Record<string, unknown>> | undefined {
  if (!options.length) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const o of options) {
    const m = o.match(/^([a-z0-9_-]+)\.([a-z0-9_]+)=(.*)$/i);
    if (!m) throw new UsageError(`--option "${o}": write it as <platform>.<option>=<value>, such as --option <platform>.title=Hello`);
    let value: unknown = m[3];
    try {
      value = JSON.parse(m[3]!);
    } catch {
      /* a plain string */
    }
    (out[m[1]!] ??= {})[m[2]!] = value;
  }
  return out;
}

function requestBody(v: PostsArgs['values']): Record<string, unknown> {
  if (v.body) {
    const text = v.body === '-' ? readFileSync(0, 'utf8') : readFileSync(v.body, 'utf8');
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`--body ${v.body} is not JSON: ${(err as Error).message}`);
    }
  }
  if (!v.platform?.length) throw new UsageError('Name at least one --platform (or give the whole post as JSON with --body FILE)');
  const body: Record<string, unknown> = {
    content: v.content,
    platforms: v.platform,
    media_url: v['media-url'],
    media_id: v['media-id'],
    link: v.link,
    scheduled_at: v.at,
    timezone: v.timezone,
    platform_options: platformOptions(v.option),
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

export async function postsCommand(args: PostsArgs): Promise<void> {
  const { api, out, values: v } = args;
  const needId = () => {
    if (!args.id) throw new UsageError(`Which post? Usage: pinion posts ${args.action} <post id>`);
    return encodeURIComponent(args.id);
  };
  switch (args.action) {
    case 'create': {
      const headers = v['idempotency-key'] ? { 'idempotency-key': v['idempotency-key'] } : undefined;
      const { body, status } = await api.call<Post>('POST', '/posts', { json: requestBody(v), headers });
      return print(out, body, () => `${status === 200 ? 'Already scheduled (same Idempotency-Key): ' : 'Scheduled: '}${postDetail(body)}`);
    }
    case 'list': {
      const query = new URLSearchParams(
        Object.entries({ status: v.status, platform: v.platform?.[0], limit: v.limit }).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const { body } = await api.call<{ data: Post[]; next_cursor: string | null }>('GET', `/posts?${query}`);
      return print(out, body, () => (body.data.length ? body.data.map(postLine).join('\n') : 'No posts') + (body.next_cursor ? '\n(more: raise --limit)' : ''));
    }
    case 'get': {
      const { body } = await api.call<Post>('GET', `/posts/${needId()}`);
      return print(out, body, () => postDetail(body));
    }
    case 'cancel': {
      const { body } = await api.call<Post>('POST', `/posts/${needId()}/cancel`);
      return print(out, body, () => `Cancelled: ${postDetail(body)}`);
    }
    case 'retry': {
      const { body } = await api.call<{ post: Post; retried: string[] }>('POST', `/posts/${needId()}/retry`, { json: {} });
      return print(
        out,
        body,
        () => `Retrying ${body.retried.length} failed ${body.retried.length === 1 ? 'delivery' : 'deliveries'}: ${postDetail(body.post)}`,
      );
    }
    case 'delete': {
      const { body } = await api.call<{ post: Post; deliveries: Array<{ delivery_id: string; platform: string; result: string; message: string }> }>(
        'DELETE',
        `/posts/${needId()}${v.unpublish ? '?unpublish=true' : ''}`,
      );
      return print(out, body, () =>
        [`Deleted ${body.post.id}`, ...body.deliveries.map((d) => `  ${d.delivery_id}  ${d.platform}  ${d.result}: ${d.message}`)].join('\n'),
      );
    }
    default:
      throw new UsageError(`pinion posts ${args.action ?? ''}: say create, list, get, cancel, retry or delete (pinion posts --help)`);
  }
}

const fingerprint = (a: Account) => `${a.status}|${a.refreshed_at}`;

export interface AccountsArgs {
  action?: string;
  platform?: string;
  api: ApiClient;
  out: Output;
  /** Approve on the sandbox's consent page as this username, instead of waiting for a person. */
  sandboxApprove?: string;
  waitSeconds: number;
  /** Where "open this URL" and "waiting" go (stderr): stdout carries only the answer. */
  say(text: string): void;
}

export async function accountsCommand(args: AccountsArgs): Promise<void> {
  const { api, out } = args;
  const list = async () => (await api.call<{ data: Account[] }>('GET', '/accounts')).body.data;
  switch (args.action) {
    case 'list': {
      const accounts = await list();
      return print(out, { data: accounts }, () =>
        accounts.length
          ? accounts
              .map(
                (a) =>
                  `${a.id}  ${a.platform.padEnd(10)} ${a.username.padEnd(20)} ${a.status.padEnd(14)} ${a.timezone ?? 'UTC (workspace)'}${a.last_error ? `  (${a.last_error})` : ''}`,
              )
              .join('\n')
          : 'No accounts: connect one with pinion accounts connect <platform>',
      );
    }
    case 'connect': {
      if (!args.platform) throw new UsageError('Which platform? Usage: pinion accounts connect <platform>');
      const before = new Map((await list()).map((a) => [a.id, fingerprint(a)]));
      const { body } = await api.call<{ authorize_url: string; expires_at: string }>('POST', '/accounts/connect', { json: { platform: args.platform } });
      if (args.sandboxApprove !== undefined) await approveInSandbox(body.authorize_url, args.sandboxApprove);
      else
        args.say(
          `Open this URL in a browser and approve (valid until ${body.expires_at}):\n\n  ${body.authorize_url}\n\nWaiting for the account to connect… (Ctrl-C to stop)`,
        );
      const deadline = Date.now() + args.waitSeconds * 1000;
      while (Date.now() < deadline) {
        const changed = (await list()).find((a) => a.platform === args.platform && before.get(a.id) !== fingerprint(a));
        if (changed) return print(out, changed, () => `Connected ${changed.platform} account ${changed.username} (${changed.id}), ${changed.status}`);
        await sleep(1000);
      }
      throw new UsageError(`No ${args.platform} account connected within ${args.waitSeconds} s; run the command again when ready`);
    }
    default:
      throw new UsageError(`pinion accounts ${args.action ?? ''}: say list or connect (pinion accounts --help)`);
  }
}

/** The sandbox's consent page answered as a person would: Approve, as `username`. Refused for a real platform. */
async function approveInSandbox(authorizeUrl: string, username: string): Promise<void> {
  const url = new URL(authorizeUrl);
  if (!url.pathname.includes('/sandbox/')) throw new UsageError('--sandbox-approve works only with a sandbox; open the authorize URL in a browser instead');
  const form = new URLSearchParams(url.searchParams);
  // Each consent page names its sign-in field (a username, a member's name, a channel handle, a person): the name goes there.
  const page = await fetch(url);
  const field = /<input name="([\w-]+)"/.exec(await page.text())?.[1] ?? 'username';
  if (username) form.set(field, username);
  form.set('decision', 'approve');
  const approved = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback) throw new UsageError(`The sandbox did not approve (${approved.status}): ${(await approved.text()).slice(0, 200)}`);
  const done = await fetch(callback, { redirect: 'manual' });
  if (done.status >= 400) throw new UsageError(`Pinion refused the callback (${done.status}): ${(await done.text()).slice(0, 200)}`);
}
