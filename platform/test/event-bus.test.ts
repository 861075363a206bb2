import { openDatabase, prepareDatabase } from '@empire/migrations';
import { createTestDatabase, type TestDatabase, waitFor } from '@empire/platform/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Database, EmpireError, type EmpireEvent, EventBus, type ListenerState } from '../src/index.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('event bus', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase('events');
    db = (await prepareDatabase({ url: database.url, logger, waitMs: 10_000 })).db;
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  async function listener(source: string) {
    const bus = new EventBus({ db, logger, source });
    const received: EmpireEvent[] = [];
    bus.subscribe('test.*', (event) => {
      received.push(event);
    });
    await bus.start();
    return { bus, received };
  }

  it('delivers an event from one process to a listener of another, with its payload', async () => {
    const otherDb = await openDatabase({ url: database.url, logger });
    const publisher = new EventBus({ db: otherDb, logger, source: 'publisher' });
    const { bus, received } = await listener('listener-a');
    try {
      const sent = await publisher.publish('test.delivered', { hello: 'world', big: 'x'.repeat(20_000) });
      await waitFor(() => (received.some((e) => e.id === sent.id) ? true : undefined), { what: 'delivery' });
      const got = received.find((e) => e.id === sent.id);
      expect(got?.payload).toEqual({ hello: 'world', big: 'x'.repeat(20_000) });
      expect(got?.source).toBe('publisher');
    } finally {
      await bus.stop();
      await otherDb.close();
    }
  });

  it('delivers an event published while the listener was disconnected, exactly once, after it reconnects', async () => {
    const { bus, received } = await listener('listener-b');
    const states: ListenerState[] = [];
    bus.on('state', (state) => states.push(state));
    try {
      const before = await bus.publish('test.before', { n: 0 });
      await waitFor(() => (received.some((e) => e.id === before.id) ? true : undefined), { what: 'first delivery' });

      const disconnected = new Promise<void>((resolve) => bus.once('state', (state) => state === 'disconnected' && resolve()));
      await db.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'empire-events:listener-b'`);
      await disconnected;
      const missed = await bus.publish('test.while_down', { n: 1 });
      // the event was stored while the listener had no connection
      expect(bus.state).not.toBe('listening');

      await waitFor(() => (received.some((e) => e.id === missed.id) ? true : undefined), { what: 'catch-up delivery', timeoutMs: 10_000 });
      const after = await bus.publish('test.after', { n: 2 });
      await waitFor(() => (received.some((e) => e.id === after.id) ? true : undefined), { what: 'delivery after reconnect' });

      const ids = received.map((e) => e.id);
      expect(ids.filter((id) => id === missed.id)).toHaveLength(1);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(states).toContain('disconnected');
      expect(states.at(-1)).toBe('listening');
    } finally {
      await bus.stop();
    }
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const { bus, received } = await listener('listener-c');
    try {
      await expect(
        db.transaction(async (em) => {
          await bus.publish('test.rolled_back', {}, em);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const marker = await bus.publish('test.marker', {});
      await waitFor(() => (received.some((e) => e.id === marker.id) ? true : undefined), { what: 'marker' });
      expect(received.map((e) => e.name)).not.toContain('test.rolled_back');
    } finally {
      await bus.stop();
    }
  });

  it('refuses a badly named event', async () => {
    const bus = new EventBus({ db, logger, source: 'naming' });
    await expect(bus.publish('Bad Name', {})).rejects.toBeInstanceOf(EmpireError);
    await expect(bus.publish('Bad Name', {})).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('module.thing_happened') });
  });
});
