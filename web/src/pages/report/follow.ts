// The reports this device filed without an account: the server gave each a follow token, which is the
// only way to see, rate or reopen it later. Kept in localStorage (the newest first).
const KEY = 'anwang.report.followed';
const MAX = 50; // what POST /events/followed accepts in one call

export interface Followed {
  id: number;
  trackingNo: string;
  token: string;
  at: number;
}

export function loadFollowed(): Followed[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Followed[]).filter((f) => typeof f?.token === 'string') : [];
  } catch {
    return [];
  }
}

export function addFollowed(f: Followed): void {
  const list = [f, ...loadFollowed().filter((x) => x.id !== f.id && x.token !== f.token)].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // private mode or full: the tracking number on screen is still the way to ask about it
  }
}

export function tokenFor(id: number): string | undefined {
  return loadFollowed().find((f) => f.id === id)?.token;
}
