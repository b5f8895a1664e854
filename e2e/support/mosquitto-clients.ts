import { execFile, spawn } from 'node:child_process';

/**
 * The Debian `mosquitto_sub` / `mosquitto_pub` command-line clients: a second
 * MQTT implementation, independent of MQTT.js and of this project's code.
 */
export interface MosquittoSub {
  /** Resolves when the broker's SUBACK arrived (mosquitto_sub runs with `-d` to say so). */
  subscribed: Promise<void>;
  /** Resolves with the message lines printed once the client exits (after `-C count` messages or `-W` seconds). */
  done: Promise<{ code: number | null; lines: string[]; stderr: string }>;
}

/** Debug lines of `-d` all start with "Client "; everything else is a message line. */
const isDebugLine = (line: string): boolean => line.startsWith('Client ') || line.startsWith('Subscribed (mid');

export function mosquittoSub(port: number, args: string[]): MosquittoSub {
  // stdbuf: into a pipe, stdio is block-buffered, and the SUBACK line would only appear at exit.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-d', '-h', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onSuback: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve, reject) => {
    onSuback = resolve;
    child.on('exit', () => reject(new Error(`mosquitto_sub exited before its SUBACK: ${out}${err}`)));
  });
  subscribed.catch(() => undefined);
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('received SUBACK')) onSuback();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, lines: out.split('\n').filter((l) => l !== '' && !isDebugLine(l)), stderr: err })),
  );
  return { subscribed, done };
}

export function mosquittoPub(port: number, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}
