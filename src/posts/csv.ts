import { parse } from 'csv-parse/sync';
import { Value } from '@sinclair/typebox/value';
import { CONNECTORS, type FieldIssue } from '../connectors/index.js';
import { PostRequestSchema, type PostRequest } from './request.js';

/**
 * CSV columns and where each lands in a post request. Platforms add plain-named columns for
 * their options (a board, a title); `<platform>.<option>` reaches any option of any platform.
 */
const COLUMNS: Record<string, string> = {
  content: 'content',
  platforms: 'platforms',
  media_url: 'media_url',
  media_id: 'media_id',
  link: 'link',
  scheduled_at: 'scheduled_at',
  timezone: 'timezone',
  accounts: 'accounts',
  utm: 'utm',
  strict: 'strict',
  ...Object.fromEntries(CONNECTORS.flatMap((c) => Object.entries(c.csvColumns ?? {}).map(([col, option]) => [col, `platform_options.${c.facts.id}.${option}`]))),
};
export const CSV_COLUMNS = Object.keys(COLUMNS);
const LIST_COLUMNS = new Set(['platforms', 'accounts']);
const toColumn = new Map(Object.entries(COLUMNS).map(([col, path]) => [path, col]));

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

/** Reads a CSV with a header row into post requests; every problem carries its line number. */
export function parsePostsCsv(text: string, maxRows: number): { rows: CsvRow[]; errors: CsvIssue[] } {
  const errors: CsvIssue[] = [];
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true, relax_column_count: false });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { rows: [], errors: [{ line: e.lines ?? 1, field: '(csv)', message: e.message }] };
  }
  const header = Object.keys(records[0]?.record ?? {});
  for (const col of header) if (!(col in COLUMNS)) errors.push({ line: 1, field: col, message: `is not a known column (known: ${Object.keys(COLUMNS).join(', ')})` });
  if (records.length > maxRows) errors.push({ line: records[maxRows]!.info.lines, field: '(csv)', message: `has more than ${maxRows} rows; split the file` });
  if (errors.length) return { rows: [], errors };

  const rows: CsvRow[] = [];
  for (const { record, info } of records) {
    const request: Record<string, unknown> = {};
    for (const [col, raw] of Object.entries(record)) {
      if (raw === '') continue;
      const value = LIST_COLUMNS.has(col) ? raw.split(/[\s,;]+/).filter(Boolean) : col === 'utm' || col === 'strict' ? raw.toLowerCase() === 'true' : raw;
      set(request, COLUMNS[col]!, value);
    }
    const problems = [...Value.Errors(PostRequestSchema, request)];
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
