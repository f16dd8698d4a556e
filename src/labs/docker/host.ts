import { dockerHost, type EndpointEnv } from '../../exec/docker/endpoint.js';

/**
 * Where the containers run, as far as reaching them from this machine goes. Only on a docker
 * engine running natively on this Linux machine are the containers' IPs on a docker network
 * routed from the host; Docker Desktop (and colima, OrbStack, podman machine) runs them in a VM,
 * rootless docker in a network namespace of its own, a remote engine on another machine. The
 * first two forward ports published on 127.0.0.1 to this machine; a remote engine publishes them
 * on its own loopback.
 */
export type DockerHostKind = 'local' | 'desktop' | 'vm' | 'rootless' | 'remote';

export interface DockerHostInfo {
  kind: DockerHostKind;
  /** In the operator's words: "docker context desktop-linux (Docker Desktop)". */
  words: string;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/;

/** The kind of docker host from what the docker CLI would use (DOCKER_HOST, the current context) and this OS. */
export function dockerHostKind(env: EndpointEnv & { XDG_RUNTIME_DIR?: string } = process.env, platform: NodeJS.Platform = process.platform): DockerHostInfo {
  const { host, context } = dockerHost(env);
  const where = context ? `docker context ${context} (${host})` : `docker host ${host}`;
  if (/^desktop-/.test(context ?? '') || /\/\.docker\/(run|desktop)\/docker(-cli)?\.sock$|dockerDesktop|docker_engine/i.test(host)) {
    return { kind: 'desktop', words: `${where}: Docker Desktop` };
  }
  const remote = /^(ssh|tcp|https?):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(host);
  if (remote && !LOOPBACK.test(remote[2]!)) return { kind: 'remote', words: `${where}: a remote docker host` };
  if (platform !== 'linux') return { kind: 'vm', words: `${where} on ${platform}: containers in a VM` };
  // dockerd-rootless-setuptool.sh makes a context named rootless, on $XDG_RUNTIME_DIR/docker.sock.
  if (context === 'rootless' || /^unix:\/\/\/run\/user\/\d+\/docker\.sock$/.test(host) || (env.XDG_RUNTIME_DIR && host === `unix://${env.XDG_RUNTIME_DIR}/docker.sock`)) {
    return { kind: 'rootless', words: `${where}: rootless docker` };
  }
  return { kind: 'local', words: where };
}
