import { errors } from './errors.js';

export type Body = Record<string, unknown>;

export function jsonBody(raw: unknown): Body {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.invalidParameters('request body must be a JSON object');
  return raw as Body;
}

/** undefined = absent, null = explicitly cleared (the spec marks these fields nullable). */
export function optionalText(body: Body, field: string, maxLength?: number): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw errors.invalidParameters(`${field} must be a string`);
  if (maxLength !== undefined && [...value].length > maxLength) {
    throw errors.invalidParameters(`${field} must be at most ${maxLength} characters`);
  }
  return value;
}

export function optionalId(body: Body, field: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw errors.invalidParameters(`${field} must be a numeric string`);
  return value;
}

export function optionalEnum<T extends string>(body: Body, field: string, allowed: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw errors.invalidParameters(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Pinterest answers a malformed destination link with code 1 "invalid URL". */
export function optionalLink(body: Body, field: string): string | null | undefined {
  const link = optionalText(body, field, 2048);
  if (link === undefined || link === null || link === '') return link;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw errors.invalidUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.invalidUrl();
  return link;
}

export function pathId(params: unknown, name: string): string {
  const value = (params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}
