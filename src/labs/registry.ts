import type { LabProvider } from './types.js';
import { localProvider } from './local/provider.js';
import { labProviders as etcdProviders } from './etcd/index.js';
import { labProviders as kindProviders } from './kind/index.js';
import { labProviders as kubeadmProviders } from './kubeadm/index.js';

/** Every lab provider, by name. A new provider is one folder and one line here. */
export const labProviders: Record<string, LabProvider> = Object.fromEntries(
  [localProvider, ...etcdProviders, ...kindProviders, ...kubeadmProviders].map((p) => [p.name, p]),
);
