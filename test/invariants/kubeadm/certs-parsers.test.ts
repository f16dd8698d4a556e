import { describe, expect, it } from 'vitest';
import { daysLeft, kubeadmPrintsJson, parseCheckExpiration, parseEnddate, parseKubeadmVersion } from '../../../src/labs/static-pod/pki.js';
import { commandAbsent } from '../../../src/labs/static-pod/cert-expiry.js';

// What the hosts print, as they print it: kubeadm's CertificateExpirationInfo (output.kubeadm.k8s.io/
// v1alpha3, cmd/kubeadm/app/cmd/certs.go: a missing certificate has missing: true and a null
// date), and openssl's notAfter= line (a day of one digit is padded with a space).

const cert = (name: string, date: string | null, extra: Record<string, unknown> = {}) => ({ name, expirationDate: date, residualTime: 31_535_999, externallyManaged: false, caName: 'ca', missing: false, ...extra });
const info = (certs: unknown[], cas: unknown[] = []) => JSON.stringify({ kind: 'CertificateExpirationInfo', apiVersion: 'output.kubeadm.k8s.io/v1alpha3', certificates: certs, certificateAuthorities: cas }, null, 2);

describe('parseCheckExpiration (kubeadm certs check-expiration -o json)', () => {
  it.each([
    ['leaves and CAs', info([cert('apiserver', '2027-12-02T11:20:31Z'), cert('etcd-server', '2026-12-22T11:12:25Z', { caName: 'etcd-ca' })], [cert('ca', '2036-11-29T11:12:25Z', { caName: undefined })]),
      [['apiserver', false, '2027-12-02T11:20:31.000Z'], ['etcd-server', false, '2026-12-22T11:12:25.000Z'], ['ca', true, '2036-11-29T11:12:25.000Z']], []],
    // kubeadm join does not write super-admin.conf: listed as missing on the other control planes.
    ['a missing certificate', info([cert('admin.conf', '2027-12-02T11:20:31Z'), { name: 'super-admin.conf', expirationDate: null, residualTime: 0, externallyManaged: false, missing: true }]),
      [['admin.conf', false, '2027-12-02T11:20:31.000Z']], ['super-admin.conf']],
    ['a missing CA', info([], [{ name: 'front-proxy-ca', expirationDate: null, residualTime: 0, externallyManaged: false, missing: true }]), [], ['front-proxy-ca']],
    // A line kubeadm's text printer would add before the JSON (its JSON printer does not): skipped.
    ['text before the JSON', `[check-expiration] Reading configuration from the cluster...\n${info([cert('apiserver', '2027-01-05T00:00:00Z')])}`,
      [['apiserver', false, '2027-01-05T00:00:00.000Z']], []],
    ['no certificateAuthorities', JSON.stringify({ kind: 'CertificateExpirationInfo', certificates: [cert('apiserver', '2027-01-05T00:00:00Z')] }), [['apiserver', false, '2027-01-05T00:00:00.000Z']], []],
  ])('%s', (_name, stdout, certs, missing) => {
    const out = parseCheckExpiration(stdout);
    expect(out.certs.map((c) => [c.name, c.ca, c.notAfter.toISOString()])).toEqual(certs);
    expect(out.missing).toEqual(missing);
  });

  it('keeps externallyManaged (an external CA: renew leaves those)', () => {
    expect(parseCheckExpiration(info([cert('apiserver', '2027-01-05T00:00:00Z', { externallyManaged: true })])).certs[0]!.externallyManaged).toBe(true);
  });

  it.each([
    ['not JSON', 'CERTIFICATE   EXPIRES   RESIDUAL TIME\napiserver  Dec 02, 2027 11:20 UTC  364d', /printed no JSON/],
    ['another kind', JSON.stringify({ kind: 'Images', images: [] }), /printed a Images, not a CertificateExpirationInfo/],
    ['no certificates', JSON.stringify({ kind: 'CertificateExpirationInfo' }), /no certificates\[\]/],
    ['a date that is not one', info([cert('apiserver', 'soon')]), /apiserver has no expirationDate \("soon"\)/],
    ['a present certificate without a date', info([cert('apiserver', null)]), /apiserver has no expirationDate \(null\)/],
    ['a certificate without a name', info([{ expirationDate: '2027-01-05T00:00:00Z' }]), /without a name/],
  ])('refuses %s', (_name, stdout, error) => {
    expect(() => parseCheckExpiration(stdout)).toThrow(error);
  });
});

describe('parseEnddate (openssl x509 -noout -enddate -serial)', () => {
  it.each([
    ['notAfter=Dec 22 11:12:25 2026 GMT\n', '2026-12-22T11:12:25.000Z', undefined],
    // A one-digit day is padded with a space.
    ['notAfter=Dec  2 11:12:31 2027 GMT\n', '2027-12-02T11:12:31.000Z', undefined],
    ['notAfter=Feb 29 00:00:00 2028 GMT\nserial=0123456789ABCDEF\n', '2028-02-29T00:00:00.000Z', '0123456789ABCDEF'],
    ['serial=a8743ccf345ce54e\nnotAfter=Jan  1 23:59:59 2030 GMT\n', '2030-01-01T23:59:59.000Z', 'A8743CCF345CE54E'],
  ])('%j', (stdout, date, serial) => {
    const out = parseEnddate(stdout);
    expect(out.notAfter.toISOString()).toBe(date);
    expect(out.serial).toBe(serial);
  });

  it.each([
    ['', /no notAfter= date/],
    ['notBefore=Dec  2 11:12:31 2026 GMT', /no notAfter= date/],
    ['notAfter=Dez  2 11:12:31 2027 GMT', /no notAfter= date/],
    ['notAfter=2027-12-02 11:12:31Z', /no notAfter= date/],
  ])('refuses %j', (stdout, error) => {
    expect(() => parseEnddate(stdout)).toThrow(error);
  });
});

describe('parseKubeadmVersion / kubeadmPrintsJson', () => {
  it.each([
    ['v1.31.0\n', 'v1.31.0', true],
    ['v1.30.14', 'v1.30.14', true],
    ['v1.29.3', 'v1.29.3', false],
    ['v1.30.0-rc.1', 'v1.30.0-rc.1', true],
    ['v2.0.0', 'v2.0.0', true],
    ['v1.9.11', 'v1.9.11', false],
  ])('%j', (stdout, text, json) => {
    const v = parseKubeadmVersion(stdout)!;
    expect(v.text).toBe(text);
    expect(kubeadmPrintsJson(v)).toBe(json);
  });

  it.each(['', 'kubeadm version: &version.Info{Major:"1", Minor:"31"}', 'sh: kubeadm: not found'])('no version in %j', (stdout) => {
    expect(parseKubeadmVersion(stdout)).toBeUndefined();
  });
});

describe('daysLeft', () => {
  const now = new Date('2026-12-02T11:12:25Z');
  it.each([
    ['2026-12-22T11:12:25Z', 20],
    ['2026-12-22T11:12:24Z', 19],
    ['2026-12-02T11:12:26Z', 0],
    ['2026-12-02T11:12:24Z', -1],
    ['2026-11-29T11:12:25Z', -3],
  ])('%s: %i', (date, days) => {
    expect(daysLeft(new Date(date), now)).toBe(days);
  });
});

describe('commandAbsent', () => {
  const r = (exitCode: number, stderr: string) => ({ argv: [], exitCode, stdout: '', stderr, durationMs: 1 });
  it.each([
    [r(127, 'sh: kubeadm: not found'), true],
    [r(127, 'bash: line 1: kubeadm: command not found'), true],
    [r(126, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "kubeadm": executable file not found in $PATH: unknown'), true],
    [r(1, 'Could not open file or uri for loading certificate from /x: No such file or directory'), false],
    [r(1, 'error execution phase: failed to load the kubeadm configuration'), false],
  ])('%j', (result, absent) => {
    expect(commandAbsent(result)).toBe(absent);
  });
});
