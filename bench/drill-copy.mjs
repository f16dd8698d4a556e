// A drill with fields of its lab set (keep, etcdAccess), as a copy in a temp folder of its own
// (the etcd drills use no relative paths).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';

export function withLab(file, fields, prefix = 'kdrill-bench-drill-') {
  const doc = parseDocument(readFileSync(path.resolve(import.meta.dirname, '..', file), 'utf8'));
  for (const [k, v] of Object.entries(fields)) doc.setIn(['lab', k], v);
  const copy = path.join(mkdtempSync(path.join(tmpdir(), prefix)), path.basename(file));
  writeFileSync(copy, doc.toString());
  return copy;
}
