import { describe, expect, it } from 'vitest';
import { WireKitUsageError } from '@wirekit/protocol';
import { perMessageDeflate, PerMessageDeflate, type PerMessageDeflateOptions } from '../src/index.js';
import { clientReceives, negotiate, offeredHeader, serverAnswers } from './support/handshake.js';

function usageCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WireKitUsageError) return error.code;
    throw error;
  }
  return undefined;
}

describe('perMessageDeflate()', () => {
  describe('options', () => {
    it.each<[string, PerMessageDeflateOptions]>([
      ['serverMaxWindowBits 7', { serverMaxWindowBits: 7 }],
      ['serverMaxWindowBits 16', { serverMaxWindowBits: 16 }],
      ['serverMaxWindowBits 10.5', { serverMaxWindowBits: 10.5 }],
      ['clientMaxWindowBits 0', { clientMaxWindowBits: 0 }],
      ['level 10', { level: 10 }],
      ['memLevel 0', { memLevel: 0 }],
      ['threshold -1', { threshold: -1 }],
      ['a non-boolean takeover flag', { serverNoContextTakeover: 'yes' as never }],
      ['a limiter that is not a ZlibLimiter', { limiter: {} as never }],
    ])('refuses %s with WK_ERR_INVALID_ARGUMENT', (_name, options) => {
      expect(usageCode(() => perMessageDeflate(options))).toBe('WK_ERR_INVALID_ARGUMENT');
    });
  });

  describe('client offer', () => {
    it.each<[string, PerMessageDeflateOptions, string]>([
      ['by default, client_max_window_bits bare (as browsers)', {}, 'permessage-deflate; client_max_window_bits'],
      ['every parameter asked for', { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 12 },
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12'],
    ])('offers %s', (_name, options, header) => {
      expect(offeredHeader(perMessageDeflate(options))).toBe(header);
    });
  });

  describe('client accepting the server response', () => {
    it.each<[string, PerMessageDeflateOptions, string, object]>([
      ['a bare response', {}, 'permessage-deflate', { serverNoContextTakeover: false, clientNoContextTakeover: false, serverWindowBits: 15, clientWindowBits: 15 }],
      ['both takeover flags', {}, 'permessage-deflate; server_no_context_takeover; client_no_context_takeover', { serverNoContextTakeover: true, clientNoContextTakeover: true }],
      ['window sizes', {}, 'permessage-deflate; server_max_window_bits=10; client_max_window_bits=9', { serverWindowBits: 10, clientWindowBits: 9 }],
      ['a quoted window size', {}, 'permessage-deflate; client_max_window_bits="11"', { clientWindowBits: 11 }],
      ['a smaller server window than asked', { serverMaxWindowBits: 12 }, 'permessage-deflate; server_max_window_bits=10', { serverWindowBits: 10 }],
      ['its own client window limit below the server’s', { clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=13', { clientWindowBits: 10 }],
      ['its own no-context-takeover promise', { clientNoContextTakeover: true }, 'permessage-deflate', { clientNoContextTakeover: true }],
    ])('accepts %s', (_name, options, header, agreement) => {
      const result = clientReceives(perMessageDeflate(options), header);
      expect(result.kind).toBe('accepted');
      if (result.kind !== 'accepted') return;
      expect(result.extensions[0]).toBeInstanceOf(PerMessageDeflate);
      expect((result.extensions[0] as PerMessageDeflate).agreement).toMatchObject(agreement);
      result.extensions[0]!.dispose?.();
    });

    it.each<[string, PerMessageDeflateOptions, string, string]>([
      ['an unknown parameter', {}, 'permessage-deflate; x_foo', 'unknown parameter "x_foo"'],
      ['a value on server_no_context_takeover', {}, 'permessage-deflate; server_no_context_takeover=1', 'server_no_context_takeover takes no value'],
      ['a value on client_no_context_takeover', {}, 'permessage-deflate; client_no_context_takeover=yes', 'client_no_context_takeover takes no value'],
      ['server_max_window_bits=7', {}, 'permessage-deflate; server_max_window_bits=7', 'server_max_window_bits must be an integer from 8 to 15, got "7"'],
      ['server_max_window_bits=16', {}, 'permessage-deflate; server_max_window_bits=16', 'from 8 to 15, got "16"'],
      ['server_max_window_bits=010', {}, 'permessage-deflate; server_max_window_bits=010', 'got "010"'],
      ['a bare server_max_window_bits', {}, 'permessage-deflate; server_max_window_bits', 'server_max_window_bits needs a value'],
      ['a bare client_max_window_bits', {}, 'permessage-deflate; client_max_window_bits', 'client_max_window_bits needs a value'],
      ['client_max_window_bits=abc', {}, 'permessage-deflate; client_max_window_bits=abc', 'got "abc"'],
      ['no server_no_context_takeover when it was offered', { serverNoContextTakeover: true }, 'permessage-deflate', 'did not accept server_no_context_takeover'],
      ['no server_max_window_bits when it was offered', { serverMaxWindowBits: 10 }, 'permessage-deflate', 'did not accept server_max_window_bits=10'],
      ['a larger server window than offered', { serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=11', 'server_max_window_bits=11 is larger than the 10 offered'],
      ['the extension twice', {}, 'permessage-deflate, permessage-deflate', 'twice'],
    ])('fails the handshake with WK_ERR_HANDSHAKE_EXTENSION on %s, naming it', (_name, options, header, reason) => {
      const result = clientReceives(perMessageDeflate(options), header);
      expect(result.kind).toBe('rejected');
      if (result.kind !== 'rejected') return;
      expect(result.error.code).toBe('WK_ERR_HANDSHAKE_EXTENSION');
      expect(result.error.message).toContain(reason);
    });

    it('opens without compression when the server does not answer the offer', () => {
      const result = clientReceives(perMessageDeflate(), '');
      expect(result).toMatchObject({ kind: 'accepted', extensions: [], extensionsHeader: '' });
    });
  });

  describe('server answering offers', () => {
    it.each<[string, PerMessageDeflateOptions, string, string]>([
      ['a bare offer', {}, 'permessage-deflate', 'permessage-deflate'],
      ['a browser’s offer', {}, 'permessage-deflate; client_max_window_bits', 'permessage-deflate'],
      ['server_no_context_takeover, granted', {}, 'permessage-deflate; server_no_context_takeover', 'permessage-deflate; server_no_context_takeover'],
      ['server_max_window_bits, granted', {}, 'permessage-deflate; server_max_window_bits=10', 'permessage-deflate; server_max_window_bits=10'],
      ['server_max_window_bits, granted smaller', { serverMaxWindowBits: 9 }, 'permessage-deflate; server_max_window_bits=12', 'permessage-deflate; server_max_window_bits=9'],
      ['its own server window', { serverMaxWindowBits: 11 }, 'permessage-deflate', 'permessage-deflate; server_max_window_bits=11'],
      ['its own no-context-takeover choices', { serverNoContextTakeover: true, clientNoContextTakeover: true }, 'permessage-deflate', 'permessage-deflate; server_no_context_takeover; client_no_context_takeover'],
      ['a client window limit the client allows', { clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits', 'permessage-deflate; client_max_window_bits=10'],
      ['a client window limit below the client’s own', { clientMaxWindowBits: 12 }, 'permessage-deflate; client_max_window_bits=9', 'permessage-deflate; client_max_window_bits=9'],
      ['client_no_context_takeover, confirmed so that it binds the client', {}, 'permessage-deflate; client_no_context_takeover', 'permessage-deflate; client_no_context_takeover'],
      ['the first valid offer of several', {}, 'permessage-deflate; x_unknown, permessage-deflate; server_max_window_bits=99, permessage-deflate; server_no_context_takeover', 'permessage-deflate; server_no_context_takeover'],
    ])('answers %s', (_name, options, offer, header) => {
      const { header: answered, extensions } = serverAnswers(perMessageDeflate(options), offer);
      expect(answered).toBe(header);
      expect(extensions).toHaveLength(1);
      extensions[0]!.dispose?.();
    });

    it.each<[string, PerMessageDeflateOptions, string]>([
      ['an unknown parameter', {}, 'permessage-deflate; mystery'],
      ['a bare server_max_window_bits', {}, 'permessage-deflate; server_max_window_bits'],
      ['server_max_window_bits out of range', {}, 'permessage-deflate; server_max_window_bits=16'],
      ['client_max_window_bits out of range', {}, 'permessage-deflate; client_max_window_bits=7'],
      ['a value on a takeover flag', {}, 'permessage-deflate; client_no_context_takeover=true'],
      ['an offer that cannot limit the client window it requires', { clientMaxWindowBits: 10 }, 'permessage-deflate'],
    ])('declines %s (RFC 7692 §7.1), opening without compression', (_name, options, offer) => {
      const { header, extensions } = serverAnswers(perMessageDeflate(options), offer);
      expect(header).toBe('');
      expect(extensions).toEqual([]);
    });
  });

  describe('both ends together', () => {
    it.each<[string, PerMessageDeflateOptions, PerMessageDeflateOptions]>([
      ['defaults', {}, {}],
      ['no context takeover both ways, asked by the client', { serverNoContextTakeover: true, clientNoContextTakeover: true }, {}],
      ['small windows chosen by the server', {}, { serverMaxWindowBits: 9, clientMaxWindowBits: 9 }],
      ['a 256-byte server window asked by the client', { serverMaxWindowBits: 8 }, {}],
    ])('agree on the same parameters: %s', (_name, clientOptions, serverOptions) => {
      const { client, server } = negotiate(perMessageDeflate(clientOptions), perMessageDeflate(serverOptions));
      expect((client[0] as PerMessageDeflate).agreement).toEqual((server[0] as PerMessageDeflate).agreement);
      client[0]!.dispose?.();
      server[0]!.dispose?.();
    });
  });
});
