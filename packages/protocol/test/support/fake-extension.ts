import type { Extension, ExtensionFactory, ExtensionParams } from '../../src/extension.js';

/** A test extension: identity transform, records what it was created with and whether it was disposed of. */
export interface FakeExtension extends Extension {
  readonly params: ExtensionParams;
  disposed: boolean;
}

/** Options of {@link fakeExtensionFactory}. */
export interface FakeFactoryOptions {
  /** What `offer()` returns; one bare offer by default. */
  readonly offers?: readonly ExtensionParams[];
  /** Makes `accept()` throw, to exercise factories that fail instead of returning null. */
  readonly acceptThrows?: boolean;
}

/**
 * An ExtensionFactory for handshake tests. `accept()` refuses params containing `reject`;
 * `negotiate()` answers the first offer without `decline`, echoing its params plus `agreed`.
 */
export function fakeExtensionFactory(name = 'x-fake', options: FakeFactoryOptions = {}): ExtensionFactory & { created: FakeExtension[] } {
  const created: FakeExtension[] = [];
  const make = (params: ExtensionParams): FakeExtension => {
    const extension: FakeExtension = {
      name,
      params,
      rsv: { rsv1: true, rsv2: false, rsv3: false },
      disposed: false,
      decode: (payload) => payload,
      encode: (payload) => ({ payload, rsv: { rsv1: true, rsv2: false, rsv3: false } }),
      dispose() {
        extension.disposed = true;
      },
    };
    created.push(extension);
    return extension;
  };
  return {
    name,
    created,
    offer: () => options.offers ?? [{}],
    accept(response) {
      if (options.acceptThrows === true) throw new Error('accept failed');
      return 'reject' in response ? null : make(response);
    },
    negotiate(offers) {
      const chosen = offers.find((offer) => !('decline' in offer));
      if (chosen === undefined) return null;
      const params = { ...chosen, agreed: true as const };
      return { params, extension: make(params) };
    },
  };
}
