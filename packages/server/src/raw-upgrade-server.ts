import { IncomingMessage } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { HttpHeadReader, listContainsToken, rejectUpgrade, type HttpRequestHead, type UpgradeRequestInput } from '@wirekit/protocol';

/** What a {@link rawUpgradeServer} asks of its WireKitServer for each socket. */
export interface RawUpgradeHandlers {
  /** A socket was accepted: track it and arm the handshake timeout before its head is read. */
  readonly connection: (socket: Socket) => void;
  /** A complete upgrade request head arrived: go on with the handshake, as for node:http's `upgrade` event. */
  readonly upgrade: (incoming: IncomingMessage, socket: Socket, head: Uint8Array) => void;
  /** Write `response` and close the socket. */
  readonly refuse: (socket: Socket, response: Uint8Array) => void;
}

/**
 * The answer node:http's `request` listener of a standalone server gave to a request that is not
 * an upgrade, byte for byte but for the Date header (no clock here) and Connection, which RFC 9110
 * §7.8 wants to list `upgrade` beside the Upgrade header (RFC 9110 §15.5.22: a 426 must send one).
 */
export const NOT_A_WEBSOCKET: Uint8Array = rejectUpgrade(426, { headers: [['Upgrade', 'websocket']], body: 'This endpoint speaks WebSocket only' });
/** A head the reader refused as malformed (node:http's `clientError` with an HPE_* code). */
const MALFORMED = rejectUpgrade(400);
/** A head over maxHeaderBytes (node:http's HPE_HEADER_OVERFLOW). */
const TOO_LARGE = rejectUpgrade(431);

const READING = Symbol('wirekit.rawUpgrade.reading');
const PARSED = Symbol('wirekit.rawUpgrade.parsed');

interface ReadingSocket extends Socket {
  [READING]?: { readonly reader: HttpHeadReader<'request'>; readonly handlers: RawUpgradeHandlers; received: boolean } | undefined;
}

interface ParsedIncoming extends IncomingMessage {
  /** Set by node:http on every request (true for an `upgrade` event's), though @types/node leaves it out. */
  upgrade?: boolean;
  [PARSED]?: HttpRequestHead;
}

/**
 * A `node:net` server whose sockets skip node:http: their request head is read by the bounded
 * {@link HttpHeadReader} (16 KiB, as node:http's default `maxHeaderSize`) and handed to the
 * handshake with a real `IncomingMessage` built from it, so the WireKitServer's hooks get what
 * they got from node:http. Answers as node:http did: 426 ({@link NOT_A_WEBSOCKET}) to a request
 * without `Upgrade` and `Connection: upgrade`, 400 to a malformed head, 431 to one too large.
 * node:http's parser, IncomingMessage header lines and per-socket listeners cost ~80 µs of
 * server CPU per handshake; this path is what a standalone `listen()` runs.
 *
 * @param handlers the WireKitServer's side, see {@link RawUpgradeHandlers}.
 */
export function rawUpgradeServer(handlers: RawUpgradeHandlers): Server {
  // Half-open as node:http's sockets: a client that ends its side after a bad head still gets the answer.
  return createServer({ allowHalfOpen: true, noDelay: true }, (socket: ReadingSocket) => {
    socket[READING] = { reader: new HttpHeadReader('request'), handlers, received: false };
    handlers.connection(socket);
    socket.on('data', onHeadData);
    socket.on('end', onHeadEnd);
  });
}

/**
 * The head a {@link rawUpgradeServer} parsed for `incoming`, to validate without rebuilding its
 * headers; the request itself (a node:http one, or an HTTP/2 stand-in) otherwise.
 */
export function upgradeInputOf(incoming: IncomingMessage): UpgradeRequestInput {
  const parsed = (incoming as ParsedIncoming)[PARSED];
  return parsed === undefined ? incoming : { method: parsed.method, url: parsed.target, httpVersion: parsed.httpVersion, headers: parsed.headers };
}

function onHeadData(this: ReadingSocket, chunk: Buffer): void {
  const reading = this[READING];
  if (reading === undefined) return;
  reading.received = true;
  const result = reading.reader.push(chunk);
  if (result === null) return;
  stopReading(this);
  // Answered already (408 at the handshake timeout) or gone: nothing more to say.
  if (this.writableEnded || this.destroyed) return;
  if (result.kind === 'error') {
    reading.handlers.refuse(this, result.error.code === 'WK_ERR_HANDSHAKE_HEADERS_TOO_LARGE' ? TOO_LARGE : MALFORMED);
    return;
  }
  const { head, remainder } = result;
  // node:http's rule for its `upgrade` event (llhttp): an Upgrade field and the `upgrade` connection option.
  if (!head.headers.has('upgrade') || !listContainsToken(head.headers.get('connection') ?? '', 'upgrade')) {
    reading.handlers.refuse(this, NOT_A_WEBSOCKET);
    return;
  }
  reading.handlers.upgrade(incomingFor(this, head), this, remainder);
}

/** The peer ended its side before its head did: 400 for half a head, as node:http; nothing for none. */
function onHeadEnd(this: ReadingSocket): void {
  const reading = this[READING];
  if (reading === undefined) return;
  stopReading(this);
  if (reading.received && !this.writableEnded) reading.handlers.refuse(this, MALFORMED);
  else this.destroy();
}

function stopReading(socket: ReadingSocket): void {
  socket[READING] = undefined;
  socket.off('data', onHeadData);
  socket.off('end', onHeadEnd);
  // As node:http hands an upgraded socket over: not flowing, so the bytes after the head wait,
  // bounded by the stream's highWaterMark, for the connection's channel to listen.
  (socket as { readableFlowing: boolean | null }).readableFlowing = null;
}

/**
 * A node:http `IncomingMessage` for `head`: method, url, httpVersion(Major/Minor), rawHeaders,
 * headers (node:http's own merging of repeated fields, computed when first read), `upgrade` and
 * `socket`, as node:http fills them for an `upgrade` event. Its body stream is empty, as an
 * upgrade request's is.
 */
function incomingFor(socket: Socket, head: HttpRequestHead): IncomingMessage {
  const incoming = new IncomingMessage(socket) as ParsedIncoming;
  incoming.method = head.method;
  incoming.url = head.target;
  incoming.httpVersion = head.httpVersion;
  incoming.httpVersionMajor = Number(head.httpVersion[0]);
  incoming.httpVersionMinor = Number(head.httpVersion[2]);
  incoming.upgrade = true;
  const raw = head.rawHeaders as string[];
  const addHeaderLines = (incoming as unknown as { _addHeaderLines?: (headers: string[], count: number) => void })._addHeaderLines;
  // node:http's parser fills a request this way (headers are then merged lazily, by node's rules).
  if (typeof addHeaderLines === 'function') addHeaderLines.call(incoming, raw, raw.length);
  else {
    incoming.rawHeaders = raw;
    incoming.headers = Object.fromEntries(head.headers);
  }
  incoming[PARSED] = head;
  return incoming;
}
