/**
 * WireKit clients and WireKitServer in one runtime (a Node child, Bun or Deno): the contract
 * cases against the WireKit server, with the server started in this process and
 * @wirekit/framed's connect as the client. Prints the cases as one JSON line.
 */
import { planContract, runContract, startWirekitContractServer, type CaseResult, type ContractEnvironment, type WirekitServerModule } from '@wirekit/conformance';
import { connect } from '@wirekit/framed';
import * as serverModule from '@wirekit/server';

/** The line the runner prints. */
export interface SameRuntimeRun {
  readonly kind: 'same-runtime';
  readonly cases: readonly CaseResult[];
}

/** Only the WireKit contract server; the fault cases are not planned (their features are not selected) or are dropped. */
const environment: ContractEnvironment = {
  targetUnavailable: (kind) => Promise.resolve(kind === 'wirekit' ? undefined : `the ${kind} server is not part of this run`),
  startTarget: () => startWirekitContractServer({ module: serverModule as unknown as WirekitServerModule }),
  startFaultServer: () => Promise.reject(new Error('no fault servers in this run')),
  closedPortUrl: () => Promise.reject(new Error('no closed port in this run')),
};

/** Runs the contract's WireKit-server cases with framed's connect, prints {@link SameRuntimeRun}, and exits. */
export async function runSameRuntime(): Promise<void> {
  const plan = await planContract(connect, { environment, servers: ['wirekit'] });
  const wirekit = plan.filter((group) => group.kind === 'wirekit').flatMap((group) => group.cases.map((kase) => kase.feature));
  const report = await runContract('framed → WireKitServer, one runtime', connect, { environment, servers: ['wirekit'], features: [...new Set(wirekit)] });
  const run: SameRuntimeRun = { kind: 'same-runtime', cases: report.cases.filter((kase) => kase.group === 'wirekit') };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(0);
}
