import { z } from 'zod';

/**
 * An image reference as docker takes it (the distribution reference grammar): `[host[:port]/]path[:tag][@digest]`,
 * path components lowercase. It is one word of a docker argv, so text that is no reference, and
 * above all one starting with `-` (`--privileged`), is refused before anything runs.
 */
const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const host = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${host}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);

/** What is wrong with an image reference, in the operator's words; undefined when nothing is. */
export function imageProblem(ref: string): string | undefined {
  if (ref.startsWith('-')) return 'must not start with "-": docker would read it as an option';
  if (ref.length > 255 || !REFERENCE.test(ref)) return 'must be an image reference such as kdrill/etcd:3.4.23 or registry.k8s.io/etcd:3.5.15-0';
  return undefined;
}

export const imageRef = z.string().superRefine((ref, ctx) => {
  const problem = imageProblem(ref);
  if (problem) ctx.addIssue({ code: 'custom', input: ref, message: problem });
});
