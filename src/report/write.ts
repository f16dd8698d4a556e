import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DrillEvent } from '../engine/events.js';
import { writeGithubOutputs } from './github.js';
import { renderHtml } from './html/page.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { summarize } from './summarize.js';
import { renderTimeline } from './timeline.js';
import type { RunReport } from './types.js';

/**
 * Writes every report of a finished (or cut-short) run beside its journal: report.json, junit.xml,
 * summary.md, timeline.svg (when a probe sampled), report.html, and under GitHub Actions the step summary and
 * the error annotations (printed through `out`).
 */
export function writeReports(
  runDir: string,
  events: readonly DrillEvent[],
  env: Record<string, string | undefined> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): { report: RunReport; files: string[] } {
  const report = summarize(events);
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(runDir, name);
    writeFileSync(file, text);
    files.push(file);
  };
  write('report.json', renderJson(report));
  write('junit.xml', renderJunit(report));
  const svg = renderTimeline(report);
  if (svg) write('timeline.svg', svg);
  const markdown = renderMarkdown(report, { timeline: svg ? 'timeline.svg' : undefined });
  write('summary.md', markdown);
  write('report.html', renderHtml(report, events, { timeline: svg }));
  // The GitHub summary cannot show a file of the run: the same Markdown without the picture.
  writeGithubOutputs(report, svg ? renderMarkdown(report) : markdown, env, out);
  return { report, files };
}
