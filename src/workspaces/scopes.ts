/** What an API key may do. Reads and writes are separate so a dashboard key can be read-only. */
export const API_SCOPES = [
  'posts:read',
  'posts:write',
  'accounts:read',
  'accounts:write',
  'media:read',
  'media:write',
  'webhooks:read',
  'webhooks:write',
  'keys:read',
  'keys:write',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(s: string): s is ApiScope {
  return (API_SCOPES as readonly string[]).includes(s);
}

/** `posts` expands to `posts:read posts:write`; `all` to every scope. */
export function parseScopes(input: string[]): { scopes: ApiScope[]; unknown: string[] } {
  const scopes = new Set<ApiScope>();
  const unknown: string[] = [];
  for (const raw of input.flatMap((s) => s.split(/[\s,]+/)).filter(Boolean)) {
    if (raw === 'all' || raw === '*') API_SCOPES.forEach((s) => scopes.add(s));
    else if (isApiScope(raw)) scopes.add(raw);
    else if (isApiScope(`${raw}:read`)) {
      scopes.add(`${raw}:read` as ApiScope);
      scopes.add(`${raw}:write` as ApiScope);
    } else unknown.push(raw);
  }
  return { scopes: API_SCOPES.filter((s) => scopes.has(s)), unknown };
}
