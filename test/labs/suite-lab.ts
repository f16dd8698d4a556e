import { afterAll, beforeAll } from 'vitest';
import { actions } from '../../src/actions/registry.js';
import { forceRemove, makeContext, makeLab } from './helpers.js';

/**
 * A real etcd lab for the tests of one describe block (`spec`: more of its lab spec): up before them,
 * removed after (whatever they left), with a context and `act(name, params)` to run an action on it as
 * a drill step would.
 */
export function suiteLab(name: string, spec: Record<string, unknown> = {}) {
  const lab = makeLab(name, spec);
  const ctx = makeContext(lab);
  const act = (action: string, params: Record<string, unknown>) => actions[action]!.run(ctx, actions[action]!.params.parse(params));
  beforeAll(async () => {
    forceRemove(lab);
    await lab.up();
  });
  afterAll(async () => {
    await lab.etcd.close();
    forceRemove(lab);
  });
  return { lab, ctx, act };
}
