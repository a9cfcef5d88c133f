// Worker entry for running the TypeScript task straight from the repository (tsx in the worker).
import { register } from 'tsx/esm/api';

register();
export default (await import('./report-worker.ts')).default;
