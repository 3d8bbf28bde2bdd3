/**
 * Runs the tasks given for one key one after the other, in the order given, and tasks of different
 * keys side by side. Card issue uses it per guest (card/routes.ts): a guest's concurrent renewals
 * would otherwise each hold a database connection while they queue on that guest's lock in the
 * database (docs/decisions/017-hot-paths.md) — twenty taps could take every connection of the pool
 * and leave other guests waiting. The database lock stays the judge across processes; this only
 * keeps the waiting out of the pool.
 */
export function oneAtATime<Key>() {
  const tails = new Map<Key, Promise<unknown>>();
  return async <T>(key: Key, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      // The last task of the key forgets it, so the map holds only keys with work in flight.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
