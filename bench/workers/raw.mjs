// The anchors: bare piscina tasks and plain MessagePort traffic, with no scope-actor at all.
export const noop = () => 0;

/** About a millisecond of work. */
export const work = () => {
  const until = performance.now() + 1;
  while (performance.now() < until);
  return 0;
};

/** Posts `count` breadcrumb-shaped payloads (or numbers) on `port`, one per message or `batch` per message. */
export async function send({ port, count, batch, numbers = false }) {
  const crumb = numbers ? () => 7 : () => ({ timestamp: Date.now() / 1000, message: 'step', category: 'bench', data: { i: 0 } });
  let credit = Promise.resolve();
  for (let i = 0; i < count; i += batch) {
    if (batch === 1) port.postMessage(crumb());
    else port.postMessage(Array.from({ length: batch }, crumb));
    // Same pacing as the scoped sender: wait for the receiver every 20,000 messages.
    if (i % 20_000 >= 20_000 - batch) {
      credit = new Promise((resolve) => port.once('message', resolve));
      port.postMessage('sync');
      await credit;
    }
  }
  port.postMessage('done');
  await new Promise((resolve) => port.once('message', resolve));
  port.close();
  return count;
}
