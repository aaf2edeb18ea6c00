// @wirekit/conformance/portable — the runtime-neutral part of the contract suite: no node:
// imports, no vitest. Bundled into browser pages and Bun/Deno runners, which run the cases with
// runContract against servers in a Node parent (connectEnvironment). Every export is listed by name.

export { planContract, runContract, validateSkips } from './run-contract.js';
export type { CaseResult, ConformanceSkip, ContractGroup, ContractGroupKind, ContractReport, PlanOptions, PlannedCase, RunContractOptions } from './run-contract.js';
export { CONFORMANCE_FEATURES } from './contract-case.js';
export type { ConformanceFeature } from './contract-case.js';
export type { ContractEnvironment, EnvironmentFaultServer } from './environment.js';
export type { FaultHandle, KeepAlive } from './fault-cases.js';
export type { FaultMode, FaultServerOptions, FaultTrigger } from './fault-server.js';
export type { ContractServer, PeerClose, ServerKind, ServerPeer } from './contract-server.js';
export { SERVER_PROTOCOLS } from './contract-server.js';
export { connectEnvironment } from './remote-environment.js';
export type { ConnectEnvironmentOptions, ControlSocketConstructor, RemoteEnvironment } from './remote-environment.js';
export { delay, within, waitFor, rejectionOf } from './bounded.js';
export { AssertionError, expect } from './assert.js';
export type { Assertion, Expect } from './assert.js';
