/*
 * The window's theme, applied before first paint: a blocking classic script, because the strict
 * CSP allows no inline script and the React bundle runs only after the first paint. The choice
 * ("light", "dark" or "system") is in localStorage; the app writes it, then fires
 * "authplane:theme" so this one place turns it into <html data-theme>. "system" follows the OS live.
 */
(function () {
  var KEY = 'authplane.theme';
  var media = window.matchMedia('(prefers-color-scheme: dark)');
  function apply() {
    var choice = null;
    try {
      choice = window.localStorage.getItem(KEY);
    } catch (e) {
      /* storage disabled: follow the system */
    }
    var dark = choice === 'dark' || (choice !== 'light' && media.matches);
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  }
  apply();
  media.addEventListener('change', apply);
  window.addEventListener('storage', function (e) {
    if (e.key === KEY) apply();
  });
  document.addEventListener('authplane:theme', apply);
})();
