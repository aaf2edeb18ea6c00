// @wirekit/permessage-deflate — RFC 7692 permessage-deflate for the WireKit engine, on node:zlib, with limits checked after inflation. Every export is listed by name.

export { perMessageDeflate, PerMessageDeflate, PERMESSAGE_DEFLATE, DEFAULT_THRESHOLD } from './per-message-deflate.js';
export type { PerMessageDeflateOptions } from './per-message-deflate.js';
export { ZlibLimiter, sharedZlibLimiter, DEFAULT_ZLIB_CONCURRENCY } from './limiter.js';
export { DeflateCodec } from './deflate-codec.js';
export type { DeflateCodecOptions } from './deflate-codec.js';
export { parseParams } from './params.js';
export type { Agreement, DeflateParams, NegotiationOptions } from './params.js';
