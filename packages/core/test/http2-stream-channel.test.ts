import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { http2StreamChannel, toWireKitError, type ByteChannelHandlers, type Http2StreamLike } from '../src/index.js';

/** Enough of a node:http2 stream for the channel: events, and the fields the channel reads. */
class FakeStream extends EventEmitter {
  rstCode: number | undefined = undefined;
  session: { destroyed: boolean } | null = { destroyed: false };
  writableLength = 0;
  destroyed = false;
  write(_chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean {
    callback?.();
    return true;
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {}
  resume(): void {}
}

function recorder(): { handlers: ByteChannelHandlers; events: string[] } {
  const events: string[] = [];
  return {
    events,
    handlers: {
      data: () => events.push('data'),
      end: () => events.push('end'),
      error: (error) => events.push(`error ${(error as { code?: string }).code ?? ''}`),
      close: () => events.push('close'),
      drain: () => events.push('drain'),
    },
  };
}

describe('http2StreamChannel()', () => {
  it("reports a peer's RST_STREAM ('aborted', then Node's 'end') as WK_ERR_HTTP2_STREAM_RESET before the close, not as an end", () => {
    const stream = new FakeStream();
    const { handlers, events } = recorder();
    http2StreamChannel(stream as unknown as Http2StreamLike).bind(handlers);
    stream.emit('aborted');
    stream.emit('end');
    stream.emit('close');
    expect(events).toEqual(['error WK_ERR_HTTP2_STREAM_RESET', 'close']);
  });

  it('reports a stream that ended with its session as WK_ERR_HTTP2_SESSION, and a clean end as an end', () => {
    const stream = new FakeStream();
    const { handlers, events } = recorder();
    http2StreamChannel(stream as unknown as Http2StreamLike).bind(handlers);
    stream.session!.destroyed = true;
    stream.rstCode = 2;
    stream.emit('close');
    expect(events).toEqual(['error WK_ERR_HTTP2_SESSION', 'close']);

    const clean = new FakeStream();
    const seen = recorder();
    http2StreamChannel(clean as unknown as Http2StreamLike).bind(seen.handlers);
    clean.emit('end');
    clean.rstCode = 0;
    clean.emit('close');
    expect(seen.events).toEqual(['end', 'close']);
  });

  it('reports nothing extra for a reset this side caused, nor twice when Node also emits an error', () => {
    const own = new FakeStream();
    const first = recorder();
    const channel = http2StreamChannel(own as unknown as Http2StreamLike);
    channel.bind(first.handlers);
    channel.destroy();
    own.rstCode = 8;
    own.emit('aborted');
    own.emit('close');
    expect(first.events).toEqual(['close']);

    const peer = new FakeStream();
    const second = recorder();
    http2StreamChannel(peer as unknown as Http2StreamLike).bind(second.handlers);
    peer.emit('error', Object.assign(new Error('Stream closed with error code NGHTTP2_INTERNAL_ERROR'), { code: 'ERR_HTTP2_STREAM_ERROR' }));
    peer.rstCode = 2;
    peer.emit('aborted');
    peer.emit('close');
    // Node's own error goes through as it is (the connection maps it with toWireKitError, below).
    expect(second.events).toEqual(['error ERR_HTTP2_STREAM_ERROR', 'close']);
  });
});

describe('toWireKitError() for node:http2 errors', () => {
  it.each([
    ['ERR_HTTP2_STREAM_ERROR', 'WK_ERR_HTTP2_STREAM_RESET'],
    ['ERR_HTTP2_SESSION_ERROR', 'WK_ERR_HTTP2_SESSION'],
    ['ERR_HTTP2_GOAWAY_SESSION', 'WK_ERR_HTTP2_SESSION'],
  ])('maps %s to %s, 1006', (nodeCode, code) => {
    const error = toWireKitError(Object.assign(new Error('http2'), { code: nodeCode }));
    expect(error.code).toBe(code);
    expect(error.closeCode).toBe(1006);
  });
});
