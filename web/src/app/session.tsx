// The signed-in user: who, which organization, which role. Signing in stores the token pair;
// when the service ends the session (elsewhere), the user is sent to the sign-in page with the
// place they were at, and the queued edits stay in storage until they are back.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { api, onSessionEnded, tokenStore, unwrap, type Schemas } from "../api/client";
import { allowed, type Permission } from "./permissions";

type Me = Schemas["Me"];

interface SessionValue {
  me: Me | null;
  loading: boolean;
  signIn(email: string, password: string, organizationId?: number): Promise<void>;
  signOut(): Promise<void>;
  can(permission: Permission): boolean;
  /** Set when the service ended the session: the sign-in page says so. */
  ended: boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(() => tokenStore.get() !== null);
  const [ended, setEnded] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();

  const loadMe = useCallback(async () => {
    const me = unwrap(await api.GET("/api/v1/auth/me"));
    setMe(me);
    setEnded(false);
  }, []);

  useEffect(() => {
    if (tokenStore.get() === null) return;
    loadMe()
      .catch(() => setMe(null))
      .finally(() => setLoading(false));
  }, [loadMe]);

  useEffect(
    () =>
      onSessionEnded(() => {
        setMe(null);
        setEnded(true);
        queryClient.clear();
        const here = location.pathname + location.search;
        if (!here.startsWith("/sign-in")) navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate, location, queryClient],
  );

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loading,
      ended,
      async signIn(email, password, organizationId) {
        const session = unwrap(
          await api.POST("/api/v1/auth/login", {
            body: { email, password, ...(organizationId ? { organization_id: organizationId } : {}) },
          }),
        );
        tokenStore.set({ access_token: session.access_token, refresh_token: session.refresh_token });
        await loadMe();
      },
      async signOut() {
        const pair = tokenStore.get();
        if (pair) await api.POST("/api/v1/auth/logout", { body: { refresh_token: pair.refresh_token } }).catch(() => undefined);
        tokenStore.clear();
        queryClient.clear();
        setMe(null);
        navigate("/sign-in", { replace: true });
      },
      can: (permission) => allowed(me?.role, permission),
    }),
    [me, loading, ended, loadMe, queryClient, navigate],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
