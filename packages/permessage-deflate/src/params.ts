import { ProtocolError, WireKitUsageError, type ExtensionParams } from '@wirekit/protocol';

/** The four parameters of RFC 7692 §7.1, once validated. */
export interface DeflateParams {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  /** A window size in bits (8–15); in an offer, `true` for a bare `client_max_window_bits`. */
  readonly serverMaxWindowBits: number | undefined;
  readonly clientMaxWindowBits: number | true | undefined;
}

/** Options for negotiation, as {@link perMessageDeflate} takes them. */
export interface NegotiationOptions {
  readonly serverNoContextTakeover?: boolean;
  readonly clientNoContextTakeover?: boolean;
  readonly serverMaxWindowBits?: number;
  readonly clientMaxWindowBits?: number | true;
}

/** What both ends settled on: who resets its context after each message, and the window sizes. */
export interface Agreement {
  readonly serverNoContextTakeover: boolean;
  readonly clientNoContextTakeover: boolean;
  readonly serverWindowBits: number;
  readonly clientWindowBits: number;
}

const NAMES = ['server_no_context_takeover', 'client_no_context_takeover', 'server_max_window_bits', 'client_max_window_bits'] as const;
const WINDOW_BITS = /^(?:8|9|1[0-5])$/;

/**
 * Validates the parameters of one offer or response (RFC 7692 §7.1): known names only, the
 * takeover flags bare, window sizes 8–15 in decimal. Duplicate names never get this far: the
 * header parser refuses them. A string is the reason the parameters are invalid.
 */
export function parseParams(params: ExtensionParams, kind: 'offer' | 'response'): DeflateParams | string {
  for (const name of Object.keys(params)) {
    if (!(NAMES as readonly string[]).includes(name)) return `unknown parameter "${name}"`;
  }
  const flag = (name: (typeof NAMES)[number]): boolean | string => {
    const value = params[name];
    if (value === undefined) return false;
    return value === true ? true : `${name} takes no value, got "${value}"`;
  };
  const window = (name: (typeof NAMES)[number], bareAllowed: boolean): number | true | undefined | string => {
    const value = params[name];
    if (value === undefined) return undefined;
    if (value === true) return bareAllowed ? true : `${name} needs a value from 8 to 15`;
    return WINDOW_BITS.test(value) ? Number(value) : `${name} must be an integer from 8 to 15, got "${value}"`;
  };
  const serverNoContextTakeover = flag('server_no_context_takeover');
  const clientNoContextTakeover = flag('client_no_context_takeover');
  const serverMaxWindowBits = window('server_max_window_bits', false);
  // §7.1.2.2: a bare client_max_window_bits only in an offer ("the client supports it").
  const clientMaxWindowBits = window('client_max_window_bits', kind === 'offer');
  for (const checked of [serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits]) {
    if (typeof checked === 'string') return checked;
  }
  return {
    serverNoContextTakeover: serverNoContextTakeover as boolean,
    clientNoContextTakeover: clientNoContextTakeover as boolean,
    serverMaxWindowBits: serverMaxWindowBits as number | undefined,
    clientMaxWindowBits: clientMaxWindowBits as number | true | undefined,
  };
}

/**
 * Checks options once, at construction, so that negotiation never meets a bad value.
 * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for a window size outside 8–15 or a flag that is not boolean.
 */
export function validateOptions(options: NegotiationOptions): void {
  for (const name of ['serverNoContextTakeover', 'clientNoContextTakeover'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'boolean') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a boolean`);
  }
  const windowOk = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 8 && (value as number) <= 15;
  if (options.serverMaxWindowBits !== undefined && !windowOk(options.serverMaxWindowBits)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `serverMaxWindowBits must be an integer from 8 to 15, got ${String(options.serverMaxWindowBits)}`);
  }
  const client = options.clientMaxWindowBits;
  if (client !== undefined && client !== true && !windowOk(client)) {
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `clientMaxWindowBits must be true or an integer from 8 to 15, got ${String(client)}`);
  }
}

/**
 * Client: the one offer to send. `client_max_window_bits` is offered bare by default, as
 * browsers do, so that a server short of memory may ask for a smaller window.
 */
export function clientOffer(options: NegotiationOptions): ExtensionParams {
  const params: Record<string, string | true> = {};
  if (options.serverNoContextTakeover === true) params['server_no_context_takeover'] = true;
  if (options.clientNoContextTakeover === true) params['client_no_context_takeover'] = true;
  if (options.serverMaxWindowBits !== undefined) params['server_max_window_bits'] = String(options.serverMaxWindowBits);
  const client = options.clientMaxWindowBits ?? true;
  params['client_max_window_bits'] = client === true ? true : String(client);
  return params;
}

/**
 * Client: checks the server's response against what was offered (RFC 7692 §7.1.1–§7.1.2).
 * @throws {ProtocolError} WK_ERR_HANDSHAKE_EXTENSION with the reason, which the handshake reports.
 */
export function acceptResponse(params: ExtensionParams, options: NegotiationOptions): Agreement {
  const refuse = (reason: string): never => {
    throw new ProtocolError('WK_ERR_HANDSHAKE_EXTENSION', `permessage-deflate: ${reason} (RFC 7692 §7.1)`);
  };
  const response = parseParams(params, 'response');
  if (typeof response === 'string') return refuse(response);
  if (options.serverNoContextTakeover === true && !response.serverNoContextTakeover) {
    refuse('the server did not accept server_no_context_takeover, which was offered');
  }
  const askedServerWindow = options.serverMaxWindowBits;
  const serverWindow = response.serverMaxWindowBits as number | undefined;
  if (askedServerWindow !== undefined) {
    if (serverWindow === undefined) refuse(`the server did not accept server_max_window_bits=${askedServerWindow}, which was offered`);
    else if (serverWindow > askedServerWindow) refuse(`server_max_window_bits=${serverWindow} is larger than the ${askedServerWindow} offered`);
  }
  const clientWindow = response.clientMaxWindowBits as number | undefined;
  const ownLimit = options.clientMaxWindowBits === undefined || options.clientMaxWindowBits === true ? 15 : options.clientMaxWindowBits;
  return {
    serverNoContextTakeover: response.serverNoContextTakeover,
    clientNoContextTakeover: response.clientNoContextTakeover || options.clientNoContextTakeover === true,
    serverWindowBits: serverWindow ?? 15,
    clientWindowBits: Math.min(clientWindow ?? 15, ownLimit),
  };
}

/**
 * Server: answers one offer, or returns the reason it is declined (RFC 7692 §7.1: a server
 * declines an offer with an unknown or invalid parameter, or one it cannot honour).
 */
export function answerOffer(params: ExtensionParams, options: NegotiationOptions): { response: ExtensionParams; agreement: Agreement } | string {
  const offer = parseParams(params, 'offer');
  if (typeof offer === 'string') return offer;
  const response: Record<string, string | true> = {};
  // §7.1.1.1: the client's request is granted by echoing it; the server may also choose it itself.
  const serverNoContextTakeover = offer.serverNoContextTakeover || options.serverNoContextTakeover === true;
  if (serverNoContextTakeover) response['server_no_context_takeover'] = true;
  // §7.1.1.2: the client's offer of it is only a hint; confirming it makes it binding (ws, for
  // one, resets its compressor only when the response says so), so the two ends cannot disagree.
  const clientNoContextTakeover = offer.clientNoContextTakeover || options.clientNoContextTakeover === true;
  if (clientNoContextTakeover) response['client_no_context_takeover'] = true;
  // §7.1.2.1: the server's window, at most what the client asked for.
  const serverWindow = Math.min(offer.serverMaxWindowBits ?? 15, options.serverMaxWindowBits ?? 15);
  if (offer.serverMaxWindowBits !== undefined || serverWindow < 15) response['server_max_window_bits'] = String(serverWindow);
  // §7.1.2.2: the client's window may be limited only if the client said it supports that.
  let clientWindow = offer.clientMaxWindowBits === undefined || offer.clientMaxWindowBits === true ? 15 : offer.clientMaxWindowBits;
  const wanted = options.clientMaxWindowBits;
  if (typeof wanted === 'number') {
    if (offer.clientMaxWindowBits === undefined) return `client_max_window_bits=${wanted} is required, and the offer does not allow it`;
    clientWindow = Math.min(clientWindow, wanted);
    response['client_max_window_bits'] = String(clientWindow);
  }
  return {
    response,
    agreement: { serverNoContextTakeover, clientNoContextTakeover, serverWindowBits: serverWindow, clientWindowBits: clientWindow },
  };
}
