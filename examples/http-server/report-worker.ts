// The /reports work as a pool task: the same function, given the worker's scope handle.
import { scopedTask } from '../../src/pool/worker.js';
import { buildReport } from './report-task.js';

export default scopedTask(buildReport);
