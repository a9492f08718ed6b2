/**
 * The fuzz suite's share of `npm test`: the whole hand-written hostile corpus plus 1,000
 * fast-check requests (a new seed each run, printed; FUZZ_SEED replays one) against a real
 * server process. `npm run fuzz` sends 10,000. See test/fuzz/lib/fuzz.ts for the oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { formatFuzzReport, runFuzz, startTarget, type FuzzReport, type Target } from './lib/fuzz';

let target: Target;
let report: FuzzReport;
beforeAll(async () => {
  target = await startTarget();
  report = await runFuzz(target, { generated: Number(process.env.FUZZ_GENERATED ?? 1000), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  console.log(formatFuzzReport(report));
}, 120_000);
afterAll(async () => {
  expect(await target?.stop()).toBe(0);
});

describe('fuzzing every public, admin and UI route', () => {
  it('answers no request with a 5xx', () => {
    expect(report.sent).toBeGreaterThan(2000);
    expect(report.fiveXx).toBe(0);
  });

  it('answers every error as an OAuth error JSON or an HTML error page (slow, oversized and malformed requests included)', () => {
    expect(report.findings).toEqual([]);
    // The corpus really reached the limits: bodies over the limit, headers over the limit, slow clients cut off.
    expect(report.status['413']).toBeGreaterThan(10);
    expect(report.status['431']).toBeGreaterThan(10);
    expect(report.status['408']).toBeGreaterThanOrEqual(4);
  });

  it('stays up, logs no internal error, and keeps its memory bounded', () => {
    expect(report.serverAlive).toBe(true);
    expect(report.serverErrors).toEqual([]);
    expect(report.heapAfter - report.heapBefore).toBeLessThan(48 * 1024 * 1024);
    expect(report.rssAfter).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('limits and timeouts as `authserver serve` runs them', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('cuts slow clients: headers within 10 s, the whole request within 30 s; 16 KB of headers', () => {
    expect(s.http.headersTimeout).toBe(10_000);
    expect(s.http.requestTimeout).toBe(30_000);
    expect(s.http.keepAliveTimeout).toBe(5_000);
    expect((s.http as unknown as { maxHeaderSize: number }).maxHeaderSize).toBe(16 * 1024);
    // Checked every second, not every 30 s (Node's default), so the limits are what they say.
    const interval = Object.getOwnPropertySymbols(s.http).map((sym) => (s.http as unknown as Record<symbol, unknown>)[sym]).find((v) => v && typeof v === 'object' && '_repeat' in (v as object)) as { _repeat?: number } | undefined;
    expect(interval?._repeat).toBe(1000);
  });
});
