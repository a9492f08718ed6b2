/**
 * The running server's changeable settings, owned here and nowhere else: the token service asks
 * for the refresh grace at each rotation, the admin API and the window change it. The config
 * stays what the server was started with (a restart returns to it); a change is in memory only
 * and is an event, so the audit trail says who made it.
 */
import { SettingsPatch, unknownSettingMessage, type AdminActor, type RuntimeSettings, type SettingsView } from '../contracts/settings';
import { InvalidRequest } from '../errors';
import type { CoreDeps } from './deps';
import { parseOrThrow } from './parse';

export class SettingsService {
  private current: RuntimeSettings;

  constructor(private readonly d: Pick<CoreDeps, 'config' | 'events' | 'log'>) {
    this.current = this.startup();
  }

  /** Seconds a rotated-out refresh token stays usable (0: strict rotation, the product's behaviour). */
  get refreshGraceS(): number {
    return this.current.refresh_grace_s;
  }

  view(): SettingsView {
    const c = this.d.config;
    return {
      ...this.current,
      startup: this.startup(),
      serve: {
        issuer: c.issuer,
        data_dir: c.dataDir,
        consent_mode: c.consent,
        default_user: c.user,
        strict: c.strict,
        signing_alg: c.signingAlg,
        access_token_ttl_s: c.accessTokenTtl,
        refresh_token_ttl_s: c.refreshTokenTtl,
        code_ttl_s: c.codeTtl,
      },
    };
  }

  /** Applies a PATCH body; a body that changes nothing emits nothing. */
  update(input: unknown, by: AdminActor): SettingsView {
    const unknown = unknownSettingMessage(input);
    if (unknown) throw new InvalidRequest(unknown);
    const patch = parseOrThrow(SettingsPatch, input);
    const before = this.current;
    const after = { ...before, ...patch };
    if (after.refresh_grace_s !== before.refresh_grace_s) {
      this.current = after;
      this.d.log.info(`refresh grace set to ${after.refresh_grace_s} s by ${by === 'window' ? 'the window' : 'the admin API'} (until restart; ${before.refresh_grace_s} s before)`);
      this.d.events.emit('settings.changed', { before, after, by });
    }
    return this.view();
  }

  private startup(): RuntimeSettings {
    return { refresh_grace_s: this.d.config.refreshGrace };
  }
}
