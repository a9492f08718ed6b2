/**
 * Faults a developer's machine really has: a corrupt data file, a read-only data dir, a full
 * disk. The rules: a clear error naming the file; the corrupt file kept (never silently reset);
 * no crash loop (a start fails once, cleanly, the same way every time); a request that cannot be
 * persisted fails with 503 `temporarily_unavailable` and never carries a token without its row.
 *
 * Tests run as root, where chmod blocks nothing: read-only and full disks are real tmpfs mounts
 * (skipped where mounting is not allowed); the storage-failure semantics are also checked with
 * faults injected at the store boundary of an in-process server, which runs everywhere.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../server/errors';
import { buildCli, removeBuild, tempDir, type ServeProcess } from '../cli/helpers';
import { startTestServer, seedSingleMcp, type TestServer } from '../helpers/server';
import { inspectDataDir } from './lib/dataFiles';
import { decodeJwtPayload, form, request } from './lib/http';
import { codeFlow, exchange, authorizeCode, fillDisk, mountTmpfs, parseTokens, refreshRequest, remount, serve, serveOnce, unmount, writeSeed } from './lib/serve';

let cli: string;
let home: string;
const running: ServeProcess[] = [];
const mounts: string[] = [];
beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir('authplane-faults-home-');
});
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  for (const m of mounts) unmount(m);
  if (cli) await removeBuild(cli);
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A data dir with every kind of file in it: tables, keys, families with rotations, issuance rows. */
async function populatedDataDir(): Promise<{ dir: string; data: string; seed: string }> {
  const dir = await tempDir();
  const seed = await writeSeed(dir);
  const data = path.join(dir, 'data');
  const s = await serve(cli, home, data, seed);
  const t = await codeFlow(s.issuer);
  const r = await refreshRequest(s.issuer, t.refresh_token!);
  expect(r.status).toBe(200);
  await codeFlow(s.issuer);
  expect(await s.stop('SIGTERM')).toBe(0);
  return { dir, data, seed };
}

async function copyDir(from: string, to: string): Promise<void> {
  await fsp.cp(from, to, { recursive: true });
}

describe('a corrupt data file', () => {
  const cases: Array<{ name: string; file: string; corrupt: (text: string) => string; message: RegExp }> = [
    { name: 'clients.json cut short', file: 'clients.json', corrupt: (t) => t.slice(0, Math.floor(t.length / 2)), message: /clients\.json is corrupt: it is not valid JSON/ },
    { name: 'keys.json with the wrong shape', file: 'keys.json', corrupt: () => '{"version": 1, "rows": {"kid": "x"}}\n', message: /keys\.json is corrupt: "rows" must be an array/ },
    { name: 'a refresh-family line of the token log damaged', file: 'issuances/seg-000001.jsonl', corrupt: (t) => t.replace('{"f":{"id":', '{"f":{"id": garbage'), message: /seg-000001\.jsonl line \d+ is not valid JSON/ },
    { name: 'an issuance segment with a damaged line in the middle', file: 'issuances/seg-000001.jsonl', corrupt: (t) => t.replace('\n', '\n\u0000\u0000\u0000\n'), message: /seg-000001\.jsonl line 2 is not valid JSON/ },
  ];

  let base: { dir: string; data: string; seed: string };
  beforeAll(async () => {
    base = await populatedDataDir();
  });

  for (const c of cases) {
    it(`${c.name}: the start fails with one line naming the file, the file is kept as it is, every start says the same`, async () => {
      const data = path.join(await tempDir(), 'data');
      await copyDir(base.data, data);
      const file = path.join(data, c.file);
      const original = await fsp.readFile(file, 'utf8');
      await fsp.writeFile(file, c.corrupt(original));
      const damaged = await fsp.readFile(file);

      for (let attempt = 0; attempt < 2; attempt++) {
        const r = await serveOnce(cli, home, data, base.seed);
        // One clean failure: exit 1 (not a signal, not a hang), one line, naming the file.
        expect(r.code, r.stderr).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^authserver serve: /);
        expect(r.stderr).toContain(file);
        expect(r.stderr).toMatch(c.message);
        expect(r.stderr).toMatch(/left untouched/);
        expect(r.ms).toBeLessThan(15_000);
        // Never reset: the damaged bytes are still there for the developer to repair.
        expect(sha(await fsp.readFile(file))).toBe(sha(damaged));
        // No lock or runtime file left behind: the next start fails the same way, not "in use".
        await expect(fsp.access(path.join(data, 'server.lock'))).rejects.toThrow();
        await expect(fsp.access(path.join(data, 'server.json'))).rejects.toThrow();
      }
      if (c.file.endsWith('.json')) {
        // Doc files are also copied aside, byte for byte.
        const copies = (await fsp.readdir(path.dirname(file))).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));
        expect(copies.length).toBeGreaterThanOrEqual(1);
        for (const copy of copies) expect(sha(await fsp.readFile(path.join(path.dirname(file), copy)))).toBe(sha(damaged));
        const msg = (await serveOnce(cli, home, data, base.seed)).stderr;
        expect(msg).toContain('.corrupt-');
      }

      // Repaired, the server starts with everything that was there.
      await fsp.writeFile(file, original);
      const s = await serve(cli, home, data, base.seed);
      running.push(s);
      await codeFlow(s.issuer);
      expect(await s.stop('SIGTERM')).toBe(0);
      const after = await inspectDataDir(data);
      expect(after.jtis.length).toBe(4);
    });
  }
});

const canMount = process.platform === 'linux' && process.getuid?.() === 0 && (() => {
  const probe = spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r'], { stdio: 'ignore' });
  return probe.status === 0;
})();

describe.skipIf(!canMount)('a read-only data dir (tmpfs remounted read-only)', () => {
  it('the start fails with one line naming the data dir and saying it is read-only; nothing changes', async () => {
    const { data, seed } = await populatedDataDir();
    const mnt = path.join(await tempDir(), 'mnt');
    await fsp.mkdir(mnt);
    expect(mountTmpfs(mnt, 4096)).toBe(true);
    mounts.push(mnt);
    const ro = path.join(mnt, 'data');
    await copyDir(data, ro);
    const before = await inspectDataDir(ro);
    expect(remount(mnt, 'ro')).toBe(true);

    const r = await serveOnce(cli, home, ro, seed);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`authserver serve: the data dir ${ro} is not writable: the file system is read-only (EROFS). Fix its permissions, or pass a different --data-dir.\n`);
    // A data dir that does not exist yet on a read-only file system: named too.
    const fresh = path.join(mnt, 'new-data');
    const r2 = await serveOnce(cli, home, fresh, seed);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(fresh);
    expect(r2.stderr).toMatch(/read-only \(EROFS\)/);

    expect(remount(mnt, 'rw')).toBe(true);
    expect(await inspectDataDir(ro)).toEqual(before);
    const s = await serve(cli, home, ro, seed);
    running.push(s);
    await codeFlow(s.issuer);
    expect(await s.stop('SIGTERM')).toBe(0);
  });
});

describe.skipIf(!canMount)('a full disk (tmpfs filled up while the server runs)', () => {
  it('answers 503 temporarily_unavailable for everything that must be saved, stays up, and recovers when space is freed', async () => {
    const mnt = path.join(await tempDir(), 'mnt');
    await fsp.mkdir(mnt);
    expect(mountTmpfs(mnt, 2048)).toBe(true);
    mounts.push(mnt);
    const seed = await writeSeed(path.dirname(mnt));
    const data = path.join(mnt, 'data');
    const s = await serve(cli, home, data, seed);
    running.push(s);
    const delivered = new Set<string>();
    let held = (await codeFlow(s.issuer)).refresh_token!;
    const adminToken = (await fsp.readFile(path.join(data, 'admin-token'), 'utf8')).trim();

    const fillers = [await fillDisk(mnt)];
    // A failed append cuts its partial bytes off again, which frees pages: fill those too before each probe.
    const full = async () => void fillers.push(await fillDisk(mnt));
    // Appends can still fill the last page of a file; keep refreshing until the disk refuses.
    let failed: Awaited<ReturnType<typeof refreshRequest>> | undefined;
    for (let i = 0; i < 400 && !failed; i++) {
      const r = await refreshRequest(s.issuer, held);
      if (r.status === 200) {
        const t = parseTokens(r.text);
        delivered.add(t.jti);
        held = t.refresh_token!;
      } else failed = r;
    }
    expect(failed, 'the disk never filled up').toBeDefined();
    const checkUnavailable = (r: { status: number; text: string; headers: Record<string, unknown> }) => {
      expect(r.status).toBe(503);
      expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
      const body = JSON.parse(r.text) as Record<string, unknown>;
      expect(body.error).toBe('temporarily_unavailable');
      expect(body.error_description).toMatch(/could not save/);
      expect(body).not.toHaveProperty('access_token');
      expect(r.text).not.toMatch(/eyJ/);
    };
    checkUnavailable(failed!);

    // Everything else that must write fails the same way; reads keep working.
    await full();
    checkUnavailable(await refreshRequest(s.issuer, held));
    await full();
    const reg = await request(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'x', redirect_uris: ['http://127.0.0.1:9/cb'] }) });
    checkUnavailable(reg);
    await full();
    const adm = await request(`${s.issuer}/admin/api/users`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'someone', name: 'Someone' }) });
    checkUnavailable(adm);
    await full();
    // An authorization the user already consented to saves nothing (codes live in memory), so it
    // still redirects with a code; redeeming that code must save the row, so it is refused once
    // the lines no longer fit in the slack of the files' last blocks (a success is a real token
    // with its row, checked at the end like every delivered one).
    let refused: Awaited<ReturnType<typeof exchange>> | undefined;
    for (let i = 0; i < 50 && !refused; i++) {
      const { code, verifier } = await authorizeCode(s.issuer);
      await full();
      const r = await exchange(s.issuer, code, verifier);
      if (r.status === 200) delivered.add(parseTokens(r.text).jti);
      else refused = r;
    }
    checkUnavailable(refused!);
    expect((await request(`${s.issuer}/health`)).status).toBe(200);
    expect((await request(`${s.issuer}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect(s.child.exitCode).toBeNull();
    expect(s.stderr()).toMatch(/storage failure on .*data.*: could not .*the disk is full \(ENOSPC\)/);

    // Space freed: the refresh token the client holds still works, and so does everything else.
    for (const f of fillers) await fsp.rm(f, { force: true });
    const again = await refreshRequest(s.issuer, held);
    expect(again.status, again.text).toBe(200);
    delivered.add(parseTokens(again.text).jti);
    const t2 = await codeFlow(s.issuer);
    delivered.add(t2.jti);
    expect((await request(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'x', redirect_uris: ['http://127.0.0.1:9/cb'] }) })).status).toBe(201);
    expect(await s.stop('SIGTERM')).toBe(0);

    // Every token that was delivered has its row; the files are whole.
    const d = await inspectDataDir(data);
    expect(d.problems).toEqual([]);
    expect(d.tornTails).toEqual([]);
    for (const jti of delivered) expect(d.jtis).toContain(jti);
    expect(new Set(d.jtis).size).toBe(d.jtis.length);
  });
});

describe('storage failures at the store boundary (in-process, any platform)', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Strict rotation (the default): a refresh token rotated on disk but never delivered is dead
    // at once, so a failed refresh that leaves a half-done rotation behind shows up immediately.
    s = await startTestServer();
    await seedSingleMcp(s);
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** `issuances`: the token log refuses appends (a row alone, or a row with its family change); `families`: the family index refuses puts. */
  function failNext(target: 'issuances' | 'families', times = 1): { restore(): void } {
    const table = s.store[target] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const methods = target === 'issuances' ? ['append', 'appendFamily'] : ['put'];
    const orig = methods.map((m) => table[m]!);
    let left = times;
    for (const [k, method] of methods.entries()) {
      table[method] = function (this: unknown, ...args: unknown[]) {
        if (left-- > 0) return Promise.reject(new StorageError(path.join(s.dataDir, 'issuances/seg-000001.jsonl'), 'could not append to it: the disk is full (ENOSPC)'));
        return orig[k]!.apply(this, args);
      };
    }
    return { restore: () => methods.forEach((m, k) => (table[m] = orig[k]!)) };
  }

  async function tokens(): Promise<{ access_token: string; refresh_token: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', resource: 'mcp-a', code_challenge: challenge, code_challenge_method: 'S256' });
    const a = await request(`${s.issuer}/oauth/authorize?${q}`);
    const code = new URL(a.headers.location!).searchParams.get('code')!;
    const r = await request(`${s.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback' }) });
    expect(r.status).toBe(200);
    return JSON.parse(r.text);
  }

  const refresh = (rt: string) => request(`${s.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'my-agent' }) });

  it('a code exchange whose issuance row cannot be saved is a 503 with no token in it', async () => {
    const before = s.store.issuances.count();
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', resource: 'mcp-a', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
    const code = new URL((await request(`${s.issuer}/oauth/authorize?${q}`)).headers.location!).searchParams.get('code')!;
    const f = failNext('issuances');
    const r = await request(`${s.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback' }) });
    f.restore();
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text)).toMatchObject({ error: 'temporarily_unavailable' });
    expect(r.text).not.toMatch(/access_token|refresh_token|eyJ/);
    expect(s.store.issuances.count()).toBe(before);
  });

  for (const target of ['issuances', 'families'] as const) {
    it(`a refresh whose ${target === 'issuances' ? 'issuance row' : 'family rotation'} cannot be saved is a 503, and the refresh token the client holds still works afterwards`, async () => {
      const t = await tokens();
      const f = failNext(target);
      const failed = await refresh(t.refresh_token);
      f.restore();
      expect(failed.status).toBe(503);
      expect(JSON.parse(failed.text)).toMatchObject({ error: 'temporarily_unavailable' });
      expect(failed.text).not.toMatch(/eyJ/);
      // "Nothing was issued", so nothing was consumed: the same refresh token works now.
      const retry = await refresh(t.refresh_token);
      expect(retry.status, retry.text).toBe(200);
      const jti = decodeJwtPayload(JSON.parse(retry.text).access_token).jti as string;
      expect(await s.store.issuances.get(jti)).toBeDefined();
    });
  }
});
