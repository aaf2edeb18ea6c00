// rxjs bridges: the Combine pipes of the iOS world, on any Connection (docs/rx.md).
import { connect } from '@wirekit/framed';
import { lifecycle$, messageResults$, sendTo, state$ } from '@wirekit/rx';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';

export async function rxSample(url: string): Promise<string[]> {
  const connection = await connect(url);
  const states = lifecycle$(connection).pipe(toArray()); // opened, then closed or failed; completes
  const allStates = state$(connection).pipe(toArray()); // the current state first, then each change
  const lifecycle = lastValueFrom(states);
  const stateList = lastValueFrom(allStates);

  // listenPipe: one Result per message, taken before anything is sent.
  const echoes = firstValueFrom(messageResults$(connection).pipe(take(2), toArray()));
  // senderPipe: each message sent in order, each send a Result (failures are values, not errors).
  const sent = await lastValueFrom(from(['one', 'two']).pipe(sendTo(connection), toArray()));

  const transcript = [`sent: ${sent.map((result) => result.kind).join(',')}`];
  transcript.push(`received: ${(await echoes).map((result) => (result.kind === 'success' ? String(result.value) : result.error.code)).join(',')}`);
  await connection.close(1000);
  transcript.push(`lifecycle: ${(await lifecycle).map((event) => event.kind).join(',')}`);
  transcript.push(`states: ${(await stateList).join(',')}`);
  return transcript;
}
