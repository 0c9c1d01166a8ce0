#pragma once
// Numbered schema migrations, one folder per dialect (src/store/migrations/<dialect>/NNNN_*.sql),
// compiled into the binary. Both folders must give the same schema; tests check that they hold
// the same numbers and that each applies on its engine.
#include <string>
#include <vector>

namespace estimate::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& Migrations_sqlite();
const std::vector<Migration>& Migrations_postgresql();

}  // namespace estimate::store
