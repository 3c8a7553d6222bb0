import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OAuthFlow } from '../connectors/index.js';
import type { Database } from '../store/index.js';
import { saveConnectedAccount, type Account } from './accounts.js';
import type { TokenVault } from './vault.js';

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

/** Where the platform sends the person back to; register this URL with the platform app. */
export const callbackUrl = (publicUrl: string, platform: string) => `${publicUrl}/oauth/callback/${platform}`;

/**
 * Begins connecting an account: a single-use state bound to the workspace, valid for `ttlMs`,
 * and the platform's authorize URL carrying it.
 */
export async function startConnect(
  db: Kysely<Database>,
  input: { workspaceId: string; platform: string; oauth: OAuthFlow; publicUrl: string; redirectUrl?: string; ttlMs: number },
): Promise<{ authorizeUrl: string; expiresAt: Date }> {
  const state = randomBytes(32).toString('base64url');
  const codeVerifier = randomBytes(48).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const now = Date.now();
  await db
    .insertInto('oauth_states')
    .values({
      state_hash: hashState(state),
      workspace_id: input.workspaceId,
      platform: input.platform,
      redirect_url: input.redirectUrl ?? null,
      code_verifier: codeVerifier,
      created_at: now,
      expires_at: now + input.ttlMs,
      used_at: null,
    })
    .execute();
  // Expired states are of no use to anyone; clearing them here keeps the table small without a job.
  await db
    .deleteFrom('oauth_states')
    .where('expires_at', '<', now - 86_400_000)
    .execute();
  return {
    authorizeUrl: input.oauth.authorizeUrl({ redirectUri: callbackUrl(input.publicUrl, input.platform), state, codeChallenge, codeVerifier }),
    expiresAt: new Date(now + input.ttlMs),
  };
}

export class ConnectError extends Error {
  constructor(
    readonly reason: 'invalid_state' | 'access_denied' | 'platform_error',
    message: string,
    readonly redirectUrl: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Finishes the flow on the callback: the state is consumed atomically (a replayed or expired one
 * fails), the code exchanged, the account identified and stored with its tokens sealed. Where the
 * platform's grant reaches several accounts (`OAuthFlow.accounts`), every one is stored; the first
 * is `account`.
 */
export async function finishConnect(
  db: Kysely<Database>,
  vault: TokenVault,
  input: { platform: string; oauth: OAuthFlow; publicUrl: string; state?: string; code?: string; error?: string },
): Promise<{ account: Account; accounts: Account[]; redirectUrl: string | null }> {
  if (!input.state) throw new ConnectError('invalid_state', 'The callback carries no state');
  const hash = hashState(input.state);
  const now = Date.now();
  const consumed = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state_hash', '=', hash)
    .where('platform', '=', input.platform)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) throw new ConnectError('invalid_state', 'This connect link is unknown, expired or already used; start again');
  const state = await db.selectFrom('oauth_states').selectAll().where('state_hash', '=', hash).executeTakeFirstOrThrow();

  if (input.error || !input.code) {
    throw new ConnectError(
      'access_denied',
      input.error === 'access_denied' ? 'Access was denied on the platform' : `The platform returned no code (${input.error ?? 'no error given'})`,
      state.redirect_url,
    );
  }
  try {
    const tokens = await input.oauth.exchangeCode({
      code: input.code,
      redirectUri: callbackUrl(input.publicUrl, input.platform),
      codeVerifier: state.code_verifier ?? '',
    });
    // One grant may reach several accounts (a person's Pages): all of them are connected.
    const granted = input.oauth.accounts ? await input.oauth.accounts(tokens) : [{ identity: await input.oauth.identify(tokens.accessToken), tokens }];
    if (!granted.length) throw new Error('The grant reaches no account Pinion can post to');
    const accounts: Account[] = [];
    for (const g of granted) {
      accounts.push(
        await saveConnectedAccount(db, vault, {
          workspaceId: state.workspace_id,
          platform: g.platform ?? input.platform,
          identity: g.identity,
          tokens: g.tokens,
        }),
      );
    }
    return { account: accounts[0]!, accounts, redirectUrl: state.redirect_url };
  } catch (err) {
    throw new ConnectError('platform_error', (err as Error).message, state.redirect_url);
  }
}
