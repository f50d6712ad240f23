// Every list is paginated the same way: ?page=1&pageSize=20 → { items, total, page, pageSize }.
import { z } from 'zod';

export const MAX_PAGE_SIZE = 200;

/** The two query fields, described once for the OpenAPI document; spread them into a module's query schema. */
export const pageFields = {
  page: z.coerce.number().int().min(1).default(1).describe('Page number, from 1'),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(20)
    .describe(`Items per page, at most ${MAX_PAGE_SIZE}`),
};

export const pageQuery = z.object(pageFields);
export type PageQuery = z.infer<typeof pageQuery>;

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** SQL LIMIT/OFFSET for a page. */
export function limitOffset(p: PageQuery): { limit: number; offset: number } {
  return { limit: p.pageSize, offset: (p.page - 1) * p.pageSize };
}
