// Lint with the Nx module-boundary rule actually enforced: the rule silently
// skips when no project graph is cached, so compute the graph first.
import { execFileSync } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', env });
try {
  run('npx', ['nx', 'show', 'projects', '--json']);
  process.stdout.write('\n');
  run('npx', ['eslint', '--max-warnings', '0', '.']);
} catch (err) {
  process.exit(err.status ?? 1);
}
