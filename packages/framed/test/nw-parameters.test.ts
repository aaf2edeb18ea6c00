import { LineFramer } from '@wirekit/core';
import { describe, expect, it } from 'vitest';
import { NWEndpoint, NWError, NWParameters, NWProtocolFramer, NWProtocolTLS, NWProtocolWebSocket } from '../src/index.js';

describe('NWParameters', () => {
  it('makes a fresh object for each NWParameters.tcp / .tls, as Swift’s value type', () => {
    const a = NWParameters.tcp;
    a.defaultProtocolStack.applicationProtocols.push(new NWProtocolWebSocket.Options());
    expect(NWParameters.tcp.defaultProtocolStack.applicationProtocols).toEqual([]);
    expect([NWParameters.tcp.tlsOptions, NWParameters.tls.tlsOptions instanceof NWProtocolTLS.Options]).toEqual([null, true]);
  });

  it.each([
    ['websocket', () => new NWProtocolWebSocket.Options()],
    ['framer', () => new NWProtocolFramer.Options(() => new LineFramer())],
  ] as const)('is driven by its first application protocol (%s)', (kind, make) => {
    const parameters = NWParameters.tcp;
    parameters.defaultProtocolStack.applicationProtocols.push(make());
    expect(parameters.stackKind.kind).toBe(kind);
  });

  it('is a raw byte stream with no application protocol', () => {
    expect(NWParameters.tcp.stackKind.kind).toBe('stream');
  });

  it('maps TLS options onto core’s TlsOptions', () => {
    const tls = new NWProtocolTLS.Options();
    const verify = (): boolean => true;
    tls.ca = 'PEM';
    tls.serverName = 'example.com';
    tls.setVerifyBlock(verify);
    expect(tls.toTlsOptions()).toEqual({ ca: 'PEM', servername: 'example.com', rejectUnauthorized: true, verifyPeer: verify });
  });
});

describe('NWProtocolWebSocket.Options', () => {
  it('answers pings by default and keeps the engine’s message limit', () => {
    const options = new NWProtocolWebSocket.Options();
    expect([options.autoReplyPing, options.maximumMessageSize, options.skipHandshake]).toEqual([true, undefined, false]);
  });

  it('stores subprotocols and additional headers', () => {
    const options = new NWProtocolWebSocket.Options();
    options.setSubprotocols(['v1']);
    options.setAdditionalHeaders([['A', '1']]);
    expect([options.subprotocols, options.additionalHeaders]).toEqual([['v1'], [['A', '1']]]);
  });
});

describe('NWEndpoint', () => {
  it.each([-1, 65_536, 1.5])('throws WK_ERR_INVALID_ARGUMENT for port %d', (port) => {
    expect(() => NWEndpoint.hostPort('h', port)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('throws WK_ERR_INVALID_URL for a string that is not a URL', () => {
    expect(() => NWEndpoint.url('::nope')).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_URL' }));
  });
});

describe('NWError', () => {
  it.each([
    [NWError.posix('ECONNREFUSED'), { kind: 'posix', code: 'ECONNREFUSED' }, 'WK_ERR_CONNECTION_REFUSED'],
    [NWError.posix('ECONNRESET'), { kind: 'posix', code: 'ECONNRESET' }, 'WK_ERR_CONNECTION_RESET'],
    [NWError.dns(), { kind: 'dns', code: 'ENOTFOUND' }, 'WK_ERR_DNS'],
    [NWError.tls('refused'), { kind: 'tls', code: 'WK_ERR_TLS' }, 'WK_ERR_TLS'],
  ])('describes %s as its Swift case', (error, swiftCase, code) => {
    expect(NWError.describe(error)).toEqual(swiftCase);
    expect(error.code).toBe(code);
  });
});
