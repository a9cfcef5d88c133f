// Worker entry for running the TypeScript task straight from the repository (tsx in the worker).
// A published app would point ScopedPool at its compiled task.js instead.
import { register } from 'tsx/esm/api';

register();
export default (await import('./task.ts')).default;
