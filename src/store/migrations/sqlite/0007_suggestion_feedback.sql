-- The assistant's feedback (issue 14): which norm the estimators of an organization chose for a
-- description of work from a bill of quantities (ВОР), accepting the suggestion or correcting
-- it. The next suggestion for the same description and unit in that organization ranks the
-- chosen norm first. `text_key` is the description's retrieval terms (stems, figures), sorted;
-- `unit_key` the unit in one spelling; `code` the norm's full code («ГЭСНм 08-03-591-03»).
CREATE TABLE suggestion_feedback (
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  text_key TEXT NOT NULL,
  unit_key TEXT NOT NULL,
  code TEXT NOT NULL,
  chosen INTEGER NOT NULL DEFAULT 0,     -- times this norm was chosen for the description
  corrected INTEGER NOT NULL DEFAULT 0,  -- of those, times it replaced another suggestion
  suggested TEXT NOT NULL DEFAULT '',    -- what the assistant had suggested the last time
  updated_at TEXT NOT NULL,
  PRIMARY KEY (organization_id, text_key, unit_key, code)
);
