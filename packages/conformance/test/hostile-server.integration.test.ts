// Issue 11: one hostile peer must not exhaust a WireKit server's memory or CPU. Each attack runs
// against a WireKitServer with default options in a child process with a 96 MiB heap.
import { describeHostilePeer } from './support/hostile.js';

describeHostilePeer('WireKitServer, attacked by one hostile client', { side: 'server', impl: 'wirekit' });
