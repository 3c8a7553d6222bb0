import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { defineOperation } from './operation.js';
import type { IssuedToken, Member } from './state.js';

const POSTING_ROLES = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR']);
const ORG_READ = ['rw_organization_admin', 'r_organization_admin', 'w_organization_social', 'r_organization_social'];

/**
 * May this member's token write (or read) posts and media as `author`? A member acts as
 * themself with w_member_social (r_member_social to read); as a company page with
 * w_organization_social (r_organization_social) and an approved posting role on it.
 */
export function checkAuthor(ctx: SandboxContext, member: Member, token: IssuedToken, author: unknown, access: 'write' | 'read', field = '/author'): string {
  if (typeof author !== 'string' || author === '') throw errors.validation([[field, 'field is required but not found and has no default value']]);
  const person = /^urn:li:person:(.+)$/.exec(author);
  const org = /^urn:li:organization:(\d+)$/.exec(author);
  if (person) {
    const scope = access === 'write' ? 'w_member_social' : 'r_member_social';
    if (person[1] !== member.id) throw errors.accessDenied(`Not enough permissions to act as ${author}`);
    if (!token.scopes.includes(scope)) throw errors.accessDenied(`Not enough permissions to access: ${scope} is required`);
    return author;
  }
  if (org) {
    const scope = access === 'write' ? 'w_organization_social' : 'r_organization_social';
    if (!token.scopes.includes(scope)) throw errors.accessDenied(`Not enough permissions to access: ${scope} is required`);
    if (!ctx.state.organizations.has(Number(org[1]))) throw errors.notFound(`Organization ${org[1]}`);
    const acl = ctx.state.acls.find(
      (a) => a.organizationId === Number(org[1]) && a.memberId === member.id && a.state === 'APPROVED' && POSTING_ROLES.has(a.role),
    );
    if (!acl) throw errors.accessDenied(`Member is not an administrator of ${author}`);
    return author;
  }
  throw errors.validation([[field, `"${author}" is not a person or organization URN`]]);
}

export function registerOrganizationRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  defineOperation(
    app,
    ctx,
    { method: 'GET', url: '/rest/organizationAcls', name: 'GET /rest/organizationAcls', versioned: true, scopes: ORG_READ },
    async ({ request, member }) => {
      const q = request.query as Record<string, string | undefined>;
      if (q.q !== 'roleAssignee') throw errors.illegalArgument('Only the roleAssignee finder is emulated');
      const start = Number(q.start ?? 0);
      const count = Math.min(Number(q.count ?? 10), 100);
      const all = ctx.state.acls.filter((a) => a.memberId === member!.id && (!q.role || a.role === q.role) && (!q.state || a.state === q.state));
      const elements = all
        .slice(start, start + count)
        .map((a) => ({ roleAssignee: `urn:li:person:${a.memberId}`, role: a.role, state: a.state, organization: `urn:li:organization:${a.organizationId}` }));
      return { status: 200, body: { elements, paging: { start, count, links: [], total: all.length } } };
    },
  );

  defineOperation(
    app,
    ctx,
    { method: 'GET', url: '/rest/organizations/:id', name: 'GET /rest/organizations/{id}', versioned: true, scopes: ORG_READ },
    async ({ request }) => {
      const org = ctx.state.organizations.get(Number((request.params as { id: string }).id));
      if (!org) throw errors.notFound(`Organization ${(request.params as { id: string }).id}`);
      return {
        status: 200,
        body: {
          id: org.id,
          localizedName: org.name,
          vanityName: org.vanityName,
          name: { localized: { en_US: org.name }, preferredLocale: { country: 'US', language: 'en' } },
        },
      };
    },
  );
}
