/** Server-rendered HTML pages (error pages, consent): escaped, no inline script, one stylesheet. */
export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(title: string, body: string, opts: { scripts?: string[] } = {}): string {
  const scripts = (opts.scripts ?? []).map((s) => `<script src="${esc(s)}" defer></script>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} · AuthPlane</title><link rel="stylesheet" href="/assets/page.css">${scripts}</head><body><main class="card">${body}<footer>AuthPlane Desktop · local development authorization server</footer></main></body></html>`;
}

/** `hint`: what to do, one paragraph per line; text in backticks is shown as code. */
export function errorPage(title: string, description: string, code?: string, hint?: string): string {
  const hints = (hint ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => `<p class="hint">${esc(line).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
  return page(title, `<h1>${esc(title)}</h1><p class="error-desc">${esc(description)}</p>${hints}${code ? `<p class="code">error: <code>${esc(code)}</code></p>` : ''}`);
}

export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d2330;--muted:#5b6577;--accent:#3b5bdb;--border:#dfe3ea;--danger:#c92a2a}
@media (prefers-color-scheme:dark){:root{--bg:#101319;--card:#171b23;--fg:#e6e9ef;--muted:#9aa4b5;--accent:#7b93ff;--border:#2a303c;--danger:#ff8787}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg);display:flex;min-height:100vh;align-items:center;justify-content:center;padding:24px}
.card{background:var(--card);border:1px solid var(--border);border-radius:12px;max-width:560px;width:100%;padding:28px 32px;box-shadow:0 8px 30px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 12px}p{margin:8px 0}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.chip{display:inline-block;border:1px solid var(--border);border-radius:999px;padding:2px 10px;font-size:13px;color:var(--muted)}
fieldset{border:1px solid var(--border);border-radius:8px;margin:16px 0;padding:8px 14px}legend{color:var(--muted);font-size:13px;padding:0 4px}
label.scope{display:flex;gap:10px;align-items:flex-start;padding:6px 0}label.scope small{display:block;color:var(--muted)}
select{font:inherit;padding:6px 8px;border-radius:6px;border:1px solid var(--border);background:var(--card);color:var(--fg)}
.actions{display:flex;gap:12px;justify-content:flex-end;margin-top:20px}
button{font:inherit;font-weight:600;border-radius:8px;padding:9px 18px;border:1px solid var(--border);background:var(--card);color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error-desc{color:var(--danger)}.hint{font-size:14px}.muted{color:var(--muted);font-size:13px}.warn{border-left:3px solid #f08c00;padding:4px 10px;color:var(--muted);font-size:13px}
footer{margin-top:24px;color:var(--muted);font-size:12px}
`;
