/** `authserver demo` as a child process: started, its instructions read, stopped with a signal. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface DemoProcess {
  child: ChildProcess;
  stdout: string;
  stderr(): string;
  exited: Promise<number | null>;
}

export function startDemoProcess(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<DemoProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'demo', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not start\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('Press Ctrl+C to stop')) {
        clearTimeout(timer);
        resolve({ child, stdout: out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

