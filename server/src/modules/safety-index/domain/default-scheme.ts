// The default Ouhai scheme: fifteen indicators on the three dimensions of 平安治理指数 — problems (问题:
// incidents, disputes, fire and traffic harm per 1,000 residents), needs (需求: what residents ask for
// help with) and effects (效果: how well the platform answers, and the 平安三率 survey rates). Values from
// the events module, and imported external data where the platform has none of its own.
// No indicator rewards raw counts of reports filed by staff (that invites invented events).
import { DEFAULT_LADDER } from './ladder.js';
import type { SchemeBody } from './scheme.js';

type Input = Omit<SchemeBody, 'method' | 'uncertainty'> & {
  method?: SchemeBody['method'];
  uncertainty?: SchemeBody['uncertainty'];
};

export const DEFAULT_SCHEME: Input = {
  name: { zh: '瓯海区平安治理指数（默认方案）', en: 'Ouhai safety index (default scheme)' },
  dimensionWeights: { problems: 40, needs: 20, effects: 40 },
  bands: { mode: 'thresholds', thresholds: [85, 75, 65, 55] },
  ladder: DEFAULT_LADDER,
  indicators: [
    // problems: the less, the better
    {
      code: 'police_incidents',
      name: { zh: '万人刑事治安警情', en: 'Police incidents per 10,000' },
      dimension: 'problems',
      direction: -1,
      weight: 3,
      source: 'external:police_incidents',
    },
    {
      code: 'major_cases',
      name: { zh: '重大案事件', en: 'Major cases' },
      dimension: 'problems',
      direction: -1,
      weight: 3,
      source: 'external:major_cases',
    },
    {
      code: 'fire_incidents',
      name: { zh: '火灾起数', en: 'Fires' },
      dimension: 'problems',
      direction: -1,
      weight: 2,
      source: 'external:fire_incidents',
    },
    {
      code: 'traffic_deaths',
      name: { zh: '道路交通亡人', en: 'Road deaths' },
      dimension: 'problems',
      direction: -1,
      weight: 2,
      source: 'external:traffic_deaths',
    },
    {
      code: 'disputes_rate',
      name: { zh: '千人矛盾纠纷', en: 'Disputes per 1,000' },
      dimension: 'problems',
      direction: -1,
      weight: 2,
      source: 'events.group:disputes',
    },
    {
      code: 'public_order_rate',
      name: { zh: '千人治安类事件', en: 'Public-order events per 1,000' },
      dimension: 'problems',
      direction: -1,
      weight: 2,
      source: 'events.group:public_order',
    },
    {
      code: 'fire_hazard_rate',
      name: { zh: '千人消防隐患事件', en: 'Fire-hazard events per 1,000' },
      dimension: 'problems',
      direction: -1,
      weight: 1,
      source: 'events.group:fire',
    },
    // needs: requests for help and petitions, the less, the better
    {
      code: 'petitions',
      name: { zh: '万人信访量', en: 'Petitions per 10,000' },
      dimension: 'needs',
      direction: -1,
      weight: 2,
      source: 'external:petitions',
    },
    {
      code: 'help_requests',
      name: { zh: '千人群众求助', en: 'Requests for help per 1,000' },
      dimension: 'needs',
      direction: -1,
      weight: 1,
      source: 'events.group:livelihood',
    },
    {
      code: 'reopen_rate',
      name: { zh: '群众不满意重启率', en: 'Reopened after a bad rating' },
      dimension: 'needs',
      direction: -1,
      weight: 1,
      source: 'events:reopenRate',
    },
    // effects: the more, the better
    {
      code: 'resolution_rate',
      name: { zh: '事件办结率', en: 'Resolution rate' },
      dimension: 'effects',
      direction: 1,
      weight: 2,
      source: 'events:resolutionRate',
    },
    {
      code: 'on_time_rate',
      name: { zh: '按期办结率', en: 'On-time rate' },
      dimension: 'effects',
      direction: 1,
      weight: 2,
      source: 'events:onTimeRate',
    },
    {
      code: 'satisfaction',
      name: { zh: '群众评价满意度', en: 'Reporters’ satisfaction' },
      dimension: 'effects',
      direction: 1,
      weight: 2,
      source: 'events:satisfaction',
    },
    {
      code: 'awareness_rate',
      name: { zh: '平安建设知晓率', en: 'Awareness rate (survey)' },
      dimension: 'effects',
      direction: 1,
      weight: 1,
      source: 'external:awareness_rate',
    },
    {
      code: 'survey_satisfaction',
      name: { zh: '平安建设满意率', en: 'Satisfaction rate (survey)' },
      dimension: 'effects',
      direction: 1,
      weight: 1,
      source: 'external:survey_satisfaction',
    },
  ],
};
