// The in-process broker's resume backlog is bounded in bytes as well as in entries: a relay that
// broadcasts large messages must not pin maxLen × maxMessageSize per room.
import { describe, expect, it } from 'vitest';
import { InProcessBroker, InProcessHub } from '../src/index.js';

const KiB = 1024;
const publish = (broker: InProcessBroker, room: string, size: number): Promise<string> => broker.publish(room, new Uint8Array(size), { except: [], token: 't' });

describe('InProcessHub maxBytes', () => {
  it('defaults to 64 MiB and refuses a bound that is not a positive integer', () => {
    expect(new InProcessHub().maxBytes).toBe(64 * 1024 * KiB);
    expect(() => new InProcessHub({ maxBytes: 0 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    expect(() => new InProcessHub({ maxBytes: 1.5 })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('trims the oldest entries of a room past maxBytes, and a replay from before them is told trimmed', async () => {
    const hub = new InProcessHub({ maxBytes: 100 * KiB });
    const broker = new InProcessBroker({ hub });
    const offsets: string[] = [];
    for (let index = 0; index < 10; index++) offsets.push(await publish(broker, 'room', 30 * KiB));
    expect(hub.bytes).toBeLessThanOrEqual(100 * KiB);
    expect(hub.bytes).toBe(90 * KiB);
    // The last three entries are kept; a replay after the sixth reaches a trimmed one.
    expect(await broker.replay('room', offsets[6]!, 100)).toMatchObject({ kind: 'entries', entries: [{ offset: offsets[7] }, { offset: offsets[8] }, { offset: offsets[9] }] });
    expect(await broker.replay('room', offsets[5]!, 100)).toEqual({ kind: 'trimmed' });
  });

  it('drops the backlog of the least recently published rooms first', async () => {
    const hub = new InProcessHub({ maxBytes: 100 * KiB });
    const broker = new InProcessBroker({ hub });
    const quiet = await publish(broker, 'quiet', 40 * KiB);
    await publish(broker, 'busy', 40 * KiB);
    const before = await publish(broker, 'busy', 10 * KiB);
    expect(hub.bytes).toBe(90 * KiB);
    await publish(broker, 'busy', 40 * KiB);
    // 130 KiB: the quiet room goes first, and the busy room keeps all it had.
    expect(hub.bytes).toBe(90 * KiB);
    expect(await broker.replay('quiet', '0-0', 100)).toEqual({ kind: 'trimmed' });
    expect(await broker.replay('quiet', quiet, 100)).toEqual({ kind: 'entries', entries: [] });
    expect(await broker.replay('busy', before, 100)).toMatchObject({ kind: 'entries', entries: [{ room: 'busy' }] });
  });

  it('keeps the newest entry of the room published to even when it alone is larger than maxBytes', async () => {
    const hub = new InProcessHub({ maxBytes: 10 * KiB });
    const broker = new InProcessBroker({ hub });
    const first = await publish(broker, 'room', 4 * KiB);
    const big = await publish(broker, 'room', 50 * KiB);
    expect(hub.bytes).toBe(50 * KiB);
    expect(await broker.replay('room', first, 100)).toMatchObject({ kind: 'entries', entries: [{ offset: big }] });
    // Its subscription still starts after the newest offset.
    expect(await broker.subscribe('room', () => undefined)).toBe(big);
    // The next publish lets it go.
    await publish(broker, 'room', 1 * KiB);
    expect(hub.bytes).toBe(1 * KiB);
  });

  it('counts a string at two bytes per UTF-16 unit', async () => {
    const hub = new InProcessHub();
    const broker = new InProcessBroker({ hub });
    await broker.publish('room', 'héllo', { except: [], token: 't' });
    expect(hub.bytes).toBe(10);
  });
});
