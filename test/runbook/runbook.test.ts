import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/cli/modules.js';
import { loadDrill } from '../../src/drill/loader.js';
import { CommandRunner } from '../../src/exec/runner.js';
import { subnetCandidates } from '../../src/labs/etcd/network.js';
import type { LabEnv } from '../../src/labs/types.js';
import { readRun } from '../../src/runbook/observed.js';
import { renderRunbook } from '../../src/runbook/render.js';
import { Run } from '../report/runs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'kdrill-runbook-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The runbook of a drill file, built as `kdrill runbook` builds it (the lab object only: nothing runs). */
function runbook(file: string, fromRun?: string): string {
  const drill = loadDrill(path.resolve(repo, file), { modules });
  const env: LabEnv = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir: path.join(tmp, 'state') };
  const lab = drill.provider.create(drill.lab, env);
  return renderRunbook(drill, { lab, runDir: path.join(tmp, 'run'), shownFile: file, observed: fromRun ? readRun(fromRun) : undefined });
}

/**
 * Each line: inside a fenced code block (a fence line included) or not. CommonMark: a block opens with
 * 3+ backticks and closes only with a line of at least as many.
 */
function codeLines(md: string): boolean[] {
  let open: number | undefined;
  return md.split('\n').map((line) => {
    if (open === undefined) {
      const m = /^ {0,5}(`{3,})[^`]*$/.exec(line);
      if (m) open = m[1]!.length;
      return m !== null;
    }
    if (new RegExp(`^ {0,5}\`{${open},}\\s*$`).test(line)) open = undefined;
    return true;
  });
}

/** The document outside its code blocks, and the blocks' contents. */
function outsideCode(md: string): { prose: string[]; blocks: string[][] } {
  const prose: string[] = [];
  const blocks: string[][] = [];
  let open: number | undefined;
  for (const line of md.split('\n')) {
    if (open === undefined) {
      const m = /^ {0,5}(`{3,})[^`]*$/.exec(line);
      if (m) {
        open = m[1]!.length;
        blocks.push([]);
      } else prose.push(line);
    } else if (new RegExp(`^ {0,5}\`{${open},}\\s*$`).test(line)) open = undefined;
    else blocks.at(-1)!.push(line);
  }
  expect(open, 'every code block is closed').toBeUndefined();
  return { prose, blocks };
}

/** From a heading to the next one (headings outside code blocks only: a shell comment is not one). */
const section = (md: string, head: RegExp): string => {
  const lines = md.split('\n');
  const code = codeLines(md);
  const heading = lines.map((l, i) => !code[i] && /^#{1,3} /.test(l));
  const start = lines.findIndex((l, i) => heading[i] && head.test(l));
  expect(start, `a section ${head}`).toBeGreaterThanOrEqual(0);
  const end = heading.findIndex((h, i) => i > start && h);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
};

describe('kdrill runbook: the etcd full restore', () => {
  const md = runbook('drills/etcd/full-restore.yaml');
  const net = subnetCandidates('kdrill-restore')[0]!.replace(/\.0\/24$/, '');
  const members = ['control-plane', 'control-plane2', 'control-plane3'].map((node, i) => ({ node, name: `kdrill-restore-${node}`, peer: `https://${net}.${11 + i}:2380`, client: `https://${net}.${11 + i}:2379` }));

  it('lists etcdctl snapshot save, snapshot status and snapshot restore', () => {
    const { blocks } = outsideCode(md);
    const code = blocks.flat().join('\n');
    expect(code).toMatch(/docker exec kdrill-restore-control-plane etcdctl snapshot save \/var\/lib\/etcd-snapshot\.db --endpoints="\$FROM" --cacert=\/etc\/kubernetes\/pki\/etcd\/ca\.crt --cert=\S+ --key=\S+/);
    expect(code).toMatch(/etcdctl snapshot status \/var\/lib\/etcd-snapshot\.db -w table --endpoints=/);
    expect(code).toMatch(/kdrill\/etcd:3\.4\.23 snapshot status \/snapshot\.db -w table/);
    expect(code.match(/ snapshot restore \/snapshot\.db /g)).toHaveLength(3);
  });

  it("names each member, its container and its peer URL as the lab creates them", () => {
    const lab = section(md, /^### The lab/);
    for (const m of members) expect(lab).toContain(`| ${m.node} | ${m.name} | ${m.client} | ${m.peer} |`);
    const restore = section(md, /^### Step 7\/7/);
    const cluster = members.map((m) => `${m.name}=${m.peer}`).join(',');
    for (const m of members) {
      expect(restore).toContain(`snapshot restore /snapshot.db --name ${m.name} --initial-cluster "${cluster}" --initial-cluster-token "$TOKEN" --initial-advertise-peer-urls ${m.peer} --data-dir /restore/${m.name}`);
      expect(restore).toContain(`docker cp restore/${m.name} ${m.name}:"$RESTORED"`);
    }
    expect(restore).toContain(`docker stop -t 10 ${members.map((m) => m.name).join(' ')}`);
    expect(restore).toContain(`docker start ${members.map((m) => m.name).join(' ')}`);
  });

  it('translates kdrill internals into etcdctl, and says what to look for with the command that shows it', () => {
    expect(md).not.toMatch(/etcd (DeleteRange|Range|Put|MemberList) /);
    expect(section(md, /^### Step 1\/7/)).toMatch(/etcdctl del --prefix --endpoints=\S+ .*-- \/bookstore\/$/m);
    const lost = section(md, /^### Step 6\/7/);
    expect(lost).toContain('docker kill --signal KILL kdrill-restore-control-plane3');
    expect(lost).toContain('quorum is LOST');
    expect(lost).toContain('docker exec kdrill-restore-control-plane etcdctl endpoint status --cluster -w table');
    expect(section(md, /^### Step 7\/7/)).toContain('etcdctl get --endpoints=');
  });

});

describe('kdrill runbook: a kubeadm drill', () => {
  const md = runbook('drills/kubeadm/full-restore.yaml');

  it("uses the inventory's ssh logins", () => {
    const lab = section(md, /^### The lab/);
    for (const [host, port] of [['cp1', 22221], ['cp2', 22222], ['cp3', 22223]] as const) {
      expect(lab).toContain(`| ${host} | 127\\.0.0.1 | control-plane, etcd | ssh -p ${port} root@127.0.0.1 |`.replace('127\\.0.0.1 |', '127.0.0.1 |'));
      expect(md).toContain(`ssh -p ${port} root@127.0.0.1 -- mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/`);
      expect(md).toMatch(new RegExp(`ssh -p ${port} root@127\\.0\\.0\\.1 -- etcdctl snapshot restore /var/lib/etcd-snapshot\\.db --name "\\$${host.toUpperCase()}_NAME"`));
    }
    expect(md).toMatch(/^CP2_PEER=\$\(ssh -p 22222 root@127\.0\.0\.1 -- .*initial-advertise-peer-urls/m);
    expect(md).toContain('ssh -p 22221 root@127.0.0.1 -- etcdctl endpoint status --cluster -w table --endpoints=https://127.0.0.1:2379');
  });
});

describe('kdrill runbook: a kind drill', () => {
  it("names the node containers and runs etcdctl in each node's etcd container", () => {
    const md = runbook('drills/kind/etcd-snapshot.yaml');
    const lab = section(md, /^### The lab/);
    for (const node of ['control-plane', 'control-plane2', 'control-plane3', 'worker', 'external-load-balancer']) expect(lab).toMatch(new RegExp(`^\\| ${node} \\| bookstore-snapshot-${node} \\|`, 'm'));
    expect(lab).toContain("CONTROL_PLANE2_IP=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' bookstore-snapshot-control-plane2)");
    expect(md).toContain(`docker exec bookstore-snapshot-control-plane sh -c 'crictl exec "$(crictl ps --name etcd --state running -q)" "$@"' sh etcdctl snapshot save`);
  });
});

describe('kdrill runbook --from-run', () => {
  it('shows what a run observed, per step', () => {
    const dir = path.join(tmp, 'run1');
    const run = new Run();
    run.start().phase('steps');
    run.stepStart('steps', 1, 'seed the keyspace', 'etcd.seed')
      .emit({ type: 'command', argv: ['docker', 'exec', 'kdrill-restore-control-plane', 'etcdctl', 'endpoint', 'status'], exitCode: 0, durationMs: 41 })
      .emit({ type: 'measure', step: 'seed the keyspace', name: 'seed.keys', value: 50, unit: 'keys' })
      .stepEnd('steps', 1, 'seed the keyspace', 'passed', 1234, { output: 'wrote 50 keys, revisions 2–51\n```\n# out of the block?\n````' })
      .check('steps', 'seed the keyspace', { check: 'etcd.clusterId', ok: false, message: 'the cluster ID changed', expected: 'cdf818194e3a8c32', observed: '9f0e | 1a2b' });
    run.emit({ type: 'drill.end', status: 'failed', exitCode: 1, durationMs: 5000, reason: 'an expectation failed' });
    require_dir(dir);
    writeFileSync(path.join(dir, 'journal.jsonl'), run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');

    const md = runbook('drills/etcd/full-restore.yaml', dir);
    expect(md).toContain('> Observed in the run `r1`');
    expect(md).toContain('FAILED: an expectation failed, 5.0s in all');
    const seed = section(md, /^### Step 2\/7/);
    expect(seed).toContain('Observed: **passed** in 1.2s');
    expect(seed).toContain('wrote 50 keys, revisions 2–51');
    // The output's own fences stay inside the block that shows it.
    const { prose, blocks } = outsideCode(md);
    expect(prose.filter((l) => l.includes('out of the block'))).toEqual([]);
    expect(blocks.some((b) => b.join('\n') === 'wrote 50 keys, revisions 2–51\n```\n# out of the block?\n````')).toBe(true);
    expect(seed).toContain('| etcd.clusterId | **does not hold** | cdf818194e3a8c32 | 9f0e \\| 1a2b | 5ms |');
    expect(seed).toContain('| seed.keys | 50 keys |');
    expect(seed).toMatch(/\| docker exec kdrill-restore-control-plane etcdctl endpoint status \| 0 \| 41ms \|/);
    expect(section(md, /^### Step 3\/7/)).toContain('Observed: this step did not run in that run.');
  });

  it('refuses a folder without a journal', () => {
    expect(() => runbook('drills/etcd/full-restore.yaml', tmp)).toThrow(/no journal\.jsonl/);
  });
});

describe('kdrill runbook: hostile text in a drill', () => {
  it('cannot leave its code block, add a heading, a table column or HTML', () => {
    const file = path.join(tmp, 'hostile.yaml');
    // Names are one line without control characters (the loader says so); free text may hold anything.
    const evil = '``` </pre> <script>alert(1)</script> | x | [link](http://e.example) # no';
    writeFileSync(file, `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: hostile
  title: ${JSON.stringify(`title ${evil}`)}
  description: ${JSON.stringify(`1. not a list\n\`\`\`\`\n# not a heading\n${evil} \u001b]52;c;x\u0007`)}
lab: {provider: etcd, name: hostile, members: 3}
params:
  value: ${JSON.stringify(`v\n\`\`\`\`\`\n# out ${evil} \u001b[2J`)}
steps:
  - name: ${JSON.stringify(`# step ${evil}`)}
    action: etcd.put
    with: {key: ${JSON.stringify(`/k\n\`\`\`\n## escaped?`)}, value: "\${params.value}"}
    explain: ${JSON.stringify(`- ${evil}\n\n\`\`\`\n## still prose`)}
    expect:
      - etcd.key: {key: ${JSON.stringify(`/k | \`\`\`\n# x`)}, equals: "\${params.value}"}
restore:
  - name: clean
    action: etcd.delete
    with: {prefix: ${JSON.stringify('/k```')}}
`);
    const md = runbook(file);
    const { prose, blocks } = outsideCode(md);
    // Every heading is one of ours; the drill's text is escaped where it lands in prose.
    for (const l of prose.filter((x) => /^\s{0,3}#/.test(x))) expect(l).toMatch(/^#{1,3} (Runbook: |Prerequisites|The lab: |etcdctl$|The drill's params|Steps$|Step \d\/\d: |Restore|Restore \d\/\d: )/);
    // Unescaped: a tag, a link, a control character.
    expect(prose.join('\n')).not.toMatch(/(?<!\\)<(script|\/pre)|(?<!\\)\]\(http|\u001b|\u0007/);
    expect(prose.join('\n')).toContain('\\<script\\>');
    // Tables keep their columns: no row has more unescaped pipes than its header.
    for (const row of prose.filter((l) => l.startsWith('|'))) expect(row.match(/(?<!\\)\|/g)!.length).toBeLessThanOrEqual(6);
    // The hostile key and value are inside code blocks, their backticks shorter than the fence, the escape shown.
    const code = blocks.flat().join('\n');
    expect(code).toContain('\\x1b[2J');
    expect(code).toContain('## escaped?');
    expect(blocks.some((b) => b.some((l) => l.includes('# out ')))).toBe(true);
  });
});

function require_dir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
