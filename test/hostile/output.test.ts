import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, journalOf, root, runKdrill, tempDir as newTempDir } from '../helpers/kdrill.js';

/**
 * Drill text meant to take over a terminal or a CI log (escape sequences, OSC 52 clipboard writes,
 * window titles, bidi overrides, a newline followed by a GitHub workflow command) and output too large
 * for a pipe's buffer. The real binary, no docker: every drill here uses the `local` lab.
 */
const made: string[] = [];
const tempDir = (prefix: string) => {
  made.push(newTempDir(prefix));
  return made.at(-1)!;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const dir = tempDir('kdrill-hostile-');

function drill(name: string, yaml: string): string {
  mkdirSync(path.join(dir, name), { recursive: true });
  const file = path.join(dir, name, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

// YAML double-quoted strings carry the raw characters: \e is ESC, \a is BEL, \r CR, \u202e a bidi override.
const hostile = drill('hostile', `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: hostile
  title: "\\e]52;c;SGVsbG8=\\a title"
lab: {provider: local}
steps:
  - name: "::error file=x::boom ##[warning]step"
    action: sleep
    with: {duration: 1ms}
    explain: "intro\\n\\n::warning::smuggled ##[warning]legacy"
  - name: fails
    action: exec
    with: {run: [sh, -c, 'printf "$0"; exit 3', "out \\e]0;title\\a\\n::error::from-output\\n##[error]legacy\\n"]}
restore:
  - name: undo
    action: sleep
    with: {duration: 1ms}
`);

// Refused by validate since step names are one line without control characters; the refusal shows it escaped.
const badName = drill('bad-name', `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: bad-name
lab: {provider: local}
steps:
  - name: "a\\n::error file=x::boom \\e]52;c;SGk=\\a \\u202e"
    action: sleep
    with: {duration: 1ms}
`);

const unknownKey = drill('unknown-key', `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: unknown-key
lab: {provider: local}
steps:
  - name: a
    action: sleep
    with: {duration: 1ms}
    "bogus\\e[2J\\e]0;title\\a": 1
`);

const carriageReturn = drill('carriage-return', `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: carriage-return
lab: {provider: local}
steps:
  - name: a
    action: "sle\\rep"
    with: {duration: 1ms}
`);

/** What no output of kdrill may hold, whatever the drill says. */
function expectSafe(text: string, annotations = false): void {
  expect(text, 'a stack trace').not.toMatch(/\n\s+at /);
  // eslint-disable-next-line no-control-regex
  expect(text, 'a raw control, C1 or bidi character').not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  expect(text, 'a legacy ##[command]').not.toContain('##[');
  const commands = text.split('\n').filter((l) => /^\s*::/.test(l));
  if (!annotations) expect(commands, 'a line the runner reads as a workflow command').toEqual([]);
  // Our own annotations only: nothing from the drill between `::error ` and its `::`.
  for (const l of commands) expect(l).toMatch(/^::error file=[^:,\s]+,line=\d+,title=[^:]*::/);
}

interface Case {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  code: number;
  /** file:line:col or the annotation's place, where one exists. */
  place?: () => string;
  words: string[];
  /** The one place (stdout or stderr) each of `words` must be in. */
  on?: 'stdout' | 'stderr';
  /** Under GitHub Actions our own `::error` lines are expected. */
  annotations?: boolean;
  then?: () => void;
}

const reports = tempDir('kdrill-hostile-runs-');
const ciReports = tempDir('kdrill-hostile-ci-');
const summary = path.join(tempDir('kdrill-hostile-summary-'), 'step-summary.md');

const cases: Case[] = [
  {
    name: 'a step name with a newline, a workflow command, OSC 52 and a bidi override: refused by validate, shown escaped',
    args: () => ['validate', badName], code: 2, on: 'stderr',
    place: () => `${badName}:7:11: `,
    words: ['steps[0].name must not contain control characters', 'got "a\\n::error file=x::boom \\u001b]52;c;SGk=\\u0007 \\u202e"'],
  },
  {
    name: 'a workflow command and a legacy ##[command] in a step name, in --dry-run',
    args: () => ['run', '--dry-run', hostile], code: 0,
    words: ['  1/2 ::error file=x::boom ##\\x5bwarning]step [sleep', '2/2 fails [exec', '1/1 undo [sleep', '(dry run: nothing was run)'],
  },
  {
    name: 'OSC 52 in metadata.title, in --dry-run',
    args: () => ['run', '--dry-run', hostile], code: 0,
    words: ['drill hostile: \\x1b]52;c;SGVsbG8=\\x07 title ('],
  },
  {
    name: 'OSC 52 in metadata.title, in list',
    args: () => ['list', path.dirname(hostile)], code: 0,
    words: ['hostile  local  2+1    \\x1b]52;c;SGVsbG8=\\x07 title  '],
  },
  {
    name: '::warning:: and ##[warning] smuggled in a step explanation, in --dry-run',
    args: () => ['run', '--dry-run', hostile], code: 0,
    words: ['      # ::warning::smuggled ##\\x5bwarning]legacy'],
  },
  {
    name: 'a workflow command in a step name and ::warning:: in its explanation, in --step (stdin closed: steps skipped, restore run)',
    args: () => ['run', '--step', '--report-dir', reports, hostile], code: 0,
    words: ['── step 1/2: ::error file=x::boom ##\\x5bwarning]step (sleep)', '   \\x3a:warning::smuggled ##\\x5bwarning]legacy', '▶ restore 1/1 undo (sleep)', 'PASSED'],
    on: 'stdout',
  },
  {
    name: 'an unknown key with ANSI and OSC 0, in validate',
    args: () => ['validate', unknownKey], code: 2, on: 'stderr',
    place: () => `${unknownKey}:10:5: `,
    words: ['steps[0]: unknown key "bogus\\x1b[2J\\x1b]0;title\\x07"'],
  },
  {
    name: 'an unknown key with ANSI, in run (nothing runs)',
    args: () => ['run', '--dry-run', unknownKey], code: 2, on: 'stderr',
    place: () => `${unknownKey}:10:5: `,
    words: ['unknown key "bogus\\x1b[2J\\x1b]0;title\\x07"'],
  },
  {
    name: 'a carriage return in a value, in validate',
    args: () => ['validate', carriageReturn], code: 2, on: 'stderr',
    place: () => `${carriageReturn}:8:13: `,
    words: ['steps[0].action: unknown action "sle\\rep"; did you mean "sleep"?'],
  },
  {
    name: 'the step names in a usage error (--only)',
    args: () => ['run', '--dry-run', '--only', 'nope', hostile], code: 2, on: 'stderr',
    words: ['kdrill: --only "nope": no such step (steps: ::error file=x::boom ##\\x5bwarning]step, fails)'],
  },
  {
    name: 'a failing drill under GitHub Actions: progress, annotations, verdict and step summary',
    args: () => ['run', '--report-dir', ciReports, hostile],
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, code: 1, annotations: true, on: 'stdout',
    place: () => `::error file=${hostile},line=12,`,
    words: [
      '▶ step 1/2 ::error file=x::boom ##\\x5bwarning]step (sleep)',
      'title=hostile%3A fails::sh -c',
      "'out \\x1b]0;title\\x07%0A\\x3a:error::from-output%0A##\\x5berror]legacy%0A' exited with code 3",
      'FAILED: step "fails" failed',
    ],
    then: () => {
      const md = readFileSync(summary, 'utf8');
      expectSafe(md);
      expect(md.split('\n')[0]).toBe('# \\\\x1b\\]52;c;SGVsbG8=\\\\x07 title');
      expect(md).toContain('| steps | 2. fails (`exec`) | **failed** |');
      // The journal is data: it keeps the true text.
      const { events } = journalOf(ciReports);
      expect(events.find((e) => e.type === 'step.start')!.name).toBe('::error file=x::boom ##[warning]step');
    },
  },
];

describe('drill text reaches a terminal or a CI log only escaped', () => {
  it.each(cases)('$name', async (c) => {
    const r = await runKdrill(c.args(), c.env);
    const out = c.on ? r[c.on] : r.stdout + r.stderr;
    expect(r.code, r.stderr).toBe(c.code);
    if (c.place) expect(out).toContain(c.place());
    for (const w of c.words) expect(out).toContain(w);
    expectSafe(r.stdout, c.annotations);
    expectSafe(r.stderr);
    c.then?.();
  });
});

/**
 * `kdrill args | reader` with two real processes and a real pipe between them (a FIFO: the pipes Node
 * gives a child are sockets, whose buffers are much larger than a pipe's 64 KiB), and no shell.
 */
async function piped(args: string[], reader: string[], from: 'stdout' | 'stderr' = 'stdout'): Promise<{ code: number | null; read: Buffer; other: string }> {
  const fifo = path.join(tempDir('kdrill-pipe-'), 'pipe');
  execFileSync('mkfifo', [fifo]);
  const r = spawn(reader[0]!, [...reader.slice(1), fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  const end = await open(fifo, 'w'); // opens once the reader has opened its end
  const k = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, CI: 'true', GITHUB_ACTIONS: '' },
    stdio: ['ignore', from === 'stdout' ? end.fd : 'pipe', from === 'stderr' ? end.fd : 'pipe'],
  });
  await end.close(); // kdrill holds the only write end now: the reader sees the end when kdrill exits
  const chunks: Buffer[] = [];
  r.stdout!.on('data', (d: Buffer) => chunks.push(d));
  let other = '';
  (from === 'stdout' ? k.stderr : k.stdout)!.on('data', (d) => (other += d));
  const [code] = await Promise.all([
    new Promise<number | null>((resolve) => k.on('close', (c) => resolve(c))),
    new Promise((resolve) => r.on('close', resolve)),
  ]);
  return { code, read: Buffer.concat(chunks), other };
}

describe('stdout and stderr drain before kdrill exits', () => {
  it('kdrill schema | cat: every byte of the committed schema', async () => {
    const { code, read, other } = await piped(['schema'], ['cat']);
    expect(code).toBe(0);
    expect(read.length).toBe(statSync(path.join(root, 'schema/drill.schema.json')).size);
    expect(read.toString()).toBe(readFileSync(path.join(root, 'schema/drill.schema.json'), 'utf8'));
    expect(other).toBe('');
  });

  it('a dry run of 200 KB and more through cat arrives whole', async () => {
    const steps = Array.from({ length: 1500 }, (_, i) => `  - name: step ${i}\n    action: sleep\n    with: {duration: 1ms}\n    explain: ${'words of explanation '.repeat(4)}${i}\n`);
    const file = drill('long', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: long}\nlab: {provider: local}\nsteps:\n${steps.join('')}`);
    const { code, read, other } = await piped(['run', '--dry-run', file], ['cat']);
    expect(code).toBe(0);
    expect(other).toBe('');
    expect(read.length).toBeGreaterThanOrEqual(200_000);
    const text = read.toString();
    expect(text).toContain('1500/1500 step 1499 [sleep');
    expect(text.endsWith('\nlab down:\n\n(dry run: nothing was run)\n')).toBe(true);
    expect(text.split('\n').filter((l) => /^ {2}\d+\/1500 /.test(l))).toHaveLength(1500);
  });

  it('validate with thousands of problems: every one through a pipe on stderr', async () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `    unknown${i}: 1\n`).join('');
    const file = drill('many-problems', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: many-problems}\nlab: {provider: local}\nsteps:\n  - name: a\n    action: sleep\n    with: {duration: 1ms}\n${keys}`);
    const { code, read, other } = await piped(['validate', file], ['cat'], 'stderr');
    expect(code).toBe(2);
    expect(other).toBe('0 valid, 1 invalid\n');
    const lines = read.toString().split('\n').filter(Boolean);
    expect(lines).toHaveLength(3000);
    expect(lines[2999]).toMatch(`${file}:3008:5: steps[0]: unknown key "unknown2999" (known: name, action,`);
  });

  it('kdrill schema | head -c 10: the reader leaves early; no stack trace, no internal error', async () => {
    const { code, read, other } = await piped(['schema'], ['head', '-c', '10']);
    expect(read.toString()).toBe('{\n  "$sche');
    expect(other).toBe('');
    expect(code).toBe(0);
  });

  it('kdrill run | head -c 5: the reader leaves mid-run; the drill goes on and its restore runs', async () => {
    const marker = path.join(tempDir('kdrill-restored-'), 'restored');
    const file = drill('reader-leaves', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: reader-leaves}\nlab: {provider: local}\nsteps:\n  - {name: wait, action: sleep, with: {duration: 500ms}}\nrestore:\n  - {name: mark, action: exec, with: {run: [touch, ${marker}]}}\n`);
    const { code, read, other } = await piped(['run', '--report-dir', tempDir('kdrill-hostile-runs-'), file], ['head', '-c', '5']);
    expect(read.toString()).toMatch(/^\d\d:\d\d$/);
    expect(other).toBe('');
    expect(code).toBe(0);
    expect(statSync(marker).isFile()).toBe(true);
  });
});
