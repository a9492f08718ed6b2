/** `authserver admin token mint`: test tokens for exercising an MCP server's refusal paths. */
import { Command } from 'commander';
import { withAdminPort } from '../adminPort';
import { collect, defined, parseSeconds, run, withCommon } from '../common';
import { printJson, usageError } from '../output';

interface MintFlags {
  resource: string;
  sub?: string;
  scope?: string;
  clientId?: string;
  expiresIn?: string;
  expired?: boolean;
  notBefore?: string;
  aud?: string;
  unknownKey?: boolean;
  claim?: string[];
}

const MINT_HELP = `
A test token is a real at+jwt signed by AuthPlane's current key for the resource (unless
--unknown-key), with the chosen defects. It is NOT a grant: no issuance row, no refresh family,
no consent, and it cannot be revoked; it never appears in \`admin issuance list\`.

--claim k=v adds a claim; v is read as JSON when it parses (true, 42, ["a"], {"x":1}), else as
a string. Claims the minter sets (iss sub aud exp nbf iat jti scope client_id) have their own flags.

Output: the JWT alone; with --json the object from POST /admin/api/tokens
({"access_token": …, "kid", "aud", "scope", "iat", "nbf", "exp", …}).

Examples:
  authserver admin token mint --resource mcp-a --expired
  authserver admin token mint --resource mcp-a --scope read --claim tenant=acme`;

/** `k=v` pairs into an object; a value that parses as JSON is kept typed. */
export function parseClaims(pairs: string[] | undefined): Record<string, unknown> | undefined {
  if (!pairs?.length) return undefined;
  const claims: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw usageError(`--claim "${pair}": expected name=value`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: the text itself.
    }
    claims[pair.slice(0, eq)] = value;
  }
  return claims;
}

export function tokenCommand(): Command {
  const cmd = new Command('token').description('mint test tokens (not grants: never in the issuance log)');

  withCommon(cmd.command('mint').description('print a test token for a resource: expired, not yet valid, another audience, chosen scopes, custom claims or an unknown key'))
    .requiredOption('--resource <slug|uri>', 'registered resource (its key algorithm, audience, scopes and lifetime)')
    .option('--sub <sub>', 'subject (default: the default user)')
    .option('--scope <scopes>', 'space-separated scopes (default: every scope of the resource; "" for none)')
    .option('--client-id <client_id>', 'the client_id claim (default: authplane-test-token)')
    .option('--expires-in <duration>', 'lifetime: 90s, 15m, 2h, at most 1d (default: the resource\'s access-token lifetime)')
    .option('--expired', 'exp one hour ago')
    .option('--not-before <duration>', 'not yet valid: nbf this far in the future')
    .option('--aud <uri>', 'audience instead of the resource URI')
    .option('--unknown-key', 'sign with a fresh key that is not in the JWKS (never stored)')
    .option('--claim <k=v>', 'add a claim (repeatable)', collect)
    .addHelpText('after', MINT_HELP)
    .action(
      run<MintFlags>(async ({ opts, out, json, dataDir }) => {
        if (opts.expired && opts.notBefore !== undefined) throw usageError('--expired and --not-before contradict each other: pass one');
        const input = defined({
          resource: opts.resource,
          sub: opts.sub,
          scope: opts.scope,
          client_id: opts.clientId,
          expires_in: parseSeconds('--expires-in', opts.expiresIn),
          expired: opts.expired,
          not_before: parseSeconds('--not-before', opts.notBefore),
          aud: opts.aud,
          unknown_key: opts.unknownKey,
          claims: parseClaims(opts.claim),
        });
        const minted = await withAdminPort(await dataDir(), (p) => p.mintToken(input));
        if (json) return printJson(out, minted);
        out.stdout(minted.access_token);
      }),
    );
  return cmd;
}
