import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { journalOf, root, runKdrill, tempDir } from '../helpers/kdrill.js';

/**
 * The second etcd transport: etcdctl inside each member's node (etcdAccess: exec, the Docker Desktop
 * path), for real on the etcd lab. The same drills as over gRPC, with the write probe left out:
 * validate refuses it there (ten writes a second through docker exec would measure docker exec).
 */
// member-replace through etcdctl runs on kind (test/labs/kind/kind-drills.test.ts); here the etcd lab's own etcdctl path.
const drills = ['snapshot-verified'];

function throughNodes(name: string, dir: string): string {
  const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd', `${name}.yaml`), 'utf8'));
  doc.setIn(['lab', 'etcdAccess'], 'exec');
  doc.setIn(['lab', 'name'], `${String(doc.getIn(['lab', 'name']))}-exec`);
  doc.delete('probes');
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

describe('drills through etcdctl in the nodes (etcdAccess: exec) on the etcd lab', () => {
  it.each(drills)('%s passes', async (name) => {
    const dir = tempDir();
    // Its files in the test's folder: the drill's default (/tmp/kdrill-snapshot-verified) is shared with the other queues.
    const r = await runKdrill(['run', throughNodes(name, dir), '--set', `dir=${path.join(dir, 'snapshot')}`, '--report-dir', path.join(dir, 'runs')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const { events } = journalOf(path.join(dir, 'runs'));
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    // etcd was reached through the nodes: etcdctl by docker exec, against each member's own 127.0.0.1.
    expect(commands.some((c) => /^docker exec( -i)? \S+-control-plane\d? etcdctl --endpoints=https:\/\/127\.0\.0\.1:2379 .* endpoint status/.test(c))).toBe(true);
    if (name === 'snapshot-verified') expect(commands.some((c) => / etcdctl .* snapshot save \/var\/lib\/kdrill-snapshot-/.test(c))).toBe(true);
    if (name === 'member-replace') expect(commands.some((c) => / etcdctl .* member add /.test(c))).toBe(true);
  });
});
