import { describe, expect, it } from 'vitest';
import { MessageQueue, WireKitError, type Message } from '../src/index.js';

const closed = new WireKitError('WK_ERR_CLOSED', 'the connection closed (1000)', { closeCode: 1000 });
const microtasks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('MessageQueue (the one pull queue of core, the adapter and the browser task)', () => {
  describe('push() and receive()', () => {
    it('hands a message to a pending receive(), else keeps it for the next one, in order', async () => {
      const queue = new MessageQueue();
      const first = queue.receive();
      queue.push('a', false);
      queue.push('b', false);
      expect(await first).toBe('a');
      expect(await queue.receive()).toBe('b');
      expect(queue.size).toBe(0);
    });

    it('does not keep messages a listener gets while nobody ever pulled, and keeps all once pulling began', async () => {
      const queue = new MessageQueue();
      queue.push('for the listener', true);
      expect(queue.size).toBe(0);
      queue.startPulling();
      queue.push('kept', true);
      expect(await queue.receive()).toBe('kept');
    });

    it('counts the bytes it holds (text in UTF-16 code units) and reports each take', async () => {
      let takes = 0;
      const queue = new MessageQueue(() => takes++);
      queue.push('abc', false);
      queue.push(new Uint8Array(5), false);
      expect(queue.bytes).toBe(8);
      await queue.receive();
      expect(queue.bytes).toBe(5);
      expect(takes).toBe(1);
    });

    it('still delivers what it holds after the end, then rejects with the ending error', async () => {
      const queue = new MessageQueue();
      queue.push('last', false);
      const violation = new WireKitError('WK_ERR_RESERVED_BITS', 'RSV1 set', { closeCode: 1002 });
      queue.end(violation);
      expect(await queue.receive()).toBe('last');
      await expect(queue.receive()).rejects.toBe(violation);
    });

    it('builds a lazy ending error once, only when a receive() needs it', async () => {
      const queue = new MessageQueue();
      let built = 0;
      queue.end(() => (built++, closed));
      expect(built).toBe(0);
      await expect(queue.receive()).rejects.toBe(closed);
      await expect(queue.receive()).rejects.toBe(closed);
      expect(built).toBe(1);
    });

    it('rejects pending receive() calls at the end', async () => {
      const queue = new MessageQueue();
      const pending = queue.receive();
      queue.end(closed);
      await expect(pending).rejects.toBe(closed);
    });
  });

  describe('iterator()', () => {
    it('yields messages and ends (done) at the end, whatever ended it', async () => {
      const queue = new MessageQueue();
      queue.push('x', false);
      queue.push('y', false);
      queue.end(new WireKitError('WK_ERR_SERVER_CLOSED', 'shut down', { closeCode: 1001 }));
      const seen: Message[] = [];
      for await (const message of { [Symbol.asyncIterator]: () => queue.iterator() }) seen.push(message);
      expect(seen).toEqual(['x', 'y']);
    });

    it('stops only itself when a for await loop breaks', async () => {
      const queue = new MessageQueue();
      queue.push('one', false);
      queue.push('two', false);
      for await (const message of { [Symbol.asyncIterator]: () => queue.iterator() }) {
        expect(message).toBe('one');
        break;
      }
      expect(await queue.receive()).toBe('two');
    });
  });

  describe('handOver() (a first message listener after messages were held for lack of a consumer)', () => {
    it('hands the held messages over on a microtask, in order, once however often it is asked', async () => {
      const queue = new MessageQueue();
      queue.push('early 1', false);
      queue.push('early 2', false);
      const seen: Message[] = [];
      queue.handOver((message) => seen.push(message));
      queue.handOver((message) => seen.push(message));
      expect(seen).toEqual([]);
      await microtasks();
      expect(seen).toEqual(['early 1', 'early 2']);
      expect(queue.size).toBe(0);
    });

    it('leaves them to receive() once pulling has begun', async () => {
      const queue = new MessageQueue();
      queue.push('early', false);
      queue.startPulling();
      const seen: Message[] = [];
      queue.handOver((message) => seen.push(message));
      await microtasks();
      expect(seen).toEqual([]);
      expect(await queue.receive()).toBe('early');
    });
  });
});
