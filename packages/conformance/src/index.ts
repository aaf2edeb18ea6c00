// @wirekit/conformance — the contract suite every WireKit transport runs. Every export is listed by name.
// describeConnection needs vitest, and the servers need Node. runContract, connectEnvironment,
// expect and the types are runtime-neutral: a bundler (the package is side-effect free) keeps
// only those for a browser, Bun or Deno runner, as packages/platforms does.

export { describeConnection } from './describe-connection.js';
export type { DescribeConnectionOptions } from './describe-connection.js';
export { planContract, runContract, validateSkips } from './run-contract.js';
export type { CaseResult, ConformanceSkip, ContractGroup, ContractGroupKind, ContractReport, PlanOptions, PlannedCase, RunContractOptions } from './run-contract.js';
export { CONFORMANCE_FEATURES } from './contract-case.js';
export { USAGE_MESSAGES } from './usage-cases.js';
export type { ConformanceFeature } from './contract-case.js';
export type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
export type { FaultHandle, KeepAlive } from './fault-cases.js';
export { localEnvironment } from './local-environment.js';
export type { LocalEnvironmentOptions } from './local-environment.js';
export { startFaultServer } from './fault-server.js';
export type { FaultDelivery, FaultMode, FaultServer, FaultServerOptions, FaultTrigger } from './fault-server.js';
export { WHATWG_STRICTNESS_SKIPS, WS_STRICTNESS_SKIPS } from './violation-cases.js';
export type { ContractServer, PeerClose, ServerKind, ServerPeer } from './contract-server.js';
export { SERVER_PROTOCOLS } from './contract-server.js';
export { startWsContractServer } from './ws-contract-server.js';
export { startWirekitContractServer } from './wirekit-contract-server.js';
export type { WirekitServerModule } from './wirekit-contract-server.js';
export { delay, within, waitFor, rejectionOf } from './bounded.js';
export { AssertionError, expect } from './assert.js';
export { watchUnhandledRejections } from './runtime.js';
export type { Assertion, Expect } from './assert.js';
export { connectEnvironment } from './remote-environment.js';
export type { ConnectEnvironmentOptions, ControlSocketConstructor, RemoteEnvironment } from './remote-environment.js';
export { serveContractEnvironment } from './environment-server.js';
export type { EnvironmentServer, EnvironmentServerOptions, ServedFile } from './environment-server.js';
export { describeBroker } from './describe-broker.js';
export type { BrokerCluster, BrokerClusterFactory } from './describe-broker.js';
export { freePort, startRedis, stopAllRedis } from './redis-server.js';
export type { RedisProcess } from './redis-server.js';
