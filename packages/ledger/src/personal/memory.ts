/** An in-memory {@link PersonalDataStore} for tests and for the memory event store. */
import type { Opening } from './commitment.js';
import { erasedStudents, type AppendedPersonalEvent, type PersonalDataStore } from './store.js';

/** An in-memory personal-data store; `rows()` lists what it keeps (tests look for erased values). */
export function memoryPersonalData(): PersonalDataStore & { rows(): readonly Opening[] } {
  const pending = new Map<string, readonly Opening[]>();
  const bySubject = new Map<string, Opening[]>();
  const erase = (subject: string): void => {
    bySubject.delete(subject);
  };
  return {
    openings: (subject) => bySubject.get(subject) ?? [],
    staged: (id) => pending.get(id),
    stage(id, openings) {
      pending.set(id, openings);
    },
    discard(ids) {
      for (const id of ids) pending.delete(id);
    },
    afterAppend(events: readonly AppendedPersonalEvent[]) {
      for (const e of events) {
        const o = pending.get(e.id);
        if (o !== undefined) {
          for (const x of o) {
            const list = bySubject.get(x.subject) ?? [];
            list.push(x);
            bySubject.set(x.subject, list);
          }
          pending.delete(e.id);
        }
        for (const s of erasedStudents(e)) erase(s);
      }
    },
    reconcile(erased) {
      for (const s of erased) erase(s);
    },
    rows: () => [...bySubject.values()].flat(),
  };
}
