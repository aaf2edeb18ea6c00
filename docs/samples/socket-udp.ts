// UDP on loopback with sendTo/recvFrom, and the address helpers (docs/transports/socket.md).
import { AF_INET, AF_INET6, SOCK_DGRAM, SocketTable, decodeSockaddr, htons, inet_ntop, inet_pton, sockaddr_in } from '@wirekit/socket';

export function addressHelpers(): string[] {
  return [
    `htons(80) = 0x${htons(80).toString(16)}`, // 0x5000 on a little-endian host, as in C
    `inet_pton(AF_INET, '127.0.0.1') = ${inet_pton(AF_INET, '127.0.0.1').join('.')}`,
    `inet_ntop(AF_INET6, …) = ${inet_ntop(AF_INET6, inet_pton(AF_INET6, '2001:db8:0:0:0:0:0:1'))}`, // RFC 5952 form
    `sockaddr_in('127.0.0.1', 1234) = [${sockaddr_in('127.0.0.1', 1234).join(', ')}]`, // sin_len, AF_INET, port, address, zero
  ];
}

export async function udpEcho(port: number): Promise<string[]> {
  const table = new SocketTable();
  const fd = table.socket(AF_INET, SOCK_DGRAM);
  await table.bind(fd, sockaddr_in('127.0.0.1', 0)); // stay on loopback: an unbound socket would bind the wildcard
  await table.sendTo(fd, new TextEncoder().encode('ping'), sockaddr_in('127.0.0.1', port));
  const { bytes, address, truncated } = await table.recvFromAsync(fd, 1_500);
  const from = decodeSockaddr(address);
  table.close(fd);
  return [`recvFrom: ${new TextDecoder().decode(bytes)} from ${from.address}:${from.port === port ? 'the server port' : from.port} truncated=${truncated}`];
}
