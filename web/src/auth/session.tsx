import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { api, session } from '../api/client';
import type { GetMeResponse, PostAuthLoginBody, PostAuthRegisterBody } from '../api/types.gen';

export type Me = GetMeResponse;

interface AuthState {
  /** undefined while the stored session is being restored. */
  user: Me | null | undefined;
  login(body: PostAuthLoginBody): Promise<Me>;
  register(body: PostAuthRegisterBody): Promise<Me>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const signedIn = useSyncExternalStore(session.subscribe, session.hasRefreshToken);
  const me = useQuery({ queryKey: ['me'], queryFn: () => api('GET /api/v1/me'), enabled: signedIn, staleTime: 60_000 });

  useEffect(() => {
    if (!signedIn) queryClient.removeQueries({ queryKey: ['me'] });
  }, [signedIn, queryClient]);

  const login = useCallback(
    async (body: PostAuthLoginBody) => {
      const s = await api('POST /api/v1/auth/login', { body });
      session.setTokens(s.accessToken, s.refreshToken);
      queryClient.setQueryData(['me'], s.user);
      return s.user;
    },
    [queryClient],
  );
  const register = useCallback(
    async (body: PostAuthRegisterBody) => {
      const s = await api('POST /api/v1/auth/register', { body });
      session.setTokens(s.accessToken, s.refreshToken);
      queryClient.setQueryData(['me'], s.user);
      return s.user;
    },
    [queryClient],
  );
  const logout = useCallback(async () => {
    const refreshToken = session.refreshToken();
    if (refreshToken) await api('POST /api/v1/auth/logout', { body: { refreshToken } }).catch(() => undefined);
    session.clear();
    queryClient.clear();
  }, [queryClient]);

  const user = !signedIn ? null : me.isError ? null : me.data;
  const value = useMemo(() => ({ user, login, register, logout }), [user, login, register, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
