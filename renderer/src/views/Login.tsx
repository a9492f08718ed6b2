/** Not signed in: how to get in. Shows no data (the server gave none). */
import { CodeBlock } from '../components/ui';
import { IconLock, Logo } from '../components/icons';

export function LoginScreen({ reason }: { reason?: 'used' | 'expired' }) {
  const origin = location.origin;
  return (
    <div className="center-screen">
      <main className="card login" aria-labelledby="login-title">
        <div className="brand">
          <Logo className="brand-mark" />
          <div>
            <div className="brand-name">AuthPlane</div>
            <div className="brand-sub">Local OAuth for MCP</div>
          </div>
        </div>
        <h1 id="login-title">Sign in with the link from your terminal</h1>
        <p className="muted">This window shows tokens and admin controls, so it only opens for whoever started the server.</p>
        {reason === 'used' && (
          <div className="callout" role="alert">
            <IconLock />
            <span>That sign-in link was already used. Each link works once; get a fresh one below.</span>
          </div>
        )}
        {reason === 'expired' && (
          <div className="callout" role="alert">
            <IconLock />
            <span>Your session ended (the server restarted, or you signed out). Open the new link the server printed.</span>
          </div>
        )}
        <ol>
          <li>
            Find the line starting with <code>UI:</code> in the output of <code>authserver serve</code> (or <code>npm start</code>) and open that URL:
            <CodeBlock label="example output">{`UI: ${origin}/ui/?token=…`}</CodeBlock>
          </li>
          <li>
            Lost it, or already used? Ask the running server for a fresh link (add <code>--data-dir</code> if it runs on another data directory; <code>--open</code> opens it):
            <CodeBlock label="command" copy="npx authserver ui-link">{`npx authserver ui-link`}</CodeBlock>
          </li>
          <li>Prefer a desktop window? Run <code>npm start</code> where Electron is available: the window signs itself in.</li>
        </ol>
      </main>
    </div>
  );
}
