import type { WireKitError } from './wirekit-error.js';

type PendingPing = {
  readonly payload: Uint8Array;
  readonly sentAt: number;
  readonly resolve: (rtt: number) => void;
  readonly reject: (error: WireKitError) => void;
};

/**
 * Matches pongs to the pings that are waiting for them, to resolve each ping() with its
 * round-trip time. A pong answers the oldest ping with the same payload (RFC 6455 §5.5.3: a
 * pong echoes its ping's data); a pong whose payload matches none answers the oldest ping, so
 * that a peer which echoes sloppily still counts as alive. With no ping pending a pong is
 * unsolicited (allowed by §5.5.3) and ignored.
 */
export class PingTracker {
  private readonly pending: PendingPing[] = [];

  /** Pings waiting for their pong. */
  get size(): number {
    return this.pending.length;
  }

  /** Registers a ping sent at `sentAt`; resolves with the RTT in ms. */
  add(payload: Uint8Array, sentAt: number): Promise<number> {
    return new Promise((resolve, reject) => this.pending.push({ payload: payload.slice(), sentAt, resolve, reject }));
  }

  /** A pong arrived at `now`. */
  pong(data: Uint8Array, now: number): void {
    if (this.pending.length === 0) return;
    let index = this.pending.findIndex((ping) => sameBytes(ping.payload, data));
    if (index === -1) index = 0;
    const [ping] = this.pending.splice(index, 1);
    ping!.resolve(Math.max(0, now - ping!.sentAt));
  }

  /** Rejects every pending ping. */
  fail(error: WireKitError): void {
    for (const ping of this.pending.splice(0)) ping.reject(error);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
