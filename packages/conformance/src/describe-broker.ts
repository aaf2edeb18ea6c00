import { describe, expect, it } from 'vitest';
import { compareOffsets, type Message } from '@wirekit/core';
import type { Broker, BrokerEntry } from '@wirekit/server';
import { delay, waitFor, within } from './bounded.js';

/** A cluster of broker nodes that share one store, made fresh for each case. */
export interface BrokerCluster {
  readonly brokers: readonly Broker[];
  /** Closes every broker and releases the store. */
  close(): Promise<void>;
}

/** Makes `nodes` brokers on one store; `maxLen` bounds each room's stream (trimmed exactly). */
export type BrokerClusterFactory = (nodes: number, options: { readonly maxLen: number }) => Promise<BrokerCluster>;

/** Collects what one node's listener gets for a room. */
function inbox(): { entries: BrokerEntry[]; listener: (entry: BrokerEntry) => void } {
  const entries: BrokerEntry[] = [];
  return { entries, listener: (entry) => entries.push(entry) };
}

function payloads(entries: readonly BrokerEntry[]): Message[] {
  return entries.map((entry) => entry.data);
}

let rooms = 0;
/** A room name no earlier case used, so that cases sharing a store do not see each other. */
function freshRoom(): string {
  return `room-${String(process.pid)}-${String(++rooms)}-${String(Date.now())}`;
}

/**
 * The contract every {@link Broker} passes (the in-process one and `@wirekit/redis`'s): fan-out
 * to every subscribed node once and in one order, replay after an offset with trimming told,
 * presence of live nodes only, session records that expire.
 */
export function describeBroker(name: string, makeCluster: BrokerClusterFactory): void {
  describe(`broker contract: ${name}`, () => {
    async function withCluster(nodes: number, maxLen: number, body: (brokers: readonly Broker[]) => Promise<void>): Promise<void> {
      const cluster = await makeCluster(nodes, { maxLen });
      try {
        await body(cluster.brokers);
      } finally {
        await within(cluster.close(), 10_000, 'the cluster to close');
      }
    }

    it('delivers every entry once to every subscribed node, in one order with increasing offsets', async () => {
      await withCluster(2, 1_000, async ([a, b]) => {
        const room = freshRoom();
        const atA = inbox();
        const atB = inbox();
        await a!.subscribe(room, atA.listener);
        await b!.subscribe(room, atB.listener);
        const sent: string[] = [];
        for (let index = 0; index < 40; index++) {
          const text = `m${String(index)}`;
          sent.push(text);
          await (index % 2 === 0 ? a! : b!).publish(room, text, { except: [], token: `t${String(index)}` });
        }
        await waitFor(() => atA.entries.length >= 40 && atB.entries.length >= 40, 10_000, 'both nodes to get 40 entries');
        await delay(50);
        expect(payloads(atA.entries)).toEqual(sent);
        expect(atB.entries.map((entry) => entry.offset)).toEqual(atA.entries.map((entry) => entry.offset));
        for (let index = 1; index < atA.entries.length; index++) {
          expect(compareOffsets(atA.entries[index]!.offset, atA.entries[index - 1]!.offset)).toBe(1);
        }
      });
    });

    it('carries text, binary, except and token as published', async () => {
      await withCluster(2, 1_000, async ([a, b]) => {
        const room = freshRoom();
        const atB = inbox();
        await b!.subscribe(room, atB.listener);
        const offset = await a!.publish(room, 'héllo', { except: ['x', 'y'], token: 'tok-1' });
        await a!.publish(room, Uint8Array.of(0, 1, 255), { except: [], token: 'tok-2' });
        await waitFor(() => atB.entries.length >= 2, 10_000, 'two entries');
        expect(atB.entries[0]).toEqual({ room, offset, data: 'héllo', except: ['x', 'y'], token: 'tok-1' });
        expect(atB.entries[1]!.data).toEqual(Uint8Array.of(0, 1, 255));
        expect(atB.entries[1]!.except).toEqual([]);
      });
    });

    it('starts delivery after the offset subscribe() resolves with, and stops it on unsubscribe()', async () => {
      await withCluster(1, 1_000, async ([a]) => {
        const room = freshRoom();
        const before = await a!.publish(room, 'before', { except: [], token: 't0' });
        const got = inbox();
        const start = await a!.subscribe(room, got.listener);
        expect(start).toBe(before);
        await a!.publish(room, 'after', { except: [], token: 't1' });
        await waitFor(() => got.entries.length >= 1, 10_000, 'the entry after subscribe');
        a!.unsubscribe(room);
        await a!.publish(room, 'unheard', { except: [], token: 't2' });
        await delay(150);
        expect(payloads(got.entries)).toEqual(['after']);
      });
    });

    it('replays the entries after an offset, in order, and says too-many beyond the limit', async () => {
      await withCluster(1, 1_000, async ([a]) => {
        const room = freshRoom();
        const offsets: string[] = [];
        for (let index = 0; index < 5; index++) offsets.push(await a!.publish(room, `r${String(index)}`, { except: [], token: `t${String(index)}` }));
        const replay = await a!.replay(room, offsets[1]!, 10);
        expect(replay.kind).toBe('entries');
        if (replay.kind === 'entries') expect(payloads(replay.entries)).toEqual(['r2', 'r3', 'r4']);
        expect(await a!.replay(room, offsets[4]!, 10)).toEqual({ kind: 'entries', entries: [] });
        expect((await a!.replay(room, offsets[0]!, 2)).kind).toBe('too-many');
      });
    });

    it('bounds each room to maxLen entries and tells a replay that reaches before them: trimmed', async () => {
      await withCluster(1, 5, async ([a]) => {
        const room = freshRoom();
        const offsets: string[] = [];
        for (let index = 0; index < 12; index++) offsets.push(await a!.publish(room, `r${String(index)}`, { except: [], token: `t${String(index)}` }));
        expect(await a!.replay(room, offsets[2]!, 100)).toEqual({ kind: 'trimmed' });
        // After an offset still kept, nothing can be missing. (After r6, the entry just before the
        // first one kept, a broker may conservatively say trimmed: it cannot always tell.)
        const kept = await a!.replay(room, offsets[7]!, 100);
        expect(kept.kind).toBe('entries');
        if (kept.kind === 'entries') expect(payloads(kept.entries)).toEqual(['r8', 'r9', 'r10', 'r11']);
      });
    });

    it('lists the members of every live node, and forgets a node that closed', async () => {
      await withCluster(2, 1_000, async ([a, b]) => {
        const room = freshRoom();
        await a!.join(room, 'alice');
        await b!.join(room, 'bob');
        await b!.join(room, 'carol');
        await b!.leave(room, 'carol');
        const both = await a!.presence(room);
        expect([...both].sort((x, y) => x.member.localeCompare(y.member))).toEqual([
          { member: 'alice', node: a!.nodeId },
          { member: 'bob', node: b!.nodeId },
        ]);
        await b!.close();
        expect(await a!.presence(room)).toEqual([{ member: 'alice', node: a!.nodeId }]);
      });
    });

    it('keeps a session record for its time to live, then forgets it', async () => {
      await withCluster(2, 1_000, async ([a, b]) => {
        const id = freshRoom();
        await a!.saveSession(id, { rooms: { lobby: '1-0' } }, 300);
        expect(await b!.loadSession(id)).toEqual({ rooms: { lobby: '1-0' } });
        await waitFor(async () => (await b!.loadSession(id)) === null, 5_000, 'the session to expire');
        expect(await a!.loadSession('never-saved')).toBeNull();
      });
    });
  });
}
