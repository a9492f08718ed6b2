/** Where the tests find Chromium (CHROMIUM_PATH overrides); shared by the browser helper and the run's setup check. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
