import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import { historyRun, type HistoryRun } from './history.js';
import { readJournal } from './journal.js';
import { summarize } from './summarize.js';
import type { RunReport } from './types.js';

export interface History {
  /** Runs of each drill, oldest first. */
  drills: Map<string, HistoryRun[]>;
  /** Folders skipped, and why (a broken report, a folder without one). */
  warnings: string[];
}

/** Run folders are <dir>/<drill>/<timestamp>/; a drill's folder or one run folder works too. */
const DEPTH = 3;

/**
 * Every run under `dir`, from its report.json, or from its journal when the run was cut short before
 * its reports were written. A folder that holds neither, or a file that is no kdrill report, is
 * skipped with a warning: one broken folder must not hide the others.
 */
export function readHistory(dir: string): History {
  const st = statOf(dir);
  if (!st?.isDirectory()) throw new UsageError(`${dir}: ${st ? 'not a folder' : 'no such folder'} (expected a folder of runs, as kdrill run --report-dir writes)`);
  const runs: HistoryRun[] = [];
  const warnings: string[] = [];
  const visit = (at: string, depth: number) => {
    const report = path.join(at, 'report.json');
    const journal = path.join(at, 'journal.jsonl');
    if (existsSync(report) || existsSync(journal)) {
      const read = readRun(at, report, journal);
      if ('warning' in read) warnings.push(`${at}: skipped: ${read.warning}`);
      else {
        if (read.note) warnings.push(`${at}: ${read.note}`);
        runs.push(historyRun(read.report, at));
      }
      return;
    }
    let children: string[];
    try {
      children = readdirSync(at).sort().map((n) => path.join(at, n)).filter((p) => statOf(p)?.isDirectory());
    } catch (err) {
      warnings.push(`${at}: skipped: ${(err as Error).message}`);
      return;
    }
    if (children.length === 0 && depth > 0) warnings.push(`${at}: skipped: no report.json nor journal.jsonl (not a run folder)`);
    if (depth < DEPTH) for (const c of children) visit(c, depth + 1);
  };
  visit(dir, 0);
  const drills = new Map<string, HistoryRun[]>();
  for (const r of runs.sort(byTime)) drills.set(r.drill, [...(drills.get(r.drill) ?? []), r]);
  return { drills, warnings };
}

function readRun(dir: string, report: string, journal: string): { report: RunReport; note?: string } | { warning: string } {
  if (existsSync(report)) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(report, 'utf8'));
    } catch (err) {
      return { warning: `report.json is not JSON (${(err as Error).message})` };
    }
    return isReport(value) ? { report: value } : { warning: 'report.json is not a kdrill run report (no drill name, status or duration)' };
  }
  try {
    const { events } = readJournal(journal);
    const r = summarize(events);
    if (r.drill.name === '(unknown)') return { warning: 'journal.jsonl has no drill.start' };
    return { report: r, note: `no report.json: read from journal.jsonl (${r.status})` };
  } catch (err) {
    return { warning: `journal.jsonl: ${(err as Error).message}` };
  }
}

function isReport(v: unknown): v is RunReport {
  const r = v as Partial<RunReport> | null;
  return typeof r === 'object' && r !== null && typeof r.drill?.name === 'string' && typeof r.status === 'string' && typeof r.durationMs === 'number'
    && (r.startedAt === undefined || typeof r.startedAt === 'string');
}

function byTime(a: HistoryRun, b: HistoryRun): number {
  const ta = a.startedAt ?? '';
  const tb = b.startedAt ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0;
}

function statOf(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
