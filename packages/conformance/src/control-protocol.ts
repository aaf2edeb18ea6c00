/**
 * The control channel between a contract client in another runtime (browser, Bun, Deno) and the
 * Node process that runs its servers: JSON over one WebSocket, requests answered by id.
 * Messages travel as `{ text }` or `{ base64 }` so that their type survives JSON.
 */
import type { Message } from '@wirekit/core';
import { fromBase64, toBase64 } from './runtime.js';

/** The operations of the control channel, with their arguments and results. */
export interface ControlOperations {
  'target.unavailable': { args: [kind: string]; result: string | null };
  'target.start': { args: [kind: string]; result: { id: number; url: string } };
  'target.close': { args: [id: number]; result: null };
  'target.peer': { args: [id: number, path: string, ms: number]; result: { id: number; path: string; protocol: string; headers: Record<string, string>; received: WireMessage[] } };
  'peer.messages': { args: [id: number, count: number, ms: number]; result: WireMessage[] };
  'peer.closed': { args: [id: number]; result: { code: number; reason: string } };
  'peer.send': { args: [id: number, message: WireMessage]; result: null };
  'peer.sendFragments': { args: [id: number, fragments: WireMessage[]]; result: null };
  'peer.close': { args: [id: number, code: number, reason: string]; result: null };
  'peer.drop': { args: [id: number]; result: null };
  'fault.start': { args: [options: WireFaultOptions]; result: { id: number; url: string; mode: string } };
  'fault.connections': { args: [id: number]; result: number };
  'fault.pings': { args: [id: number]; result: number };
  'fault.clientClose': { args: [id: number, ms: number]; result: { code: number; reason: string } };
  'fault.received': { args: [id: number]; result: WireMessage[] };
  'fault.close': { args: [id: number]; result: null };
  closedPortUrl: { args: []; result: string };
  /** A result the client hands to the parent (a ContractReport, or anything JSON). */
  report: { args: [payload: unknown]; result: null };
  /** A progress line for the parent's log. */
  log: { args: [line: string]; result: null };
}

export type ControlOperation = keyof ControlOperations;

export interface ControlRequest {
  readonly id: number;
  readonly op: ControlOperation;
  readonly args: readonly unknown[];
}

export type ControlResponse = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

/** A Message as JSON. */
export type WireMessage = { readonly text: string } | { readonly base64: string };

/** Fault server options as JSON: `bytes` (malformed-frame) travels as base64. */
export type WireFaultOptions = Readonly<Record<string, unknown>> & { readonly mode: string; readonly bytes?: string };

export function toWire(message: Message): WireMessage {
  return typeof message === 'string' ? { text: message } : { base64: toBase64(message) };
}

export function fromWire(message: WireMessage): Message {
  return 'text' in message ? message.text : fromBase64(message.base64);
}
