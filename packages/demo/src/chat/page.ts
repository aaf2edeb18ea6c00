/**
 * The chat's single web page and its script. The script is ./web/client.ts bundled with
 * esbuild's JS API when the server starts, under the `browser` and `source` conditions: the
 * browser entry of @wirekit/task (on the native WebSocket) and the workspace packages' TypeScript
 * sources, so no build step is needed first.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLIENT_ENTRY = fileURLToPath(new URL('./web/client.ts', import.meta.url));
/** A Node-only import left in a browser bundle: the browser would fail to load the page. */
const NODE_ONLY_IMPORT = /\bimport\b[^;\n]*["']node:[^"']+["']/;

/**
 * Bundles the web client for browsers.
 * @throws {Error} with esbuild's first message when bundling fails, or when the bundle still imports a node: module.
 */
export async function buildClientBundle(): Promise<string> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['browser', 'source'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no chat client bundle');
  if (NODE_ONLY_IMPORT.test(code)) throw new Error('the chat client bundle imports a node: module; a browser cannot load it');
  return code;
}

/** The page: a join form, the message log, who is here, and a line to type in. */
export const CHAT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WireKit chat</title>
<link rel="icon" href="/favicon.ico">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; display: grid; grid-template: auto 1fr auto / 1fr 12rem; height: 100vh; }
  header { grid-column: 1 / 3; padding: .5rem 1rem; background: #234; color: #fff; display: flex; gap: 1rem; align-items: center; }
  header form { display: flex; gap: .5rem; }
  #log { margin: 0; padding: .5rem 1rem; overflow-y: auto; list-style: none; }
  #log .system { color: #666; font-style: italic; }
  #log .error { color: #b00; }
  #log .history { color: #557; }
  aside { border-left: 1px solid #ccc; padding: .5rem 1rem; }
  #say-form { grid-column: 1 / 3; display: flex; padding: .5rem 1rem; gap: .5rem; border-top: 1px solid #ccc; }
  #text { flex: 1; }
</style>
</head>
<body>
<header>
  <strong>WireKit chat</strong>
  <form id="join-form">
    <input id="name" placeholder="your name" autocomplete="nickname">
    <input id="room" placeholder="room" value="lobby">
    <button id="join">Join</button>
  </form>
  <span id="status">connecting…</span>
</header>
<ul id="log" aria-live="polite"></ul>
<aside><strong>Here</strong><ul id="members"></ul></aside>
<form id="say-form"><input id="text" placeholder="say something" autocomplete="off"><button id="send">Send</button></form>
<script type="module" src="/chat.js"></script>
</body>
</html>
`;
