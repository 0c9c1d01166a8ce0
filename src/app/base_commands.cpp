#include "app/base_commands.hpp"

#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <utility>

#include "services/base_pricing.hpp"
#include "services/base_search.hpp"
#include "services/base_service.hpp"
#include "services/editing_service.hpp"
#include "store/base_release_repository.hpp"
#include "wire/base_json.hpp"

namespace estimate::app {
namespace json = boost::json;
namespace {

// A progress bar on a terminal (stderr), nothing otherwise; redrawn at most ten times a second.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() {
    if (drawn_) std::fputc('\n', stderr);
  }
  void Update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 40;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %.1f / %.1f MB", filled,
                 "########################################", width - filled, "",
                 static_cast<int>(100 * done / total), static_cast<double>(done) / 1e6,
                 static_cast<double>(total) / 1e6);
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

json::object CountsJson(const normbase::ReleaseCounts& c) {
  return json::object{{"norms", c.norms},           {"norm_resources", c.norm_resources},
                      {"sections", c.sections},     {"resources", c.resources},
                      {"machines", c.machines},     {"materials", c.materials},
                      {"equipment", c.equipment},   {"tech_groups", c.tech_groups},
                      {"coefficients", c.coefficients}, {"rates", c.rates},
                      {"regional_prices", c.regional_prices}};
}


void PrintDiagnostics(const std::vector<normbase::ImportDiagnostic>& diagnostics,
                      const char* what) {
  for (const auto& d : diagnostics) std::cerr << what << ": " << d.ToString() << "\n";
}

int RunNormSearch(const services::ActiveBase& active, const NormsCommand& command) {
  normbase::SearchQuery q;
  q.text = command.query;
  q.limit = command.limit;
  q.collection = command.collection;
  q.unit = command.unit;
  if (!command.family.empty()) {
    q.family = normbase::ParseFamily(command.family);
    if (!q.family) {
      std::cerr << "estimate-service norms search: --family: \"" << command.family
                << "\" is not one of gesn, gesnm, gesnr, gesnp, gesnmr\n";
      return 2;
    }
  }
  const auto page = services::SearchNorms(active, q);
  const auto& result = page.result;
  if (command.json) {
    json::array items;
    for (const auto& hit : result.hits) {
      json::object o = wire::NormSummaryJson(*hit.norm);
      o["score"] = hit.score;
      o["name_highlighted"] = normbase::MarkHighlights(hit.norm->name, hit.name_highlights);
      items.push_back(std::move(o));
    }
    std::cout << json::serialize(json::object{{"items", std::move(items)}, {"total", result.total}})
              << "\n";
    return 0;
  }
  for (const auto& hit : result.hits) {
    std::cout << normbase::FamilyPrefix(hit.norm->family) << hit.norm->code << "  ["
              << hit.norm->unit << "]  "
              << normbase::MarkHighlights(hit.norm->name, hit.name_highlights, "«", "»") << "\n";
  }
  std::cout << result.hits.size() << " of " << result.total << " found";
  for (const auto& w : result.unknown_words) std::cout << "; unknown word: " << w;
  std::cout << "\n";
  return 0;
}

int RunNormShow(const services::ActiveBase& active, const NormsCommand& command) {
  auto family = normbase::ParseFamily(command.family);
  if (!family) {
    std::cerr << "estimate-service norms show: \"" << command.family
              << "\" is not one of gesn, gesnm, gesnr, gesnp, gesnmr\n";
    return 2;
  }
  auto card = services::FindNorm(active, *family, command.code);
  if (!card.ok()) {
    std::cerr << "estimate-service norms show: " << card.status().message() << "\n";
    return 1;
  }
  const normbase::Norm* norm = card->norm;
  std::optional<services::PricedView> priced;
  if (!command.region.empty() || !command.quarter.empty()) {
    normbase::PricingRequest request;
    request.region = command.region;
    request.zone = command.zone;
    request.quarter = command.quarter;
    if (!command.quantity.empty()) {
      auto q = core::Decimal::Parse(command.quantity);
      if (!q.ok()) {
        std::cerr << "estimate-service norms show: --quantity: " << q.status().message() << "\n";
        return 2;
      }
      request.quantity = *q;
    }
    auto p = services::PriceNorm(active, *family, command.code, request);
    if (!p.ok()) {
      std::cerr << "estimate-service norms show: " << p.status().message() << "\n";
      return 1;
    }
    priced = std::move(p).value();
  }
  if (command.json) {
    json::object out = wire::NormJson(*active.release, *norm);
    if (priced) out["priced"] = wire::PricedJson(priced->position, priced->calculation, priced->warnings);
    std::cout << json::serialize(out) << "\n";
    return 0;
  }
  std::cout << normbase::FamilyPrefix(norm->family) << norm->code << "  " << norm->name << "\n  единица: "
            << norm->unit << "\n";
  for (const auto& item : norm->content) std::cout << "  - " << item << "\n";
  for (const auto& line : norm->resources) {
    std::string_view name = line.name;
    if (const auto* entry = name.empty() ? active.release->FindResource(line.code) : nullptr) {
      name = entry->name;
    }
    std::cout << "    " << line.code << "  " << name << "  "
              << (line.by_project ? std::string("П") : line.consumption.ToString()) << " "
              << line.unit << (line.abstract ? "  (по ТГ)" : "") << "\n";
  }
  if (priced) {
    const core::Figures& f = priced->calculation.figures;
    std::cout << "  ОТ " << f.ot.ToFixed(2) << "  ЭМ " << f.em.ToFixed(2) << "  ОТм "
              << f.otm.ToFixed(2) << "  М " << f.m.ToFixed(2) << "  НР " << f.overhead.ToFixed(2)
              << "  СП " << f.profit.ToFixed(2) << "  Всего " << f.total.ToFixed(2) << "\n";
    for (const auto& w : priced->warnings) std::cout << "  предупреждение: " << w << "\n";
  }
  return 0;
}

}  // namespace

int RunImport(store::Database& db, const ImportCommand& command) {
  store::BaseReleaseRepository repository(db);
  services::BaseService service(repository);
  services::ImportRequest request;
  request.paths = command.paths;
  request.options.region_code = command.region;
  request.options.zone = command.zone;
  request.options.quarter = command.quarter;
  request.name = command.name;
  request.activate = !command.no_activate;
  request.skip_if_loaded = command.skip_if_loaded;
  services::ImportOutcome outcome;
  {
    ProgressBar bar;
    outcome = service.Import(request, [&bar](const normbase::ImportProgress& p) {
      bar.Update(p.bytes_done, p.bytes_total);
    });
  }
  PrintDiagnostics(outcome.warnings, "warning");
  PrintDiagnostics(outcome.errors, "error");
  const std::size_t warnings = outcome.warnings.size(), errors = outcome.errors.size();
  if (!outcome.status.ok()) {
    std::cerr << "estimate-service import: " << outcome.status.message() << " (" << errors
              << " errors, " << warnings << " warnings)\n";
    return 1;
  }
  if (command.json) {
    json::object o{{"release_id", outcome.release_id}, {"skipped", outcome.skipped},
                   {"activated", outcome.activated}, {"counts", CountsJson(outcome.counts)},
                   {"warnings", warnings}};
    std::cout << json::serialize(o) << "\n";
    return 0;
  }
  if (outcome.skipped) {
    std::cout << "Release " << outcome.release_id << " already holds these files; nothing imported"
              << (outcome.activated ? " (activated)" : "") << ".\n";
    return 0;
  }
  const auto& c = outcome.counts;
  std::cout << "Release " << outcome.release_id << (outcome.activated ? " imported and activated"
                                                                      : " imported (not active)")
            << ":\n  norms " << c.norms << " (resource lines " << c.norm_resources << ", sections "
            << c.sections << ")\n  price book " << c.resources << " (machines " << c.machines
            << ", materials " << c.materials << ", equipment " << c.equipment
            << ")\n  technology groups " << c.tech_groups << ", coefficients " << c.coefficients
            << ", НР/СП rates " << c.rates << ", regional price sets " << c.regional_prices
            << "\n  warnings " << warnings << "\n";
  return 0;
}

int RunReleases(store::Database& db, const ReleasesCommand& command) {
  store::BaseReleaseRepository repository(db);
  services::BaseService service(repository);  // not loaded: switches releases in the database only
  Status s;
  if (command.action == "activate") s = service.Activate(command.id);
  if (command.action == "rollback") s = service.Rollback();
  if (!s.ok()) {
    std::cerr << "estimate-service releases " << command.action << ": " << s.message() << "\n";
    return 1;
  }
  auto releases = service.Releases();
  if (!releases.ok()) {
    std::cerr << "estimate-service releases: " << releases.status().message() << "\n";
    return 1;
  }
  if (command.json) {
    json::array a;
    for (const auto& r : *releases) a.push_back(wire::ReleaseInfoJson(r));
    std::cout << json::serialize(a) << "\n";
    return 0;
  }
  for (const auto& r : *releases) {
    std::cout << (r.active ? "* " : "  ") << r.id << "  " << r.name << "  (" << r.imported_at
              << ", " << r.sources.size() << " files)\n";
  }
  if (releases->empty()) std::cout << "No releases; import one with `estimate-service import PATH…`.\n";
  return 0;
}

int RunNorms(store::Database& db, const NormsCommand& command) {
  store::BaseReleaseRepository repository(db);
  services::BaseService service(repository);
  if (Status s = service.LoadActive(); !s.ok()) {
    std::cerr << "estimate-service norms: " << s.message() << "\n";
    return 1;
  }
  auto active = service.Current();
  if (!active.ok()) {
    std::cerr << "estimate-service norms: no release is active; import one first\n";
    return 1;
  }
  if (command.action == "show") return RunNormShow(**active, command);
  return RunNormSearch(**active, command);
}

int RunReprice(store::Database& db, const RepriceCommand& command) {
  const auto fail = [](const std::string& what) {
    std::cerr << "estimate-service reprice: " << what << "\n";
    return 1;
  };
  std::ifstream in(command.path, std::ios::binary);
  if (!in) return fail(command.path + ": cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  store::BaseReleaseRepository repository(db);
  services::BaseService service(repository);
  if (Status s = service.LoadActive(); !s.ok()) return fail(s.message());
  auto active = service.Current();
  if (!active.ok() || !(*active)->release) return fail("no release is active; import one first");
  const normbase::BaseRelease& release = *(*active)->release;
  const normbase::RegionalPrices* prices = release.FindPrices(command.region, command.zone, command.quarter);
  if (prices == nullptr) {
    return fail("release " + release.info.name + " holds no prices of region " + command.region + ", zone " +
                std::to_string(command.zone) + ", quarter " + command.quarter);
  }
  auto repriced = services::RepriceDocument(text, release, *prices);
  if (!repriced.ok()) return fail(command.path + ": " + repriced.status().message());
  for (const auto& k : repriced->kept) {
    std::cerr << "kept as it was: " << k.path << " (" << (k.number.empty() ? k.code : k.number + " " + k.code)
              << "): no price of";
    for (const auto& m : k.missing) std::cerr << " " << m;
    std::cerr << "\n";
  }
  if (command.output.empty()) {
    std::cout << repriced->json << "\n";
  } else {
    std::ofstream out(command.output, std::ios::binary | std::ios::trunc);
    out << repriced->json << "\n";
    if (!out) return fail(command.output + ": cannot be written");
  }
  return 0;
}

}  // namespace estimate::app
