import { describe, expect, it } from 'vitest';
import { secretId } from '../../src/actors/ids.js';

describe('secret ids (pool session names)', () => {
  it('are 12 base64url characters (72 bits) and do not repeat, across refills of the random buffer', () => {
    const ids = Array.from({ length: 5_000 }, secretId); // ~15 refills
    expect(ids.every((id) => /^[A-Za-z0-9_-]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Every base64url symbol shows up in every position: the bits are not stuck.
    for (let position = 0; position < 12; position++) expect(new Set(ids.map((id) => id[position])).size).toBe(64);
  });
});
