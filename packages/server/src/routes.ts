import { WireKitUsageError, type UpgradeRequest } from '@wirekit/protocol';
import type { PerfectWebSocket } from './perfect-web-socket.js';

/**
 * A WebSocket service, as Perfect's `WebSocketSessionHandler`: it gets each upgraded connection
 * of its route, wrapped as a {@link PerfectWebSocket}.
 */
export interface WebSocketSessionHandler {
  /**
   * The subprotocol this handler speaks, sent in Sec-WebSocket-Protocol when the client offered
   * it. Unlike Perfect, which echoes it blindly, one the client did not offer is not sent:
   * RFC 6455 §4.2.2 forbids selecting a subprotocol that was not offered.
   */
  readonly socketProtocol?: string | undefined;
  /** Called once per connection, when it is open and safe to read and write. */
  handleSession(request: UpgradeRequest, socket: PerfectWebSocket): void;
}

/**
 * Picks the session handler for a request from the client's subprotocols; null (or undefined)
 * refuses the upgrade with 400, as Perfect does.
 */
export type HandlerProducer = (request: UpgradeRequest, protocols: readonly string[]) => WebSocketSessionHandler | null | undefined;

/**
 * Perfect's `WebSocketHandler(handlerProducer:)`: the request handler of a WebSocket route.
 * The HTTP side (validation, 101, refusals) is the server's; this only chooses the session.
 */
export class WebSocketHandler {
  readonly handlerProducer: HandlerProducer;

  /**
   * @param handlerProducer see {@link HandlerProducer}.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT when it is not a function.
   */
  constructor(handlerProducer: HandlerProducer) {
    if (typeof handlerProducer !== 'function') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'handlerProducer must be a function');
    this.handlerProducer = handlerProducer;
  }
}

/**
 * Perfect's `Routes`: request paths mapped to WebSocket handlers. A path is matched segment by
 * segment: `*` matches any one segment and a final `**` matches the rest, as in Perfect; the
 * query string is ignored.
 *
 * @example
 * const routes = new Routes();
 * routes.add('/echo', new WebSocketHandler((request, protocols) => (protocols.includes('echo') ? new EchoHandler() : null)));
 * const server = new WireKitServer({ routes });
 */
export class Routes {
  readonly #routes: Array<{ readonly segments: readonly string[]; readonly handler: WebSocketHandler }> = [];

  /** Number of routes. */
  get size(): number {
    return this.#routes.length;
  }

  /**
   * Adds a route; the first route added wins when several match.
   *
   * @param uri an absolute path such as `/echo` or `/rooms/*`.
   * @param handler a {@link WebSocketHandler}, or its producer function.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a path that does not start with `/`.
   */
  add(uri: string, handler: WebSocketHandler | HandlerProducer): this {
    if (typeof uri !== 'string' || !uri.startsWith('/')) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'A route uri must start with "/"');
    this.#routes.push({ segments: splitPath(uri), handler: handler instanceof WebSocketHandler ? handler : new WebSocketHandler(handler) });
    return this;
  }

  /**
   * The handler for a request-target, or undefined.
   * @param target a request-target such as `/echo?x=1`.
   */
  match(target: string): WebSocketHandler | undefined {
    const path = splitPath(pathOf(target));
    return this.#routes.find((route) => matches(route.segments, path))?.handler;
  }
}

/** The path of a request-target, without its query. */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  for (const [index, segment] of pattern.entries()) {
    if (segment === '**' && index === pattern.length - 1) return true;
    const actual = path[index];
    if (actual === undefined || (segment !== '*' && segment !== actual)) return false;
  }
  return pattern.length === path.length;
}
