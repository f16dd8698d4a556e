import { writeFileSync } from 'node:fs';
import { UsageError } from '../../engine/errors.js';
import { visible } from '../../report/escape.js';
import { FIGURES, fmtChange, median, parsePercent, regressions, show, trendOf, type HistoryRun, type Regression } from '../../report/history.js';
import { renderHistoryHtml } from '../../report/history-html.js';
import { readHistory } from '../../report/history-read.js';
import { EXIT } from '../exit.js';

export interface HistoryOptions {
  json?: boolean;
  html?: string;
  failOnRegression?: string;
}

/** `kdrill history [runs dir]`: each drill's runs, oldest first, with the trend of their recovery figures. */
export async function historyCommand(dir: string, o: HistoryOptions): Promise<number> {
  const limit = o.failOnRegression === undefined ? undefined : parsePercent(o.failOnRegression);
  if (o.failOnRegression !== undefined && limit === undefined) throw new UsageError(`--fail-on-regression: expected a percentage such as 25%, got ${JSON.stringify(o.failOnRegression)}`);
  const { drills, warnings } = readHistory(dir);
  for (const w of warnings) process.stderr.write(`${visible(`kdrill history: ${w}`)}\n`);
  const found: Regression[] = limit === undefined ? [] : [...drills.values()].flatMap((runs) => regressions(runs, limit));

  if (o.html) {
    try {
      writeFileSync(o.html, renderHistoryHtml(drills, found, warnings, new Date().toISOString()));
    } catch (err) {
      throw new UsageError(`--html ${o.html}: cannot write it: ${(err as Error).message}`);
    }
    process.stderr.write(`${visible(`kdrill history: wrote ${o.html}`)}\n`);
  }
  if (o.json) {
    const out = {
      dir,
      drills: [...drills].map(([drill, runs]) => ({
        drill,
        runs: runs.map((r, i) => ({ ...r, trend: Object.fromEntries(FIGURES.map((f) => [f.key, trendOf(runs, i, f.key)]).filter(([, t]) => t)) })),
        medianOfEarlier: Object.fromEntries(FIGURES.map((f) => [f.key, median(runs.slice(0, -1).map((r) => r[f.key]).filter((v): v is number => v !== undefined))])),
      })),
      regressions: found,
      warnings,
    };
    process.stdout.write(`${JSON.stringify(out, (_k, v) => (v === Infinity ? 'Infinity' : v), 2)}\n`);
  } else {
    if (drills.size === 0) process.stdout.write(`${visible(`no runs under ${dir}`)}\n`);
    for (const [drill, runs] of drills) process.stdout.write(`${textTable(drill, runs)}\n`);
  }
  for (const g of found) process.stderr.write(`${visible(`kdrill history: regression: ${g.message}`)}\n`);
  return found.length > 0 ? EXIT.failed : EXIT.passed;
}

function textTable(drill: string, runs: readonly HistoryRun[]): string {
  const rows: string[][] = [['DATE', 'VERDICT', 'DURATION', ...FIGURES.map((f) => f.label.toUpperCase())]];
  runs.forEach((r, i) => rows.push([
    r.startedAt?.replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? '?', r.status, show(r.durationMs, 'ms'),
    ...FIGURES.map((f) => `${show(r[f.key], f.unit)} ${fmtChange(trendOf(runs, i, f.key))}`.trim()),
  ]));
  const earlier = runs.slice(0, -1);
  if (earlier.length > 0) {
    rows.push(['median of earlier', '', '', ...FIGURES.map((f) => show(median(earlier.map((r) => r[f.key]).filter((v): v is number => v !== undefined)), f.unit))]);
  }
  // Escaped before the widths are taken, so that the columns line up with what is shown.
  const shown = rows.map((r) => r.map(visible));
  const widths = shown[0]!.map((_, i) => Math.max(...shown.map((r) => r[i]!.length)));
  const lines = shown.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
  return `${visible(drill)} (${runs.length} run${runs.length === 1 ? '' : 's'}; in brackets: against the median of the runs before)\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
