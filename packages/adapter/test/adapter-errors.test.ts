import { WireKitError } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { closeArgumentError, errorEventError, libraryError } from '../src/adapter-errors.js';

const nodeError = (code: string): Error => Object.assign(new Error(`failed with ${code}`), { code });

describe('libraryError()', () => {
  it.each([
    ['ECONNREFUSED', 'WK_ERR_CONNECTION_REFUSED', 'posix'],
    ['ECONNRESET', 'WK_ERR_CONNECTION_RESET', 'posix'],
    ['ENOTFOUND', 'WK_ERR_DNS', 'dns'],
    ['EAI_AGAIN', 'WK_ERR_DNS', 'dns'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'WK_ERR_TLS', 'tls'],
  ])('maps the Node error %s to %s (domain %s), keeping the errno', (errno, code, domain) => {
    expect(libraryError(nodeError(errno))).toMatchObject({ code, domain, errno });
  });

  it.each([
    ['WS_ERR_INVALID_UTF8', 'WK_ERR_INVALID_UTF8', 1007],
    ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'WK_ERR_MESSAGE_TOO_LARGE', 1009],
    ['WS_ERR_UNEXPECTED_MASK', 'WK_ERR_UNEXPECTED_MASK', 1002],
    ['WS_ERR_INVALID_OPCODE', 'WK_ERR_RESERVED_OPCODE', 1002],
    ['WS_ERR_EXPECTED_FIN', 'WK_ERR_FRAGMENTED_CONTROL', 1002],
    ['WS_ERR_UNEXPECTED_RSV_1', 'WK_ERR_RESERVED_BITS', 1002],
  ])('maps ws\'s receiver code %s to %s (domain websocket, close code %i)', (wsCode, code, closeCode) => {
    expect(libraryError(nodeError(wsCode))).toMatchObject({ code, domain: 'websocket', closeCode });
  });

  it.each([
    ['Unexpected server response: 403', { code: 'WK_ERR_HANDSHAKE_STATUS', status: 403 }],
    ['Invalid Sec-WebSocket-Accept header', { code: 'WK_ERR_HANDSHAKE_ACCEPT' }],
    ['Server sent an invalid subprotocol', { code: 'WK_ERR_HANDSHAKE_PROTOCOL' }],
    ['Server indicated an extension that was not requested', { code: 'WK_ERR_HANDSHAKE_EXTENSION' }],
    ['Opening handshake has timed out', { code: 'WK_ERR_CONNECT_TIMEOUT' }],
    ['something else', { code: 'WK_ERR_TRANSPORT' }],
  ])('maps ws\'s handshake message "%s"', (message, expected) => {
    expect(libraryError(new Error(message))).toMatchObject(expected);
  });

  it('returns a WireKitError unchanged', () => {
    const error = new WireKitError('WK_ERR_ABORTED');
    expect(libraryError(error)).toBe(error);
  });
});

describe('errorEventError()', () => {
  it('maps a bare WHATWG error event to WK_ERR_TRANSPORT, keeping the event as the cause', () => {
    const event = { type: 'error' };
    expect(errorEventError(event)).toMatchObject({ code: 'WK_ERR_TRANSPORT', cause: event });
  });

  it('maps the error an ErrorEvent carries, and failing that its message', () => {
    expect(errorEventError({ error: nodeError('ENOTFOUND') })).toMatchObject({ code: 'WK_ERR_DNS' });
    expect(errorEventError({ message: 'Unexpected server response: 503' })).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 503 });
  });
});

describe('closeArgumentError()', () => {
  it.each([
    [new TypeError('First argument must be a valid error code number'), 'WK_ERR_INVALID_CLOSE_CODE'],
    [new DOMException('code', 'InvalidAccessError'), 'WK_ERR_INVALID_CLOSE_CODE'],
    [new RangeError('The message must not be greater than 123 bytes'), 'WK_ERR_CLOSE_REASON_TOO_LONG'],
    [new DOMException('reason', 'SyntaxError'), 'WK_ERR_CLOSE_REASON_TOO_LONG'],
  ])('maps %s to %s (domain usage)', (error, code) => {
    expect(closeArgumentError(error, 1005)).toMatchObject({ code, domain: 'usage', cause: error });
  });
});
