-- Export jobs (issue 13): a document that takes long to write (the PDF or XLSX of a large ЛСР) is
-- made in the background while the client polls GET /api/v1/jobs/{id}. The row is the job's whole
-- state, so that any instance answers its status and its file: the instance that runs it writes
-- progress and a heartbeat (a row whose heartbeat is older than a minute belongs to an instance
-- that died and reads as failed), a DELETE sets status 'cancelled' with cancel_requested, and the
-- finished file is kept in `file` until the row is deleted an hour after it finished.
-- `error_code` is the name of the failure's status code (core::StatusCodeName), `error_message`
-- its message. Times are UTC ISO 8601 text like every other time here.
CREATE TABLE export_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  target_type TEXT NOT NULL CHECK (target_type IN ('estimate', 'object', 'project')),
  target_id INTEGER NOT NULL,
  format TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  error_code TEXT,
  error_message TEXT,
  instance TEXT NOT NULL,
  created_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  finished_at TEXT,
  file BLOB,
  file_size INTEGER NOT NULL DEFAULT 0
);
-- The clean-up: finished rows by age, and rows still running by heartbeat.
CREATE INDEX export_jobs_finished ON export_jobs (finished_at);
CREATE INDEX export_jobs_heartbeat ON export_jobs (status, heartbeat_at);
