// BSD sockets on a descriptor table: socket, connect with a timeout, send, recv, shutdown, close (docs/transports/socket.md).
import { AF_INET, CFSocketError, SHUT_WR, SOCK_STREAM, SocketTable, sockaddr_in } from '@wirekit/socket';

export async function bsdEcho(port: number, refusedPort: number): Promise<string[]> {
  const transcript: string[] = [];
  const table = new SocketTable({ limit: 8 }); // as RLIMIT_NOFILE; defaultSocketTable has 256

  const fd = table.socket(AF_INET, SOCK_STREAM); // 3: 0, 1 and 2 are stdin, stdout, stderr
  transcript.push(`socket() = ${fd}`);
  const { result } = await table.connect(fd, sockaddr_in('127.0.0.1', port), { timeout: 5_000 });
  transcript.push(`connect: ${result === CFSocketError.success ? 'success' : result}`);

  transcript.push(`recv before data: ${table.recv(fd, 512).kind}`); // non-blocking: EAGAIN
  table.send(fd, new TextEncoder().encode('hi there')); // { kind: 'sent', bytes: 8 } or EAGAIN
  table.shutdown(fd, SHUT_WR); // our FIN: the echo server ends its side after echoing
  let echoed = '';
  for (;;) {
    const bytes = await table.recvAsync(fd, 512); // the blocking form: empty at EOF, as C's 0
    if (bytes.length === 0) break;
    echoed += new TextDecoder().decode(bytes);
  }
  transcript.push(`echoed: ${echoed}`);
  table.close(fd);

  const second = table.socket(AF_INET, SOCK_STREAM); // the lowest free descriptor: 3 again
  const refused = await table.connect(second, sockaddr_in('127.0.0.1', refusedPort), { timeout: 5_000 });
  transcript.push(`socket() = ${second}, connect: ${refused.result === CFSocketError.error ? 'error' : refused.result} ${refused.errno}`);
  table.close(second);
  return transcript;
}
