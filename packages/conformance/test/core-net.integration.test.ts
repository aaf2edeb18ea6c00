/**
 * The contract suite run on @wirekit/core's EngineConnection over plain node:net, the glue
 * every Node transport will have: the core is checked by the contract before the transports.
 */
import { describeConnection } from '../src/index.js';
import { coreNetFactory } from './support/core-net-connection.js';

describeConnection('core EngineConnection over node:net', coreNetFactory);
