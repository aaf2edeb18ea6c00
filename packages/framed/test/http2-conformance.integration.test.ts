/**
 * The contract suite over HTTP/2 (RFC 8441): framed's connect with `http2: true` against the
 * WireKit server on an h2c node:http2 server (both ends over HTTP/2), and against ws, which speaks
 * HTTP/1.1 only (the client falls back). Same cases as every transport, one more way to connect.
 */
import { afterAll, expect } from 'vitest';
import type { ConnectionFactory } from '@wirekit/core';
import { describeConnection, localEnvironment, startWirekitContractServer, type ContractEnvironment } from '@wirekit/conformance';
import { connect, sharedHttp2Pool } from '../src/index.js';

const overHttp2: ConnectionFactory = (url, options) => connect(url, { ...options, http2: true });

/** The h2c environment, keeping the WireKit servers it starts so that the run can prove it used HTTP/2. */
const started: Array<Awaited<ReturnType<typeof startWirekitContractServer>>> = [];
const base = localEnvironment({ http2: true });
const environment: ContractEnvironment = {
  ...base,
  startTarget: async (kind) => {
    if (kind !== 'wirekit') return base.startTarget(kind);
    const server = await startWirekitContractServer({ http2: true });
    started.push(server);
    return server;
  },
};

describeConnection('framed over HTTP/2', overHttp2, { servers: ['wirekit', 'ws'], faults: false, environment });

afterAll(() => {
  sharedHttp2Pool.close();
  // The WireKit target really saw its WebSockets as extended CONNECT streams.
  expect(started).toHaveLength(1);
  expect(started[0]!.http2Streams()).toBeGreaterThan(20);
});
