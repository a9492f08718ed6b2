/** Shared fixtures for the store tests: real temp dirs (removed after the file's tests) and row builders. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { GrantType, Issuance } from '../../server/contracts';
import type { RefreshFamily } from '../../server/store/types';

/** Returns a factory of fresh temp dirs; all of them are deleted after the test file. */
export function useTempDirs(prefix = 'authplane-store-'): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

export function warnings(): { messages: string[]; onWarning: (m: string) => void } {
  const messages: string[] = [];
  return { messages, onWarning: (m) => messages.push(m) };
}

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();
const GRANTS: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

/** A deterministic issuance row; `i` spreads rows over 3 resources, 4 clients, 7 subs, 3 grants. */
export function issuance(i: number, over: Partial<Issuance> = {}): Issuance {
  const issued = T0 + i * 1000;
  return {
    jti: `jti-${i}`,
    sub: `user-${i % 7}`,
    client_id: `client-${i % 4}`,
    resource: `res-${i % 3}`,
    aud: `https://res-${i % 3}.example/mcp`,
    scope: 'read write',
    grant: GRANTS[i % 3]!,
    family_id: i % 3 === 2 ? undefined : `fam-${i % 11}`,
    kid: 'k1',
    issued_at: iso(issued),
    // Every 5th row lives long; the rest expire an hour after issue.
    expires_at: iso(issued + (i % 5 === 0 ? 365 * 86400_000 : 3600_000)),
    ...over,
  };
}

export function family(id: string, over: Partial<RefreshFamily> = {}, now = T0): RefreshFamily {
  return {
    id,
    client_id: 'client-1',
    sub: 'user-1',
    resource: 'res-1',
    aud: 'https://res-1.example/mcp',
    scope: 'read',
    created_at: iso(now),
    expires_at: iso(now + 7 * 86400_000),
    current: { hash: `h-${id}-0`, issued_at: iso(now), expires_at: iso(now + 7 * 86400_000) },
    consumed: [],
    access_jtis: [],
    ...over,
  };
}
