import { fieldError, problems, type FieldError } from './errors.js';

export type Body = Record<string, unknown>;

export const NUMERIC_ID = /^[0-9]{1,19}$/;

/** Collects every problem with a request, so one 400 names each bad field (as X's `errors[]` does). */
export class Issues {
  readonly list: FieldError[] = [];

  add(parameter: string, value: unknown, message: string): void {
    this.list.push(fieldError(parameter, value, message));
  }

  throwIfAny(detail?: string): void {
    if (this.list.length > 0) throw problems.invalidRequest([...this.list], detail);
  }
}

export function isObject(value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The spec marks request objects `additionalProperties: false`; X refuses unknown fields. */
export function checkKeys(body: Body, allowed: readonly string[], where: string, issues: Issues): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) issues.add(`${where}${key}`, body[key], `The field \`${where}${key}\` is not one of [${allowed.join(',')}]. Remove it.`);
  }
}

export function optionalString(body: Body, field: string, where: string, issues: Issues, pattern?: RegExp): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') issues.add(`${where}${field}`, value, `\`${where}${field}\` must be a string.`);
  else if (pattern && !pattern.test(value)) issues.add(`${where}${field}`, value, `\`${where}${field}\` must match ${pattern.source}.`);
  else return value;
  return undefined;
}

export function optionalBoolean(body: Body, field: string, issues: Issues): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') issues.add(field, value, `\`${field}\` must be true or false.`);
  return typeof value === 'boolean' ? value : undefined;
}

export function optionalEnum<T extends string>(body: Body, field: string, allowed: readonly T[], where: string, issues: Issues): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  issues.add(`${where}${field}`, value, `\`${where}${field}\` must be one of [${allowed.join(',')}].`);
  return undefined;
}

export function idArray(body: Body, field: string, where: string, min: number, max: number, issues: Issues): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length < min || value.length > max || !value.every((v) => typeof v === 'string' && NUMERIC_ID.test(v))) {
    issues.add(`${where}${field}`, value, `\`${where}${field}\` must be an array of ${min} to ${max} numeric id strings.`);
    return undefined;
  }
  return value as string[];
}

export function integerIn(raw: unknown, field: string, min: number, max: number, issues: Issues): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    issues.add(field, raw, `The \`${field}\` value [${String(raw)}] is not between ${min} and ${max}.`);
    return undefined;
  }
  return n;
}

/** RFC 3339 with an explicit offset, so a timestamp is never read in the process's zone. */
export function timestamp(raw: unknown, field: string, issues: Issues): number | undefined {
  if (raw === undefined) return undefined;
  const ok = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw);
  const ms = ok ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    issues.add(field, raw, `Invalid '${field}':'${String(raw)}'. '${field}' must be a valid RFC 3339 date-time such as 2026-01-31T12:00:00Z.`);
    return undefined;
  }
  return ms;
}

/** Query parameters the spec does not define for the operation are refused, as X does. */
export function checkQuery(query: Record<string, unknown>, allowed: readonly string[], issues: Issues): void {
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) issues.add(key, value, `The query parameter [${key}] is not one of [${allowed.join(',')}]`);
  }
}

export const pathId = (params: unknown, name = 'id'): string => {
  const value = (params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
};
