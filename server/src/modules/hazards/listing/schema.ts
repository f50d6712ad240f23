// Listing (挂牌整治), admonition (约谈) and ranking board (晾晒) shapes. Route types are z.infer of these.
import { z } from 'zod';
import { pageFields } from '../../../http/pagination.js';
import { mediaDto } from '../../media/schema.js';
import { deadlineInput, partyRef } from '../schema.js';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const bodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);
const party = z
  .object({ kind: z.enum(['unit', 'department', 'place']), id: bodyId })
  .strict()
  .describe('A unit (town, village …), a department, or a registered place or enterprise');

export const idParams = z.object({ id });

export const createListingBody = z
  .object({
    subject: z
      .object({ kind: z.enum(['hazard', 'place']), id: bodyId })
      .strict()
      .describe('What is listed: a hazard, or a place or enterprise'),
    reason: text(1000).describe('Why it is listed'),
    responsible: party.describe('Who must rectify it'),
    deadline: deadlineInput.describe('By when (an instant, or a local date meaning the end of that day)'),
    criteria: text(1000).describe('What must be true to take it off (摘牌 criteria)'),
  })
  .strict();
export type CreateListingBody = z.infer<typeof createListingBody>;

export const delistBody = z
  .object({
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
    evidence: text(2000).describe('How the criteria were met (the safety office signs off)'),
    mediaIds: z.array(bodyId).max(9).default([]).describe('Photos of the rectified site (POST /media)'),
  })
  .strict();
export type DelistBody = z.infer<typeof delistBody>;

export const listingHistoryItem = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.enum(['list', 'delist']),
  by: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const listingDto = z.object({
  id: z.number().int(),
  subject: z.object({ kind: z.enum(['hazard', 'place']), id: z.number().int(), title: z.string() }),
  reason: z.string(),
  responsible: partyRef,
  deadline: z.string(),
  criteria: z.string(),
  state: z.enum(['listed', 'delisted']),
  overdue: z.boolean().describe('Still listed past its deadline'),
  listedAt: z.string(),
  listedBy: z.string(),
  delistedAt: z.string().nullable(),
  delistedBy: z.string().nullable().describe('The safety office member who signed the delisting off'),
  evidence: z.string().nullable(),
  version: z.number().int(),
});
export type ListingDto = z.infer<typeof listingDto>;
export const listingDetail = listingDto.extend({
  history: z.array(listingHistoryItem),
  media: z.array(mediaDto),
});
export type ListingDetail = z.infer<typeof listingDetail>;

export const listingListQuery = z.object({
  state: z.enum(['listed', 'delisted']).optional(),
  subject: z.enum(['hazard', 'place']).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only those still listed past their deadline'),
  ...pageFields,
});
export type ListingListQuery = z.infer<typeof listingListQuery>;

export const publicListing = z.object({
  id: z.number().int(),
  kind: z.enum(['hazard', 'place']),
  title: z.string(),
  town: z.string().nullable(),
  reason: z.string(),
  responsible: z.string().describe('The responsible unit, department or enterprise (no person)'),
  deadline: z.string(),
  criteria: z.string(),
  listedAt: z.string(),
  overdue: z.boolean(),
});
export type PublicListing = z.infer<typeof publicListing>;
export const publicListQuery = z.object({ ...pageFields });

export const createAdmonitionBody = z
  .object({
    party: party.describe('Who was talked to'),
    heldAt: z.iso.datetime({ offset: true }).describe('When the talk was held'),
    heldBy: text(200).describe('By whom (the officials or office who held it)'),
    subject: text(1000).describe('What about'),
    hazardIds: z.array(bodyId).max(50).default([]).describe('The hazards it was about'),
    listingId: bodyId.optional().describe('The listing it was about'),
    commitments: text(2000).describe('What the party committed to'),
    followUpDue: deadlineInput.describe('When the follow-up is due'),
  })
  .strict();
export type CreateAdmonitionBody = z.infer<typeof createAdmonitionBody>;

export const followUpBody = z
  .object({
    version: z.number().int().min(1),
    done: z.boolean().describe('Whether the commitments were kept'),
    note: z.string().trim().max(1000).optional().describe('Required when not done'),
  })
  .strict();
export type FollowUpBody = z.infer<typeof followUpBody>;

export const admonitionDto = z.object({
  id: z.number().int(),
  party: partyRef,
  heldAt: z.string(),
  heldBy: z.string(),
  subject: z.string(),
  hazards: z.array(z.object({ id: z.number().int(), trackingNo: z.string() })),
  listingId: z.number().int().nullable(),
  commitments: z.string(),
  followUp: z.object({
    due: z.string(),
    state: z.enum(['pending', 'done', 'not_done']),
    overdue: z.boolean().describe('Pending past its due date'),
    note: z.string().nullable(),
    at: z.string().nullable(),
    by: z.string().nullable(),
  }),
  version: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type AdmonitionDto = z.infer<typeof admonitionDto>;

export const admonitionListQuery = z.object({
  followUp: z.enum(['pending', 'done', 'not_done', 'overdue']).optional(),
  from: isoDate.optional().describe('Held on or after this local date'),
  to: isoDate.optional().describe('Held on or before this local date'),
  listing: id.optional().describe('Only the talks about this listing'),
  ...pageFields,
});
export type AdmonitionListQuery = z.infer<typeof admonitionListQuery>;

export const rankingQuery = z.object({
  from: isoDate.describe('First local day'),
  to: isoDate.describe('Last local day'),
  by: z.enum(['town', 'department']).default('town'),
});
export type RankingQuery = z.infer<typeof rankingQuery>;

export const rankingRow = z.object({
  rank: z.number().int().describe('1 best: by close-out rate, then on-time rate, then fewer overdue open'),
  party: z.object({
    kind: z.enum(['unit', 'department']),
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
  }),
  found: z.number().int(),
  closedOut: z.number().int(),
  closeoutRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  overdueOpen: z.number().int(),
  listed: z.number().int().describe('Listings in force at the end of the period'),
  admonitions: z.number().int().describe('Admonition talks held in the period'),
});
export const rankingResult = z.object({
  from: z.string(),
  to: z.string(),
  by: z.string(),
  items: z.array(rankingRow),
});
export type RankingResult = z.infer<typeof rankingResult>;
