import { randomBytes } from 'node:crypto';
import { prettyCommand } from '../../exec/errors.js';
import type { NodeShell, ShellContext } from '../types.js';
import { commandAbsent, kubeadmVersion, readCertExpiry, type HostCerts } from './cert-expiry.js';
import { caOf, KUBEADM_LEAVES, type CertExpiry, type KubeadmLeaf } from './pki.js';

export const RENEW_ALL_ARGV = ['kubeadm', 'certs', 'renew', 'all'];

/**
 * The STAND-IN for `kubeadm certs renew all` on hosts without kubeadm (kdrill's kubeadm test hosts):
 * each leaf certificate re-issued from its CA on the host, as kubeadm's renewal does it: the same
 * key, subject and extensions (SANs, key usages), a new serial and a new validity. First a request
 * made from the certificate and signed with its own key, then that request signed by the CA. It
 * needs OpenSSL ≥ 3.0 (-copy_extensions) and the CA's key on the host (kubeadm's local CA mode).
 */
export const standIn = {
  request: (l: KubeadmLeaf): string[] => ['openssl', 'x509', '-x509toreq', '-in', l.crt, '-signkey', l.key, '-copy_extensions', 'copyall'],
  sign: (l: KubeadmLeaf, days: number, serial: string): string[] => {
    const ca = caOf(l);
    return ['openssl', 'x509', '-req', '-CA', ca.crt, '-CAkey', ca.key, '-copy_extensions', 'copyall', '-set_serial', serial, '-days', String(days), '-out', `${l.crt}.kdrill-renew`];
  },
  /** The new certificate replaces the old in one rename: a reader sees one or the other, never half. */
  replace: (l: KubeadmLeaf): string[] => ['mv', `${l.crt}.kdrill-renew`, l.crt],
};

/** A shell context that an abort of the step does not cut: for putting things back after a Ctrl-C, within `ms`. */
export function calm(ctx: ShellContext, ms: number): ShellContext {
  const signal = AbortSignal.timeout(ms);
  return { runner: ctx.runner.withSignal(signal), signal };
}

/** A positive 64-bit serial, as hex for openssl's -set_serial. */
export function newSerial(): string {
  const b = randomBytes(8);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return `0x${b.toString('hex')}`;
}

export interface RenewOutcome {
  node: string;
  /** `kubeadm certs renew all`, or the openssl stand-in. */
  via: 'kubeadm' | 'stand-in';
  why: string;
  /** The certificates whose expiry (or serial) changed, as they are now. */
  renewed: CertExpiry[];
  /** Leaves left as they were, and why (no CA key on the host: an external CA). */
  skipped: string[];
  after: HostCerts;
}

const changed = (a: CertExpiry, b: CertExpiry | undefined) => !b || a.notAfter.getTime() !== b.notAfter.getTime() || (a.serial !== undefined && a.serial !== b.serial);

/**
 * Renews every certificate of a control plane: `kubeadm certs renew all` where kubeadm answers, else
 * the stand-in. Then reads the expiry again and checks that each certificate it meant to renew did
 * change: a renewal that renewed nothing is an error, not a pass.
 */
export async function renewCerts(shell: NodeShell, ctx: ShellContext, node: string, o: { days: number }): Promise<RenewOutcome> {
  const before = await readCertExpiry(shell, ctx, node);
  const { version, why } = await kubeadmVersion(shell, ctx, node);
  const skipped: string[] = [];
  let meant: string[];
  if (version) {
    const r = await shell.exec(ctx, node, RENEW_ALL_ARGV, { timeoutMs: 120_000, allowFailure: true });
    if (r.exitCode !== 0) throw new Error(`${node}: ${prettyCommand(RENEW_ALL_ARGV)} failed (exit ${r.exitCode}): ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ')}`);
    meant = before.certs.filter((c) => !c.ca && !c.externallyManaged).map((c) => c.name);
    skipped.push(...before.certs.filter((c) => !c.ca && c.externallyManaged).map((c) => `${c.name} (externally managed)`));
  } else {
    meant = [];
    for (const l of KUBEADM_LEAVES.filter((x) => before.certs.some((c) => c.name === x.name))) {
      const ca = caOf(l);
      if ((await shell.exec(ctx, node, ['test', '-f', ca.key], { timeoutMs: 30_000, allowFailure: true })).exitCode !== 0) {
        skipped.push(`${l.name} (no ${ca.key} on the host: an external CA)`);
        continue;
      }
      const req = await shell.exec(ctx, node, standIn.request(l), { timeoutMs: 30_000, allowFailure: true });
      if (req.exitCode !== 0) {
        if (commandAbsent(req)) throw new Error(`${node}: neither kubeadm (${why}) nor openssl on the host: nothing to renew certificates with`);
        throw new Error(`${node}: ${prettyCommand(standIn.request(l))} failed (exit ${req.exitCode}): ${req.stderr.trim().split('\n')[0]}`);
      }
      try {
        await shell.exec(ctx, node, standIn.sign(l, o.days, newSerial()), { timeoutMs: 30_000, input: req.stdout });
        await shell.exec(ctx, node, standIn.replace(l), { timeoutMs: 30_000 });
      } catch (err) {
        // Stopped between the two (Ctrl-C): no half-made file is left beside the certificate.
        await shell.exec(calm(ctx, 15_000), node, ['rm', '-f', `${l.crt}.kdrill-renew`], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
        throw err;
      }
      meant.push(l.name);
    }
  }
  const after = await readCertExpiry(shell, ctx, node);
  const renewed = after.certs.filter((c) => meant.includes(c.name) && changed(c, before.certs.find((b) => b.name === c.name)));
  const unchanged = meant.filter((n) => !renewed.some((c) => c.name === n));
  if (unchanged.length > 0) {
    throw new Error(`${node}: ${version ? prettyCommand(RENEW_ALL_ARGV) : 'the stand-in renewal'} left ${unchanged.join(', ')} as they were (same expiry and serial)`);
  }
  return { node, via: version ? 'kubeadm' : 'stand-in', why, renewed, skipped, after };
}

/** --dry-run lines of renewCerts on one host (the serials are drawn at run time). */
export function planRenew(shell: NodeShell, node: string, days: number): string[] {
  const sh = (argv: string[]) => prettyCommand(shell.argv(node, argv));
  return [
    `${sh(RENEW_ALL_ARGV)}  # where \`kubeadm version -o short\` answers; else the STAND-IN (kdrill's test hosts have no kubeadm), each leaf certificate present re-issued from its CA, same key, subject and extensions:`,
    ...KUBEADM_LEAVES.flatMap((l) => [
      `  ${sh(['test', '-f', caOf(l).key])} && ${sh(standIn.request(l))} | ${sh(standIn.sign(l, days, '0x<random>'))}`,
      `  ${sh(standIn.replace(l))}`,
    ]),
  ];
}
