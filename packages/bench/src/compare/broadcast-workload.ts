/**
 * The broadcast workloads: one publisher, N subscribers, the server relaying every message the
 * publisher sends to every connection. They measure the server's fan-out, so the clients are the
 * cheapest possible: plain sockets that send a fixed upgrade request and then only count bytes
 * (every relayed frame has the same size), the same for every server.
 */
import { connect as netConnect, type Socket } from 'node:net';

/** What one broadcast run measured. */
export interface BroadcastFigures {
  /** Messages delivered per second, all subscribers together, with `window` broadcasts in flight. */
  readonly deliveredPerSecond: number;
  /** Median time, in ms, for one broadcast to reach every subscriber (one at a time). */
  readonly reachMs: number;
}

export interface BroadcastSize {
  readonly subscribers: number;
  /** Broadcasts timed one at a time, for the reach time. */
  readonly single: number;
  /** Broadcasts for the throughput, sent `window` at a time. */
  readonly rounds: number;
  readonly window: number;
}

/** The relayed message: 64 bytes of ASCII text (a chat line), so the server handles a text message. */
const PAYLOAD = 'x'.repeat(64);
/** Its frame from the server: 2-byte header (unmasked, length < 126) and the payload. */
const FRAME_BYTES = 2 + PAYLOAD.length;
/** Connects in flight at once while ramping up, so that the listen backlog never overflows. */
const RAMP = 100;

interface Subscriber {
  readonly socket: Socket;
  /** Frame bytes received after the handshake. */
  bytes: number;
  /** The goal this subscriber was last counted as having reached. */
  counted: number;
}

function upgradeRequest(url: URL): string {
  return (
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  );
}

/** Opens one counting subscriber; resolves once the server's 101 response has arrived. */
function subscribe(url: URL, onBytes: (subscriber: Subscriber) => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: url.hostname, port: Number(url.port), noDelay: true });
    const subscriber: Subscriber = { socket, bytes: 0, counted: 0 };
    let head = '';
    let open = false;
    socket.on('data', (chunk: Buffer) => {
      if (open) {
        subscriber.bytes += chunk.length;
        return onBytes(subscriber);
      }
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      open = true;
      subscriber.bytes = head.length - end - 4;
      resolve(subscriber);
      if (subscriber.bytes > 0) onBytes(subscriber);
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(upgradeRequest(url)));
  });
}

/** The publisher's masked text frame (a client must mask, RFC 6455 §5.3), built once. */
function publisherFrame(): Buffer {
  const payload = Buffer.from(PAYLOAD);
  const mask = [0x12, 0x34, 0x56, 0x78];
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  for (let i = 0; i < 4; i++) frame[2 + i] = mask[i]!;
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/**
 * Runs the workload against the server at `url`: connects the subscribers (the first one also
 * publishes), then times single broadcasts and windows of broadcasts. Bounded in count; the
 * orchestrator bounds it in time.
 */
export async function runBroadcast(url: string, size: BroadcastSize): Promise<BroadcastFigures> {
  const target = new URL(url);
  let goal = 0;
  let reached = 0;
  let onAllReached: () => void = () => undefined;
  const onBytes = (subscriber: Subscriber): void => {
    if (goal > 0 && subscriber.counted !== goal && subscriber.bytes >= goal * FRAME_BYTES) {
      subscriber.counted = goal;
      reached += 1;
      if (reached === size.subscribers) onAllReached();
    }
  };
  const subscribers: Subscriber[] = [];
  for (let at = 0; at < size.subscribers; at += RAMP) {
    const batch = Math.min(RAMP, size.subscribers - at);
    subscribers.push(...(await Promise.all(Array.from({ length: batch }, () => subscribe(target, onBytes)))));
  }
  const publisher = subscribers[0]!.socket;
  const frame = publisherFrame();
  let sent = 0;
  /** Sends `count` broadcasts and resolves when every subscriber has received all sent so far. */
  const publish = (count: number): Promise<void> =>
    new Promise((resolve) => {
      sent += count;
      goal = sent;
      reached = 0;
      onAllReached = resolve;
      // Subscribers that already have everything (none, unless the server answered early) count now.
      for (const subscriber of subscribers) onBytes(subscriber);
      publisher.write(count === 1 ? frame : Buffer.concat(Array.from({ length: count }, () => frame)));
    });
  const reach: number[] = [];
  for (let i = 0; i < size.single; i++) {
    const start = performance.now();
    await publish(1);
    reach.push(performance.now() - start);
  }
  const start = performance.now();
  for (let i = 0; i < size.rounds; i++) await publish(size.window);
  const seconds = (performance.now() - start) / 1000;
  for (const subscriber of subscribers) subscriber.socket.destroy();
  reach.sort((a, b) => a - b);
  return { deliveredPerSecond: (size.rounds * size.window * size.subscribers) / seconds, reachMs: reach[Math.floor(reach.length / 2)]! };
}
