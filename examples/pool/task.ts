// A pool task: it gets the caller's data and a handle on its own fork of the caller's scope.
import { scopedTask } from '../../src/pool/worker.js';

export interface ResizeJob {
  image: string;
  width: number;
}

export default scopedTask(async (job: ResizeJob, scope) => {
  scope.setTag('image', job.image).addBreadcrumb({ category: 'resize', message: `start ${job.width}px` });
  if (job.width <= 0) {
    // Captured with everything the request put on its scope before handing the job over.
    await scope.captureException(new RangeError(`cannot resize ${job.image} to ${job.width}px`));
    throw new RangeError('bad width');
  }
  scope.addBreadcrumb({ category: 'resize', message: 'done' });
  return { image: job.image, width: job.width, crumbs: scope.snapshot().breadcrumbs.length };
});
