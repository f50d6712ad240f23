// How serious a hidden danger is: 一般 / 较大 / 重大. The glossary names no code for these, so the
// code names are `general`, `major`, `critical`, in ascending order of seriousness.

export const SEVERITIES = ['general', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Readonly<Record<Severity, { zh: string; en: string }>> = {
  general: { zh: '一般', en: 'general' },
  major: { zh: '较大', en: 'major' },
  critical: { zh: '重大', en: 'critical' },
};

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}
