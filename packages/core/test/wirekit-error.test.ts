import { ProtocolError, WireKitUsageError } from '@wirekit/protocol';
import { describe, expect, it } from 'vitest';
import { errorCodes, toWireKitError, WireKitError, type ErrorDomain, type WireKitErrorCode } from '../src/index.js';

const nodeError = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('toWireKitError()', () => {
  it.each<[string, WireKitErrorCode, ErrorDomain]>([
    ['ECONNREFUSED', 'WK_ERR_CONNECTION_REFUSED', 'posix'],
    ['ECONNRESET', 'WK_ERR_CONNECTION_RESET', 'posix'],
    ['EPIPE', 'WK_ERR_CONNECTION_RESET', 'posix'],
    ['ECONNABORTED', 'WK_ERR_CONNECTION_RESET', 'posix'],
    ['EHOSTUNREACH', 'WK_ERR_HOST_UNREACHABLE', 'posix'],
    ['ENETUNREACH', 'WK_ERR_HOST_UNREACHABLE', 'posix'],
    ['EHOSTDOWN', 'WK_ERR_HOST_UNREACHABLE', 'posix'],
    ['ENETDOWN', 'WK_ERR_HOST_UNREACHABLE', 'posix'],
    ['ETIMEDOUT', 'WK_ERR_CONNECT_TIMEOUT', 'posix'],
    ['ENOTFOUND', 'WK_ERR_DNS', 'dns'],
    ['EAI_AGAIN', 'WK_ERR_DNS', 'dns'],
    ['EAI_FAIL', 'WK_ERR_DNS', 'dns'],
    ['EAI_NONAME', 'WK_ERR_DNS', 'dns'],
    ['EPROTO', 'WK_ERR_TLS', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'WK_ERR_TLS', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'WK_ERR_TLS', 'tls'],
    ['CERT_HAS_EXPIRED', 'WK_ERR_TLS', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'WK_ERR_TLS', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'WK_ERR_TLS', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'WK_ERR_TLS', 'tls'],
    ['ABORT_ERR', 'WK_ERR_ABORTED', 'posix'],
    ['ECANCELED', 'WK_ERR_ABORTED', 'posix'],
    ['EMFILE', 'WK_ERR_TRANSPORT', 'posix'],
  ])('maps a Node error with code %s to %s (domain %s), keeping errno and cause', (errno, code, domain) => {
    const cause = nodeError(errno);
    const error = toWireKitError(cause);
    expect(error).toBeInstanceOf(WireKitError);
    expect(error).toMatchObject({ code, domain, errno, message: errno });
    expect(error.cause).toBe(cause);
  });

  it('maps a ProtocolError to its code, close code and status, domain websocket', () => {
    const refused = toWireKitError(new ProtocolError('WK_ERR_HANDSHAKE_STATUS', 'Unexpected server response: 401', { status: 401 }));
    expect(refused).toMatchObject({ code: 'WK_ERR_HANDSHAKE_STATUS', status: 401, domain: 'websocket', closeCode: null });
    const peerCloseCode = toWireKitError(new ProtocolError('WK_ERR_INVALID_CLOSE_CODE', 'bad close code'));
    expect(peerCloseCode).toMatchObject({ code: 'WK_ERR_INVALID_CLOSE_CODE', domain: 'websocket', closeCode: 1002 });
  });

  it('maps a WireKitUsageError to its code, domain usage', () => {
    expect(toWireKitError(new WireKitUsageError('WK_ERR_NOT_OPEN', 'closed'))).toMatchObject({ code: 'WK_ERR_NOT_OPEN', domain: 'usage', closeCode: null });
  });

  it('maps an AbortError without a code to WK_ERR_ABORTED', () => {
    expect(toWireKitError(new DOMException('aborted', 'AbortError'))).toMatchObject({ code: 'WK_ERR_ABORTED' });
  });

  it.each([[new Error('odd')], ['a string'], [undefined]])('maps %o to WK_ERR_TRANSPORT', (value) => {
    expect(toWireKitError(value)).toMatchObject({ code: 'WK_ERR_TRANSPORT', domain: 'posix', closeCode: 1006 });
  });

  it('returns a WireKitError unchanged', () => {
    const error = new WireKitError('WK_ERR_DECODE');
    expect(toWireKitError(error)).toBe(error);
  });
});

describe('WireKitError', () => {
  it('takes its domain, close code and message from the table by default', () => {
    const error = new WireKitError('WK_ERR_PING_TIMEOUT');
    expect(error).toMatchObject({ name: 'WireKitError', domain: 'websocket', closeCode: 1006, message: errorCodes.WK_ERR_PING_TIMEOUT.description });
    expect(error.status).toBeUndefined();
    expect(error.errno).toBeUndefined();
  });

  it('lets each field be overridden', () => {
    const error = new WireKitError('WK_ERR_TRANSPORT', 'x', { domain: 'tls', closeCode: 1015, status: 500, errno: 'EIO', cause: 1 });
    expect(error).toMatchObject({ domain: 'tls', closeCode: 1015, status: 500, errno: 'EIO', cause: 1 });
  });
});

describe('one hierarchy: instanceof WireKitError', () => {
  it('covers the protocol engine’s WireKitUsageError and ProtocolError, which carry a domain, and converts them to the class proper', () => {
    const usage = new WireKitUsageError('WK_ERR_INVALID_URL', 'bad');
    const peer = new ProtocolError('WK_ERR_INVALID_UTF8', 'not UTF-8');
    expect(usage).toBeInstanceOf(WireKitError);
    expect(peer).toBeInstanceOf(WireKitError);
    expect([usage.domain, usage.closeCode, peer.domain, peer.closeCode]).toEqual(['usage', null, 'websocket', 1007]);
    expect(new Error('plain')).not.toBeInstanceOf(WireKitError);
    expect(toWireKitError(usage).constructor).toBe(WireKitError);
    expect(toWireKitError(peer)).toMatchObject({ name: 'WireKitError', code: 'WK_ERR_INVALID_UTF8', domain: 'websocket', closeCode: 1007 });
    class Narrower extends WireKitError {}
    expect(usage).not.toBeInstanceOf(Narrower);
  });
});
