/**
 * Client authentication for token, revocation and introspection (RFC 6749 §2.3.1): HTTP Basic
 * (id and secret form-urlencoded before base64, §2.3.1) takes precedence over form fields.
 */
import type { HttpContext } from '../../http/context';
import type { Client } from '../../contracts';
import type { Services } from '../../domain/services';
import { InvalidClient, InvalidRequest } from '../../errors';

export interface Credentials {
  clientId?: string;
  secret?: string;
  method: 'basic' | 'post' | 'none';
}

export function readCredentials(ctx: HttpContext, params: Record<string, string>): Credentials {
  const header = ctx.get('authorization');
  if (/^basic /i.test(header)) {
    let decoded: string;
    try {
      decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    } catch {
      throw new InvalidClient('client authentication failed: malformed Basic authorization header');
    }
    const sep = decoded.indexOf(':');
    if (sep < 0) throw new InvalidClient('client authentication failed: Basic credentials must be "client_id:client_secret"');
    let id: string, secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, sep).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(sep + 1).replace(/\+/g, ' '));
    } catch {
      throw new InvalidClient('client authentication failed: Basic credentials are not valid form-urlencoded text');
    }
    if (params.client_id && params.client_id !== id) throw new InvalidRequest('client_id in the body differs from the one in the Authorization header');
    if (params.client_secret) throw new InvalidRequest('send the client secret either in the Authorization header or in the body, not both');
    return { clientId: id, secret, method: 'basic' };
  }
  if (params.client_secret !== undefined) return { clientId: params.client_id, secret: params.client_secret, method: 'post' };
  return { clientId: params.client_id, method: 'none' };
}

export function authenticateClient(ctx: HttpContext, s: Services, params: Record<string, string>): Client {
  const creds = readCredentials(ctx, params);
  ctx.state.clientId = creds.clientId;
  // Either secret transport is accepted whatever was registered: SDKs pick by metadata order.
  return s.clients.authenticate(creds);
}
