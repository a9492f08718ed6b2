/**
 * Which AuthPlane the doctor talks to: an issuer and admin token given by the caller (the
 * desktop window, in-process), or the server running on a data dir (its runtime file names
 * the URL; the admin token is read from the data dir, never created). Node-only parts are
 * imported lazily so the walk itself stays importable anywhere fetch exists.
 */

export interface AuthPlaneTarget {
  issuer?: string;
  adminToken?: string;
  /** Why the target is incomplete, in one sentence (no server on the data dir, …). */
  problem?: string;
  fix?: string;
}

export async function locateAuthPlane(opts: { issuer?: string; adminToken?: string; dataDir?: string }): Promise<AuthPlaneTarget> {
  let issuer = opts.issuer;
  let adminToken = opts.adminToken;
  const dd = opts.dataDir;
  const flag = dd ? ` --data-dir ${quote(dd)}` : '';
  if (dd && (!issuer || !adminToken)) {
    const [{ readRunningServer }, fs, path, { ADMIN_TOKEN_FILE }] = await Promise.all([
      import('../store/runtimeFile'),
      import('node:fs/promises'),
      import('node:path'),
      import('../store/secrets'),
    ]);
    if (!issuer) {
      const running = await readRunningServer(dd).catch(() => undefined);
      if (!running) {
        return {
          adminToken,
          problem: `no AuthPlane server is running on the data dir ${dd}`,
          fix: `start it (\`authserver serve${flag}\`) and run the doctor again: it compares your server with the registration and obtains test tokens through the running server`,
        };
      }
      issuer = running.url.replace(/\/$/, '');
    }
    if (!adminToken) {
      adminToken = (await fs.readFile(path.join(path.resolve(dd), ADMIN_TOKEN_FILE), 'utf8').catch(() => '')).trim() || undefined;
      if (!adminToken) {
        return { issuer, problem: `the data dir ${dd} has no readable admin-token file`, fix: `run the doctor as the user who runs \`authserver serve${flag}\`` };
      }
    }
  }
  if (!issuer) {
    return { adminToken, problem: 'no AuthPlane issuer and no data dir were given', fix: 'pass --data-dir (the data dir of the running `authserver serve`)' };
  }
  if (!adminToken) {
    return { issuer, problem: `no admin token for ${issuer}`, fix: 'pass the data dir of the running server so the doctor can read its admin token' };
  }
  return { issuer, adminToken };
}

export const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
