import { describe, expect, it } from 'vitest';
import { secretId } from '../../src/actors/ids.js';

describe('secret ids (pool session names)', () => {
  it('are 16 lowercase hex characters and do not repeat, across refills of the random buffer', () => {
    const ids = Array.from({ length: 5_000 }, secretId); // ~10 refills
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit shows up in every position: the bits are not stuck.
    for (let position = 0; position < 16; position++) expect(new Set(ids.map((id) => id[position])).size).toBe(16);
  });
});
