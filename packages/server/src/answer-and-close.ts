import type { Duplex } from 'node:stream';
import type { Clock } from '@wirekit/core';

/**
 * How long a refused socket is still read, its bytes dropped, once its answer was written.
 * Closing a socket with unread bytes resets the connection, so a peer still sending (a head over
 * the size limit, a request line flooded) fails its next write and Node destroys it with the
 * answer unread: the peer sees EPIPE where it was told 431. 2 s is a round trip on the slowest
 * mobile link with room to spare, and bounds what a flooding peer costs after its refusal: reads
 * into nothing for at most 2 s, no memory.
 */
export const REFUSAL_LINGER_MS = 2_000;

const drop = (): void => undefined;

/**
 * Writes `answer` and ends `socket` (a FIN after it), then reads and drops whatever the peer still
 * sends until it ends its side or {@link REFUSAL_LINGER_MS} pass, and destroys the socket.
 */
export function answerAndClose(socket: Duplex, answer: Uint8Array, clock: Clock): void {
  socket.once('finish', () => {
    if (socket.destroyed) return;
    if (socket.readableEnded) return void socket.destroy();
    const timer = clock.setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
    socket.once('close', () => clock.clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.on('data', drop);
    socket.resume();
  });
  socket.end(answer);
}
