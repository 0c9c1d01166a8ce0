#include "formats/arps.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <utility>

#include "core/decimal.hpp"
#include "core/resource_index_calculator.hpp"
#include "core/text.hpp"
#include "formats/estimate_document.hpp"
#include "formats/estimate_document_writer.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

constexpr const char* kVersion = "АРПС 1.10";
constexpr const char* kAuxiliaryCode = "421/пр_2020_п.75_пп.а";
constexpr const char* kMachinistName = "Затраты труда машинистов";
constexpr std::size_t kPositionFields = 29;  // record 20: fields 0–28
constexpr std::size_t kLineFields = 13;      // record 30 as we write it: fields 0–12
constexpr std::size_t kHeaderFields = 22;    // record 3 as we write it: fields 0–21

// Field 8 of record 30 (ours). kUnknown: a line of another program's file.
enum class LineKind {
  kUnknown = 0,
  kLabor = 1,
  kMachine = 2,
  kMachinist = 3,
  kMaterial = 4,
  kEquipment = 5,
  kExtraMaterial = 6,
  kExtraEquipment = 7,
  kAuxiliary = 8,
};

LineKind LineKindOf(core::ResourceKind kind) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return LineKind::kLabor;
    case core::ResourceKind::kMachine:
      return LineKind::kMachine;
    case core::ResourceKind::kMaterial:
      return LineKind::kMaterial;
    case core::ResourceKind::kEquipment:
      return LineKind::kEquipment;
  }
  return LineKind::kMaterial;
}

std::optional<core::ResourceKind> ResourceKindOf(LineKind kind) {
  switch (kind) {
    case LineKind::kLabor:
      return core::ResourceKind::kLabor;
    case LineKind::kMachine:
      return core::ResourceKind::kMachine;
    case LineKind::kMaterial:
      return core::ResourceKind::kMaterial;
    case LineKind::kEquipment:
      return core::ResourceKind::kEquipment;
    default:
      return std::nullopt;
  }
}

// One glibc iconv descriptor that converts whole strings.
class Iconv {
 public:
  Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts `in` into `out`. False on a character the target lacks or a malformed input, with
  // `*failed_at` its offset in `in`.
  bool Convert(std::string_view in, std::string& out, std::size_t* failed_at) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    out.clear();
    char* src = const_cast<char*>(in.data());
    std::size_t left = in.size();
    char buffer[4096];
    while (left > 0) {
      char* dst = buffer;
      std::size_t room = sizeof buffer;
      const std::size_t rc = iconv(cd_, &src, &left, &dst, &room);
      out.append(buffer, static_cast<std::size_t>(dst - buffer));
      if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) {
        *failed_at = in.size() - left;
        return false;
      }
    }
    return true;
  }

 private:
  iconv_t cd_;
};

// The UTF-8 character at `at`, quoted with its code point: "€" (U+20AC).
std::string DescribeCharacter(std::string_view s, std::size_t at) {
  const auto lead = static_cast<unsigned char>(s[at]);
  std::size_t n = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 1;
  n = std::min(n, s.size() - at);
  unsigned code = n == 1 ? lead : lead & (0x7Fu >> n);
  for (std::size_t i = 1; i < n; ++i)
    code = (code << 6) | (static_cast<unsigned char>(s[at + i]) & 0x3Fu);
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", code);
  return "\"" + std::string(s.substr(at, n)) + "\" (" + buf + ")";
}

std::string Comma(std::string s) {
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}
// A decimal as given, with a decimal comma.
std::string Plain(const Decimal& d) { return Comma(d.ToString()); }
std::string Fixed(const Decimal& d, int places) { return Comma(d.ToFixed(places)); }

const Decimal kOne = Decimal::FromInt(1);
const Decimal kHundredth = Decimal::FromRaw(1, 2);
const Decimal kHundred = Decimal::FromInt(100);

// The per-unit figures of record 20 (fields 15–19, 23, 24) from a position's figures. The writer
// and the reader's comparison both use this one function.
struct UnitFigures {
  Decimal cost;             // 15: ПЗ + equipment
  Decimal ot;               // 16
  Decimal em;               // 17: ЭМ with ЗПМ
  Decimal otm;              // 18
  Decimal m;                // 19
  Decimal labor_hours;      // 23
  Decimal machinist_hours;  // 24
};

UnitFigures PerUnit(const core::Figures& f, const Decimal& quantity) {
  const auto money = [&](const Decimal& v) {
    return quantity.IsZero() ? Decimal::FromRaw(0, 2) : Decimal::Divide(v, quantity, 2);
  };
  const auto hours = [&](const Decimal& v) {
    return quantity.IsZero() ? Decimal() : Decimal::Divide(v, quantity, 7).Normalized();
  };
  return {money(f.total - f.overhead - f.profit),
          money(f.ot),
          money(f.em + f.otm),
          money(f.otm),
          money(f.m),
          hours(f.labor_hours),
          hours(f.machinist_hours)};
}

// Field 4 of a 25 record: round7(percent × k) / 100.
Decimal RateFraction(const core::Rate& rate) {
  return ((rate.percent * rate.k).Round(7) * kHundredth).Normalized();
}

Decimal ConsumptionFactor(core::ResourceKind kind, const core::ResultingCoefficients& k) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return k.labor;
    case core::ResourceKind::kMachine:
      return k.machines;
    default:
      return k.materials;
  }
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string message;
  for (const auto& l : lines) message += (message.empty() ? "" : "\n") + l;
  return message;
}

// --- the writer ------------------------------------------------------------------------------

class ArpsWriter {
 public:
  ArpsWriter(const core::Estimate& e, const ArpsHeader& h)
      : e_(e), h_(h), to_cp866_("CP866", "UTF-8") {}

  Result<std::string> Write() {
    if (!to_cp866_.ok()) return Internal("iconv: no conversion from UTF-8 to CP866");
    if (e_.method != core::Method::kResourceIndex) {
      return InvalidArgument("method: АРПС export takes the resource-index method only");
    }
    auto calc = core::ResourceIndexCalculation::Calculate(e_);
    if (!calc.ok()) return calc.status();
    money_ = e_.options.money_places;

    Record({"1", Text(kVersion, "version"), Text(h_.program, "header.program")});
    Record({"0", Text(h_.base, "header.base")});
    std::vector<std::string> header(kHeaderFields);
    header[0] = "3";
    header[2] = Text(h_.number, "header.number");
    header[3] = h_.name.empty() ? Text(e_.name, "name") : Text(h_.name, "header.name");
    header[4] = Text(h_.construction_name, "header.construction_name");
    header[5] = Text(h_.object_name, "header.object_name");
    header[6] = Text(h_.customer, "header.customer");
    header[7] = Text(h_.customer_person, "header.customer_person");
    header[8] = Text(h_.contractor, "header.contractor");
    header[9] = Text(h_.contractor_person, "header.contractor_person");
    header[13] = Fixed(calc->result().totals.figures.total, money_);
    header[18] = Text(h_.work_type, "header.work_type");
    header[20] = Text(h_.base_name, "header.base_name");
    header[21] = std::to_string(money_);
    Record(header);
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      const std::string at = "sections[" + std::to_string(s) + "]";
      Record({"10", "0", "", Text(e_.sections[s].name, at + ".name")});
      for (std::size_t p = 0; p < e_.sections[s].positions.size(); ++p) {
        WritePosition(e_.sections[s].positions[p], at + ".positions[" + std::to_string(p) + "]");
      }
      Record({"50", Text("Итого по разделу", "label"), "", ""});
    }
    Record({"50", Text("Итого по всем разделам", "label"), "", ""});
    Record({"50", Text("Всего", "label"), "", ""});
    if (!problems_.empty()) return InvalidArgument(Joined(problems_));
    return std::move(out_);
  }

 private:
  // Every record ends in '#' and CRLF.
  void Record(const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
      out_ += f;
      out_ += '#';
    }
    out_ += "\r\n";
  }

  // A text field in cp866; a problem naming `path` for what cp866 or the format cannot hold.
  std::string Text(std::string_view utf8, const std::string& path) {
    const std::size_t bad = utf8.find_first_of("#\r\n");
    if (bad != std::string_view::npos) {
      problems_.push_back(path + ": " +
                          (utf8[bad] == '#' ? std::string("'#' separates the fields of АРПС")
                                            : std::string("a line break")) +
                          " and cannot be written in a text");
      return {};
    }
    // cp866 has no typographic quotes and dashes; names are full of them (ОАО «РЖД»). They
    // become their ASCII forms, as other programs' АРПС writers do; anything else cp866 lacks
    // stays an error.
    std::string plain(utf8);
    static const std::pair<std::string_view, std::string_view> kTypography[] = {
        {"«", "\""}, {"»", "\""}, {"„", "\""}, {"“", "\""}, {"”", "\""}, {"‘", "'"}, {"’", "'"},
        {"–", "-"}, {"—", "-"}, {"…", "..."}, {"≤", "<="}, {"≥", ">="}, {"×", "x"}};
    for (const auto& [from, to] : kTypography) {
      for (std::size_t at = plain.find(from); at != std::string::npos; at = plain.find(from, at + to.size())) {
        plain.replace(at, from.size(), to);
      }
    }
    utf8 = plain;
    std::string out;
    std::size_t failed_at = 0;
    if (!to_cp866_.Convert(utf8, out, &failed_at)) {
      problems_.push_back(path + ": " + DescribeCharacter(utf8, failed_at) +
                          " cannot be written in cp866");
      return {};
    }
    return out;
  }

  void WritePosition(const core::Position& p, const std::string& at) {
    core::PositionDetail d;
    auto r = core::CalculatePosition(p, e_.options, &d);
    if (!r.ok()) {
      problems_.push_back(at + ": " + r.status().message());
      return;
    }
    const bool norm = p.type == core::PositionType::kNorm;
    std::vector<std::string> f(kPositionFields);
    f[0] = "20";
    f[1] = Text(p.number, at + ".number");
    f[2] = Text(p.code, at + ".code");
    f[3] = Text(p.unit, at + ".unit");
    f[4] = Text(p.name, at + ".name");
    for (std::size_t k : {5, 6, 7, 8, 9, 10, 20}) f[k] = "0,00";
    Decimal labor, machinist;  // the norm's, before coefficients
    if (norm) {
      for (const auto& res : p.resources) {
        if (res.by_project) continue;
        if (res.kind == core::ResourceKind::kLabor) labor += res.consumption;
        if (res.kind == core::ResourceKind::kMachine && res.machinist) {
          machinist += res.consumption * res.machinist->labor_per_machine_hour;
        }
      }
    }
    f[13] = Plain(labor.Normalized());
    f[14] = Plain(machinist.Normalized());
    const UnitFigures u = PerUnit(r->figures, p.quantity);
    f[15] = Fixed(u.cost, 2);
    f[16] = Fixed(u.ot, 2);
    f[17] = Fixed(u.em, 2);
    f[18] = Fixed(u.otm, 2);
    f[19] = Fixed(u.m, 2);
    f[23] = Plain(u.labor_hours);
    f[24] = Plain(u.machinist_hours);
    f[25] = norm ? "1" : "19";
    f[26] = Plain(p.quantity);
    f[27] = p.work_kind == core::WorkKind::kInstallation ? "1" : "0";
    Record(f);
    if (!norm) {
      Line(LineKindOf(p.kind), p.code, p.unit, p.name, kOne, p.price, "1", "", at);
      return;
    }
    for (std::size_t i = 0; i < p.coefficients.size(); ++i) {
      const core::Coefficient& c = p.coefficients[i];
      Record({"25", "1", c.combination == core::CoefficientCombination::kAdditive ? "1" : "0",
              Text(c.name, at + ".coefficients[" + std::to_string(i) + "].name"), Plain(c.labor),
              Plain(c.machinist_labor), Plain(c.machines), Plain(c.materials)});
    }
    // As applied: after the overrides of the options.
    if (p.overhead) Rate("2", d.overhead, at + ".overhead");
    if (p.profit) Rate("3", d.profit, at + ".profit");
    for (std::size_t i = 0; i < p.resources.size(); ++i) {
      const core::Resource& res = p.resources[i];
      const std::string rp = at + ".resources[" + std::to_string(i) + "]";
      const Decimal per_unit =
          res.by_project ? Decimal()
                         : (res.consumption * ConsumptionFactor(res.kind, d.k)).Normalized();
      Line(LineKindOf(res.kind), res.code, res.unit, res.name, per_unit, res.price,
           res.by_project ? Text("П", rp) : Plain(res.consumption), "", rp);
      if (res.kind == core::ResourceKind::kMachine && res.machinist) {
        const core::Machinist& m = *res.machinist;
        Line(LineKind::kMachinist, m.code, "чел.-ч", kMachinistName,
             (res.consumption * m.labor_per_machine_hour * d.k.machinist_labor).Normalized(),
             m.price, Plain(m.labor_per_machine_hour), "", rp + ".machinist");
      }
    }
    for (std::size_t i = 0; i < p.extra.size(); ++i) {
      const core::ExtraRow& x = p.extra[i];
      const std::string xp = at + ".extra[" + std::to_string(i) + "]";
      Line(x.kind == core::ResourceKind::kEquipment ? LineKind::kExtraEquipment
                                                    : LineKind::kExtraMaterial,
           x.code, x.unit, x.name, PerUnitOf(x.quantity, p.quantity), x.price, Plain(x.quantity),
           Text(x.number, xp + ".number"), xp);
    }
    if (p.auxiliary_materials) {
      const core::AuxiliaryMaterials& a = *p.auxiliary_materials;
      core::UnitPrice rouble;
      rouble.source = core::UnitPrice::Source::kCurrent;
      rouble.price = Decimal::FromRaw(100, 2);
      Line(LineKind::kAuxiliary, kAuxiliaryCode, "руб.", a.name,
           PerUnitOf(d.auxiliary_materials, p.quantity), rouble, Plain(a.percent),
           a.base == core::AuxiliaryMaterials::Base::kLabor ? "1" : "0",
           at + ".auxiliary_materials");
    }
  }

  static Decimal PerUnitOf(const Decimal& total, const Decimal& quantity) {
    return quantity.IsZero() ? total : Decimal::Divide(total, quantity, 7).Normalized();
  }

  void Rate(const char* kind, const core::Rate& rate, const std::string& at) {
    Record({"25", kind, "", Text(rate.code, at + ".code"), Plain(RateFraction(rate)),
            Plain(rate.percent), Plain(rate.k), Text(rate.name, at + ".name")});
  }

  void Line(LineKind kind, const std::string& code, const std::string& unit,
            const std::string& name, const Decimal& per_unit, const core::UnitPrice& price,
            const std::string& exact, const std::string& field12, const std::string& at) {
    std::vector<std::string> f(kLineFields);
    f[0] = "30";
    f[1] = Text(code, at + ".code");
    f[2] = Text(unit, at + ".unit");
    f[3] = Text(name, at + ".name");
    f[5] = Plain(per_unit);
    switch (price.source) {
      case core::UnitPrice::Source::kNone:
        break;
      case core::UnitPrice::Source::kCurrent:
        f[7] = Plain(price.price);
        break;
      case core::UnitPrice::Source::kBaseIndex:
        f[7] = Fixed(Decimal::MulRound(price.base_price, price.index, 2), 2);
        f[10] = Plain(price.base_price);
        f[11] = Plain(price.index);
        break;
    }
    f[8] = std::to_string(static_cast<int>(kind));
    f[9] = exact;
    f[12] = field12;
    Record(f);
  }

  const core::Estimate& e_;
  const ArpsHeader& h_;
  Iconv to_cp866_;
  int money_ = 2;
  std::string out_;
  std::vector<std::string> problems_;
};

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
    if (core::TrimBlanks(l).empty()) continue;
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
    std::string s(core::TrimBlanks(Field(r, k)));
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
    std::string s(core::TrimBlanks(Field(r, k)));
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
      const std::string level(core::TrimBlanks(Field(r, 1)));
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
    const std::string version(core::TrimBlanks(Field(r, 1)));
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
    const std::string money(core::TrimBlanks(Field(r, 21)));
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
    } else if (core::TrimBlanks(Field(r, 26)).empty()) {
      Problem(r, 26, "the quantity is missing");
    }
    if (auto kind = Number(r, 25)) p.priced_resource = *kind == Decimal::FromInt(19);
    const std::string work_kind(core::TrimBlanks(Field(r, 27)));
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
    const std::string kind(core::TrimBlanks(Field(r, 1)));
    if (kind == "1") {
      core::Coefficient c;
      const std::string combine(core::TrimBlanks(Field(r, 2)));
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
    if (!fraction && core::TrimBlanks(Field(r, 4)).empty()) Problem(r, 4, "the rate is missing");
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
    const bool has_base = !core::TrimBlanks(Field(r, 10)).empty(),
               has_index = !core::TrimBlanks(Field(r, 11)).empty();
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
    const std::string kind(core::TrimBlanks(Field(r, 8)));
    if (!kind.empty()) {
      const int k = kind.size() == 1 && kind[0] >= '1' && kind[0] <= '8' ? kind[0] - '0' : 0;
      if (k == 0) {
        Problem(r, 8, "\"" + kind + "\" is not a line kind (1–8)");
        return;
      }
      l.kind = static_cast<LineKind>(k);
      const std::string exact(core::TrimBlanks(Field(r, 9)));
      if (exact == "П" && ResourceKindOf(l.kind)) {
        l.by_project = true;
      } else if (auto v = Number(r, 9)) {
        l.exact = *v;
      } else if (exact.empty()) {
        Problem(r, 9, "missing (the value of a line of kind " + kind + ")");
      }
      const std::string base_kind(core::TrimBlanks(Field(r, 12)));
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
    if (!core::TrimBlanks(Field(p.rec, 15)).empty()) {
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
              core::TrimBlanks(Field(l.rec, 12)) == "1"
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
      const std::string code(core::TrimBlanks(Field(l.rec, 1)));
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
    const std::string text(core::TrimBlanks(Field(r, field)));
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
            core::TrimBlanks(Field(rate, 1)) == "2" ? pos.overhead : pos.profit;
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

Result<std::string> WriteArps(const core::Estimate& estimate, const ArpsHeader& header) {
  return ArpsWriter(estimate, header).Write();
}

Result<ArpsImport> ReadArps(std::string_view bytes) { return ArpsReader().Read(bytes); }

}  // namespace estimate::formats
