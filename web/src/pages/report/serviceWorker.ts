// The reporting page's service worker (web/public/sw.js): it keeps the app shell so that the page opens
// without network (the outbox then waits for the network). Its scope is /report only: the staff console is
// never served from a cache. Where service workers are missing (some web views) the page works as before.

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/report' })
    .then(async () => {
      const reg = await navigator.serviceWorker.ready;
      // the scripts and styles this page loaded before the worker existed (lazy chunks are not in index.html)
      const urls = performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name))
        .filter((u) => u.origin === window.location.origin && u.pathname.startsWith('/assets/'))
        .map((u) => u.pathname);
      reg.active?.postMessage({ type: 'cache-assets', urls });
    })
    .catch((e: unknown) => console.warn('service worker not registered', e));
}
