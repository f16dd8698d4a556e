import { spawnSync } from 'node:child_process';

/** The shell blocks of each step and restore step of a runbook, in order, under their headings. */
export function stepBlocks(md: string): Array<{ head: string; lines: string[] }> {
  const out: Array<{ head: string; lines: string[] }> = [];
  let head = '';
  let open: number | undefined;
  for (const line of md.split('\n')) {
    const t = line.trim();
    if (open === undefined) {
      if (/^#{2,3} /.test(line)) head = line;
      const m = /^(`{3,})sh$/.exec(t);
      if (m) {
        open = m[1]!.length;
        out.push({ head, lines: [] });
      }
    } else if (new RegExp(`^\`{${open},}$`).test(t)) open = undefined;
    else out.at(-1)!.lines.push(t);
  }
  return out.filter((b) => /^### (Step|Restore|The lab)/.test(b.head));
}

/**
 * Pastes a runbook into bash, block by block, as an operator without kdrill would (comments left
 * out, every command run whatever the one before did); returns what it printed, each block under
 * a `=== <heading>` line.
 */
export function pasteRunbook(md: string, cwd: string, timeoutMs = 240_000): { output: string; part(head: RegExp): string } {
  const script = ['set -u', 'exec 2>&1', ...stepBlocks(md).flatMap((b) => [`echo ${JSON.stringify(`=== ${b.head}`)}`, ...b.lines.filter((l) => !l.startsWith('#'))])].join('\n');
  const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', timeout: timeoutMs });
  const output = r.stdout;
  return { output, part: (head) => output.split('\n=== ').filter((s) => head.test(s)).join('\n') };
}
