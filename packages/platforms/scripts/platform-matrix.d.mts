// Types of platform-matrix.mjs, for the tests that import it.
import type { ResultsFile } from '../test/support/results.js';

export declare const RESULTS_DIR: string;
export declare const DOC_PATH: string;
export declare const RUNTIMES: ReadonlyArray<{ readonly id: string; readonly title: string; readonly how: string }>;
export declare const SERVER_RUNTIMES: ReadonlyArray<{ readonly id: string; readonly title: string; readonly how: string }>;
export declare function readResults(dir?: string): Partial<Record<string, ResultsFile>>;
export declare function renderMatrix(results: Partial<Record<string, ResultsFile>>): string;
export declare function writeMatrix(dir?: string, doc?: string): boolean;
