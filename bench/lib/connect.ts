/** Setting up a real Pinion for a bench as a person would: an account connected through the sandbox, a board. */
import type { PinionInstance } from '../../src/cli/instance.js';

export async function ok(res: Response, what: string, status = 200): Promise<Response> {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** The real connect flow, as a person would: connect link, the sandbox's Approve form, the callback. */
export async function connectAccount(p: PinionInstance, key: string, username: string): Promise<string> {
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${p.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const started = await ok(await api('POST', '/api/v1/accounts/connect', { platform: 'pinterest' }), 'connect');
  const authorize = new URL(((await started.json()) as { authorize_url: string }).authorize_url);
  await ok(await fetch(authorize), 'authorize page');
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', username);
  form.set('decision', 'approve');
  const approved = await ok(await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' }), 'approve', 302);
  await ok(await fetch(approved.headers.get('location')!, { redirect: 'manual' }), 'callback');
  const list = (await (await ok(await api('GET', '/api/v1/accounts'), 'list accounts')).json()) as { data: Array<{ id: string; username: string }> };
  const account = list.data.find((a) => a.username === username);
  if (!account) throw new Error(`account ${username} not connected`);
  await ok(await api('POST', `/api/v1/accounts/${account.id}/boards`, { name: 'Products' }), 'create board', 201);
  return account.id;
}
