#!/usr/bin/env node
// Enforces the architecture rules of DESIGN.md and STYLE.md that ESLint cannot easily see.
// No dependencies: plain Node, run from the repository root (`pnpm lint` runs it after ESLint).
//
//   (a) Import direction. `protocol` imports no other package; `core` only `protocol`;
//       transports (task, framed, streams, socket, adapter) never import each other, except
//       task → framed; published packages never depend on private ones. Checked in both
//       package.json (dependencies, peerDependencies, optionalDependencies; devDependencies may
//       name private packages such as conformance, since they are never installed by users) and
//       the import specifiers of src. Also: a src import of another @wirekit package must be
//       declared in dependencies/peerDependencies; no deep imports (`@wirekit/x/sub`); no
//       relative import that leaves the package.
//   (b) Every file under packages/*/src has at most 500 lines (a warning above 400).
//   (c) Every library package has src/index.ts (all published packages, and private ones whose
//       package.json has `exports` or `main`), and no file in src uses `export *` or `export default`.
//   (d) Transport src is logic-free (STYLE.md §15). A deliberately simple token heuristic, run on
//       the code with comments and string contents blanked out:
//         - hex literals 0x0–0xF (opcodes, nibble masks) and 0x7F / 0x80 (length and FIN/MASK bits);
//         - decimal literals 1000–1015 (close codes); 1000 is skipped next to `*` or `/`,
//           where it converts seconds to milliseconds;
//         - `opcode` compared with or assigned a number literal (`opcode === 8`, `opcode: 0x1`);
//         - the engine's frame-level API: FrameDecoder, encodeFrame, applyMask, maskInPlace, ChunkQueue.
//       Use the named constants of @wirekit/protocol (Opcode.Close, CloseCode.ProtocolError)
//       instead. A genuine non-frame use can be allowed with `// arch-allow: frame-literal` on its line.
//
// A package is a directory under packages/ with a package.json; others (work in progress) are
// skipped with a note. Exit status 1 on any violation.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = process.cwd();
const PACKAGES_DIR = join(ROOT, 'packages');
const SCOPE = '@wirekit/';
const MAX_LINES = 500;
const WARN_LINES = 400;
const CODE_EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

const TRANSPORTS = new Set(['task', 'framed', 'streams', 'socket', 'adapter']);
/** Transport → transports it may import (DESIGN.md: URLSession sits on Network.framework). */
const TRANSPORT_EXCEPTIONS = { task: new Set(['framed']) };
/** Packages whose allowed imports are a closed list. */
const ONLY_IMPORTS = { protocol: new Set(), core: new Set(['protocol']) };
const FRAME_API = ['FrameDecoder', 'encodeFrame', 'applyMask', 'maskInPlace', 'ChunkQueue'];
const ALLOW_MARKER = 'arch-allow: frame-literal';

const errors = [];
const warnings = [];
const notes = [];
const rel = (file) => relative(ROOT, file).split(sep).join('/');

// ---------------------------------------------------------------------------------------------
// Packages

/** @returns {{ dir: string, short: string, name: string, json: any, isPrivate: boolean }[]} */
function loadPackages() {
  if (!existsSync(PACKAGES_DIR)) return [];
  const packages = [];
  for (const short of readdirSync(PACKAGES_DIR).sort()) {
    const dir = join(PACKAGES_DIR, short);
    if (!statSync(dir).isDirectory()) continue;
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) {
      notes.push(`packages/${short}: no package.json yet, skipped`);
      continue;
    }
    let json;
    try {
      json = JSON.parse(readFileSync(manifest, 'utf8'));
    } catch (error) {
      errors.push(`${rel(manifest)}: invalid JSON (${error.message})`);
      continue;
    }
    const name = typeof json.name === 'string' ? json.name : '';
    if (name !== `${SCOPE}${short}`) errors.push(`${rel(manifest)}: name is "${name}", expected "${SCOPE}${short}" (DESIGN.md: directory = unscoped name)`);
    packages.push({ dir, short, name, json, isPrivate: json.private === true });
  }
  return packages;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

// ---------------------------------------------------------------------------------------------
// A small JS/TS lexer: blanks comments (so TSDoc examples are not read as imports) and, in a
// second view, string/template/regex contents (so messages are not read as frame literals).
// Newlines are kept, so line numbers stay right.

const REGEX_PRECEDERS = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

function lex(text) {
  let code = '';
  let bare = '';
  const n = text.length;
  let i = 0;
  let lastSignificant = '';
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  const emit = (codePart, barePart = codePart) => {
    code += codePart;
    bare += barePart;
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      emit(blank(text.slice(i, stop)));
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      emit(blank(text.slice(i, stop)));
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        else if (c !== '`' && text[j] === '\n') break;
        j++;
      }
      const stop = Math.min(j + 1, n);
      const literal = text.slice(i, stop);
      emit(literal, c + blank(literal.slice(1, -1)) + c);
      i = stop;
      lastSignificant = 'x';
      continue;
    }
    if (c === '/' && (lastSignificant === '' || REGEX_PRECEDERS.has(lastSignificant) || REGEX_KEYWORDS.test(code.trimEnd()))) {
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        else if (text[j] === '/' && !inClass) break;
        j++;
      }
      if (text[j] === '/') {
        let k = j + 1;
        while (k < n && /[a-z]/i.test(text[k])) k++;
        const literal = text.slice(i, k);
        emit(literal, '/' + blank(literal.slice(1)));
        i = k;
        lastSignificant = 'x';
        continue;
      }
    }
    emit(c);
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return { code, bare };
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/** Module specifiers of static imports, re-exports, dynamic imports and require calls. */
function importSpecifiers(code) {
  const found = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
    /\bimport\s*(['"])([^'"\n]+)\1/g,
    /\bimport\s*\(\s*(['"])([^'"\n]+)\1/g,
    /\brequire\s*\(\s*(['"])([^'"\n]+)\1/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) found.push({ specifier: match[2], line: lineOf(code, match.index) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// (a) import direction

function allowedTarget(from, to) {
  if (from.short === to.short) return null;
  const only = ONLY_IMPORTS[from.short];
  if (only !== undefined && !only.has(to.short)) {
    return `${from.name} may import ${only.size === 0 ? 'no other package' : [...only].map((s) => SCOPE + s).join(', ') + ' only'} (DESIGN.md: who may import whom)`;
  }
  if (TRANSPORTS.has(from.short) && TRANSPORTS.has(to.short) && !TRANSPORT_EXCEPTIONS[from.short]?.has(to.short)) {
    return `transports never import each other (only task → framed) (DESIGN.md)`;
  }
  if (!from.isPrivate && to.isPrivate) return `published ${from.name} must not depend on private ${to.name} (DESIGN.md)`;
  return null;
}

function checkManifest(pkg, byName) {
  const manifest = rel(join(pkg.dir, 'package.json'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dep of Object.keys(pkg.json[field] ?? {})) {
      if (!dep.startsWith(SCOPE)) continue;
      const target = byName.get(dep) ?? plannedPackage(dep);
      const problem = allowedTarget(pkg, target);
      if (problem !== null) errors.push(`${manifest}: ${field} has ${dep}: ${problem}`);
    }
  }
}

/** Packages named in DESIGN.md but not created yet still obey the rules (privacy from DESIGN.md). */
function plannedPackage(name) {
  const short = name.slice(SCOPE.length).split('/')[0];
  return { short, name: SCOPE + short, isPrivate: ['conformance', 'bench', 'demo'].includes(short) };
}

function checkImports(pkg, file, code, byName) {
  const declared = new Set([...Object.keys(pkg.json.dependencies ?? {}), ...Object.keys(pkg.json.peerDependencies ?? {})]);
  for (const { specifier, line } of importSpecifiers(code)) {
    const where = `${rel(file)}:${line}`;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      if (target !== pkg.dir && !target.startsWith(pkg.dir + sep)) {
        errors.push(`${where}: relative import "${specifier}" leaves ${pkg.name}; import the package by name instead`);
      }
      continue;
    }
    if (!specifier.startsWith(SCOPE)) continue;
    const [, short, ...rest] = specifier.split('/');
    const targetName = SCOPE + short;
    if (targetName === pkg.name) {
      errors.push(`${where}: ${pkg.name} imports itself by name ("${specifier}"); use a relative import`);
      continue;
    }
    if (rest.length > 0 && rest.join('/') !== 'package.json') {
      errors.push(`${where}: deep import "${specifier}" (STYLE.md §11): import from "${targetName}"`);
    }
    const problem = allowedTarget(pkg, byName.get(targetName) ?? plannedPackage(targetName));
    if (problem !== null) errors.push(`${where}: imports ${targetName}: ${problem}`);
    else if (!declared.has(targetName)) errors.push(`${where}: imports ${targetName}, which ${pkg.name}/package.json does not list in dependencies or peerDependencies`);
  }
}

// ---------------------------------------------------------------------------------------------
// (c) explicit exports, (d) logic-free transports

function checkExports(file, bare) {
  for (const match of bare.matchAll(/\bexport\s*\*/g)) errors.push(`${rel(file)}:${lineOf(bare, match.index)}: \`export *\` (STYLE.md §11): export each name explicitly`);
  for (const match of bare.matchAll(/\bexport\s+default\b|\bas\s+default\b/g)) errors.push(`${rel(file)}:${lineOf(bare, match.index)}: default export (STYLE.md §11): use a named export`);
}

function frameLiteralHits(bare) {
  const hits = [];
  for (const match of bare.matchAll(/(?<![\w$.])0[xX]([0-9a-fA-F_]+)n?\b/g)) {
    const value = Number.parseInt(match[1].replaceAll('_', ''), 16);
    if (value <= 0xf || value === 0x7f || value === 0x80) hits.push({ index: match.index, what: `frame-level hex literal ${match[0]}` });
  }
  for (const match of bare.matchAll(/(?<![\w$.])(10(?:0\d|1[0-5]))(?![\w$.])/g)) {
    if (match[1] === '1000') {
      const before = bare.slice(0, match.index).trimEnd().slice(-1);
      const after = bare.slice(match.index + 4).trimStart()[0];
      if (before === '*' || before === '/' || after === '*' || after === '/') continue;
    }
    hits.push({ index: match.index, what: `close-code literal ${match[1]}` });
  }
  for (const match of bare.matchAll(/\bopcode\s*(?:[!=]==?|[<>]=?|:|=)\s*(?:0[xX][0-9a-fA-F]+|\d+)\b/g)) {
    hits.push({ index: match.index, what: `opcode compared with or set to a raw number ("${match[0]}")` });
  }
  for (const name of FRAME_API) {
    for (const match of bare.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) hits.push({ index: match.index, what: `frame-level engine API ${name}` });
  }
  return hits;
}

function checkTransport(file, text, bare) {
  const lines = text.split('\n');
  for (const { index, what } of frameLiteralHits(bare)) {
    const line = lineOf(bare, index);
    if (lines[line - 1]?.includes(ALLOW_MARKER)) continue;
    errors.push(`${rel(file)}:${line}: ${what} in a transport (STYLE.md §15): use @wirekit/protocol's named constants (Opcode, CloseCode) or move the frame logic to protocol/core; \`// ${ALLOW_MARKER}\` on the line if it is not frame-level`);
  }
}

// ---------------------------------------------------------------------------------------------

function main() {
  const packages = loadPackages();
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  for (const pkg of packages) {
    checkManifest(pkg, byName);
    const srcDir = join(pkg.dir, 'src');
    const isLibrary = !pkg.isPrivate || pkg.json.exports !== undefined || pkg.json.main !== undefined;
    if (isLibrary && !existsSync(join(srcDir, 'index.ts'))) {
      errors.push(`packages/${pkg.short}/src/index.ts is missing (STYLE.md §11: every package exports by name from src/index.ts)`);
    }
    for (const file of listFiles(srcDir)) {
      const text = readFileSync(file, 'utf8');
      const lineCount = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      if (lineCount > MAX_LINES) errors.push(`${rel(file)}: ${lineCount} lines, more than ${MAX_LINES} (STYLE.md §1): split it`);
      else if (lineCount > WARN_LINES) warnings.push(`${rel(file)}: ${lineCount} lines, more than ${WARN_LINES} (STYLE.md §1): consider splitting before ${MAX_LINES}`);
      if (!CODE_EXTENSIONS.test(file)) continue;
      const { code, bare } = lex(text);
      checkImports(pkg, file, code, byName);
      checkExports(file, bare);
      if (TRANSPORTS.has(pkg.short)) checkTransport(file, text, bare);
    }
  }

  for (const note of notes) console.log(`note: ${note}`);
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  for (const error of errors) console.error(`error: ${error}`);
  if (errors.length > 0) {
    console.error(`check-architecture: ${errors.length} violation(s) in ${packages.length} package(s)`);
    process.exit(1);
  }
  console.log(`check-architecture: ok (${packages.length} package(s)${warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''})`);
}

main();
