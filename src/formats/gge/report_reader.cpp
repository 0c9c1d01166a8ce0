// ГГЭ files that are not estimates, read and recomputed: the сводка затрат (СЗ) and the
// конъюнктурный анализ (КА). docs/design/documents-io.md lists them among the samples.
#include <boost/json.hpp>

#include <map>
#include <optional>

#include "core/summary_estimate.hpp"
#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using namespace xml;  // NOLINT: the XML helpers

const Decimal kZero = Decimal::FromInt(0);
const Decimal kHundred = Decimal::FromInt(100);

class Checker {
 public:
  explicit Checker(GgeReport& out) : out_(out) {}

  Decimal Amount(const xmlNode* n) {
    if (n == nullptr) return kZero;
    auto d = Decimal::Parse(Content(n));
    return d.ok() ? *d : kZero;
  }

  void Same(const std::string& path, const xmlNode* stated, const Decimal& computed, int places = 2) {
    CompareStated(path, stated, computed, places, out_.differences, out_.compared);
  }

 private:
  GgeReport& out_;
};

constexpr const char* kRowFields[] = {"Direct",   "WorkerSalary", "Machines", "MachinistSalary",
                                      "Materials", "Transport",   "Equipment", "Salary",
                                      "Overhead",  "Profit",      "Total",     "LaborCosts",
                                      "MachinistLaborCosts"};

}  // namespace

Result<GgeReport> ReadGgeCostsSummary(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!Is(root, "Construction") || TextAt(root, "Meta/File/Type") != "СЗ") {
    return InvalidArgument("xml: not a сводка затрат (Meta/File/Type is not СЗ)");
  }
  GgeReport out;
  Checker c(out);
  const xmlNode* table = Child(root, "Table");
  std::map<std::string, Decimal> sums;
  json::array rows;
  std::size_t n = 0;
  for (const xmlNode* row : Children(table)) {
    if (!Is(row, "LocalEstimate")) continue;
    const std::string path = "Table/LocalEstimate[" + std::to_string(++n) + "]";
    json::object o{{"number", TextAt(row, "Num")}, {"name", TextAt(row, "Name")},
                   {"reason", TextAt(row, "Reason")}, {"link", TextAt(row, "Link")}};
    for (const char* field : kRowFields) {
      const Decimal v = c.Amount(Child(row, field));
      sums[field] += v;
      o[field] = v.ToString();
    }
    const Decimal ot = c.Amount(Child(row, "WorkerSalary"));
    const Decimal direct = ot + c.Amount(Child(row, "Machines")) + c.Amount(Child(row, "Materials")) +
                           c.Amount(Child(row, "Transport"));
    c.Same(path + "/Direct", Child(row, "Direct"), direct);
    c.Same(path + "/Salary", Child(row, "Salary"), ot + c.Amount(Child(row, "MachinistSalary")));
    c.Same(path + "/Total", Child(row, "Total"),
           direct + c.Amount(Child(row, "Overhead")) + c.Amount(Child(row, "Profit")) +
               c.Amount(Child(row, "Equipment")));
    rows.push_back(std::move(o));
  }
  const xmlNode* totals = Child(table, "Totals");
  for (const char* field : kRowFields) c.Same(std::string("Table/Totals/") + field, Child(totals, field), sums[field]);

  // The costs: the estimate is building + equipment + other; VAT on each at the date's rate.
  const xmlNode* costs = Child(root, "Costs");
  const Decimal building = c.Amount(At(costs, "Building/Total"));
  const Decimal equipment = c.Amount(At(costs, "Equipment/Total"));
  const Decimal other = c.Amount(At(costs, "Other/Total"));
  c.Same("Costs/Estimate/Total", At(costs, "Estimate/Total"), building + equipment + other);
  const std::string approved = TextAt(root, "Approved");
  core::CalendarDate date{std::atoi(approved.substr(0, 4).c_str()),
                          approved.size() >= 7 ? std::atoi(approved.substr(5, 2).c_str()) : 1,
                          approved.size() >= 10 ? std::atoi(approved.substr(8, 2).c_str()) : 1};
  const Decimal rate = core::VatPercentOn(date);
  Decimal vat;
  for (const Decimal& line : {building, equipment, other}) {
    vat += Decimal::MulRound(line, Decimal::Divide(rate, kHundred, 4), 2);
  }
  c.Same("Costs/EstimateTotalVAT/Total", At(costs, "EstimateTotalVAT/Total"), vat);
  c.Same("Costs/EstimateTotal/Total", At(costs, "EstimateTotal/Total"), building + equipment + other + vat);
  c.Same("Summary", Child(root, "Summary"), building + equipment + other + vat);
  json::object report{{"format", "costs-summary/1"},
                      {"construction", TextAt(root, "ConstructionSite")},
                      {"object", TextAt(root, "ObjectName")},
                      {"approved", approved},
                      {"rows", std::move(rows)},
                      {"costs", json::object{{"building", building.ToString()},
                                             {"equipment", equipment.ToString()},
                                             {"other", other.ToString()},
                                             {"vat_percent", rate.ToString()},
                                             {"vat", vat.ToFixed(2)},
                                             {"total", (building + equipment + other + vat).ToFixed(2)}}}};
  out.report_json = out.document_json = json::serialize(report);
  return out;
}

Result<GgeReport> ReadGgeMarketAnalysis(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!Is(root, "MarketAnalysis") || TextAt(root, "Meta/File/Type") != "КА") {
    return InvalidArgument("xml: not a конъюнктурный анализ (Meta/File/Type is not КА)");
  }
  GgeReport out;
  Checker c(out);
  json::array items;
  std::size_t n = 0;
  for (const xmlNode* section : Children(Child(root, "Sections"))) {
    const bool fsbc = Is(section, "SectionFSBC");
    for (const xmlNode* item : Children(Child(section, "Items"))) {
      if (!Is(item, "Item") && !Is(item, "ItemFSBC")) continue;
      const std::string path = std::string("Sections/") + Name(section) + "/Items/" + Name(item) + "[" +
                               std::to_string(++n) + "]";
      json::array offers;
      std::optional<Decimal> best;
      std::string best_code;
      std::size_t k = 0;
      std::vector<std::pair<const xmlNode*, Decimal>> estimates;
      for (const xmlNode* offer : Children(item)) {
        if (!Is(offer, "Offer")) continue;
        const std::string op = path + "/Offer[" + std::to_string(++k) + "]";
        const xmlNode* price = Child(offer, "OfferPrice");
        const Decimal factor = Child(price, "ConversionFactor") ? c.Amount(Child(price, "ConversionFactor"))
                                                                : Decimal::FromInt(1);
        const Decimal deflator = Child(price, "DeflationCoefficient")
                                     ? c.Amount(Child(price, "DeflationCoefficient"))
                                     : Decimal::FromInt(1);
        Decimal unit;
        if (fsbc) {
          unit = Decimal::MulRound(c.Amount(Child(price, "OfferWithoutVAT")) * factor, deflator, 2);
        } else {
          const Decimal with_vat = c.Amount(Child(price, "OfferWithVAT"));
          const Decimal vat = Decimal::FromInt(1) + Decimal::Divide(c.Amount(Child(price, "PercentVAT")), kHundred, 4);
          c.Same(op + "/OfferPrice/OfferWithoutVAT", Child(price, "OfferWithoutVAT"),
                 Decimal::Divide(with_vat, vat, 2));
          // One rounding after all the operations: (price × factor / (1 + VAT)) / deflator.
          unit = Decimal::Divide(Decimal::Divide(with_vat * factor, vat, 20), deflator, 2);
        }
        c.Same(op + "/OfferPrice/OfferUnitWithoutVAT", Child(price, "OfferUnitWithoutVAT"), unit);
        const Decimal storage = Child(offer, "Storage")
                                    ? Decimal::MulRound(unit, Decimal::Divide(c.Amount(At(offer, "Storage/Percent")), kHundred, 6), 2)
                                    : kZero;
        c.Same(op + "/Storage/Price", At(offer, "Storage/Price"), storage);
        const Decimal estimate = unit + storage + c.Amount(Child(offer, "ExpensesTotal"));
        c.Same(op + "/OfferPrice/EstimateWithoutVAT", Child(price, "EstimateWithoutVAT"), estimate);
        estimates.emplace_back(offer, estimate);
        if (!best || estimate < *best) {
          best = estimate;
          best_code = TextAt(offer, "OfferCode");
        }
        offers.push_back(json::object{{"code", TextAt(offer, "OfferCode")},
                                      {"unit_price", unit.ToFixed(2)},
                                      {"estimate_price", estimate.ToFixed(2)}});
      }
      // The winner is the lowest estimate price (when the file marks one).
      for (const auto& [offer, estimate] : estimates) {
        if (const xmlNode* w = Child(offer, "Winner")) {
          ++out.compared;
          const bool stated = Content(w) == "1";
          const bool computed = best && estimate == *best;
          if (stated != computed) {
            out.differences.push_back({path + "/Offer/Winner", Content(w), computed ? "1" : "0"});
          }
        }
      }
      items.push_back(json::object{{"number", TextAt(item, "Num")},
                                   {"code", TextAt(item, "Code")},
                                   {"name", TextAt(item, "Name")},
                                   {"unit", TextAt(item, "Unit")},
                                   {"type", TextAt(item, "Type")},
                                   {"price", best ? best->ToFixed(2) : std::string()},
                                   {"offer", best_code},
                                   {"offers", std::move(offers)}});
    }
  }
  if (items.empty()) return InvalidArgument("xml: the market analysis has no items");
  json::object report{{"format", "market-analysis/1"},
                      {"object", TextAt(root, "ObjectName")},
                      {"region", TextAt(root, "Region/RegionCode")},
                      {"items", std::move(items)}};
  out.report_json = out.document_json = json::serialize(report);
  return out;
}

}  // namespace estimate::formats
