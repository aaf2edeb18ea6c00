import { describe, expect, it } from 'vitest';
import { CONFORMANCE_FEATURES, describeConnection, type ConformanceFeature } from '../src/index.js';
import { wsFactory } from './support/ws-connection.js';

describe('describeConnection()', () => {
  it('throws at collection for a skip without a reason, so no case disappears unexplained', () => {
    expect(() => describeConnection('bad', wsFactory, { skip: [{ feature: 'headers', reason: '  ' }] })).toThrow(/needs a reason/);
  });

  it('throws at collection for a skip naming an unknown feature, so a typo hides nothing', () => {
    expect(() => describeConnection('bad', wsFactory, { skip: [{ feature: 'header' as ConformanceFeature, reason: 'typo' }] })).toThrow(/unknown feature "header"/);
  });

  it('lists each feature once', () => {
    expect(new Set(CONFORMANCE_FEATURES).size).toBe(CONFORMANCE_FEATURES.length);
  });
});
