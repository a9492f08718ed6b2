/** A tiny leveled logger that never prints secrets: tokens, codes and secrets are redacted first. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
}

const REDACTIONS: Array<[RegExp, string]> = [
  // JWTs (three base64url parts).
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g, '[jwt]'],
  [/\b(code|refresh_token|access_token|client_secret|token|code_verifier|admin_token|t)=([^&\s"]+)/gi, '$1=[redacted]'],
  [/(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  // The same names as JSON members or `name: value` (a logged body, object or header).
  [/("(?:code|refresh_token|access_token|client_secret|token|code_verifier|admin_token|secret|password)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
  [/\b(refresh_token|access_token|client_secret|code_verifier|admin_token)(\s*:\s*)(?!\[redacted\]|")[^\s,;&"}]+/gi, '$1$2[redacted]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, rep] of REDACTIONS) out = out.replace(re, rep);
  return out;
}

export function createLogger(opts: { level?: 'debug' | 'info' | 'warn' | 'error' | 'silent'; write?: (line: string) => void } = {}): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;
  const min = order[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const at = (level: keyof typeof order) => (msg: string) => {
    if (order[level] >= min) write(`${level === 'info' ? '' : level + ': '}${redact(msg)}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
