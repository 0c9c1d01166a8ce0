import { useState, type FormEvent } from "react";
import { Navigate, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { useSession } from "../app/session";

export function SignInPage() {
  const { me, signIn, ended } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [organizationId, setOrganizationId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [needsOrganization, setNeedsOrganization] = useState(false);
  const next = params.get("next");
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/projects";

  if (me) return <Navigate to={target} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password, organizationId ? Number(organizationId) : undefined);
    } catch (err) {
      const text = err instanceof ApiError ? err.message : "Сервер недоступен — попробуйте ещё раз";
      if (/organization_id/.test(text)) setNeedsOrganization(true);
      setError(err instanceof ApiError && err.status === 401 ? "Неверный адрес или пароль" : text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Вход в Estimate Service</h1>
        <p className="muted">Сметы по ФСНБ-2022 и Методике 421/пр</p>
        {ended && (
          <p className="notice" role="status">
            Сеанс завершён. Войдите снова — несохранённые правки будут отправлены.
          </p>
        )}
        <label>
          Электронная почта
          <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
        </label>
        <label>
          Пароль
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {needsOrganization && (
          <label>
            Номер организации
            <input inputMode="numeric" value={organizationId} onChange={(e) => setOrganizationId(e.target.value)} />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Вход…" : "Войти"}
        </button>
      </form>
    </main>
  );
}
