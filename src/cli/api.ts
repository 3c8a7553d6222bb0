import { UsageError } from './output.js';

interface Problem {
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; message: string; line?: number; index?: number }>;
}

/** A problem+json answer, told as the API told it: one line, then each bad field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(
      `${problem.detail ?? `HTTP ${status}`} (${status})${(problem.errors ?? []).map((e) => `\n  ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.field}: ${e.message}`).join('')}`,
    );
  }
}

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A running Pinion's HTTP API, as the CLI commands that are its clients call it. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  static from(args: { apiUrl?: string; key?: string }): ApiClient {
    const key = args.key ?? process.env.PINION_API_KEY;
    if (!key) throw new UsageError('No API key: pass --key or set $PINION_API_KEY (`pinion start` prints one)');
    const url = (args.apiUrl ?? process.env.PINION_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--api-url must be an http(s) URL, such as http://127.0.0.1:8080 (got "${url}")`);
    return new ApiClient(url, key);
  }

  async call<T = unknown>(
    method: string,
    path: string,
    init: { json?: unknown; text?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.text !== undefined) {
      headers['content-type'] = init.contentType ?? 'text/plain';
      body = init.text;
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new UsageError(
        `Cannot reach Pinion at ${this.baseUrl} (${cause}): is it running (pinion start)? Set --api-url or $PINION_API_URL if it listens elsewhere`,
      );
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: kept as text */
    }
    if (!res.ok) throw new ApiError(res.status, typeof parsed === 'object' && parsed ? (parsed as Problem) : { detail: String(text).slice(0, 200) });
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
}
