import { describe, expect, it } from 'vitest';
import { code, fence, table, text } from '../../src/runbook/markdown.js';

describe('runbook Markdown: text from a drill stays text', () => {
  it.each([
    ['plain words, 2-of-3 and 127.0.0.1', 'plain words, 2-of-3 and 127.0.0.1'],
    ['# not a heading', '\\# not a heading'],
    ['1. not a list', '1\\. not a list'],
    ['- not an item', '\\- not an item'],
    ['*bold* _it_ `code`', '\\*bold\\* \\_it\\_ \\`code\\`'],
    ['<script>x</script> &amp;', '\\<script\\>x\\</script\\> \\&amp;'],
    ['[a](http://e) | b', '\\[a\\](http://e) \\| b'],
    ['two\nlines', 'two lines'],
    // Shown as escapes whose backslash is itself escaped: the reader sees \x07.
    ['bell \u0007 esc \u001b[2J rlo \u202e', 'bell \\\\x07 esc \\\\x1b\\[2J rlo \\\\u202e'],
  ])('text(%j)', (input, want) => expect(text(input)).toBe(want));

  it.each([
    ['etcdctl get', '`etcdctl get`'],
    ['a `tick` b', '``a `tick` b``'],
    ['`edge', '`` `edge ``'],
    ['x```y', '````x```y````'],
  ])('code(%j)', (input, want) => expect(code(input)).toBe(want));

  it('fences a block with more backticks than any run in it, control characters shown', () => {
    expect(fence(['echo ok'], 'sh')).toEqual(['```sh', 'echo ok', '```']);
    expect(fence(['````', 'x\u001by'])).toEqual(['`````', '````', 'x\\x1by', '`````']);
  });

  it('keeps a table to its columns', () => {
    expect(table(['a', 'b'], [[text('x | y'), text('z')]])).toEqual(['| a | b |', '| --- | --- |', '| x \\| y | z |']);
  });
});
