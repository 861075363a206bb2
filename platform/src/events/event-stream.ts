import type { EventBus } from './event-bus.ts';
import type { EmpireEvent } from './event-names.ts';

/**
 * Events named `name` from the bus as an async iterator, for GraphQL subscription resolvers.
 * Events that arrive while the consumer is busy are queued; `return()` unsubscribes.
 */
export function eventStream<T>(bus: EventBus, name: string, map: (event: EmpireEvent) => T | Promise<T> | undefined): AsyncIterableIterator<T> {
  const queue: EmpireEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const unsubscribe = bus.subscribe(name, (event) => {
    queue.push(event);
    wake?.();
  });
  const finish = (): IteratorReturnResult<undefined> => {
    done = true;
    unsubscribe();
    wake?.();
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        const event = queue.shift();
        if (event) {
          const value = await map(event);
          if (value !== undefined) return { done: false, value };
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<T>> {
      return finish();
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
