import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken } from './api.js';
import type { Me } from './types.js';

interface AuthState {
  /** undefined while the first /auth/me is in flight, null when signed out. */
  me: Me | null | undefined;
  /** True after an explicit sign-out (the sign-in page then forgets the page the user was on). */
  signedOut: boolean;
  refresh: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the signed-in account (from GET /api/auth/me) and its CSRF token. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [signedOut, setSignedOut] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const current = await api.get<Me>('/auth/me');
      setCsrfToken(current.csrfToken);
      setSignedOut(false);
      setMe(current);
      return current;
    } catch (error) {
      if (error instanceof ApiError && (error.unauthenticated || error.forbidden)) {
        setMe(null);
        return null;
      }
      throw error;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setCsrfToken(null);
      setSignedOut(true);
      setMe(null);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setMe(null));
  }, [refresh]);

  const value = useMemo(() => ({ me, signedOut, refresh, signOut }), [me, signedOut, refresh, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
