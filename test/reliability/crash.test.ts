/**
 * kill -9 under load, restart, nothing lost: the short version of `npm run soak` (see
 * test/reliability/lib/crash.ts for what each round checks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, removeBuild } from '../cli/helpers';
import { formatCrashReport, runCrashRounds } from './lib/crash';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

describe('kill -9 under 16 concurrent flows', () => {
  it('loses no issuance row, keeps every refresh token usable, leaves every file parseable, never repeats a jti', async () => {
    const rounds = Number(process.env.AUTHPLANE_CRASH_ROUNDS ?? 4);
    const report = await runCrashRounds({ cli, rounds, concurrency: 16, startupKillRate: 0.35 });
    console.log(formatCrashReport(report));
    expect(report.failures).toEqual([]);
    expect(report.rowsLost).toBe(0);
    expect(report.refreshFailures).toBe(0);
    expect(report.duplicateJtis).toBe(0);
    expect(report.unparsableFiles).toBe(0);
    expect(report.survived).toBe(rounds);
    // The load was real: tokens were delivered and refresh tokens re-used across restarts.
    expect(report.tokensDelivered).toBeGreaterThan(rounds * 16);
    expect(report.refreshTokensChecked).toBeGreaterThan(rounds * 8);
  }, 120_000);
});
