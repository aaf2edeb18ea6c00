import { BaseConnection, quiet } from './base-connection.js';
import type { SendTicket } from './send-ticket.js';
import { toWireKitError, type WireKitError } from './wirekit-error.js';

/**
 * A connection whose sends settle when their write completes: the list of sends in flight
 * (tickets through `prev`/`next`, no Set per connection) and the `bufferedAmount` they make up.
 * {@link EngineConnection} is one; it adds the bytes of frames its engine writes on its own.
 */
export abstract class TicketedConnection extends BaseConnection {
  /** Sends whose write has not completed, oldest first. */
  protected firstTicket: SendTicket | null = null;
  protected lastTicket: SendTicket | null = null;
  /** Bytes counted in {@link bufferedAmount}. */
  protected pendingBytes = 0;

  /**
   * Payload bytes handed to send()/sendPart() whose write has not completed, plus the bytes of
   * frames the engine wrote on its own (pongs, Close) not yet handed to the OS.
   */
  get bufferedAmount(): number {
    return this.pendingBytes;
  }

  /** A pending send of `size` bytes, appended as {@link lastTicket}; its promise never rejects unhandled. */
  protected openTicket(size: number): Promise<void> {
    let ticket!: SendTicket;
    const done = new Promise<void>((resolve, reject) => (ticket = { size, resolve, reject, promise: null, prev: null, next: null, settled: false }));
    ticket.promise = done;
    this.linkTicket(ticket);
    return done;
  }

  /**
   * Appends a ticket as {@link lastTicket} and counts its bytes: {@link openTicket}'s, or a
   * caller's that settles itself (a broadcast's, so that it makes no promise per recipient).
   */
  protected linkTicket(ticket: SendTicket): undefined {
    ticket.prev = this.lastTicket;
    if (this.lastTicket === null) this.firstTicket = ticket;
    else this.lastTicket.next = ticket;
    this.lastTicket = ticket;
    this.pendingBytes += ticket.size;
    return undefined;
  }

  /** Resolves `ticket` (its write completed) or rejects it with `error`; once. */
  protected settleTicket(ticket: SendTicket, error?: unknown): void {
    if (ticket.settled) return;
    ticket.settled = true;
    if (ticket.prev === null) this.firstTicket = ticket.next;
    else ticket.prev.next = ticket.next;
    if (ticket.next === null) this.lastTicket = ticket.prev;
    else ticket.next.prev = ticket.prev;
    ticket.prev = ticket.next = null;
    this.pendingBytes -= ticket.size;
    const promise = ticket.promise;
    ticket.promise = null;
    if (error === undefined) return ticket.resolve();
    // Handled from now on: a send nobody awaits never becomes an unhandled rejection (a
    // broadcast's ticket has no promise: it settles itself).
    if (promise !== null) quiet(promise);
    ticket.reject(toWireKitError(error));
  }

  /** Rejects every send still in flight with `error`, oldest first. */
  protected settleTickets(error: WireKitError): void {
    while (this.firstTicket !== null) this.settleTicket(this.firstTicket, error);
  }
}
