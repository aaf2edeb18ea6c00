/**
 * After the platforms project's run, renders docs/platforms.md from the results files the
 * runtime tests just wrote, so that the page always says what was last measured.
 */
import { writeMatrix } from '../scripts/platform-matrix.mjs';

export function teardown(): void {
  writeMatrix();
}
