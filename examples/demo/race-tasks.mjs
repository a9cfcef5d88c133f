// Worker entry: registers tsx in the worker, then loads the TypeScript tasks.
import { register } from 'tsx/esm/api';

register();
export const { append, forkLoop, warm } = await import('./race-tasks.ts');
