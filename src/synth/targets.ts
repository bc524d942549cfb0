import type { Incident } from '../contract/schemas.ts';

export type Category = Incident['category'];
export const categories: readonly Category[] = ['fire', 'rescue', 'assistance', 'other'];

/** Published alarm counts of Beibei District 2016-2020 (十四五 fire-rescue plan, 专栏2). */
export const publishedCounts: Record<number, Record<Category, number>> = {
  2016: { fire: 751, rescue: 355, assistance: 1260, other: 32 },
  2017: { fire: 720, rescue: 328, assistance: 1478, other: 23 },
  2018: { fire: 709, rescue: 373, assistance: 1645, other: 26 },
  2019: { fire: 795, rescue: 386, assistance: 1746, other: 38 },
  2020: { fire: 745, rescue: 403, assistance: 2094, other: 42 },
};

export const trendDescription =
  'Years 2016-2020 use the published counts. Later (and earlier) years: fires decline 1.5 %/year from the 2016-2020 mean (744/year), following the plan\'s goal that fire totals keep falling; rescue, assistance and other alarms follow the least-squares linear trend of 2016-2020, continued (never below half the 2016-2020 mean).';

function linearTrend(category: Category, year: number): number {
  const years = Object.keys(publishedCounts).map(Number);
  const ys = years.map((y) => publishedCounts[y][category]);
  const mx = years.reduce((a, b) => a + b, 0) / years.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  years.forEach((y, i) => {
    sxy += (y - mx) * (ys[i] - my);
    sxx += (y - mx) ** 2;
  });
  return Math.max(my / 2, my + (sxy / sxx) * (year - mx));
}

/** Expected number of alarms of a category over a whole calendar year. */
export function yearlyTarget(category: Category, year: number): number {
  const published = publishedCounts[year];
  if (published) return published[category];
  if (category === 'fire') {
    const mean = Object.values(publishedCounts).reduce((s, c) => s + c.fire, 0) / Object.keys(publishedCounts).length;
    return mean * Math.pow(1 - 0.015, year - 2020);
  }
  return linearTrend(category, year);
}
