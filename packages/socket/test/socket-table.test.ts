import { describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, defaultSocketTable, SOCK_DGRAM, SOCK_STREAM, SocketTable } from '../src/index.js';

describe('SocketTable', () => {
  describe('socket()', () => {
    it('hands out the lowest free descriptor from 3, as 0, 1 and 2 are stdin, stdout and stderr', () => {
      const table = new SocketTable();
      expect([table.socket(AF_INET, SOCK_STREAM), table.socket(AF_INET6, SOCK_STREAM), table.socket(AF_INET, SOCK_DGRAM)]).toEqual([3, 4, 5]);
      table.close(4);
      expect(table.socket(AF_INET, SOCK_STREAM)).toBe(4);
      expect(table.socket(AF_INET, SOCK_STREAM)).toBe(6);
      for (const fd of table.descriptors) table.close(fd);
    });

    it('fails with EMFILE (WK_ERR_TRANSPORT, domain posix) once the limit is reached, and recovers after a close', () => {
      const table = new SocketTable({ limit: 6 });
      expect([0, 1, 2].map(() => table.socket(AF_INET, SOCK_STREAM))).toEqual([3, 4, 5]);
      expect(() => table.socket(AF_INET, SOCK_STREAM)).toThrow(expect.objectContaining({ code: 'WK_ERR_TRANSPORT', domain: 'posix', errno: 'EMFILE' }));
      table.close(3);
      expect(table.socket(AF_INET, SOCK_DGRAM)).toBe(3);
      for (const fd of table.descriptors) table.close(fd);
    });

    it.each([
      [1, SOCK_STREAM, 'EAFNOSUPPORT'],
      [AF_INET, 3, 'EINVAL'],
    ])('refuses family %i type %i with %s', (family, type, errno) => {
      expect(() => new SocketTable().socket(family, type)).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', errno }));
    });

    it.each([0, 3, 2.5])('refuses a limit of %s (there must be room for one descriptor above stderr)', (limit) => {
      expect(() => new SocketTable({ limit })).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT' }));
    });

    it('has a module-level default table with the iOS soft limit of 256', () => {
      expect(defaultSocketTable.limit).toBe(256);
    });
  });

  describe('EBADF', () => {
    const table = new SocketTable();
    it.each([
      ['close', () => table.close(42)],
      ['recv', () => table.recv(3, 10)],
      ['send', () => table.send(-1, new Uint8Array(1))],
      ['shutdown', () => table.shutdown(1.5, 1)],
      ['poll', () => table.poll(0)],
      ['getsockname', () => table.getsockname(7)],
    ])('%s() on a descriptor that is not open throws EBADF', (_call, call) => {
      expect(call).toThrow(expect.objectContaining({ code: 'WK_ERR_INVALID_ARGUMENT', domain: 'posix', errno: 'EBADF' }));
    });

    it.each([
      ['bind', () => table.bind(42, new Uint8Array(16))],
      ['listen', () => table.listen(42)],
      ['connect', () => table.connect(42, new Uint8Array(16))],
      ['sendTo', () => table.sendTo(42, new Uint8Array(1), new Uint8Array(16))],
      ['acceptAsync', () => table.acceptAsync(42)],
      ['recvAsync', () => table.recvAsync(42, 10)],
      ['recvFromAsync', () => table.recvFromAsync(42, 10)],
      ['sendAsync', () => table.sendAsync(42, new Uint8Array(1))],
    ])('%s() returns a promise, so on a descriptor that is not open it rejects EBADF (never throws)', async (_call, call) => {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toMatchObject({ name: 'WireKitError', domain: 'posix', errno: 'EBADF' });
    });

    it('a closed descriptor is not open any more', () => {
      const fd = table.socket(AF_INET, SOCK_STREAM);
      table.close(fd);
      expect(() => table.close(fd)).toThrow(expect.objectContaining({ errno: 'EBADF' }));
    });
  });
});
