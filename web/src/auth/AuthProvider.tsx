// Who is logged in. Loads GET /me once, and sends the user to the login page on any 401.
import { Spin } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { isApiError, setUnauthorizedHandler } from '../api/client';
import { authApi } from '../api/endpoints';
import type { User } from '../api/types';
import { navigate } from '../router/router';

interface Auth {
  user: User | null;
  login: (username: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export const LOGIN_PATH = '/login';

function toLogin() {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === LOGIN_PATH) return;
  navigate(here === '/' ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(here)}`, { replace: true });
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser(null);
      toLogin();
    });
    authApi
      .me()
      .then(setUser)
      .catch((e: unknown) => {
        if (!isApiError(e, 401)) console.error(e);
        setUser(null);
      })
      .finally(() => setReady(true));
    return () => setUnauthorizedHandler(null);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { user: u } = await authApi.login(username, password);
    setUser(u);
    return u;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setUser(null);
      navigate(LOGIN_PATH, { replace: true });
    }
  }, []);

  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  if (!ready) {
    return (
      <div className="app-boot">
        <Spin size="large" />
      </div>
    );
  }
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The logged-in user; only for components rendered inside the authenticated shell. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a user');
  return user;
}
