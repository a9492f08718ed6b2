/** POST /oauth/token: parse the form, authenticate the client, check the grant is allowed, dispatch. */
import type { RouteTable } from '../../http/routes';
import type { HttpContext } from '../../http/context';
import type { Client, GrantType } from '../../contracts';
import type { Services } from '../../domain/services';
import type { TokenResponse } from '../../domain/tokens';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../errors';
import { readForm } from '../../http/body';
import { noStore } from '../../http/guards';
import { faultStep } from '../faults';
import { PATHS } from '../paths';
import { authenticateClient } from './clientAuth';
import { authorizationCodeGrant } from './authorizationCode';
import { clientCredentialsGrant } from './clientCredentials';
import { refreshTokenGrant } from './refreshToken';
import { tokenExchangeGrant } from './tokenExchange';
import { TOKEN_EXCHANGE_GRANT } from '../../contracts/enums';

type Grant = (ctx: HttpContext, s: Services, client: Client, p: Record<string, string>) => Promise<TokenResponse>;

const GRANTS = new Map<string, Grant>([
  ['authorization_code', authorizationCodeGrant],
  ['refresh_token', refreshTokenGrant],
  ['client_credentials', clientCredentialsGrant],
  [TOKEN_EXCHANGE_GRANT, tokenExchangeGrant],
]);

export function tokenHandler(s: Services) {
  return async function token(ctx: HttpContext): Promise<void> {
    const { params } = await readForm(ctx);
    const grantType = params.grant_type;
    if (!grantType) throw new InvalidRequest('grant_type is required');
    const grant = GRANTS.get(grantType);
    if (!grant) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported (supported: ${[...GRANTS.keys()].join(', ')})`);
    const client = authenticateClient(ctx, s, params);
    // Refresh is allowed for any client that got a refresh token; the others must be registered.
    if (!client.grant_types.includes(grantType as GrantType)) {
      throw new UnauthorizedClient(`client "${client.client_id}" is not registered for the ${grantType} grant (its grant_types: ${client.grant_types.join(', ')})`);
    }
    ctx.body = await grant(ctx, s, client, params);
  };
}

export function mountToken(router: RouteTable, s: Services): void {
  router.post(PATHS.token, noStore, faultStep(s.faults, 'token'), tokenHandler(s));
}
