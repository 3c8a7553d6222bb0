import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import { ApiClient, ApiError } from './api.js';
import { UsageError, print, type Output } from './output.js';

/** Rows per request: the import endpoint takes at most this many, all or none. */
export const IMPORT_CHUNK_ROWS = 500;

interface Row {
  fields: string[];
  /** The line of the file the row ends on, as the server numbers lines. */
  line: number;
}

const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
const lineCount = (text: string) => text.split('\n').length;

/**
 * One chunk as its own CSV (the file's header, then its rows), with where each row ends in it, so the
 * server's line numbers map back onto the file's.
 */
function chunkCsv(header: string[], rows: Row[]): { csv: string; toFileLine: Map<number, number> } {
  const lines = [header.map(quote).join(',')];
  const toFileLine = new Map<number, number>([[1, 1]]);
  let at = lineCount(lines[0]!);
  for (const row of rows) {
    const text = row.fields.map(quote).join(',');
    lines.push(text);
    at += lineCount(text);
    toFileLine.set(at, row.line);
  }
  return { csv: `${lines.join('\n')}\n`, toFileLine };
}

/**
 * `pinion import FILE`: streams a CSV of any size to a running Pinion in chunks of at most 500 rows,
 * so the same checks apply as through the API. Each chunk carries an Idempotency-Key made of its
 * content and first row: importing the same file again creates nothing new, and after fixing a bad
 * row the chunks already stored are answered from the first import instead of made twice.
 */
export async function importCommand(args: { file?: string; api: ApiClient; out: Output; progress: NodeJS.WriteStream | undefined }): Promise<void> {
  const { file, api, out } = args;
  if (!file) throw new UsageError('Which file? Usage: pinion import <file.csv>');
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError(`"${file}" is not a file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`Cannot read "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }

  const tty = args.progress?.isTTY ? args.progress : undefined;
  const report = (text: string) => {
    if (tty) tty.write(`\r\x1b[2K${text}`);
    else if (args.progress) args.progress.write(`${text}\n`);
  };
  const parser = createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }));
  let header: string[] | undefined;
  let chunk: Row[] = [];
  let rowsSeen = 0;
  let created = 0;
  let replayed = 0;
  const ids: string[] = [];

  const send = async (rows: Row[], firstRow: number, bytesRead: number) => {
    const { csv, toFileLine } = chunkCsv(header!, rows);
    const key = `import-${createHash('sha256').update(csv).digest('hex').slice(0, 40)}-${firstRow}`;
    try {
      const res = await api.call<{ data: Array<{ id: string }> }>('POST', '/posts:import', {
        text: csv,
        contentType: 'text/csv',
        headers: { 'idempotency-key': key },
      });
      ids.push(...res.body.data.map((p) => p.id));
      if (res.headers.get('idempotent-replayed') === 'true') replayed += rows.length;
      else created += rows.length;
    } catch (err) {
      if (tty) tty.write('\n');
      if (err instanceof ApiError) {
        for (const e of err.problem.errors ?? []) if (e.line !== undefined) e.line = toFileLine.get(e.line) ?? e.line;
        const stored =
          firstRow > 0 ? ` Rows before line ${rows[0]!.line} are stored; fix the file and run the same command again: stored rows are not imported twice.` : '';
        throw new ApiError(err.status, {
          ...err.problem,
          detail: `import stopped at rows ${firstRow + 1}–${firstRow + rows.length}: ${err.problem.detail ?? ''}.${stored}`,
        });
      }
      throw err;
    }
    report(
      `Imported ${created + replayed} row(s)${replayed ? ` (${replayed} already imported before)` : ''}, ${Math.min(100, Math.round((bytesRead / Math.max(1, size)) * 100))}% of ${file}`,
    );
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      if (!header) {
        header = record;
        continue;
      }
      chunk.push({ fields: record, line: info.lines });
      if (chunk.length === IMPORT_CHUNK_ROWS) {
        await send(chunk, rowsSeen, info.bytes);
        rowsSeen += chunk.length;
        chunk = [];
      }
    }
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) throw new UsageError(`${file} line ${e.lines ?? '?'}: ${e.message}`);
    throw err;
  }
  if (!header) throw new UsageError(`${file} is empty: it needs a header row (such as content,platforms,scheduled_at) and one row per post`);
  if (chunk.length) await send(chunk, rowsSeen, size);
  if (!created && !replayed) throw new UsageError(`${file} has a header but no rows`);
  if (tty) tty.write('\n');
  print(
    out,
    { created, already_imported: replayed, posts: ids },
    () => `Imported ${created + replayed} post(s) from ${file}${replayed ? `: ${created} new, ${replayed} imported before` : ''}`,
  );
}
