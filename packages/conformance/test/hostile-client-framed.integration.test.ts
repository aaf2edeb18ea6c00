// Issue 11: one hostile server must not exhaust the memory or CPU of a @wirekit/framed client.
// Each attack runs against the transport's connect() with default options, in a child process
// with a 96 MiB heap; the hostile server is a raw TCP socket that completes the handshake by hand.
import { describeHostilePeer } from './support/hostile.js';

describeHostilePeer('the @wirekit/framed client, attacked by one hostile server', { side: 'client', impl: 'wirekit', transport: 'framed' });
