import type { KubeClient } from './types.js';

/**
 * The `kubernetes` capability of a lab: the cluster's kubeconfig, the kubectl command line that
 * uses it, and a client for the API. The kubeconfig path is known before the lab is up so that
 * --dry-run can print the exact kubectl command.
 */
export interface KubeAccess {
  kubeconfig: string;
  /** `kubectl --kubeconfig <file> …args` as argv. */
  kubectl(args: readonly string[]): string[];
  /** The API client (loaded on first use, then shared by the whole run). */
  client(): Promise<KubeClient>;
}

export function kubectlArgv(kubeconfig: string, args: readonly string[]): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, ...args];
}

export function kubeAccess(kubeconfig: string, defaultTimeoutMs = 10_000): KubeAccess {
  let client: Promise<KubeClient> | undefined;
  return {
    kubeconfig,
    kubectl: (args) => kubectlArgv(kubeconfig, args),
    client() {
      client ??= import('./node-client.js').then((m) => m.createNodeKubeClient(kubeconfig, defaultTimeoutMs));
      // A failed load (no kubeconfig yet) must not stick: the next call tries again.
      client.catch(() => { client = undefined; });
      return client;
    },
  };
}
