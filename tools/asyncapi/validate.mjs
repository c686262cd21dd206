// Validates docs/asyncapi.yaml with the official AsyncAPI parser (schema validation plus the
// parser's Spectral rules). Prints every error and warning; exits 1 if there is any error.
//
//   cd tools/asyncapi && npm ci && node validate.mjs        (or: node tools/asyncapi/validate.mjs)
//   node validate.mjs path/to/other.yaml                    (validate another document)
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, fromFile } from '@asyncapi/parser';

const here = dirname(fileURLToPath(import.meta.url));
const target = process.argv[2] ? resolve(process.argv[2]) : resolve(here, '..', '..', 'docs', 'asyncapi.yaml');
const shown = relative(process.cwd(), target) || target;

// Spectral's DiagnosticSeverity
const SEVERITY = { 0: 'error', 1: 'warning', 2: 'info', 3: 'hint' };

try {
  await readFile(target);
} catch (e) {
  console.error(`${shown}: cannot read (${e.code ?? e.message})`);
  process.exit(1);
}

const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, target).parse();

let errors = 0;
let warnings = 0;
for (const d of diagnostics) {
  const severity = SEVERITY[d.severity] ?? String(d.severity);
  if (d.severity === 0) errors++;
  else if (d.severity === 1) warnings++;
  else continue; // info and hints are noise here
  const line = d.range ? `${d.range.start.line + 1}:${d.range.start.character + 1}` : '?';
  const path = d.path && d.path.length ? ` at ${d.path.join('.')}` : '';
  console.log(`${shown}:${line} ${severity} ${d.code}: ${d.message}${path}`);
}

if (document === undefined && errors === 0) {
  // the parser returns no document only after an error; never report success without one
  console.log(`${shown}: the parser returned no document`);
  errors++;
}

if (document !== undefined) {
  const version = document.version();
  const channels = document.channels().length;
  const operations = document.operations().length;
  const messages = document.components().messages().length;
  console.log(`${shown}: AsyncAPI ${version}, ${channels} channels, ${operations} operations, ${messages} messages`);
}
console.log(`${shown}: ${errors} error(s), ${warnings} warning(s)`);
process.exit(errors > 0 ? 1 : 0);
