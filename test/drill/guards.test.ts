import { describe, expect, it } from 'vitest';
import { parseDrill } from '../../src/drill/loader.js';
import { drillProblems } from '../helpers/problems.js';
import { modules } from '../../src/cli/modules.js';
import { drillJsonSchema } from '../../src/drill/jsonschema.js';

const head = `apiVersion: kdrill/v1
kind: Drill
metadata: {name: t}
lab: {provider: local}
`;
const steps = `steps:
  - {name: a, action: sleep, with: {duration: 1s}}
`;

const where = (text: string): string[] => drillProblems(text);

describe('loader: guards', () => {
  it('parses guards: the check module, its params, the interval (default 1s), a name per guard', () => {
    const d = parseDrill(`${head}guards:
  - http.get: {url: "http://127.0.0.1:8080/health", bodyMatches: "^ok", interval: 250ms}
  - command: {run: [true]}
  - http.get: {url: "https://shop.example/"}
${steps}`, 'd.yaml', { modules });
    expect(d.guards.map((g) => ({ name: g.name, check: g.check, intervalMs: g.intervalMs, line: g.line, col: g.col }))).toEqual([
      { name: 'http.get', check: 'http.get', intervalMs: 250, line: 6, col: 5 },
      { name: 'command', check: 'command', intervalMs: 1000, line: 7, col: 5 },
      { name: 'http.get#2', check: 'http.get', intervalMs: 1000, line: 8, col: 5 },
    ]);
    expect(d.guards[0]!.params).toEqual({ url: 'http://127.0.0.1:8080/health', bodyMatches: '^ok', status: 200, deadline: '2s' });
    expect(d.guards[1]!.module).toBe(modules.invariants.command);
  });

  it('a drill without guards has none', () => {
    expect(parseDrill(`${head}${steps}`, 'd.yaml', { modules }).guards).toEqual([]);
  });

  it('bad guards: every problem at its file:line:col', () => {
    expect(where(`${head}guards:
  - http.gte: {url: "http://x/"}
  - http.get: {url: "ftp://x/", status: 700, interval: 0s}
  - etcd.quorum: {healthy: 2}
  - command: {run: [true], within: 5s, for: 1s}
  - http.get: {url: "http://x/", bodyMatches: "(", intervall: 1s}
  - {}
${steps}`)).toEqual([
      'd.yaml:6:5: guards[0].http.gte: unknown check "http.gte"; did you mean "http.get"?',
      'd.yaml:7:21: guards[1].http.get.url must be an http:// or https:// URL, got ftp:',
      'd.yaml:7:41: guards[1].http.get.status must be at most 599, got 700',
      'd.yaml:7:56: guards[1].http.get.interval must be longer than 0, got "0s"',
      'd.yaml:8:5: guards[2].etcd.quorum: etcd.quorum needs etcd access: this local lab offers nothing',
      'd.yaml:9:28: guards[3].command.within must not be set on a guard: a guard breaches on its first failed poll (how often it polls is its interval)',
      'd.yaml:9:40: guards[3].command.for must not be set on a guard: a guard breaches on its first failed poll (how often it polls is its interval)',
      'd.yaml:10:47: guards[4].http.get.bodyMatches must be a regular expression: Invalid regular expression: /(/: Unterminated group, got "("',
      'd.yaml:10:52: guards[4].http.get: unknown key "intervall"; did you mean "interval"? (known: url, status, bodyMatches, deadline, interval)',
      'd.yaml:11:5: guards[5]: expected exactly one check name as the key, e.g. {etcd.quorum: {healthy: 3}}, got a mapping',
    ]);
  });

  it('the JSON Schema offers guards with interval (not within/for)', () => {
    const schema = JSON.stringify(drillJsonSchema(modules));
    const defs = (drillJsonSchema(modules) as { $defs: Record<string, unknown> }).$defs;
    expect(Object.keys(defs)).toContain('guard');
    const guard = JSON.stringify(defs.guard);
    expect(guard).toContain('"interval"');
    expect(guard).toContain('"http.get"');
    expect(guard).not.toContain('"within"');
    expect(schema).toContain('"guards"');
  });
});
