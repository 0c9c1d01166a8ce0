-- Key/value settings of this installation (its id, when it was created).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO settings (key, value) VALUES ('installation_id', lower(hex(randomblob(16))));
