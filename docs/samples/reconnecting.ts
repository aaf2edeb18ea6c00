// reconnecting(): a Connection that survives its links, with a bounded outbox (docs/reconnecting.md).
import { reconnecting } from '@wirekit/core';
import { connect } from '@wirekit/framed';

export async function reconnectingSample(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const feed = reconnecting(connect, url, {
    initialDelay: 20, // 500 ms by default; short for the docs test
    maxRetries: 5,
    outbox: { policy: 'queue', maxMessages: 100 }, // held while disconnected, sent in order on the next link
  });
  feed.on('disconnect', (info) => {
    transcript.push(`disconnect: ${info.code}`);
    void feed.send('sent while away'); // held in the outbox, not dropped
    transcript.push(`outbox: ${feed.outboxSize}`);
  });
  feed.on('reconnecting', ({ attempt, cause }) => transcript.push(`reconnecting: attempt ${attempt} after ${cause?.kind}`));
  feed.on('reconnected', ({ attempt }) => transcript.push(`reconnected after ${attempt} attempt(s)`));

  await feed.send('drop'); // the docs server closes this link with 1012 (service restart)
  transcript.push(`echo: ${String(await feed.receive())}`); // one stream over every link
  const { code } = await feed.close(1000); // for good: no more reconnecting
  transcript.push(`closed: ${code}, state ${feed.state}`);
  return transcript;
}
