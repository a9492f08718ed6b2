/** /admin/api/keys: signing keys (public parts only) and rotation. */
import type { Routes } from '../http/routes';
import { z } from 'zod';
import { SigningAlg } from '../contracts';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { jsonBody } from './http';
import { noQuery } from './query';

export const RotateKeyInput = z.object({ alg: SigningAlg.optional() }).strict();

export function keyRoutes(router: Routes, s: Services): void {
  router.get('/keys', noQuery, (ctx) => {
    ctx.body = s.keys.list();
  });
  router.post('/keys/rotate', noQuery, async (ctx) => {
    const { alg } = parseOrThrow(RotateKeyInput, await jsonBody(ctx));
    ctx.status = 201;
    ctx.body = await s.keys.rotate(alg);
  });
}
