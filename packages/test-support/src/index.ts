// @wirekit/test-support — helpers shared by the packages' tests. Private; a devDependency only.
export { FakeClock } from './fake-clock.js';
export { setupAll } from './setup-all.js';
export { freePort, tcpServer } from './tcp-server.js';
export type { TcpServer, TcpServerOptions } from './tcp-server.js';
export { httpsServer, selfSigned } from './tls-material.js';
export type { TlsMaterial } from './tls-material.js';
export { wsServer } from './ws-server.js';
export type { WsServer, WsServerOptions } from './ws-server.js';
export { wrapChannel } from './wrap-channel.js';
export type { ChannelMethod } from './wrap-channel.js';
