import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeEtcdLab } from '../labs/helpers.js';
import { journalOf, runKdrill, tempDir } from '../helpers/kdrill.js';

/**
 * The safety net of a lab that stays (keep: true): a drill breaks the lab behind kdrill's back (plain
 * docker and etcd commands in `exec` steps, and no restore), and after the drill the lab's own steady
 * state is checked. What kdrill recognises it heals, and says so (exit 1); what it cannot, it names,
 * with the commands to fix it by hand (exit 3).
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

function drill(dir: string, lab: string, quota: string, steps: string[]): string {
  const file = path.join(dir, 'break.yaml');
  writeFileSync(file, [
    'apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: break-behind-kdrill}',
    `lab: {provider: etcd, name: ${lab}, members: 3, keep: true${quota}}`,
    'steps:', ...steps, '',
  ].join('\n'));
  return file;
}

const labs: string[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) {
    removeEtcdLab(lab);
  }
});

describe('the safety net of a kept lab', () => {
  it('heals a member stopped and a NOSPACE alarm raised behind kdrill\'s back, and says what it did (exit 1)', async () => {
    const dir = tempDir('kdrill-net-');
    const lab = `kdrill-net1-${process.pid % 10000}`;
    labs.push(lab);
    const file = drill(dir, lab, ', quota: 16MiB', [
      '  - {name: fill to NOSPACE, action: etcd.fill, with: {keys: 4, valueSize: 64KiB}}',
      `  - {name: stop a member with plain docker, action: exec, with: {run: [docker, stop, --time, "1", ${lab}-control-plane2]}}`,
    ]);
    const r = await runKdrill(['run', file, '--report-dir', path.join(dir, 'runs')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    const end = journalOf(path.join(dir, 'runs')).events.at(-1)!;
    expect(end.reason).toMatch(/^the drill left lab \S+ off its steady state \(control-plane2: stopped.*alarm NOSPACE.*\); lab healed by kdrill: started control-plane2, compacted, defragmented and disarmed NOSPACE on /);
    expect(docker('inspect', '--format', '{{.State.Running}}', `${lab}-control-plane2`)).toBe('true');
  });

  it('names what it cannot heal (a member whose data dir is gone) and the commands to fix it by hand (exit 3)', async () => {
    const dir = tempDir('kdrill-net-');
    const lab = `kdrill-net2-${process.pid % 10000}`;
    labs.push(lab);
    const file = drill(dir, lab, '', [
      `  - {name: a member's data is gone, action: exec, with: {run: [docker, exec, ${lab}-control-plane3, rm, -rf, /var/lib/etcd/member]}}`,
      `  - {name: and its node dies, action: exec, with: {run: [docker, kill, ${lab}-control-plane3]}}`,
    ]);
    const r = await runKdrill(['run', file, '--report-dir', path.join(dir, 'runs')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    const end = journalOf(path.join(dir, 'runs')).events.at(-1)!;
    expect(end.reason).toMatch(/^lab left broken: control-plane3: stopped \(exit code [1-9]\d*\) \(kdrill tried: started control-plane3\); to fix it by hand: docker logs --tail 20 \S+-control-plane3 ; docker exec .* endpoint status --cluster -w table ; docker rm --force --volumes /);
  });
});
