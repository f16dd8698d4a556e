import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/report/summarize.js';
import { renderTimeline } from '../../src/report/timeline.js';
import { passedRun, probeRun } from './runs.js';
import { all, parseXml } from './xml-check.js';

describe('timeline.svg', () => {
  const svg = renderTimeline(summarize(probeRun(2000)))!;
  const doc = parseXml(svg);

  it('is well-formed SVG', () => {
    expect(doc.name).toBe('svg');
    expect(doc.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  });

  it('shades each unavailable window where it happened', () => {
    const windows = all(doc, 'rect').filter((r) => r.attrs.class === 'window');
    expect(windows.map((w) => [w.attrs['data-start-ms'], w.attrs['data-end-ms']])).toEqual([['1000', '3500'], ['5000', '5300']]);
    const [a, b] = windows.map((w) => Number(w.attrs.width));
    expect(a! / b!).toBeCloseTo(2500 / 300, 0); // widths in proportion to the durations
    expect(Number(windows[1]!.attrs.x)).toBeGreaterThan(Number(windows[0]!.attrs.x));
  });

  it('green for answered samples, red for failed, merged into runs', () => {
    const bars = all(doc, 'rect').filter((r) => r.attrs.class === 'ok' || r.attrs.class === 'failed');
    expect(bars.map((b) => b.attrs.class)).toEqual(['ok', 'failed', 'ok', 'failed', 'ok']);
    expect(bars.every((b) => Number(b.attrs.width) > 0)).toBe(true);
  });

  it('labels the longest window, marks every step with its name, has a legend', () => {
    const texts = all(doc, 'text').map((t) => t.text);
    expect(all(doc, 'text').filter((t) => t.attrs.class === 'longest').map((t) => t.text)).toEqual(['longest 2.5s']);
    expect(all(doc, 'line').filter((l) => l.attrs.class === 'step')).toHaveLength(4);
    for (const name of ['stop a node', 'write a key', 'restore: start the node', 'restore: undo two']) expect(texts).toContain(name);
    expect(all(doc, 'g').filter((g) => g.attrs.class === 'legend').flatMap((g) => all(g, 'text').map((t) => t.text))).toEqual(['answered', 'failed', 'unavailable window', 'step starts', 'restore step starts']);
  });

  it('is not drawn when no probe sampled', () => {
    expect(renderTimeline(summarize(passedRun()))).toBeUndefined();
  });
});
