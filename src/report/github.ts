import { appendFileSync } from 'node:fs';
import { visible, visibleLines } from './escape.js';
import { displayPath } from './format.js';
import { failureText } from './junit.js';
import type { RunReport } from './types.js';

/** GitHub shows at most 10 error annotations per step; more are dropped, so we choose which. */
export const MAX_ANNOTATIONS = 10;

type Env = Record<string, string | undefined>;

export const underGithubActions = (env: Env) => env.GITHUB_ACTIONS === 'true';

/** Workflow-command escaping: the message part. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command escaping: a property value (`file=`, `title=` …), where `:` and `,` are syntax. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error file=…,line=…,title=…::message` lines for what failed, at most MAX_ANNOTATIONS. The
 * workflow-command encoding keeps drill text inside its annotation; control characters in it are
 * shown as escapes, like everywhere else kdrill prints (the message keeps its line breaks).
 */
export function githubAnnotations(r: RunReport, env: Env = {}): string[] {
  // Annotations attach to a file only by its path relative to the checkout.
  const rel = r.drill.file && env.GITHUB_WORKSPACE ? displayPath(r.drill.file, env.GITHUB_WORKSPACE) : r.drill.file;
  return r.failures.slice(0, MAX_ANNOTATIONS).map((f) => {
    const props: string[] = [];
    if (rel) props.push(`file=${escapeProperty(visible(rel))}`);
    if (f.line) props.push(`line=${f.line}`);
    props.push(`title=${escapeProperty(visible(`${r.drill.name}: ${f.step ?? f.kind}`))}`);
    return `::error ${props.join(',')}::${escapeData(visibleLines(failureText(f)))}`;
  });
}

/** The step summary: summary.md itself (the timeline picture stays a file of the run). */
export function githubStepSummary(markdown: string, env: Env): { file: string; text: string } | undefined {
  if (!underGithubActions(env) || !env.GITHUB_STEP_SUMMARY) return undefined;
  return { file: env.GITHUB_STEP_SUMMARY, text: `${markdown.trimEnd()}\n\n` };
}

/** The thin, impure part: append the summary, print the annotations. */
export function writeGithubOutputs(r: RunReport, markdown: string, env: Env, out: (line: string) => void): string[] {
  if (!underGithubActions(env)) return [];
  const summary = githubStepSummary(markdown, env);
  if (summary) appendFileSync(summary.file, summary.text);
  for (const line of githubAnnotations(r, env)) out(line);
  return summary ? [summary.file] : [];
}
