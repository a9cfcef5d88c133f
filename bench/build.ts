// `npm run bench`, step one: compiles the bench as the package is compiled (tsup, no
// name-keeping helpers) into bench/.build, which `node` then runs. Run through tsx instead, every
// closure our code creates pays for tsx's `__name` wrapper (seen in the owner's profiles at up to
// a seventh of a refresh), a cost users' compiled code never has. Packages stay external.
import { build } from 'tsup';

await build({
  entry: { run: 'bench/run.ts', 'memory-child': 'bench/memory-child.ts', scoped: 'bench/workers/scoped.ts' },
  outDir: 'bench/.build',
  format: ['esm'],
  target: 'node20',
  skipNodeModulesBundle: true,
  dts: false,
  sourcemap: false,
  splitting: true,
  clean: true,
  silent: true,
  config: false,
});
