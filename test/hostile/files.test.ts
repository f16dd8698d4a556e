import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, spawnKdrill, tempDir, type Done } from '../helpers/kdrill.js';

/**
 * Careless and hostile files and folders, through the real binary: each case gets a clear exit
 * code, the place (file:line:col where there is one), the words, no stack trace, and ends in time
 * (a FIFO or /dev/zero read whole would hang until the timeout).
 */

const drill = (name: string, extra = '') => `apiVersion: kdrill/v1
kind: Drill
metadata: {name: ${name}}
lab: {provider: local}
steps:
  - name: wait
    action: sleep
    with: {duration: 1ms}
${extra}`;

/** A drill whose only step leaves a marker: a case that must run nothing checks that it is absent. */
const marking = (dir: string) => `apiVersion: kdrill/v1
kind: Drill
metadata: {name: marks}
lab: {provider: local}
steps:
  - name: mark
    action: exec
    with: {run: [touch, ${path.join(dir, 'ran')}]}
`;

/** A kind drill naming a config; `config` is on line 7, its value at column 11. */
const onKind = (config: string) => `apiVersion: kdrill/v1
kind: Drill
metadata: {name: kc}
lab:
  provider: kind
  name: kdd-config
  config: ${config}
steps:
  - name: wait
    action: sleep
    with: {duration: 1ms}
`;

const KIND_CONFIG = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n';

function put(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

function fifo(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
  return file;
}

const utf16le = (text: string, bom: boolean) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);

/** Nine levels of nine aliases each: 9^9 strings once expanded. */
function aliasBomb(): string {
  let text = 'apiVersion: kdrill/v1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 9; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return text;
}

interface Case {
  name: string;
  /** Builds the input in `dir`; the kdrill arguments. */
  args: (dir: string) => string[];
  code: number;
  /** What a line of the output starts with: `file:line:col: `, or the path named. */
  place?: (dir: string) => string;
  words: RegExp[];
  /** Extra checks after the run (nothing ran, nothing was made). */
  after?: (dir: string) => void;
  /** Why the case cannot be tried here, if it cannot. */
  skip?: () => string | undefined;
}

const nothingRan = (dir: string) => expect(existsSync(path.join(dir, 'ran')), 'a step ran').toBe(false);

const asRoot = process.getuid?.() === 0;

/**
 * The binary, killed if it is not done in `ms`: a hang fails the case, and a read of /dev/zero
 * does not go on eating the machine's memory after the test gave up.
 */
async function runBounded(args: string[], ms = 10_000): Promise<Done & { hung: boolean }> {
  const { child, done } = spawnKdrill(args);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, ms);
  const r = await done;
  clearTimeout(timer);
  return { ...r, hung };
}

const made: string[] = [];
function scratch(): string {
  const dir = tempDir('kdd-hostile-');
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) {
    if (existsSync(path.join(dir, 'ro'))) chmodSync(path.join(dir, 'ro'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

const INVENTORY = 'apiVersion: kdrill/v1\nkind: Inventory\nhosts:\n  cp1: {address: 10.0.0.11, port: PORT}\ngroups:\n  kube_control_plane: [cp1]\n';

const cases: Case[] = [
  // A kubeadm inventory beside drills is checked as an inventory (not as a drill, not skipped).
  {
    name: 'a kdrill inventory in a folder is checked as one and counted as valid',
    args: (d) => (put(d, 'f/inv.yaml', INVENTORY.replace('PORT', '2222')), ['validate', path.join(d, 'f')]),
    code: 0, words: [/^ok {4}.*inv\.yaml \(inventory: 1 host \(1 control-plane\), stacked etcd, power driver on 0 of 1\)$/m, /1 valid, 0 invalid/],
  },
  {
    name: 'a wrong kdrill inventory gives its own problems at file:line:col, not a drill\'s',
    args: (d) => (put(d, 'f/inv.yaml', INVENTORY.replace('PORT', '0')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/inv.yaml')}:4:35: hosts.cp1.port must be at least 1, got 0`, words: [/0 valid, 1 invalid/],
  },
  // Folders: what is a drill, what is skipped and why.
  {
    name: 'a misspelt apiVersion key in a folder is checked as a drill, not skipped',
    args: (d) => (put(d, 'f/typo.yaml', drill('typo').replace('apiVersion', 'apiVerison')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/typo.yaml')}:1:1: `, words: [/apiVerison/, /0 valid, 1 invalid/],
  },
  {
    name: 'a near-miss apiVersion value (kdril/v1) is checked as a drill',
    args: (d) => (put(d, 'f/near.yaml', drill('near').replace('kdrill/v1', 'kdril/v1')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/near.yaml')}:1:13: `, words: [/apiVersion/, /0 valid, 1 invalid/],
  },
  {
    name: 'a flow-style drill in a folder is checked, its problems told',
    args: (d) => (put(d, 'f/flow.yaml', '{apiVersion: kdrill/v1, kind: Drill, metadata: {name: flow}}\n'), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/flow.yaml')}:1:1: `, words: [/steps/, /0 valid, 1 invalid/],
  },
  {
    name: 'UPPER.YAML is a drill like any other',
    args: (d) => (put(d, 'f/UPPER.YAML', drill('upper')), ['validate', path.join(d, 'f')]),
    code: 0, words: [/^ok {4}.*UPPER\.YAML/m, /1 valid, 0 invalid/],
  },
  {
    name: 'quoted keys are keys: a drill with "apiVersion": "kdrill/v1" is valid',
    args: (d) => (put(d, 'f/quoted.yml', drill('quoted').replace('apiVersion: kdrill/v1', '"apiVersion": "kdrill/v1"')), ['validate', path.join(d, 'f')]),
    code: 0, words: [/1 valid, 0 invalid/],
  },
  {
    name: 'a kind config and a manifest beside a drill are skipped with the reason; exit 0',
    args: (d) => {
      put(d, 'f/ok.yaml', drill('ok'));
      put(d, 'f/kind.yaml', KIND_CONFIG);
      put(d, 'f/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n');
      return ['validate', path.join(d, 'f')];
    },
    code: 0,
    place: (d) => `skipped: ${path.join(d, 'f/kind.yaml')}: `,
    words: [/not a kdrill drill \(apiVersion: kind\.x-k8s\.io\/v1alpha4\)/, /ns\.yaml: not a kdrill drill \(apiVersion: v1\)/, /1 valid, 0 invalid, 2 skipped/],
  },
  {
    name: 'a YAML file with no apiVersion and nothing of a drill is a problem, not silently left out',
    args: (d) => (put(d, 'f/compose.yml', 'services:\n  web: {image: nginx}\n'), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/compose.yml')}:1:1: `, words: [/not a kdrill drill/, /apiVersion: kdrill\/v1/],
  },
  {
    name: 'a linked subfolder is searched',
    args: (d) => {
      put(d, 'elsewhere/linked.yaml', drill('linked'));
      mkdirSync(path.join(d, 'f'));
      symlinkSync(path.join(d, 'elsewhere'), path.join(d, 'f/sub'));
      return ['validate', path.join(d, 'f')];
    },
    code: 0, words: [/^ok {4}.*f\/sub\/linked\.yaml/m, /1 valid, 0 invalid/],
  },
  {
    name: 'a link cycle is searched once and said',
    args: (d) => {
      put(d, 'f/a/ok.yaml', drill('ok'));
      symlinkSync('..', path.join(d, 'f/a/up'));
      return ['validate', path.join(d, 'f')];
    },
    code: 0, place: (d) => `skipped: ${path.join(d, 'f/a/up')}: `, words: [/the same folder as .*\/f \(already searched\)/, /1 valid, 0 invalid, 1 skipped/],
  },
  {
    // Before: validate followed the link and searched the whole disk.
    name: 'a link to / inside the drills folder is not followed',
    args: (d) => {
      put(d, 'f/ok.yaml', drill('ok'));
      symlinkSync('/', path.join(d, 'f/root'));
      return ['validate', path.join(d, 'f')];
    },
    code: 0, place: (d) => `skipped: ${path.join(d, 'f/root')}: `, words: [/a link to \/, which holds the folder being searched: not searched/, /1 valid, 0 invalid, 1 skipped/],
  },
  {
    name: 'a search past 2000 folders stops and says why',
    args: (d) => {
      put(d, 'f/ok.yaml', drill('ok'));
      for (let i = 0; i < 2001; i++) mkdirSync(path.join(d, 'f', `d${i}`));
      return ['validate', path.join(d, 'f')];
    },
    code: 2, words: [/stopped searching: more than 2000 folders \(does a link lead out of the drills folder\?\)/],
  },
  {
    name: 'the same folder named twice is counted once',
    args: (d) => (put(d, 'f/ok.yaml', drill('ok')), ['validate', path.join(d, 'f'), path.join(d, 'f')]),
    code: 0, words: [/already searched/, /1 valid, 0 invalid, 1 skipped/],
  },
  {
    name: 'a dangling link named *.yaml in a folder names its target',
    args: (d) => (mkdirSync(path.join(d, 'f')), symlinkSync('nowhere.yaml', path.join(d, 'f/gone.yaml')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/gone.yaml')}:1:1: `, words: [/a symbolic link to a missing file \(nowhere\.yaml\)/],
  },
  {
    name: 'a FIFO named *.yaml in a folder is not read (no hang)',
    args: (d) => (put(d, 'f/ok.yaml', drill('ok')), fifo(path.join(d, 'f/pipe.yaml')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/pipe.yaml')}:1:1: `, words: [/not a regular file: .*pipe\.yaml is a FIFO \(named pipe\)/, /1 valid, 1 invalid/],
  },
  {
    name: 'a *.yaml linked to /dev/zero in a folder is not read (no endless read)',
    args: (d) => (mkdirSync(path.join(d, 'f')), symlinkSync('/dev/zero', path.join(d, 'f/zero.yaml')), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/zero.yaml')}:1:1: `, words: [/is a character device/],
  },
  {
    name: 'a folder named x.yaml is a folder: searched',
    args: (d) => (put(d, 'f/x.yaml/inner.yaml', drill('inner')), ['validate', path.join(d, 'f')]),
    code: 0, words: [/^ok {4}.*x\.yaml\/inner\.yaml/m, /1 valid, 0 invalid/],
  },
  {
    name: 'a folder with only skipped files: no drill found, the skips said',
    args: (d) => (put(d, 'f/kind.yaml', KIND_CONFIG), ['validate', path.join(d, 'f')]),
    code: 2, words: [/skipped: .*kind\.yaml/, /no drill files found in .*\(1 skipped, above\)/],
  },

  // Paths named on the command line.
  ...(['/dev/null', '/dev/zero'] as const).map((dev): Case => ({
    name: `validate ${dev}: not a regular file`,
    args: () => ['validate', dev],
    code: 2, place: () => `${dev}:1:1: `, words: [new RegExp(`not a regular file: ${dev} is a character device`)],
  })),
  {
    name: 'run /dev/zero: not a regular file, nothing read',
    args: () => ['run', '/dev/zero'],
    code: 2, place: () => '/dev/zero:1:1: ', words: [/not a regular file: \/dev\/zero is a character device/],
  },
  {
    name: 'validate a FIFO: named, not read',
    args: (d) => ['validate', fifo(path.join(d, 'pipe.yaml'))],
    code: 2, place: (d) => `${path.join(d, 'pipe.yaml')}:1:1: `, words: [/is a FIFO \(named pipe\)/],
  },
  {
    name: 'validate a socket: named, not read',
    skip: () => (spawnSync('python3', ['-c', '1']).status === 0 ? undefined : 'no python3 to make a socket file'),
    args: (d) => {
      const sock = path.join(d, 's.yaml');
      expect(spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', sock]).status).toBe(0);
      return ['validate', sock];
    },
    code: 2, place: (d) => `${path.join(d, 's.yaml')}:1:1: `, words: [/is a socket/],
  },
  {
    name: 'validate a missing path',
    args: (d) => ['validate', path.join(d, 'nope.yaml')],
    code: 2, place: (d) => `${path.join(d, 'nope.yaml')}:1:1: `, words: [/no such file or folder/],
  },
  {
    name: 'run a dangling link',
    args: (d) => (symlinkSync('/no/such/drill.yaml', path.join(d, 'l.yaml')), ['run', path.join(d, 'l.yaml')]),
    code: 2, place: (d) => `${path.join(d, 'l.yaml')}:1:1: `, words: [/a symbolic link to a missing file \(\/no\/such\/drill\.yaml\)/],
  },
  {
    name: 'an unreadable file (chmod 000)',
    skip: () => (asRoot ? 'running as root: root reads a mode-000 file (checked in "root bypasses chmod 000")' : undefined),
    args: (d) => {
      const f = put(d, 'locked.yaml', drill('locked'));
      chmodSync(f, 0);
      return ['validate', f];
    },
    code: 2, place: (d) => `${path.join(d, 'locked.yaml')}:1:1: `, words: [/permission denied/],
  },

  // Reading and parsing one drill file.
  {
    name: 'an alias bomb ("billion laughs")',
    args: (d) => ['validate', put(d, 'bomb.yaml', aliasBomb())],
    code: 2, place: (d) => `${path.join(d, 'bomb.yaml')}:3:10: `, words: [/too many YAML aliases/, /billion laughs/],
  },
  {
    name: 'an alias inside its own anchor',
    args: (d) => ['validate', put(d, 'self.yaml', `${drill('self')}x: &a [1, *a]\n`)],
    code: 2, place: (d) => `${path.join(d, 'self.yaml')}:9:11: `, words: [/the alias \*a is inside the node &a it names/],
  },
  {
    name: 'an alias without its anchor',
    args: (d) => ['validate', put(d, 'noanchor.yaml', `${drill('noanchor')}x: *nope\n`)],
    code: 2, place: (d) => `${path.join(d, 'noanchor.yaml')}:9:4: `, words: [/the alias \*nope has no anchor &nope before it/],
  },
  {
    name: 'nesting too deep for the parser',
    args: (d) => ['validate', put(d, 'deep.yaml', `${drill('deep')}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)],
    code: 2, place: (d) => `${path.join(d, 'deep.yaml')}:9:`, words: [/nested too deeply to be read/],
  },
  {
    name: 'a list as a key',
    args: (d) => ['validate', put(d, 'key.yaml', `${drill('key')}? [a, b]\n: 1\n`)],
    code: 2, place: (d) => `${path.join(d, 'key.yaml')}:9:3: `, words: [/a key must be a name, not a list or a mapping/],
  },
  {
    name: 'UTF-16 with a BOM',
    args: (d) => ['validate', put(d, 'u16bom.yaml', utf16le(drill('u16'), true))],
    code: 2, place: (d) => `${path.join(d, 'u16bom.yaml')}:1:1: `, words: [/the file is UTF-16/, /save it as UTF-8/],
  },
  {
    name: 'UTF-16 without a BOM',
    args: (d) => ['validate', put(d, 'u16.yaml', utf16le(drill('u16'), false))],
    code: 2, place: (d) => `${path.join(d, 'u16.yaml')}:1:1: `, words: [/the file is UTF-16/, /save it as UTF-8/],
  },
  {
    name: 'UTF-16 (big-endian, BOM) in a folder',
    args: (d) => (put(d, 'f/be.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(drill('be'), 'utf16le').swap16()])), ['validate', path.join(d, 'f')]),
    code: 2, place: (d) => `${path.join(d, 'f/be.yaml')}:1:1: `, words: [/the file is UTF-16/],
  },
  {
    name: 'a UTF-8 BOM just works',
    args: (d) => ['validate', put(d, 'bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(drill('bom'))]))],
    code: 0, words: [/1 valid, 0 invalid/],
  },
  {
    name: 'invalid UTF-8, at its line:col',
    args: (d) => ['validate', put(d, 'latin1.yaml', Buffer.from(drill('latin').replace('name: wait', 'name: caf\u00e9'), 'latin1'))],
    code: 2, place: (d) => `${path.join(d, 'latin1.yaml')}:6:14: `, words: [/not UTF-8 \(byte 0xe9\): save it as UTF-8/],
  },
  {
    name: 'a NUL byte, at its line:col',
    args: (d) => ['validate', put(d, 'nul.yaml', drill('nul').replace('name: wait', 'name: wa\0it'))],
    code: 2, place: (d) => `${path.join(d, 'nul.yaml')}:6:13: `, words: [/a NUL byte: this is not a text file/],
  },
  {
    name: 'three YAML documents in one file',
    args: (d) => ['validate', put(d, 'three.yaml', `${drill('one')}---\n${drill('two')}---\n${drill('three')}`)],
    code: 2, place: (d) => `${path.join(d, 'three.yaml')}:9:1: `, words: [/one drill per file: this file has 3 YAML documents \(line 9 starts the second\)/],
  },
  {
    name: 'a trailing --- with nothing after it is still one drill',
    args: (d) => ['validate', put(d, 'trailing.yaml', `${drill('trailing')}---\n# the end\n`)],
    code: 0, words: [/1 valid, 0 invalid/],
  },
  {
    name: 'an empty file',
    args: (d) => ['validate', put(d, 'empty.yaml', '')],
    code: 2, place: (d) => `${path.join(d, 'empty.yaml')}:1:1: `, words: [/the file is empty/, /apiVersion: kdrill\/v1/],
  },
  {
    name: 'a file of comments only',
    args: (d) => ['validate', put(d, 'comments.yaml', '# a drill, some day\n\n# not yet\n')],
    code: 2, place: (d) => `${path.join(d, 'comments.yaml')}:1:1: `, words: [/the file is empty \(nothing but comments or blank lines\)/],
  },
  {
    name: 'a 5 MB drill file is not read',
    args: (d) => ['validate', put(d, 'big.yaml', `${drill('big')}# ${'x'.repeat(5 * 1024 * 1024)}\n`)],
    code: 2, place: (d) => `${path.join(d, 'big.yaml')}:1:1: `, words: [/too large: 5\.0 MiB; kdrill reads YAML files of at most 1 MiB/],
  },

  // The report folder: checked before anything runs.
  {
    name: '--report-dir naming a file',
    args: (d) => ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', put(d, 'afile', 'x')],
    code: 2, place: (d) => `kdrill: --report-dir ${path.join(d, 'afile')}: `, words: [/afile is a regular file, not a folder/], after: nothingRan,
  },
  {
    name: '--report-dir under a file',
    args: (d) => ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', path.join(put(d, 'afile', 'x'), 'sub')],
    code: 2, words: [/afile is a regular file, not a folder/], after: nothingRan,
  },
  {
    name: '--report-dir /proc/x (a recursive mkdir loops there for ever)',
    args: (d) => ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', '/proc/x'],
    code: 2, place: () => 'kdrill: --report-dir /proc/x: ', words: [/cannot make the folder \/proc\/x: its file system takes no new folders/], after: nothingRan,
  },
  {
    name: '--report-dir /dev/null',
    args: (d) => ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', '/dev/null'],
    code: 2, words: [/\/dev\/null is a character device, not a folder/], after: nothingRan,
  },
  {
    name: '--report-dir with a name longer than a file system allows',
    args: (d) => ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', path.join(d, 'r'.repeat(300))],
    code: 2, words: [/is 300 bytes long; a file name is at most 255/], after: (d) => (nothingRan(d), expect(readdirSync(d).sort()).toEqual(['marks.yaml'])),
  },
  {
    // Before: writeReports threw EISDIR out of the run, exit 4 "internal error", and no verdict was printed.
    name: 'reports that cannot be written after the run: the verdict is said, the journal named, exit 3 (not 4)',
    args: (d) => ['run', put(d, 'blocks.yaml', `apiVersion: kdrill/v1
kind: Drill
metadata: {name: blocks}
steps:
  - name: a folder where report.json goes
    action: exec
    with: {run: [sh, -c, 'for r in "$0"/blocks/*/; do mkdir "$r/report.json"; done', ${JSON.stringify(path.join(d, 'runs'))}]}
`), '--report-dir', path.join(d, 'runs')],
    code: 3, words: [/^PASSED$/m, /kdrill: the reports could not be written to \S+: EISDIR: .*; the run's journal is \S+journal\.jsonl/],
  },
  {
    name: 'a drill name too long for a folder name ends in exit 2 before anything runs',
    args: (d) => ['run', put(d, 'long.yaml', marking(d).replace('name: marks', `name: ${'m'.repeat(300)}`)), '--report-dir', path.join(d, 'runs')],
    code: 2, words: [/m{40}/], after: (d) => (nothingRan(d), expect(existsSync(path.join(d, 'runs'))).toBe(false)),
  },
  {
    name: 'an unwritable --report-dir',
    skip: () => (asRoot ? 'running as root: root writes in a mode-555 folder' : undefined),
    args: (d) => {
      mkdirSync(path.join(d, 'ro'), { mode: 0o555 });
      return ['run', put(d, 'marks.yaml', marking(d)), '--report-dir', path.join(d, 'ro/runs')];
    },
    code: 2, words: [/permission denied/], after: nothingRan,
  },
  {
    name: 'a dry run with a bad --report-dir warns and writes nothing',
    args: (d) => ['run', '--dry-run', put(d, 'marks.yaml', marking(d)), '--report-dir', path.join(put(d, 'afile', 'x'), 'sub')],
    code: 0, words: [/warning: a real run would stop here: .*afile is a regular file, not a folder/, /dry run: nothing was run/], after: nothingRan,
  },

  // A kind lab's config file: checked at validate, at the drill's `config:`.
  {
    name: 'config: /etc/passwd is not a kind Cluster config',
    args: (d) => ['validate', put(d, 'kc.yaml', onKind('/etc/passwd'))],
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/lab\.config: \/etc\/passwd is not a kind Cluster config \(expected kind: Cluster and apiVersion: kind\.x-k8s\.io\/v1alpha4\)/],
  },
  {
    name: 'run --dry-run with config: /etc/passwd is refused the same way (not an internal error)',
    args: (d) => ['run', '--dry-run', put(d, 'kc.yaml', onKind('/etc/passwd'))],
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/is not a kind Cluster config/],
  },
  {
    name: 'config: a Kubernetes manifest, not a kind config',
    args: (d) => (put(d, 'pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n'), ['validate', put(d, 'kc.yaml', onKind('pod.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/pod\.yaml is not a kind Cluster config/],
  },
  {
    name: 'config: kind: Cluster without kind\'s apiVersion',
    args: (d) => (put(d, 'nover.yaml', 'kind: Cluster\nnodes: [{role: control-plane}]\n'), ['validate', put(d, 'kc.yaml', onKind('nover.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/is not a kind Cluster config/],
  },
  {
    name: 'config: /dev/zero',
    args: (d) => ['validate', put(d, 'kc.yaml', onKind('/dev/zero'))],
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/lab\.config: \/dev\/zero: not a regular file: \/dev\/zero is a character device/],
  },
  {
    name: 'config: a FIFO',
    args: (d) => (fifo(path.join(d, 'pipe.yaml')), ['validate', put(d, 'kc.yaml', onKind('pipe.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/is a FIFO \(named pipe\)/],
  },
  {
    name: 'config: missing, named with the folder it was looked for in',
    args: (d) => ['validate', put(d, 'kc.yaml', onKind('nope.yaml'))],
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/kind config not found: .*nope\.yaml \(a relative path is taken from the drill's folder\)/],
  },
  {
    name: 'config: 5 MB',
    args: (d) => (put(d, 'big.yaml', `${KIND_CONFIG}# ${'x'.repeat(5 * 1024 * 1024)}\n`), ['validate', put(d, 'kc.yaml', onKind('big.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/big\.yaml: too large: 5\.0 MiB/],
  },
  {
    name: 'config: an alias bomb, with its line:col in the config',
    args: (d) => (put(d, 'bomb.yaml', `${KIND_CONFIG}${aliasBomb().replace('apiVersion: kdrill/v1\n', '')}`), ['validate', put(d, 'kc.yaml', onKind('bomb.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/bomb\.yaml:6:10: too many YAML aliases/],
  },
  {
    name: 'config: UTF-16',
    args: (d) => (put(d, 'u16.yaml', utf16le(KIND_CONFIG, true)), ['validate', put(d, 'kc.yaml', onKind('u16.yaml'))]),
    code: 2, place: (d) => `${path.join(d, 'kc.yaml')}:7:11: `, words: [/u16\.yaml: the file is UTF-16/],
  },
  {
    name: 'config: a valid kind config beside the drill',
    args: (d) => (put(d, 'kind.yaml', KIND_CONFIG), ['validate', put(d, 'kc.yaml', onKind('kind.yaml'))]),
    code: 0, words: [/1 valid, 0 invalid/],
  },
];

describe('careless and hostile files and folders (real kdrill process)', () => {
  for (const c of cases) {
    const why = c.skip?.();
    (why ? it.skip : it)(why ? `${c.name} (${why})` : c.name, async () => {
      const dir = scratch();
      const r = await runBounded(c.args(dir));
      const out = r.stdout + r.stderr;
      expect(r.hung, `still running after 10 s: ${out}`).toBe(false);
      expect(r.code, out).toBe(c.code);
      expect(out).not.toMatch(/\n {4}at /);
      expect(out).not.toMatch(/internal error/);
      if (c.place) expect(out.split('\n').some((l) => l.startsWith(c.place!(dir))), `a line starting with ${c.place(dir)}\n${out}`).toBe(true);
      for (const w of c.words) expect(out).toMatch(w);
      c.after?.(dir);
    }, 15_000);
  }

  it('root bypasses chmod 000 (why the unreadable-file case is skipped as root)', () => {
    if (!asRoot) return;
    const f = put(scratch(), 'locked.yaml', 'x');
    chmodSync(f, 0);
    expect(readFileSync(f, 'utf8')).toBe('x');
  });
});

describe('the shipped drills folder', () => {
  const yamlFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/i.test(e.name) ? [path.join(dir, e.name)] : []));
  const all = yamlFiles(path.join(root, 'drills'));
  const drills = all.filter((f) => /^kind: Drill$/m.test(readFileSync(f, 'utf8')));

  it('validate drills/: every shipped drill valid, every other YAML file skipped by name, exit 0', async () => {
    const r = await runBounded(['validate', 'drills']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(drills.length).toBeGreaterThan(10);
    expect(r.stdout).toContain(`${drills.length} valid, 0 invalid, ${all.length - drills.length} skipped`);
    for (const f of all.filter((x) => !drills.includes(x))) expect(r.stderr).toContain(`skipped: ${path.relative(root, f)}: not a kdrill drill (apiVersion: `);
  }, 15_000);

  it('list drills: one row per shipped drill, exit 0', async () => {
    const r = await runBounded(['list', 'drills']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).at(-1)).sort()).toEqual(drills.map((f) => path.relative(root, f)).sort());
  }, 15_000);
});
