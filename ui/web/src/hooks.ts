// Data-loading hooks shared by the pages.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';

/** Loadable is the state of one request. */
export interface Loadable<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** reload runs the request again, keeping the old data on screen meanwhile. */
  reload: () => void;
}

/**
 * useLoad runs fetcher whenever key changes (and on reload), cancelling the
 * previous run. A null key means "nothing to load".
 */
export function useLoad<T>(key: string | null, fetcher: (signal: AbortSignal) => Promise<T>): Loadable<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean; key: string | null }>({
    loading: key !== null,
    key,
  });
  const [tick, setTick] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    if (key === null) {
      setState({ loading: false, key });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ data: s.key === key ? s.data : undefined, loading: true, key }));
    fetcherRef.current(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, loading: false, key });
      },
      (error: Error) => {
        if (ctl.signal.aborted) return;
        setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      },
    );
    return () => ctl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    loading: fresh ? state.loading : key !== null,
    reload,
  };
}

/** useDebounced returns value once it has stayed the same for ms. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** useInterval calls fn every ms while enabled. */
export function useInterval(fn: () => void, ms: number, enabled: boolean): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!enabled) return;
    const t = setInterval(() => ref.current(), ms);
    return () => clearInterval(t);
  }, [ms, enabled]);
}

/** useTitle sets the document title. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · lineage` : 'lineage';
  }, [title]);
}
