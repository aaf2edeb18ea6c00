// A module-resolution hook: resolves the workspace's @wirekit packages to their TypeScript
// sources (their "source" export condition), as `node --conditions=source` does.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'source'] });
}
