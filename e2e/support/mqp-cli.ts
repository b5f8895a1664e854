import { spawn } from 'node:child_process';
import { PLATFORM_MAIN, WORKSPACE_ROOT } from '@mqp/testing';

export interface MqpRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `mqp` binary with `args` to its exit (killed after 30 s), feeding `stdin` when given. */
export function runMqp(args: readonly string[], stdin?: string): Promise<MqpRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLATFORM_MAIN, ...args], { cwd: WORKSPACE_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `mqp` and throws with its stderr unless it exits 0. */
export async function mqpOk(args: readonly string[], stdin?: string): Promise<string> {
  const run = await runMqp(args, stdin);
  if (run.code !== 0) throw new Error(`mqp ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}
