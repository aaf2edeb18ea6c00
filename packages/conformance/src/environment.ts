import type { ContractServer, ServerKind } from './contract-server.js';
import type { FaultHandle } from './fault-cases.js';
import type { FaultServerOptions } from './fault-server.js';

/** A fault server the environment started, as the cases see it, plus its end. */
export interface EnvironmentFaultServer extends FaultHandle {
  close(): Promise<void>;
}

/**
 * Where the servers of the contract suite live. The client under test runs wherever
 * {@link runContract} runs; the servers it talks to need Node (`node:net`, `ws`,
 * `@wirekit/server`). In Node that is the same process ({@link localEnvironment}); from a browser,
 * Bun or Deno the servers run in a Node parent, driven over a control channel
 * (`connectEnvironment` on the client side, `serveContractEnvironment` in the parent).
 */
export interface ContractEnvironment {
  /** Why a contract server of this kind cannot start (its package does not load), or undefined when it can. */
  targetUnavailable(kind: ServerKind): Promise<string | undefined>;
  /** Starts a contract server of `kind` on an ephemeral loopback port. */
  startTarget(kind: ServerKind): Promise<ContractServer>;
  /** Starts a fault server. */
  startFaultServer(options: FaultServerOptions): Promise<EnvironmentFaultServer>;
  /** `ws://127.0.0.1:<port>/` for a loopback port with nothing listening. */
  closedPortUrl(): Promise<string>;
}
