import type { ByteChannel, ByteChannelHandlers } from './byte-channel.js';
import { socketChannel, type DuplexSocketLike } from './socket-channel.js';
import { WireKitError } from './wirekit-error.js';

/**
 * The shape of a `node:http2` stream (server or client side) that {@link http2StreamChannel}
 * needs, written structurally so that core imports nothing from `node:`.
 */
export interface Http2StreamLike extends DuplexSocketLike {
  /** The RST_STREAM code the stream ended with (0, NO_ERROR, for a clean end); undefined while open. */
  readonly rstCode?: number | undefined;
  /** The session; null or destroyed once the session is gone. */
  readonly session?: { readonly destroyed: boolean } | null | undefined;
  on(event: 'aborted', listener: () => void): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A WebSocket's HTTP/2 stream (RFC 8441) as a {@link ByteChannel}: {@link socketChannel} over the
 * stream, HTTP/2 flow control being the backpressure the engine obeys, plus the one thing a
 * stream reports differently from a socket: a reset. Node reports a stream the peer reset with
 * `aborted` (and, on the server side, often no `error`), so a reset this side did not cause is
 * reported as an error before the stream's end: WK_ERR_HTTP2_SESSION when the session is gone with
 * it, else WK_ERR_HTTP2_STREAM_RESET. Either way only this WebSocket ends (1006).
 */
export function http2StreamChannel(stream: Http2StreamLike): ByteChannel {
  const inner = socketChannel(stream);
  let current: ByteChannelHandlers | null = null;
  let errored = false;
  let destroyed = false;
  let aborted = false;
  // Held from the start: Node detaches a stream from its session once the stream is destroyed.
  const session = stream.session;
  const report = (detail: string): void => {
    if (errored || destroyed || current === null) return;
    errored = true;
    current.error(
      session === null || session === undefined || session.destroyed
        ? new WireKitError('WK_ERR_HTTP2_SESSION', `the HTTP/2 session ended under the WebSocket (${detail})`)
        : new WireKitError('WK_ERR_HTTP2_STREAM_RESET', `the peer reset the WebSocket's HTTP/2 stream (${detail})`),
    );
  };
  return {
    write: (chunks, done) => inner.write(chunks, done),
    get bufferedAmount() {
      return inner.bufferedAmount;
    },
    end: () => inner.end(),
    destroy(error) {
      destroyed = true;
      inner.destroy(error);
    },
    pause: () => inner.pause(),
    resume: () => inner.resume(),
    bind(handlers: ByteChannelHandlers) {
      if (current === null) {
        // Node's 'aborted': RST_STREAM, or the session lost, before this side ended. The stream
        // closes right after; whether its session went with it is known only then.
        stream.on('aborted', () => {
          aborted = true;
        });
      }
      current = handlers;
      inner.bind({
        data: (chunk) => handlers.data(chunk),
        // After 'aborted' the 'end' Node emits is not the peer's END_STREAM: the error and close follow.
        end: () => {
          if (!aborted) handlers.end();
        },
        drain: () => handlers.drain(),
        error(error) {
          if (errored) return;
          errored = true;
          handlers.error(error);
        },
        close() {
          const code = stream.rstCode;
          if (aborted || (code !== undefined && code !== 0)) report(`RST_STREAM code ${String(code ?? 0)}`);
          handlers.close();
        },
      });
    },
  };
}
