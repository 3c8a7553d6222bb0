/**
 * Connects a Pinterest sandbox account through the real flow, as a person would: Pinion's connect
 * endpoint, the sandbox's authorize page and its Approve (or Deny) button, then Pinion's callback.
 * Free of the test runner, so the chaos suite connects its accounts the same way; a step that
 * answers otherwise throws with what came back.
 */
export async function connectThroughSandbox(
  api: (method: string, path: string, body: unknown) => Promise<Response>,
  opts: { username: string; redirectUrl?: string; decision?: 'approve' | 'deny' },
): Promise<{ authorizeUrl: URL; callback: string; callbackRes: Response }> {
  const started = await api('POST', '/api/v1/accounts/connect', { platform: 'pinterest', ...(opts.redirectUrl ? { redirect_url: opts.redirectUrl } : {}) });
  if (started.status !== 200) throw new Error(`POST /accounts/connect answered ${started.status}: ${await started.text()}`);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const authorize = new URL(authorize_url);

  const pageRes = await fetch(authorize);
  const page = await pageRes.text();
  if (pageRes.status !== 200 || !page.includes('Approve')) throw new Error(`the authorize page answered ${pageRes.status} without an Approve button: ${page.slice(0, 300)}`);

  // The authorize form posts back its hidden fields (the query it was opened with) and the choice.
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', opts.username);
  form.set('decision', opts.decision ?? 'approve');
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  if (approved.status !== 302) throw new Error(`the authorize form answered ${approved.status} instead of redirecting: ${await approved.text()}`);
  const callback = approved.headers.get('location')!;
  const callbackRes = await fetch(callback, { redirect: 'manual' });
  return { authorizeUrl: authorize, callback, callbackRes };
}
