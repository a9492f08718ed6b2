/**
 * Server configuration: one schema, a doc comment per key, validated at start. The CLI flags,
 * the Electron shell and tests all build a Config through `loadConfig`, so a bad value fails
 * the same way everywhere: with the key's name.
 */
import { z } from 'zod';
import { SigningAlg, Sub } from './contracts';
import { RefreshGraceSeconds } from './contracts/settings';

export const ConfigSchema = z.object({
  /** Where resources, clients, keys and the issuance log live. */
  dataDir: z.string().min(1),
  /** Interface to bind. Loopback by default; anything else needs `allowRemote` and prints a warning. */
  host: z.string().default('127.0.0.1'),
  /** TCP port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(9000),
  /** Public issuer URL; defaults to `http://<host>:<port>` (no trailing slash). */
  issuer: z
    .string()
    .url()
    .refine((v) => !v.endsWith('/'), 'issuer must not end with "/" (clients compare it byte for byte)')
    .optional(),
  /** `prompt` shows the consent page; `auto` approves every valid request as `user` (CI). */
  consent: z.enum(['prompt', 'auto']).default('prompt'),
  /** The subject that approves in `auto` mode and is preselected on the consent page. */
  user: Sub.default('dev-user'),
  /** Default signing algorithm for new keys and resources that do not pick one. */
  signingAlg: SigningAlg.default('ES256'),
  /** Access-token lifetime in seconds (RFC 9068 JWT). */
  accessTokenTtl: z.number().int().min(10).max(86400).default(900),
  /** Refresh-token lifetime in seconds; each rotation starts a new one. */
  refreshTokenTtl: z.number().int().min(60).max(90 * 86400).default(7 * 86400),
  /** Authorization-code lifetime in seconds (60 s to 10 min; 10 min as in the product). */
  codeTtl: z.number().int().min(60).max(600).default(600),
  /**
   * Seconds a just-rotated refresh token may be presented again (0 to 5 min). 0, the default and
   * the product's behaviour: rotation is strict, any second use is reuse and revokes the family.
   * Above 0 (opt-in, for clients that lose responses): a retry within the window gets the same
   * new refresh token again, never a second one.
   */
  refreshGrace: RefreshGraceSeconds.default(0),
  /** Seconds a pending consent prompt stays open. */
  interactionTtl: z.number().int().min(30).max(3600).default(600),
  /** Seconds a prompt may have nothing waiting on it (page closed, CLI gone) before it is marked stale. */
  consentWaiterGrace: z.number().int().min(0).max(300).default(5),
  /** Bind to a non-loopback host. Off by default: this is a development tool. */
  allowRemote: z.boolean().default(false),
  /** `fsync`: acknowledged writes survive power loss; `os`: a process crash only. */
  durability: z.enum(['fsync', 'os']).default('fsync'),
  /**
   * Product behaviour instead of Desktop's leniencies: a missing `scope` is refused (not granted
   * as the resource's scopes), a `resource` must be the registered URI or slug byte for byte (no
   * trailing-"/" or case normalisation), and a missing `resource` is refused (not bound to the
   * only or default resource).
   */
  strict: z.boolean().default(false),
  /** Accept `http://` loopback Client ID Metadata Document URLs (local testing of CIMD clients). */
  cimdAllowLoopback: z.boolean().default(true),
  /**
   * Client ID Metadata Documents (a URL as `client_id`): on by default, as the product. Off
   * (`serve --no-cimd`), metadata stops advertising `client_id_metadata_document_supported`, so
   * clients that would send an https document URL (Claude Code) register dynamically instead:
   * the way that works without the internet, since a document on claude.ai cannot be fetched then.
   */
  cimd: z.boolean().default(true),
  /**
   * Record the flow timeline (every exchange at the OAuth endpoints, in memory, secrets masked on
   * read). Off (`serve --no-flows`) only to measure what recording costs.
   */
  recordFlows: z.boolean().default(true),
});
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.infer<typeof ConfigSchema> & { issuer: string };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
// 127.0.0.0/8 as a literal address only: a name like "127.evil.example" can resolve anywhere.
export const isLoopbackHost = (h: string): boolean => LOOPBACK_HOSTS.has(h.toLowerCase()) || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(h);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates; `port` is the bound port when the issuer is derived (so `--port 0` works). */
export function loadConfig(input: ConfigInput, boundPort?: number): Config {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid config ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = parsed.data;
  if (!isLoopbackHost(c.host) && !c.allowRemote) {
    throw new ConfigError(`refusing to bind ${c.host}: AuthPlane is a development server; pass --allow-remote to expose it beyond this machine`);
  }
  const port = boundPort ?? c.port;
  const hostForUrl = c.host.includes(':') && !c.host.startsWith('[') ? `[${c.host}]` : c.host;
  const issuer = c.issuer ?? `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`;
  return { ...c, issuer };
}
