import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { systemClock, WireKitError, type Clock, type TlsOptions } from '@wirekit/core';
import { NWError } from './nw-error.js';

/** What {@link dialSocket} needs: where, TLS or not, and how long. */
export interface DialOptions {
  readonly host: string;
  readonly port: number;
  /** TLS settings, or null for plain TCP. */
  readonly tls: TlsOptions | null;
  /** ms before the TCP connect (and TLS handshake) fails with WK_ERR_CONNECT_TIMEOUT. */
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  readonly noDelay?: boolean;
  /** TCP keep-alive initial delay in ms, or undefined for none. */
  readonly keepAliveDelay?: number | undefined;
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  /** Timers; default core's `systemClock`. */
  readonly clock?: Clock | undefined;
  /** TLS ALPN protocols to offer; `['http/1.1']` by default (`['h2', 'http/1.1']` when HTTP/2 is wanted). */
  readonly alpn?: readonly string[];
}

function toBuffers(ca: NonNullable<TlsOptions['ca']>): Array<string | Buffer> {
  const list = typeof ca === 'string' || ca instanceof Uint8Array ? [ca] : ca;
  return list.map((entry) => (typeof entry === 'string' ? entry : Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength)));
}

/** Runs the pinning hook on a connected TLS socket; returns the refusal, or null. */
function checkPeer(socket: TLSSocket, verifyPeer: NonNullable<TlsOptions['verifyPeer']>): WireKitError | null {
  const cert = socket.getPeerCertificate(true);
  let verdict: boolean | Error;
  try {
    verdict = verifyPeer({ fingerprint256: cert.fingerprint256, subject: { ...cert.subject }, raw: new Uint8Array(cert.raw) });
  } catch (error) {
    verdict = error instanceof Error ? error : new Error(String(error));
  }
  if (verdict === true) return null;
  return verdict instanceof Error
    ? NWError.tls(`The server certificate was refused: ${verdict.message}`, verdict)
    : NWError.tls('The server certificate was refused by the verifyPeer hook');
}

/** A dial under way: the socket (still connecting), the outcome, and a way to give up on it. */
export interface Dialing {
  /** The socket, writable at once: Node queues what is written until the connection is up. */
  readonly socket: Socket;
  /** Resolves once connected (TLS: once the handshake and the pinning hook passed); see {@link dialSocket}. */
  readonly connected: Promise<Socket>;
  /** Fails the dial now with `error` (the socket is destroyed), unless it already settled. */
  cancel(error: WireKitError): void;
}

/**
 * Opens a TCP (or TLS) connection: resolves with the socket once it is connected (TLS: once the
 * handshake and the pinning hook passed), rejects with a WireKitError (ECONNREFUSED, ENOTFOUND,
 * TLS, timeout, abort) after destroying the socket.
 */
export function dialSocket(options: DialOptions): Promise<Socket> {
  if (options.signal?.aborted === true) return Promise.reject(NWError.from(options.signal.reason));
  return startDial(options).connected;
}

/** {@link dialSocket}, with the socket in hand while it connects. */
export function startDial(options: DialOptions): Dialing {
  const { host, port, tls, signal } = options;
  const clock = options.clock ?? systemClock;
  const local = {
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    ...(options.localPort === undefined ? {} : { localPort: options.localPort }),
  };
  const socket: Socket =
    tls === null
      ? netConnect({ host, port, ...local })
      : tlsConnect({
          host,
          port,
          ...local,
          // RFC 6066 §3: SNI carries host names only, never IP literals.
          ...(tls.servername !== undefined ? { servername: tls.servername } : isIP(host) === 0 ? { servername: host } : {}),
          ...(tls.ca === undefined ? {} : { ca: toBuffers(tls.ca) }),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          ALPNProtocols: [...(options.alpn ?? ['http/1.1'])],
        });
  let finish: (error: WireKitError | null) => void = () => undefined;
  const connected = new Promise<Socket>((resolve, reject) => {
    let settled = false;
    finish = (error) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (error === null) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => finish(NWError.from(error));
    const onAbort = (): void => finish(NWError.from(signal?.reason));
    const timer = clock.setTimeout(() => finish(new WireKitError('WK_ERR_CONNECT_TIMEOUT', `No connection to ${host}:${port} within ${options.timeout} ms`, { errno: 'ETIMEDOUT' })), options.timeout);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(tls === null ? 'connect' : 'secureConnect', () => {
      socket.setNoDelay(options.noDelay ?? true);
      if (options.keepAliveDelay !== undefined) socket.setKeepAlive(true, options.keepAliveDelay);
      const refusal = tls?.verifyPeer === undefined ? null : checkPeer(socket as TLSSocket, tls.verifyPeer);
      finish(refusal);
    });
  });
  return { socket, connected, cancel: (error) => finish(error) };
}
