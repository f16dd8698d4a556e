import { describe, expect, it } from 'vitest';
import { html } from '../../src/report/html-text.js';

describe('html(): text from a drill or a command, safe in an element and in a quoted attribute', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['</pre><img src=x onerror=alert(1)>', '&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;'],
    [`" onmouseover="alert(1)`, '&quot; onmouseover=&quot;alert(1)'],
    [`' autofocus onfocus='x`, '&#39; autofocus onfocus=&#39;x'],
    ['a & b', 'a &amp; b'],
    ['&lt; stays text, not a character reference', '&amp;lt; stays text, not a character reference'],
    ['&#x3C;script&#x3E;', '&amp;#x3C;script&amp;#x3E;'],
    ['NUL \u0000 BEL \u0007 DEL \u007f C1 \u0085', 'NUL \\x00 BEL \\x07 DEL \\x7f C1 \\x85'],
    ['title \u001b]0;owned\u0007 clipboard \u001b]52;c;SGk=\u0007', 'title \\x1b]0;owned\\x07 clipboard \\x1b]52;c;SGk=\\x07'],
    ['bidi \u202egnp.exe zero\u200bwidth', 'bidi \\u202egnp.exe zero\\u200bwidth'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['line 1\r\nline 2\n\tindented', 'line 1\nline 2\n\tindented'],
    ['bare \r return', 'bare \\r return'],
    ['plain words: 2 of 3 members healthy', 'plain words: 2 of 3 members healthy'],
  ])('%j', (input, want) => {
    expect(html(input)).toBe(want);
  });

  it('numbers, booleans and undefined', () => {
    expect([html(3), html(false), html(undefined)]).toEqual(['3', 'false', '']);
  });

  it('leaves no character that HTML gives a meaning, and no control character but newline and tab', () => {
    const all = Array.from({ length: 0x250 }, (_, i) => String.fromCharCode(i)).join('') + '\u2028\u2029\u202e\ufeff\ufffe\uffff\ud800';
    const out = html(all);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\p{Cs}\uFFFE\uFFFF]/u);
  });
});
