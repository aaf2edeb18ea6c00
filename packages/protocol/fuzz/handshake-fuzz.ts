/**
 * Fuzz generators and oracles for the opening handshake: valid requests and responses, mutated
 * (bytes flipped, inserted, deleted, lines duplicated or dropped, truncated) and fed in random
 * chunks to ServerHandshake, ClientHandshake and HttpHeadReader. The oracle: they never throw on
 * peer bytes, answer once, and what they accept is usable (acceptUpgrade does not throw on an
 * accepted request; a refusal carries a 4xx response and a handshake code).
 */
import fc from 'fast-check';
import { acceptUpgrade, ClientHandshake, HttpHeadReader, ProtocolError, ServerHandshake, sha1, type ExtensionFactory } from '../src/index.js';

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const fixedRandom = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

/** An extension factory that accepts anything, so extension headers reach negotiation. */
const anyExtension: ExtensionFactory = {
  name: 'x-any',
  offer: () => [{ a: '1' }, {}],
  accept: () => ({ name: 'x-any', rsv: { rsv1: true, rsv2: false, rsv3: false }, decode: (p) => p, encode: (p) => ({ payload: p, rsv: { rsv1: true, rsv2: false, rsv3: false } }) }),
  negotiate: (offers) => ({ params: offers[0] ?? {}, extension: { name: 'x-any', rsv: { rsv1: true, rsv2: false, rsv3: false }, decode: (p) => p, encode: (p) => ({ payload: p, rsv: { rsv1: true, rsv2: false, rsv3: false } }) } }),
};

const validRequest = new TextDecoder('latin1').decode(new ClientHandshake({
  url: 'ws://example.com:8080/chat?room=1',
  random: fixedRandom,
  protocols: ['chat.v1', 'chat.v2'],
  extensions: [anyExtension],
  origin: 'https://example.com',
  headers: { 'X-Custom': 'value' },
}).request());

/** Field lines a mutation may insert: the ones handshakes care about, with odd values. */
const interestingLines = [
  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits', 'Sec-WebSocket-Extensions: x-any; a="q\\"x", ,;', 'Sec-WebSocket-Protocol: ,,a b',
  'Sec-WebSocket-Version: 13, 8', 'Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==', 'Upgrade: websocket, h2c', 'Connection: keep-alive', 'Host: [::1]:80',
  'Content-Length: 5', 'Transfer-Encoding: chunked', ' folded', 'X: \u00ff\u0080', 'Sec-WebSocket-Accept: x', '__proto__: 1', 'constructor: x',
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'line'; line: string; at: number }
  | { kind: 'drop-line'; at: number }
  | { kind: 'dup-line'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('\r', '\n', '\r\n', ':', ' ', '\t', '\0', ',', ';', '=', '"')) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('line' as const), line: fc.constantFrom(...interestingLines), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup-line' as const), at: fc.nat() }),
);

function mutate(head: string, mutations: readonly Mutation[]): string {
  let text = head;
  for (const m of mutations) {
    const at = text.length === 0 ? 0 : m.kind === 'line' || m.kind === 'drop-line' || m.kind === 'dup-line' ? m.at : m.at % (text.length + 1);
    const lines = text.split('\r\n');
    switch (m.kind) {
      case 'flip':
        if (text.length > 0) text = text.slice(0, at % text.length) + String.fromCharCode((text.charCodeAt(at % text.length) ^ (1 << m.bit)) & 0xff) + text.slice((at % text.length) + 1);
        break;
      case 'insert':
        text = text.slice(0, at) + m.text + text.slice(at);
        break;
      case 'delete':
        text = text.slice(0, at) + text.slice(at + m.length);
        break;
      case 'truncate':
        text = text.slice(0, at);
        break;
      case 'line':
        lines.splice(1 + (at % Math.max(1, lines.length - 2)), 0, m.line);
        text = lines.join('\r\n');
        break;
      case 'drop-line':
        if (lines.length > 3) lines.splice(1 + (at % (lines.length - 3)), 1);
        text = lines.join('\r\n');
        break;
      case 'dup-line': {
        const i = at % lines.length;
        lines.splice(i, 0, lines[i]!);
        text = lines.join('\r\n');
        break;
      }
    }
  }
  return text;
}

/** Cuts bytes at the given offsets (modulo the length). */
function chunk(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    if (cut > from) out.push(bytes.slice(from, cut));
    from = Math.max(from, cut);
  }
  return out;
}

/** A mutated head followed by a few frame bytes, and where to cut it. */
export const mutatedRequestArb = fc.record({
  mutations: fc.array(mutationArb, { maxLength: 4 }),
  trailer: fc.uint8Array({ maxLength: 8 }),
  cuts: fc.array(fc.nat(), { maxLength: 5 }),
});

/** ServerHandshake on a mutated request. Throws (a finding) when the contract breaks. */
export function checkServerHandshake(input: { mutations: Mutation[]; trailer: Uint8Array; cuts: number[] }, maxHeaderBytes?: number): void {
  const text = mutate(validRequest, input.mutations);
  const bytes = new Uint8Array([...latin1(text), ...input.trailer]);
  const handshake = new ServerHandshake(maxHeaderBytes === undefined ? {} : { maxHeaderBytes });
  let result: ReturnType<ServerHandshake['receive']> = null;
  let fed = 0;
  for (const part of chunk(bytes, input.cuts)) {
    result = handshake.receive(part);
    fed += part.length;
    if (result !== null) break;
  }
  if (result === null) {
    // Only a head that never ended may leave the handshake waiting.
    if (text.includes('\r\n\r\n') && bytes.length <= (maxHeaderBytes ?? 16 * 1024)) throw new Error(`a complete head of ${bytes.length} bytes got no answer`);
    return;
  }
  if (result.kind === 'invalid') {
    if (!(result.error instanceof ProtocolError) || !result.error.code.startsWith('WK_ERR_HANDSHAKE_')) throw new Error(`refusal with ${String(result.error.code)}`);
    // 4xx for the client's mistakes; 505 for an HTTP version other than 1.x.
    if ((result.status < 400 || result.status > 499) && result.status !== 505) throw new Error(`refusal with status ${result.status}`);
    if (!new TextDecoder('latin1').decode(result.response).startsWith(`HTTP/1.1 ${result.status} `)) throw new Error('refusal response is not an HTTP/1.1 status line');
    return;
  }
  if (result.remainder.length > fed) throw new Error('remainder longer than what was fed');
  // What the handshake accepts, a server can answer without throwing.
  const protocol = result.request.protocols[0];
  acceptUpgrade(result.request, { sha1, extensions: [anyExtension], ...(protocol === undefined ? {} : { protocol }) });
}

const goodResponse = (accept: string): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: chat.v1\r\nSec-WebSocket-Extensions: x-any; a=1\r\n\r\n`;

/** ClientHandshake on a mutated 101 response. Throws (a finding) when the contract breaks. */
export function checkClientHandshake(input: { mutations: Mutation[]; trailer: Uint8Array; cuts: number[] }): void {
  const handshake = new ClientHandshake({ url: 'ws://example.com/chat', random: fixedRandom, protocols: ['chat.v1'], extensions: [anyExtension] });
  const client = new ServerHandshake().receive(handshake.request());
  if (client?.kind !== 'upgrade') throw new Error('the fixture request was refused');
  const accept = /Sec-WebSocket-Accept: (\S+)/.exec(new TextDecoder().decode(acceptUpgrade(client.request, { sha1 }).response))![1]!;
  const bytes = new Uint8Array([...latin1(mutate(goodResponse(accept), input.mutations)), ...input.trailer]);
  for (const part of chunk(bytes, input.cuts)) {
    const result = handshake.receive(part);
    if (result === null) continue;
    if (result.kind === 'rejected' && !result.error.code.startsWith('WK_ERR_HANDSHAKE_')) throw new Error(`rejected with ${result.error.code}`);
    if (result.kind === 'accepted' && typeof result.protocol !== 'string') throw new Error('accepted without a protocol string');
    return;
  }
}

/** HttpHeadReader on arbitrary bytes: answers at most once, never throws. */
export function checkHeadReader(kind: 'request' | 'response', bytes: Uint8Array, cuts: readonly number[], maxHeaderBytes: number): void {
  const reader = new HttpHeadReader(kind, { maxHeaderBytes });
  for (const part of chunk(bytes, cuts)) {
    const result = reader.push(part);
    if (result === null) continue;
    if (result.kind === 'error' && !result.error.code.startsWith('WK_ERR_HANDSHAKE_')) throw new Error(`head error ${result.error.code}`);
    return;
  }
}

/** Arbitrary bytes biased towards HTTP heads. */
export const headBytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.array(mutationArb, { maxLength: 6 }), fc.boolean()).map(([m, request]) => latin1(mutate(request ? validRequest : goodResponse('x'), m))),
);
