/** The flow contract names only what the server records (the window labels every kind it lists). */
import { describe, expect, it } from 'vitest';
import { FlowEndpoint, FlowKind } from '../../server/contracts/flows';
import { startKind } from '../../server/flows/facts';

describe('FlowKind', () => {
  it('is exactly the kinds a recorded step can start: a doctor walk is no flow (its report shows its round trips)', () => {
    const produced = new Set<string>();
    for (const endpoint of FlowEndpoint.options) {
      for (const grantType of [undefined, 'authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']) {
        produced.add(startKind({ endpoint, grantType, joins: [], joinOnce: [], provides: [], discovery: false, peer: () => '127.0.0.1' }));
      }
    }
    expect([...FlowKind.options].sort()).toEqual([...produced].sort());
    expect(FlowKind.safeParse('doctor').success).toBe(false);
  });
});
