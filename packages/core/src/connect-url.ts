// What every transport's `connect` shares before it dials: one URL check and one promise contract.
import { parseWebSocketUrl } from '@wirekit/protocol';
import { quiet } from './base-connection.js';
import type { Connection, ConnectOptions } from './connection.js';
import { toWireKitError } from './wirekit-error.js';

/**
 * Checks a connect URL as the engine's handshake does (the one check, @wirekit/protocol's
 * `parseWebSocketUrl`) and returns it parsed.
 *
 * @throws {WireKitError} WK_ERR_INVALID_URL (domain usage) for anything but a ws:, wss:, http: or
 *   https: URL with a host, no fragment and no credentials; the message names the mistake.
 */
export function checkConnectUrl(url: string | URL): URL {
  try {
    // parseWebSocketUrl made a fresh platform URL (protocol types it structurally, having no DOM
    // or Node types): no second parse.
    return parseWebSocketUrl(url) as unknown as URL;
  } catch (error) {
    throw toWireKitError(error);
  }
}

/**
 * Makes a transport's `connect` from the function that opens a connection to a checked URL
 * (`given` is the URL as the caller wrote it, for a connection that reports it unchanged).
 * The result never throws: a bad URL, a bad option or any other synchronous throw becomes a
 * rejection with a WireKitError (so `connect(url).catch(…)` sees every failure), and a rejection
 * nobody handles does not become an unhandled rejection.
 *
 * @example
 * ```ts
 * export const connect = defineConnect((url, options) => openOver(net.connect(…), url, options));
 * ```
 */
export function defineConnect<Options extends ConnectOptions, Result extends Connection = Connection>(
  open: (url: URL, options: Options, given: string | URL) => Promise<Result>,
): (url: string | URL, options?: Options) => Promise<Result> {
  return (url, options) => {
    let opening: Promise<Result>;
    try {
      opening = open(checkConnectUrl(url), options ?? ({} as Options), url);
    } catch (error) {
      opening = Promise.reject(toWireKitError(error));
    }
    return quiet(opening.catch((error: unknown) => Promise.reject(toWireKitError(error))));
  };
}
