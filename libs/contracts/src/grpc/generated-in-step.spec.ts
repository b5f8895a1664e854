import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');

describe('generated contracts code', () => {
  // Regenerates into a temp dir and compares with the committed files, so a
  // .proto edited without `npx nx run contracts:generate` fails the tests.
  it('is in step with libs/contracts/proto', () => {
    const result = spawnSync(join(root, 'node_modules/.bin/tsx'), ['tools/contracts/generate.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 30_000);
});
