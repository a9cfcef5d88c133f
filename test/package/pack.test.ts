// The package as users get it: packed, installed into a fresh ESM project and a fresh CommonJS
// project, every entry of the exports map imported there, and a ScopedPool task run from the
// installed files (worker file resolution is where packaged pools usually break).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const entries = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, unknown>)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'scope-actor' : `scope-actor/${key.slice(2)}`));

const SENTRY_CORE = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@sentry/core'];
const sh = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

let work: string;
let tarball: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'scope-actor-pack-'));
  // `npm pack` runs the `prepack` build, so this also works on a fresh clone before any build.
  tarball = join(work, sh('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').at(-1)!);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function project(name: string, type: 'module' | 'commonjs', files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type }));
  // `scope-actor/sentry` needs its optional peer, as a user of that entry would install it.
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', tarball, `@sentry/core@${SENTRY_CORE}`], dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const check = (load: (entry: string) => string) => `
${entries.map((entry, i) => load(entry).replace('$', `m${i}`)).join('\n')}
const loaded = [${entries.map((_, i) => `m${i}`).join(', ')}].map((m) => Object.keys(m).length);
const service = createScopeService();
const scope = service.fork({ isolation: true });
const pool = new ScopedPool({ service, filename: TASK, maxThreads: 1 });
const tags = await pool.run('packed', { scope, fork: false });
console.log(JSON.stringify({ loaded, tags, owner: scope.snapshot().tags, snapshot: service.fork().setTag('a', 1).snapshot().tags }));
await pool.destroy();
await service.close();
`;

describe('the packed package', () => {
  it('lists every entry it exports', () => {
    expect(entries).toEqual(expect.arrayContaining(['scope-actor', 'scope-actor/pool', 'scope-actor/worker', 'scope-actor/context']));
  });

  it('works installed into an ESM project, pool task included', () => {
    const dir = project('esm-app', 'module', {
      'task.mjs': `import { scopedTask } from 'scope-actor/worker';\nexport default scopedTask(async (data, scope) => { scope.setTag('x', data); return scope.snapshot().tags; });\n`,
      'main.mjs': `import { createScopeService } from 'scope-actor';\nimport { ScopedPool } from 'scope-actor/pool';\nconst TASK = new URL('./task.mjs', import.meta.url).href;\n${check((entry) => `import * as $ from '${entry}';`)}`,
    });
    const out = JSON.parse(sh(process.execPath, ['main.mjs'], dir));
    expect(out.loaded.every((n: number) => n > 0)).toBe(true);
    expect(out).toMatchObject({ tags: { x: 'packed' }, owner: { x: 'packed' }, snapshot: { a: 1 } });
  });

  it('works installed into a CommonJS project, pool task included', () => {
    const dir = project('cjs-app', 'commonjs', {
      'task.cjs': `const { scopedTask } = require('scope-actor/worker');\nmodule.exports = scopedTask(async (data, scope) => { scope.setTag('x', data); return scope.snapshot().tags; });\n`,
      'main.cjs': `const { createScopeService } = require('scope-actor');\nconst { ScopedPool } = require('scope-actor/pool');\nconst TASK = require('node:path').join(__dirname, 'task.cjs');\n(async () => {\n${check((entry) => `const $ = require('${entry}');`)}\n})().catch((error) => { console.error(error); process.exit(1); });\n`,
    });
    const out = JSON.parse(sh(process.execPath, ['main.cjs'], dir));
    expect(out.loaded.every((n: number) => n > 0)).toBe(true);
    expect(out).toMatchObject({ tags: { x: 'packed' }, owner: { x: 'packed' }, snapshot: { a: 1 } });
  });
});
