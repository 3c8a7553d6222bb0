import type { DiscoveryShapes, FieldShape } from './discovery.js';
import { DISCOVERY_SHAPES } from './discovery-shapes.js';
import { errors } from './errors.js';
import type { VideoMetadata } from './state.js';

type MethodShape = DiscoveryShapes['methods'][string];

/**
 * Query parameters as Discovery lists them for the method (plus its common ones): unknown names,
 * missing required ones, enums, booleans, numbers, and every `part` name a property of the resource.
 */
export function checkQuery(shape: MethodShape, raw: Record<string, string | string[]>, extra: string[] = []): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const param = shape.parameters[name];
    if (!param && !extra.includes(name)) throw errors.unknownParameter(name);
    const text = Array.isArray(value) ? (param?.repeated ? value.join(',') : value[value.length - 1]!) : value;
    query[name] = text;
    if (!param) continue;
    if (param.enum && !param.enum.includes(text))
      throw errors.invalidParameter(name, `Invalid value '${text}'. Values must match the following regular expression: '${param.enum.join('|')}'`);
    if (param.type === 'boolean' && text !== 'true' && text !== 'false') throw errors.invalidParameter(name, `Invalid boolean value: '${text}'.`);
    if (param.type === 'integer' && !/^-?\d+$/.test(text)) throw errors.invalidParameter(name, `Invalid integer value: '${text}'.`);
  }
  for (const [name, param] of Object.entries(shape.parameters))
    if (param.required && (query[name] === undefined || query[name] === '')) throw errors.required(name);
  if (query.part !== undefined && shape.parts) {
    for (const part of query.part.split(',').map((p) => p.trim())) if (!shape.parts.includes(part)) throw errors.unknownPart(part);
  }
  return query;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** A request body against a Discovery schema: unknown fields and wrong types refused, as Google's JSON parser does. */
export function checkBody(schema: string, body: unknown, at = 'resource'): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badBody(`Expected an object at '${at}', got ${typeName(body)}.`);
  const fields = DISCOVERY_SHAPES.schemas[schema];
  if (!fields) throw new Error(`schema ${schema} is not in the emulator's shapes`);
  for (const [name, value] of Object.entries(body)) {
    const field = fields[name];
    if (!field) throw errors.badBody(`Unknown name "${name}" at '${at}': Cannot find field.`);
    checkField(field, value, `${at}.${name}`);
  }
}

function checkField(field: FieldShape, value: unknown, at: string): void {
  if (value === null) return;
  if ('ref' in field) return checkBody(field.ref, value, at);
  if ('array' in field) {
    if (!Array.isArray(value)) throw errors.invalidValue(at, value);
    value.forEach((v, i) => checkField(field.array, v, `${at}[${i}]`));
    return;
  }
  if ('map' in field) {
    if (typeof value !== 'object' || Array.isArray(value)) throw errors.invalidValue(at, value);
    for (const [k, v] of Object.entries(value as object)) checkField(field.map, v, `${at}[${k}]`);
    return;
  }
  const ok =
    field.type === 'any' ||
    (field.type === 'string' &&
      (typeof value === 'string' || (field.format !== undefined && /int64|uint64/.test(field.format) && typeof value === 'number'))) ||
    (field.type === 'boolean' && typeof value === 'boolean') ||
    ((field.type === 'integer' || field.type === 'number') && typeof value === 'number');
  if (!ok) throw errors.invalidValue(at, value);
  if (field.enum && !field.enum.includes(value as string)) throw errors.invalidValue(at, value);
}

/** Categories assignable in the US region (videoCategories.list regionCode=US, assignable=true). */
export const ASSIGNABLE_CATEGORIES = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'];

const tagsLength = (tags: string[]) => tags.reduce((sum, t) => sum + [...t].length + (/\s/.test(t) ? 2 : 0), 0) + Math.max(0, tags.length - 1);

/** What the prose docs add to Discovery for videos.insert metadata (title, description, tags, category, publishAt). */
export function checkVideoMetadata(body: Record<string, unknown>): VideoMetadata {
  checkBody('Video', body);
  const snippet = (body.snippet ?? {}) as Partial<VideoMetadata['snippet']>;
  const status = (body.status ?? {}) as Partial<VideoMetadata['status']>;
  const title = snippet.title ?? '';
  if (title.trim() === '' || [...title].length > 100 || /[<>]/.test(title)) throw errors.invalidTitle();
  const description = snippet.description ?? '';
  if (Buffer.byteLength(description, 'utf8') > 5000 || /[<>]/.test(description)) throw errors.invalidDescription();
  if (snippet.tags && (tagsLength(snippet.tags) > 500 || snippet.tags.some((t) => /[<>,]/.test(t)))) throw errors.invalidTags();
  const categoryId = snippet.categoryId ?? '22';
  if (!ASSIGNABLE_CATEGORIES.includes(categoryId)) throw errors.invalidCategoryId();
  const privacyStatus = status.privacyStatus ?? 'public';
  if (status.publishAt !== undefined && (privacyStatus !== 'private' || Number.isNaN(Date.parse(status.publishAt)))) throw errors.invalidPublishAt();
  return {
    snippet: {
      title,
      description,
      ...(snippet.tags && { tags: snippet.tags }),
      categoryId,
      ...(snippet.defaultLanguage && { defaultLanguage: snippet.defaultLanguage }),
    },
    status: { ...status, privacyStatus },
  };
}
