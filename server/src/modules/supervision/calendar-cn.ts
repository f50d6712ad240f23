// China's public holidays and make-up working days (调休), as the State Council's General Office
// publishes them each November for the next year. Data, not rules: a deployer adds next year's
// notice here (or passes its own lists to workCalendar). Only the dates matter to the calendar:
// a holiday on a weekend changes nothing, a make-up day on a weekend makes it a working day.
import { type WorkCalendar, workCalendar } from './deadlines.js';

const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
};

/** 国办发明电〔2024〕12号: the 2025 schedule. */
const Y2025 = {
  holidays: [
    '2025-01-01',
    ...range('2025-01-28', '2025-02-04'), // 春节
    ...range('2025-04-04', '2025-04-06'), // 清明节
    ...range('2025-05-01', '2025-05-05'), // 劳动节
    ...range('2025-05-31', '2025-06-02'), // 端午节
    ...range('2025-10-01', '2025-10-08'), // 国庆节、中秋节
  ],
  workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
};

/** The 2026 schedule (国办发明电〔2025〕7号); check against the published notice before relying on it. */
const Y2026 = {
  holidays: [
    ...range('2026-01-01', '2026-01-03'), // 元旦
    ...range('2026-02-15', '2026-02-23'), // 春节
    ...range('2026-04-04', '2026-04-06'), // 清明节
    ...range('2026-05-01', '2026-05-05'), // 劳动节
    ...range('2026-06-19', '2026-06-21'), // 端午节
    ...range('2026-09-25', '2026-09-27'), // 中秋节
    ...range('2026-10-01', '2026-10-07'), // 国庆节
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/** The default calendar: Asia/Shanghai office hours with the holidays above. */
export function chinaWorkCalendar(extra: { holidays?: string[]; workdays?: string[] } = {}): WorkCalendar {
  return workCalendar({
    holidays: [...Y2025.holidays, ...Y2026.holidays, ...(extra.holidays ?? [])],
    workdays: [...Y2025.workdays, ...Y2026.workdays, ...(extra.workdays ?? [])],
  });
}

export { range as dateRange };
