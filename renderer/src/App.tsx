/** The window: sign-in gate, sidebar, routed views, command palette. */
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { startEvents } from './api/events';
import { useConnectionState } from './api/hooks';
import { initAuth, subscribeUnauthorized, type AuthState } from './api/http';
import { api } from './api/admin';
import { FaultBanner } from './components/faultBanner';
import { CommandPalette } from './components/palette';
import { ThemeSwitch } from './components/theme';
import { ToastProvider } from './components/toast';
import { Button, Spinner } from './components/ui';
import { IconLogOut, IconSearch, Logo } from './components/icons';
import { href, useRoute } from './lib/router';
import { NAV } from './nav';
import { CatalogProvider, useCatalog } from './state/catalog';
import { LoginScreen } from './views/Login';
import { PromptsView } from './views/Prompts';
import { IssuancesView } from './views/Issuances';
import { ActivityView } from './views/Activity';

const DecoderView = lazy(() => import('./views/Decoder'));
const ResourcesView = lazy(() => import('./views/Resources'));
const ClientsView = lazy(() => import('./views/Clients'));
const UsersView = lazy(() => import('./views/Users'));
const ConsentsView = lazy(() => import('./views/Consents'));
const KeysView = lazy(() => import('./views/Keys'));
const AuditView = lazy(() => import('./views/Audit'));
const SettingsView = lazy(() => import('./views/Settings'));
const FlowsView = lazy(() => import('./views/Flows'));

/** Read once at load: the server redirects a reused sign-in link to `?login=used`. */
const LOGIN_LINK_USED = new URL(location.href).searchParams.get('login') === 'used';

type Boot = { state: 'loading' } | { state: 'in'; auth: AuthState } | { state: 'out'; reason?: 'used' | 'expired' } | { state: 'error'; error: Error };

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  useEffect(() => {
    const used = LOGIN_LINK_USED;
    const u = new URL(location.href);
    if (u.searchParams.has('login')) {
      u.searchParams.delete('login');
      history.replaceState(null, '', u.pathname + u.search + u.hash);
    }
    initAuth().then(
      (auth) => {
        if (auth) {
          setBoot({ state: 'in', auth });
          startEvents();
        } else setBoot({ state: 'out', reason: used ? 'used' : undefined });
      },
      (error: Error) => setBoot({ state: 'error', error }),
    );
    return subscribeUnauthorized(() => setBoot((b) => (b.state === 'in' && b.auth.mode === 'cookie' ? { state: 'out', reason: 'expired' } : b)));
  }, []);

  if (boot.state === 'loading') return <Spinner label="Connecting to AuthPlane" />;
  if (boot.state === 'error')
    return (
      <div className="center-screen">
        <div className="card login" role="alert">
          <h1>Cannot reach the AuthPlane server</h1>
          <p className="muted">{boot.error.message}</p>
          <p className="muted">Check that the server is still running, then reload.</p>
          <div className="form-actions">
            <Button variant="primary" onClick={() => location.reload()}>
              Reload
            </Button>
          </div>
        </div>
      </div>
    );
  if (boot.state === 'out') return <LoginScreen reason={boot.reason} />;
  return (
    <ToastProvider>
      <CatalogProvider issuer={boot.auth.issuer} mode={boot.auth.mode}>
        <Shell />
      </CatalogProvider>
    </ToastProvider>
  );
}

function Shell() {
  const route = useRoute();
  const [palette, setPalette] = useState(false);
  const top = `/${route.parts[0] ?? 'prompts'}`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette((p) => !p);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const item = NAV.find((n) => n.path === top);
    document.title = item ? `${item.label} · AuthPlane` : 'AuthPlane';
    // Move focus to the new page's heading for screen readers and keyboard users.
    requestAnimationFrame(() => {
      if (document.activeElement === document.body || document.activeElement?.closest('.sidebar')) document.querySelector<HTMLElement>('#main')?.focus({ preventScroll: true });
    });
  }, [top]);

  let view: ReactNode;
  switch (top) {
    case '/prompts':
      view = <PromptsView />;
      break;
    case '/issuances':
      view = <IssuancesView route={route} />;
      break;
    case '/flows':
      view = <FlowsView route={route} />;
      break;
    case '/activity':
      view = <ActivityView />;
      break;
    case '/audit':
      view = <AuditView />;
      break;
    case '/decoder':
      view = <DecoderView route={route} />;
      break;
    case '/resources':
      view = <ResourcesView route={route} />;
      break;
    case '/clients':
      view = <ClientsView route={route} />;
      break;
    case '/users':
      view = <UsersView />;
      break;
    case '/consents':
      view = <ConsentsView />;
      break;
    case '/keys':
      view = <KeysView />;
      break;
    case '/settings':
      view = <SettingsView />;
      break;
    default:
      view = <PromptsView />;
  }
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar current={top} onSearch={() => setPalette(true)} />
      <main className="main" id="main" tabIndex={-1} aria-label={NAV.find((n) => n.path === top)?.label}>
        <FaultBanner />
        <Suspense fallback={<Spinner />}>{view}</Suspense>
      </main>
      <CommandPalette open={palette} onClose={() => setPalette(false)} />
    </div>
  );
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

function Sidebar({ current, onSearch }: { current: string; onSearch: () => void }) {
  const { pending, issuer, mode } = useCatalog();
  const conn = useConnectionState();
  const sections = ['Live', 'Tools', 'Configure'] as const;
  return (
    <aside className="sidebar">
      <div className="brand">
        <Logo className="brand-mark" />
        <div className="brand-text">
          <div className="brand-name">AuthPlane</div>
          <div className="brand-sub">Local OAuth for MCP</div>
        </div>
      </div>
      <button type="button" className="search-trigger" onClick={onSearch} aria-label="Search and jump (command palette)" aria-keyshortcuts={isMac ? 'Meta+K' : 'Control+K'}>
        <IconSearch className="sr-icon" />
        <span>Search or jump to…</span>
        <span className="kbd-group" aria-hidden="true">
          <kbd>{isMac ? '⌘' : 'Ctrl'}</kbd>
          <kbd>K</kbd>
        </span>
      </button>
      <nav aria-label="Main">
        {sections.map((s) => (
          <div className="nav-section" key={s}>
            <div className="nav-label" aria-hidden="true">
              {s}
            </div>
            {NAV.filter((n) => n.section === s).map((n) => (
              <a key={n.path} className="nav-item" href={href(n.path)} title={n.label} aria-current={current === n.path ? 'page' : undefined}>
                {n.icon}
                <span>{n.label}</span>
                {n.path === '/prompts' && pending.length > 0 && (
                  <span className="nav-count" aria-label={`${pending.length} pending`}>
                    {pending.length}
                  </span>
                )}
              </a>
            ))}
          </div>
        ))}
      </nav>
      <div className="sidebar-foot">
        <div className="server-line" title={conn === 'live' ? 'Live: updates stream in' : conn === 'connecting' ? 'Connecting…' : 'Disconnected: retrying'}>
          <span className={`live-dot ${conn}`} aria-hidden="true" />
          <span className="mono">{issuer.replace(/^https?:\/\//, '')}</span>
          <span className="sr-only">{conn === 'live' ? 'live' : conn}</span>
        </div>
        <ThemeSwitch />
        {mode === 'cookie' && (
          <Button
            variant="ghost"
            size="sm"
            icon={<IconLogOut />}
            onClick={async () => {
              await api.logout().catch(() => undefined);
              location.reload();
            }}
          >
            Sign out
          </Button>
        )}
      </div>
    </aside>
  );
}
