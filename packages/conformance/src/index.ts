// @wirekit/conformance — the contract suite every WireKit transport runs. Every export is listed by name.

export { describeConnection } from './describe-connection.js';
export type { ConformanceSkip, DescribeConnectionOptions } from './describe-connection.js';
export { CONFORMANCE_FEATURES } from './contract-case.js';
export type { ConformanceFeature } from './contract-case.js';
export { startFaultServer } from './fault-server.js';
export type { FaultMode, FaultServer, FaultServerOptions, FaultTrigger } from './fault-server.js';
export type { ContractServer, PeerClose, ServerKind, ServerPeer } from './contract-server.js';
export { SERVER_PROTOCOLS } from './contract-server.js';
export { startWsContractServer } from './ws-contract-server.js';
export { startWirekitContractServer } from './wirekit-contract-server.js';
export { delay, within, waitFor, rejectionOf } from './bounded.js';
