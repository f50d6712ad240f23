// The five colors a published score maps to (五色), best first.
export const COLORS = ['dark_green', 'green', 'yellow', 'orange', 'red'] as const;
export type Color = (typeof COLORS)[number];
