import type { Numeric } from "./format";

/**
 * A report's total for a measure that each line may lack (water, carbon): null, shown as
 * "Not known", when there are lines and none of them has a figure, so a report of recycled
 * nylon without a water factor never claims "0 L" saved. A real zero stays zero.
 */
export function knownTotal<K extends string>(total: Numeric, lines: readonly Partial<Record<K, Numeric>>[], key: K): Numeric {
  if (lines.length > 0 && lines.every((line) => line[key] === null || line[key] === undefined)) return null;
  return total;
}

/** "2 of 3 purchases have no water figure" style counts: the lines without one. */
export function linesWithout<K extends string>(lines: readonly Partial<Record<K, Numeric>>[], key: K): number {
  return lines.filter((line) => line[key] === null || line[key] === undefined).length;
}

/** A saving's hint, saying how many lines the total leaves out for want of a figure. */
export function savedHint(base: string, without: number, lines: number): string {
  if (without === 0 || lines === 0) return base;
  if (without === lines) return "No sourced factor for these materials";
  return `${base}; ${without} of ${lines} without a figure`;
}
