// Worker entry: registers tsx in the worker, then loads the TypeScript tasks.
import { register } from 'tsx/esm/api';

register();
export const { send, refresh, noop, work } = await import('./scoped.ts');
