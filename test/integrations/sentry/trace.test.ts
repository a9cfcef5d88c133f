import * as sentry from '@sentry/core';
import { describe, expect, it } from 'vitest';
import { continueTrace, dscFromBaggage, dscToBaggage, readTraceHeaders, traceHeaders } from '../../../src/integrations/sentry/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('continueTrace', () => {
  it.each([
    [`${TRACE}-${SPAN}-1`, true],
    [`${TRACE}-${SPAN}-0`, false],
    [`${TRACE}-${SPAN}`, undefined],
  ])('reads sentry-trace %s as @sentry/core does', (header, sampled) => {
    const baggage = `sentry-trace_id=${TRACE},sentry-sample_rand=0.25,sentry-environment=prod,other=x`;
    const ours = continueTrace({ 'sentry-trace': header, baggage });
    const theirs = sentry.propagationContextFromHeaders(header, baggage);
    expect(ours).toMatchObject({ traceId: theirs.traceId, parentSpanId: theirs.parentSpanId, sampleRand: theirs.sampleRand, dsc: theirs.dsc });
    expect(ours.sampled).toBe(sampled);
    expect(ours.propagationSpanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('freezes an empty DSC when continuing without Sentry baggage, as Sentry', () => {
    const ours = continueTrace({ 'sentry-trace': `${TRACE}-${SPAN}-1` });
    expect(ours.dsc).toEqual(sentry.propagationContextFromHeaders(`${TRACE}-${SPAN}-1`, undefined).dsc);
  });

  it('derives sample_rand consistent with the head decision from sample_rate', () => {
    for (const flag of ['1', '0']) {
      const { sampleRand } = continueTrace({ 'sentry-trace': `${TRACE}-${SPAN}-${flag}`, baggage: 'sentry-sample_rate=0.1' });
      if (flag === '1') expect(sampleRand).toBeLessThan(0.1);
      else expect(sampleRand).toBeGreaterThanOrEqual(0.1);
    }
  });

  it('reads W3C traceparent (with baggage) when there is no sentry-trace, and a fetch Headers object', () => {
    const headers = new Headers({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'congo=t61rcWkgMzE', baggage: 'sentry-release=1.0' });
    const reading = readTraceHeaders(headers);
    expect(reading.source).toBe('traceparent');
    expect(reading.ignored).toEqual([]);
    expect(reading.context).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, sampled: true, dsc: { release: '1.0' } });
    expect(continueTrace({ traceparent: `00-${TRACE}-${SPAN}-00` }).sampled).toBe(false);
  });

  it('prefers sentry-trace over traceparent, and falls back to traceparent when sentry-trace is malformed', () => {
    const other = 'f'.repeat(32);
    expect(readTraceHeaders({ 'sentry-trace': `${TRACE}-${SPAN}`, traceparent: `00-${other}-${SPAN}-01` }).context.traceId).toBe(TRACE);
    const fallback = readTraceHeaders({ 'sentry-trace': 'nonsense', traceparent: `00-${other}-${SPAN}-01` });
    expect(fallback.source).toBe('traceparent');
    expect(fallback.context.traceId).toBe(other);
    expect(fallback.ignored).toHaveLength(1);
    expect(fallback.ignored[0]).toMatch(/^sentry-trace:/);
  });

  it.each([
    ['absent', {}],
    ['malformed sentry-trace', { 'sentry-trace': 'not-a-trace' }],
    ['upper-case hex', { 'sentry-trace': `${TRACE.toUpperCase()}-${SPAN}` }],
    ['all-zero trace id', { 'sentry-trace': `${'0'.repeat(32)}-${SPAN}-1` }],
    ['traceparent version ff', { traceparent: `ff-${TRACE}-${SPAN}-01` }],
    ['traceparent 00 with extra fields', { traceparent: `00-${TRACE}-${SPAN}-01-extra` }],
    ['traceparent zero span', { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` }],
    ['over-long header', { 'sentry-trace': `${TRACE}-${SPAN}`.padEnd(600, ' ') }],
    ['baggage alone', { baggage: 'sentry-trace_id=abc' }],
    ['undecodable baggage with a bad header', { 'sentry-trace': 'x', baggage: 'sentry-a=%E0%A4%A' }],
  ])('starts a fresh trace, never throwing, when %s', (_, headers) => {
    const seen: string[][] = [];
    const context = continueTrace(headers, { onIgnored: (reasons) => seen.push([...reasons]) });
    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.traceId).not.toBe(TRACE);
    expect(context.parentSpanId).toBeUndefined();
    expect(context.sampleRand).toBeGreaterThanOrEqual(0);
    expect(context.sampleRand).toBeLessThan(1);
    expect(seen.length).toBe(Object.keys(headers).length ? 1 : 0);
  });

  it('survives a throwing onIgnored', () => {
    expect(() => continueTrace({ 'sentry-trace': 'x' }, { onIgnored: () => { throw new Error('observer'); } })).not.toThrow();
  });
});

describe('baggage', () => {
  it.each([
    'sentry-trace_id=abc,sentry-public_key=pk,other=1',
    ' sentry-release=a%20b , sentry-environment=prod;prop=1 ',
    'sentry-a=%E0%A4%A,sentry-b=ok',
    'nothing=here',
    'noequals,sentry-x=',
  ])('parses %s as @sentry/core', (header) => {
    expect(dscFromBaggage(header)).toEqual(sentry.baggageHeaderToDynamicSamplingContext(header));
  });

  it('writes baggage as @sentry/core, the 8,192-character cap included', () => {
    const dsc = { trace_id: TRACE, release: 'a b,c', public_key: 'pk', big: 'x'.repeat(9000), environment: 'prod' };
    expect(dscToBaggage(dsc)).toBe(sentry.dynamicSamplingContextToSentryBaggageHeader(dsc));
  });
});

describe('traceHeaders', () => {
  it('writes the headers @sentry/core writes for the same context, round-tripping through continueTrace', () => {
    const propagationContext = { traceId: TRACE, propagationSpanId: SPAN, sampled: true, sampleRand: 0.3, dsc: { trace_id: TRACE, release: '1' } };
    const headers = traceHeaders({ propagationContext });
    expect(headers['sentry-trace']).toBe(sentry.generateSentryTraceHeader(TRACE, SPAN, true));
    expect(headers.traceparent).toBe(sentry.generateTraceparentHeader(TRACE, SPAN, true));
    expect(headers.baggage).toBe(sentry.dynamicSamplingContextToSentryBaggageHeader(propagationContext.dsc));
    const next = continueTrace(headers);
    expect(next).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, sampled: true, dsc: { trace_id: TRACE, release: '1' } });
  });

  it('writes a head-of-trace DSC with trace id, sample_rand and the given extras', () => {
    const headers = traceHeaders({ propagationContext: { traceId: TRACE, sampleRand: 0.5 } }, { dsc: { public_key: 'pk' } });
    expect(headers['sentry-trace']).toMatch(new RegExp(`^${TRACE}-[0-9a-f]{16}$`));
    expect(sentry.baggageHeaderToDynamicSamplingContext(headers.baggage)).toEqual({ public_key: 'pk', trace_id: TRACE, sample_rand: '0.5' });
    expect(continueTrace(headers).sampleRand).toBe(0.5);
  });
});
