// Why the peer closed, when its close code says it refused something this endpoint sent.
import { CloseCode } from '@wirekit/protocol';
import type { CloseInfo } from './connection.js';
import { WireKitError } from './wirekit-error.js';

/**
 * The error a connection reports (its `error` event, before `close`) when the peer closed with
 * 1009 (RFC 6455 §7.4.1: a message too big for it): WK_ERR_MESSAGE_TOO_LARGE, domain websocket,
 * closeCode 1009, so that a sender learns why its connection ended. Null for any other close.
 * Every transport calls it the same way: only when the connection did not fail by itself.
 */
export function peerCloseError(info: Pick<CloseInfo, 'code' | 'reason'>): WireKitError | null {
  if (info.code !== CloseCode.MessageTooBig) return null;
  const reason = info.reason === '' ? '' : ` "${info.reason}"`;
  return new WireKitError('WK_ERR_MESSAGE_TOO_LARGE', `the peer closed with 1009 (message too big)${reason}: a message sent was larger than it accepts (its maxMessageSize)`, { domain: 'websocket', closeCode: info.code });
}
