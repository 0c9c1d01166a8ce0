-- Key/value settings of this installation (its id, when it was created).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
INSERT INTO settings (key, value) VALUES ('installation_id', md5(random()::text || clock_timestamp()::text));
