/**
 * The BSD and CFSocket constants this package understands, with Darwin's values (the platform
 * the originals come from), so that a sockaddr built here has the bytes an iOS app would see.
 */

/** IPv4 (`AF_INET`, `PF_INET`): 2 on every BSD and on Linux. */
export const AF_INET = 2;
/** IPv6 (`AF_INET6`): 30 on Darwin (28 on FreeBSD, 10 on Linux); the value written in sin6_family. */
export const AF_INET6 = 30;
/** An address family this package supports. */
export type AddressFamily = typeof AF_INET | typeof AF_INET6;

/** A reliable byte stream: TCP over node:net. */
export const SOCK_STREAM = 1;
/** Datagrams: UDP over node:dgram. */
export const SOCK_DGRAM = 2;
/** A socket type this package supports. */
export type SocketType = typeof SOCK_STREAM | typeof SOCK_DGRAM;

/** shutdown(): stop receiving; buffered and later data is discarded and recv reports EOF. */
export const SHUT_RD = 0;
/** shutdown(): stop sending; a FIN is sent once buffered data is flushed. */
export const SHUT_WR = 1;
/** shutdown(): both. */
export const SHUT_RDWR = 2;
/** How a shutdown() applies. */
export type ShutdownHow = typeof SHUT_RD | typeof SHUT_WR | typeof SHUT_RDWR;

/** setsockopt level of the socket options below (Darwin's 0xffff). */
export const SOL_SOCKET = 65535;
/** setsockopt level of TCP options. */
export const IPPROTO_TCP = 6;
/** Keep-alive probes on an idle TCP connection (SOL_SOCKET). */
export const SO_KEEPALIVE = 8;
/** Permission to send to a broadcast address (SOL_SOCKET); without it sendto fails EACCES. */
export const SO_BROADCAST = 32;
/** The socket type (SOL_SOCKET), read-only. */
export const SO_TYPE = 4104;
/** Disables Nagle's algorithm (IPPROTO_TCP). */
export const TCP_NODELAY = 1;

/** CFSocketCallBackType: no callback. */
export const kCFSocketNoCallBack = 0;
/** Data or a pending connection is readable; the callout does the read or accept itself. */
export const kCFSocketReadCallBack = 1;
/** A connection was accepted; the callout gets the new descriptor (its native handle). */
export const kCFSocketAcceptCallBack = 2;
/** Data was read in the background; the callout gets the bytes, and an empty chunk at EOF. */
export const kCFSocketDataCallBack = 3;
/** A background connect finished; the callout gets null or the error. */
export const kCFSocketConnectCallBack = 4;
/** The socket can be written to; not re-enabled automatically. */
export const kCFSocketWriteCallBack = 8;
/** One CFSocketCallBackType. */
export type CFSocketCallBackType =
  | typeof kCFSocketNoCallBack
  | typeof kCFSocketReadCallBack
  | typeof kCFSocketAcceptCallBack
  | typeof kCFSocketDataCallBack
  | typeof kCFSocketConnectCallBack
  | typeof kCFSocketWriteCallBack;

/** CFSocketError: the result of CFSocketConnectToAddress, CFSocketSendData and CFSocketSetAddress. */
export const CFSocketError = {
  success: 0,
  error: -1,
  timeout: -2,
} as const;
/** One CFSocketError value. */
export type CFSocketErrorValue = (typeof CFSocketError)[keyof typeof CFSocketError];

/** CFSocket flag: the read callback fires again after each delivery (set by default). */
export const kCFSocketAutomaticallyReenableReadCallBack = 1;
/** CFSocket flag: the accept callback stays enabled (set by default). */
export const kCFSocketAutomaticallyReenableAcceptCallBack = 2;
/** CFSocket flag: the data callback stays enabled (set by default). */
export const kCFSocketAutomaticallyReenableDataCallBack = 3;
/** CFSocket flag: the write callback stays enabled (not set by default: it would fire on every drain). */
export const kCFSocketAutomaticallyReenableWriteCallBack = 8;
/** CFSocket flag: invalidate() closes the descriptor (set by default). */
export const kCFSocketCloseOnInvalidate = 128;
