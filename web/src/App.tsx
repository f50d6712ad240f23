// Providers, then the one decision of the whole client: login page, or the shell with the page
// the navigation table assigns to the current path.
import { App as AntApp, Spin } from 'antd';
import { Suspense, useEffect } from 'react';
import { AuthProvider, LOGIN_PATH, useAuth } from './auth/AuthProvider';
import { I18nProvider } from './i18n';
import { LoginPage } from './pages/LoginPage';
import { StatusPage } from './pages/StatusPage';
import { isUnder, navigate, useLocation } from './router/router';
import { AppShell } from './shell/AppShell';
import { entryFor, homePath } from './shell/nav';

function Routes() {
  const { user } = useAuth();
  const { pathname } = useLocation();
  const entry = entryFor(pathname);
  // the reporting page and the public safety index need no account and are phone-first: no
  // login, no console frame
  const open = isUnder(pathname, '/report') || isUnder(pathname, '/public/index');
  const goLogin = !user && pathname !== LOGIN_PATH && !open;
  const goHome = user && (pathname === '/' || pathname === LOGIN_PATH);

  useEffect(() => {
    if (goLogin) {
      const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + window.location.search)}`;
      navigate(`${LOGIN_PATH}${next}`, { replace: true });
    } else if (goHome && user) navigate(homePath(user.roles), { replace: true });
  }, [goLogin, goHome, pathname, user]);

  if (open && entry) {
    return (
      <Suspense fallback={<Spin className="page-spin" />}>
        <entry.page />
      </Suspense>
    );
  }
  if (!user) return pathname === LOGIN_PATH ? <LoginPage /> : null;
  if (goHome) return null;
  const allowed = entry?.roles.some((r) => user.roles.includes(r));
  const Page = entry?.page;
  return (
    <AppShell activeKey={entry?.key}>
      {!entry || !Page ? (
        <StatusPage status="404" />
      ) : !allowed ? (
        <StatusPage status="403" />
      ) : (
        <Suspense fallback={<Spin className="page-spin" />}>
          <Page />
        </Suspense>
      )}
    </AppShell>
  );
}

export function App() {
  return (
    <I18nProvider>
      <AntApp>
        <AuthProvider>
          <Routes />
        </AuthProvider>
      </AntApp>
    </I18nProvider>
  );
}
