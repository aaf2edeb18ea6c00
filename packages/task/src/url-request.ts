import { WireKitUsageError } from '@wirekit/protocol';

/** What {@link URLRequest} is built from: the URL and, optionally, its headers and timeout. */
export interface URLRequestInit {
  /** Header fields sent with the opening handshake, as `allHTTPHeaderFields`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds, as `timeoutInterval`; see {@link URLRequest.timeoutInterval}. */
  readonly timeoutInterval?: number;
}

/**
 * `URLRequest`, reduced to what a WebSocket handshake reads: the URL, header fields (matched
 * case-insensitively, as Foundation does) and a timeout in seconds.
 */
export class URLRequest {
  readonly url: URL;
  /**
   * Seconds the connect and opening handshake may take, or undefined for the session
   * configuration's `timeoutIntervalForRequest` (60 s by default, as Foundation's).
   */
  timeoutInterval: number | undefined;
  private readonly fields = new Map<string, { name: string; value: string }>();

  /**
   * @throws {WireKitUsageError} WK_ERR_INVALID_URL for a string that is not a URL;
   *   WK_ERR_INVALID_ARGUMENT for a timeout that is not a positive number.
   */
  constructor(url: string | URL, init: URLRequestInit = {}) {
    this.url = parseURL(url);
    this.timeoutInterval = init.timeoutInterval === undefined ? undefined : checkSeconds(init.timeoutInterval, 'timeoutInterval');
    for (const [name, value] of Object.entries(init.headers ?? {})) this.setValue(value, name);
  }

  /** Every header field set, with the name as it was first given. */
  get allHTTPHeaderFields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, value } of this.fields.values()) out[name] = value;
    return out;
  }

  /** Sets a header field, replacing any value; `null` removes it (`setValue(_:forHTTPHeaderField:)`). */
  setValue(value: string | null, field: string): void {
    const key = field.toLowerCase();
    if (value === null) this.fields.delete(key);
    else this.fields.set(key, { name: this.fields.get(key)?.name ?? field, value });
  }

  /** Appends to a header field, comma-separated, as `addValue(_:forHTTPHeaderField:)`. */
  addValue(value: string, field: string): void {
    const current = this.value(field);
    this.setValue(current === null ? value : `${current},${value}`, field);
  }

  /** The value of a header field, or null (`value(forHTTPHeaderField:)`). */
  value(field: string): string | null {
    return this.fields.get(field.toLowerCase())?.value ?? null;
  }
}

/** Parses a URL argument; the handshake checks the scheme later with its own codes. */
export function parseURL(url: string | URL): URL {
  if (url instanceof URL) return new URL(url.href);
  if (typeof url !== 'string') throw new WireKitUsageError('WK_ERR_INVALID_URL', 'the URL must be a string or a URL');
  try {
    return new URL(url);
  } catch {
    throw new WireKitUsageError('WK_ERR_INVALID_URL', `invalid URL: ${url}`);
  }
}

/** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT unless `seconds` is a positive finite number. */
export function checkSeconds(seconds: number, what: string): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${what} must be a positive number of seconds`);
  }
  return seconds;
}
