/**
 * The few runtime services the contract cases need, written once for Node, browsers, Bun and
 * Deno: no `Buffer`, no `process` unless present, typed structurally so that this package needs
 * no DOM types.
 */

/** The bytes of `chunks`, one after the other. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes; compares 4 bytes at a time where it can (16 MiB in milliseconds). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (; i < words; i++) if (wa[i] !== wb[i]) return false;
    i = words << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

interface RejectionEventLike {
  readonly reason: unknown;
  preventDefault(): void;
}

interface EventTargetLike {
  addEventListener(type: 'unhandledrejection', listener: (event: RejectionEventLike) => void): void;
  removeEventListener(type: 'unhandledrejection', listener: (event: RejectionEventLike) => void): void;
}

/**
 * Records the unhandled promise rejections of this runtime until the returned `stop` is called:
 * `process.on('unhandledRejection')` where there is a Node-style `process` (Node, Bun, Deno),
 * else the WHATWG `unhandledrejection` event (browsers). Recorded rejections are marked handled.
 */
export function watchUnhandledRejections(): { readonly reasons: readonly unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const runtime = globalThis as { process?: Partial<ProcessLike> } & Partial<EventTargetLike>;
  const processLike = runtime.process;
  if (typeof processLike?.on === 'function' && typeof processLike.off === 'function') {
    const node = processLike as ProcessLike;
    const listener = (reason: unknown): void => void reasons.push(reason);
    node.on('unhandledRejection', listener);
    return { reasons, stop: () => void node.off('unhandledRejection', listener) };
  }
  if (typeof runtime.addEventListener === 'function' && typeof runtime.removeEventListener === 'function') {
    const target = runtime as EventTargetLike;
    const listener = (event: RejectionEventLike): void => {
      event.preventDefault();
      reasons.push(event.reason);
    };
    target.addEventListener('unhandledrejection', listener);
    return { reasons, stop: () => target.removeEventListener('unhandledrejection', listener) };
  }
  throw new Error('this runtime reports unhandled rejections neither through process nor through an unhandledrejection event');
}

/** Base64 of `bytes`, on the `btoa` every runtime has. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const STEP = 0x8000;
  for (let i = 0; i < bytes.length; i += STEP) binary += String.fromCharCode(...bytes.subarray(i, i + STEP));
  return btoa(binary);
}

/** The bytes of a base64 string, on the `atob` every runtime has. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
