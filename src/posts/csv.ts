import { parse } from 'csv-parse/sync';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CONNECTORS, type FieldIssue } from '../connectors/index.js';
import { PostRequestSchema, type PostRequest } from './request.js';

/**
 * CSV columns and where each lands in a post request. Platforms add plain-named columns for
 * their options (a board, a title); `<platform>.<option>` reaches any option of any platform.
 * A Map, not an object: a header such as `constructor` or `__proto__` must not find Object's own properties.
 */
const COLUMNS = new Map<string, string>([
  ['content', 'content'],
  ['platforms', 'platforms'],
  ['media_url', 'media_url'],
  ['media_id', 'media_id'],
  ['link', 'link'],
  ['scheduled_at', 'scheduled_at'],
  ['timezone', 'timezone'],
  ['fold', 'fold'],
  ['accounts', 'accounts'],
  ['utm', 'utm'],
  ['strict', 'strict'],
  ['campaign_id', 'campaign_id'],
  ...CONNECTORS.flatMap((c) => Object.entries(c.csvColumns ?? {}).map(([col, option]): [string, string] => [col, `platform_options.${c.facts.id}.${option}`])),
]);
export const CSV_COLUMNS = [...COLUMNS.keys()];
const LIST_COLUMNS = new Set(['platforms', 'accounts']);
const BOOLEAN_COLUMNS = new Set(['utm', 'strict']);
const toColumn = new Map([...COLUMNS].map(([col, path]) => [path, col]));
/** Compiled once: checking each row of a 100,000-row import against the interpreted schema was a fifth of its time. */
const requestChecker = TypeCompiler.Compile(PostRequestSchema);

export interface CsvRow {
  line: number;
  request: PostRequest;
}
export interface CsvIssue extends FieldIssue {
  line: number;
}

/** Names a request field by its CSV column when it has one, so errors point at the spreadsheet. */
export function columnOf(field: string): string {
  for (const [path, col] of toColumn) if (field === path || field.startsWith(`${path}.`)) return col + field.slice(path.length);
  return field;
}

function set(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/** The header's column names, or what is wrong with them: unknown names and names given twice. */
function readHeader(cells: string[]): { columns: string[]; errors: CsvIssue[] } {
  const columns = cells.map((c) => c.trim().toLowerCase());
  const errors: CsvIssue[] = [];
  const firstAt = new Map<string, number>();
  columns.forEach((col, i) => {
    if (!COLUMNS.has(col)) errors.push({ line: 1, field: col, message: `is not a known column (known: ${[...COLUMNS.keys()].join(', ')})` });
    const first = firstAt.get(col);
    if (first === undefined) firstAt.set(col, i);
    // Silently keeping one of two values would import something the spreadsheet did not say.
    else errors.push({ line: 1, field: col, message: `appears more than once in the header (columns ${first + 1} and ${i + 1}); keep one` });
  });
  return { columns, errors };
}

/** Reads a CSV with a header row into post requests; every problem carries its line number. */
export function parsePostsCsv(text: string, maxRows: number): { rows: CsvRow[]; errors: CsvIssue[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // Rows as arrays: the header is mapped here, so no cell name ever becomes an object key.
    // (csv-parse's types do not follow `info: true`, which wraps each row as { record, info }.)
    records = parse(text, { skip_empty_lines: true, trim: true, info: true, bom: true, relax_column_count: false }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows: [], errors: [{ line: e.lines ?? 1, field: '(csv)', message: e.message }] };
  }
  const [head, ...body] = records;
  const { columns, errors } = readHeader(head?.record ?? []);
  if (body.length > maxRows) errors.push({ line: body[maxRows]!.info.lines, field: '(csv)', message: `has more than ${maxRows} rows; split the file` });
  if (errors.length) return { rows: [], errors };

  const rows: CsvRow[] = [];
  for (const { record, info } of body) {
    const request: Record<string, unknown> = {};
    record.forEach((raw, i) => {
      const col = columns[i]!;
      if (raw === '') return;
      // PostgreSQL cannot store NUL in text; both stores refuse it, as the JSON API does.
      if (raw.includes('\u0000')) return void errors.push({ line: info.lines, field: col, message: 'must not contain a NUL character (\\u0000)' });
      const value = LIST_COLUMNS.has(col) ? raw.split(/[\s,;]+/).filter(Boolean) : BOOLEAN_COLUMNS.has(col) ? raw.toLowerCase() === 'true' : raw;
      set(request, COLUMNS.get(col)!, value);
    });
    if (errors.some((e) => e.line === info.lines)) continue;
    const problems = requestChecker.Check(request) ? [] : [...requestChecker.Errors(request)];
    if (problems.length) {
      for (const p of problems) {
        const field = p.path.replace(/^\//, '').replaceAll('/', '.') || '(row)';
        errors.push({ line: info.lines, field: columnOf(field), message: p.message });
      }
      continue;
    }
    rows.push({ line: info.lines, request: request as PostRequest });
  }
  return { rows, errors };
}
