import os from 'node:os';
import path from 'node:path';

/**
 * Where kdrill keeps a lab's local state (client certs, kubeconfig, markers): one folder per
 * provider and lab name, shared by `kdrill run`, `kdrill runbook` and `kdrill lab`, so that a lab
 * brought up by one is the lab the others find.
 */
export function labStateDir(provider: string, name: string): string {
  return path.join(process.env.KDRILL_STATE_DIR ?? path.join(os.homedir(), '.kdrill'), 'labs', `${provider}-${name}`);
}
