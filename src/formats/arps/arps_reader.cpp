// АРПС 1.10 read into an estimate document, its figures compared: arps.hpp.
#include "formats/arps/arps.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/decimal.hpp"
#include "core/text.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/arps/detail/records.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"

namespace estimate::formats {
namespace {

using namespace arps;  // NOLINT: the records of АРПС

// --- the reader ------------------------------------------------------------------------------

// Valid UTF-8 holding at least one Cyrillic letter (lead byte 0xD0 or 0xD1).
bool IsUtf8WithCyrillic(std::string_view s) {
  bool cyrillic = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    cyrillic |= c == 0xD0 || c == 0xD1;
    i += n;
  }
  return cyrillic;
}

// Bytes that are Cyrillic letters in cp866 (А–п 0x80–0xAF, р–ё 0xE0–0xF1) and in cp1251
// (А–я 0xC0–0xFF, Ё 0xA8, ё 0xB8).
std::pair<std::size_t, std::size_t> CyrillicLetters(std::string_view s) {
  std::size_t cp866 = 0, cp1251 = 0;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    cp866 += (c >= 0x80 && c <= 0xAF) || (c >= 0xE0 && c <= 0xF1);
    cp1251 += c >= 0xC0 || c == 0xA8 || c == 0xB8;
  }
  return {cp866, cp1251};
}

// The file as UTF-8: cp866, unless it is plainly UTF-8 or cp1251 (then a warning says so).
Result<std::string> Decode(std::string_view bytes, std::vector<std::string>& warnings) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF" || IsUtf8WithCyrillic(bytes)) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    warnings.push_back("the file is UTF-8, not cp866: read as UTF-8");
    return std::string(bytes);
  }
  std::string text;
  std::size_t failed_at = 0;
  const auto [cp866, cp1251] = CyrillicLetters(bytes);
  if (cp1251 > cp866) {
    Iconv from1251("UTF-8", "CP1251");
    if (from1251.ok() && from1251.Convert(bytes, text, &failed_at)) {
      warnings.push_back("the file reads as cp1251, not cp866: read as cp1251");
      return text;
    }
  }
  Iconv from866("UTF-8", "CP866");
  if (!from866.ok()) return Internal("iconv: no conversion from CP866 to UTF-8");
  if (!from866.Convert(bytes, text, &failed_at)) {
    return InvalidArgument("byte " + std::to_string(failed_at) + ": not cp866 text");
  }
  return text;
}

struct Rec {
  std::size_t line = 0;
  std::string type;
  std::vector<std::string> fields;  // fields[0] is the type as written
};

// Non-empty lines split on '#'; one trailing empty field (the closing '#') is dropped.
std::vector<Rec> SplitRecords(std::string_view text) {
  std::vector<Rec> records;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t end = text.find('\n');
    std::string_view l = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (std::string(core::TrimBlanks(l)).empty()) continue;
    Rec r;
    r.line = line;
    std::size_t from = 0;
    while (true) {
      const std::size_t hash = l.find('#', from);
      r.fields.emplace_back(l.substr(from, hash == std::string_view::npos ? l.npos : hash - from));
      if (hash == std::string_view::npos) break;
      from = hash + 1;
    }
    if (r.fields.size() > 1 && l.back() == '#') r.fields.pop_back();
    r.type = std::string(core::TrimBlanks(r.fields[0]));
    records.push_back(std::move(r));
  }
  return records;
}

// A record 30 before it becomes a resource, a machinist, a sub-row or the п.75 materials.
struct PendingLine {
  Rec rec;
  LineKind kind = LineKind::kUnknown;
  std::optional<Decimal> per_unit;  // 5
  core::UnitPrice price;            // 7, or 10 × 11
  bool by_project = false;          // 9 = "П"
  Decimal exact;                    // 9
};

struct PendingPosition {
  Rec rec;  // the 20
  core::Position position;
  bool priced_resource = false;  // 25 = 19
  std::vector<PendingLine> lines;
  std::vector<Rec> rates;  // the 25 records of НР and СП, for the comparison
};

// What a position's records state, kept for the comparison with the recalculation.
struct Stated {
  std::size_t section = 0, position = 0;
  Rec rec;
  bool fixed = false;  // priced by its elements: hours are not comparable
  std::vector<Rec> rates;
};

class ArpsReader {
 public:
  Result<ArpsImport> Read(std::string_view bytes) {
    auto text = Decode(bytes, out_.warnings);
    if (!text.ok()) return text.status();
    const std::vector<Rec> records = SplitRecords(*text);
    if (records.empty()) return InvalidArgument("the file is empty: no АРПС records");
    if (records.front().type != "1") {
      return InvalidArgument("line " + std::to_string(records.front().line) + ": record " +
                             records.front().type +
                             ": field 0: an АРПС file begins with record 1 "
                             "(1#АРПС 1.10#…), this is not one");
    }
    for (const Rec& r : records) ReadRecord(r);
    FinishPosition();
    if (!problems_.empty()) return InvalidArgument(Joined(problems_));
    estimate_.name = out_.header.name;
    out_.document_json = WriteEstimateDocument(estimate_);
    Compare();
    return std::move(out_);
  }

 private:
  void Problem(const Rec& r, std::size_t field, const std::string& what) {
    problems_.push_back("line " + std::to_string(r.line) + ": record " + r.type + ": field " +
                        std::to_string(field) + ": " + what);
  }
  void Warning(const Rec& r, const std::string& what) {
    out_.warnings.push_back("line " + std::to_string(r.line) + ": record " + r.type + ": " + what);
  }

  static std::string Field(const Rec& r, std::size_t k) {
    return k < r.fields.size() ? r.fields[k] : std::string();
  }

  // A number with a decimal comma or point; nullopt when the field is empty or broken (a
  // problem then).
  std::optional<Decimal> Number(const Rec& r, std::size_t k) {
    std::string s = std::string(core::TrimBlanks(Field(r, k)));
    if (s.empty()) return std::nullopt;
    std::replace(s.begin(), s.end(), ',', '.');
    auto d = Decimal::Parse(s);
    if (!d.ok()) {
      Problem(r, k, "\"" + Field(r, k) + "\" is not a number");
      return std::nullopt;
    }
    return *d;
  }

  // A number already checked by Number: its value, 0 when empty or broken.
  static Decimal Checked(const Rec& r, std::size_t k) {
    std::string s = std::string(core::TrimBlanks(Field(r, k)));
    std::replace(s.begin(), s.end(), ',', '.');
    auto d = Decimal::Parse(s);
    return d.ok() ? *d : Decimal();
  }

  bool Complete(const Rec& r, std::size_t fields) {
    if (r.fields.size() >= fields) return true;
    Problem(r, r.fields.size(),
            "missing (the record is truncated: " + std::to_string(r.fields.size()) + " fields of " +
                std::to_string(fields) + ")");
    return false;
  }

  void ReadRecord(const Rec& r) {
    if (r.type == "1") {
      ReadVersion(r);
    } else if (r.type == "0") {
      out_.header.base = Field(r, 1);
    } else if (r.type == "3") {
      ReadHeader(r);
    } else if (r.type == "10") {
      if (!Complete(r, 4)) return;
      FinishPosition();
      const std::string level = std::string(core::TrimBlanks(Field(r, 1)));
      if (level == "0" || estimate_.sections.empty()) {
        if (level != "0") Warning(r, "a subsection before any section: read as a section");
        estimate_.sections.push_back({Field(r, 3), {}});
      } else {
        Warning(r, "subsection «" + Field(r, 3) +
                       "» is merged into its section (calc-v1 has no subsections)");
      }
    } else if (r.type == "20") {
      FinishPosition();
      position_broken_ = !Complete(r, 27);
      if (!position_broken_) StartPosition(r);
    } else if (r.type == "25" || r.type == "30") {
      if (!Complete(r, r.type == "25" ? 5 : 6)) return;
      if (!pending_) {
        if (!position_broken_) Problem(r, 0, "no position (record 20) before it");
        return;
      }
      if (r.type == "25") {
        ReadCoefficient(r);
      } else {
        ReadLine(r);
      }
    } else if (r.type == "50") {
      // labels only
    } else if (!r.type.empty() && r.type.find_first_not_of("0123456789") == std::string::npos) {
      // АРПС 1.10 has vendor dialects with records of their own: what we do not know is said and
      // left out, never guessed at; the records we know still carry the estimate.
      Warning(r, "a record type this reader does not know (a dialect of АРПС 1.10?), left out");
    } else {
      Problem(r, 0, "unknown record type");
    }
  }

  void ReadVersion(const Rec& r) {
    if (seen_version_) Warning(r, "a second record 1, ignored");
    seen_version_ = true;
    const std::string version = std::string(core::TrimBlanks(Field(r, 1)));
    if (version != kVersion) {
      if (version.rfind("АРПС", 0) == 0) {
        Warning(r, "version «" + version + "»: read as АРПС 1.10");
      } else {
        Problem(r, 1, "\"" + version + "\" is not АРПС 1.10");
      }
    }
    out_.header.program = Field(r, 2);
  }

  void ReadHeader(const Rec& r) {
    if (header_) Warning(r, "a second header (record 3): it replaces the first");
    header_ = r;
    ArpsHeader& h = out_.header;
    h.number = Field(r, 2);
    h.name = Field(r, 3);
    h.construction_name = Field(r, 4);
    h.object_name = Field(r, 5);
    h.customer = Field(r, 6);
    h.customer_person = Field(r, 7);
    h.contractor = Field(r, 8);
    h.contractor_person = Field(r, 9);
    h.work_type = Field(r, 18);
    h.base_name = Field(r, 20);
    Number(r, 13);  // compared later
    const std::string money = std::string(core::TrimBlanks(Field(r, 21)));
    if (money == "0") {
      estimate_.options.money_places = 0;
    } else if (!money.empty() && money != "2") {
      Problem(r, 21, "\"" + money + "\": money decimals are 2 or 0");
    }
  }

  void StartPosition(const Rec& r) {
    if (estimate_.sections.empty()) {
      Warning(r, "a position before any section (record 10): put in a section without a name");
      estimate_.sections.push_back({});
    }
    pending_.emplace();
    PendingPosition& p = *pending_;
    p.rec = r;
    core::Position& pos = p.position;
    pos.number = Field(r, 1);
    pos.code = Field(r, 2);
    pos.unit = Field(r, 3);
    pos.name = Field(r, 4);
    for (std::size_t k : {5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 23, 24}) Number(r, k);
    if (auto q = Number(r, 26)) {
      pos.quantity = *q;
    } else if (std::string(core::TrimBlanks(Field(r, 26))).empty()) {
      Problem(r, 26, "the quantity is missing");
    }
    if (auto kind = Number(r, 25)) p.priced_resource = *kind == Decimal::FromInt(19);
    const std::string work_kind = std::string(core::TrimBlanks(Field(r, 27)));
    if (work_kind == "1") {
      pos.work_kind = core::WorkKind::kInstallation;
    } else if (!work_kind.empty() && work_kind != "0") {
      Warning(r, "field 27: \"" + work_kind +
                     "\" is not a work kind (0 construction, "
                     "1 installation): read as construction");
    }
  }

  void ReadCoefficient(const Rec& r) {
    PendingPosition& p = *pending_;
    const std::string kind = std::string(core::TrimBlanks(Field(r, 1)));
    if (kind == "1") {
      core::Coefficient c;
      const std::string combine = std::string(core::TrimBlanks(Field(r, 2)));
      if (combine == "1") {
        c.combination = core::CoefficientCombination::kAdditive;
      } else if (!combine.empty() && combine != "0") {
        Problem(r, 2, "\"" + combine + "\": expected 0 (multiply) or 1 (additive)");
      }
      c.name = Field(r, 3);
      c.labor = Number(r, 4).value_or(kOne);
      c.machinist_labor = Number(r, 5).value_or(kOne);
      c.machines = Number(r, 6).value_or(kOne);
      c.materials = Number(r, 7).value_or(kOne);
      p.position.coefficients.push_back(std::move(c));
      return;
    }
    if (kind != "2" && kind != "3") {
      Warning(r, "kind " + kind + " is not read (1 coefficient, 2 НР, 3 СП)");
      return;
    }
    const std::optional<Decimal> fraction = Number(r, 4);
    if (!fraction && std::string(core::TrimBlanks(Field(r, 4))).empty()) Problem(r, 4, "the rate is missing");
    const std::optional<Decimal> percent = Number(r, 5);
    const std::optional<Decimal> k = Number(r, 6);
    core::Rate rate;
    rate.code = Field(r, 3);
    rate.name = Field(r, 7);
    rate.percent = percent ? *percent : (fraction.value_or(Decimal()) * kHundred).Normalized();
    rate.k = k.value_or(kOne);
    std::optional<core::Rate>& slot = kind == "2" ? p.position.overhead : p.position.profit;
    if (slot)
      Warning(r,
              std::string("a second ") + (kind == "2" ? "НР" : "СП") + ": it replaces the first");
    slot = std::move(rate);
    p.rates.push_back(r);
  }

  void ReadLine(const Rec& r) {
    PendingLine l;
    l.rec = r;
    l.per_unit = Number(r, 5);
    const std::optional<Decimal> current = Number(r, 7);
    const std::optional<Decimal> base = Number(r, 10);
    const std::optional<Decimal> index = Number(r, 11);
    const bool has_base = !std::string(core::TrimBlanks(Field(r, 10))).empty(), has_index = !std::string(core::TrimBlanks(Field(r, 11))).empty();
    if (has_base || has_index) {
      if (base && index) {
        l.price.source = core::UnitPrice::Source::kBaseIndex;
        l.price.base_price = *base;
        l.price.index = *index;
      } else if (has_base != has_index) {
        Problem(r, has_base ? 11 : 10, "a base price and its index come together (fields 10, 11)");
      }
    } else if (current) {
      l.price.source = core::UnitPrice::Source::kCurrent;
      l.price.price = *current;
    }
    const std::string kind = std::string(core::TrimBlanks(Field(r, 8)));
    if (!kind.empty()) {
      const int k = kind.size() == 1 && kind[0] >= '1' && kind[0] <= '8' ? kind[0] - '0' : 0;
      if (k == 0) {
        Problem(r, 8, "\"" + kind + "\" is not a line kind (1–8)");
        return;
      }
      l.kind = static_cast<LineKind>(k);
      const std::string exact = std::string(core::TrimBlanks(Field(r, 9)));
      if (exact == "П" && ResourceKindOf(l.kind)) {
        l.by_project = true;
      } else if (auto v = Number(r, 9)) {
        l.exact = *v;
      } else if (exact.empty()) {
        Problem(r, 9, "missing (the value of a line of kind " + kind + ")");
      }
      const std::string base_kind = std::string(core::TrimBlanks(Field(r, 12)));
      if (l.kind == LineKind::kAuxiliary && !base_kind.empty() && base_kind != "0" &&
          base_kind != "1") {
        Problem(r, 12,
                "\"" + base_kind + "\": the base is 0 (labour without coefficients) or 1 (labour)");
      }
    }
    pending_->lines.push_back(std::move(l));
  }

  void FinishPosition() {
    if (!pending_) return;
    PendingPosition p = std::move(*pending_);
    pending_.reset();
    core::Position& pos = p.position;
    bool fixed = false;
    if (p.priced_resource) {
      ResourcePosition(p);
    } else {
      bool ours = false, foreign = false, all_priced = true;
      for (const PendingLine& l : p.lines) {
        (l.kind == LineKind::kUnknown ? foreign : ours) = true;
        all_priced &= l.kind != LineKind::kUnknown || (l.price.priced() && l.per_unit);
      }
      if (foreign && (ours || !all_priced)) {
        fixed = true;
      } else if (foreign) {
        GuessedLines(p);
      } else if (ours) {
        OurLines(p);
      } else {
        // No lines: a norm of another program, or a norm of ours without resources (zeros).
        for (std::size_t k : {16, 17, 18, 19}) {
          if (!Checked(p.rec, k).IsZero()) fixed = true;
        }
      }
      if (fixed) FixedPrice(p);
    }
    core::Section& section = estimate_.sections.back();
    stated_.push_back({estimate_.sections.size() - 1, section.positions.size(), p.rec, fixed,
                       std::move(p.rates)});
    section.positions.push_back(std::move(pos));
  }

  void ResourcePosition(PendingPosition& p) {
    core::Position& pos = p.position;
    pos.type = core::PositionType::kResource;
    if (!p.position.coefficients.empty() || pos.overhead || pos.profit) {
      Warning(p.rec, "coefficients, НР and СП of a priced resource (kind 19) are not applied");
      pos.coefficients.clear();
      pos.overhead.reset();
      pos.profit.reset();
    }
    const PendingLine* own = nullptr;
    for (const PendingLine& l : p.lines) {
      if (own == nullptr && ResourceKindOf(l.kind)) {
        own = &l;
      } else {
        Warning(l.rec, "a line of a priced resource (kind 19) besides its own: ignored");
      }
    }
    if (own != nullptr) {
      pos.kind = *ResourceKindOf(own->kind);
      pos.price = own->price;
      return;
    }
    pos.kind = core::ResourceKind::kMaterial;
    if (!std::string(core::TrimBlanks(Field(p.rec, 15))).empty()) {
      pos.price.source = core::UnitPrice::Source::kCurrent;
      pos.price.price = Checked(p.rec, 15);
    }
  }

  void OurLines(PendingPosition& p) {
    core::Position& pos = p.position;
    for (PendingLine& l : p.lines) {
      const std::string code = Field(l.rec, 1), unit = Field(l.rec, 2), name = Field(l.rec, 3);
      if (auto kind = ResourceKindOf(l.kind)) {
        core::Resource r;
        r.kind = *kind;
        r.code = code;
        r.name = name;
        r.unit = unit;
        r.by_project = l.by_project;
        if (!l.by_project) r.consumption = l.exact;
        r.price = l.price;
        pos.resources.push_back(std::move(r));
        continue;
      }
      switch (l.kind) {
        case LineKind::kMachinist:
          if (pos.resources.empty() || pos.resources.back().kind != core::ResourceKind::kMachine ||
              pos.resources.back().machinist) {
            Problem(l.rec, 8, "a machinist (3) comes right after its machine (2)");
            break;
          }
          pos.resources.back().machinist = core::Machinist{code, l.exact, l.price};
          break;
        case LineKind::kExtraMaterial:
        case LineKind::kExtraEquipment: {
          core::ExtraRow x;
          x.kind = l.kind == LineKind::kExtraEquipment ? core::ResourceKind::kEquipment
                                                       : core::ResourceKind::kMaterial;
          x.number = Field(l.rec, 12);
          x.code = code;
          x.name = name;
          x.unit = unit;
          x.quantity = l.exact;
          x.price = l.price;
          pos.extra.push_back(std::move(x));
          break;
        }
        case LineKind::kAuxiliary:
          if (pos.auxiliary_materials) {
            Problem(l.rec, 8, "a second line of auxiliary materials (8) in one position");
            break;
          }
          pos.auxiliary_materials = core::AuxiliaryMaterials{
              name, l.exact,
              std::string(core::TrimBlanks(Field(l.rec, 12))) == "1"
                  ? core::AuxiliaryMaterials::Base::kLabor
                  : core::AuxiliaryMaterials::Base::kLaborWithoutCoefficients};
          break;
        default:
          break;
      }
    }
  }

  // Lines of another program: the kind from the code (1-/2- labour, 4- machinist, 91. machine).
  void GuessedLines(PendingPosition& p) {
    if (!guessed_) {
      Warning(p.rec,
              "the resource lines carry no kind (field 8): kinds are guessed from the "
              "codes (1-, 2- labour; 4- machinist; 91. machine; else material)");
      guessed_ = true;
    }
    core::Position& pos = p.position;
    for (const PendingLine& l : p.lines) {
      const std::string code = std::string(core::TrimBlanks(Field(l.rec, 1)));
      const auto starts = [&](const char* prefix) { return code.rfind(prefix, 0) == 0; };
      if (starts("4-") && !pos.resources.empty() &&
          pos.resources.back().kind == core::ResourceKind::kMachine &&
          !pos.resources.back().machinist && !pos.resources.back().consumption.IsZero()) {
        core::Resource& machine = pos.resources.back();
        machine.machinist = core::Machinist{
            code, Decimal::Divide(*l.per_unit, machine.consumption, 7).Normalized(), l.price};
        continue;
      }
      core::Resource r;
      r.kind = starts("1-") || starts("2-") || starts("4-") ? core::ResourceKind::kLabor
               : starts("91.")                              ? core::ResourceKind::kMachine
                                                            : core::ResourceKind::kMaterial;
      r.code = code;
      r.unit = Field(l.rec, 2);
      r.name = Field(l.rec, 3);
      r.consumption = *l.per_unit;
      r.price = l.price;
      pos.resources.push_back(std::move(r));
    }
  }

  // A position kept at its stated per-unit elements, each a line of consumption 1.
  void FixedPrice(PendingPosition& p) {
    core::Position& pos = p.position;
    Warning(p.rec, "position " + pos.number +
                       " is priced by its per-unit elements (fields "
                       "16–19), not recomputed from norms; its labour hours are not carried");
    if (!pos.coefficients.empty()) {
      Warning(p.rec, "the coefficients of a position priced by its elements are not applied");
      pos.coefficients.clear();
    }
    pos.resources.clear();
    const auto element = [&](std::size_t k) { return Checked(p.rec, k); };
    const auto priced = [](const Decimal& price) {
      core::UnitPrice u;
      u.source = core::UnitPrice::Source::kCurrent;
      u.price = price;
      return u;
    };
    const auto line = [&](core::ResourceKind kind, const char* name, const Decimal& price) {
      core::Resource r;
      r.kind = kind;
      r.name = name;
      r.unit = "руб.";
      r.consumption = kOne;
      r.price = priced(price);
      return r;
    };
    const Decimal ot = element(16), em = element(17), otm = element(18), m = element(19);
    if (!ot.IsZero())
      pos.resources.push_back(line(core::ResourceKind::kLabor, "Оплата труда рабочих", ot));
    if (!em.IsZero() || !otm.IsZero()) {
      core::Resource machine = line(core::ResourceKind::kMachine, "Эксплуатация машин", em - otm);
      if (!otm.IsZero()) machine.machinist = core::Machinist{"", kOne, priced(otm)};
      pos.resources.push_back(std::move(machine));
    }
    if (!m.IsZero()) pos.resources.push_back(line(core::ResourceKind::kMaterial, "Материалы", m));
  }

  void Differ(const Rec& r, std::size_t field, const Decimal& computed, int places) {
    const std::string text = std::string(core::TrimBlanks(Field(r, field)));
    if (text.empty()) return;
    std::string s = text;
    std::replace(s.begin(), s.end(), ',', '.');
    auto stated = Decimal::Parse(s);
    ++out_.compared;
    if (stated.ok() && *stated == computed) return;
    out_.differences.push_back({"line " + std::to_string(r.line) + ": record " + r.type +
                                    ": field " + std::to_string(field),
                                text, places < 0 ? Plain(computed) : Fixed(computed, places)});
  }

  // Recomputes the imported document and compares what the file states.
  void Compare() {
    auto parsed = ParseEstimateDocument(out_.document_json);
    if (!parsed.ok()) {
      out_.warnings.push_back("the imported estimate cannot be recomputed: " +
                              parsed.status().message());
      return;
    }
    auto calc = core::ResourceIndexCalculation::Calculate(*parsed);
    if (!calc.ok()) {
      out_.warnings.push_back("the imported estimate cannot be recomputed: " +
                              calc.status().message());
      return;
    }
    const core::EstimateResult& result = calc->result();
    for (const Stated& s : stated_) {
      const core::Position& pos = parsed->sections[s.section].positions[s.position];
      const UnitFigures u = PerUnit(result.positions[s.section][s.position].figures, pos.quantity);
      Differ(s.rec, 15, u.cost, 2);
      Differ(s.rec, 16, u.ot, 2);
      Differ(s.rec, 17, u.em, 2);
      Differ(s.rec, 18, u.otm, 2);
      Differ(s.rec, 19, u.m, 2);
      if (!s.fixed) {
        Differ(s.rec, 23, u.labor_hours, -1);
        Differ(s.rec, 24, u.machinist_hours, -1);
      }
      for (const Rec& rate : s.rates) {
        const std::optional<core::Rate>& applied =
            std::string(core::TrimBlanks(Field(rate, 1))) == "2" ? pos.overhead : pos.profit;
        if (applied) Differ(rate, 4, RateFraction(*applied), -1);
      }
    }
    if (header_) Differ(*header_, 13, result.totals.figures.total, parsed->options.money_places);
  }

  ArpsImport out_;
  core::Estimate estimate_;
  std::vector<std::string> problems_;
  std::optional<PendingPosition> pending_;
  bool position_broken_ = false;  // the last 20 was refused: its 25/30 are not reported again
  bool seen_version_ = false;
  bool guessed_ = false;
  std::optional<Rec> header_;
  std::vector<Stated> stated_;
};

}  // namespace

Result<ArpsImport> ReadArps(std::string_view bytes) { return ArpsReader().Read(bytes); }

}  // namespace estimate::formats
