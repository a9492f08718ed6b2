import { promises as fsp, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { User } from '../../server/contracts';
import { CorruptDataError, StorageError } from '../../server/errors';
import { LowDocTable } from '../../server/store/docTable';
import { openStore } from '../../server/store/index';
import { iso, T0, useTempDirs } from './helpers';

const tempDir = useTempDirs();
const user = (sub: string, name = sub): User => ({ sub, name, created_at: iso(T0) });

describe('doc tables', () => {
  it('round-trips rows in insertion order and survives a reopen', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.users.put('b', user('b'));
    await store.users.put('a', user('a'));
    await store.users.put('b', user('b', 'Bee')); // replace keeps the position
    expect(store.users.list().map((u) => [u.sub, u.name])).toEqual([['b', 'Bee'], ['a', 'a']]);
    expect(await store.users.remove('a')).toBe(true);
    expect(await store.users.remove('nope')).toBe(false);
    await store.close();

    const again = await openStore(dir);
    expect(again.users.list()).toEqual([user('b', 'Bee')]);
    const file = JSON.parse(await fsp.readFile(path.join(dir, 'users.json'), 'utf8'));
    expect(file).toEqual({ version: 1, rows: [user('b', 'Bee')] });
    await again.close();
  });

  it('coalesces 100 concurrent puts into a few durable file writes', async () => {
    const dir = tempDir();
    const table = await LowDocTable.open<User>(dir, 'users', 'sub', 'fsync');
    await Promise.all(Array.from({ length: 100 }, (_, i) => table.put(`u${i}`, user(`u${i}`))));
    expect(table.fileWrites).toBeGreaterThanOrEqual(1);
    expect(table.fileWrites).toBeLessThanOrEqual(2);
    // Every put resolved, so every row is already in the file.
    const file = JSON.parse(await fsp.readFile(path.join(dir, 'users.json'), 'utf8'));
    expect(file.rows).toHaveLength(100);
    await table.close();
  });

  it('applies a batch in one write, removals included', async () => {
    const dir = tempDir();
    const table = await LowDocTable.open<User>(dir, 'users', 'sub', 'os');
    await table.batch([
      { key: 'x', row: user('x') },
      { key: 'y', row: user('y') },
    ]);
    const before = table.fileWrites;
    await table.batch([
      { key: 'x', row: null },
      { key: 'z', row: user('z') },
    ]);
    expect(table.fileWrites).toBe(before + 1);
    expect(table.list().map((u) => u.sub)).toEqual(['y', 'z']);
    await table.close();
  });

  it('stores frozen copies and rejects a key that does not match the row', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { durability: 'os' });
    const row = user('m');
    await store.users.put('m', row);
    row.name = 'changed by caller';
    expect(store.users.get('m')!.name).toBe('m');
    expect(() => {
      (store.users.get('m') as { name: string }).name = 'x';
    }).toThrow(TypeError);
    await expect(store.users.put('other', user('m'))).rejects.toThrow(/does not match/);
    await store.close();
  });

  it('writes data files 0600 in a 0700 data dir (keys.json holds private keys)', async () => {
    if (process.platform === 'win32') return;
    const dir = path.join(tempDir(), 'nested', 'data');
    const store = await openStore(dir);
    await store.keys.put('k1', { kid: 'k1', alg: 'ES256', private_jwk: { d: 'secret' }, public_jwk: {}, created_at: iso(T0) });
    expect(statSync(path.join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await store.close();
  });

  it('refuses a corrupt file: CorruptDataError naming it, file untouched, a copy kept', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clients.json');
    const garbage = '{"version":1,"rows":[{"client_id":"a",';
    await fsp.writeFile(file, garbage);
    const err = await openStore(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CorruptDataError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toMatch(/not valid JSON \(.+\)/);
    expect(msg).toMatch(/left untouched/);
    expect((err as CorruptDataError).file).toBe(file);
    expect(await fsp.readFile(file, 'utf8')).toBe(garbage);
    const copies = (await fsp.readdir(dir)).filter((n) => n.startsWith('clients.json.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(await fsp.readFile(path.join(dir, copies[0]!), 'utf8')).toBe(garbage);
    // A restart loop on the same corrupt bytes keeps that one copy instead of piling up more.
    await expect(openStore(dir)).rejects.toThrow(`a copy was saved as ${path.join(dir, copies[0]!)}`);
    expect((await fsp.readdir(dir)).filter((n) => n.startsWith('clients.json.corrupt-'))).toHaveLength(1);
  });

  it('refuses a well-formed file with the wrong shape', async () => {
    const dir = tempDir();
    await fsp.writeFile(path.join(dir, 'users.json'), JSON.stringify({ version: 1, rows: [{ name: 'no sub' }] }));
    await expect(openStore(dir)).rejects.toThrow(/users\.json is corrupt: rows\[0\] is not an object with a string "sub"/);
  });

  it('rolls a failed write back and works again once the problem is gone', async () => {
    // chmod cannot stop root, so make the temp-file path impossible instead: the data dir becomes a file (ENOTDIR).
    const parent = tempDir();
    const dir = path.join(parent, 'data');
    const store = await openStore(dir, { durability: 'fsync' });
    await store.clients.put('keep', clientRow('keep'));
    await fsp.rename(dir, `${dir}.away`);
    await fsp.writeFile(dir, 'not a directory');

    const failure = await store.users.put('lost', user('lost')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).file).toBe(path.join(dir, 'users.json'));
    expect((failure as Error).message).toMatch(/could not write .*users\.json: a part of the path is not a directory \(ENOTDIR\)/);
    expect(store.users.get('lost')).toBeUndefined();
    expect(store.users.list()).toEqual([]);
    // A failed removal restores the row.
    await expect(store.clients.remove('keep')).rejects.toBeInstanceOf(StorageError);
    expect(store.clients.get('keep')?.client_id).toBe('keep');

    await fsp.rm(dir);
    await fsp.rename(`${dir}.away`, dir);
    await store.users.put('back', user('back'));
    expect(store.users.list().map((u) => u.sub)).toEqual(['back']);
    await store.close();
    const again = await openStore(dir);
    expect(again.users.list().map((u) => u.sub)).toEqual(['back']);
    expect(again.clients.list().map((c) => c.client_id)).toEqual(['keep']);
    await again.close();
  });

  it('a failed batch keeps later staged changes visible', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'data');
    const store = await openStore(dir, { durability: 'os' });
    await fsp.rename(dir, `${dir}.away`);
    await fsp.writeFile(dir, 'x');
    const first = store.users.put('a', user('a', 'first'));
    // Staged while the first write is in flight: a separate batch.
    await new Promise((r) => setImmediate(r));
    const second = store.users.put('a', user('a', 'second'));
    await expect(first).rejects.toBeInstanceOf(StorageError);
    expect(store.users.get('a')?.name).toBe('second');
    await expect(second).rejects.toBeInstanceOf(StorageError);
    expect(store.users.get('a')).toBeUndefined();
    await fsp.rm(dir);
    await fsp.rename(`${dir}.away`, dir);
    await store.close();
  });

  it('close is idempotent and later writes are refused', async () => {
    const store = await openStore(tempDir(), { durability: 'os' });
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await expect(store.users.put('a', user('a'))).rejects.toBeInstanceOf(StorageError);
  });
});

function clientRow(id: string) {
  return {
    client_id: id,
    client_name: id,
    redirect_uris: [],
    grant_types: ['authorization_code' as const],
    response_types: ['code' as const],
    token_endpoint_auth_method: 'none' as const,
    scope: [],
    status: 'active' as const,
    registration_source: 'admin' as const,
    created_at: iso(T0),
    updated_at: iso(T0),
  };
}
