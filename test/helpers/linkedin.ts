import { expect } from 'vitest';
import type { LinkedInSandbox } from '../../src/sandbox/linkedin/index.js';
import type { TestPinion } from './pinion.js';
import { connectThroughSandbox } from './sandbox-connect.js';

export interface LinkedInAccountJson {
  id: string;
  username: string;
  status: string;
  external_id?: string;
  account_type?: string | null;
  access_expires_at?: string | null;
}

export const linkedInSandbox = (p: TestPinion) => p.sandboxes.get('linkedin') as LinkedInSandbox;

/**
 * Connects through the real flow, as a person would: Pinion's connect endpoint, the sandbox's
 * sign-in page and its Approve button (as the member named `name`), then Pinion's callback.
 */
export async function connectLinkedIn(p: TestPinion, opts: { name: string; key?: string; decision?: 'approve' | 'deny' }) {
  return connectThroughSandbox((method, path, body) => p.api(method, path, { key: opts.key, body }), {
    platform: 'linkedin',
    fields: { name: opts.name },
    decision: opts.decision,
  });
}

/** A member with a company page they administer, connected: the member's and the page's accounts. */
export async function linkedInAccounts(p: TestPinion, name = 'Ada Lovelace', company = 'Analytical Engines') {
  const li = linkedInSandbox(p);
  const member = li.state.findMemberByName(name) ?? li.createMember({ name });
  const org = li.createOrganization({ name: company, admins: [{ memberId: member.id }] });
  const { callbackRes } = await connectLinkedIn(p, { name });
  expect(callbackRes.status).toBe(200);
  const list = (await (await p.api('GET', '/api/v1/accounts?platform=linkedin')).json()) as { data: LinkedInAccountJson[] };
  const person = list.data.find((a) => a.username === name)!;
  const page = list.data.find((a) => a.username === org.vanityName)!;
  return { member, org, person, page, accounts: list.data, callbackRes };
}
