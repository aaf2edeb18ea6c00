import { MAX_CONTROL_PAYLOAD } from './close-code.js';
import { decodeClosePayload, encodeClosePayload } from './close-frame.js';
import { assertNever, ProtocolError, WireKitUsageError } from './errors.js';
import type { Extension, RsvBits } from './extension.js';
import { startDecode } from './extension-pipeline.js';
import { NO_RSV, type Frame, type Role } from './frame.js';
import { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
import { InboundQueue } from './inbound-queue.js';
import type { EngineEvent, EngineOptions, EngineState } from './engine-options.js';
import { DEFAULT_MAX_FRAGMENTS, MessageAssembler, type MessageAssemblerOptions, type RawMessage } from './message-assembler.js';
import { Opcode } from './opcode.js';
import { Outbound, OUTBOUND_FAILED, type OutboundOwner } from './outbound.js';
import type { PreparedMessage } from './prepared-message.js';
import { scanUtf8Using, UTF8_BOUNDARY, UTF8_INVALID } from './utf8-scan.js';
import { isUtf8, TextBytes, validatedWhenMade } from './text-bytes.js';

const DEFAULT_MAX_MESSAGE = 100 * 1024 * 1024;
type Writable<T> = { -readonly [K in keyof T]: T[K] };
const NO_EXTENSIONS: readonly Extension[] = [];
const encoder = new TextEncoder();

/**
 * The sans-IO WebSocket engine for an open connection: bytes in through `receive()`, events
 * out through `onEvent`, bytes to write out through `onWrite`. No I/O, no timers: close
 * timeouts and keep-alive belong to the layer that owns the socket.
 *
 * Peer bytes never throw: they produce a `protocol-error` event and a queued Close frame.
 * Misuse throws a `WireKitUsageError` at once.
 */
export class Engine<Tag = unknown> implements OutboundOwner {
  readonly role: Role;
  private readonly options: EngineOptions<Tag>;
  private readonly decoder: FrameDecoder;
  private readonly assembler: MessageAssembler;
  private readonly extensions: readonly Extension[];
  private readonly maxMessageSize: number;
  private readonly outbound: Outbound<Tag>;
  private currentState: EngineState = 'open';
  /** Outgoing fragmented message in progress, started with `sendPart`. */
  private partOpcode: typeof Opcode.Text | typeof Opcode.Binary | null = null;
  /** Inbound events waiting behind an asynchronous extension decode, in order; created by the first such decode. */
  private inbox: InboundQueue | null = null;
  private failed = false;
  /** The extensions are disposed once the decodes queued before a clean close are done. */
  private disposeWhenIdle = false;
  /**
   * While true, any violation is held (see {@link heldViolation}), whether or not a message
   * came before it in the same read: for a caller that lets the application have its turn
   * before every failure (core: one clock turn), so that answers to messages from earlier reads
   * of the same turn leave before the Close too. The caller ends it with {@link failHeld}.
   */
  holdViolations = false;
  /** A data message was delivered during the current receive() call (see deferViolations). */
  private delivered = false;
  private held: ProtocolError | null = null;
  /** The UTF-8 state of the text frame whose payload is arriving (see scanUtf8). */
  private utf8 = UTF8_BOUNDARY;

  constructor(options: EngineOptions<Tag>) {
    if (options.role !== 'client' && options.role !== 'server') throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'role must be "client" or "server"');
    if (options.role === 'client' && options.random === undefined) {
      throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a client engine needs `random` for masking keys (RFC 6455 §5.3)');
    }
    this.role = options.role;
    this.options = options;
    this.maxMessageSize = positive(options.maxMessageSize, DEFAULT_MAX_MESSAGE, 'maxMessageSize');
    // An empty list from the handshake is replaced by the shared one: one array fewer per connection.
    this.extensions = options.extensions === undefined || options.extensions.length === 0 ? NO_EXTENSIONS : options.extensions;
    this.outbound = new Outbound<Tag>(options, this.extensions, positive(options.fragmentSize, Number.POSITIVE_INFINITY, 'fragmentSize'), this);
    let allowedRsv: RsvBits = NO_RSV;
    for (const extension of this.extensions) {
      allowedRsv = {
        rsv1: allowedRsv.rsv1 || extension.rsv.rsv1,
        rsv2: allowedRsv.rsv2 || extension.rsv.rsv2,
        rsv3: allowedRsv.rsv3 || extension.rsv.rsv3,
      };
    }
    // Fields set one by one, not spread from conditional literals: V8 takes a slow path for each
    // such spread (~0.4 µs), six per connection here.
    const assembler: Writable<MessageAssemblerOptions> = { maxFragments: positive(options.maxFragments, DEFAULT_MAX_FRAGMENTS, 'maxFragments'), maxMessageSize: this.maxMessageSize };
    const decoder: Writable<FrameDecoderOptions> = { role: options.role, maxFrameSize: positive(options.maxFrameSize, Number.POSITIVE_INFINITY, 'maxFrameSize'), allowedRsv };
    if (options.allocate !== undefined) assembler.allocate = decoder.allocate = options.allocate;
    if (options.textAsBytes === true) assembler.textAsBytes = true;
    if (options.isUtf8 !== undefined) assembler.isUtf8 = options.isUtf8;
    this.assembler = new MessageAssembler(assembler);
    this.decoder = new FrameDecoder(decoder);
  }

  /** `open`, `closing` once our Close frame is sent, `closed` when the WebSocket is over. */
  get state(): EngineState {
    return this.currentState;
  }

  /** Received bytes not yet decoded into a frame (a partial frame). */
  get bufferedAmount(): number {
    return this.decoder.bufferedAmount;
  }

  /**
   * Bytes of received messages handed to an asynchronous extension (permessage-deflate) and not
   * decoded yet. The layer above counts them with the messages it holds, to pause reading.
   */
  get decodeBacklog(): number {
    return this.inbox?.backlog ?? 0;
  }

  /** The violation held by `deferViolations`, waiting for {@link failHeld}; null when there is none. */
  get heldViolation(): ProtocolError | null {
    return this.held;
  }

  /**
   * Feeds bytes received from the peer. Takes ownership of `chunk` (payloads are unmasked in
   * place). Ignored once closed, and while a violation is held.
   */
  receive(chunk: Uint8Array): void {
    if (this.currentState === 'closed' || this.held !== null) return;
    this.decoder.push(chunk);
    this.delivered = false;
    this.readFrames();
  }

  /**
   * Holds (true) or releases decoding by asynchronous extensions: while held, a received message
   * that needs one waits undecoded, so that the application taking messages slowly bounds how
   * much decoded output exists. Core holds it as long as `receiveHighWaterMark` is exceeded.
   */
  holdDecoding(held: boolean): void {
    this.inbox?.hold(held);
  }

  /**
   * Fails the connection for a limit the layer above enforces (§7.1.7), as for a protocol error:
   * a `protocol-error` event, a Close frame with `error.closeCode`, then `close`.
   */
  abort(error: ProtocolError): void {
    this.fail(error);
  }

  private readFrames(): void {
    // handleFrame() may close the engine or hold a violation; re-read both on every frame.
    while ((this.currentState as EngineState) !== 'closed' && this.held === null) {
      this.decoder.messageRemaining = this.maxMessageSize - this.assembler.size;
      // Bytes of the frame that next() may complete whose UTF-8 scanPartialText() has checked.
      const scanned = this.decoder.partialScanned;
      const frame = this.decoder.next();
      if (frame === null) {
        const head = this.decoder.partialHead;
        if (head !== null) this.scanPartialText(head);
        return;
      }
      if (frame instanceof ProtocolError) return this.violation(frame);
      this.handleFrame(frame, scanned);
    }
  }

  /** Fails the connection with the held violation (see `deferViolations`); nothing when none is held. */
  failHeld(): void {
    const error = this.held;
    if (error === null) return;
    this.held = null;
    this.fail(error);
  }

  /** Reports that the transport ended (EOF, reset). Before a completed close this is 1006 (§7.1.5). */
  transportClosed(): void {
    if (this.currentState === 'closed') {
      // The peer is gone: messages still waiting to be decoded would be work for no one.
      if (this.inbox !== null && !this.inbox.idle) this.cancelDecodes();
      return;
    }
    this.finish({ type: 'close', code: 1006, reason: '', wasClean: false, initiator: 'failure' });
  }

  /**
   * Sends one whole message: a string as Text, bytes as Binary.
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN after close; WK_ERR_FRAGMENT_ORDER while a `sendPart` message is open.
   */
  send(data: string | Uint8Array, tag?: Tag): void {
    const opcode = this.dataOpcode(data);
    this.assertCanSend();
    if (this.partOpcode !== null) throw new WireKitUsageError('WK_ERR_FRAGMENT_ORDER', 'a fragmented message is in progress; finish it with sendPart(…, true)');
    this.outbound.message(opcode, typeof data === 'string' ? encoder.encode(data) : data, tag);
  }

  /**
   * Sends one whole Text message whose UTF-8 bytes the caller already has (from `TextEncoder`),
   * so that a caller that needs the byte length first encodes the string once, not twice.
   * The bytes are not validated: passing anything but the UTF-8 of a string breaks §5.6.
   * @throws {WireKitUsageError} WK_ERR_INVALID_ARGUMENT for bytes that are not a Uint8Array;
   *   WK_ERR_NOT_OPEN after close; WK_ERR_FRAGMENT_ORDER while a `sendPart` message is open.
   */
  sendUtf8Text(utf8: Uint8Array, tag?: Tag): void {
    if (!(utf8 instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'the UTF-8 of a text message is a Uint8Array');
    this.assertCanSend();
    if (this.partOpcode !== null) throw new WireKitUsageError('WK_ERR_FRAGMENT_ORDER', 'a fragmented message is in progress; finish it with sendPart(…, true)');
    this.outbound.message(Opcode.Text, utf8, tag);
  }

  /**
   * Sends a message framed once for many connections ({@link prepareMessage}): a broadcast
   * writes the same frame to each recipient instead of framing it per connection.
   * @throws {WireKitUsageError} WK_ERR_NOT_OPEN after close; WK_ERR_FRAGMENT_ORDER while a `sendPart` message is open.
   */
  sendPrepared(message: PreparedMessage, tag?: Tag): void {
    this.assertCanSend();
    if (this.partOpcode !== null) throw new WireKitUsageError('WK_ERR_FRAGMENT_ORDER', 'a fragmented message is in progress; finish it with sendPart(…, true)');
    this.outbound.prepared(message, tag);
  }

  /**
   * Sends part of a message (fragmentation on request, like NWConnection's `isComplete: false`).
   * The first part's type decides the message type; `isComplete` ends the message.
   * Parts are not passed through extensions.
   * @throws {WireKitUsageError} WK_ERR_FRAGMENT_ORDER when a part's type differs from the message's.
   */
  sendPart(data: string | Uint8Array, isComplete: boolean, tag?: Tag): void {
    const opcode = this.dataOpcode(data);
    this.assertCanSend();
    if (this.partOpcode !== null && this.partOpcode !== opcode) {
      throw new WireKitUsageError('WK_ERR_FRAGMENT_ORDER', 'all parts of a message must be of the same type');
    }
    const frameOpcode = this.partOpcode === null ? opcode : Opcode.Continuation;
    this.partOpcode = isComplete ? null : opcode;
    this.outbound.part(frameOpcode, typeof data === 'string' ? encoder.encode(data) : data, isComplete, tag);
  }

  /** The bytes of one `onWrite` call were handed to the OS (never after a failed write): buffers lent to them are reused. */
  written(chunks: readonly Uint8Array[]): void {
    this.outbound.written(chunks);
  }

  /**
   * Sends a Ping (at most 125 bytes, §5.5).
   * @throws {WireKitUsageError} WK_ERR_CONTROL_PAYLOAD_TOO_LONG, WK_ERR_NOT_OPEN.
   */
  ping(payload: Uint8Array = new Uint8Array(0), tag?: Tag): void {
    this.sendControl(Opcode.Ping, payload, tag);
  }

  /** Sends an unsolicited Pong, or the answer to a Ping when `autoPong` is off. */
  pong(payload: Uint8Array = new Uint8Array(0), tag?: Tag): void {
    this.sendControl(Opcode.Pong, payload, tag);
  }

  /**
   * Starts the closing handshake (§7.1.2). Idempotent once closing or closed.
   * @throws {WireKitUsageError} WK_ERR_INVALID_CLOSE_CODE (1005, 1006, 1015 and reserved codes are
   *   never sent), WK_ERR_CLOSE_REASON_TOO_LONG (over 123 bytes).
   */
  close(code?: number, reason?: string, tag?: Tag): void {
    const payload = encodeClosePayload(code, reason);
    if (this.currentState !== 'open') return;
    this.currentState = 'closing';
    this.partOpcode = null;
    this.outbound.closeInOrder(payload, tag);
  }

  private dataOpcode(data: string | Uint8Array): typeof Opcode.Text | typeof Opcode.Binary {
    if (typeof data === 'string') return Opcode.Text;
    if (data instanceof TextBytes) return validatedWhenMade(data) || (this.options.isUtf8 ?? isUtf8)(data) ? Opcode.Text : notUtf8();
    if (data instanceof Uint8Array) return Opcode.Binary;
    throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a message is a string or a Uint8Array');
  }

  private assertCanSend(): void {
    // RFC 6455 §5.5.1: no data frames after a Close frame.
    if (this.currentState !== 'open') throw new WireKitUsageError('WK_ERR_NOT_OPEN', `cannot send: the connection is ${this.currentState}`);
  }

  private sendControl(opcode: number, payload: Uint8Array, tag: Tag | undefined): void {
    if (!(payload instanceof Uint8Array)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a control payload is a Uint8Array');
    if (payload.length > MAX_CONTROL_PAYLOAD) throw new WireKitUsageError('WK_ERR_CONTROL_PAYLOAD_TOO_LONG', `control payload of ${payload.length} bytes; at most 125`);
    this.assertCanSend();
    this.outbound.control(opcode, payload, tag);
  }

  private handleFrame(frame: Frame, scanned: number): void {
    switch (frame.opcode) {
      case Opcode.Text:
      case Opcode.Binary:
      case Opcode.Continuation: {
        const message = this.assembler.add(frame, scanned, this.utf8);
        if (message instanceof ProtocolError) return this.violation(message);
        if (message !== null) this.deliver(message);
        return;
      }
      case Opcode.Ping:
      case Opcode.Pong:
      case Opcode.Close:
        // Extensions define RSV bits for data frames only (RFC 7692 §6.1).
        if (frame.rsv1 || frame.rsv2 || frame.rsv3) return this.violation(new ProtocolError('WK_ERR_RESERVED_BITS', 'RSV bit set on a control frame'));
        return this.handleControl(frame);
      default:
        return this.violation(new ProtocolError('WK_ERR_RESERVED_OPCODE', `reserved opcode 0x${frame.opcode.toString(16)}`));
    }
  }

  private handleControl(frame: Frame): void {
    if (frame.opcode === Opcode.Ping) {
      this.emit({ type: 'ping', data: frame.payload });
      // §5.5.2: answer with a Pong carrying the same data; not once our Close is sent. Every
      // ping, none coalesced (§5.5.3 would allow it): so a peer that pings and never reads fills
      // its buffers within a few MB and the layer above's output rules end it (1008), and a
      // ping() of a peer is never left without its pong.
      if (this.options.autoPong !== false && !this.outbound.closeSent) this.outbound.control(Opcode.Pong, frame.payload, undefined);
      return;
    }
    if (frame.opcode === Opcode.Pong) return this.emit({ type: 'pong', data: frame.payload });
    const status = decodeClosePayload(frame.payload);
    if (status instanceof ProtocolError) return this.violation(status);
    this.assembler.reset();
    const initiator = this.outbound.closeSent ? 'local' : 'remote';
    if (!this.outbound.closeSent) {
      // §5.5.1: answer a Close with a Close, echoing the status code.
      this.outbound.closeInOrder(status.code === 1005 ? new Uint8Array(0) : encodeClosePayload(status.code), undefined);
    }
    this.finish({ type: 'close', code: status.code, reason: status.reason, wasClean: true, initiator });
  }

  /**
   * Checks the UTF-8 of a text frame whose payload is still arriving (RFC 6455 §8.1: fail fast,
   * Autobahn 6.4.3/6.4.4), on the new bytes only. Frames an extension transformed are checked
   * once decoded; binary frames not at all. Whole frames never come here: the assembler checks them.
   */
  private scanPartialText(head: RsvBits & { readonly opcode: number }): void {
    // Frames the assembler will refuse whole (a Text frame inside a fragmented message, RSV bits
    // on a continuation) are left to it, so that the error does not depend on how bytes were read.
    if (head.rsv1 || head.rsv2 || head.rsv3) return;
    const continuation = head.opcode === Opcode.Continuation;
    if (continuation ? !this.assembler.receivingText : head.opcode !== Opcode.Text || this.assembler.inProgress) return;
    // A continuation goes on from the fragments before it (it may end a code point they began).
    if (this.decoder.partialScanned === 0) this.utf8 = continuation ? this.assembler.textState : UTF8_BOUNDARY;
    this.utf8 = this.decoder.scanPartial(scanUtf8Using, this.utf8, this.options.isUtf8);
    if (this.utf8 === UTF8_INVALID) this.violation(new ProtocolError('WK_ERR_INVALID_UTF8', 'text message is not valid UTF-8'));
  }

  /** The peer's bytes broke the protocol: fail now, or hold it (deferViolations) after a delivered message. */
  private violation(error: ProtocolError): void {
    if (this.holdViolations || (this.delivered && this.options.deferViolations === true)) this.held = error;
    else this.fail(error);
  }

  private deliver(message: RawMessage): void {
    this.delivered = true;
    switch (message.kind) {
      case 'text':
        return this.emit({ type: 'text', data: message.text });
      case 'utf8':
        return this.emit({ type: 'utf8', data: message.payload });
      case 'binary':
        return this.emit({ type: 'binary', data: message.payload });
      case 'transformed':
        return this.decodeTransformed(message.opcode, message.payload, message.rsv);
      default:
        return assertNever(message);
    }
  }

  /**
   * Runs the extensions' decoders (last negotiated first, §9.1) and delivers in order. A decode
   * that answers with a promise goes through the inbound queue: one at a time, later events
   * behind it, and not while the layer above holds decoding.
   */
  private decodeTransformed(opcode: typeof Opcode.Text | typeof Opcode.Binary, payload: Uint8Array, rsv: RsvBits): void {
    const inbox = this.inbox;
    if (inbox === null || inbox.free) {
      // The common case, nothing queued: a synchronous decode delivers at once, with no queue.
      const result = this.startDecode(opcode, payload, rsv);
      if (!(result instanceof Promise)) return result();
      (this.inbox ??= new InboundQueue()).decode({ bytes: payload.length, start: () => result });
      return;
    }
    inbox.decode({ bytes: payload.length, start: () => this.startDecode(opcode, payload, rsv) });
  }

  /** Starts decoding; returns what delivers the outcome, or a promise of it (never rejected). */
  private startDecode(opcode: typeof Opcode.Text | typeof Opcode.Binary, payload: Uint8Array, rsv: RsvBits): (() => void) | Promise<() => void> {
    return startDecode(this.extensions, payload, rsv, opcode, this.maxMessageSize, (data) => this.completeDecode(opcode, data), (error) => this.fail(error));
  }

  private completeDecode(opcode: typeof Opcode.Text | typeof Opcode.Binary, data: Uint8Array): void {
    if (data.length > this.maxMessageSize) return this.fail(new ProtocolError('WK_ERR_MESSAGE_TOO_LARGE', 'decoded message exceeds maxMessageSize'));
    if (opcode === Opcode.Binary) this.emit({ type: 'binary', data });
    else {
      const text = this.assembler.decodeText(data);
      if (text instanceof ProtocolError) return this.fail(text);
      this.emit(typeof text === 'string' ? { type: 'text', data: text } : { type: 'utf8', data: text });
    }
    if (this.disposeWhenIdle && !this.inbox!.busy) this.disposeExtensions();
  }

  private emit(event: EngineEvent): void {
    const inbox = this.inbox;
    if (inbox === null || inbox.passThrough) this.options.onEvent(event);
    else inbox.event(() => this.options.onEvent(event));
  }

  /** Drops the messages not decoded yet and frees the extensions at once (the peer left). */
  private cancelDecodes(): void {
    this.inbox?.cancel(false);
    if (this.disposeWhenIdle) this.disposeExtensions();
  }

  private disposeExtensions(): void {
    this.disposeWhenIdle = false;
    for (const extension of this.extensions) extension.dispose?.();
  }

  /** An extension failed to encode an outgoing message. */
  [OUTBOUND_FAILED](error: ProtocolError): void {
    this.fail(error);
  }

  /** _Fail the WebSocket Connection_ (§7.1.7): report, send Close with the error's code, stop reading. */
  private fail(error: ProtocolError): void {
    if (this.failed) return;
    this.failed = true;
    // Messages still decoding are dropped (none is delivered after the failure), so that the
    // error is reported now, after the events queued before it.
    if (this.currentState !== 'closed' && this.inbox !== null && !this.inbox.idle) this.inbox.cancel(true);
    // Reported even when the WebSocket already closed (an asynchronous decode that failed late):
    // the message is lost, and the caller must hear of it.
    this.emit({ type: 'protocol-error', error });
    if (this.currentState === 'closed') {
      if (this.disposeWhenIdle && !this.inbox!.busy) this.disposeExtensions();
      return;
    }
    const code = error.closeCode ?? 1002;
    this.outbound.closeNow(encodeClosePayload(code), undefined);
    this.finish({ type: 'close', code, reason: '', wasClean: false, initiator: 'failure' });
  }

  private finish(event: EngineEvent & { type: 'close' }): void {
    this.currentState = 'closed';
    this.outbound.stop();
    this.assembler.reset();
    if (this.inbox === null || this.inbox.idle) this.disposeExtensions();
    // A clean close: the messages received before the peer's Close are still decoded and
    // delivered, then the close event; the extensions are disposed after the last of them.
    else if (event.initiator !== 'failure') this.disposeWhenIdle = true;
    // A failure, or the transport gone: messages decoded after it are not delivered, and no
    // decode still queued runs (zlib work for a peer that is gone).
    else {
      this.inbox.cancel(false);
      this.disposeExtensions();
    }
    this.emit(event);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', `${name} must be a positive number`);
  return value;
}

function notUtf8(): never {
  throw new WireKitUsageError('WK_ERR_INVALID_ARGUMENT', 'a TextBytes message is not valid UTF-8');
}
