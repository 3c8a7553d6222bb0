import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { jsonBody, pathId } from './input.js';
import { defineOperation } from './operation.js';
import { paginate } from './pagination.js';
import type { MediaUpload } from './state.js';
import { mediaView } from './views.js';

/** Signs upload policies the way an S3 presigned POST does, so a forged or altered form is refused. */
const signingKey = randomBytes(32);
const sign = (policy: string) => createHmac('sha256', signingKey).update(policy).digest('hex');

const UPLOAD_MAX_BYTES = 512 * 1024 * 1024;
const POLICY_TTL_MS = 60 * 60 * 1000;

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function s3Error(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export function registerMediaRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'POST', path: '/media', category: 'org_write', scopes: ['pins:read', 'pins:write'] }, async ({ request, user }) => {
    const body = jsonBody(request.body);
    if (body['media_type'] !== 'video') throw errors.invalidParameters("media_type must be 'video'");
    const now = new Date();
    const id = state.newId();
    const key = `uploads/${id}`;
    const policy = Buffer.from(
      JSON.stringify({ expiration: new Date(now.getTime() + POLICY_TTL_MS).toISOString(), conditions: [{ key }, { bucket: 'pinion-sandbox-media' }] }),
    ).toString('base64');
    const media: MediaUpload = {
      id,
      ownerId: user.id,
      mediaType: 'video',
      key,
      policy,
      signature: sign(policy),
      bytes: null,
      uploadedAt: null,
      createdAt: now,
    };
    state.media.set(id, media);
    return {
      status: 201,
      body: {
        media_id: id,
        media_type: 'video',
        upload_url: `${ctx.baseUrl(request)}/_upload`,
        upload_parameters: {
          'x-amz-date': amzDate(now),
          'x-amz-signature': media.signature,
          'x-amz-security-token': randomBytes(24).toString('base64'),
          'x-amz-algorithm': 'AWS4-HMAC-SHA256',
          'x-amz-credential': `SANDBOX/${amzDate(now).slice(0, 8)}/us-east-1/s3/aws4_request`,
          policy,
          key,
          'Content-Type': 'multipart/form-data',
        },
      },
    };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/media', category: 'org_read', scopes: ['pins:read'] }, async ({ request, user }) => {
    const mine = [...state.media.values()].filter((m) => m.ownerId === user.id);
    const page = paginate(mine, request.query as Record<string, unknown>, 'newest-first');
    return { status: 200, body: { items: page.items.map((m) => mediaView(m, ctx.options.mediaProcessingMs)), bookmark: page.bookmark } };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/media/{media_id}', category: 'org_read', scopes: ['pins:read'] }, async ({ request, user }) => {
    const media = state.media.get(pathId(request.params, 'media_id'));
    if (!media || media.ownerId !== user.id) throw errors.mediaNotFound();
    return { status: 200, body: mediaView(media, ctx.options.mediaProcessingMs) };
  });
}

/** The S3-style presigned-POST target: form fields from upload_parameters, then `file`; 204 like S3. */
export async function registerUploadRoute(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1 } });
    scope.post('/_upload', async (request, reply) => {
      if (!request.isMultipart()) return s3Error(reply, 400, 'InvalidRequest', 'Expected multipart/form-data.');
      const fields: Record<string, string> = {};
      let file: Buffer | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          // S3 ignores fields after the file, so the form must already identify the object.
          file = await part.toBuffer();
          break;
        }
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      }
      const media = [...ctx.state.media.values()].find((m) => m.key === fields['key']);
      const signature = Buffer.from(fields['x-amz-signature'] ?? '');
      const expected = Buffer.from(media?.signature ?? '');
      if (!media || fields['policy'] !== media.policy || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
        return s3Error(reply, 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed or signature does not match.');
      }
      if (!file) return s3Error(reply, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
      media.bytes = file;
      media.uploadedAt = Date.now();
      ctx.state.countCall('POST /_upload', media.ownerId);
      return reply.code(204).send();
    });
  });
}
