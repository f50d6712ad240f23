// 安网随手拍's service worker (scope /report): keeps the app shell so the reporting page opens without
// network; the page's outbox then waits for the network. Never caches the API: /api, /open311 and every
// request that is not a GET go straight to the network, untouched.
const CACHE = 'anwang-report-shell-v1';
const SHELL = ['/report', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon.svg'];

const isApi = (url) => url.pathname.startsWith('/api/') || url.pathname.startsWith('/open311');

/** The scripts and styles index.html loads, so the first offline open has them. */
function shellAssets(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      const page = await cache.match('/report');
      if (page) await cache.addAll(shellAssets(await page.text()));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// the page tells which lazily loaded chunks it used (they are not named in index.html)
self.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type !== 'cache-assets' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u) => typeof u === 'string' && u.startsWith('/assets/'));
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all(urls.map((u) => cache.add(u).catch(() => {})))),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || isApi(url)) return;

  if (req.mode === 'navigate') {
    // the newest page when online (it names the newest assets); the kept shell when not
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(req);
          if (res.ok) {
            const cache = await caches.open(CACHE);
            await cache.put('/report', res.clone());
          }
          return res;
        } catch {
          return (await caches.match('/report')) ?? Response.error();
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/')) {
    // hashed file names never change content: the cache first, kept as fetched
    event.respondWith(
      (async () => {
        const hit = await caches.match(req);
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok) {
          const cache = await caches.open(CACHE);
          await cache.put(req, res.clone());
        }
        return res;
      })(),
    );
  }
});
