#!/usr/bin/env node
// Offline PowerShell syntax check (tree-sitter-powershell).
//
// Usage: node parse.mjs [--quiet] PATH...
//   PATH may be a file or a directory; directories are searched recursively
//   for *.ps1, *.psm1 and *.psd1 (node_modules and .git are skipped).
//
// For every ERROR or MISSING node in a file's syntax tree it prints
//   FILE:LINE:COL: error: <kind> near '<text>'
// (1-based line and column) and the run exits 1. Exit 0 means every file
// parsed clean; exit 2 means a usage problem (no files, unreadable path).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell/bindings/node/index.js';

const EXTENSIONS = ['.ps1', '.psm1', '.psd1'];
const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_REPORTS_PER_FILE = 20;

function usage(message) {
  if (message) process.stderr.write(`pwsh-parse: ${message}\n`);
  process.stderr.write('usage: node parse.mjs [--quiet] PATH...\n');
  process.exit(2);
}

function collect(path, out) {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    usage(`cannot read ${path}: ${err.code || err.message}`);
  }
  if (st.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (SKIP_DIRS.has(entry)) continue;
      const child = join(path, entry);
      const cst = statSync(child);
      if (cst.isDirectory()) collect(child, out);
      else if (EXTENSIONS.some((ext) => entry.toLowerCase().endsWith(ext))) out.push(child);
    }
  } else {
    out.push(path);
  }
}

// Decode the way Windows PowerShell does for the encodings we accept:
// UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM.
function readSource(file) {
  const buf = readFileSync(file);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function snippet(source, node) {
  const text = source.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 40));
  return text.replace(/\s+/g, ' ').trim();
}

// Return the innermost ERROR / MISSING nodes: an ERROR that wraps other
// problems is left out, so each report points at the narrowest location.
// Only subtrees that contain an error are visited.
function problems(node, found = []) {
  const isProblem = node.type === 'ERROR' || node.isMissing;
  const before = found.length;
  if (node.hasError || node.isMissing) {
    for (const child of node.children) {
      if (child.hasError || child.isMissing || child.type === 'ERROR') problems(child, found);
    }
  }
  if (isProblem && found.length === before) found.push(node);
  return found;
}

const args = process.argv.slice(2);
let quiet = false;
const paths = [];
for (const arg of args) {
  if (arg === '--quiet' || arg === '-q') quiet = true;
  else if (arg === '--help' || arg === '-h') usage();
  else paths.push(arg);
}
if (paths.length === 0) usage('no PATH given');

const files = [];
for (const p of paths) collect(p, files);
if (files.length === 0) usage(`no PowerShell files (${EXTENSIONS.join(', ')}) under ${paths.join(' ')}`);

const parser = new Parser();
parser.setLanguage(PowerShell);

let bad = 0;
for (const file of files) {
  const source = readSource(file);
  // Feed the text in chunks: some binding versions reject one large string.
  const tree = parser.parse((index) => (index < source.length ? source.slice(index, index + 8192) : null));
  const rel = relative(process.cwd(), file);
  const shown = rel && !rel.startsWith('..') ? rel : file;
  const found = tree.rootNode.hasError ? problems(tree.rootNode) : [];
  if (tree.rootNode.hasError && found.length === 0) found.push(tree.rootNode);
  if (found.length === 0) {
    if (!quiet) process.stdout.write(`ok    ${shown}\n`);
    continue;
  }
  bad += 1;
  for (const node of found.slice(0, MAX_REPORTS_PER_FILE)) {
    const kind = node.isMissing ? `MISSING ${node.type}` : 'ERROR';
    const { row, column } = node.startPosition;
    const near = snippet(source, node);
    const where = near ? `near '${near}'` : 'here';
    process.stdout.write(`${shown}:${row + 1}:${column + 1}: error: ${kind} ${where}\n`);
  }
  if (found.length > MAX_REPORTS_PER_FILE) {
    process.stdout.write(`${shown}: ... ${found.length - MAX_REPORTS_PER_FILE} more\n`);
  }
}

process.stdout.write(`pwsh-parse: ${files.length - bad} of ${files.length} file(s) parsed clean\n`);
process.exit(bad === 0 ? 0 : 1);
