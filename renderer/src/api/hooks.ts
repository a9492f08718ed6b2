/** React glue: live events, connection state, and small data-loading hooks. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppEvent, EventName } from '../../../server/contracts';
import { connectionState, onConnectionState, onEvent, onResync, type EventOf } from './events';

/** Calls `fn` for every event whose type is in `types` (latest `fn`, stable subscription). */
export function useAppEvents<K extends EventName>(types: readonly K[], fn: (e: EventOf<K>) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = types.join(',');
  useEffect(() => {
    const set = new Set<string>(key.split(','));
    return onEvent((e: AppEvent) => {
      if (set.has(e.type)) ref.current(e as EventOf<K>);
    });
  }, [key]);
}

/**
 * Like useAppEvents, but hands the events over in one batch per animation frame: under a load
 * test thousands of tokens a second arrive, and a state update (and list copy) per event would
 * freeze the window. Order is kept; `apply` gets the events oldest first.
 */
export function useAppEventBatches<K extends EventName>(types: readonly K[], apply: (events: EventOf<K>[]) => void): void {
  const queue = useRef<EventOf<K>[]>([]);
  const frame = useRef(0);
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useAppEvents(types, (e) => {
    queue.current.push(e);
    frame.current ||= requestAnimationFrame(() => {
      frame.current = 0;
      const batch = queue.current;
      queue.current = [];
      applyRef.current(batch);
    });
  });
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      queue.current = [];
    },
    [],
  );
}

export function useConnectionState() {
  return useSyncExternalStore(onConnectionState, connectionState);
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  set: (fn: (prev: T | undefined) => T | undefined) => void;
}

/** Loads once (and on `deps` change), reloads after reconnects and on events of `refreshOn`. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = [], refreshOn: readonly EventName[] = []): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const n = ++seq.current;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (n !== seq.current) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        if (n !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(reload, deps);
  useEffect(() => onResync(reload), [reload]);
  useAppEvents(refreshOn, reload);
  const set = useCallback((fn: (prev: T | undefined) => T | undefined) => setData(fn), []);
  return { data, error, loading, reload, set };
}

/** Re-renders every `ms` (relative times, countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
