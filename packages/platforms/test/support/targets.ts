/**
 * Which transport runs where: every `connect` the platform runs cover, how its runner imports
 * it, and the capability gaps it documents per runtime. Pure data, bundled into the runners.
 */
import { WHATWG_STRICTNESS_SKIPS, WS_STRICTNESS_SKIPS, type ConformanceFeature, type ConformanceSkip } from '@wirekit/conformance';

/** The runtimes of the platform matrix. */
export const RUNTIMES = ['node', 'chromium', 'bun', 'deno'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * How a runner is bundled: `web` for the browser export conditions and the runtime's own
 * WebSocket (the same bundle runs in Chromium, Bun and Deno), `node` for transports on the
 * Node API (node:net, node:tls), which Bun and Deno emulate.
 */
export type Flavor = 'web' | 'node';

/** The runtimes each flavor runs in. */
export const FLAVOR_RUNTIMES: Readonly<Record<Flavor, readonly Runtime[]>> = {
  web: ['chromium', 'bun', 'deno'],
  node: ['node', 'bun', 'deno'],
};

/** A case that fails in a runtime for a known reason outside the transport, kept visible as failed. */
export interface KnownFailure {
  readonly runtime: Runtime;
  readonly feature: ConformanceFeature;
  readonly reason: string;
}

/** One `connect` under test. */
export interface PlatformTarget {
  /** Unique id, e.g. 'framed' or 'task-browser'. */
  readonly id: string;
  /** The package it comes from, as listed in the matrix. */
  readonly package: string;
  /** What it is, for the matrix: 'connect (Node entry)'. */
  readonly label: string;
  readonly flavor: Flavor;
  /** The names imported from `package` by the generated runner entry; none for the test-support factories. */
  readonly imports: readonly string[];
  /**
   * A third-party module the runner bundles for this target, resolved from a workspace
   * package's directory (e.g. `ws` from packages/adapter, which lists it), its names renamed
   * like `imports`.
   */
  readonly alsoImports?: { readonly from: string; readonly names: readonly string[]; readonly resolveFrom: string };
  /** The expression that yields the ConnectionFactory, over the names of `imports` and `alsoImports`. */
  readonly factory: string;
  /** Documented capability gaps: skipped, with the reason, in every runtime of the flavor. */
  readonly skip: readonly ConformanceSkip[];
  /** Cases that run and are known to fail in one runtime; the tests accept no other failure. */
  readonly knownFailures?: readonly KnownFailure[];
}

/** What a WHATWG WebSocket cannot do, whoever wraps it (task in browsers, adapter on any WHATWG constructor). */
export const WHATWG_SKIPS: readonly ConformanceSkip[] = [
  { feature: 'ping', reason: 'the WHATWG WebSocket API cannot send a ping (ping() rejects WK_ERR_UNSUPPORTED)' },
  { feature: 'keep-alive', reason: 'keepAlive needs ping(), which the WHATWG WebSocket API lacks' },
  { feature: 'headers', reason: 'the WHATWG WebSocket API cannot set request headers or the Origin' },
  { feature: 'max-message-size', reason: 'the WHATWG WebSocket API has no receive limit and cannot send close code 1009 (close() takes 1000 or 3000-4999)' },
  { feature: 'terminate', reason: 'the WHATWG WebSocket API cannot abort a connection: close() always sends a Close frame, so the peer never sees 1006' },
  { feature: 'refused', reason: 'a WHATWG WebSocket reports a failed connect as a bare error event: ECONNREFUSED cannot be told apart (by design, no network details for scripts)' },
  { feature: 'dns', reason: 'a WHATWG WebSocket reports a failed connect as a bare error event: a DNS failure cannot be told apart' },
  { feature: 'handshake-status', reason: 'a WHATWG WebSocket does not expose the HTTP status of a refused upgrade' },
  { feature: 'invalid-utf8', reason: 'a WHATWG WebSocket fails the connection on invalid UTF-8 with a bare error event and 1006: WK_ERR_INVALID_UTF8 cannot be reported' },
  // Browsers keep their native behaviour at the edges of RFC 6455 (issue 12): recorded, not changed.
  ...WHATWG_STRICTNESS_SKIPS,
];

/** What the native WebSocket of a runtime gets wrong, whoever wraps it without working around it. */
const NATIVE_DECLINED_SUBPROTOCOL: readonly KnownFailure[] = [
  {
    runtime: 'chromium',
    feature: 'subprotocol-declined',
    reason: "Chromium fails the handshake when it offered subprotocols and the server selected none (\"Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received\"); RFC 6455 §4.1 allows it",
  },
  { runtime: 'bun', feature: 'subprotocol-declined', reason: "Bun's WebSocket fails the handshake when the server selects none of the offered subprotocols (\"Missing client protocol\")" },
];

/** The transports, in matrix order. Entries whose package does not export `imports` yet are reported as not available. */
export const TARGETS: readonly PlatformTarget[] = [
  {
    id: 'core',
    package: '@wirekit/core',
    label: 'EngineConnection: openClientConnection over socketChannel(node:net)',
    flavor: 'node',
    imports: [],
    factory: 'coreNetFactory',
    skip: [],
  },
  {
    id: 'framed',
    package: '@wirekit/framed',
    label: 'connect (NWConnection style, node:net)',
    flavor: 'node',
    imports: ['connect'],
    factory: 'connect',
    skip: [],
  },
  {
    id: 'task-node',
    package: '@wirekit/task',
    label: 'connect (Node entry, on the engine)',
    flavor: 'node',
    imports: ['connect'],
    factory: 'connect',
    skip: [],
  },
  {
    id: 'streams',
    package: '@wirekit/streams',
    label: 'connect (Stream pair)',
    flavor: 'node',
    imports: ['connect'],
    factory: 'connect',
    skip: [],
  },
  {
    id: 'socket',
    package: '@wirekit/socket',
    label: 'connect (BSD socket)',
    flavor: 'node',
    imports: ['connect'],
    factory: 'connect',
    skip: [],
  },
  {
    id: 'adapter-ws',
    package: '@wirekit/adapter',
    label: 'connectWs (the ws client, bundled with the runner and passed as options.WebSocket)',
    flavor: 'node',
    imports: ['connectWs'],
    alsoImports: { from: 'ws', names: ['WebSocket'], resolveFrom: 'adapter' },
    factory: '(url, options = {}) => connectWs(url, { ...options, WebSocket })',
    skip: WS_STRICTNESS_SKIPS,
    knownFailures: [
      { runtime: 'bun', feature: 'slow-reader', reason: 'sends cut short by terminate() reject WK_ERR_TRANSPORT ("Socket is closed", from ws on Bun\'s node:net), not WK_ERR_CLOSED' },
      { runtime: 'deno', feature: 'slow-reader', reason: 'sends cut short by terminate() reject WK_ERR_ABORTED ("write ECANCELED", from ws on Deno\'s node:net), not WK_ERR_CLOSED' },
    ],
  },
  {
    id: 'task-browser',
    package: '@wirekit/task',
    label: 'connect (browser entry, native WebSocket)',
    flavor: 'web',
    imports: ['connect'],
    factory: 'connect',
    skip: WHATWG_SKIPS,
    knownFailures: NATIVE_DECLINED_SUBPROTOCOL,
  },
  {
    id: 'adapter-whatwg',
    package: '@wirekit/adapter',
    label: 'connectWebSocket() (native WHATWG WebSocket)',
    flavor: 'web',
    imports: ['connectWebSocket'],
    factory: 'connectWebSocket()',
    skip: WHATWG_SKIPS,
    knownFailures: [
      ...NATIVE_DECLINED_SUBPROTOCOL,
      { runtime: 'deno', feature: 'abrupt-drop', reason: "Deno's WebSocket reports close code 0, not 1006, when the TCP connection drops (passed through as is)" },
      { runtime: 'deno', feature: 'drop-mid-frame', reason: "Deno's WebSocket reports close code 0, not 1006, when the TCP connection drops (passed through as is)" },
    ],
  },
  {
    id: 'whatwg-reference',
    package: 'WHATWG reference (platforms test support)',
    label: 'the native WebSocket behind a minimal Connection, the baseline',
    flavor: 'web',
    imports: [],
    factory: 'whatwgFactory()',
    skip: [
      ...WHATWG_SKIPS,
      { feature: 'early-messages', reason: 'the baseline keeps messages that came before any consumer for receive() only, as a bare WebSocket wrapper would' },
      { feature: 'text-as-bytes', reason: 'the baseline is a bare WebSocket wrapper: it has no textAsBytes option and sends a TextBytes as the Uint8Array it is (WireKit transports add the option)' },
    ],
    knownFailures: [
      ...NATIVE_DECLINED_SUBPROTOCOL,
      { runtime: 'deno', feature: 'abrupt-drop', reason: "Deno's WebSocket reports close code 0, not 1006, when the TCP connection drops (passed through as is)" },
      { runtime: 'deno', feature: 'drop-mid-frame', reason: "Deno's WebSocket reports close code 0, not 1006, when the TCP connection drops (passed through as is)" },
    ],
  },
];

/** The target with this id. */
export function targetById(id: string): PlatformTarget {
  const target = TARGETS.find((candidate) => candidate.id === id);
  if (target === undefined) throw new Error(`unknown platform target ${id}`);
  return target;
}
