import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findDrills } from '../../src/drill/discover.js';
import { journalOf, root, runKdrill, tempDir } from '../helpers/kdrill.js';

// Every drill the etcd lab can run is run for real, as a user would: the kdrill binary,
// real docker containers, real etcd members, real PostgreSQL.
const drills: Array<[string, string, string[]]> = [
  ...findDrills([path.join(root, 'drills/examples'), path.join(root, 'drills/etcd')]).map((f) => [path.relative(root, f), f, []] as [string, string, string[]]),
  // "5 tolerates 2": the same drill on five members
  ['drills/etcd/even-sizes-are-waste.yaml (5 members)', path.join(root, 'drills/etcd/even-sizes-are-waste.yaml'), ['--set', 'members=5', '--set', 'holdsAfterTwo=true']],
];

const labContainers = () =>
  execFileSync('docker', ['ps', '-a', '--filter', 'label=dev.kdrill.lab', '--format', '{{.Names}}']).toString().trim();

describe('drills run for real on the etcd lab', () => {
  it.each(drills)('%s passes', async (_rel, file, extra) => {
    const dir = tempDir();
    const started = Date.now();
    const r = await runKdrill(['run', file, ...extra, '--report-dir', path.join(dir, 'runs')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    const wall = Date.now() - started;
    const { events, runDir } = journalOf(path.join(dir, 'runs'));
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(report.status).toBe('passed');
    expect(events.filter((e) => e.type === 'step.end' && e.status !== 'passed')).toEqual([]);
    // every step ran, and the restore too
    expect(events.filter((e) => e.type === 'step.end').length).toBeGreaterThan(0);
    process.stdout.write(`  ${path.basename(file)}: ${(wall / 1000).toFixed(1)} s\n`);
    expect(labContainers(), 'the drill left lab containers behind').toBe('');
  });
});
