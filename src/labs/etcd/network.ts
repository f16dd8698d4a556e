import { createHash } from 'node:crypto';
import { CommandError } from '../../exec/errors.js';
import type { CommandRunner } from '../../exec/runner.js';
import { LabError } from '../../engine/errors.js';
import { OWNER_LABEL } from './spec.js';

/**
 * The lab's own docker network, with a subnet kdrill picks so that `--ip` works (docker allows
 * fixed IPs only on a user-defined subnet). Candidates start at a hash of the lab name, so two labs
 * rarely try the same /24; "Pool overlaps" moves on to the next.
 */

export function subnetCandidates(lab: string, count = 32): string[] {
  const h = createHash('sha256').update(lab).digest().readUInt16BE(0);
  return Array.from({ length: count }, (_, i) => {
    const n = (h + i * 97) % (56 * 256);
    return `10.${200 + Math.floor(n / 256)}.${n % 256}.0/24`;
  });
}

export function networkCreateArgv(network: string, lab: string, subnet: string): string[] {
  const gateway = subnet.replace(/\.0\/24$/, '.1');
  return ['docker', 'network', 'create', '--driver', 'bridge', '--subnet', subnet, '--gateway', gateway, '--label', `${OWNER_LABEL}=${lab}`, network];
}

export interface NetworkInfo {
  subnet: string;
  owner?: string;
}

export async function inspectNetwork(runner: CommandRunner, network: string, signal: AbortSignal): Promise<NetworkInfo | undefined> {
  const r = await runner.run(['docker', 'network', 'inspect', network], { signal, timeout: 15_000, allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const [raw] = JSON.parse(r.stdout) as Array<{ IPAM: { Config: Array<{ Subnet?: string }> | null }; Labels: Record<string, string> | null }>;
  return { subnet: raw?.IPAM.Config?.[0]?.Subnet ?? '', owner: raw?.Labels?.[OWNER_LABEL] };
}

/** Creates the network on the first free candidate subnet; returns the subnet. */
export async function createNetwork(runner: CommandRunner, network: string, lab: string, signal: AbortSignal): Promise<string> {
  let last = '';
  for (const subnet of subnetCandidates(lab)) {
    try {
      // Finished even on a Ctrl-C: a network the daemon makes after kdrill looked would be left behind.
      await runner.run(networkCreateArgv(network, lab, subnet), { signal, timeout: 30_000, finishOnAbort: true });
      return subnet;
    } catch (err) {
      if (err instanceof CommandError && /overlap/i.test(err.stderr)) {
        last = err.stderr.trim();
        continue;
      }
      throw err;
    }
  }
  throw new LabError(`no free /24 for the lab network ${network} among 32 candidates under 10.200.0.0/13 (${last})`);
}
