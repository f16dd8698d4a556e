// The kubeadm lab's ssh transport (issue 13): a command on a host once the master connection is up
// (target ≤ 20 ms), on a kubeadm test host (scripts/build-kubeadm-host-image.sh) reached over ssh on
// 127.0.0.1. kdrill's own SshShell and CommandRunner, bundled from src/ by esbuild for the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const image = process.env.KDRILL_KUBEADM_HOST_IMAGE ?? 'kdrill/kubeadm-host:etcd-3.4.23';
if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
  console.log(`ssh transport: skipped (no ${image}: bash scripts/build-images.sh)`);
} else {
  // Inside the repository, so that the bundle finds node_modules (execa).
  mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
  const out = mkdtempSync(path.join(root, 'node_modules/.cache/kdrill-bench-ssh-'));
  writeFileSync(path.join(out, 'entry.ts'), [
    `export { SshShell } from ${JSON.stringify(path.join(root, 'src/labs/kubeadm/ssh.ts'))};`,
    `export { CommandRunner } from ${JSON.stringify(path.join(root, 'src/exec/runner.ts'))};`,
    `export { startTestHost } from ${JSON.stringify(path.join(root, 'test/labs/kubeadm/host.ts'))};`,
  ].join('\n'));
  await build({ entryPoints: [path.join(out, 'entry.ts')], outfile: path.join(out, 'entry.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', absWorkingDir: root, logLevel: 'warning' });
  const { SshShell, CommandRunner, startTestHost } = await import(path.join(out, 'entry.mjs'));
  const host = await startTestHost(`kdrill-bench-ssh-${process.pid}`);
  const runner = new CommandRunner(undefined, null);
  const ctx = { runner, signal: new AbortController().signal };
  const shell = new SshShell({ h1: host.ssh });
  try {
    let first;
    for (let i = 0; i < 50 && first === undefined; i++) {
      const t = performance.now();
      const r = await shell.exec(ctx, 'h1', ['true'], { allowFailure: true });
      if (r.exitCode === 0) first = performance.now() - t;
      else await new Promise((res) => setTimeout(res, 100));
    }
    const ms = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await shell.exec(ctx, 'h1', ['true']);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const median = ms[15];
    const local = [];
    for (let i = 0; i < 30; i++) local.push((await runner.run(['true'])).durationMs);
    local.sort((a, b) => a - b);
    console.log('ssh transport (kubeadm test host, 30 commands after the first)');
    console.log(`${'first command (connects)'.padEnd(34)} ${first?.toFixed(0).padStart(5)} ms`);
    console.log(`${'a local process, `true` (for scale)'.padEnd(34)} median ${local[15].toFixed(1).padStart(5)} ms   p95 ${local[28].toFixed(1)}`);
    console.log(`${'a reused command'.padEnd(34)} median ${median.toFixed(1).padStart(5)} ms   p95 ${ms[28].toFixed(1)}   max ${ms[29].toFixed(1)}  (target ≤ 20 ms: ${median <= 20 ? 'met' : 'MISSED'})`);
  } finally {
    await shell.close(runner);
    host.remove();
    rmSync(out, { recursive: true, force: true });
  }
}
