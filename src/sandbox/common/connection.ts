import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sockets held open by the "timeout" fault. Each is destroyed after its hang time, or all at once when the
 * server closes, so tests neither wait forever nor leak handles.
 */
export class HeldConnections {
  private readonly sockets = new Set<Socket>();

  hold(request: FastifyRequest, reply: FastifyReply, ms: number): FastifyReply {
    reply.hijack();
    const socket = request.raw.socket;
    this.sockets.add(socket);
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
    return reply;
  }

  releaseAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}

/** The "drop after commit" fault: the work is done, then the client gets no answer at all (socket hang up). */
export function dropConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.raw.socket.destroy();
  return reply;
}
