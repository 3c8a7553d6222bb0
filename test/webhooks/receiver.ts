import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackgroundPass } from '../../src/shared/index.js';

export { closedAfterEach } from '../helpers/cleanup.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers as told. */
export async function startReceiver() {
  const requests: Received[] = [];
  const plan = { failures: 0, failStatus: 500, status: 200, delayMs: 0, location: undefined as string | undefined };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const status = plan.failures > 0 ? (plan.failures--, plan.failStatus) : plan.status;
      setTimeout(() => {
        if (plan.location) res.setHeader('location', plan.location);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status} `.repeat(200));
      }, plan.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    plan,
    /** Answer the next `n` requests with `status`, then succeed. */
    failNext(n: number, status = 500) {
      plan.failures = n;
      plan.failStatus = status;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Verifies a request the way the README tells users to, with node:crypto alone. */
export function verify(secret: string, req: Received, toleranceSeconds = 300): boolean {
  const parts = String(req.headers['pinion-signature'] ?? '')
    .split(',')
    .map((kv) => kv.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${req.body}`).digest();
  return parts.some(([k, v]) => {
    const given = Buffer.from(k === 'v1' ? (v ?? '') : '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Runs the pass until `done()` holds, bounded so a bug fails the test instead of hanging it. */
export async function runUntil(pass: BackgroundPass, done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const signal = new AbortController().signal;
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${pass.name} did not get there within ${timeoutMs} ms`);
    await pass.run(signal);
    await new Promise((r) => setTimeout(r, 10));
  }
}
