// The playground keeps the editor's state (tabs, queries, variables) in the
// browser's localStorage so that a reload keeps the work, but never headers:
// they carry bearer tokens, and a token in storage outlives the tab, shows in
// shared machines' profiles and in anything that dumps storage. GraphiQL
// strips headers from what it stores only while "persist headers" is off; this
// storage strips them whatever GraphiQL is told, so no setting can leak them.

/** The subset of the Web Storage API GraphiQL uses. */
export interface PlaygroundStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
  readonly length: number;
}

/** Keys (after GraphiQL's "graphiql:" prefix) that are never stored. */
const NEVER = new Set(['headers', 'shouldPersistHeaders']);

function bareKey(key: string): string {
  const i = key.lastIndexOf(':');
  return i >= 0 ? key.slice(i + 1) : key;
}

/**
 * withoutHeaders returns value with every "headers" property removed when it
 * is JSON (GraphiQL's tab state and query history are), or value unchanged.
 */
export function withoutHeaders(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (parsed === null || typeof parsed !== 'object') return value;
  return JSON.stringify(parsed, (k, v) => (k === 'headers' ? undefined : v));
}

/**
 * headerFreeStorage wraps a Storage (localStorage by default) so that nothing
 * written through it contains request headers. What an older version may have
 * stored under a header key is removed on first use.
 */
export function headerFreeStorage(inner: Storage | undefined = safeLocalStorage()): PlaygroundStorage {
  const mem = new Map<string, string>();
  const store: Storage | undefined = inner;
  if (store) {
    for (const k of Object.keys(store)) if (k.startsWith('graphiql:') && NEVER.has(bareKey(k))) store.removeItem(k);
  }
  return {
    getItem(key) {
      if (NEVER.has(bareKey(key))) return null;
      return store ? store.getItem(key) : (mem.get(key) ?? null);
    },
    setItem(key, value) {
      if (NEVER.has(bareKey(key))) return;
      const clean = withoutHeaders(value);
      if (store) store.setItem(key, clean);
      else mem.set(key, clean);
    },
    removeItem(key) {
      if (store) store.removeItem(key);
      else mem.delete(key);
    },
    clear() {
      if (store) store.clear();
      else mem.clear();
    },
    get length() {
      return store ? store.length : mem.size;
    },
  };
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Storage may be disabled (privacy settings); keep state in memory.
    return undefined;
  }
}
