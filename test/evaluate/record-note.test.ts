import { describe, expect, it } from 'vitest';
import { incidentRecordNote } from '../../src/evaluate/run.ts';
import { dayNumber } from '../../src/util/days.ts';

describe("the report's line on the incident record", () => {
  it('gives the first day and the years before the test period', () => {
    // 2016-01-01 to 2025-01-01: 3,288 days (three leap days) / 365.25 = 9.0 years.
    const note = incidentRecordNote('2016-01-01', dayNumber('2025-01-01'));
    expect(note).toMatch(/^Incident record behind the long-run rates: from 2016-01-01, 9\.0 years before the test period/);
  });

  it('counts half years', () => {
    // 2023-07-02 to 2025-01-01: 549 days / 365.25 = 1.503 years.
    expect(incidentRecordNote('2023-07-02', dayNumber('2025-01-01'))).toContain('from 2023-07-02, 1.5 years before');
  });

  it('says nothing when the feature table does not know where its history starts', () => {
    expect(incidentRecordNote(null, dayNumber('2025-01-01'))).toBeNull();
    expect(incidentRecordNote(undefined, dayNumber('2025-01-01'))).toBeNull();
  });
});
