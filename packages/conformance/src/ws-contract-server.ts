import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@wirekit/core';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MessageLog, PeerDirectory, selectProtocol, type ContractServer, type PeerClose, type ServerPeer } from './contract-server.js';

/**
 * Largest message the contract servers accept: above the suite's 16 MiB echo, and the engine's
 * own default, so the server is never the side that limits.
 */
const SERVER_MAX_PAYLOAD = 100 * 1024 * 1024;
const FORBIDDEN_STATUS = 403;

/**
 * Starts the `ws` contract server: the independent reference every transport is checked
 * against (ws is the most used Node WebSocket implementation, and shares no code with WireKit).
 */
export async function startWsContractServer(): Promise<ContractServer> {
  const directory = new PeerDirectory();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: SERVER_MAX_PAYLOAD,
    perMessageDeflate: false,
    handleProtocols: (offered) => selectProtocol(offered) || false,
    verifyClient: (info, done) => {
      if (info.req.url?.startsWith('/forbidden') === true) done(false, FORBIDDEN_STATUS, 'Forbidden');
      else done(true);
    },
  });
  await once(wss, 'listening');
  wss.on('connection', (socket, request) => directory.add(wsPeer(socket, request)));
  const { port } = wss.address() as AddressInfo;
  return {
    kind: 'ws',
    url: `ws://127.0.0.1:${port}`,
    peer: (path, ms) => directory.get(path, ms),
    close: () => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }),
  };
}

function toMessage(data: RawData, isBinary: boolean): Message {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8');
}

function wsPeer(socket: WebSocket, request: IncomingMessage): ServerPeer {
  const path = request.url ?? '/';
  const log = new MessageLog();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const closed = new Promise<PeerClose>((resolve) => {
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }));
  });
  socket.on('error', () => undefined); // peer faults end in 'close'; the case asserts on that
  socket.on('message', (data, isBinary) => {
    const message = toMessage(data, isBinary);
    log.push(message);
    if (path.startsWith('/echo') && socket.readyState === WebSocket.OPEN) socket.send(message, { binary: isBinary });
  });
  const send = (data: Message, fin: boolean, binary: boolean): Promise<void> => new Promise((resolve, reject) => {
    socket.send(data, { binary, fin }, (error) => (error === undefined || error === null ? resolve() : reject(error)));
  });
  return {
    path,
    protocol: socket.protocol,
    headers,
    received: log.items,
    messages: (count, ms) => log.first(count, ms),
    closed,
    send: (data) => send(data, true, typeof data !== 'string'),
    sendFragments: async (fragments) => {
      const binary = typeof fragments[0] !== 'string';
      const sent = fragments.map((fragment, index) => send(fragment, index === fragments.length - 1, binary));
      await Promise.all(sent);
    },
    close: (code, reason) => socket.close(code, reason),
    drop: () => socket.terminate(),
  };
}
