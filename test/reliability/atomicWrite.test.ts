/**
 * A kill in the middle of a write leaves the old file or the new one, never a torn one.
 *
 * A child process writes through the real store as fast as it can: a ~1 MB doc file
 * (consents.json, temp file + rename), batches of issuance rows (segment JSONL, sealed into
 * .idx every 5,000 rows) and batches of refresh families (family lines in the same token log). It is killed with
 * SIGKILL at a random moment, many times over the same data dir. After each kill:
 *   - consents.json parses and holds the last acknowledged version or the one in flight;
 *   - every acknowledged issuance row and family is in its JSONL file, whole; nothing from a
 *     batch that was never submitted; no jti twice; any torn tail is after the last newline;
 *   - the store opens again (cutting a torn tail with a warning) and sees exactly those rows.
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index';
import { duplicates, inspectDataDir } from './lib/dataFiles';
import { tempDir } from '../helpers/server';

let child = '';
let work = '';
beforeAll(async () => {
  work = await tempDir('authplane-atomic-');
  child = path.join(work, 'writer.mjs');
  await build({ entryPoints: [path.join(import.meta.dirname, 'fixtures', 'writerChild.ts')], outfile: child, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
});
afterAll(async () => {
  if (work) await fsp.rm(work, { recursive: true, force: true });
});

interface Acks {
  D?: number;
  I?: number;
  F?: number;
}

async function runAndKill(dataDir: string, start: number, killAfterMs: number, batch: number): Promise<Acks> {
  const p = spawn(process.execPath, [child, dataDir, String(batch), String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((r) => p.on('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('READY\n')) resolve();
    });
    void exited.then(() => reject(new Error(`writer exited early: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, killAfterMs));
  p.kill('SIGKILL');
  await exited;
  const acks: Acks = {};
  for (const line of out.split('\n')) {
    const m = /^([DIF]) (\d+)$/.exec(line);
    if (m) acks[m[1] as keyof Acks] = Number(m[2]);
  }
  return acks;
}

describe('kill -9 in the middle of writes', () => {
  it('leaves every doc file old-or-new and every JSONL file with whole, acknowledged lines', async () => {
    const dataDir = path.join(work, 'data');
    const BATCH = 300;
    const KILLS = Number(process.env.AUTHPLANE_ATOMIC_KILLS ?? 8);
    let docVersion: number | undefined;
    const ackedIssuanceBatches: number[] = [];
    const ackedFamilyBatches: number[] = [];
    let tempFilesSeen = 0;
    let tornTailsSeen = 0;
    let docWrites = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const start = (kill + 1) * 1_000_000;
      const acks = await runAndKill(dataDir, start, 40 + Math.floor(Math.random() * 400), BATCH);
      const raw = await inspectDataDir(dataDir);
      expect(raw.problems, `kill ${kill}`).toEqual([]);
      tempFilesSeen += raw.tempFiles.length;
      tornTailsSeen += raw.tornTails.length;

      // Doc file: the last acknowledged version, or the one that was being written.
      const doc = JSON.parse(await fsp.readFile(path.join(dataDir, 'consents.json'), 'utf8').catch(() => '{"version":1,"rows":[]}')) as { rows: Array<{ id: string; v: number }> };
      const v = doc.rows.find((r) => r.id === 'big')?.v;
      const acked = acks.D ?? docVersion;
      const inFlight = acks.D !== undefined ? acks.D + 1 : start;
      expect([acked, inFlight], `kill ${kill}: consents.json holds v${v}`).toContain(v);
      if (acks.D !== undefined) docWrites += acks.D - start + 1;
      docVersion = v;

      // Issuance segments: acknowledged batches whole, nothing from batches never submitted.
      if (acks.I !== undefined) for (let n = start; n <= acks.I; n++) ackedIssuanceBatches.push(n);
      const jtis = new Set(raw.jtis);
      expect(duplicates(raw.jtis), `kill ${kill}`).toEqual([]);
      const missing = ackedIssuanceBatches.flatMap((n) => Array.from({ length: BATCH }, (_, k) => `i-${n}-${k}`)).filter((j) => !jtis.has(j));
      expect(missing.length, `kill ${kill}: acknowledged issuance rows missing: ${missing.slice(0, 3).join(', ')}`).toBe(0);
      const tooNew = raw.jtis.filter((j) => Number(j.split('-')[1]) > (acks.I ?? start - 1) + 1 && Number(j.split('-')[1]) >= start);
      expect(tooNew, `kill ${kill}`).toEqual([]);

      // Family lines: the same.
      if (acks.F !== undefined) for (let n = start; n <= acks.F; n++) ackedFamilyBatches.push(n);
      const fams = new Set(raw.families);
      const famMissing = ackedFamilyBatches.flatMap((n) => Array.from({ length: BATCH }, (_, k) => `f-${n}-${k}`)).filter((id) => !fams.has(id));
      expect(famMissing.length, `kill ${kill}: acknowledged families missing`).toBe(0);

      // The store opens (cutting torn tails) and sees exactly what the files hold.
      const warned: string[] = [];
      const store = await openStore(dataDir, { durability: 'os', onWarning: (m) => warned.push(m), issuanceSegmentRows: 5_000 });
      try {
        expect(store.consents.get('big')?.id === 'big' ? (store.consents.get('big') as unknown as { v: number }).v : undefined).toBe(v);
        expect(store.issuances.count()).toBe(jtis.size);
        for (const n of ackedIssuanceBatches.slice(-3)) expect(await store.issuances.get(`i-${n}-${BATCH - 1}`)).toBeDefined();
        for (const n of ackedFamilyBatches.slice(-3)) expect(await store.families.get(`f-${n}-0`)).toBeDefined();
        for (const w of warned) expect(w).toMatch(/incomplete last line|rebuilding it|idx/);
      } finally {
        await store.close();
      }
      const after = await inspectDataDir(dataDir);
      expect(after.tornTails).toEqual([]);
      expect(after.tempFiles).toEqual([]);
    }
    console.log(
      `atomic writes: ${KILLS} kills, ${docWrites} doc rewrites, ${ackedIssuanceBatches.length * BATCH} issuance rows and ${ackedFamilyBatches.length * BATCH} families acknowledged; ` +
        `kills that interrupted an atomic write (temp file left) ${tempFilesSeen}, torn JSONL tails cut ${tornTailsSeen}`,
    );
    expect(ackedIssuanceBatches.length).toBeGreaterThan(KILLS);
    expect(docWrites).toBeGreaterThan(KILLS);
  }, 120_000);

  it('a torn JSONL tail (a write cut short) is dropped at open, with a warning naming the file; the lines before it are intact', async () => {
    const dataDir = await tempDir('authplane-torn-');
    const s1 = await openStore(dataDir, { durability: 'os', onWarning: () => undefined });
    for (let i = 0; i < 5; i++) {
      await s1.issuances.append({ jti: `t-${i}`, sub: 'u', client_id: 'c', resource: 'r', aud: 'http://127.0.0.1:3001/mcp', scope: 'read', grant: 'refresh_token', kid: 'k', issued_at: '2026-01-01T00:00:00.000Z', expires_at: '2099-01-01T00:00:00.000Z' });
    }
    await s1.close();
    const seg = path.join(dataDir, 'issuances', 'seg-000001.jsonl');
    await fsp.appendFile(seg, '{"r":{"jti":"t-5","sub":"u","cli');
    const warned: string[] = [];
    const s2 = await openStore(dataDir, { durability: 'os', onWarning: (m) => warned.push(m) });
    expect(s2.issuances.count()).toBe(5);
    expect(await s2.issuances.get('t-4')).toBeDefined();
    await s2.close();
    expect(warned.join('\n')).toContain(seg);
    expect(warned.join('\n')).toMatch(/incomplete last line/);
    expect((await fsp.readFile(seg, 'utf8')).endsWith('\n')).toBe(true);
    await fsp.rm(dataDir, { recursive: true, force: true });
  });
});
