import { gridDisk } from 'h3-js';
import { squareLookup, squareRowCol } from './locate.ts';
import type { Grid } from './types.ts';

/**
 * For each cell (by cell_index), the indexes of its neighbours in the grid, ascending: queen
 * contiguity (the up to 8 cells sharing an edge or a corner) for squares, the ring at distance 1
 * (up to 6 cells) for H3. Cells not kept in the grid are not neighbours.
 */
export function neighbourLists(grid: Grid): number[][] {
  if (grid.definition.kind === 'h3') {
    const byId = new Map(grid.cells.map((cell) => [cell.cell_id, cell.cell_index]));
    return grid.cells.map((cell) =>
      gridDisk(cell.cell_id, 1)
        .filter((h) => h !== cell.cell_id)
        .map((h) => byId.get(h))
        .filter((i): i is number => i !== undefined)
        .sort((a, b) => a - b),
    );
  }
  const { table, nRows, nCols } = squareLookup(grid);
  return grid.cells.map((cell) => {
    const [row, col] = squareRowCol(cell);
    const out: number[] = [];
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const r = row + dr;
        const c = col + dc;
        if ((dr === 0 && dc === 0) || r < 0 || c < 0 || r >= nRows || c >= nCols) continue;
        const index = table[r * nCols + c];
        if (index >= 0) out.push(index);
      }
    }
    return out.sort((a, b) => a - b);
  });
}
