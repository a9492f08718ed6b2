/** A pending authorization request waiting for a consent decision (browser page or desktop window). */
import { z } from 'zod';
import { IsoTime, ScopeDef } from './common';
import { RegistrationSource } from './clients';

export const ConsentWaiter = z.enum(['browser', 'cli']);
export type ConsentWaiter = z.infer<typeof ConsentWaiter>;

/** How long `GET /consent/wait` holds an undecided prompt before answering `{pending: true}`. */
export const CONSENT_WAIT_MS = 25_000;

export const PendingInteraction = z.object({
  uid: z.string(),
  created_at: IsoTime,
  expires_at: IsoTime,
  client: z.object({
    client_id: z.string(),
    client_name: z.string(),
    registration_source: RegistrationSource,
  }),
  resource: z.object({ slug: z.string(), uri: z.string(), display_name: z.string() }),
  /** Requested scopes, in the resource catalog's order, with their descriptions. */
  scopes: z.array(ScopeDef),
  redirect_uri: z.string(),
  /** The user preselected for approval (the default user, or `--user`). */
  default_sub: z.string(),
  warnings: z.array(z.string()),
  /**
   * Step-up (SEP-2350), per user who already allowed this client for this resource: the scopes of
   * that grant this request does not ask for. Approving as that user keeps them (the token carries
   * the union), so the prompt says so.
   */
  kept_scopes: z.record(z.string(), z.array(ScopeDef)),
  /** What is waiting on this prompt right now: the consent page in a browser tab, `authserver connect`. */
  waiting: z.array(ConsentWaiter),
  /**
   * Set when nobody will pick the decision up: whatever waited on it went away (tab closed, CLI
   * stopped) or the same client finished another authorization at the same redirect.
   */
  stale: z.enum(['abandoned', 'superseded']).optional(),
});
export type PendingInteraction = z.infer<typeof PendingInteraction>;

export const ConsentDecision = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), sub: z.string().min(1).optional(), scopes: z.array(z.string()).min(1, 'pick at least one scope').optional() }),
  z.object({ action: z.literal('deny') }),
]);
export type ConsentDecision = z.infer<typeof ConsentDecision>;
