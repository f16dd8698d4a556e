import { describe, expect, it } from 'vitest';
import { showControls, visible, visibleLines } from '../../src/report/escape.js';

describe('visible: one line for a terminal or a CI log', () => {
  it.each([
    ['plain text', 'stop a node', 'stop a node'],
    ['a tab stays', 'a\tb', 'a\tb'],
    ['newline', 'a\n::error file=x::boom', 'a\\n::error file=x::boom'],
    ['carriage return', 'ok\rFAILED', 'ok\\rFAILED'],
    ['CSI clear screen', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['OSC 52 clipboard write', '\u001b]52;c;SGVsbG8=\u0007', '\\x1b]52;c;SGVsbG8=\\x07'],
    ['OSC 0 window title, ST-terminated', '\u001b]0;pwned\u001b\\', '\\x1b]0;pwned\\x1b\\'],
    ['NUL, BEL, backspace, DEL', '\u0000\u0007\b\u007f', '\\x00\\x07\\x08\\x7f'],
    ['C1 CSI and NEL', '\u009b2J\u0085', '\\x9b2J\\x85'],
    ['bidi override and isolate', 'abc\u202Edef\u2066x\u2069', 'abc\\u202edef\\u2066x\\u2069'],
    ['zero-width space, BOM, line separator', 'a\u200Bb\uFEFFc\u2028d', 'a\\u200bb\\ufeffc\\u2028d'],
    ['lone surrogate', 'a\uD800b', 'a\\ud800b'],
    ['a tag character (astral format character)', 'a\u{E0041}b', 'a\\u{e0041}b'],
    ['workflow command at the start', '::error::boom', '\\x3a:error::boom'],
    ['workflow command after blanks', '  \t::warning::x', '  \t\\x3a:warning::x'],
    ['workflow command after a no-break space', '\u00a0::notice::x', '\u00a0\\x3a:notice::x'],
    ['`::` inside a line is left alone', 'member [::1]:2379', 'member [::1]:2379'],
    ['legacy ##[command] anywhere', 'x ##[error]boom ##[stop-commands]t', 'x ##\\x5berror]boom ##\\x5bstop-commands]t'],
    ['non-ASCII letters and emoji stay', 'Zürich ✔ 日本 🚀', 'Zürich ✔ 日本 🚀'],
  ])('%s', (_, input, shown) => {
    expect(visible(input)).toBe(shown);
  });

  it('leaves nothing a terminal or the GitHub runner would act on', () => {
    const all = Array.from({ length: 0x2070 }, (_, i) => String.fromCharCode(i)).join('');
    const out = visible(`::x${all}`);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/);
    expect(out.startsWith('::')).toBe(false);
    expect(out).not.toContain('##[');
  });
});

describe('visibleLines: our line breaks kept, each line made visible', () => {
  it.each([
    ['command output under a message', 'command failed: x\n    ::error::y\n    \u001b[31mred', 'command failed: x\n    \\x3a:error::y\n    \\x1b[31mred'],
    ['CRLF is one line break', 'a\r\nb', 'a\nb'],
    ['a lone CR is shown', 'a\rb', 'a\\rb'],
  ])('%s', (_, input, shown) => {
    expect(visibleLines(input)).toBe(shown);
  });
});

describe('showControls', () => {
  it('keeps what it is told to keep, and does not defuse (reports that are not a log)', () => {
    expect(showControls('::a\n\r\t\u001b', '\n\r\t')).toBe('::a\n\r\t\\x1b');
    expect(showControls('a\tb')).toBe('a\tb');
  });
});
