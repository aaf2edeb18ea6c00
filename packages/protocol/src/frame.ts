import type { RsvBits } from './extension.js';

/** One decoded frame (RFC 6455 §5.2), its payload already unmasked. */
export interface Frame extends RsvBits {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** Which end of the connection an engine plays; it decides the masking rules (§5.1). */
export type Role = 'client' | 'server';

/** RSV bits all clear: what a frame carries when no extension touched it. */
export const NO_RSV: RsvBits = Object.freeze({ rsv1: false, rsv2: false, rsv3: false });
