import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify, discover } from '../../src/drill/discover.js';
import { parseYaml } from '../../src/drill/yaml.js';

describe('classify: which YAML files in a folder are drills (parsed, not matched as text)', () => {
  it.each([
    ['apiVersion: kdrill/v1\nkind: Drill\n', 'drill'],
    ['{apiVersion: kdrill/v1, kind: Drill}\n', 'drill'],
    ['"apiVersion": \'kdrill/v1\'\n', 'drill'],
    ['# a comment first\n\n  apiVersion:   kdrill/v1\n', 'drill'],
    ['apiVersion: kdril/v1\n', 'drill'],
    ['apiVerison: kdrill/v1\n', 'drill'],
    ['apiversion: kdrill/v1\n', 'drill'],
    ['kind: Drill\n', 'drill'],
    ['apiVersion: v1\nsteps: []\n', 'drill'],
    ['lab: {provider: local}\n', 'drill'],
    ['', 'drill'],
    ['# only a comment\n', 'drill'],
    ['apiVersion: kdrill/v1\nsteps: [\n', 'drill'],
    ['apiVersion: v1\nkind: Namespace\n---\napiVersion: kdrill/v1\n', 'drill'],
    ['kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', { skip: 'not a kdrill drill (apiVersion: kind.x-k8s.io/v1alpha4)' }],
    ['apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n', { skip: 'not a kdrill drill (apiVersion: apps/v1)' }],
    ['apiVersion: "v1\\u001b[31m"\n', { skip: 'not a kdrill drill (apiVersion: "v1\\u001b[31m")' }],
    ['a: &a [x, x]\nb: [*a, *a]\napiVersion: v1\n', { skip: 'not a kdrill drill (apiVersion: v1)' }],
    ['# a lab section\nprovider: etcd\nname: x\nmembers: 3\n', { skip: 'a lab section (provider: etcd), not a drill: a drill holds it under lab:' }],
    ['provider: etcd\nsteps: []\n', 'drill'],
    ['services: {web: {image: nginx}}\n', { invalid: expect.stringMatching(/^not a kdrill drill, and no apiVersion/) }],
    ['- a list\n', { invalid: expect.stringMatching(/^not a kdrill drill/) }],
  ])('%j → %j', (text, verdict) => expect(classify(parseYaml(text))).toEqual(verdict));
});

describe('discover: a kdrill inventory in a folder is checked as an inventory, not as a drill', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-disc-inv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const inv = 'apiVersion: kdrill/v1\nkind: Inventory\nhosts:\n  cp1: {address: 10.0.0.11, port: PORT}\ngroups:\n  kube_control_plane: [cp1]\n';

  it('is found as an inventory, good or bad (the command checks it), and a near miss of kind is a drill', () => {
    writeFileSync(path.join(dir, 'good.yaml'), inv.replace('PORT', '2222'));
    writeFileSync(path.join(dir, 'bad.yml'), inv.replace('PORT', '0'));
    writeFileSync(path.join(dir, 'drill.yaml'), 'apiVersion: kdrill/v1\nkind: Inventry\n');
    const found = discover([dir]);
    expect(found.map((f) => f.kind)).toEqual(['inventory', 'drill', 'inventory']);
    expect(found[2]).toEqual({ kind: 'inventory', file: path.join(dir, 'good.yaml'), text: inv.replace('PORT', '2222') });
  });

  it('a named inventory file is an inventory too', () => {
    expect(discover([path.join(dir, 'good.yaml')])[0]!.kind).toBe('inventory');
  });
});
