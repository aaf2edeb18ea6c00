// The few Web-platform globals the engine uses. They exist in every target runtime
// (Node >= 20, browsers, Deno, Bun); the package compiles against the ES lib alone so that
// node: APIs, DOM APIs and timers cannot creep into the engine unnoticed.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare function btoa(data: string): string;
declare function atob(data: string): string;
