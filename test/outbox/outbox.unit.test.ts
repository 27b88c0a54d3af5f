// The development outbox: newest first, the last 200 only, found by id, emptied by clear.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createOutbox, outboxCapacity } from '../../src/outbox/outbox.js';

const sms = (n: number) => ({ channel: 'sms' as const, to: '+31612345678', text: `message ${n}`, category: 'test' });

describe('outbox', () => {
  it('lists messages newest first with their time and an unguessable id', () => {
    const clock = manualClock(Date.parse('2030-01-01T10:00:00Z'));
    const outbox = createOutbox({ clock });
    const first = outbox.add(sms(1));
    clock.advance(5000);
    const second = outbox.add({ channel: 'email', from: 'Twofold <no-reply@localhost>', to: 'ada@example.com', subject: 'Hi', text: 'text', html: '<p>html</p>', category: 'sign-in-code' });
    expect(outbox.list().map((m) => m.id)).toEqual([second.id, first.id]);
    expect(first.time.toISOString()).toBe('2030-01-01T10:00:00.000Z');
    expect(second.time.toISOString()).toBe('2030-01-01T10:00:05.000Z');
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(outbox.get(second.id)).toMatchObject({ subject: 'Hi', html: '<p>html</p>' });
    expect(outbox.get('no-such-id')).toBeUndefined();
  });

  it(`keeps the last ${outboxCapacity} messages`, () => {
    const outbox = createOutbox();
    const added = Array.from({ length: outboxCapacity + 5 }, (_, i) => outbox.add(sms(i)));
    const list = outbox.list();
    expect(list).toHaveLength(outboxCapacity);
    expect(list[0]!.text).toBe(`message ${outboxCapacity + 4}`);
    expect(list.at(-1)!.text).toBe('message 5');
    expect(outbox.get(added[0]!.id)).toBeUndefined();
  });

  it('clear empties it', () => {
    const outbox = createOutbox();
    const m = outbox.add(sms(1));
    outbox.clear();
    expect(outbox.list()).toEqual([]);
    expect(outbox.get(m.id)).toBeUndefined();
  });

  it('a listed array cannot change the outbox', () => {
    const outbox = createOutbox();
    outbox.add(sms(1));
    outbox.list().pop();
    expect(outbox.list()).toHaveLength(1);
  });
});
