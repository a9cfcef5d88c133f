// W3C baggage, as far as Sentry's dynamic sampling context (DSC) uses it. Dependency-free on
// purpose: trace propagation must work without @sentry/core installed. Checked against
// @sentry/core's `baggageHeaderToDynamicSamplingContext` and `dynamicSamplingContextToSentryBaggageHeader`
// in test/integrations/sentry/trace.test.ts.

const SENTRY_PREFIX = 'sentry-';
/** Sentry's (and W3C's) limit on the baggage header it writes. */
export const MAX_BAGGAGE_LENGTH = 8192;

export type Dsc = { [key: string]: string };

/**
 * The `sentry-*` entries of one or more baggage headers, prefix removed, values URI-decoded;
 * later headers win. Undefined when there is none (as Sentry's helper). Entries that do not
 * decode are skipped, never thrown.
 */
export function dscFromBaggage(baggage: string | readonly string[] | undefined): Dsc | undefined {
  if (baggage === undefined) return undefined;
  const dsc: Dsc = Object.create(null);
  let found = false;
  for (const header of typeof baggage === 'string' ? [baggage] : baggage) {
    for (const entry of header.split(',')) {
      const eq = entry.indexOf('=');
      if (eq === -1) continue;
      const key = decode(entry.slice(0, eq).trim());
      // A member may carry `;properties` after its value; Sentry keeps them, and so do we.
      const value = decode(entry.slice(eq + 1).trim());
      if (!key || !value || !key.startsWith(SENTRY_PREFIX) || key.length === SENTRY_PREFIX.length) continue;
      dsc[key.slice(SENTRY_PREFIX.length)] = value;
      found = true;
    }
  }
  return found ? { ...dsc } : undefined;
}

/** The DSC as a baggage header (`sentry-` prefixed, URI-encoded), entries that would pass 8,192 characters left out. */
export function dscToBaggage(dsc: Readonly<Dsc>): string | undefined {
  let header = '';
  for (const [key, value] of Object.entries(dsc)) {
    if (!value) continue;
    const entry = `${encodeURIComponent(SENTRY_PREFIX + key)}=${encodeURIComponent(value)}`;
    const next = header ? `${header},${entry}` : entry;
    if (next.length <= MAX_BAGGAGE_LENGTH) header = next;
  }
  return header || undefined;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
