import { checkSeconds } from './url-request.js';

/**
 * Seconds a task may take to connect and finish its opening handshake, 60 as Foundation's
 * `timeoutIntervalForRequest` default: long enough for a slow mobile network and TLS.
 */
const DEFAULT_TIMEOUT_FOR_REQUEST = 60;

/**
 * `URLSessionConfiguration`, reduced to what a WebSocket task reads. `.default` and
 * `.ephemeral` return a fresh object each time (a Swift configuration is copied into the
 * session), so changing one never changes another session's.
 */
export class URLSessionConfiguration {
  /** Header fields added to every task's handshake; a request's own fields take precedence. */
  httpAdditionalHeaders: Record<string, string> = {};
  private timeout = DEFAULT_TIMEOUT_FOR_REQUEST;

  /** A fresh default configuration. */
  static get default(): URLSessionConfiguration {
    return new URLSessionConfiguration();
  }

  /** The same as {@link default}: WireKit keeps no cookies, cache or credentials to forget. */
  static get ephemeral(): URLSessionConfiguration {
    return new URLSessionConfiguration();
  }

  /** Seconds a task may take to connect and open, unless its request sets `timeoutInterval`; 60 by default. */
  get timeoutIntervalForRequest(): number {
    return this.timeout;
  }

  /** @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT unless positive. */
  set timeoutIntervalForRequest(seconds: number) {
    this.timeout = checkSeconds(seconds, 'timeoutIntervalForRequest');
  }

  /** A copy, as a Swift value: the session keeps its own. */
  copy(): URLSessionConfiguration {
    const copy = new URLSessionConfiguration();
    copy.httpAdditionalHeaders = { ...this.httpAdditionalHeaders };
    copy.timeout = this.timeout;
    return copy;
  }
}
