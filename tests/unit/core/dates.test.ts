import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../../functions/core/dates';

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 03 Jun 2025 09:39:21 +0200', '2025-06-03T07:39:21.000Z'],
    ['Tue, 3 Jun 2025 09:39:21 GMT', '2025-06-03T09:39:21.000Z'],
    ['03 Jun 2025 09:39 CEST', '2025-06-03T07:39:00.000Z'],
    ['Tue, 03 Jun 25 09:39:21 EST', '2025-06-03T14:39:21.000Z'],
    ['2025-06-03T09:39:21+02:00', '2025-06-03T07:39:21.000Z'],
    ['2025-06-03T09:39:21.5Z', '2025-06-03T09:39:21.500Z'],
    ['2025-06-03 09:39:21', '2025-06-03T09:39:21.000Z'],
    ['2025-06-03', '2025-06-03T00:00:00.000Z'],
  ])('reads %s', (raw, iso) => {
    expect(parseFeedDate(raw)).toBe(iso);
  });

  it.each(['', 'yesterday', 'Tue, 45 Foo 2025 99:99:99', '0000-00-00'])('returns null for %j', (raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });
});
