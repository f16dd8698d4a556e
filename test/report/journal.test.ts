import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { openJournal, readJournal } from '../../src/report/journal.js';
import { passedRun } from './runs.js';

const temp = () => path.join(mkdtempSync(path.join(tmpdir(), 'kdrill-journal-')), 'journal.jsonl');

describe('journal.jsonl', () => {
  it('one JSON line per event, on disk as soon as it is emitted (no close needed)', () => {
    const file = temp();
    const journal = openJournal(file);
    const bus = new EventBus();
    bus.subscribe(journal.write);
    bus.emit({ type: 'log', level: 'info', message: 'first' });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2); // written synchronously
    bus.emit({ type: 'log', level: 'warn', message: 'second\nline' });
    const { events, truncated } = readJournal(file);
    expect(truncated).toBe(false);
    expect(events.map((e) => [e.type, e.seq, (e as { message?: string }).message])).toEqual([['log', 0, 'first'], ['log', 1, 'second\nline']]);
    journal.close();
    journal.close(); // the second Ctrl-C path closes again: harmless
    journal.write(bus.emit({ type: 'log', level: 'info', message: 'after close' }));
    expect(readJournal(file).events).toHaveLength(2);
  });

  it('appends to an existing journal', () => {
    const file = temp();
    writeFileSync(file, `${JSON.stringify(passedRun()[0])}\n`);
    const j = openJournal(file);
    j.write(passedRun()[1]!);
    j.close();
    expect(readJournal(file).events.map((e) => e.type)).toEqual(['drill.start', 'phase.start']);
  });

  it('survives a truncated last line (a kill -9 mid-write)', () => {
    const file = temp();
    const j = openJournal(file);
    for (const e of passedRun().slice(0, 5)) j.write(e);
    j.close();
    const whole = readFileSync(file, 'utf8');
    appendFileSync(file, whole.split('\n')[1]!.slice(0, 25)); // half of a line, no newline
    const { events, truncated } = readJournal(file);
    expect(truncated).toBe(true);
    expect(events).toHaveLength(5);
  });

  it('a broken line in the middle is corruption, not truncation', () => {
    const file = temp();
    writeFileSync(file, `${JSON.stringify(passedRun()[0])}\n{"type":"lo\n${JSON.stringify(passedRun()[1])}\n`);
    expect(() => readJournal(file)).toThrow(/journal.jsonl:2: not a journal line/);
  });

  it('a missing journal reads as empty', () => {
    expect(readJournal(temp())).toEqual({ events: [], truncated: false });
  });
});
