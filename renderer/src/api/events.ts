/**
 * The live event stream (/admin/api/events, Server-Sent Events) read with fetch, not
 * EventSource: EventSource cannot send the Authorization header the Electron window uses.
 * One connection for the whole page; reconnects with backoff and tells listeners to resync.
 */
import type { AppEvent, EventName } from '../../../server/contracts';
import { authHeaders } from './http';

export type ConnectionState = 'connecting' | 'live' | 'offline';
type Listener = (e: AppEvent) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<(s: ConnectionState) => void>();
const resyncListeners = new Set<() => void>();
let state: ConnectionState = 'connecting';
let started = false;
let everConnected = false;

function setState(s: ConnectionState): void {
  if (s === state) return;
  state = s;
  for (const fn of stateListeners) fn(s);
}

/** Parses SSE text into events; returns the unconsumed tail. Exported for tests. */
export function parseSse(buffer: string, emit: (type: string, data: string) => void): string {
  let idx: number;
  let buf = buffer.replace(/\r\n?/g, '\n');
  while ((idx = buf.indexOf('\n\n')) >= 0) {
    const block = buf.slice(0, idx);
    buf = buf.slice(idx + 2);
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) emit(type, data.join('\n'));
  }
  return buf;
}

async function connectOnce(): Promise<void> {
  const res = await fetch('/admin/api/events', { headers: { accept: 'text/event-stream', ...authHeaders() }, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  setState('live');
  if (everConnected) for (const fn of resyncListeners) fn();
  everConnected = true;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf = parseSse(buf + value, (_type, data) => {
      let e: AppEvent;
      try {
        e = JSON.parse(data) as AppEvent;
      } catch {
        return;
      }
      for (const fn of listeners) {
        try {
          fn(e);
        } catch (err) {
          console.error(err);
        }
      }
    });
  }
}

/** Starts the shared stream (idempotent). */
export function startEvents(): void {
  if (started) return;
  started = true;
  let delay = 500;
  const loop = async () => {
    for (;;) {
      try {
        setState('connecting');
        await connectOnce();
        delay = 500;
      } catch {
        /* retried below */
      }
      setState('offline');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 8000);
    }
  };
  void loop();
}

export function onEvent(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export function onConnectionState(fn: (s: ConnectionState) => void): () => void {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}
/** Called after a reconnect: events may have been missed, reload what you show. */
export function onResync(fn: () => void): () => void {
  resyncListeners.add(fn);
  return () => resyncListeners.delete(fn);
}
export const connectionState = (): ConnectionState => state;

export type EventOf<K extends EventName> = Extract<AppEvent, { type: K }>;
