-- Attachments (issue 16): the uploaded original of an imported estimate and the exported documents
-- a user keeps with an estimate. The bytes live in the file storage (STORAGE_TYPE: a folder or an
-- S3 bucket) under `storage_key`; this row is what makes them an attachment. The file is written
-- before the row and deleted after it, so a row never names a file that is not there.
-- `kind`: 'import' (the original an estimate was made from) or 'export' (a kept document).
CREATE TABLE attachments (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  estimate_id BIGINT NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('import', 'export')),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  storage_key TEXT NOT NULL UNIQUE,
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX attachments_estimate ON attachments (organization_id, estimate_id, id);
