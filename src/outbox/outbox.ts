// The development outbox: with OUTBOX=true, e-mail and SMS are not sent but kept here, in this
// process's memory, and shown at /dev/outbox. It holds the last 200 messages; older ones are
// dropped. Each replica has its own, so it is for a single development process only.
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';

export interface OutboxMessage {
  /** random, so the address of one message cannot be guessed from another's */
  id: string;
  time: Date;
  channel: 'email' | 'sms';
  to: string;
  /** e-mail only */
  from?: string;
  subject?: string;
  html?: string;
  text: string;
  /** what the message is for, e.g. 'sign-in-code' */
  category: string;
}

export type NewOutboxMessage = Omit<OutboxMessage, 'id' | 'time'>;

export interface Outbox {
  add(message: NewOutboxMessage): OutboxMessage;
  /** newest first */
  list(): OutboxMessage[];
  get(id: string): OutboxMessage | undefined;
  clear(): void;
}

export const outboxCapacity = 200;

export function createOutbox(opts: { clock?: Clock; capacity?: number } = {}): Outbox {
  const clock = opts.clock ?? systemClock;
  const capacity = opts.capacity ?? outboxCapacity;
  let messages: OutboxMessage[] = []; // oldest first

  return {
    add(message) {
      const stored: OutboxMessage = { ...message, id: randomUUID(), time: new Date(clock.now()) };
      messages.push(stored);
      if (messages.length > capacity) messages = messages.slice(-capacity);
      return stored;
    },
    list: () => [...messages].reverse(),
    get: (id) => messages.find((m) => m.id === id),
    clear() {
      messages = [];
    },
  };
}
