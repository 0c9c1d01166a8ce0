#pragma once
// CLI commands of the normative base: import, releases, norms search|show.
#include <cstdint>
#include <string>
#include <vector>

namespace estimate::store {
class Database;
}

namespace estimate::app {

struct ImportCommand {
  std::vector<std::string> paths;
  std::string region, quarter, name;
  int zone = 1;
  bool no_activate = false;
  bool skip_if_loaded = false;
  bool json = false;
};
int RunImport(store::Database& db, const ImportCommand& command);

struct ReleasesCommand {
  std::string action;  // list | activate | rollback
  std::int64_t id = 0;
  bool json = false;
};
int RunReleases(store::Database& db, const ReleasesCommand& command);

struct NormsCommand {
  std::string action;  // search | show
  std::string query;   // search text
  std::string family, code, collection, unit;
  int limit = 20;
  std::string region, quarter, quantity;
  int zone = 1;
  bool json = false;
};
int RunNorms(store::Database& db, const NormsCommand& command);

// `estimate-service reprice FILE --region R [--zone Z] --quarter Q [--output OUT]`: a calc-v1
// estimate document re-priced into that price set of the active release (as
// POST /estimates/{id}/reprice does); the document to OUT or stdout, the positions kept for want
// of a price to stderr. Exit 0, or 1 naming what is wrong (no such price set, a bad document).
struct RepriceCommand {
  std::string path, output, region, quarter;
  int zone = 1;
};
int RunReprice(store::Database& db, const RepriceCommand& command);

}  // namespace estimate::app
