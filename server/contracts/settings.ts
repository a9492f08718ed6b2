/**
 * The running server's settings: what `GET/PATCH /admin/api/settings`, `authserver admin settings`
 * and the window's Settings page share. Only the refresh grace can change while the server runs;
 * the change lives in memory (the `serve` flag and the config file are the durable way), so a
 * restart goes back to the value the server was started with.
 */
import { z } from 'zod';
import { unknownParamMessage } from './adminQueries';
import { MAX_REFRESH_GRACE_S } from './duration';

/** Seconds a just-rotated refresh token may be presented again: 0 (strict, the product) to 5 min. */
export const RefreshGraceSeconds = z
  .number()
  .int('whole seconds, e.g. 30')
  .min(0, 'at least 0 (0: strict rotation, as the product)')
  .max(MAX_REFRESH_GRACE_S, `at most ${MAX_REFRESH_GRACE_S} s (5m): a longer window is a longer replay window`);

/** The settings a running server lets the admin change. */
export const RuntimeSettings = z.object({ refresh_grace_s: RefreshGraceSeconds }).strict();
export type RuntimeSettings = z.infer<typeof RuntimeSettings>;

/** A PATCH names one or more settings; anything else is refused with the accepted names. */
export const SettingsPatch = RuntimeSettings.partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: `name a setting to change; accepted: ${Object.keys(RuntimeSettings.shape).join(', ')}` });
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** The unknown-key message for a PATCH body (the query parameters' wording: names the accepted ones). */
export function unknownSettingMessage(body: unknown): string | undefined {
  return body && typeof body === 'object' && !Array.isArray(body) ? unknownParamMessage(RuntimeSettings, body as Record<string, unknown>, 'setting') : undefined;
}

/** Who changed a setting: the window (desktop or browser UI) or the admin token from outside a browser (CLI, curl). */
export type AdminActor = 'window' | 'admin_token';

/** The serve settings fixed at start (flags, config file), shown read-only beside the live ones. */
export interface ServeSettingsView {
  issuer: string;
  data_dir: string;
  consent_mode: 'prompt' | 'auto';
  default_user: string;
  strict: boolean;
  signing_alg: string;
  access_token_ttl_s: number;
  refresh_token_ttl_s: number;
  code_ttl_s: number;
}

export interface SettingsView extends RuntimeSettings {
  /** The values the server started with: a restart returns to them. */
  startup: RuntimeSettings;
  serve: ServeSettingsView;
}
