// What Koa itself costs per request (the price of serving every route through one Koa app): two
// child servers give the same small JSON answer with the same headers, one from a bare `node:http`
// listener, one through Koa with six middlewares shaped like AuthPlane's front chain (headers,
// CORS check, recorder, error handler, host guard, handler). They get c8 keep-alive bursts in
// turn (order reversed every round) and the server CPU per request is printed for each.
//   node scripts/bench/koa-cost.mjs [--rounds 16] [--burst 10000]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import { Pool } from 'undici';
import { clockTicks, exitOnSignals } from './lib/proc.mjs';

const { values: o } = parseArgs({ options: { rounds: { type: 'string', default: '16' }, burst: { type: 'string', default: '10000' }, serve: { type: 'string' } } });

function rawListener(req, res) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  const body = JSON.stringify({ ok: true, path: req.url });
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function koaListener() {
  const app = new Koa();
  app.use((ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    return next();
  });
  app.use((ctx, next) => (ctx.path.startsWith('/.well-known/') ? next() : next()));
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.state.recorded = ctx.status;
    }
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch {
      ctx.status = 500;
    }
  });
  app.use((ctx, next) => {
    if (!ctx.get('host')) throw new Error('no host');
    return next();
  });
  app.use((ctx) => {
    ctx.body = { ok: true, path: ctx.path };
  });
  return app.callback();
}

if (o.serve) {
  const server = createServer(o.serve === 'koa' ? koaListener() : rawListener);
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
} else {
  exitOnSignals();
  const tick = 1000 / clockTicks();
  const cpuMs = (pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const r = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(r[11]) + Number(r[12])) * tick;
  };
  const servers = [];
  for (const kind of ['node:http', 'koa']) {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', kind === 'koa' ? 'koa' : 'raw'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d)))));
    servers.push({ kind, child, pool: new Pool(`http://127.0.0.1:${port}`, { connections: 8 }), per: [] });
  }
  const burst = async (s, n) => {
    let left = n;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) await (await s.pool.request({ path: '/x', method: 'GET' })).body.text();
      }),
    );
  };
  const B = Number(o.burst);
  for (const s of servers) await burst(s, 2 * B);
  for (let r = 0; r < Number(o.rounds); r++) {
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      const c0 = cpuMs(s.child.pid);
      await burst(s, B);
      s.per.push(((cpuMs(s.child.pid) - c0) * 1000) / B);
    }
  }
  const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  for (const s of servers) {
    console.log(`${s.kind.padEnd(9)} server CPU µs/request: median ${med(s.per).toFixed(1)}  min ${Math.min(...s.per).toFixed(1)}`);
    s.child.kill();
    await s.pool.close();
  }
  const ratio = servers[1].per.map((v, i) => v - servers[0].per[i]);
  console.log(`koa - node:http: median paired difference ${med(ratio).toFixed(1)} µs/request`);
}
