import type { ConnectionFactory } from '@wirekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { WebSocket as WsWebSocket } from 'ws';
import { connect, connectWebSocket, connectWs, fromWebSocket, fromWs, type WebSocketConstructor, type WebSocketLike, type WsConstructor, type WsSocketLike } from '../src/index.js';

describe('public types', () => {
  it('accepts a ws WebSocket in fromWs() and its class as connectWs\'s WebSocket option', () => {
    expectTypeOf<WsWebSocket>().toExtend<WsSocketLike>();
    expectTypeOf<typeof WsWebSocket>().toExtend<WsConstructor>();
    expectTypeOf(fromWs).parameter(0).toEqualTypeOf<WsSocketLike>();
  });

  it('accepts the DOM WebSocket and ws\'s class on the WHATWG path', () => {
    expectTypeOf<WebSocket>().toExtend<WebSocketLike>();
    expectTypeOf<typeof WebSocket>().toExtend<WebSocketConstructor>();
    expectTypeOf<typeof WsWebSocket>().toExtend<WebSocketConstructor>();
    expectTypeOf(fromWebSocket).parameter(0).toEqualTypeOf<WebSocketLike>();
  });

  it('exports factories that are ConnectionFactory', () => {
    expectTypeOf(connect).toEqualTypeOf<ConnectionFactory>();
    expectTypeOf(connectWs).toExtend<ConnectionFactory>();
    expectTypeOf(connectWebSocket()).toExtend<ConnectionFactory>();
  });
});
