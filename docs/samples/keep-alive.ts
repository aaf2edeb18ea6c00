// keepAlive: pings on a timer, viability reports, and a dead peer noticed (docs/keep-alive.md).
import { keepAlive } from '@wirekit/core';
import { connect } from '@wirekit/framed';

export async function keepAliveSample(url: string): Promise<string[]> {
  const transcript: string[] = [];
  const connection = await connect(url);
  connection.on('error', (error) => transcript.push(`error: ${error.code}`));
  // Short timers for the docs test; the defaults are 30 s and 10 s.
  const stop = keepAlive(connection, {
    interval: 100,
    timeout: 300,
    viability: (viable) => transcript.push(`viable: ${viable}`), // as NWConnection's viabilityUpdateHandler
  });

  // Three pongs from a live peer, or the end of the connection, whichever comes first:
  // a peer that never answers is terminated by keepAlive itself, so this wait is bounded.
  const pongs = await new Promise<number>((resolve) => {
    let count = 0;
    connection.on('pong', () => ++count === 3 && resolve(count));
    void connection.closed.then(() => resolve(count));
  });
  transcript.push(`pongs: ${pongs}`);
  stop();
  if (connection.state === 'open') await connection.close(1000);
  const { code, wasClean } = await connection.closed;
  transcript.push(`closed: ${code} clean=${wasClean}`);
  return transcript;
}
