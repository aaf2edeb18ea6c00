/** A resumable client for the tests: reconnecting() over ResumeSession over the adapter, with a switchable target. */
import { connect } from '@wirekit/adapter';
import { reconnecting, ResumeSession, type Message, type NotResumedReason, type ReconnectingConnection } from '@wirekit/core';
import { within } from './harness.js';

export interface ResumeClient {
  readonly connection: ReconnectingConnection;
  readonly session: ResumeSession;
  /** Every message `for await` yielded, in order. */
  readonly messages: Message[];
  readonly resumed: Array<{ id: string; replayed: number }>;
  readonly notResumed: NotResumedReason[];
  /** Where the next link goes. */
  target: string;
  /** While set, connect attempts wait for it (the client is "offline"). */
  offline: Promise<void> | null;
  /** Resolves once `count` messages have arrived. */
  received(count: number): Promise<void>;
  /** Resolves once the link is open (again). */
  opened(): Promise<void>;
}

const clients: ResumeClient[] = [];

/** A resumable client to `target`; {@link closeResumeClients} ends them all. */
export function resumeClient(target: string): ResumeClient {
  const session = new ResumeSession();
  const factory = session.wrap(async (_url, options) => {
    while (client.offline !== null) await client.offline;
    return connect(client.target, options);
  });
  const connection = reconnecting(factory, target, { initialDelay: 20, maxDelay: 200, jitter: 0, maxRetries: 200 });
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  const client: ResumeClient = {
    connection,
    session,
    messages,
    resumed: [],
    notResumed: [],
    target,
    offline: null,
    received: (count) => within(10_000, new Promise<void>((resolve) => {
      const check = (): void => (messages.length >= count ? resolve() : void waiters.push(check));
      check();
    }), `${String(count)} messages (have ${String(messages.length)})`),
    opened: () => within(10_000, new Promise<void>((resolve) => {
      if (connection.state === 'open') return resolve();
      const off = connection.on('open', () => {
        off();
        resolve();
      });
    }), 'the client to open'),
  };
  session.on('resumed', (event) => client.resumed.push(event));
  session.on('not-resumed', ({ reason }) => client.notResumed.push(reason));
  void (async () => {
    try {
      for await (const message of connection) {
        messages.push(message);
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // Ends with WK_ERR_CLOSED when the test closes the client.
    }
  })();
  clients.push(client);
  return client;
}

/** Closes every client made since the last call. */
export async function closeResumeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => {
    client.offline = null;
    return within(5_000, client.connection.close(), 'a resume client to close').catch(() => undefined);
  }));
}
