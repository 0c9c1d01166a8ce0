-- The data collector (issue 15). Every collection is a row of collector_jobs, whatever started
-- it (the schedule, an admin's «collect now» through the API, the `collect` command): queued →
-- running → succeeded | nothing_new | failed | skipped. The row is the job's whole state, so any
-- instance answers it; only the collector that runs it writes, with a heartbeat (a running row
-- whose heartbeat is older than two minutes belongs to a collector that died and reads as failed);
-- a running job waits for the collection lock until `locked` says it has it.
-- `log` is the job's log, one line per event, appended as it runs.
-- collector_job_files: what a job fetched (or found unchanged), one row per file.
-- collector_sources: what was last brought in from each source (a data set of the portal, the
-- prices of a region, zone and quarter), so that a run finds what is new without downloading.
CREATE TABLE collector_jobs (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  what TEXT NOT NULL CHECK (what IN ('base', 'prices', 'all')),
  territory TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL CHECK (origin IN ('schedule', 'manual', 'cli')),
  requested_by BIGINT,
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'nothing_new', 'failed', 'skipped')),
  instance TEXT NOT NULL DEFAULT '',
  created_at TEXT COLLATE "C" NOT NULL,
  started_at TEXT COLLATE "C",
  finished_at TEXT COLLATE "C",
  heartbeat_at TEXT COLLATE "C" NOT NULL,
  release_id BIGINT,
  activated SMALLINT NOT NULL DEFAULT 0 CHECK (activated IN (0, 1)),
  locked SMALLINT NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),  -- holds the collection lock
  summary TEXT NOT NULL DEFAULT '',
  requests BIGINT NOT NULL DEFAULT 0,
  retries BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  log TEXT NOT NULL DEFAULT ''
);
CREATE INDEX collector_jobs_status ON collector_jobs (status, id);
CREATE TABLE collector_job_files (
  job_id BIGINT NOT NULL REFERENCES collector_jobs (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  version TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('new', 'changed', 'unchanged')),
  PRIMARY KEY (job_id, ord)
);
CREATE TABLE collector_sources (
  source TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  etag TEXT NOT NULL DEFAULT '',
  release_id BIGINT,
  job_id BIGINT,
  fetched_at TEXT COLLATE "C" NOT NULL
);
