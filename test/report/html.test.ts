import { describe, expect, it } from 'vitest';
import { commandsByStep } from '../../src/report/commands.js';
import { renderHtml } from '../../src/report/html/page.js';
import { summarize } from '../../src/report/summarize.js';
import { renderTimeline } from '../../src/report/timeline.js';
import { failedExpectationRun, interruptedRun, outline, passedRun, probeRun, Run } from './runs.js';

/** report.html from hand-built runs; the page in a real browser is test/report/html-browser.test.ts. */
describe('renderHtml', () => {
  it('is one self-contained page: no script, no link, no URL to load, a policy that forbids loading', () => {
    const page = renderHtml(summarize(probeRun(2000)), probeRun(2000), { timeline: renderTimeline(summarize(probeRun(2000))) });
    expect(page).toMatch(/^<!doctype html>\n<html lang="en"><head><meta charset="utf-8">/);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(page).toContain('<figure class="timeline" id="timeline"><svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain('@media print');
  });

  it('a failed expectation: FAILED in the verdict, in the step, in its check row, with expected and observed', () => {
    const page = renderHtml(summarize(failedExpectationRun()), failedExpectationRun());
    expect(page).toContain('<div class="verdict failed" id="verdict" data-status="failed"><strong>FAILED</strong>');
    expect(page).toContain('<tr class="check failed" data-check="etcd.quorum" data-ok="false"><td>etcd.quorum</td><td class="result">✖ FAILED</td><td><code>healthy &gt;= 2</code></td><td><code>healthy = 1</code></td>');
    expect(page).toContain('<section class="step failed" data-phase="steps" data-status="failed">');
    expect(page).toContain('<h2>Why it did not pass</h2>');
  });

  it('figures it was not written for (a key report.json gains) are shown under Figures; kdrill’s own CPU is a footnote', () => {
    const r = { ...summarize(passedRun()), faults: [{ fault: 'kill a follower', detectionMs: 1200, longestWriteGapMs: 1800, rpoKeys: 0 }] };
    const page = renderHtml(r, passedRun());
    const figures = page.slice(page.indexOf('<h2>Figures</h2>'), page.indexOf('<h2>Steady state</h2>'));
    expect(figures).toContain('<h3>faults</h3>\n<table><thead><tr><th>fault</th><th>detection</th><th>longest write gap</th><th>rpo keys</th></tr></thead><tbody><tr><td>kill a follower</td><td><span title="1200 ms">1.2s</span></td><td><span title="1800 ms">1.8s</span></td><td>0</td></tr></tbody></table>');
    expect(figures).toContain('<td>stop a node</td><td>stop.duration</td><td><strong>812 ms</strong></td>');
    expect(figures).not.toContain('kdrill.cpu');
    expect(page).toContain('<p class="footnote">kdrill itself: kdrill.cpu = 42 ms.</p>');
  });

  it('names the restore steps that did not run', () => {
    const page = renderHtml(summarize(interruptedRun()), interruptedRun());
    expect(page).toContain('Restore steps that did not run: the lab may not be whole. Run them by hand, or remove the lab: “start the node”, “undo two”.');
    expect(page).toContain('<div class="verdict interrupted"');
  });
});

describe('commandsByStep', () => {
  it('gives each command the step it ran in, counts a polling check’s repeats, and keeps the rest apart', () => {
    const r = new Run().start(outline);
    r.emit({ type: 'command', argv: ['docker', 'network', 'create', 'lab1'], exitCode: 0, durationMs: 30 });
    r.phase('steps').stepStart('steps', 0, 'stop a node', 'node.stop', 20);
    r.emit({ type: 'command', argv: ['docker', 'stop', 'lab1-control-plane3'], exitCode: 0, durationMs: 300, via: 'engine' });
    for (const code of [1, 1, 1, 0]) r.emit({ type: 'command', argv: ['etcdctl', 'endpoint', 'health'], exitCode: code, durationMs: 20 }, 100);
    r.stepEnd('steps', 0, 'stop a node', 'passed', 5, {}, 20);
    const events = r.end('passed');
    const report = summarize(events);
    const { byStep, outside } = commandsByStep(events, report.steps);
    const step = report.steps.find((s) => s.name === 'stop a node')!;
    expect(byStep.get(step)!.map((c) => [c.argv.join(' '), c.exitCode, c.count, c.via])).toEqual([
      ['docker stop lab1-control-plane3', 0, 1, 'engine'],
      ['etcdctl endpoint health', 1, 3, undefined],
      ['etcdctl endpoint health', 0, 1, undefined],
    ]);
    expect(byStep.get(step)![1]).toMatchObject({ durationMs: 60, startMs: expect.any(Number), lastEndMs: expect.any(Number) });
    expect(outside.map((c) => c.argv.join(' '))).toEqual(['docker network create lab1']);
  });
});
