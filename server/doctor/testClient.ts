/**
 * The doctor's own test client: registered once through the admin API, repaired if edited, and
 * its token revoked when the walk ends so that nothing usable is left behind.
 */
import { request, type DoctorFetch } from './http';
import { isObject, oauthError, type AdminCall, type WalkState } from './stepKit';

/** The public test client the doctor registers (once) to obtain a token. */
export const DOCTOR_CLIENT_ID = 'authplane-doctor';
/** Loopback, never listened on: the doctor reads the code from the redirect's Location. */
export const DOCTOR_REDIRECT_URI = 'http://127.0.0.1/authplane-doctor/callback';

/** Creates the doctor's public client once; repairs it if someone edited it. */
export async function ensureDoctorClient(admin: AdminCall): Promise<void> {
  const want = { redirect_uris: [DOCTOR_REDIRECT_URI], grant_types: ['authorization_code'], scope: [] as string[], status: 'active' };
  const r = await admin(`/clients/${encodeURIComponent(DOCTOR_CLIENT_ID)}`);
  if (r.status === 404) {
    const c = await admin('/clients', {
      method: 'POST',
      json: { client_name: 'AuthPlane doctor (test client)', client_id: DOCTOR_CLIENT_ID, redirect_uris: want.redirect_uris, grant_types: want.grant_types, token_endpoint_auth_method: 'none' },
    });
    if (c.status !== 201) throw new Error(`could not register the test client ${DOCTOR_CLIENT_ID}: ${oauthError(c)}`);
    return;
  }
  if (r.status !== 200 || !isObject(r.json)) throw new Error(`could not read the test client ${DOCTOR_CLIENT_ID}: ${oauthError(r)}`);
  const cur = r.json;
  if (cur.token_endpoint_auth_method !== 'none') throw new Error(`client "${DOCTOR_CLIENT_ID}" exists but is not a public client; delete it (authserver admin client delete ${DOCTOR_CLIENT_ID}) and the doctor recreates it`);
  const same = JSON.stringify(cur.redirect_uris) === JSON.stringify(want.redirect_uris) && Array.isArray(cur.grant_types) && cur.grant_types.includes('authorization_code') && Array.isArray(cur.scope) && cur.scope.length === 0 && cur.status === 'active';
  if (!same) {
    const p = await admin(`/clients/${encodeURIComponent(DOCTOR_CLIENT_ID)}`, { method: 'PATCH', json: want });
    if (p.status !== 200) throw new Error(`could not repair the test client ${DOCTOR_CLIENT_ID}: ${oauthError(p)}`);
  }
}

/** Leave nothing usable behind: revoke the doctor's token (best effort). */
export async function revokeDoctorToken(f: DoctorFetch, ctx: WalkState): Promise<void> {
  if (!ctx.token || typeof ctx.asMeta?.revocation_endpoint !== 'string') return;
  await request(f, ctx.asMeta.revocation_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ctx.token, client_id: DOCTOR_CLIENT_ID }).toString(),
  }).catch(() => undefined);
}
