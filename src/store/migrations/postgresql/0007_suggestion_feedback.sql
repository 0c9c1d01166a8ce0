-- The assistant's feedback (issue 14): which norm the estimators of an organization chose for a
-- description of work from a bill of quantities (ВОР), accepting the suggestion or correcting
-- it. The next suggestion for the same description and unit in that organization ranks the
-- chosen norm first. `text_key` is the description's retrieval terms (stems, figures), sorted;
-- `unit_key` the unit in one spelling; `code` the norm's full code («ГЭСНм 08-03-591-03»).
CREATE TABLE suggestion_feedback (
  organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  text_key TEXT COLLATE "C" NOT NULL,
  unit_key TEXT COLLATE "C" NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  chosen BIGINT NOT NULL DEFAULT 0,
  corrected BIGINT NOT NULL DEFAULT 0,
  suggested TEXT NOT NULL DEFAULT '',
  updated_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (organization_id, text_key, unit_key, code)
);
