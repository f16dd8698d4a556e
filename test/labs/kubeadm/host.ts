import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SshHost } from '../../../src/labs/kubeadm/ssh.js';

/** The kubeadm test host image (scripts/build-kubeadm-host-image.sh). */
export const HOST_IMAGE = process.env.KDRILL_KUBEADM_HOST_IMAGE ?? 'kdrill/kubeadm-host:etcd-3.4.23';

/** Whether the kubeadm test host image is built here (scripts/build-images.sh builds it). */
export function hostImagePresent(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', HOST_IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TestHost {
  container: string;
  /** How kdrill reaches it, as a Vagrant inventory line would say: 127.0.0.1, a port, a key. */
  ssh: SshHost;
  /** The lab's own folder: key pair, known_hosts. */
  dir: string;
  remove(): void;
}

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/**
 * Runs one test host: a key pair made for it (never printed), its public half as root's
 * authorized key, sshd on a published 127.0.0.1 port, and a known_hosts file holding the host key
 * read out of the container (through docker, not ssh), so ssh checks it strictly.
 */
export async function startTestHost(container: string): Promise<TestHost> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kdh-host-'));
  const remove = () => {
    try {
      execFileSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kdrill-test', '-f', path.join(dir, 'id')], { stdio: 'ignore' });
    docker('run', '-d', '--name', container, '--label', 'dev.kdrill.test=kubeadm-host', '-p', '127.0.0.1::22', HOST_IMAGE);
    docker('cp', path.join(dir, 'id.pub'), `${container}:/root/.ssh/authorized_keys`);
    docker('exec', container, 'chmod', '600', '/root/.ssh/authorized_keys');
    let hostKey = '';
    for (let i = 0; i < 100 && !hostKey.startsWith('ssh-ed25519 '); i++) {
      await new Promise((r) => setTimeout(r, 100));
      hostKey = execFileSync('docker', ['exec', container, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    }
    const port = Number(docker('port', container, '22/tcp').split('\n')[0]!.split(':').pop());
    const [type, key] = hostKey.split(' ');
    writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n`);
    const ssh: SshHost = { host: '127.0.0.1', port, user: 'root', identityFile: path.join(dir, 'id'), knownHostsFile: path.join(dir, 'known_hosts'), hostKeyCheck: 'yes' };
    return { container, ssh, dir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
