// @wirekit/socket — CFSocket / BSD socket style for Node: descriptor table, connect/send/recv/bind/listen/accept, UDP, address helpers, WebSocket over a raw socket. Every export is listed by name.

export {
  AF_INET,
  AF_INET6,
  CFSocketError,
  IPPROTO_TCP,
  kCFSocketAcceptCallBack,
  kCFSocketAutomaticallyReenableAcceptCallBack,
  kCFSocketAutomaticallyReenableDataCallBack,
  kCFSocketAutomaticallyReenableReadCallBack,
  kCFSocketAutomaticallyReenableWriteCallBack,
  kCFSocketCloseOnInvalidate,
  kCFSocketConnectCallBack,
  kCFSocketDataCallBack,
  kCFSocketNoCallBack,
  kCFSocketReadCallBack,
  kCFSocketWriteCallBack,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_BROADCAST,
  SO_KEEPALIVE,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_NODELAY,
} from './constants.js';
export type { AddressFamily, CFSocketCallBackType, CFSocketErrorValue, ShutdownHow, SocketType } from './constants.js';
export { HOST_IS_LITTLE_ENDIAN, htonl, htons, ntohl, ntohs } from './byte-order.js';
export { inet_ntop, inet_pton } from './inet.js';
export { decodeSockaddr, encodeSockaddr, SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE, sockaddr_in, sockaddr_in6 } from './sockaddr.js';
export type { SockaddrIn, SockaddrIn6, SocketAddress } from './sockaddr.js';
export type { SocketErrno } from './socket-error.js';
export { defaultSocketTable, SocketTable } from './socket-table.js';
export type { SocketConnectOptions, SocketTableOptions } from './socket-table.js';
export type { Accepted, AcceptResult, ConnectResult, Datagram, PollResult, RecvFromResult, RecvResult, SendResult, SocketEvent, WouldBlock } from './descriptor.js';
export type { SocketAddressInput } from './node-address.js';
export { descriptorChannel } from './descriptor-channel.js';
export { connect } from './connect.js';
export type { SocketConnectionOptions } from './connect.js';
export { framedSocket } from './framed-socket.js';
export type { FramedSocketOptions } from './framed-socket.js';
export { CFSocket } from './cf-socket.js';
export type { CFSocketCallBack, CFSocketCallBackData, CFSocketOptions } from './cf-socket.js';
export { acceptWebSocket } from './accept-web-socket.js';
export type { AcceptWebSocketOptions } from './accept-web-socket.js';
