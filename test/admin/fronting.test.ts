/** /admin/api/fronting and the fronting half of /admin/api/resources, over real HTTP with exact bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, ISO } from './helpers';

let s: TestServer;
const events: AppEvent[] = [];
beforeAll(async () => {
  s = await startTestServer();
  s.services.deps.events.subscribe((e) => events.push(e));
  await s.services.resources.create({ slug: 'gw', uri: 'http://127.0.0.1:3101/mcp', scopes: [{ name: 'A' }, { name: 'B' }] });
  await s.services.resources.create({ slug: 'hidden', uri: 'http://127.0.0.1:3102/mcp', scopes: [{ name: 'AA' }, { name: 'BB' }, { name: 'CC' }] });
});
afterAll(() => s.stop());

const LINK = { source: 'gw', target: 'hidden', scope_map: { A: ['AA'], B: ['BB', 'CC'] } };

describe('fronting links over the admin API', () => {
  it('a dry run validates and returns the link without storing it or emitting an event', async () => {
    const r = await call(s, 'POST', '/fronting?dry_run=true', { json: LINK });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ dry_run: true, link: { id: 'gw/hidden', ...LINK, created_at: ISO } });
    expect((await call(s, 'GET', '/fronting')).body).toEqual([]);
    expect(events.filter((e) => e.type === 'fronting_link.created')).toEqual([]);
  });

  it('creates, lists, gets, shows per resource and deletes, with typed events', async () => {
    const created = await call(s, 'POST', '/fronting', { json: LINK });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/admin/api/fronting/gw/hidden');
    const row = { id: 'gw/hidden', ...LINK, created_at: ISO };
    expect(created.body).toEqual(row);
    expect((await call(s, 'GET', '/fronting')).body).toEqual([row]);
    expect((await call(s, 'GET', '/fronting/gw/hidden')).body).toEqual(row);
    expect((await call(s, 'GET', '/resources/gw/fronting')).body).toEqual({ slug: 'gw', fronts: [row], fronted_by: [] });
    expect((await call(s, 'GET', '/resources/hidden/fronting')).body).toEqual({ slug: 'hidden', fronts: [], fronted_by: [row] });
    expect(events.filter((e) => e.type === 'fronting_link.created').map((e) => e.data)).toEqual([{ link: created.body }]);

    const dup = await call(s, 'POST', '/fronting', { json: LINK });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'conflict', error_description: 'fronting link "gw" -> "hidden" already exists' });

    const refused = await call(s, 'DELETE', '/resources/hidden');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', error_description: 'resource "hidden" is referenced by fronting link "gw" -> "hidden"; delete it first, or delete with cascade', dependents: ['gw/hidden'] });

    const del = await call(s, 'DELETE', '/fronting/gw/hidden');
    expect(del.status).toBe(204);
    expect((await call(s, "GET", "/fronting/gw/hidden")).body).toMatchObject({ error: 'not_found', error_description: 'fronting link "gw" -> "hidden" not found' });
    expect(events.filter((e) => e.type === 'fronting_link.deleted')).toHaveLength(1);
  });

  it('deleting a resource with cascade removes its links', async () => {
    await s.services.resources.create({ slug: 'tmp', uri: 'http://127.0.0.1:3109/mcp', scopes: [{ name: 'AA' }] });
    await call(s, 'POST', '/fronting', { json: { source: 'gw', target: 'tmp', scope_map: { A: ['AA'] } } });
    const r = await call(s, 'DELETE', '/resources/tmp?cascade=true');
    expect(r.status).toBe(204);
    expect((await call(s, 'GET', '/fronting')).body).toEqual([]);
  });

  it.each([
    [{ ...LINK, source: 'nope' }, 'source resource "nope" does not exist'],
    [{ ...LINK, target: 'gw' }, 'target: source and target must differ (no self-loop)'],
    [{ ...LINK, scope_map: {} }, 'scope_map: scope_map must contain at least one entry'],
    [{ ...LINK, scope_map: { A: [] } }, 'scope_map.A: each scope_map entry must list at least one target scope'],
    [{ ...LINK, scope_map: { Z: ['AA'] } }, 'scope_map: source scope "Z" is not defined on resource "gw" (its scopes: A B)'],
    [{ ...LINK, scope_map: { A: ['ZZ'] } }, 'scope_map: target scope "ZZ" is not defined on resource "hidden" (its scopes: AA BB CC)'],
    [{ ...LINK, extra: 1 }, 'Unrecognized key: "extra"'],
  ])('refuses %j with invalid_request', async (body, message) => {
    const r = await call(s, 'POST', '/fronting', { json: body });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: message });
  });

  it('refuses a link that would close a cycle', async () => {
    await call(s, 'POST', '/fronting', { json: LINK });
    const r = await call(s, 'POST', '/fronting', { json: { source: 'hidden', target: 'gw', scope_map: { AA: ['A'] } } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: 'fronting link "hidden" -> "gw" would close a cycle (gw -> hidden -> gw)' });
    const unknown = await call(s, 'POST', '/fronting?dryrun=1', { json: LINK });
    expect(unknown.body).toMatchObject({ error: 'invalid_request', error_description: 'unknown query parameter "dryrun"; accepted: dry_run' });
  });

  it('PATCH replaces the scope map (dry run first), emits fronting_link.patched, and validates as create', async () => {
    if (!s.services.fronting.get('gw', 'hidden')) await call(s, 'POST', '/fronting', { json: LINK });
    const before = (await call(s, 'GET', '/fronting/gw/hidden')).body;
    const patched = events.length;

    const dry = await call(s, 'PATCH', '/fronting/gw/hidden?dry_run=true', { json: { scope_map: { A: ['CC'] } } });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dry_run: true, link: { ...before, scope_map: { A: ['CC'] }, updated_at: ISO } });
    expect((await call(s, 'GET', '/fronting/gw/hidden')).body).toEqual(before);
    expect(events.slice(patched).filter((e) => e.type === 'fronting_link.patched')).toEqual([]);

    const r = await call(s, 'PATCH', '/fronting/gw/hidden', { json: { scope_map: { A: ['CC'], B: ['AA', 'BB'] } } });
    expect(r.status).toBe(200);
    const after = { ...before, scope_map: { A: ['CC'], B: ['AA', 'BB'] }, updated_at: ISO };
    expect(r.body).toEqual(after);
    expect((await call(s, 'GET', '/fronting/gw/hidden')).body).toEqual(r.body);
    expect(r.body.created_at).toBe(before.created_at);
    expect(events.slice(patched).filter((e) => e.type === 'fronting_link.patched').map((e) => e.data)).toEqual([{ link: r.body, before }]);
    const audit = await call(s, 'GET', '/audit?type=fronting_link.patched');
    expect(audit.body.events.map((e: AppEvent) => e.type)).toEqual(['fronting_link.patched']);
  });

  it.each([
    [{ scope_map: { A: ['ZZ'] } }, 400, 'invalid_request', 'scope_map: target scope "ZZ" is not defined on resource "hidden" (its scopes: AA BB CC)'],
    [{ scope_map: { Z: ['AA'] } }, 400, 'invalid_request', 'scope_map: source scope "Z" is not defined on resource "gw" (its scopes: A B)'],
    [{ scope_map: {} }, 400, 'invalid_request', 'scope_map: scope_map must contain at least one entry'],
    [{ scope_map: { A: ['AA'] }, target: 'x' }, 400, 'invalid_request', 'Unrecognized key: "target"'],
    [{}, 400, 'invalid_request', 'scope_map: Invalid input: expected record, received undefined'],
  ])('PATCH refuses %j', async (body, status, error, description) => {
    if (!s.services.fronting.get('gw', 'hidden')) await call(s, 'POST', '/fronting', { json: LINK });
    const before = s.services.fronting.get('gw', 'hidden');
    const r = await call(s, 'PATCH', '/fronting/gw/hidden', { json: body });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ error, error_description: description });
    expect(s.services.fronting.get('gw', 'hidden')).toEqual(before);
  });

  it('PATCH of a link that does not exist is 404', async () => {
    const r = await call(s, 'PATCH', '/fronting/hidden/gw', { json: { scope_map: { AA: ['A'] } } });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', error_description: 'fronting link "hidden" -> "gw" not found' });
  });
});
