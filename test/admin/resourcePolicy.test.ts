/**
 * The product's policy sub-lists over real HTTP: /admin/api/resources/:slug/policy/runtime/client-ids
 * and …/policy/exchange/allowed-clients (list, add, remove), exact bodies, typed events in the
 * audit trail, and the runtime list taking effect at /oauth/introspect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { codeFlow, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { call } from './helpers';

let s: TestServer;
let rsSecret: string;
const events: AppEvent[] = [];
const RUNTIME = '/resources/mcp-a/policy/runtime/client-ids';
const EXCHANGE = '/resources/mcp-a/policy/exchange/allowed-clients';

beforeAll(async () => {
  s = await startTestServer();
  s.services.deps.events.subscribe((e) => events.push(e));
  await seedSingleMcp(s);
  rsSecret = (await s.services.clients.create({ client_name: 'rs', client_id: 'mcp-a-rs', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' })).client_secret!;
  await s.services.clients.create({ client_name: 'gw', client_id: 'gw-client', grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'], token_endpoint_auth_method: 'client_secret_basic' });
});
afterAll(() => s.stop());

const types = (from: number) => events.slice(from).map((e) => e.type);

describe('runtime client_ids sub-list', () => {
  it('lists, adds (idempotently) and removes, answering the list after each change as {"client_ids":[…]}', async () => {
    expect(await call(s, 'GET', RUNTIME)).toMatchObject({ status: 200, text: '{"client_ids":[]}' });
    const from = events.length;
    expect(await call(s, 'POST', RUNTIME, { json: { client_id: 'mcp-a-rs' } })).toMatchObject({ status: 200, text: '{"client_ids":["mcp-a-rs"]}' });
    expect(await call(s, 'POST', RUNTIME, { json: { client_id: 'gw-client' } })).toMatchObject({ status: 200, text: '{"client_ids":["mcp-a-rs","gw-client"]}' });
    expect(await call(s, 'POST', RUNTIME, { json: { client_id: 'gw-client' } })).toMatchObject({ status: 200, text: '{"client_ids":["mcp-a-rs","gw-client"]}' });
    expect(s.services.resources.require('mcp-a').policy?.runtime?.client_ids).toEqual(['mcp-a-rs', 'gw-client']);
    expect(await call(s, 'DELETE', `${RUNTIME}/gw-client`)).toMatchObject({ status: 200, text: '{"client_ids":["mcp-a-rs"]}' });
    expect(types(from)).toEqual(['resource.policy.runtime.client.added', 'resource.policy.runtime.client.added', 'resource.policy.runtime.client.removed']);
    expect(events.at(-1)?.data).toEqual({ slug: 'mcp-a', client_id: 'gw-client', client_ids: ['mcp-a-rs'] });
    const audit = await call(s, 'GET', '/audit?type=resource.policy.runtime.client.removed');
    expect(audit.body.events.map((e: AppEvent) => e.data)).toEqual([{ slug: 'mcp-a', client_id: 'gw-client', client_ids: ['mcp-a-rs'] }]);
  });

  it('takes effect at /oauth/introspect: the listed RS client is entitled, a removed one is not', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: 'http://127.0.0.1:3001/mcp' });
    const introspect = () => postForm(`${s.issuer}/oauth/introspect`, { token: tokens.access_token, client_id: 'mcp-a-rs', client_secret: rsSecret });
    expect((await introspect()).json).toMatchObject({ active: true, client_id: 'my-agent' });
    await call(s, 'DELETE', `${RUNTIME}/mcp-a-rs`);
    expect((await introspect()).text).toBe('{"active":false}');
  });
});

describe('exchange allowed-clients sub-list', () => {
  it('answers {"allowed_client_ids":[…]}, keeps the runtime list, and emits the exchange events', async () => {
    await call(s, 'POST', RUNTIME, { json: { client_id: 'mcp-a-rs' } });
    const from = events.length;
    expect(await call(s, 'GET', EXCHANGE)).toMatchObject({ status: 200, text: '{"allowed_client_ids":[]}' });
    expect(await call(s, 'POST', EXCHANGE, { json: { client_id: 'gw-client' } })).toMatchObject({ status: 200, text: '{"allowed_client_ids":["gw-client"]}' });
    expect(s.services.resources.require('mcp-a').policy).toEqual({ runtime: { client_ids: ['mcp-a-rs'] }, exchange: { allowed_client_ids: ['gw-client'] } });
    expect(await call(s, 'DELETE', `${EXCHANGE}/gw-client`)).toMatchObject({ status: 200, text: '{"allowed_client_ids":[]}' });
    expect(types(from)).toEqual(['resource.policy.exchange.allowed_client.added', 'resource.policy.exchange.allowed_client.removed']);
  });
});

describe('bad input', () => {
  it.each([
    ['POST', RUNTIME, { client_id: 'nobody' }, 400, 'invalid_request', 'client "nobody" is not registered'],
    ['POST', RUNTIME, { client_id: '' }, 400, 'invalid_request', 'client_id: client_id is required'],
    ['POST', RUNTIME, { client: 'mcp-a-rs' }, 400, 'invalid_request', 'client_id: Invalid input: expected string, received undefined; Unrecognized key: "client"'],
    ['POST', '/resources/nope/policy/runtime/client-ids', { client_id: 'mcp-a-rs' }, 404, 'not_found', 'resource "nope" not found'],
    ['GET', '/resources/nope/policy/exchange/allowed-clients', undefined, 404, 'not_found', 'resource "nope" not found'],
    ['DELETE', `${RUNTIME}/gw-client`, undefined, 404, 'not_found', 'client "gw-client" is not in policy.runtime.client_ids of resource "mcp-a"'],
    ['DELETE', `${EXCHANGE}/gw-client`, undefined, 404, 'not_found', 'client "gw-client" is not in policy.exchange.allowed_client_ids of resource "mcp-a"'],
  ])('%s %s %j → %i %s', async (method, path, json, status, error, description) => {
    const before = s.services.resources.require('mcp-a');
    const r = await call(s, method, path, json === undefined ? {} : { json });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ error, error_description: description });
    expect(s.services.resources.require('mcp-a')).toEqual(before);
  });
});
