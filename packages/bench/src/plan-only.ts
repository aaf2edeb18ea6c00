/**
 * `WIREKIT_BENCH_PLAN_ONLY=1`: a benchmark command checks its arguments, prints the plan it would
 * run (one JSON line) and exits 0 without measuring anything. The docs show benchmark commands
 * that take up to half an hour (`compare` with 3 repetitions, a 2-minute soak of 5,000
 * connections); scripts/test/commands.test.ts runs each of them verbatim with this variable set,
 * so their argument handling is tested in CI in seconds — and only that: the measurement itself
 * is tested by the bench package's own (small) integration tests.
 */
export const PLAN_ONLY_ENV = 'WIREKIT_BENCH_PLAN_ONLY';

/** Prints `plan` and exits 0 when {@link PLAN_ONLY_ENV} is `1`; otherwise returns and the command runs. */
export function stopAfterPlan(command: string, plan: Readonly<Record<string, unknown>>): void {
  if (process.env[PLAN_ONLY_ENV] !== '1') return;
  console.log(JSON.stringify({ command, planOnly: true, ...plan }));
  process.exit(0);
}
