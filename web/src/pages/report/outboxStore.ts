// Where unsent reports wait: IndexedDB (which keeps the photos not uploaded yet as Blobs), else
// localStorage (the report and its uploaded media ids only), else memory (this page's life only).
import type { OutboxEntry, OutboxStore } from './outbox';

const DB_NAME = 'anwang-report';
const STORE = 'outbox';
const LS_KEY = 'anwang.report.outbox';

export function memoryStore(initial: readonly OutboxEntry[] = []): OutboxStore {
  const map = new Map(initial.map((e) => [e.key, e]));
  return {
    all: async () => [...map.values()],
    put: async (e) => {
      map.set(e.key, e);
    },
    remove: async (key) => {
      map.delete(key);
    },
  };
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE))
        req.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

function indexedDbStore(db: IDBDatabase): OutboxStore {
  const run = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>) =>
    promised(fn(db.transaction(STORE, mode).objectStore(STORE)));
  return {
    all: () => run('readonly', (s) => s.getAll() as IDBRequest<OutboxEntry[]>),
    put: async (e) => {
      await run('readwrite', (s) => s.put(e));
    },
    remove: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
  };
}

/** localStorage cannot hold Blobs: files not uploaded yet live in memory only for this page. */
function localStorageStore(): OutboxStore {
  const files = new Map<string, OutboxEntry['files']>();
  const read = (): OutboxEntry[] => {
    try {
      return (JSON.parse(localStorage.getItem(LS_KEY) ?? '[]') as OutboxEntry[]).map((e) => ({
        ...e,
        files: files.get(e.key) ?? [],
      }));
    } catch {
      return [];
    }
  };
  const write = (entries: OutboxEntry[]) =>
    localStorage.setItem(LS_KEY, JSON.stringify(entries.map((e) => ({ ...e, files: [] }))));
  return {
    all: async () => read(),
    put: async (e) => {
      files.set(e.key, e.files);
      write([...read().filter((x) => x.key !== e.key), e]);
    },
    remove: async (key) => {
      files.delete(key);
      write(read().filter((x) => x.key !== key));
    },
  };
}

let opened: Promise<OutboxStore> | null = null;

/** The device's outbox (one per page: every caller shares it). */
export function openOutboxStore(): Promise<OutboxStore> {
  opened ??= (async () => {
    try {
      if (typeof indexedDB !== 'undefined') {
        const store = indexedDbStore(await openDb());
        await store.all(); // fails here, not later, where IndexedDB is present but unusable
        return store;
      }
    } catch (e) {
      console.warn('IndexedDB unavailable, keeping unsent reports in localStorage', e);
    }
    try {
      localStorage.setItem(`${LS_KEY}.probe`, '1');
      localStorage.removeItem(`${LS_KEY}.probe`);
      return localStorageStore();
    } catch {
      return memoryStore();
    }
  })();
  return opened;
}
