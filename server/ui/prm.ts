/**
 * The Protected Resource Metadata a resource's MCP server must publish, as AuthPlane expects it
 * (the window shows it, ready to paste). Checking the live server is the doctor's job
 * (server/doctor, the window's "Check my MCP server").
 */
import type { Resource } from '../contracts';
import { protectedResourceMetadata, prmUrl } from '../sdk/prm';
import type { PrmExpectation } from './types';

export function expectedPrm(r: Resource, issuer: string): PrmExpectation {
  const document = protectedResourceMetadata({ resource: r.uri, issuer, scopes: r.scopes.map((s) => s.name), resourceName: r.display_name }) as unknown as Record<string, unknown>;
  return { resource: r.slug, prm_url: prmUrl(r.uri), document, text: JSON.stringify(document, null, 2) };
}
