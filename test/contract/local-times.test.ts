import { describe, expect, it } from 'vitest';
import { instantColumns, localTimesToInstants } from '../../src/contract/local-times.ts';
import { instant } from '../../src/contract/schemas.ts';
import { ZoneClock } from '../../src/contract/zone-clock.ts';

describe('instant (schema)', () => {
  it('takes ISO 8601 with an offset, or a local date-time with a T or a space, and nothing vaguer', () => {
    expect(instant.parse('2025-03-01T14:05:00+08:00')).toBe('2025-03-01T14:05:00+08:00');
    expect(instant.parse(' 2025-03-01T06:05:00Z ')).toBe('2025-03-01T06:05:00Z');
    expect(instant.parse('2025-03-01 14:05:00')).toBe('2025-03-01T14:05:00');
    expect(instant.parse('2025-03-01 14:05')).toBe('2025-03-01T14:05');
    expect(instant.parse('2025-03-01T14:05:00.250')).toBe('2025-03-01T14:05:00.250');
    for (const vague of ['2025-03-01', '2025-03-01 9:05', '01/03/2025 14:05', '2025-02-30 14:05:00', '2025-03-01T14']) expect(instant.safeParse(vague).success, vague).toBe(false);
  });
});

describe('localTimesToInstants', () => {
  it('gives a time without an offset the offset of the zone, to the second, and leaves times with one as they are', () => {
    const rows = [
      { id: 'a', reported_at: '2025-03-01T14:05:00' },
      { id: 'b', reported_at: '2025-03-01T14:05' },
      { id: 'c', reported_at: '2024-12-31T23:30:00.750' },
      { id: 'd', reported_at: '2025-03-01T06:05:00Z' },
      { id: 'e', reported_at: '2025-03-01T14:05:00+08:00' },
    ];
    expect(localTimesToInstants(rows, instantColumns.incidents, new ZoneClock('Asia/Shanghai'))).toBe(3);
    expect(rows.map((r) => r.reported_at)).toEqual([
      '2025-03-01T14:05:00+08:00',
      '2025-03-01T14:05:00+08:00',
      '2024-12-31T23:30:00+08:00',
      '2025-03-01T06:05:00Z',
      '2025-03-01T14:05:00+08:00',
    ]);
  });

  it('follows daylight saving: summer and winter offsets, a skipped hour moved forward, a repeated hour taken the second time', () => {
    const london = new ZoneClock('Europe/London');
    const rows = ['2025-01-15T12:00:00', '2025-07-15T12:00:00', '2025-03-30T01:30:00', '2025-10-26T01:30:00'].map((at) => ({ at }));
    expect(localTimesToInstants(rows, instantColumns.facility_status, london)).toBe(4);
    expect(rows.map((r) => r.at)).toEqual(['2025-01-15T12:00:00+00:00', '2025-07-15T12:00:00+01:00', '2025-03-30T02:30:00+01:00', '2025-10-26T01:30:00+00:00']);
    const events = [{ start: '2025-07-04T18:00', end: '2025-07-04T23:00:00-04:00' }];
    expect(localTimesToInstants(events, instantColumns.events, new ZoneClock('America/New_York'))).toBe(1);
    expect(events[0]).toEqual({ start: '2025-07-04T18:00:00-04:00', end: '2025-07-04T23:00:00-04:00' });
  });
});
