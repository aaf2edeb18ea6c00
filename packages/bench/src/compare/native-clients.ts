/**
 * The WireKit transports through their own iOS-style APIs, beside their `connect` Connection
 * rows in clients.ts, so that the Connection's cost can be read per workload: task through
 * URLSession.webSocketTask with receive() re-armed per message, framed through NWConnection,
 * streams through SRWebSocket (SocketRocket), adapter through WebSocketClient's onEvent
 * (Starscream), and socket through its descriptor API (socket/connect/writev/recv, as a C
 * program) running @wirekit/protocol's engine itself, with no core Connection at all.
 */
import { randomFillSync, createHash } from 'node:crypto';
import { ClientHandshake, Engine, type EngineEvent } from '@wirekit/protocol';
import type { BenchClient, Dialer, TransportEntry } from './clients.js';

/** Enough descriptors for the idle workload's 1 000 connections in a @wirekit/socket table (whose default is macOS's 256), as a server raises RLIMIT_NOFILE. */
export const SOCKET_TABLE_LIMIT = 4096;

type MutableClient = BenchClient & { error: Error | null };

const noop = (): void => undefined;
const utf8 = new TextDecoder();

function client(send: (data: string | Uint8Array, client: MutableClient) => void, close: () => Promise<void>): MutableClient {
  const made: MutableClient = { error: null, onMessage: noop, send: (data) => send(data, made), close };
  return made;
}

const taskDialer = async (): Promise<Dialer> => {
  const { URLSession } = await import('@wirekit/task');
  return (url) =>
    new Promise((resolve, reject) => {
      let completed: () => void = noop;
      let opened = false;
      const session = new URLSession(undefined, {
        didOpenWithProtocol: () => {
          opened = true;
          resolve(made);
        },
        didCompleteWithError: (_session, _task, error) => {
          if (error !== null) made.error ??= error;
          if (error !== null && !opened) reject(error);
          completed();
        },
      });
      const task = session.webSocketTask(url);
      const made = client(
        (data, self) => task.send(data, (error) => error !== null && (self.error ??= error)),
        () =>
          new Promise<void>((done) => {
            completed = done;
            task.cancel(1000);
          }),
      );
      // URLSessionWebSocketTask.receive is one-shot: the app asks again after every message.
      const receive = (): void =>
        task.receive((result) => {
          if (result.kind === 'failure') return;
          made.onMessage(result.value.type === 'string' ? result.value.string : result.value.data);
          receive();
        });
      task.resume();
      receive();
    });
};

const framedDialer = async (): Promise<Dialer> => {
  const framed = await import('@wirekit/framed');
  return (url) =>
    new Promise((resolve, reject) => {
      const parameters = framed.NWParameters.tcp;
      parameters.defaultProtocolStack.applicationProtocols.unshift(new framed.NWProtocolWebSocket.Options());
      const connection = new framed.NWConnection(framed.NWEndpoint.url(url), parameters);
      const made = client(
        (data, self) => connection.send(data, { completion: (error) => error && (self.error ??= error) }),
        () =>
          new Promise<void>((done) => {
            connection.stateUpdateHandler = (state) => (state.kind === 'cancelled' || state.kind === 'failed') && done();
            connection.cancel();
          }),
      );
      const receive = (): void => {
        connection.receiveMessage((content, context, _isComplete, error) => {
          if (error !== null || content === null) return;
          made.onMessage(context?.webSocketMetadata?.opcode === 'text' ? utf8.decode(content) : content);
          receive();
        });
      };
      connection.stateUpdateHandler = (state) => {
        if (state.kind === 'ready') {
          receive();
          resolve(made);
        } else if (state.kind === 'failed') reject(state.error);
      };
      connection.start();
    });
};

const streamsDialer = async (): Promise<Dialer> => {
  const { SRWebSocket } = await import('@wirekit/streams');
  return (url) =>
    new Promise((resolve, reject) => {
      const socket = new SRWebSocket(url);
      let closed: () => void = noop;
      // SRWebSocket reports failed sends to the delegate (didFailWithError), as SocketRocket.
      const made = client(
        (data) => socket.send(data),
        () =>
          new Promise<void>((done) => {
            closed = done;
            socket.close(1000);
          }),
      );
      socket.delegate = {
        webSocketDidOpen: () => resolve(made),
        didReceiveMessage: (_socket, message) => made.onMessage(message),
        didFailWithError: (_socket, error) => {
          made.error ??= error;
          reject(error);
          closed();
        },
        didCloseWithCode: () => closed(),
      };
      socket.open();
    });
};

const adapterDialer = async (): Promise<Dialer> => {
  const { WebSocketClient } = await import('@wirekit/adapter');
  return (url) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocketClient(url);
      let closed: () => void = noop;
      const made = client(
        (data, self) => socket.write(data, (error) => error !== null && (self.error ??= error)),
        () =>
          new Promise<void>((done) => {
            closed = done;
            socket.disconnect(1000);
          }),
      );
      socket.onEvent = (event) => {
        switch (event.type) {
          case 'connected':
            return resolve(made);
          case 'text':
            return made.onMessage(event.string);
          case 'binary':
            return made.onMessage(event.data);
          case 'error':
            made.error ??= event.error;
            reject(event.error);
            return closed();
          case 'disconnected':
          case 'peerClosed':
          case 'cancelled':
            return closed();
          default:
            return undefined;
        }
      };
      socket.connect();
    });
};

/** RFC 6455 over a bare descriptor: the app reads with recv() on readable events and feeds the engine itself. */
const socketDialer = async (): Promise<Dialer> => {
  const bsd = await import('@wirekit/socket');
  const table = new bsd.SocketTable({ limit: SOCKET_TABLE_LIMIT });
  const random = (size: number): Uint8Array => randomFillSync(new Uint8Array(size));
  const sha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();
  return async (url) => {
    const target = new URL(url);
    const fd = table.socket(bsd.AF_INET, bsd.SOCK_STREAM);
    table.setsockopt(fd, bsd.IPPROTO_TCP, bsd.TCP_NODELAY, true);
    const connected = await table.connect(fd, bsd.sockaddr_in(target.hostname, Number(target.port)), { timeout: 10_000 });
    if (connected.error !== undefined) throw connected.error;
    const handshake = new ClientHandshake({ url, random, sha1 });
    let engine: Engine | null = null;
    let opened: (error?: Error) => void = noop;
    let ended: () => void = noop;
    const writeDone = (error?: Error): void => {
      if (error !== undefined) made.error ??= error;
    };
    const onEvent = (event: EngineEvent): void => {
      if (event.type === 'text' || event.type === 'binary') made.onMessage(event.data);
      else if (event.type === 'protocol-error') made.error ??= event.error;
    };
    const feed = (bytes: Uint8Array): void => {
      if (engine !== null) return engine.receive(bytes);
      const outcome = handshake.receive(bytes);
      if (outcome === null) return;
      if (outcome.kind !== 'accepted') return opened(new Error(`handshake ${outcome.kind}`));
      engine = new Engine({ role: 'client', random, allocate: (size) => Buffer.allocUnsafe(size), onEvent, onWrite: (chunks) => table.writev(fd, chunks, writeDone) });
      opened();
      if (outcome.remainder.length > 0) engine.receive(outcome.remainder);
    };
    // Bounded: each recv() takes at least one byte or ends the loop; BURST calls per event at most.
    const stop = table.watch(fd, () => {
      for (let burst = 0; burst < 64; burst++) {
        const result = table.recv(fd, 64 * 1024);
        if (result.kind === 'data') feed(result.bytes);
        else {
          if (result.kind === 'eof') ended();
          return;
        }
      }
    });
    const made = client(
      (data) => engine?.send(data),
      () =>
        new Promise<void>((done) => {
          ended = () => {
            stop();
            table.close(fd);
            done();
          };
          engine?.close(1000);
        }),
    );
    await new Promise<void>((resolve, reject) => {
      opened = (error) => (error === undefined ? resolve() : reject(error));
      table.writev(fd, [handshake.request()], writeDone);
    });
    return made;
  };
};

function nativeEntry(name: string, load: () => Promise<Dialer>): TransportEntry {
  return { name, server: 'wirekit', load };
}

/** The native rows, each named after its transport's Connection row, so the report can pair them. */
export const NATIVE_TRANSPORTS: readonly TransportEntry[] = [
  nativeEntry('task (URLSessionWebSocketTask API)', taskDialer),
  nativeEntry('framed (NWConnection API)', framedDialer),
  nativeEntry('streams (SRWebSocket API)', streamsDialer),
  nativeEntry('socket (descriptor API + engine)', socketDialer),
  nativeEntry('adapter (WebSocketClient onEvent API)', adapterDialer),
];

/** The Connection row a native row is measured against: the name before " (". */
export function connectionRowOf(name: string): string | null {
  const index = name.indexOf(' (');
  return index === -1 || !NATIVE_TRANSPORTS.some((entry) => entry.name === name) ? null : name.slice(0, index);
}
