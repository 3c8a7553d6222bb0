import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { checkQueue, getQueue, setQueue, upcomingSlots, WEEKDAYS, type QueueSlots } from '../../posts/index.js';
import type { ApiContext } from '../context.js';
import { invalid, notFound } from '../problem.js';
import { IdParams, isoTime } from '../schemas.js';
import { setAccountTimeZone } from '../../accounts/index.js';
import { canonicalTimeZone } from '../../shared/index.js';
import { accountOf } from './accounts.js';

const QueueBody = Type.Object(
  {
    timezone: Type.Optional(
      Type.String({ minLength: 1, description: 'IANA time zone the times are in, e.g. Europe/Paris; default the account’s own zone (UTC when it has none)' }),
    ),
    slots: Type.Array(
      Type.Object(
        {
          days: Type.Array(Type.String({ description: WEEKDAYS.join(', ') }), { minItems: 1, maxItems: 7, uniqueItems: true }),
          times: Type.Array(Type.String({ description: 'HH:MM, 24-hour' }), { minItems: 1, maxItems: 48, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
const SlotsQuery = Type.Object({ count: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })) }, { additionalProperties: false });
const QueueView = Type.Object({
  account_id: Type.String(),
  timezone: Type.String(),
  slots: Type.Array(Type.Object({ days: Type.Array(Type.String()), times: Type.Array(Type.String()) })),
  upcoming: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      local: Type.String({ description: 'The slot in the queue’s zone, with its offset' }),
      post_id: Type.Union([Type.String(), Type.Null()], { description: 'The post holding this slot, or null when free' }),
      delivery_id: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/** Queue time slots: an account's weekly posting times, and which posts fill the coming ones. */
export async function slotRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const tags = ['accounts'];
  const view = async (accountId: string, q: QueueSlots, count: number): Promise<Static<typeof QueueView>> => ({
    account_id: accountId,
    timezone: q.timezone,
    slots: q.slots,
    upcoming: (await upcomingSlots(db, accountId, q, Date.now(), count)).map((s) => ({
      at: isoTime(s.at),
      local: DateTime.fromMillis(s.at, { zone: q.timezone }).toISO({ suppressMilliseconds: true })!,
      post_id: s.postId,
      delivery_id: s.deliveryId,
    })),
  });

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof QueueBody> }>(
    '/accounts/:id/slots',
    {
      config: { scope: 'accounts:write' },
      schema: {
        tags,
        summary: 'Set the account’s weekly queue slots (times in its zone); posts sent with scheduled_at "next_slot" or queue: true fill them',
        params: IdParams,
        body: QueueBody,
        response: { 200: QueueView },
      },
    },
    async (request) => {
      const account = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      const queue = { ...request.body, timezone: request.body.timezone ?? account.timezone ?? 'UTC' } as QueueSlots;
      const errors = checkQueue(queue);
      if (errors.length) throw invalid(errors, 'The queue slots are invalid');
      await setQueue(db, account.id, queue);
      // The queue's zone is where the account posts from: an account without a zone of its own takes it.
      if (account.timezone === null) await setAccountTimeZone(db, request.caller.workspaceId, account.id, canonicalTimeZone(queue.timezone));
      return view(account.id, queue, 20);
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof SlotsQuery> }>(
    '/accounts/:id/slots',
    {
      config: { scope: 'accounts:read' },
      schema: {
        tags,
        summary: 'The account’s queue slots and the coming ones with the post filling each',
        params: IdParams,
        querystring: SlotsQuery,
        response: { 200: QueueView },
      },
    },
    async (request) => {
      const account = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      const queue = await getQueue(db, account.id);
      if (!queue) throw notFound('Queue slots of this account (set them with PUT)');
      return view(account.id, queue, request.query.count ?? 20);
    },
  );
}
