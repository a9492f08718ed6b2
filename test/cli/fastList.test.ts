/** The fast `issuance list` path takes only command lines the full CLI accepts as they are. */
import { describe, expect, it } from 'vitest';
import { parseListArgs } from '../../server/cli/fastList';

describe('parseListArgs', () => {
  it('reads every list flag, in both spellings, with the default page size', () => {
    expect(parseListArgs([])).toEqual({ query: { limit: 50 }, json: false, dataDir: undefined });
    expect(parseListArgs(['--resource', 'mcp-a', '--client=my-agent', '--sub', 'alice', '--grant', 'refresh_token', '--state=revoked', '--jti', 'j', '--limit', '5', '--cursor', 'c', '--json', '--data-dir', '/d'])).toEqual({
      query: { resource: 'mcp-a', client: 'my-agent', sub: 'alice', grant: 'refresh_token', state: 'revoked', jti: 'j', limit: 5, cursor: 'c' },
      json: true,
      dataDir: '/d',
    });
  });

  it('leaves anything else to the full CLI', () => {
    for (const args of [['--help'], ['-h'], ['--nope'], ['--limit', '0'], ['--limit', '5001'], ['--limit', '1.5'], ['--limit'], ['--grant', 'password'], ['--state', 'gone'], ['--sub', 'a', '--sub', 'b'], ['--json', '--json'], ['extra'], ['--resource', '--json']]) {
      expect(parseListArgs(args), args.join(' ')).toBeUndefined();
    }
  });
});
