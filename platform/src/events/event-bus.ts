import { EventEmitter } from 'node:events';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { backoffDelay, sleep } from '../db/backoff.ts';
import type { Database } from '../db/database.ts';
import { EmpireError, ErrorCode, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type EmpireEvent, EVENTS_CHANNEL, isValidEventName } from './event-names.ts';
import { insertEvent, maxEventId, readEventsAfter } from './event-store.ts';

export type EventHandler = (event: EmpireEvent) => void | Promise<void>;

export type ListenerState = 'idle' | 'connecting' | 'listening' | 'disconnected' | 'stopped';

export interface EventBusOptions {
  db: Database;
  logger: Logger;
  /** Name of this process or component, stored as the event's `source`. */
  source: string;
  /** Where the listener starts: after the newest event at start (default) or after this id. */
  startAfterId?: number;
  catchUpBatchSize?: number;
}

/**
 * The one event bus of every process: an `events` outbox row plus `NOTIFY empire_events` with
 * its id. The listener keeps its own connection, remembers the last id it delivered, and after
 * any reconnect catches up from the table, so every event reaches every listener exactly once
 * and in order, even across a database restart.
 *
 * Emits `state` (ListenerState) and `error` is never emitted: failures are logged and retried.
 */
export class EventBus extends EventEmitter<{ state: [ListenerState] }> {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #source: string;
  readonly #batchSize: number;
  readonly #handlers = new Map<string, Set<EventHandler>>();
  #client: pg.Client | undefined;
  #state: ListenerState = 'idle';
  #lastId: number | undefined;
  #abort = new AbortController();
  #catchUp: Promise<void> = Promise.resolve();
  #catchUpPending = false;
  #loop: Promise<void> | undefined;
  #connectedOnce: (() => void) | undefined;

  constructor(options: EventBusOptions) {
    super();
    this.#db = options.db;
    this.#logger = options.logger.child({ component: 'event-bus' });
    this.#source = options.source;
    this.#batchSize = options.catchUpBatchSize ?? 500;
    this.#lastId = options.startAfterId;
  }

  get state(): ListenerState {
    return this.#state;
  }

  /**
   * Stores and announces an event. Pass `em` to publish inside a transaction of your own: the
   * event then exists (and is delivered) only if that transaction commits.
   */
  async publish<P extends object>(name: string, payload: P, em?: EntityManager): Promise<EmpireEvent> {
    if (!isValidEventName(name)) {
      throw new EmpireError(ErrorCode.BadUserInput, `Event name "${name}" is not of the form module.thing_happened`);
    }
    if (em) return insertEvent(em, name, payload, this.#source);
    return this.#db.transaction((tx) => insertEvent(tx, name, payload, this.#source));
  }

  /**
   * Calls `handler` for every event named `name` (or every event, for `*`; or every event of a
   * module, for `module.*`). Returns a function that unsubscribes.
   */
  subscribe(name: string, handler: EventHandler): () => void {
    let set = this.#handlers.get(name);
    if (!set) {
      set = new Set();
      this.#handlers.set(name, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  /** Connects the listener; resolves once it is listening for the first time. */
  async start(): Promise<void> {
    if (this.#loop) return;
    const connected = new Promise<void>((resolve) => {
      this.#connectedOnce = resolve;
    });
    this.#loop = this.#run();
    await Promise.race([connected, this.#loop]);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
    await this.#loop;
    await this.#catchUp;
    this.#setState('stopped');
  }

  #setState(state: ListenerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    for (let attempt = 0; !signal.aborted; ) {
      this.#setState('connecting');
      const client = new pg.Client({
        connectionString: this.#db.url,
        connectionTimeoutMillis: 3_000,
        application_name: `empire-events:${this.#source}`,
        keepAlive: true,
      });
      const closed = new Promise<string>((resolve) => {
        client.on('error', (error) => resolve(errorMessage(error)));
        client.on('end', () => resolve('connection ended'));
      });
      try {
        await client.connect();
        client.on('notification', (message) => {
          if (message.channel === EVENTS_CHANNEL) this.#scheduleCatchUp();
        });
        await client.query(`listen ${EVENTS_CHANNEL}`);
        if (this.#lastId === undefined) this.#lastId = await maxEventId(client);
        this.#client = client;
        attempt = 0;
        this.#setState('listening');
        this.#connectedOnce?.();
        this.#scheduleCatchUp();
        const reason = await Promise.race([
          closed,
          new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('stopped'), { once: true })),
        ]);
        if (signal.aborted) break;
        this.#logger.warn({ reason }, 'event listener lost its connection; reconnecting');
      } catch (error) {
        if (signal.aborted) break;
        this.#logger.warn({ err: errorMessage(error), attempt: attempt + 1 }, 'event listener could not connect');
      }
      if (this.#client === client) this.#client = undefined;
      await client.end().catch(() => {});
      this.#setState('disconnected');
      await sleep(backoffDelay(attempt++, { baseMs: 200, maxMs: 3_000 }), signal);
    }
  }

  /** Coalesces notifications: at most one catch-up runs, and one more is queued behind it. */
  #scheduleCatchUp(): void {
    if (this.#catchUpPending) return;
    this.#catchUpPending = true;
    this.#catchUp = this.#catchUp.then(async () => {
      this.#catchUpPending = false;
      await this.#drain();
    });
  }

  async #drain(): Promise<void> {
    const client = this.#client;
    if (!client || this.#lastId === undefined) return;
    try {
      for (;;) {
        const events = await readEventsAfter(client, this.#lastId, this.#batchSize);
        for (const event of events) {
          this.#lastId = event.id;
          await this.#deliver(event);
        }
        if (events.length < this.#batchSize) return;
      }
    } catch (error) {
      // the connection loop reconnects and catches up again from #lastId
      this.#logger.warn({ err: errorMessage(error) }, 'event catch-up interrupted');
    }
  }

  async #deliver(event: EmpireEvent): Promise<void> {
    const [module] = event.name.split('.');
    const handlers = [...(this.#handlers.get(event.name) ?? []), ...(this.#handlers.get(`${module}.*`) ?? []), ...(this.#handlers.get('*') ?? [])];
    for (const handler of handlers) {
      try {
        await handler(event);
      } catch (error) {
        this.#logger.error({ err: errorMessage(error), event: event.name, eventId: event.id }, 'event handler failed');
      }
    }
  }
}
