/**
 * Every patch is parsed by its service, whichever adapter passes it on (admin API, CLI, seed):
 * a field a patch may not change is refused with invalid_request and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
});
afterAll(() => s?.stop());

describe('service patches', () => {
  it('a client patch is parsed by ClientService: identity and auth method stay as created', async () => {
    const before = s.services.clients.get('my-agent');
    await expect(s.services.clients.update('my-agent', { registration_source: 'dcr', client_name: 'Renamed' })).rejects.toMatchObject({ error: 'invalid_request', message: 'Unrecognized key: "registration_source"' });
    await expect(s.services.clients.update('my-agent', { status: 'gone' })).rejects.toMatchObject({ error: 'invalid_request' });
    expect(s.services.clients.get('my-agent')).toEqual(before);
    expect(await s.services.clients.update('my-agent', { status: 'suspended' })).toMatchObject({ status: 'suspended', registration_source: 'admin' });
  });

  it('user and resource patches are parsed by their services too', async () => {
    await expect(s.services.users.update('dev-user', { sub: 'eve' })).rejects.toMatchObject({ error: 'invalid_request', message: 'Unrecognized key: "sub"' });
    await expect(s.services.resources.update('mcp-a', { backend_kind: 'broker' })).rejects.toMatchObject({ error: 'invalid_request', message: 'backend_kind: backend_kind must be "mint" (broker resources are not supported locally)' });
  });
});
