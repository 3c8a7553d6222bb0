import type { IncomingHttpHeaders } from 'node:http';
import type { Token, World } from './world.js';

/** A request as the emulator's handlers see it: Graph takes parameters in the query or the body alike. */
export interface Req {
  method: string;
  /** The path below the mount, without the `/vNN.N` version. */
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The access token sent (`Authorization: Bearer|OAuth`, or `access_token`), if any. */
  tokenValue?: string;
  /** `http://host/sandbox/<mount>`: where this mount is reached. */
  base: string;
}

/** Meta's error answer: `{error:{message,type,code,error_subcode,error_user_msg,fbtrace_id}}`. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly subcode?: number,
    readonly extra: { type?: string; userMessage?: string; shape?: 'graph' | 'oauth' } = {},
  ) {
    super(message);
  }

  body(): unknown {
    if (this.extra.shape === 'oauth') return { error_type: this.extra.type ?? 'OAuthException', code: this.code, error_message: this.message };
    return {
      error: {
        message: this.message,
        type: this.extra.type ?? 'OAuthException',
        code: this.code,
        ...(this.subcode !== undefined && { error_subcode: this.subcode }),
        ...(this.extra.userMessage && { error_user_title: 'Error', error_user_msg: this.extra.userMessage }),
        fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
      },
    };
  }
}

/** An answer that is not Graph JSON: an OAuth dialog page or a redirect. */
export class Raw {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

export const badParam = (message: string, subcode?: number) => new GraphFailure(400, 100, message, subcode);

/** The token of the request, checked: unknown, revoked or expired tokens answer as Meta does (code 190). */
export function authorize(world: World, req: Req, now: number): Token {
  const value = req.tokenValue;
  if (!value) throw new GraphFailure(400, 2500, 'An active access token must be used to query information about the current user.');
  const t = world.tokens.get(value);
  if (!t) throw new GraphFailure(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  if (t.revoked) {
    throw new GraphFailure(
      400,
      190,
      'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
      460,
    );
  }
  if (t.expiresAt !== null && t.expiresAt <= now) {
    throw new GraphFailure(
      400,
      190,
      `Error validating access token: Session has expired on ${new Date(t.expiresAt).toUTCString()}. The current time is ${new Date(now).toUTCString()}.`,
      463,
    );
  }
  return t;
}

/** Parameters from the query and a form or JSON body, the body winning. */
export function readParams(query: Record<string, string>, body: Buffer, contentType: string | undefined): Record<string, string> {
  const params = { ...query };
  if (!body.length) return params;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString())) params[k] = v;
  } else if (contentType?.includes('application/json')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(body.toString()) as Record<string, unknown>)) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      throw badParam('(#100) The request body is not valid JSON');
    }
  }
  return params;
}

/** Only the parameters a node's spec lists: anything else is refused, so a connector cannot drift from the API. */
export function allowOnly(params: Record<string, string>, allowed: readonly string[], node: string): void {
  const always = ['access_token', 'appsecret_proof', 'fields', 'method', 'format', 'suppress_http_code'];
  for (const name of Object.keys(params)) {
    const base = name.replace(/\[\d+\]$/, '');
    if (!allowed.includes(base) && !always.includes(base)) throw badParam(`(#100) Param ${name} is not a valid parameter of ${node}`);
  }
}

export const fieldsOf = (params: Record<string, string>, defaults: string[]) => (params.fields ? params.fields.split(',').map((f) => f.trim()) : defaults);

export function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: obj.id };
  for (const f of fields) if (obj[f] !== undefined) out[f] = obj[f];
  return out;
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
