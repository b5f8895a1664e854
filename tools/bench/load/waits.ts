import type { RawClient } from './raw-client';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `done`, or `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, pollMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done() && Date.now() < end) await sleep(pollMs);
}

/** Polls until `done`, or until `progress` has not moved for `idleMs`, or `timeoutMs`. */
export async function waitForProgress(done: () => boolean, progress: () => number, o: { idleMs: number; timeoutMs: number; pollMs: number }): Promise<void> {
  const end = Date.now() + o.timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  while (!done() && Date.now() < end) {
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > o.idleMs) return;
    await sleep(o.pollMs);
  }
}

/** A clean DISCONNECT from each, up to 5 s for the sockets to close, then whatever is left is destroyed. */
export async function closeAll(clients: RawClient[]): Promise<void> {
  for (const c of clients) c.close();
  await waitUntil(() => clients.every((c) => c.closed), 5_000, 50);
  for (const c of clients) c.destroy();
}
