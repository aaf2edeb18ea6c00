import type { MessageFramer } from '@wirekit/core';

/** A framer, or a function making one per connection (needed by an `NWListener`). */
export type NWFramerSource = MessageFramer | (() => MessageFramer);

/**
 * Framer options for a protocol stack (Swift `NWProtocolFramer.Options`): message framing for a
 * non-WebSocket TCP protocol. The framing itself is core's (`LengthPrefixFramer`, `LineFramer`
 * or your own `MessageFramer`); this only places it in the stack.
 */
class FramerOptions {
  /**
   * @param framer a framer instance, which serves one connection, or a factory, which serves any
   *   number (pass a factory to an `NWListener`: each accepted connection needs its own state).
   */
  constructor(readonly framer: NWFramerSource) {}

  /** Whether each connection can get a fresh framer. */
  get isFactory(): boolean {
    return typeof this.framer === 'function';
  }

  /** The framer for one new connection: a fresh one from a factory, else the instance. */
  makeFramer(): MessageFramer {
    return typeof this.framer === 'function' ? this.framer() : this.framer;
  }
}

/** Network.framework's custom framing protocol: its options class. */
export abstract class NWProtocolFramer {
  /** `new NWProtocolFramer.Options(() => new LengthPrefixFramer())` — see {@link FramerOptions}. */
  static readonly Options = FramerOptions;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace NWProtocolFramer {
  type Options = FramerOptions;
}
