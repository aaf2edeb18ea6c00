import { describe, expect, it } from 'vitest';
import { ContentContext, NWConnection, NWEndpoint, NWParameters, NWProtocolWebSocket, type NWError } from '../src/index.js';
import { receiveMessage, recordStates, send } from './support/harness.js';

const connection = (): NWConnection => new NWConnection(NWEndpoint.hostPort('127.0.0.1', 1), NWParameters.tcp);

describe('NWConnection (no sockets)', () => {
  it('goes from setup to cancelled on cancel(), failing queued sends and pending receives with ECANCELED', async () => {
    const subject = connection();
    const states = recordStates(subject);
    const sent = send(subject, 'never');
    const received = receiveMessage(subject);
    subject.cancel();
    expect(states.kinds).toEqual(['setup', 'cancelled']);
    expect((await sent)?.errno).toBe('ECANCELED');
    expect((await received).error?.errno).toBe('ECANCELED');
  });

  it('throws WK_ERR_INVALID_ARGUMENT when started twice', () => {
    const subject = connection();
    subject.cancel();
    expect(() => subject.start()).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it.each([
    [0, 0],
    [5, 4],
    [-1, 4],
    [1.5, 4],
  ])('throws WK_ERR_INVALID_ARGUMENT for receive(%d, %d)', (min, max) => {
    expect(() => connection().receive(min, max, () => undefined)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
  });

  it('fails with the usage error of an endpoint that cannot be dialled', async () => {
    const subject = new NWConnection(NWEndpoint.url('tcp://127.0.0.1/'), NWParameters.tcp);
    const states = recordStates(subject);
    subject.start();
    await states.reach('failed');
    const state = subject.state;
    expect(state.kind === 'failed' && [state.error.code, state.error.domain]).toEqual(['WK_ERR_INVALID_URL', 'usage']);
  });

  it('calls completions later, never inside send()', () => {
    const subject = connection();
    subject.cancel();
    const calls: Array<NWError | null> = [];
    subject.send('x', { completion: (error) => calls.push(error) });
    expect(calls).toEqual([]);
  });
});

describe('ContentContext', () => {
  it('finds its WebSocket metadata', () => {
    const metadata = new NWProtocolWebSocket.Metadata('binary');
    expect(new ContentContext({ metadata: [metadata] }).webSocketMetadata).toBe(metadata);
    expect(ContentContext.defaultMessage.webSocketMetadata).toBeNull();
  });

  it.each([
    ['defaultMessage', ContentContext.defaultMessage, false],
    ['finalMessage', ContentContext.finalMessage, true],
    ['defaultStream', ContentContext.defaultStream, false],
  ])('predefines %s (isFinal %s)', (identifier, context, isFinal) => {
    expect([context.identifier, context.isFinal]).toEqual([identifier, isFinal]);
  });
});
