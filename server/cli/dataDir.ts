/** Where the data dir is: --data-dir, then $AUTHPLANE_DATA_DIR, then the platform default (commander-free). */
export async function resolveDataDir(flag?: string): Promise<string> {
  if (flag) return flag;
  if (process.env.AUTHPLANE_DATA_DIR) return process.env.AUTHPLANE_DATA_DIR;
  const { defaultDataDir } = await import('../store/paths');
  return defaultDataDir();
}
