import Fastify from 'fastify';
import { createPinterestSandbox, type PinterestSandbox, type PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';

export interface SandboxAnswers {
  /** /v5 requests received. */
  calls: number;
  /** Answers sent, by status. */
  byStatus: Record<string, number>;
  /** Requests never answered: hung then cut, or done and then cut (the sandbox's hang and drop faults). */
  unanswered(): number;
}

/**
 * The Pinterest sandbox on its own loopback port, served as `pinion sandbox` serves it (the API at
 * the root), plus a count of its answers by status, so a run shows the faults that really happened.
 */
export async function startCountingSandbox(options: PinterestSandboxOptions): Promise<{ url: string; sandbox: PinterestSandbox; answers: SandboxAnswers; close(): Promise<void> }> {
  const app = Fastify();
  const sandbox = createPinterestSandbox(options);
  const answers: SandboxAnswers = { calls: 0, byStatus: {}, unanswered: () => answers.calls - Object.values(answers.byStatus).reduce((a, b) => a + b, 0) };
  const isApi = (url: string) => url.startsWith('/v5/');
  app.addHook('onRequest', async (request) => {
    if (isApi(request.url)) answers.calls++;
  });
  // A hijacked reply (the hang and drop faults) never gets here.
  app.addHook('onResponse', async (request, reply) => {
    if (isApi(request.url)) answers.byStatus[reply.statusCode] = (answers.byStatus[reply.statusCode] ?? 0) + 1;
  });
  await app.register(sandbox.plugin);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, sandbox, answers, close: () => app.close() };
}
