import { prettyCommand } from '../../exec/errors.js';
import type { RunResult } from '../../exec/runner.js';
import type { NodeShell, ShellContext } from '../types.js';
import {
  KUBEADM_CAS, KUBEADM_JSON_SINCE, KUBEADM_LEAVES, kubeadmPrintsJson, parseCheckExpiration, parseEnddate, parseKubeadmVersion,
  type CertExpiry, type KubeadmVersion,
} from './pki.js';

/** How a host's expiry dates were read: kubeadm's own JSON, or openssl on each certificate file. */
export type ExpirySource = 'kubeadm' | 'openssl';

export interface HostCerts {
  node: string;
  via: ExpirySource;
  /** Why this way, in the operator's words: "kubeadm v1.31.0", "no kubeadm on the host". */
  why: string;
  certs: CertExpiry[];
  /** kubeadm's names of the certificates the host does not have. */
  missing: string[];
}

export const KUBEADM_VERSION_ARGV = ['kubeadm', 'version', '-o', 'short'];
export const CHECK_EXPIRATION_ARGV = ['kubeadm', 'certs', 'check-expiration', '-o', 'json'];
export const enddateArgv = (crt: string): string[] => ['openssl', 'x509', '-noout', '-enddate', '-serial', '-in', crt];

/** The command is not on the host: a shell's 127 (ssh), the runtime's 126 (docker exec). */
export function commandAbsent(r: RunResult): boolean {
  return r.exitCode === 127 || r.exitCode === 126 || /executable file not found|command not found|: not found/.test(r.stderr);
}

const firstLine = (r: RunResult) => (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';

/** kubeadm's version on the host, or why there is none to use. */
export async function kubeadmVersion(shell: NodeShell, ctx: ShellContext, node: string): Promise<{ version?: KubeadmVersion; why: string }> {
  const r = await shell.exec(ctx, node, KUBEADM_VERSION_ARGV, { timeoutMs: 30_000, allowFailure: true });
  if (r.exitCode !== 0) return { why: commandAbsent(r) ? 'no kubeadm on the host' : `kubeadm version failed: ${firstLine(r)}` };
  const version = parseKubeadmVersion(r.stdout);
  return version ? { version, why: `kubeadm ${version.text}` } : { why: `kubeadm version printed ${JSON.stringify(r.stdout.trim().slice(0, 40))}` };
}

/**
 * Every kubeadm certificate's expiry on a host: from `kubeadm certs check-expiration -o json` where
 * kubeadm is ≥ v1.30, else from `openssl x509 -enddate` on each certificate file present (the
 * kubeadm test hosts have no kubeadm; older kubeadm prints only a table).
 */
export async function readCertExpiry(shell: NodeShell, ctx: ShellContext, node: string): Promise<HostCerts> {
  const { version, why } = await kubeadmVersion(shell, ctx, node);
  if (version && kubeadmPrintsJson(version)) {
    const r = await shell.exec(ctx, node, CHECK_EXPIRATION_ARGV, { timeoutMs: 60_000, allowFailure: true });
    if (r.exitCode !== 0) throw new Error(`${node}: ${prettyCommand(CHECK_EXPIRATION_ARGV)} failed (exit ${r.exitCode}): ${firstLine(r)}`);
    const parsed = parseCheckExpiration(r.stdout);
    return { node, via: 'kubeadm', why, ...parsed };
  }
  const because = version ? `kubeadm ${version.text} prints no JSON (before v${KUBEADM_JSON_SINCE.major}.${KUBEADM_JSON_SINCE.minor})` : why;
  return { node, via: 'openssl', why: because, ...(await readWithOpenssl(shell, ctx, node)) };
}

/** `openssl x509 -noout -enddate -serial -in <crt>` on each kubeadm certificate file, one after the other. */
export async function readWithOpenssl(shell: NodeShell, ctx: ShellContext, node: string): Promise<{ certs: CertExpiry[]; missing: string[] }> {
  const files = [...KUBEADM_LEAVES.map((l) => ({ name: l.name, crt: l.crt, ca: false })), ...KUBEADM_CAS.map((c) => ({ name: c.name, crt: c.crt, ca: true }))];
  const certs: CertExpiry[] = [];
  const missing: string[] = [];
  for (const f of files) {
    const r = await shell.exec(ctx, node, enddateArgv(f.crt), { timeoutMs: 30_000, allowFailure: true });
    if (r.exitCode === 0) {
      certs.push({ name: f.name, ca: f.ca, ...parseEnddate(r.stdout) });
    } else if (/No such file/.test(r.stderr)) {
      missing.push(f.name);
    } else if (commandAbsent(r)) {
      throw new Error(`${node}: no openssl on the host, and no kubeadm ≥ v${KUBEADM_JSON_SINCE.major}.${KUBEADM_JSON_SINCE.minor}: nothing to read certificate expiry with (${prettyCommand(shell.argv(node, enddateArgv(f.crt)))})`);
    } else {
      throw new Error(`${node}: ${prettyCommand(enddateArgv(f.crt))} failed (exit ${r.exitCode}): ${firstLine(r)}`);
    }
  }
  return { certs, missing };
}

/** --dry-run lines of readCertExpiry on one host. */
export function planCertExpiry(shell: NodeShell, node: string): string[] {
  const sh = (argv: string[]) => prettyCommand(shell.argv(node, argv));
  return [
    sh(KUBEADM_VERSION_ARGV),
    `${sh(CHECK_EXPIRATION_ARGV)}  # where kubeadm is v${KUBEADM_JSON_SINCE.major}.${KUBEADM_JSON_SINCE.minor} or later; else, on each certificate file present:`,
    ...[...KUBEADM_LEAVES, ...KUBEADM_CAS].map((c) => `  ${sh(enddateArgv(c.crt))}`),
  ];
}
