import { TextBytes, type Message } from '@wirekit/core';
import type { BrokerEntry } from '@wirekit/server';

/**
 * The fields of one room message in its Redis stream: `d` the payload bytes, `x` "1" for text,
 * `e` the excluded member ids (JSON array), `p` the publisher's token.
 */
export function entryFields(data: Message, except: readonly string[], token: string): Array<string | Buffer> {
  const text = typeof data === 'string' || data instanceof TextBytes;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return ['d', bytes, 'x', text ? '1' : '0', 'e', except.length === 0 ? '[]' : JSON.stringify(except), 'p', token];
}

/** A stream entry as ioredis returns it with buffers: `[id, [field, value, …]]`. */
export type RawStreamEntry = [id: Buffer, fields: Buffer[]];

/**
 * Reads one stream entry back into a {@link BrokerEntry}; null for an entry that is not a
 * room message of this format (written by something else), which is skipped.
 */
export function parseEntry(room: string, [id, fields]: RawStreamEntry): BrokerEntry | null {
  let data: Buffer | undefined;
  let text = false;
  let except: readonly string[] = [];
  let token = '';
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const value = fields[index + 1]!;
    switch (fields[index]!.toString('latin1')) {
      case 'd':
        data = value;
        break;
      case 'x':
        text = value.toString('latin1') === '1';
        break;
      case 'e':
        except = parseExcept(value.toString('utf8'));
        break;
      case 'p':
        token = value.toString('utf8');
        break;
    }
  }
  if (data === undefined) return null;
  const payload: Message = text ? data.toString('utf8') : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { room, offset: id.toString('latin1'), data: payload, except, token };
}

function parseExcept(json: string): readonly string[] {
  if (json === '[]') return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The publisher tokens a node has seen in a room, bounded: a publish that ioredis resent after
 * a dropped connection (Redis took the first one, its reply was lost) is delivered once.
 */
export class TokenWindow {
  readonly #seen = new Set<string>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** True the first time `token` is seen (within the window). */
  first(token: string): boolean {
    if (token === '') return true;
    if (this.#seen.has(token)) return false;
    this.#seen.add(token);
    if (this.#seen.size > this.#size) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }
}
