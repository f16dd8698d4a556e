import { singleQuoted } from '../exec/errors.js';
import { ETCD_CLIENT_PORT } from '../labs/kubeadm-layout.js';
import type { Lab } from '../labs/types.js';
import { labFacts } from '../runbook/lab-facts.js';

/**
 * `kdrill lab env`: shell lines (POSIX sh, bash) that give a student the chapter's helper, an `etcd`
 * function running etcdctl inside a member's node over mTLS against that member, and KUBECONFIG where
 * the lab has a Kubernetes API. Every word is single-quoted: names come from files, not from kdrill.
 */

export interface ShellEnvOptions {
  /** The member node the helper runs etcdctl in (a running one, when there is one). */
  node: string;
  /** The lab's kubeconfig file, where it has one. */
  kubeconfig?: string;
}

/** etcdctl in `node` against its own member: the runbook's command, stdin passed through (`docker exec -i`). */
export function etcdctlInNode(lab: Lab, node: string): string[] {
  const argv = labFacts(lab).etcdctl(node, [], `https://127.0.0.1:${ETCD_CLIENT_PORT}`);
  return argv[0] === 'docker' && argv[1] === 'exec' && argv[2] !== '-i' ? ['docker', 'exec', '-i', ...argv.slice(2)] : argv;
}

export function shellEnv(lab: Lab, o: ShellEnvOptions): string[] {
  const where = lab.nodes().find((n) => n.name === o.node)?.container ?? o.node;
  const words = etcdctlInNode(lab, o.node).map(singleQuoted).join(' ');
  return [
    `# kdrill lab env: lab ${oneLine(lab.name)} (${oneLine(lab.provider)}): etcdctl in ${oneLine(o.node)} (${oneLine(where)}) over mTLS`,
    '# usage: eval "$(kdrill lab env <drill>)"; etcd member list -w table; etcd endpoint status --cluster -w table',
    `etcd() { ${words} "$@"; }`,
    ...(o.kubeconfig ? [`export KUBECONFIG=${singleQuoted(o.kubeconfig)}`] : []),
  ];
}

/** A comment stays one line whatever a name holds. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
