import Fastify from 'fastify';
import sharp from 'sharp';
import { createPinterestSandbox, type PinterestSandbox, type PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';

interface Counts {
  calls: number;
  byStatus: Record<string, number>;
}

/** Counts of the sandbox's /v5 answers: what it sent, by status, and the calls it never answered. */
export class SandboxAnswers {
  private calls = 0;
  private readonly byStatus: Record<string, number> = {};

  received(): void {
    this.calls++;
  }

  answered(status: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  snapshot(): Counts {
    return { calls: this.calls, byStatus: { ...this.byStatus } };
  }

  /** Answers since `before`; calls not answered are those hung then cut, or done and then cut (the hang and drop faults). */
  since(before: Counts): { byStatus: Record<string, number>; unanswered: number } {
    const byStatus = Object.fromEntries(Object.entries(this.byStatus).map(([k, v]) => [k, v - (before.byStatus[k] ?? 0)]));
    const answered = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { byStatus, unanswered: this.calls - before.calls - answered };
  }
}

/**
 * The Pinterest sandbox on its own loopback port, served as `pinion sandbox` serves it (the API at
 * the root), plus a count of its answers by status, so a run shows the faults that really happened,
 * and one small image made once for every post (Pinion checks it when a post is made, the sandbox
 * fetches it for every pin: rendering it each time would slow the run for nothing).
 */
export async function startCountingSandbox(
  options: PinterestSandboxOptions,
): Promise<{ url: string; imageUrl: string; sandbox: PinterestSandbox; answers: SandboxAnswers; close(): Promise<void> }> {
  const app = Fastify();
  const image = await sharp({ create: { width: 200, height: 300, channels: 3, background: { r: 230, g: 0, b: 35 } } })
    .jpeg()
    .toBuffer();
  app.get('/chaos/image.jpg', (_request, reply) => reply.type('image/jpeg').send(image));
  // The sandbox fetches the pins' image from this same loopback server, as `pinion sandbox` allows its own address.
  let self = '';
  const sandbox = createPinterestSandbox({ fetchAllowHosts: () => [self], ...options });
  const answers = new SandboxAnswers();
  const isApi = (url: string) => url.startsWith('/v5/');
  app.addHook('onRequest', async (request) => {
    if (isApi(request.url)) answers.received();
  });
  // A hijacked reply (the hang and drop faults) never gets here.
  app.addHook('onResponse', async (request, reply) => {
    if (isApi(request.url)) answers.answered(reply.statusCode);
  });
  await app.register(sandbox.plugin);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  self = new URL(url).host;
  return { url, imageUrl: `${url}/chaos/image.jpg`, sandbox, answers, close: () => app.close() };
}
