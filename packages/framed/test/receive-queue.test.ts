import { describe, expect, it } from 'vitest';
import { ContentContext, NWError } from '../src/index.js';
import { ReceiveQueue, type NWReceiveCompletion } from '../src/receive-queue.js';

const enc = (value: string): Uint8Array => new TextEncoder().encode(value);
const dec = (value: Uint8Array | null): string | null => (value === null ? null : new TextDecoder().decode(value));

function collect(): { calls: Array<[string | null, boolean, string | null]>; completion: NWReceiveCompletion } {
  const calls: Array<[string | null, boolean, string | null]> = [];
  return { calls, completion: (content, _context, isComplete, error) => calls.push([dec(content), isComplete, error?.code ?? null]) };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('ReceiveQueue', () => {
  it('delivers queued messages to later calls, and waiting calls to later messages, in order', async () => {
    const queue = new ReceiveQueue(false);
    const { calls, completion } = collect();
    queue.push(enc('one'), ContentContext.defaultMessage);
    queue.receiveMessage(completion);
    queue.receiveMessage(completion);
    expect(calls).toEqual([]);
    queue.push(enc('two'), ContentContext.defaultMessage);
    await tick();
    expect(calls).toEqual([['one', true, null], ['two', true, null]]);
  });

  it('hands out the rest of a partly read message to receiveMessage', async () => {
    const queue = new ReceiveQueue(false);
    const { calls, completion } = collect();
    queue.push(enc('abcdef'), ContentContext.defaultMessage);
    queue.receive(1, 2, completion);
    queue.receiveMessage(completion);
    await tick();
    expect(calls).toEqual([['ab', false, null], ['cdef', true, null]]);
  });

  it('delivers buffered messages before the terminal error, then the error to every call', async () => {
    const queue = new ReceiveQueue(false);
    const { calls, completion } = collect();
    queue.push(enc('last'), ContentContext.defaultMessage);
    queue.finish(NWError.posix('ECONNRESET'));
    queue.receiveMessage(completion);
    queue.receiveMessage(completion);
    queue.receive(1, 1, completion);
    await tick();
    expect(calls).toEqual([['last', true, null], [null, true, 'WK_ERR_CONNECTION_RESET'], [null, true, 'WK_ERR_CONNECTION_RESET']]);
  });

  it('drops buffered messages on abort', async () => {
    const queue = new ReceiveQueue(false);
    const { calls, completion } = collect();
    queue.push(enc('dropped'), ContentContext.defaultMessage);
    queue.abort(NWError.posix('ECANCELED'));
    queue.receiveMessage(completion);
    await tick();
    expect(calls).toEqual([[null, true, 'WK_ERR_ABORTED']]);
  });

  it('in stream mode, waits for the minimum across chunks and ends with isComplete', async () => {
    const queue = new ReceiveQueue(true);
    const { calls, completion } = collect();
    queue.receive(4, 10, completion);
    queue.push(enc('ab'), ContentContext.defaultStream);
    await tick();
    expect(calls).toEqual([]);
    queue.push(enc('cde'), ContentContext.defaultStream);
    queue.push(null, ContentContext.finalMessage);
    queue.receive(1, 10, completion);
    await tick();
    expect(calls).toEqual([['abcde', false, null], [null, true, null]]);
  });

  it('in stream mode, delivers fewer than the minimum when the stream ends', async () => {
    const queue = new ReceiveQueue(true);
    const { calls, completion } = collect();
    queue.push(enc('x'), ContentContext.defaultStream);
    queue.push(null, ContentContext.finalMessage);
    queue.receive(4, 10, completion);
    await tick();
    expect(calls).toEqual([['x', false, null]]);
  });
});
