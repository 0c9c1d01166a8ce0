-- Projects (стройки), their objects, and the estimates (ЛСР) of an object with every version kept
-- (docs/design/estimates-store.md). organization_id and actor_user_id are plain ids, not foreign
-- keys to the accounts tables: those come in a migration of their own, and the repository scopes
-- every query by organization itself. release_id is not a foreign key either: a release may be
-- deleted while old estimates still name it. Times are TEXT, UTC ISO 8601 with milliseconds.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX projects_organization ON projects (organization_id, id);
CREATE TABLE objects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX objects_project ON objects (project_id, id);
-- The header and the version counter of an estimate; next_item_id numbers its sections and
-- positions (ids per estimate, stable across versions).
CREATE TABLE estimates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL,
  object_id INTEGER NOT NULL REFERENCES objects (id),
  name TEXT NOT NULL,
  number TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'review', 'approved')),
  method TEXT NOT NULL,
  release_id INTEGER,
  region TEXT NOT NULL,
  zone TEXT NOT NULL,
  quarter TEXT NOT NULL,
  estimate_date TEXT NOT NULL,
  vat_date TEXT NOT NULL,
  options_json TEXT NOT NULL,
  version INTEGER NOT NULL,
  next_item_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX estimates_object ON estimates (object_id, id);
-- The current sections and positions. sort_key orders them (byte order, see
-- estimate_sort_key.hpp); document_json is the calc-v1 position object.
CREATE TABLE estimate_sections (
  estimate_id INTEGER NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  sort_key TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (estimate_id, id)
);
CREATE TABLE estimate_positions (
  estimate_id INTEGER NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  section_id INTEGER NOT NULL,
  sort_key TEXT NOT NULL,
  document_json TEXT NOT NULL,
  PRIMARY KEY (estimate_id, id)
);
CREATE INDEX estimate_positions_order ON estimate_positions (estimate_id, section_id, sort_key);
-- One row per saved change (version 1 is the creation), with the header as it was after it.
CREATE TABLE estimate_versions (
  estimate_id INTEGER NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  actor_user_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  summary TEXT NOT NULL,
  change_count INTEGER NOT NULL,
  name TEXT NOT NULL,
  number TEXT NOT NULL,
  status TEXT NOT NULL,
  method TEXT NOT NULL,
  release_id INTEGER,
  region TEXT NOT NULL,
  zone TEXT NOT NULL,
  quarter TEXT NOT NULL,
  estimate_date TEXT NOT NULL,
  vat_date TEXT NOT NULL,
  options_json TEXT NOT NULL,
  PRIMARY KEY (estimate_id, version)
);
-- One row per section or position that a version changed: its state before and after (NULL
-- sort_key: absent). value is a position's document JSON or a section's name.
CREATE TABLE estimate_changes (
  estimate_id INTEGER NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  entity TEXT NOT NULL CHECK (entity IN ('section', 'position')),
  entity_id INTEGER NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('added', 'changed', 'removed')),
  before_section_id INTEGER,
  before_sort_key TEXT,
  before_value TEXT,
  after_section_id INTEGER,
  after_sort_key TEXT,
  after_value TEXT,
  PRIMARY KEY (estimate_id, version, entity, entity_id)
);
