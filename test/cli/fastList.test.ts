/** The fast `issuance list` path takes only command lines the full CLI accepts as they are. */
import { describe, expect, it } from 'vitest';
import { parseListArgs } from '../../server/cli/fastList';

describe('parseListArgs', () => {
  it('reads every list flag, in both spellings, with the default page size', () => {
    expect(parseListArgs([])).toEqual({ query: { limit: 50, since: '24h' }, mode: 'table', dataDir: undefined });
    expect(parseListArgs(['--resource', 'mcp-a', '--client=my-agent', '--sub', 'alice', '--grant', 'refresh_token', '--state=revoked', '--jti', 'j', '--limit', '5', '--cursor', 'c', '--json', '--data-dir', '/d'])).toEqual({
      query: { resource: 'mcp-a', client: 'my-agent', sub: 'alice', grant: 'refresh_token', state: 'revoked', jti: 'j', limit: 5, cursor: 'c', since: '24h' },
      mode: 'json',
      dataDir: '/d',
    });
  });

  it('takes the product spellings: --user for the subject, --since, and --all with its larger page', () => {
    expect(parseListArgs(['--user', 'alice', '--since=7d', '--all'])).toEqual({ query: { sub: 'alice', since: '7d', limit: 1000 }, mode: 'all', dataDir: undefined });
  });

  it('leaves anything else to the full CLI', () => {
    for (const args of [['--help'], ['-h'], ['--nope'], ['--limit', '0'], ['--limit', '5001'], ['--limit', '1.5'], ['--limit'], ['--grant', 'password'], ['--state', 'gone'], ['--sub', 'a', '--sub', 'b'], ['--json', '--json'], ['extra'], ['--resource', '--json'], ['--user', 'a', '--sub', 'b'], ['--since', '31d'], ['--since', 'yesterday'], ['--all', '--all']]) {
      expect(parseListArgs(args), args.join(' ')).toBeUndefined();
    }
  });
});
