import { describe, expect, it } from 'vitest';
import { CAPABILITIES, capabilitiesOf, capabilityNames, type Lab, type LabCapabilities } from '../../src/labs/types.js';
import { labProviders } from '../../src/labs/registry.js';
import { KindLab } from '../../src/labs/kind/lab.js';
import { labEnv } from './helpers.js';

/** The typed lab contract: what `tsc` rejects, and what `validate` derives from it. */
describe('lab contract', () => {
  it('tsc rejects a lab that hands a capability of the wrong shape', () => {
    const base = { provider: 'x', name: 'x', env: labEnv(), up: async () => ({ created: false }), down: async () => {}, nodes: () => [], planUp: () => [], planDown: () => [] };
    // The kind lab's first bug: its etcd helper handed over where the etcd access belongs.
    const wrongEtcd: Lab = {
      ...base,
      // @ts-expect-error an object without the EtcdAccess methods is not an etcd capability
      etcd: { members: () => [], tls: async () => undefined },
    };
    const wrongNodeOps: Lab = {
      ...base,
      // @ts-expect-error node operations must have stop/start/…, not just a container name
      nodeOps: { container: (n: string) => n },
    };
    expect(capabilitiesOf(wrongEtcd)).toEqual(['etcd']);
    expect(capabilitiesOf(wrongNodeOps)).toEqual(['nodeOps']);
  });

  it('names every capability of the interface once, with the words validate uses', () => {
    const all: Record<keyof LabCapabilities, true> = { nodeOps: true, shell: true, etcd: true, members: true, kubernetes: true, sql: true, staticPods: true };
    expect(capabilityNames.sort()).toEqual(Object.keys(all).sort());
    for (const c of capabilityNames) expect(CAPABILITIES[c].length).toBeGreaterThan(5);
  });

  it('each provider offers, before the lab exists, exactly what its lab object hands over', () => {
    const specs: Record<string, unknown> = {
      local: { provider: 'local' },
      etcd: { provider: 'etcd', name: 'contract', worker: 'postgres' },
      kind: { provider: 'kind', name: 'contract', config: 'clusters/kind-ha-3cp.yaml', etcdAccess: 'direct' },
      kubeadm: { provider: 'kubeadm', inventory: 'clusters/kubeadm-test-hosts.yaml' },
    };
    for (const [name, provider] of Object.entries(labProviders)) {
      const spec = provider.schema.parse(specs[name]);
      const lab = provider.create(spec, labEnv());
      expect([name, capabilitiesOf(lab).sort()]).toEqual([name, provider.capabilities(spec).sort()]);
    }
  });

  it('a kind lab reached through docker exec has etcd over etcdctl, and validate refuses the gRPC-only write probe there', () => {
    const kind = labProviders.kind!;
    const spec = kind.schema.parse({ provider: 'kind', name: 'contract', etcdAccess: 'exec' });
    expect(kind.capabilities(spec)).toContain('etcd');
    expect(kind.etcdTransport?.(spec)).toBe('exec');
    expect((kind.create(spec, labEnv()) as KindLab).etcd.transport).toBe('exec');
    expect(kind.etcdTransport?.(kind.schema.parse({ provider: 'kind', name: 'contract', etcdAccess: 'direct' }))).toBe('grpc');
  });
});
