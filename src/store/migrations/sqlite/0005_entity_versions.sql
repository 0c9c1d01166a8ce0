-- Projects and objects carry a version like estimates do (issue 10): a rename names the version
-- it was based on (If-Match), and a stale one is refused instead of overwriting another's change.
ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE objects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- An administrator adding an address that is registered already (in another organization) makes
-- an invitation instead of an error that would tell that the address exists: the account joins
-- when its owner accepts (POST /api/v1/auth/invitations/{organization_id}/accept).
CREATE TABLE invitations (
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'estimator', 'reviewer', 'viewer')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX invitations_user ON invitations (user_id, organization_id);
