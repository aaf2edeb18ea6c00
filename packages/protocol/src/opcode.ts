/** Frame opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Opcodes 0x8–0xF are control frames (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** Whether an opcode is defined by RFC 6455; 0x3–0x7 and 0xB–0xF are reserved (§5.2). */
export function isKnownOpcode(opcode: number): opcode is Opcode {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xa);
}
