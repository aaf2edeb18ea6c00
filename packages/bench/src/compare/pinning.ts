/**
 * `--pin`: the benchmark's processes pinned to CPUs, as issue 14's own harness pinned them. On a
 * machine of few cores the scheduler otherwise decides, run by run and row by row, whether a
 * client and its server share a core (a 64-byte round trip of ~30 µs on this 2-core machine) or
 * not (~80–120 µs, with a tail made of cross-core wake-ups), so that an RTT row says more about
 * where its processes landed than about the library. Every row of a run is pinned the same way.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** `split`: server on CPU 1, client on CPU 0 (one core each). `same`: both on CPU 0 (no cross-core wake-ups). */
export type PinMode = 'split' | 'same';
export const PIN_MODES: readonly PinMode[] = ['split', 'same'];

const TASKSET = '/usr/bin/taskset';

/** The CPU a process of `role` runs on under `mode`; null when not pinned. */
export function cpuOf(mode: PinMode | null, role: 'server' | 'client'): number | null {
  if (mode === null) return null;
  return mode === 'split' && role === 'server' ? 1 : 0;
}

/** Throws why pinning cannot be done here (no taskset, one CPU for `split`); a run never silently goes unpinned. */
export function checkPinning(mode: PinMode | null): void {
  if (mode === null) return;
  if (!existsSync(TASKSET)) throw new Error(`--pin needs ${TASKSET} (Debian's util-linux)`);
  if (mode === 'split' && availableParallelism() < 2) throw new Error(`--pin split needs 2 CPUs; this machine has ${String(availableParallelism())}`);
}

/** The command that runs a program on `cpu` (prefix to the program and its arguments); empty when not pinned. */
export function pinnedCommand(cpu: number | null): readonly string[] {
  return cpu === null ? [] : [TASKSET, '-c', String(cpu)];
}

/** How a pinned run is described under its table. */
export function describePinning(mode: PinMode | null): string {
  if (mode === null) return '';
  return mode === 'split'
    ? 'Processes pinned (`--pin split`): every server on CPU 1, every client on CPU 0.'
    : 'Processes pinned (`--pin same`): every server and client on CPU 0.';
}
