import { defineConfig } from 'vitepress';

// The WireKit docs site. Pages are the Markdown files beside this folder; code samples are real
// .ts files under samples/, included with `<<< ./samples/…` and run by the docs tests.
export default defineConfig({
  title: 'WireKit',
  description: 'Real-time transports for TypeScript in the five styles iOS apps use, on one strict RFC 6455 engine.',
  srcExclude: ['README.md', 'benchmarks-table.md', 'samples/**', 'test/**', 'scripts/**'],
  cleanUrls: true,
  // docs/public/favicon.ico, linked so that no page asks for a missing icon.
  head: [['link', { rel: 'icon', href: '/favicon.ico' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Transports', link: '/transports/' },
      { text: 'Migrating from iOS', link: '/migration' },
      { text: 'Errors', link: '/errors' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'The demo: tour, chat, CLI', link: '/demo' },
          { text: 'The shared Connection', link: '/connection' },
          { text: 'The engine', link: '/engine' },
          { text: 'Migrating from iOS', link: '/migration' },
          { text: 'Error codes', link: '/errors' },
          { text: 'Security: limits', link: '/security' },
        ],
      },
      {
        text: 'Transports',
        items: [
          { text: 'Choosing a transport', link: '/transports/' },
          { text: 'task (URLSessionWebSocketTask)', link: '/transports/task' },
          { text: 'framed (NWConnection)', link: '/transports/framed' },
          { text: 'streams (InputStream/OutputStream)', link: '/transports/streams' },
          { text: 'socket (CFSocket / BSD)', link: '/transports/socket' },
          { text: 'adapter (Starscream, ws, WHATWG)', link: '/transports/adapter' },
        ],
      },
      {
        text: 'Beyond the Connection',
        items: [
          { text: 'Keep-alive', link: '/keep-alive' },
          { text: 'Reconnecting', link: '/reconnecting' },
          { text: 'The codec service', link: '/codec' },
          { text: 'rx bridges', link: '/rx' },
          { text: 'The server', link: '/server' },
          { text: 'Scaling out', link: '/scaling' },
          { text: 'permessage-deflate', link: '/permessage-deflate' },
          { text: 'WebSockets over HTTP/2', link: '/http2' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Benchmarks', link: '/benchmarks' },
          { text: 'Platforms', link: '/platforms' },
        ],
      },
    ],
  },
});
