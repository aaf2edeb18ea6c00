// A ByteChannel (@wirekit/core) that forwards to another, with some methods replaced: the tests
// that watch or reshape what a channel does write only what differs. Typed structurally, so that
// test-support needs no @wirekit package.

/** The methods a wrapper forwards unless it is given its own. */
export type ChannelMethod = 'write' | 'end' | 'destroy' | 'pause' | 'resume' | 'bind';

type ChannelLike = { readonly bufferedAmount: number } & { [K in ChannelMethod]: (...args: never[]) => unknown };

/**
 * A channel that calls `inner` for every method not in `overrides` and reads `bufferedAmount`
 * from it.
 *
 * @example
 * ```ts
 * let pauses = 0;
 * const channel = wrapChannel(inner, { pause: () => void (pauses++, inner.pause()) });
 * ```
 */
export function wrapChannel<C extends ChannelLike>(inner: C, overrides: Partial<Pick<C, ChannelMethod>>): C {
  const forward = (name: ChannelMethod) => (...args: unknown[]): unknown => Reflect.apply(inner[name], inner, args);
  return {
    write: forward('write'),
    end: forward('end'),
    destroy: forward('destroy'),
    pause: forward('pause'),
    resume: forward('resume'),
    bind: forward('bind'),
    ...overrides,
    get bufferedAmount() {
      return inner.bufferedAmount;
    },
  } as unknown as C;
}
