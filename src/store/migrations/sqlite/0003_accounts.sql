-- Accounts, sessions and the audit log (issue 5). Organizations are the tenants; a user belongs
-- to organizations through memberships, each with one role. Times are TEXT in UTC ISO 8601 with
-- milliseconds ("2026-01-31T09:15:02.123Z"): they sort as text, identically on both engines.
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- `email` is stored normalized (trimmed, ASCII letters lower-cased) by the repository, so the
-- unique index makes addresses unique whatever their case. `password_hash` is an argon2id PHC
-- string; `active` is 0/1.
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE TABLE memberships (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'estimator', 'reviewer', 'viewer')),
  PRIMARY KEY (user_id, organization_id)
);
-- Members of an organization (the primary key serves a user's memberships).
CREATE INDEX memberships_organization ON memberships (organization_id, user_id);
-- One row per refresh token (auth::RefreshTokenStore). `user_id` and `organization_id` hold the
-- token's subject as the token carries it (decimal ids as text) and are not foreign keys: rows
-- live only until they expire. `organization_id` stays NULL while auth::RefreshTokenRecord does
-- not carry the organization. `expires_at` is UTC ISO 8601 like every other time here.
CREATE TABLE refresh_tokens (
  jti TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  user_id TEXT NOT NULL,
  organization_id TEXT,
  expires_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'used', 'revoked')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
-- A revoked family stays revoked: tokens inserted into it later are refused or reported revoked.
CREATE TABLE revoked_families (
  family TEXT PRIMARY KEY,
  revoked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Every write, attributable: who (NULL for the system, e.g. the CLI), when, what, on which
-- entity, in which request, and the entity before and after as JSON text (NULL for none).
-- Rows are only ever appended. Queries are per organization, newest first.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  actor_user_id INTEGER REFERENCES users (id),
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  request_id TEXT,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_log_organization_at ON audit_log (organization_id, at, id);
CREATE INDEX audit_log_entity ON audit_log (organization_id, entity_type, entity_id, at, id);
CREATE INDEX audit_log_actor ON audit_log (organization_id, actor_user_id, at, id);
