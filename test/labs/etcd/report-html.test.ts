import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalOf, runKdrill, tempDir } from '../../helpers/kdrill.js';
import { chromium, requireChromiumInCi, skipBrowser } from '../../report/browser.js';
import { openPage, type Page } from '../../report/chromium.js';
import { removeEtcdLab, skipLab } from '../helpers.js';

/**
 * report.html of a real etcd drill that passes (3 members in docker, a follower killed and started
 * again, the write probe sampling all along), opened in headless chromium: the availability timeline
 * is drawn inline and visible, every check is shown as passed, and the docker commands are listed.
 */
requireChromiumInCi();

const lab = `kdx-html-${process.pid % 10000}`;
const dir = tempDir('kdrill-html-etcd-');
const drill = path.join(dir, 'kill-a-follower.yaml');
writeFileSync(drill, `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: kill-a-follower
  title: "Kill a follower: quorum holds"
lab: {provider: etcd, name: ${lab}, members: 3}
probes:
  - etcd.writes: {interval: 100ms, maxUnavailable: 5s}
steps:
  - name: kill a follower's node
    action: node.kill
    with: {node: follower}
    explain: "SIGKILL on a follower: 2 of 3 are still a majority."
    expect:
      - etcd.quorum: {members: 3, healthy: 2, within: 5s}
  - name: bring it back
    action: node.start
    with: {node: follower, waitFor: member}
    expect:
      - etcd.quorum: {members: 3, healthy: 3, within: 15s}
restore:
  - name: the follower runs
    action: node.start
    with: {node: follower}
`);

const removeLab = () => removeEtcdLab(lab);

describe.skipIf(skipBrowser || skipLab)('report.html in headless chromium: an etcd drill that passes', () => {
  let page: Page;
  beforeAll(async () => {
    const r = await runKdrill(['run', drill, '--report-dir', path.join(dir, 'runs')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    page = await openPage(chromium!, path.join(journalOf(path.join(dir, 'runs')).runDir, 'report.html'));
  }, 170_000);
  afterAll(async () => {
    await page?.close();
    removeLab();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says PASSED and shows every check as passed', async () => {
    expect(await page.evaluate<string>(`document.getElementById('verdict').textContent`)).toBe('PASSED');
    const results = await page.evaluate<string[]>(`[...document.querySelectorAll('tr.check .result')].map((td) => td.textContent)`);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(new Set(results)).toEqual(new Set(['✔ passed']));
  });

  it('draws the availability timeline inline, visible, with the write probe’s lane and the steps', async () => {
    const t = await page.evaluate<{ w: number; h: number; bars: number; steps: number; visible: boolean }>(`(() => {
      const svg = document.querySelector('#timeline svg'); const b = svg.getBoundingClientRect(); const s = getComputedStyle(svg);
      return { w: b.width, h: b.height, bars: svg.querySelectorAll('rect.ok, rect.failed').length, steps: svg.querySelectorAll('line.step').length,
        visible: s.display !== 'none' && s.visibility === 'visible' && Number(s.opacity) > 0 };
    })()`);
    expect(t.visible).toBe(true);
    expect(t.w).toBeGreaterThan(500);
    expect(t.h).toBeGreaterThan(100);
    expect(t.bars).toBeGreaterThan(0);
    expect(t.steps).toBe(3);
  });

  it('lists the docker commands that killed and started the follower, with exit code 0', async () => {
    const rows = await page.evaluate<string[][]>(`[...document.querySelectorAll('section.step[data-phase="steps"] tr.command')].map((tr) => [tr.cells[1].textContent, tr.cells[2].textContent])`);
    expect(rows).toContainEqual([expect.stringMatching(new RegExp(`^docker kill --signal KILL ${lab}-control-plane\\d? `)), '0']);
    expect(rows).toContainEqual([expect.stringMatching(new RegExp(`^docker start ${lab}-control-plane\\d? `)), '0']);
    expect(page.requests).toHaveLength(1);
  });
});
