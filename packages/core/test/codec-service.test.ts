import { describe, expect, it } from 'vitest';
import { CodecService, jsonCodec, WireKitError, type Codec } from '../src/index.js';
import { connectPair, next } from './support/pair.js';

interface Chat {
  readonly user: string;
  readonly text: string;
}

describe('CodecService', () => {
  it('sends values as JSON text and iterates decoded values', async () => {
    const { client, server } = await connectPair();
    const sender = new CodecService<Chat>(client);
    const receiver = new CodecService<Chat>(server);
    await sender.send({ user: 'ada', text: 'hi' });
    await sender.send({ user: 'bob', text: 'yo' });
    expect(await server.receive()).toBe('{"user":"ada","text":"hi"}');
    void client.close();
    const got: Chat[] = [];
    for await (const value of receiver) got.push(value);
    expect(got).toEqual([{ user: 'bob', text: 'yo' }]);
  });

  it('reports a message that is not JSON as WK_ERR_DECODE and keeps iterating', async () => {
    const { client, server } = await connectPair();
    const service = new CodecService<number>(server);
    const error = next<WireKitError>((l) => service.on('error', l));
    await client.send('{not json');
    await client.send('42');
    await client.send(new TextEncoder().encode('43'));
    const iterator = service[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 42 });
    expect(await iterator.next()).toEqual({ done: false, value: 43 });
    expect(await error).toMatchObject({ code: 'WK_ERR_DECODE' });
  });

  it('closes the connection with 1007 on a decode error with closeOnDecodeError (RFC 6455 §7.4.1)', async () => {
    const { client, server } = await connectPair();
    const service = new CodecService(server, { closeOnDecodeError: true });
    await client.send('{not json');
    await client.send('1');
    const got: unknown[] = [];
    for await (const value of service) got.push(value);
    expect(got).toEqual([]);
    expect(await client.closed).toMatchObject({ code: 1007, wasClean: true });
  });

  it('uses the codec it is given', async () => {
    const upper: Codec<string> = { encode: (value) => value.toUpperCase(), decode: (data) => String(data).toLowerCase() };
    const { client, server } = await connectPair();
    await new CodecService(client, { codec: upper }).send('shout');
    expect(await server.receive()).toBe('SHOUT');
  });

  it('rejects (never throws) WK_ERR_INVALID_ARGUMENT for a value JSON cannot encode', async () => {
    const { client } = await connectPair();
    const service = new CodecService<unknown>(client);
    await expect(service.send(undefined)).rejects.toMatchObject({ name: 'WireKitError', code: 'WK_ERR_INVALID_ARGUMENT', domain: 'usage' });
    await expect(service.send(10n)).rejects.toMatchObject({ code: 'WK_ERR_INVALID_ARGUMENT' });
    await expect(service.send(undefined)).rejects.toBeInstanceOf(WireKitError);
    expect(jsonCodec.decode('[1]')).toEqual([1]);
  });
});
