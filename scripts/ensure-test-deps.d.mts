// Types of ensure-test-deps.mjs, for its tests.
export interface Requirement {
  readonly name: string;
  /** A fixed path that must be executable… */
  readonly path?: string;
  /** …or a command that must be on PATH. */
  readonly command?: string;
  readonly aptPackage: string;
  readonly usedBy: string;
}
export declare const REQUIREMENTS: readonly Requirement[];
export declare function which(command: string, env?: NodeJS.ProcessEnv): string | undefined;
export declare function missingRequirements(requirements?: readonly Requirement[], env?: NodeJS.ProcessEnv): Requirement[];
export declare function fixCommand(packages: readonly string[], root: boolean): string;
export declare function ensureTestDeps(options?: {
  readonly requirements?: readonly Requirement[];
  readonly env?: NodeJS.ProcessEnv;
  readonly root?: boolean;
  readonly log?: (line: string) => void;
  readonly stdio?: 'inherit' | 'ignore';
}): number;
