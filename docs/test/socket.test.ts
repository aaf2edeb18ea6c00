import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsdEcho } from '../samples/socket-bsd.js';
import { cfSocketEcho } from '../samples/socket-cfsocket.js';
import { addressHelpers, udpEcho } from '../samples/socket-udp.js';
import { socketWebSocket } from '../samples/socket-websocket.js';
import { startEchoServer, startTcpEchoServer, startUdpEchoServer, type RunningServer } from './echo-server.js';

let server: RunningServer;
let tcp: RunningServer;
let udp: RunningServer;
let refusedPort: number;
beforeAll(async () => {
  [server, tcp, udp] = await Promise.all([startEchoServer(), startTcpEchoServer(), startUdpEchoServer()]);
  const closed = await startTcpEchoServer();
  refusedPort = closed.port;
  await closed.close();
});
afterAll(async () => {
  await Promise.all([server.close(), tcp.close(), udp.close()]);
});

describe('socket samples (docs/transports/socket.md)', () => {
  it('socket-bsd.ts hands out descriptor 3, echoes to EOF, reuses 3 and reports ECONNREFUSED', async () => {
    expect(await bsdEcho(tcp.port, refusedPort)).toEqual([
      'socket() = 3',
      'connect: success',
      'recv before data: would-block',
      'echoed: hi there',
      'socket() = 3, connect: error ECONNREFUSED',
    ]);
  });

  it('socket-cfsocket.ts connects, sends and gets the echo through the data callback', async () => {
    expect(await cfSocketEcho(tcp.port, 'Hello, CFSocket')).toEqual(['native descriptor: 3', 'data callback: Hello, CFSocket', 'valid after invalidate: false']);
  });

  it('socket-cfsocket.ts reports a refused connect through lastError', async () => {
    expect(await cfSocketEcho(refusedPort, 'x')).toEqual(['native descriptor: 3', 'connect failed: ECONNREFUSED']);
  });

  it('socket-udp.ts shows the address helpers in BSD layout', () => {
    expect(addressHelpers()).toEqual([
      'htons(80) = 0x5000',
      "inet_pton(AF_INET, '127.0.0.1') = 127.0.0.1",
      'inet_ntop(AF_INET6, …) = 2001:db8::1',
      "sockaddr_in('127.0.0.1', 1234) = [16, 2, 4, 210, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]",
    ]);
  });

  it('socket-udp.ts gets its datagram back from the UDP echo server on loopback', async () => {
    expect(await udpEcho(udp.port)).toEqual(['recvFrom: ping from 127.0.0.1:the server port truncated=false']);
  });

  it('socket-websocket.ts runs a WebSocket Connection on a descriptor and frees it on close', async () => {
    expect(await socketWebSocket(server.url)).toEqual(['open, descriptors in use: 3', 'echo: over a descriptor', 'closed 1000, descriptors in use: 0']);
  });
});
