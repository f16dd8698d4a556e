import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDrill } from '../../src/drill/loader.js';
import { InvalidDrillError } from '../../src/engine/errors.js';
import { modules } from '../../src/cli/modules.js';
import { runKdrill, tempDir } from '../helpers/kdrill.js';

/**
 * Careless and hostile drills: everything `validate` can know before running is refused (or warned
 * about) in the operator's words, at the key or value at fault, and nothing reaches the engine.
 */

const head = (lab = 'lab: {provider: local}\n', name = 't') => `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: ${name}}\n${lab}`;
const local = head();
const etcd = (more = '') => head(`lab: {provider: etcd, name: kdc-x${more}}\n`);
const kind = (more = '') => head(`lab: {provider: kind${more}}\n`);
/** One exec step; `w` goes inside `with`, `s` inside the step. */
const exec = (w = '', s = '') => `steps: [{name: a, action: exec, with: {run: [true]${w}}${s}}]\n`;

let dir: string;
beforeAll(() => {
  dir = tempDir('kdc-hostile-');
  writeFileSync(path.join(dir, 'afile'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string, set?: Record<string, string>) {
  return parseDrill(text, path.join(dir, 'd.yaml'), { modules, set });
}

/** Every problem as `line:col: message`, or [] when the drill loads. */
function problems(text: string, set?: Record<string, string>): string[] {
  try {
    load(text, set);
    return [];
  } catch (err) {
    if (!(err instanceof InvalidDrillError)) throw err;
    return err.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  }
}

const cases: Array<[string, string, string[], Record<string, string>?]> = [
  // argv words
  ['a NUL byte in an argv word', `${local}steps: [{name: a, action: exec, with: {run: [echo, "a\\0b"]}}]\n`, ['5:52: steps[0].with.run[1] must not contain a NUL byte (\\0): a command\'s words end at it, got "a\\u0000b"']],
  ['an empty program', `${local}steps: [{name: a, action: exec, with: {run: [""]}}]\n`, ['5:46: steps[0].with.run[0] must not be empty: it is the program to run']],
  ['a blank program', `${local}steps: [{name: a, action: exec, with: {run: ["  ", x]}}]\n`, ['5:46: steps[0].with.run[0] must not be empty: it is the program to run, got "  "']],
  ['an empty argv', `${local}steps: [{name: a, action: exec, with: {run: []}}]\n`, ['5:45: steps[0].with.run must not be empty']],
  ['a mapping in an argv', `${local}steps: [{name: a, action: exec, with: {run: [echo, {a: 1}]}}]\n`, ['5:52: steps[0].with.run[1] must be a string, a number or true or false, got a mapping']],
  ['a NUL byte in a check command', `${local}${exec('', ', expect: [{command: {run: ["te\\0st"]}}]')}`, ['5:80: steps[0].expect[0].command.run[0] must not contain a NUL byte (\\0): a command\'s words end at it, got "te\\u0000st"']],
  ['a NUL byte in an env value', `${local}${exec(', env: {A: "x\\0"}')}`, ['5:62: steps[0].with.env.A must not contain a NUL byte (\\0): a command\'s environment ends each value at it, got "x\\u0000"']],
  ['an env name with =', `${local}${exec(', env: {"A=B": x}')}`, ['5:59: steps[0].with.env.A=B: an environment variable name must not be empty nor hold "=" or a NUL byte, got "A=B"']],
  // working folder
  ['cwd that is a file', `${local}${exec(', cwd: afile')}`, ['5:58: steps[0].with.cwd: not a folder: <dir>/afile is a file']],
  ['cwd that does not exist', `${local}${exec(', cwd: nope')}`, ['5:58: steps[0].with.cwd: folder not found: <dir>/nope']],
  ['cwd with a NUL byte', `${local}${exec(', cwd: "a\\0b"')}`, ['5:58: steps[0].with.cwd must not contain a NUL byte (\\0): no path can hold one']],
  // exit codes
  ['exitCode 300', `${local}${exec(', exitCode: 300')}`, ['5:63: steps[0].with.exitCode must be an exit code: a whole number from 0 to 255, got 300']],
  ['exitCode -1', `${local}${exec(', exitCode: -1')}`, ['5:63: steps[0].with.exitCode must be an exit code: a whole number from 0 to 255, got -1']],
  ['exitCode 1.5', `${local}${exec(', exitCode: 1.5')}`, ['5:63: steps[0].with.exitCode must be an exit code: a whole number from 0 to 255, got 1.5']],
  ['exitCode "0" (a string)', `${local}${exec(', exitCode: "0"')}`, ['5:63: steps[0].with.exitCode must be a number, got "0" (a number is written without quotes)']],
  ['a check exitCode 256', `${local}${exec('', ', expect: [{command: {run: [true], exitCode: 256}}]')}`, ['5:97: steps[0].expect[0].command.exitCode must be an exit code: a whole number from 0 to 255, got 256']],
  // durations
  ['timeout: 0s', `${local}${exec('', ', timeout: 0s')}`, ['5:63: steps[0].timeout must be longer than 0, got "0s"']],
  ['timeout: 1000h (setTimeout would fire after 1 ms)', `${local}${exec('', ', timeout: 1000h')}`, ['5:63: steps[0].timeout must be at most 596h (Node\'s timers hold 2^31-1 ms, about 24.8 days), got "1000h"']],
  ['timeout: 2000h (AbortSignal.timeout would throw)', `${local}${exec('', ', timeout: 2000h')}`, ['5:63: steps[0].timeout must be at most 596h (Node\'s timers hold 2^31-1 ms, about 24.8 days), got "2000h"']],
  ['timeout: 596h, the longest', `${local}${exec('', ', timeout: 596h')}`, []],
  ['timeout: 1.5.3s', `${local}${exec('', ', timeout: 1.5.3s')}`, ['5:63: steps[0].timeout: expected a duration such as 500ms, 10s or 2m, got "1.5.3s"']],
  ['timeout: 30 (no unit)', `${local}${exec('', ', timeout: 30')}`, ['5:63: steps[0].timeout: expected a duration such as 500ms, 10s or 2m, got 30']],
  ['a negative duration', `${local}steps: [{name: a, action: sleep, with: {duration: -1s}}]\n`, ['5:51: steps[0].with.duration: expected a duration such as 500ms, 10s or 2m, got "-1s"']],
  ['sleep 0s is fine', `${local}steps: [{name: a, action: sleep, with: {duration: 0s}}]\n`, []],
  ['exec timeout 0ms', `${local}${exec(', timeout: 0ms')}`, ['5:62: steps[0].with.timeout must be longer than 0, got "0ms"']],
  ['within: 700h', `${local}${exec('', ', expect: [{command: {run: [true], within: 700h}}]')}`, ['5:95: steps[0].expect[0].command.within must be at most 596h (Node\'s timers hold 2^31-1 ms, about 24.8 days), got "700h"']],
  ['for: 2000h', `${local}${exec('', ', expect: [{command: {run: [true], for: 2000h}}]')}`, ['5:92: steps[0].expect[0].command.for must be at most 596h (Node\'s timers hold 2^31-1 ms, about 24.8 days), got "2000h"']],
  ['a probe interval of 0ms', `${etcd()}probes: [{etcd.writes: {interval: 0ms}}]\n${exec()}`, ['5:35: probes[0].etcd.writes.interval must be longer than 0, got "0ms"']],
  ['an etcd heartbeat of 0ms', `${etcd(', heartbeat: 0ms')}${exec()}`, ['4:47: lab.heartbeat must be longer than 0, got "0ms"']],
  // names
  ['a 300-character metadata.name', `${head(undefined, 'a'.repeat(300))}${exec()}`, ['3:18: metadata.name must have at most 63 characters: it names the report folder, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."']],
  ['a 63-character metadata.name is fine', `${head(undefined, 'a'.repeat(63))}${exec()}`, []],
  ['metadata.name with a slash', `${head(undefined, 'a/b')}${exec()}`, ['3:18: metadata.name: expected a lowercase name (letters, digits, dashes), e.g. cp-node-loss, got "a/b"']],
  ['a step name with a newline', `${local}steps: [{name: "a\\nb", action: exec, with: {run: [true]}}]\n`, ['5:16: steps[0].name must not contain control characters (newlines, tabs, escapes): it is shown on one line in terminals and reports, got "a\\nb"']],
  ['a step name with an escape sequence', `${local}steps: [{name: "red \\e[31m", action: exec, with: {run: [true]}}]\n`, ['5:16: steps[0].name must not contain control characters (newlines, tabs, escapes): it is shown on one line in terminals and reports, got "red \\u001b[31m"']],
  ['a step name with a bidi override', `${local}steps: [{name: "a\\u202eb", action: exec, with: {run: [true]}}]\n`, ['5:16: steps[0].name must not contain control characters (newlines, tabs, escapes): it is shown on one line in terminals and reports, got "a\\u202eb"']],
  ['a 121-character step name', `${local}steps: [{name: ${'s'.repeat(121)}, action: exec, with: {run: [true]}}]\n`, ['5:16: steps[0].name must have at most 120 characters: it is shown on one line, got "sssssssssssssssssssssssssssssssssssssssssssssssssssssssss..."']],
  ['an empty step name', `${local}steps: [{name: "", action: exec, with: {run: [true]}}]\n`, ['5:16: steps[0].name must not be empty']],
  ['an etcd lab name with a slash', `${head('lab: {provider: etcd, name: kdc/x}\n')}${exec()}`, ['4:29: lab.name: expected a lowercase name (letters, digits, dashes), e.g. kdrill-etcd, got "kdc/x"']],
  ['an etcd lab name of 41 characters', `${head(`lab: {provider: etcd, name: ${'k'.repeat(41)}}\n`)}${exec()}`, ['4:29: lab.name must have at most 40 characters: its containers are <name>-control-plane2, …, its network kdrill-<name>, got "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"']],
  ['a kind lab name in uppercase', `${kind(', name: KDC-X')}${exec()}`, ['4:29: lab.name: expected a lowercase name (letters, digits, dashes), e.g. bookstore-ha, got "KDC-X"']],
  ['a kind lab name of 49 characters', `${kind(`, name: ${'k'.repeat(49)}`)}${exec()}`, ['4:29: lab.name must have at most 48 characters: its nodes are named <name>-control-plane2, a host name of at most 63, got "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"']],
  ['a local lab name that climbs out of its folder', `${head('lab: {provider: local, name: ../../etc}\n')}${exec()}`, ['4:30: lab.name: expected a name of letters, digits, _ . and - (starting with a letter or digit), e.g. local, got "../../etc"']],
  // lab selectors
  ['node: follower in a 1-member lab', `${etcd(', members: 1')}steps: [{name: a, action: node.stop, with: {node: follower}}]\n`, ['5:51: steps[0].with.node: "follower" cannot be picked: this lab has 1 etcd member, which is the leader (a follower needs 2 members or more)']],
  ['node: leader in a 1-member lab is fine', `${etcd(', members: 1')}steps: [{name: a, action: node.stop, with: {node: leader}}]\nrestore: [{name: b, action: node.start, with: {node: leader}}]\n`, []],
  ['node: follower in a 2-member lab is fine', `${etcd(', members: 2')}steps: [{name: a, action: node.stop, with: {node: follower}}]\nrestore: [{name: b, action: node.start, with: {node: follower}}]\n`, []],
  ['node: control-plane4 in a 3-member lab', `${etcd()}steps: [{name: a, action: node.stop, with: {node: control-plane4}}]\n`, ['5:51: steps[0].with.node: unknown node "control-plane4" (nodes: control-plane, control-plane2, control-plane3; or leader, follower)']],
  // param references
  ['a param naming another param', `${local}params: {a: "\${params.b}", b: x}\n${exec(', env: {A: "\${params.a}"}')}`, ['5:13: params.a must not refer to another param ("${params.b}"): a param\'s value is used as written, so write the value itself']],
  ['a param naming itself', `${local}params: {a: "x-\${params.a}"}\n${exec(', env: {A: "\${params.a}"}')}`, ['5:13: params.a must not refer to itself ("${params.a}"): a param\'s value is used as written, so write the value itself']],
  ['--set a to another param', `${local}params: {a: x, b: y}\n${exec(', env: {A: "\${params.a}"}')}`, ['5:1: params: --set a: must not refer to another param ("${params.b}"): a param\'s value is used as written, so write the value itself'], { a: '${params.b}' }],
  ['an unclosed ${params.x', `${local}params: {x: 1}\nsteps: [{name: a, action: exec, with: {run: [echo, "\${params.x"]}}]\n`, ['6:52: steps[0].with.run[1]: unclosed reference "${params.x": end it with } (or write $${ for a literal ${)']],
  ['an unclosed reference before a closed one', `${local}params: {x: 1}\nsteps: [{name: a, action: exec, with: {run: [echo, "\${params.x \${params.x}"]}}]\n`, ['6:52: steps[0].with.run[1]: unclosed reference "${params.x": end it with } (or write $${ for a literal ${)']],
  ['$${ writes a literal ${', `${local}steps: [{name: a, action: exec, with: {run: [echo, "$\${params.x"]}}]\n`, []],
  ['an undefined param', `${local}params: {node: x}\nsteps: [{name: a, action: exec, with: {run: [echo, "\${params.nod}"]}}]\n`, ['6:52: steps[0].with.run[1]: undefined param: "nod"; did you mean "node"? (known: node)']],
  ['a reference that is not to a param', `${local}steps: [{name: a, action: exec, with: {run: [echo, "\${HOME}"]}}]\n`, ['5:52: steps[0].with.run[1]: unsupported reference "${HOME}": only ${params.<name>} is supported (write $${ for a literal ${)']],
  ['--set of an unknown param', `${local}params: {node: x}\n${exec()}`, ['5:1: params: --set nodes: unknown param "nodes"; did you mean "node"? (known: node)'], { nodes: 'y' }],
  ['a param name no reference can name', `${local}params: {"a b": 1}\n${exec()}`, ['5:10: params.a b: a param\'s name is letters, digits, _ and - (starting with a letter or _): ${params.a b} could never use it']],
  ['a list as a param value', `${local}params: {a: [1]}\n${exec()}`, ['5:13: params.a must be a string, a number or true or false, got a list']],
  // images
  ['an etcd image "--privileged"', `${etcd(', image: "--privileged"')}${exec()}`, ['4:43: lab.image must not start with "-": docker would read it as an option, got "--privileged"']],
  ['a worker image "-v /:/host"', `${etcd(', worker: {type: postgres, image: "-v /:/host"}')}${exec()}`, ['4:68: lab.worker.image must not start with "-": docker would read it as an option, got "-v /:/host"']],
  ['a kind image that is no reference', `${kind(', kindImage: "kindest/node v1"')}${exec()}`, ['4:34: lab.kindImage must be an image reference such as kdrill/etcd:3.4.23 or registry.k8s.io/etcd:3.5.15-0, got "kindest/node v1"']],
  ['a registry image with a port and a digest is fine', `${etcd(`, image: "localhost:5000/etcd/etcd:3.5@sha256:${'a'.repeat(64)}"`)}${exec()}`, []],
  // schema problems in the operator's words
  ['metadata.name missing', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {title: x}\n${exec()}`, ['3:11: metadata.name is required']],
  ['metadata missing', `apiVersion: kdrill/v1\nkind: Drill\n${exec()}`, ['1:1: metadata is required']],
  ['metadata.name a number', `${head(undefined, '5')}${exec()}`, ['3:18: metadata.name must be a string, got 5']],
  ['apiVersion missing', `kind: Drill\nmetadata: {name: t}\n${exec()}`, ['1:1: apiVersion is required: kdrill/v1']],
  ['an enum value', `${etcd(', etcdAccess: grpc')}${exec()}`, ['4:48: lab.etcdAccess must be one of auto, direct, published or exec, got "grpc"']],
  ['a wrong type inside a lab', `${etcd(', members: three')}${exec()}`, ['4:45: lab.members must be a number, got "three"']],
  ['lab: a string, not a mapping', `${head('lab: local\n')}${exec()}`, ['4:6: lab must be a mapping, got "local"']],
  ['lab without provider', `${head('lab: {name: x}\n')}${exec()}`, ['4:6: lab.provider is required: one of local, etcd, kind, kubeadm']],
  ['no lab: the host itself', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: t}\n${exec()}`, []],
  ['steps: []', `${local}steps: []\n`, ['5:8: steps must not be empty']],
  ['a union branch by its shape', `${etcd(', worker: {type: postgress}')}${exec()}`, ['4:51: lab.worker.type must be postgres, got "postgress"']],
  // did you mean, at every level
  ['top-level stpes', `${local}stpes: [{name: a, action: exec, with: {run: [true]}}]\n`, ['5:1: unknown key "stpes"; did you mean "steps"? (known: apiVersion, kind, metadata, lab, params, invariants, probes, guards, budgets, steps, restore)']],
  ['inside metadata', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: t, titel: x}\nlab: {provider: local}\n${exec()}`, ['3:21: metadata: unknown key "titel"; did you mean "title"? (known: name, title, description)']],
  ['inside lab', `${etcd(', memberz: 3')}${exec()}`, ['4:36: lab: unknown key "memberz"; did you mean "members"? (known: provider, name, members, image, quota, heartbeat, election, preVote, reuse, keep, etcdAccess, worker)']],
  ['inside a step', `${local}${exec('', ', timout: 5s')}`, ['5:54: steps[0]: unknown key "timout"; did you mean "timeout"? (known: name, action, with, explain, timeout, expect, continueOnFailure)']],
  ['inside with', `${local}${exec(', exitcode: 1')}`, ['5:53: steps[0].with: unknown key "exitcode"; did you mean "exitCode"? (known: run, timeout, env, cwd, exitCode)']],
  ['inside a check', `${local}${exec('', ', expect: [{command: {run: [true], withn: 5s}}]')}`, ['5:87: steps[0].expect[0].command: unknown key "withn"; did you mean "within"? (known: run, exitCode, stdoutContains, stdoutMatches, timeout, within, for)']],
  ['inside a wait.until check', `${local}steps: [{name: a, action: wait, with: {until: [{command: {run: [true], fr: 1s}}]}}]\n`, ['5:72: steps[0].with.until[0].command: unknown key "fr"; did you mean "for"? (known: run, exitCode, stdoutContains, stdoutMatches, timeout, within, for)']],
  ['an invalid stdoutMatches', `${local}${exec('', ', expect: [{command: {run: [true], stdoutMatches: "("}}]')}`, ['5:102: steps[0].expect[0].command.stdoutMatches must be a regular expression: Invalid regular expression: /(/: Unterminated group, got "("']],
];

describe('validate: hostile drills, in-process (file:line:col and the whole message)', () => {
  it.each(cases)('%s', (_name, text, expected, set) => {
    expect(problems(text, set).map((p) => p.replaceAll(dir, '<dir>'))).toEqual(expected);
  });
});

describe('validate: warnings, where a step would end before what it runs', () => {
  const warnings = (text: string) => load(text).warnings.map((w) => `${w.line}:${w.col}: ${w.message}`);
  it.each([
    ['a command timeout longer than the step timeout', `${local}${exec(', timeout: 10m', ', timeout: 1m')}`,
      ["5:62: steps[0].with.timeout: 10m is longer than the step's timeout (1m00s): the step ends first"]],
    ['a wait.until within longer than the default step timeout',
      `${local}steps: [{name: a, action: wait, with: {until: [{command: {run: [true], within: 10m}}]}}]\n`,
      ["5:49: steps[0].with.until[0].command: within 10m00s is longer than the step's timeout (5m00s): the step ends before the check gives up"]],
    ['within and for together longer than the step timeout',
      `${local}steps: [{name: a, action: wait, with: {until: [{command: {run: [true], within: 40s, for: 30s}}]}, timeout: 1m}]\n`,
      ["5:49: steps[0].with.until[0].command: within 40.0s and for 30.0s is longer than the step's timeout (1m00s): the step ends before the check gives up"]],
    ['a step timeout that leaves room: no warning', `${local}${exec(', timeout: 1m', ', timeout: 2m')}`, []],
    ['an expectation is checked after the action, outside its timeout: no warning',
      `${local}${exec('', ', timeout: 1s, expect: [{command: {run: [true], within: 1m}}]')}`, []],
  ])('%s', (_name, text, expected) => {
    expect(warnings(text)).toEqual(expected);
  });
});

describe('validate: hostile drills through the real binary (exit 2, no stack trace)', () => {
  const files: Array<[string, string, string]> = [
    ['timeout: 2000h', `${local}${exec('', ', timeout: 2000h')}`, `5:63: steps[0].timeout must be at most 596h`],
    ['a 300-character name', `${head(undefined, 'a'.repeat(300))}${exec()}`, '3:18: metadata.name must have at most 63 characters: it names the report folder'],
    ['a NUL byte in argv', `${local}steps: [{name: a, action: exec, with: {run: ["ec\\0ho"]}}]\n`, '5:46: steps[0].with.run[0] must not contain a NUL byte'],
    ['an image "--privileged"', `${etcd(', image: "--privileged"')}${exec()}`, '4:43: lab.image must not start with "-": docker would read it as an option'],
    ['top-level stpes', `${local}stpes: [{name: a, action: exec, with: {run: [true]}}]\n`, '5:1: unknown key "stpes"; did you mean "steps"?'],
  ];
  it.each(files)('%s', async (name, text, expected) => {
    const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(file, text);
    const r = await runKdrill(['validate', file]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}:${expected}`);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('a drill of host commands without a lab section is valid (exit 0)', async () => {
    const file = path.join(dir, 'no-lab.yaml');
    writeFileSync(file, `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: t}\n${exec()}`);
    const r = await runKdrill(['validate', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
