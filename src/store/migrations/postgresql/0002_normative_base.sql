-- Releases of the normative base (ФСНБ-2022 with its additions), several side by side: every row
-- below carries its release_id, and `ord` keeps the in-memory order, so that a loaded release is
-- the saved one index for index (sections and tables refer to each other by ord).
-- Decimals are TEXT holding the exact decimal string as written ("6.0" stays "6.0"); NULL where
-- the value is absent. Flags are 0/1 (SMALLINT here, INTEGER in SQLite). Indexed codes are
-- COLLATE "C": compared byte by byte as SQLite does, fast whatever the database's locale, and
-- usable by an index for prefix look-ups (code LIKE '12-01-%').
CREATE TABLE base_releases (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  addition_number INTEGER NOT NULL,
  price_level TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  saved_at TEXT NOT NULL
    DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  active SMALLINT NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  norm_count INTEGER NOT NULL,
  norm_resource_count INTEGER NOT NULL,
  section_count INTEGER NOT NULL,
  resource_count INTEGER NOT NULL,
  machine_count INTEGER NOT NULL,
  material_count INTEGER NOT NULL,
  equipment_count INTEGER NOT NULL,
  tech_group_count INTEGER NOT NULL,
  coefficient_count INTEGER NOT NULL,
  rate_count INTEGER NOT NULL,
  regional_price_count INTEGER NOT NULL
);
-- At most one active release; Activate switches it inside one transaction.
CREATE UNIQUE INDEX base_releases_one_active ON base_releases (active) WHERE active = 1;
-- Every activation, newest last; Rollback marks the newest live one rolled back and activates the
-- release of the one before it.
CREATE TABLE base_release_activations (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  activated_at TEXT NOT NULL
    DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
  rolled_back_at TEXT
);
CREATE INDEX base_release_activations_release ON base_release_activations (release_id);
CREATE TABLE base_source_files (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  kind TEXT NOT NULL,
  decree TEXT NOT NULL DEFAULT '',  -- the approving order a price book states
  PRIMARY KEY (release_id, ord)
);
-- Сборник / Отдел / Раздел / Подраздел / Таблица; parent is the ord of the parent level.
CREATE TABLE norm_sections (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  family TEXT NOT NULL,
  type TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  parent INTEGER,
  PRIMARY KEY (release_id, ord)
);
-- family is FamilyId ("gesn", "gesnm", …); content is a JSON array of the Content/Item texts.
CREATE TABLE norms (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  family TEXT COLLATE "C" NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  section INTEGER,
  overhead_code TEXT NOT NULL,
  profit_code TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (release_id, ord)
);
CREATE UNIQUE INDEX norms_code ON norms (release_id, family, code);
-- A norm's resource lines (about a million per release). consumption is NULL for "П" lines that
-- give no figure; tech_groups is a JSON array for abstract resources, NULL otherwise. No foreign
-- key: a million checks made the full-size save 70 % slower on PostgreSQL (11.3 s instead of
-- 6.7 s), and the rows are only ever written and deleted together with their release (Delete
-- removes them explicitly).
CREATE TABLE norm_resources (
  release_id BIGINT NOT NULL,
  norm_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  consumption TEXT,
  by_project SMALLINT NOT NULL,
  abstract SMALLINT NOT NULL,
  tech_groups TEXT,
  PRIMARY KEY (release_id, norm_ord, ord)
);
CREATE INDEX norm_resources_code ON norm_resources (release_id, code);
-- The price book's hierarchy (Книга / Часть / Раздел / Группа).
CREATE TABLE book_sections (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  type TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  parent INTEGER,
  PRIMARY KEY (release_id, ord)
);
-- ФСБЦ / ФСЭМ: kind is "material", "equipment", "machine" or "labor". electricity is кВт·ч
-- per маш.-ч and electricity_cost its part of base_price, NULL where the file gives none.
CREATE TABLE price_book (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  kind TEXT NOT NULL,
  base_price TEXT,
  wholesale_price TEXT,
  machinist_pay TEXT,
  machinist_labor TEXT,
  machinist_code TEXT NOT NULL,
  machinist_rank TEXT,
  with_relocation SMALLINT NOT NULL,
  section INTEGER,
  electricity TEXT,
  electricity_cost TEXT,
  PRIMARY KEY (release_id, ord)
);
CREATE UNIQUE INDEX price_book_code ON price_book (release_id, code);
CREATE TABLE tech_groups (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (release_id, ord)
);
CREATE UNIQUE INDEX tech_groups_code ON tech_groups (release_id, code);
CREATE TABLE tech_group_resources (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  group_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  resource_code TEXT NOT NULL,
  PRIMARY KEY (release_id, group_ord, ord)
);
-- Factors are NULL where the rule does not set that key. section is the code of the enclosing
-- section of the binding file; applies_sections, excluded and exclude_groups are JSON arrays of
-- codes ("[]" when none); start_use and end_use are the dates as the file writes them.
CREATE TABLE coefficient_rules (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  target TEXT NOT NULL,
  decree TEXT NOT NULL,
  formula TEXT NOT NULL,
  labor TEXT,
  machinist_labor TEXT,
  machines TEXT,
  materials TEXT,
  value TEXT,
  section TEXT NOT NULL,
  worker TEXT,
  machinist TEXT,
  equipment TEXT,
  applies_sections TEXT NOT NULL,
  excluded TEXT NOT NULL,
  exclude_groups TEXT NOT NULL,
  start_use TEXT NOT NULL,
  end_use TEXT NOT NULL,
  PRIMARY KEY (release_id, ord)
);
-- Norm codes or code prefixes a rule is bound to.
CREATE TABLE coefficient_rule_applies (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  rule_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  norm_code TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (release_id, rule_ord, ord)
);
CREATE INDEX coefficient_rule_applies_code ON coefficient_rule_applies (release_id, norm_code);
-- Keys a rule gives as <Formula formula="1+0,12*N"/> (N supplied by the estimator) instead of
-- a value; key is the file's name of it ("Machine", "LaborCosts", …).
CREATE TABLE coefficient_rule_formulas (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  rule_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  key TEXT NOT NULL,
  formula TEXT NOT NULL,
  PRIMARY KEY (release_id, rule_ord, ord)
);
-- Applys/Resources: factors for the listed resources (codes is a JSON array of КСР codes);
-- NULL where the group does not set that key (Material = "0" drops the resources).
CREATE TABLE coefficient_rule_resources (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  rule_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  codes TEXT NOT NULL,
  worker TEXT,
  machine TEXT,
  machinist TEXT,
  material TEXT,
  labor TEXT,
  machinist_labor TEXT,
  equipment TEXT,
  PRIMARY KEY (release_id, rule_ord, ord)
);
-- НР (812/пр) by territory 1..3 and СП (774/пр); item is the № п/п of the binding table ("1.1").
CREATE TABLE overhead_profit_rates (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  profit_code TEXT NOT NULL,
  work_type TEXT NOT NULL,
  collections TEXT NOT NULL,
  overhead_percent_1 TEXT,
  overhead_percent_2 TEXT,
  overhead_percent_3 TEXT,
  profit_percent TEXT,
  item TEXT NOT NULL,
  PRIMARY KEY (release_id, ord)
);
CREATE INDEX overhead_profit_rates_code ON overhead_profit_rates (release_id, code);
-- Current prices of one region, zone and quarter ("2025-Q2"); rank1_labor_price is Ц1.
CREATE TABLE regional_prices (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  region_code TEXT COLLATE "C" NOT NULL,
  region_name TEXT NOT NULL,
  zone INTEGER NOT NULL,
  quarter TEXT COLLATE "C" NOT NULL,
  rank1_labor_price TEXT,
  PRIMARY KEY (release_id, ord)
);
CREATE UNIQUE INDEX regional_prices_key ON regional_prices (release_id, region_code, zone, quarter);
-- prices_ord is the ord of the regional_prices row.
CREATE TABLE regional_labor_prices (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  prices_ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  price TEXT,
  PRIMARY KEY (release_id, prices_ord, code)
);
CREATE TABLE regional_current_prices (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  prices_ord INTEGER NOT NULL,
  code TEXT COLLATE "C" NOT NULL,
  price TEXT,
  PRIMARY KEY (release_id, prices_ord, code)
);
-- Index to the base price by КСР group prefix (longest prefix wins).
CREATE TABLE regional_group_indices (
  release_id BIGINT NOT NULL REFERENCES base_releases (id) ON DELETE CASCADE,
  prices_ord INTEGER NOT NULL,
  prefix TEXT COLLATE "C" NOT NULL,
  price_index TEXT,
  PRIMARY KEY (release_id, prices_ord, prefix)
);
