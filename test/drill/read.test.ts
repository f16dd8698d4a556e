import { describe, expect, it } from 'vitest';
import { decode, UnreadableFile } from '../../src/drill/read.js';

describe('decode: UTF-8 text, or the reason it is not', () => {
  const fails = (buf: Buffer) => {
    try {
      decode(buf);
    } catch (err) {
      if (err instanceof UnreadableFile) return `${err.line}:${err.col}: ${err.message}`;
      throw err;
    }
    return 'decoded';
  };

  it('strips a UTF-8 BOM', () => expect(decode(Buffer.from('\uFEFFa: é\n'))).toBe('a: é\n'));

  it.each([
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]), '1:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8'],
    ['UTF-16LE without BOM', Buffer.from('apiVersion: kdrill/v1\n', 'utf16le'), '1:1: the file is UTF-16 (every other byte is a NUL); save it as UTF-8'],
    ['UTF-16BE without BOM', Buffer.from('apiVersion: kdrill/v1\n', 'utf16le').swap16(), '1:1: the file is UTF-16 (every other byte is a NUL); save it as UTF-8'],
    ['UTF-32LE', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), '1:1: the file is UTF-32; save it as UTF-8'],
    ['a NUL in text', Buffer.from('a: 1\nb: x\0y\n'), '2:5: a NUL byte: this is not a text file'],
    ['a Latin-1 é after UTF-8 é', Buffer.concat([Buffer.from('é: 1\nb: é'), Buffer.from([0xe9, 0x0a])]), '2:5: not UTF-8 (byte 0xe9): save it as UTF-8'],
    ['a truncated sequence whose first bytes match U+FFFD', Buffer.from([0x61, 0xef, 0xbf, 0x41]), '1:2: not UTF-8 (byte 0xef): save it as UTF-8'],
    ['a U+FFFD written on purpose is fine', Buffer.from('a: \uFFFD\n'), 'decoded'],
  ])('%s', (_, buf, said) => expect(fails(buf)).toBe(said));
});
