import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, isoDay, isValidDay, localDayOfInstant, localMidnightUtcMs } from '../../src/util/days.ts';

describe('days', () => {
  it('numbers days from 1970-01-01 and back', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(isoDay(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
  it('puts an instant on its local calendar day in Asia/Shanghai (UTC+8)', () => {
    expect(localDayOfInstant(Date.parse('2025-01-31T15:59:59Z'), 'Asia/Shanghai')).toBe('2025-01-31');
    expect(localDayOfInstant(Date.parse('2025-01-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2025-02-01');
    expect(new Date(localMidnightUtcMs('2025-02-01', 'Asia/Shanghai')).toISOString()).toBe('2025-01-31T16:00:00.000Z');
  });
  it('tells real calendar days from look-alikes', () => {
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(isValidDay('2025-02-29')).toBe(false);
    expect(isValidDay('2026-02-30')).toBe(false);
    expect(isValidDay('2026-13-01')).toBe(false);
    expect(isValidDay('2026-1-01')).toBe(false);
  });
  it('rejects what is not a day', () => {
    expect(() => dayNumber('2025-1-1')).toThrow(RangeError);
  });
});
