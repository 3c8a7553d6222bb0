import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { pendingMigrations } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, sendProblem } from '../problem.js';

const Status = Type.Object({ status: Type.String() });

export async function healthRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the store answers, its schema is current, and no platform refused the app credentials',
        response: { 200: Status },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
        const pending = await pendingMigrations(ctx.store);
        if (pending.length) {
          return sendProblem(reply, new HttpProblem(503, 'not-ready', `Pending migrations: ${pending.join(', ')}; run "pinion migrate"`));
        }
        // A platform that refuses the app's client id or secret fails every account at once: an operator must act.
        const problems = ctx.accounts.tokens.platformProblems.list();
        if (problems.length) {
          const platforms = Object.fromEntries(
            problems.map((p) => [p.platform, { status: p.kind, message: p.message, since: p.since.toISOString(), last_seen: p.lastSeen.toISOString() }]),
          );
          const names = problems.map((p) => p.platform).join(', ');
          return sendProblem(
            reply,
            new HttpProblem(503, 'not-ready', `Misconfigured: ${names} refused this instance's app credentials; fix them and restart`, undefined, {
              platforms,
            }),
          );
        }
        return { status: 'ready' };
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        return sendProblem(reply, new HttpProblem(503, 'not-ready', 'The database does not answer'));
      }
    },
  );
}
