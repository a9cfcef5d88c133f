import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    pool: 'src/pool/index.ts',
    worker: 'src/pool/worker.ts',
    context: 'src/context/index.ts',
    sentry: 'src/integrations/sentry/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // No source maps: they point into src/, which the package does not ship, and were two thirds of the tarball.
  sourcemap: false,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
