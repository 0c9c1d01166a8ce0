// The data collector: every collection from ФГИС ЦС (by the schedule, by an admin, by the
// `collect` command) as a job with its outcome, and «Собрать сейчас» for admins. A job's page
// shows its log and the files it fetched with their SHA-256; a job that made a draft release
// links to the report of what that release changes.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useSession } from "../../app/session";
import { errorText } from "../../components/errors";
import { formatBytes, formatDateTime } from "../../components/format";
import { LoadError, Loading } from "../../components/QueryState";
import { notify, notifyError } from "../../components/Toast";
import { NotFoundPage } from "../NotFoundPage";
import { routeId } from "../queries";
import { JOB_STATUS, ORIGIN, WHAT, useCollectNow, useCollectorJob, useCollectorJobs, type CollectorJob } from "./collector";

function duration(job: CollectorJob): string {
  if (!job.finished_at) return job.status === "running" ? "идёт…" : "—";
  const s = job.duration_ms / 1000;
  return s < 60 ? `${s.toFixed(1).replace(".", ",")} с` : `${Math.floor(s / 60)} мин ${Math.round(s % 60)} с`;
}

function Status({ job }: { job: CollectorJob }) {
  const s = JOB_STATUS[job.status] ?? { text: job.status, badge: "" };
  return <span className={`badge ${s.badge}`}>{s.text}</span>;
}

function Outcome({ job }: { job: CollectorJob }) {
  return (
    <>
      {job.error ? <span className="error-text">{job.error}</span> : job.summary || <span className="muted">—</span>}
      {job.release_id !== null && (
        <div>
          <Link to={`/admin/releases/${job.release_id}/diff`}>
            Релиз № {job.release_id} {job.activated ? "(активирован)" : "(черновик)"} — что изменилось
          </Link>
        </div>
      )}
    </>
  );
}

export function CollectorTab() {
  const jobs = useCollectorJobs();
  const collect = useCollectNow();
  const { can } = useSession();
  const navigate = useNavigate();
  const [what, setWhat] = useState<"all" | "prices" | "base">("all");

  const start = async () => {
    try {
      const job = await collect.mutateAsync({ what });
      notify(`Сбор № ${job.id} поставлен в очередь`);
    } catch (e) {
      notifyError(errorText(e));
    }
  };

  return (
    <>
      <h2 className="visually-hidden">Сбор данных из ФГИС ЦС</h2>
      <div className="page-bar">
        <p className="muted grow">
          Сборщик сам проверяет ФГИС ЦС по расписанию: новое дополнение ФСНБ или цены нового квартала приходят черновиком
          релиза, который активирует администратор. {jobs.data && <>Источник: {jobs.data.source}.</>}
        </p>
        {can("import_base") && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void start();
            }}
          >
            <label>
              Что собрать
              <select value={what} onChange={(e) => setWhat(e.target.value as typeof what)}>
                <option value="all">базу и цены</option>
                <option value="prices">только текущие цены</option>
                <option value="base">только базу ФСНБ</option>
              </select>
            </label>
            <button type="submit" className="primary" disabled={collect.isPending}>
              Собрать сейчас
            </button>
          </form>
        )}
      </div>
      {jobs.isPending && <Loading />}
      {jobs.isError && <LoadError error={jobs.error} onRetry={() => void jobs.refetch()} />}
      {jobs.data && (
        <table className="list" data-testid="collector-jobs" aria-label="Сборы данных">
          <thead>
            <tr>
              <th scope="col" className="num">
                №
              </th>
              <th scope="col">Начат</th>
              <th scope="col">Что</th>
              <th scope="col">Запуск</th>
              <th scope="col">Состояние</th>
              <th scope="col" className="num">
                Длительность
              </th>
              <th scope="col">Итог</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.items.map((j) => (
              <tr
                key={j.id}
                className="clickable"
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest("a")) return;
                  navigate(`/admin/collector/${j.id}`);
                }}
              >
                <td className="num">
                  <Link to={`/admin/collector/${j.id}`} aria-label={`Сбор № ${j.id}`}>
                    {j.id}
                  </Link>
                </td>
                <td className="nowrap">{formatDateTime(j.started_at ?? j.created_at)}</td>
                <td>
                  {WHAT[j.what] ?? j.what}
                  {j.territory && <div className="muted">{j.territory}</div>}
                </td>
                <td>{ORIGIN[j.origin] ?? j.origin}</td>
                <td>
                  <Status job={j} />
                </td>
                <td className="num nowrap">{duration(j)}</td>
                <td>
                  <Outcome job={j} />
                </td>
              </tr>
            ))}
            {jobs.data.items.length === 0 && (
              <tr>
                <td colSpan={7} className="muted empty">
                  Сборов ещё не было
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}

const FILE_STATE: Record<string, string> = { new: "новый", unchanged: "без изменений" };

export function CollectorJobPage() {
  const id = routeId(useParams().jobId);
  const job = useCollectorJob(id);
  if (!Number.isFinite(id)) return <NotFoundPage />;
  if (job.isPending) return <Loading />;
  if (job.isError) return <LoadError error={job.error} onRetry={() => void job.refetch()} />;
  const j = job.data;
  return (
    <div data-testid="collector-job">
      <p>
        <Link to="/admin/collector">← Сборы данных</Link>
      </p>
      <h2>
        Сбор № {j.id}: {WHAT[j.what] ?? j.what} <Status job={j} />
      </h2>
      <dl className="facts">
        <dt>Запуск</dt>
        <dd>
          {ORIGIN[j.origin] ?? j.origin}, {formatDateTime(j.started_at ?? j.created_at)}
          {j.instance && <span className="muted"> — {j.instance}</span>}
        </dd>
        <dt>Длительность</dt>
        <dd>{duration(j)}</dd>
        <dt>Обращений к порталу</dt>
        <dd>
          {j.requests}, повторов {j.retries}, получено {formatBytes(j.bytes)}
        </dd>
        <dt>Итог</dt>
        <dd>
          <Outcome job={j} />
        </dd>
      </dl>
      {j.files && j.files.length > 0 && (
        <>
          <h3>Файлы</h3>
          <table className="list" aria-label="Полученные файлы">
            <thead>
              <tr>
                <th scope="col">Источник</th>
                <th scope="col">Файл</th>
                <th scope="col">Версия</th>
                <th scope="col" className="num">
                  Размер
                </th>
                <th scope="col">SHA-256</th>
                <th scope="col">Состояние</th>
              </tr>
            </thead>
            <tbody>
              {j.files.map((f) => (
                <tr key={f.source + f.name}>
                  <td className="nowrap">{f.source}</td>
                  <td>{f.name}</td>
                  <td>{f.version}</td>
                  <td className="num nowrap">{formatBytes(f.bytes)}</td>
                  <td>
                    <code title={f.sha256}>{f.sha256.slice(0, 16)}…</code>
                  </td>
                  <td>
                    {f.state === "changed"
                      ? f.source.startsWith("dataset:")
                        ? "изменился без новой версии"
                        : "цены квартала обновлены"
                      : FILE_STATE[f.state]}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Журнал</h3>
      <pre className="job-log" data-testid="collector-log" tabIndex={0}>
        {j.log || "—"}
      </pre>
    </div>
  );
}
