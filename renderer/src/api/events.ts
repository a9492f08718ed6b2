/**
 * The live event stream (/admin/api/events, Server-Sent Events) read with fetch, not
 * EventSource: EventSource cannot send the Authorization header the Electron window uses.
 * One connection for the whole page, parsed by eventsource-parser; reconnects with backoff and
 * tells listeners to resync.
 */
import { createParser } from 'eventsource-parser';
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

/**
 * Reads a Server-Sent Events body to its end, calling `emit` per event (type defaults to
 * "message", as in EventSource). Exported for tests.
 */
export async function readSse(body: ReadableStream<Uint8Array<ArrayBuffer>>, emit: (type: string, data: string) => void): Promise<void> {
  const parser = createParser({ onEvent: (e) => emit(e.event ?? 'message', e.data) });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

function dispatch(data: string): void {
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
}

async function connectOnce(): Promise<void> {
  const res = await fetch('/admin/api/events', { headers: { accept: 'text/event-stream', ...authHeaders() }, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  setState('live');
  if (everConnected) for (const fn of resyncListeners) fn();
  everConnected = true;
  await readSse(res.body, (_type, data) => dispatch(data));
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
