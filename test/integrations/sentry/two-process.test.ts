// A parent process calls a child process over HTTP on loopback; one trace spans both.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScopeService, type ScopeEvent } from '../../../src/index.js';
import { continueTrace, traceHeaders } from '../../../src/integrations/sentry/index.js';

const tsx = createRequire(import.meta.url).resolve('tsx');
const CHILD = new URL('../../fixtures/trace-child.ts', import.meta.url).pathname;
let child: ChildProcess;
let port: number;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', tsx, CHILD], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  port = Number(line.toString().trim());
  expect(port).toBeGreaterThan(0);
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
});

it("carries one trace id across both processes and links the child's event to the parent's span", async () => {
  const events: ScopeEvent[] = [];
  const service = createScopeService({ onEvent: (event) => void events.push(event) });
  const request = service.fork({ isolation: true }).setPropagationContext(continueTrace(undefined)).setTag('process', 'parent');
  const parentId = await request.captureMessage('calling the child');
  const headers = traceHeaders(request.snapshot());
  const response = await fetch(`http://127.0.0.1:${port}/work`, { headers, signal: AbortSignal.timeout(10_000) });
  const childEvent = (await response.json()) as ScopeEvent;
  await service.close();

  const parentEvent = events.find((e) => e.event_id === parentId)!;
  const parentTrace = parentEvent.contexts!.trace!;
  const childTrace = childEvent.contexts!.trace!;
  expect(childEvent.tags).toEqual({ process: 'child' });
  expect(childTrace.trace_id).toBe(parentTrace.trace_id);
  expect(childTrace.parent_span_id).toBe(headers['sentry-trace'].split('-')[1]);
  expect(childTrace.parent_span_id).toBe(parentTrace.span_id);
  expect(childTrace.span_id).not.toBe(parentTrace.span_id);
  expect(parentTrace.parent_span_id).toBeUndefined();
});

it('starts a fresh trace in the child when the caller sends malformed headers', async () => {
  const response = await fetch(`http://127.0.0.1:${port}/bad`, { headers: { 'sentry-trace': 'garbage', traceparent: '00-zz' }, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  const trace = ((await response.json()) as ScopeEvent).contexts!.trace!;
  expect(trace.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(trace.parent_span_id).toBeUndefined();
});
