import { baggageHeaderToDynamicSamplingContext, generateSentryTraceHeader, propagationContextFromHeaders } from '@sentry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { continueTrace, continueTraceWithReason, traceHeaders } from '../../../src/integrations/sentry/index.js';
import { createScopeService, validateMessage } from '../../../src/index.js';

const trace = 'a'.repeat(32);
const span = 'b'.repeat(16);

describe('continueTrace', () => {
  it('reads sentry-trace and baggage as @sentry/core does', () => {
    const cases = [
      { 'sentry-trace': `${trace}-${span}-1`, baggage: 'sentry-trace_id=' + trace + ',sentry-sample_rate=0.5,sentry-release=1.0%2B2,other=x' },
      { 'sentry-trace': `${trace}-${span}-0`, baggage: 'sentry-sample_rand=0.25' },
      { 'sentry-trace': `${trace}-${span}` },
    ];
    for (const headers of cases) {
      const ours = continueTrace(headers);
      const sentry = propagationContextFromHeaders(headers['sentry-trace'], headers.baggage);
      expect(ours.traceId).toBe(sentry.traceId);
      expect(ours.parentSpanId).toBe(sentry.parentSpanId);
      expect(ours.sampled).toBe(sentry.sampled);
      // sample_rand is drawn when the baggage has none: random on both sides, so compared by presence.
      const { sample_rand: oursRand, ...oursDsc } = ours.dsc ?? {};
      const { sample_rand: sentryRand, ...sentryDsc } = sentry.dsc ?? {};
      expect(oursDsc).toEqual(sentryDsc);
      expect(oursRand === undefined).toBe(sentryRand === undefined);
      if (headers.baggage?.includes('sample_rand')) expect(ours.sampleRand).toBe(sentry.sampleRand);
    }
  });

  it('falls back to W3C traceparent', () => {
    expect(continueTrace({ traceparent: `00-${trace}-${span}-01` })).toMatchObject({ traceId: trace, parentSpanId: span, sampled: true });
    expect(continueTrace({ traceparent: `00-${trace}-${span}-00` })).toMatchObject({ sampled: false });
  });

  it('gives a fresh trace with a reason for absent or malformed headers, and never throws', () => {
    expect(continueTraceWithReason({}).ignored).toBeUndefined();
    for (const headers of [{ 'sentry-trace': 'nonsense' }, { traceparent: `00-${'0'.repeat(32)}-${span}-01` }, { 'sentry-trace': `${trace.toUpperCase()}-${span}` }]) {
      const { context, ignored } = continueTraceWithReason(headers);
      expect(ignored).toMatch(/malformed/);
      expect(context.parentSpanId).toBeUndefined();
      expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('sentry-trace', 'baggage', 'traceparent'), fc.oneof(fc.string(), fc.array(fc.string()))), (headers) => {
        const context = continueTrace(headers);
        // Whatever came in, the result is a valid propagation context for a scope.
        expect(() => validateMessage({ v: 1, type: 'setPropagationContext', scope: 's', propagationContext: context })).not.toThrow();
      }),
    );
  });
});

describe('traceHeaders', () => {
  it('writes headers Sentry and W3C peers read back to the same trace and span', () => {
    const service = createScopeService();
    const scope = service.fork({ isolation: true }).setPropagationContext({ traceId: trace, propagationSpanId: span, sampled: true, sampleRand: 0.1, dsc: { release: '1.0+2' } });
    const headers = traceHeaders(scope.snapshot());
    expect(headers['sentry-trace']).toBe(generateSentryTraceHeader(trace, span, true));
    expect(headers.traceparent).toBe(`00-${trace}-${span}-01`);
    expect(baggageHeaderToDynamicSamplingContext(headers.baggage)).toEqual({ release: '1.0+2', trace_id: trace, sample_rand: '0.1', sampled: 'true' });
    expect(continueTrace(headers)).toMatchObject({ traceId: trace, parentSpanId: span, sampled: true, sampleRand: 0.1 });
  });

  it('links a fresh isolation scope: its events and its outgoing headers name the same span', async () => {
    const events: Array<{ contexts?: { trace?: { span_id: string } } }> = [];
    const service = createScopeService({ onEvent: (event) => void events.push(event) });
    const scope = service.fork({ isolation: true });
    await scope.captureMessage('here');
    const outgoing = continueTrace(traceHeaders(scope.snapshot()));
    expect(outgoing.parentSpanId).toBe(events[0]!.contexts!.trace!.span_id);
  });
});
