import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { drillJsonSchema } from '../../src/drill/jsonschema.js';
import { actions } from '../../src/actions/registry.js';
import { invariants } from '../../src/invariants/registry.js';
import { findDrills } from '../../src/drill/discover.js';
import { root } from '../helpers/kdrill.js';
import { modules } from '../../src/cli/modules.js';

describe('JSON Schema of the drill format', () => {
  const generated = drillJsonSchema(modules);

  it('is identical to the committed schema/drill.schema.json (regenerate: kdrill schema > schema/drill.schema.json)', () => {
    const committed = JSON.parse(readFileSync(path.join(root, 'schema/drill.schema.json'), 'utf8'));
    expect(committed).toEqual(generated);
  });

  it('names every action and invariant', () => {
    const text = JSON.stringify(generated);
    for (const name of [...Object.keys(actions), ...Object.keys(invariants)]) expect(text).toContain(`"${name}"`);
  });

  it('is named in the modeline of every drill', () => {
    for (const file of findDrills([path.join(root, 'drills')])) {
      const first = readFileSync(file, 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(m, `${file}: first line must be the schema modeline`).not.toBeNull();
      expect(path.resolve(path.dirname(file), m![1]!)).toBe(path.join(root, 'schema/drill.schema.json'));
    }
  });
});

describe('the committed JSON Schema accepts every drill the loader accepts', async () => {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { parse } = await import('yaml');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(root, 'schema/drill.schema.json'), 'utf8')));
  const files = findDrills([path.join(root, 'drills')]);

  it.each(files.map((f) => [path.relative(root, f), f]))('%s', (_rel, file) => {
    const doc = parse(readFileSync(file, 'utf8'));
    const ok = validate(doc);
    expect(ok, JSON.stringify(validate.errors?.slice(0, 3), null, 1)).toBe(true);
  });

  it('and rejects a step with an unknown action or a bad param', () => {
    const base = { apiVersion: 'kdrill/v1', kind: 'Drill', metadata: { name: 'x' }, lab: { provider: 'local' } };
    expect(validate({ ...base, steps: [{ name: 'a', action: 'sleep', with: { duration: '1s' } }] })).toBe(true);
    expect(validate({ ...base, steps: [{ name: 'a', action: 'slep', with: { duration: '1s' } }] })).toBe(false);
    expect(validate({ ...base, steps: [{ name: 'a', action: 'sleep', with: { duration: 5 } }] })).toBe(false);
  });
});
