/**
 * Connects a sandbox account through the real flow, as a person would: Pinion's connect endpoint,
 * the emulator's authorize page and its approve (or deny) button, then Pinion's callback. Pinterest
 * by default; another emulator names its platform, the button its page shows, and the sign-in
 * fields it takes (`{name}`, `{channel}` …). Free of the test runner, so the chaos suite connects its
 * accounts the same way; a step that answers otherwise throws with what came back.
 */
export async function connectThroughSandbox(
  api: (method: string, path: string, body: unknown) => Promise<Response>,
  opts: { username?: string; redirectUrl?: string; decision?: 'approve' | 'deny'; platform?: string; button?: string; fields?: Record<string, string> },
): Promise<{ authorizeUrl: URL; callback: string; callbackRes: Response }> {
  const platform = opts.platform ?? 'pinterest';
  const button = opts.button ?? 'Approve';
  const started = await api('POST', '/api/v1/accounts/connect', { platform, ...(opts.redirectUrl ? { redirect_url: opts.redirectUrl } : {}) });
  if (started.status !== 200) throw new Error(`POST /accounts/connect answered ${started.status}: ${await started.text()}`);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const authorize = new URL(authorize_url);

  const pageRes = await fetch(authorize);
  const page = await pageRes.text();
  if (pageRes.status !== 200 || !page.includes(button))
    throw new Error(`the authorize page answered ${pageRes.status} without a ${button} button: ${page.slice(0, 300)}`);

  // The authorize form posts back its hidden fields (the query it was opened with) and the choice.
  const form = new URLSearchParams(authorize.searchParams);
  for (const [name, value] of Object.entries(opts.fields ?? { username: opts.username ?? '' })) form.set(name, value);
  form.set('decision', opts.decision ?? 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  if (approved.status !== 302) throw new Error(`the authorize form answered ${approved.status} instead of redirecting: ${await approved.text()}`);
  const callback = approved.headers.get('location')!;
  const callbackRes = await fetch(callback, { redirect: 'manual' });
  return { authorizeUrl: authorize, callback, callbackRes };
}
