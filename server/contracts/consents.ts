/** A remembered consent: user × client × resource → scopes. Covers later requests for a subset. */
import { z } from 'zod';
import { IsoTime } from './common';

export const ConsentGrant = z.object({
  id: z.string(),
  sub: z.string(),
  client_id: z.string(),
  resource: z.string().describe('resource slug'),
  scopes: z.array(z.string()),
  created_at: IsoTime,
  updated_at: IsoTime,
  revoked_at: IsoTime.optional(),
});
export type ConsentGrant = z.infer<typeof ConsentGrant>;
