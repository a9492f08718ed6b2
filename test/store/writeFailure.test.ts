/**
 * Write failures on the append-only files. Tests run as root here, where chmod blocks nothing,
 * so the failure is real and kernel-made: the child runs under `ulimit -f` (RLIMIT_FSIZE binds
 * root too) and its appends hit EFBIG after a short write, like a full disk would.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index';
import { family, issuance, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs();
let childScript = '';

beforeAll(async () => {
  childScript = path.join(tempDir(), 'child.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'fixtures', 'fileSizeLimitChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childScript,
    logLevel: 'silent',
  });
});

// Uses sh and ulimit: the test suite runs on POSIX (CI is Linux).
describe('append failures (file size limit)', () => {
  it('rejects with a StorageError naming the file, shows nothing that failed, and the files stay clean', async () => {
    const dir = tempDir();
    // 64 blocks of 512 bytes: every file may grow to 32 KiB.
    const res = spawnSync('sh', ['-c', 'ulimit -f 64 && exec "$0" "$1" "$2"', process.execPath, childScript, dir], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!);

    expect(out.famOk).toBeGreaterThan(10);
    expect(out.familyError.name).toBe('StorageError');
    expect(out.familyError.file).toBe(path.join(dir, 'families', 'issuances', 'seg-000001.jsonl'));
    expect(out.familyError.message).toMatch(/could not append to .*seg-000001\.jsonl: the file would exceed the maximum file size allowed \(EFBIG\)/);
    expect(out.failedFamilyVisible).toBe(false);
    expect(out.familySize).toBe(out.famOk);
    expect(out.rotationError.name).toBe('StorageError');
    expect(out.f0Hash).toBe('h0');
    expect(out.rotatedHashVisible).toBe(false);

    expect(out.issOk).toBeGreaterThan(10);
    expect(out.issuanceError.name).toBe('StorageError');
    expect(out.issuanceError.message).toMatch(/seg-000001\.jsonl: .*\(EFBIG\)/);
    expect(out.count).toBe(out.issOk);
    expect(out.failedRowFound).toBe(false);
    expect(out.revokeError.name).toBe('StorageError');
    expect(out.revokeFailedAt).toBeLessThan(out.issOk);
    expect(out.failedRevocationVisible).toBe(false);
    expect(out.failedRevocationListed).toBe(false);

    // Without the limit: no torn tails to repair (the partial bytes were cut), and writes work again.
    const w = warnings();
    const fams = await openStore(path.join(dir, 'families'), { onWarning: w.onWarning, now: () => T0 });
    expect(w.messages).toEqual([]);
    expect(fams.families.size()).toBe(out.famOk);
    expect((await fams.families.get('f0'))?.current.hash).toBe('h0');
    await fams.families.put(family('after'));
    await fams.close();
    const store = await openStore(path.join(dir, 'issuances-only'), { onWarning: w.onWarning, now: () => T0 });
    expect(store.issuances.count()).toBe(out.issOk);
    await store.issuances.append(issuance(1));
    const lost = `j${out.revokeFailedAt}`;
    expect(store.issuances.isRevoked(lost)).toBe(false);
    expect(store.issuances.isRevoked('j0')).toBe(out.revokeFailedAt > 0);
    expect(await store.issuances.revoke(lost, '2026-01-02T00:00:00.000Z', 'now it works')).toBeDefined();
    await store.close();
    const famsAgain = await openStore(path.join(dir, 'families'), { onWarning: w.onWarning, now: () => T0 });
    expect(await famsAgain.families.get('after')).toBeDefined();
    await famsAgain.close();
    const again = await openStore(path.join(dir, 'issuances-only'), { onWarning: w.onWarning, now: () => T0 });
    expect(again.issuances.isRevoked(lost)).toBe(true);
    expect(again.issuances.count()).toBe(out.issOk + 1);
    await again.close();
    expect(w.messages).toEqual([]);
  });
});
