#include "ai/estimate_checks.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "normbase/base_release.hpp"
#include "normbase/russian_text.hpp"

namespace estimate::ai {
namespace {

using core::Decimal;
using core::Position;
using core::ResourceKind;
using normbase::BaseRelease;
using normbase::Norm;
using normbase::NormFamily;

const std::vector<CheckRule> kRules = {
    // The estimate as a whole.
    {"header-incomplete", Severity::kError, "Не указаны регион или квартал цен"},
    {"release-not-active", Severity::kWarning, "Смета составлена по другой редакции базы"},
    {"prices-not-in-base", Severity::kWarning, "В базе нет текущих цен региона и квартала сметы"},
    {"import-arithmetic", Severity::kError, "Арифметика импортированной сметы не сходится"},
    {"empty-section", Severity::kInfo, "Пустой раздел"},
    // A position.
    {"norm-unknown", Severity::kWarning, "Норма не найдена в действующей базе"},
    {"unit-mismatch", Severity::kError, "Единица измерения позиции не совпадает с нормой"},
    {"quantity-zero", Severity::kError, "Нулевое количество"},
    {"quantity-implausible", Severity::kWarning, "Количество неправдоподобно для единицы нормы"},
    {"duplicate-position", Severity::kWarning, "Повторяющаяся позиция"},
    {"abstract-resource", Severity::kWarning, "Неучтённый ресурс («П» или группа) без выбранного материала"},
    {"coefficient-twice", Severity::kError, "Коэффициент применён дважды"},
    {"coefficient-not-bound", Severity::kWarning,
     "Коэффициент не применяется к норме по привязке"},
    {"rate-missing", Severity::kError, "Не начислены НР или СП"},
    {"overhead-binding", Severity::kWarning, "Вид НР не соответствует привязке нормы"},
    {"profit-binding", Severity::kWarning, "Вид СП не соответствует привязке нормы"},
    {"rate-percent", Severity::kWarning, "Процент НР или СП отличается от норматива"},
    {"work-kind-mismatch", Severity::kWarning,
     "Вид работ (строительные/монтажные) не соответствует сборнику"},
    {"resource-missing", Severity::kWarning, "Из позиции удалены ресурсы нормы"},
    {"consumption-changed", Severity::kWarning, "Расход ресурса изменён против нормы"},
    {"price-differs", Severity::kWarning,
     "Цена ресурса отличается от цены базы для региона и квартала сметы"},
    {"unpriced-resource", Severity::kError, "Ресурс без цены"},
    {"lookalike-letters", Severity::kWarning, "Латинские буквы среди кириллицы в наименовании"},
    {"resource-name-differs", Severity::kInfo, "Наименование ресурса отличается от базы"},
    {"market-price-no-reference", Severity::kWarning,
     "Ресурс по текущей (рыночной) цене без ссылки на конъюнктурный анализ"},
    {"equipment-as-material", Severity::kWarning, "Оборудование учтено как материал"},
    {"installation-without-equipment", Severity::kWarning,
     "Монтаж оборудования (ГЭСНм) без самого оборудования"},
    {"summary-cost-in-lsr", Severity::kWarning,
     "Затраты сводного сметного расчёта включены в локальную смету"},
    {"vat-rate", Severity::kError, "Ставка НДС не соответствует дате"},
};

Severity SeverityOf(std::string_view rule) {
  for (const auto& r : kRules) {
    if (r.code == rule) return r.severity;
  }
  return Severity::kWarning;
}

std::size_t RuleOrder(std::string_view rule) {
  for (std::size_t i = 0; i < kRules.size(); ++i) {
    if (kRules[i].code == rule) return i;
  }
  return kRules.size();
}

// "1 234,5": the figure as an estimator reads it.
std::string Ru(const Decimal& d) {
  if (!d.ok()) return "—";
  std::string s = d.Normalized().ToString();
  std::string out;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += "\u00a0";
    out.push_back(whole[i]);
  }
  if (dot != std::string::npos) out += "," + s.substr(dot + 1);
  return negative ? "−" + out : out;
}

std::string Folded(std::string_view s) { return normbase::FoldCase(s); }

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// "ГЭСНм 11-02-001-01" → (ГЭСНм, "11-02-001-01").
// "ГЭСНм08-02-001-01" as well: the longest family prefix wins.
std::optional<std::pair<NormFamily, std::string_view>> SplitCode(std::string_view code) {
  code = core::TrimWhitespace(code);
  for (const NormFamily f : {NormFamily::kGesnmr, NormFamily::kGesnm, NormFamily::kGesnr,
                             NormFamily::kGesnp, NormFamily::kGesn}) {
    const std::string_view prefix = normbase::FamilyPrefix(f);
    if (code.starts_with(prefix)) {
      const std::string_view rest = core::TrimWhitespace(code.substr(prefix.size()));
      if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') return std::make_pair(f, rest);
    }
  }
  return std::nullopt;
}

// The leading multiplier of a unit: "100 м" → 100, "м3" → 1.
Decimal UnitMultiplier(std::string_view unit) {
  unit = core::TrimWhitespace(unit);
  std::size_t i = 0;
  while (i < unit.size() && ((unit[i] >= '0' && unit[i] <= '9') || unit[i] == ' ')) ++i;
  std::string digits;
  for (char c : unit.substr(0, i)) {
    if (c != ' ') digits.push_back(c);
  }
  if (digits.empty() || i == unit.size()) return Decimal::FromInt(1);
  auto d = Decimal::Parse(digits);
  return d.ok() ? *d : Decimal::FromInt(1);
}

Decimal CurrentPrice(const core::UnitPrice& p) {
  switch (p.source) {
    case core::UnitPrice::Source::kCurrent:
      return p.price;
    case core::UnitPrice::Source::kBaseIndex:
      return Decimal::MulRound(p.base_price, p.index, 2);
    case core::UnitPrice::Source::kNone:
      break;
  }
  return Decimal::Invalid();
}

// ФСБЦ books 61–69 hold equipment; a market price's code repeats the book ("ТЦ_65.1.01.03_…").
bool EquipmentBook(std::string_view code) {
  if (code.starts_with("ТЦ_")) code.remove_prefix(std::string_view("ТЦ_").size());
  return code.size() > 2 && code[0] == '6' && code[1] >= '1' && code[1] <= '9' && code[2] == '.';
}

bool MarketCode(std::string_view code) { return code.starts_with("ТЦ"); }

// A КСР group code without the resource's number («23.3.06.05», «18.1.02.01»): the norm's
// abstract (неучтённый) resource, resolved by a material the estimator chooses.
bool GroupCode(std::string_view code) {
  if (code.empty() || code.find('-') != std::string_view::npos) return false;
  int dots = 0;
  for (char c : code) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots >= 2;
}

// "ТЦ_65.1.01.03_27_2724168690_13.06.2025_02_19.1": the supplier's ИНН and the offer's date name
// the source of the price (the КА's record in ФГИС ЦС).
bool MarketCodeNamesItsSource(std::string_view code) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= code.size()) {
    const auto end = code.find('_', start);
    parts.push_back(code.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  bool inn = false, date = false;
  for (const auto p : parts) {
    const bool digits = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    if (digits && (p.size() == 10 || p.size() == 12)) inn = true;
    if (p.size() == 10 && p[2] == '.' && p[5] == '.') date = true;
  }
  return inn && date;
}

enum class Script { kNone, kLatin, kCyrillic };

Script ScriptOf(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return Script::kLatin;
  if ((c >= 0x0410 && c <= 0x044F) || c == 0x0401 || c == 0x0451) return Script::kCyrillic;
  return Script::kNone;
}

// Latin letters that look like Cyrillic ones (and so pass the eye, not a search).
bool LookAlike(char32_t c) {
  static constexpr std::u32string_view kLatin = U"AaBCcEeHKMOoPpTXxy";
  return kLatin.find(c) != std::u32string_view::npos;
}

// The first word that mixes Cyrillic letters with Latin look-alikes: «Tрубы» (Latin T).
std::optional<std::string> MixedWord(std::string_view text) {
  std::size_t i = 0, word_start = 0;
  bool latin_lookalike = false, cyrillic = false, other_latin = false;
  auto finish = [&](std::size_t end) -> std::optional<std::string> {
    if (latin_lookalike && cyrillic && !other_latin) {
      return std::string(text.substr(word_start, end - word_start));
    }
    return std::nullopt;
  };
  while (i < text.size()) {
    std::size_t length = 1;
    const char32_t c = core::DecodeUtf8(text, i, length);
    const Script s = ScriptOf(c);
    if (s == Script::kNone) {
      if (auto w = finish(i)) return w;
      latin_lookalike = cyrillic = other_latin = false;
      word_start = i + length;
    } else if (s == Script::kCyrillic) {
      cyrillic = true;
    } else if (LookAlike(c)) {
      latin_lookalike = true;
    } else {
      other_latin = true;  // a real Latin word part («нг(A)-LS», «ВВГнг-FRLS»): not a slip
    }
    i += length;
  }
  return finish(text.size());
}

// Words of a name folded and joined by one space, punctuation dropped: names compared as read.
std::string Comparable(std::string_view name) {
  std::vector<normbase::Token> tokens;
  normbase::Tokenize(name, tokens);
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t.text;
  }
  return out;
}

// "Пр/812-016.0-1" → "Пр/812-016.0": the rate's code without the territory suffix.
std::string_view WithoutTerritory(std::string_view code) {
  code = core::TrimWhitespace(code);
  if (code.size() > 2 && code[code.size() - 2] == '-' && code.back() >= '1' && code.back() <= '3' &&
      code.find('.') != std::string_view::npos) {
    code.remove_suffix(2);
  }
  return code;
}

// The VAT rate in force on a date (YYYY-MM-DD): 18 % to 2018, 20 % 2019–2025, 22 % from 2026
// (Федеральный закон 425-ФЗ of 28.11.2025).
int VatRateOn(std::string_view date) {
  if (date.size() < 4) return 0;
  const int year = std::atoi(std::string(date.substr(0, 4)).c_str());
  if (year <= 0) return 0;
  return year >= 2026 ? 22 : year >= 2019 ? 20 : 18;
}

// The percent a text names: «НДС 20%» → 20.
std::optional<int> PercentIn(std::string_view text) {
  const auto percent = text.find('%');
  if (percent == std::string_view::npos) return std::nullopt;
  std::size_t end = percent;
  while (end > 0 && text[end - 1] == ' ') --end;
  std::size_t begin = end;
  while (begin > 0 && text[begin - 1] >= '0' && text[begin - 1] <= '9') --begin;
  if (begin == end) return std::nullopt;
  return std::atoi(std::string(text.substr(begin, end - begin)).c_str());
}

class Checker {
 public:
  Checker(const CheckInput& in, const BaseRelease* release) : in_(in), release_(release) {
    if (release_ != nullptr) {
      for (const auto& rule : release_->coefficients) rules_.emplace(rule.code, &rule);
      if (!in_.region.empty() && !in_.quarter.empty()) {
        const int zone = in_.zone.empty() ? 1 : std::atoi(in_.zone.c_str());
        prices_ = release_->FindPrices(in_.region, zone > 0 ? zone : 1, in_.quarter);
      }
    }
    // What the estimate chose for «П» resources: every sub-row and resource position code.
    for (const auto& s : in_.estimate->sections) {
      for (const auto& p : s.positions) {
        if (p.type == core::PositionType::kResource) chosen_.push_back(p.code);
        for (const auto& e : p.extra) chosen_.push_back(e.code);
      }
    }
  }

  std::vector<Finding> Run() {
    Header();
    const auto& sections = in_.estimate->sections;
    for (std::size_t s = 0; s < sections.size(); ++s) {
      if (sections[s].positions.empty()) {
        Add("empty-section", s, std::nullopt, "", "sections[" + std::to_string(s) + "]",
            "Раздел «" + sections[s].name + "» не содержит позиций.",
            "Удалите раздел или заполните его.");
      }
      for (std::size_t p = 0; p < sections[s].positions.size(); ++p) PositionChecks(s, p);
    }
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      const auto key = [](const Finding& f) {
        return std::make_tuple(f.section.has_value(), f.section.value_or(0),
                               f.position.value_or(0), RuleOrder(f.rule));
      };
      return key(a) < key(b);
    });
    return std::move(findings_);
  }

 private:
  void Add(std::string_view rule, std::optional<std::size_t> s, std::optional<std::size_t> p,
           std::string_view field_prefix, std::string field, std::string message,
           std::string fix) {
    Finding f;
    f.rule = std::string(rule);
    f.severity = SeverityOf(rule);
    f.section = s;
    f.position = p;
    if (s && p) {
      const Position& pos = in_.estimate->sections[*s].positions[*p];
      f.number = pos.number;
      f.code = pos.code;
    }
    f.field = std::string(field_prefix) + field;
    f.message = std::move(message);
    f.fix = std::move(fix);
    findings_.push_back(std::move(f));
  }

  void Header() {
    if (in_.resource_index && (in_.region.empty() || in_.quarter.empty())) {
      Add("header-incomplete", std::nullopt, std::nullopt, "", in_.region.empty() ? "region" : "quarter",
          "В заголовке сметы не указан " +
              std::string(in_.region.empty() ? "регион" : "квартал уровня цен") +
              ": по ресурсно-индексному методу цены ресурсов берутся для региона и квартала.",
          "Укажите регион, ценовую зону и квартал в заголовке сметы.");
    }
    if (release_ != nullptr && in_.release_id && *in_.release_id != in_.active_release_id) {
      Add("release-not-active", std::nullopt, std::nullopt, "", "release_id",
          "Смета ссылается на редакцию базы №" + std::to_string(*in_.release_id) +
              ", а действует «" + release_->info.name + "».",
          "Пересчитайте смету по действующей редакции ФСНБ или подтвердите выбор редакции.");
    }
    if (release_ != nullptr && !in_.region.empty() && !in_.quarter.empty() && prices_ == nullptr) {
      Add("prices-not-in-base", std::nullopt, std::nullopt, "", "quarter",
          "В действующей базе «" + release_->info.name + "» нет текущих цен региона " +
              in_.region + (in_.zone.empty() ? std::string() : ", зона " + in_.zone) +
              ", квартал " + in_.quarter + ": цены сметы не с чем сверить.",
          "Загрузите цены ФГИС ЦС этого квартала или проверьте квартал в заголовке.");
    }
    for (const auto& d : in_.import_differences) {
      std::optional<std::size_t> s, p;
      if (in_.import_is_current) ParsePath(d.path, s, p);
      Add("import-arithmetic", s, p, "", d.path,
          "В файле " + (in_.import_source.empty() ? std::string("импорта") : "«" + in_.import_source + "»") +
              " указано " + d.stated + ", а пересчёт даёт " + d.computed + " (" + d.path +
              (in_.import_is_current ? ")." : ", в смете как она была импортирована)."),
          "Проверьте расчёт в исходной программе: округления, коэффициенты, цены; "
          "итог сметы должен сходиться с суммой позиций.");
    }
  }

  // "sections[1].positions[4].total" → (1, 4) when those exist.
  void ParsePath(std::string_view path, std::optional<std::size_t>& s,
                 std::optional<std::size_t>& p) const {
    const auto index = [&](std::string_view key) -> std::optional<std::size_t> {
      const auto at = path.find(key);
      if (at == std::string_view::npos) return std::nullopt;
      return static_cast<std::size_t>(std::atoll(std::string(path.substr(at + key.size())).c_str()));
    };
    s = index("sections[");
    p = index("positions[");
    const auto& sections = in_.estimate->sections;
    if (!s || *s >= sections.size()) {
      s.reset();
      p.reset();
    } else if (p && *p >= sections[*s].positions.size()) {
      p.reset();
    }
    if (!p) s.reset();
  }

  const std::string* Document(std::size_t s, std::size_t p) const {
    if (in_.documents == nullptr || s >= in_.documents->size() || p >= (*in_.documents)[s].size()) {
      return nullptr;
    }
    return &(*in_.documents)[s][p];
  }

  bool HasPriceReference(std::size_t s, std::size_t p) const {
    const std::string* doc = Document(s, p);
    return doc != nullptr && Contains(*doc, "\"price_reference\"");
  }

  void PositionChecks(std::size_t s, std::size_t p) {
    const Position& pos = in_.estimate->sections[s].positions[p];
    const std::string where = "sections[" + std::to_string(s) + "].positions[" + std::to_string(p) + "].";
    const auto add = [&](std::string_view rule, std::string field, std::string message,
                         std::string fix) {
      Add(rule, s, p, where, std::move(field), std::move(message), std::move(fix));
    };
    const Norm* norm = nullptr;
    std::optional<std::pair<NormFamily, std::string_view>> split;
    if (pos.type == core::PositionType::kNorm) {
      split = SplitCode(pos.code);
      if (release_ != nullptr) {
        if (split) norm = release_->FindNorm(split->first, split->second);
        if (norm == nullptr) {
          add("norm-unknown", "code",
              "Норма «" + pos.code + "» не найдена в действующей базе «" + release_->info.name +
                  "»: сверка с нормой (единица, ресурсы, привязки НР и СП) не выполнена.",
              "Проверьте шифр нормы (буквы, дефисы) или выберите норму действующей редакции.");
        }
      }
    }
    // unit-mismatch
    if (norm != nullptr && !norm->unit.empty() && !pos.unit.empty() &&
        normbase::NormalizeUnit(norm->unit) != normbase::NormalizeUnit(pos.unit)) {
      add("unit-mismatch", "unit",
          "Единица позиции «" + pos.unit + "», а норма " + pos.code + " измеряется в «" +
              std::string(norm->unit) + "».",
          "Пересчитайте количество в единицах нормы («" + std::string(norm->unit) +
              "») и исправьте единицу позиции.");
    }
    // quantity-zero, quantity-implausible
    if (pos.quantity.ok() && pos.quantity.IsZero()) {
      add("quantity-zero", "quantity", "Количество позиции равно нулю: позиция не даёт стоимости.",
          "Укажите объём работ по ВОР или удалите позицию.");
    } else if (pos.quantity.ok() && pos.type == core::PositionType::kNorm) {
      const std::string_view unit = norm != nullptr ? norm->unit : std::string_view(pos.unit);
      const Decimal multiplier = UnitMultiplier(unit);
      const Decimal magnitude = pos.quantity.IsNegative() ? -pos.quantity : pos.quantity;
      Decimal limit = multiplier * Decimal::FromInt(10);
      if (limit < Decimal::FromInt(1000)) limit = Decimal::FromInt(1000);
      if (multiplier >= Decimal::FromInt(10) && magnitude >= limit) {
        add("quantity-implausible", "quantity",
            "Количество " + Ru(pos.quantity) + " × «" + std::string(unit) + "» = " +
                Ru(pos.quantity * multiplier) + " " +
                std::string(core::TrimWhitespace(unit.substr(unit.find(' ') + 1))) +
                ": похоже, объём введён в единицах, а не в «" + std::string(unit) + "».",
            "Разделите количество на " + Ru(multiplier) + " или проверьте объём по ВОР.");
      }
    }
    Duplicate(s, p, pos, add);
    if (pos.type == core::PositionType::kNorm) {
      NormPositionChecks(s, p, pos, norm, split, add);
    } else {
      ResourcePositionChecks(s, p, pos, add);
    }
    Texts(pos, add);
  }

  template <typename AddFn>
  void Duplicate(std::size_t s, std::size_t p, const Position& pos, AddFn& add) {
    // Within a section: the same work in each entrance's or building's section is not a repeat.
    std::string key = std::to_string(s) + '\x1f' + pos.code + '\x1f' + Comparable(pos.name) + '\x1f' + pos.unit + '\x1f' +
                      (pos.quantity.ok() ? pos.quantity.Normalized().ToString() : "") + '\x1f';
    for (const auto& c : pos.coefficients) key += c.name + '\x1e';
    for (const auto& e : pos.extra) key += e.code + ':' + (e.quantity.ok() ? e.quantity.Normalized().ToString() : "") + '\x1e';
    // A mounting norm repeated for different equipment (the resource position after it) is two
    // works, not a repeat.
    const auto& positions = in_.estimate->sections[s].positions;
    if (p + 1 < positions.size() && positions[p + 1].type == core::PositionType::kResource) {
      key += "\x1d" + positions[p + 1].code;
    }
    const auto [at, inserted] = seen_.emplace(key, std::make_pair(s, p));
    if (!inserted) {
      const Position& first = in_.estimate->sections[at->second.first].positions[at->second.second];
      add("duplicate-position", "code",
          "Позиция повторяет позицию " + (first.number.empty() ? std::string("выше") : "№" + first.number) +
              ": тот же шифр, наименование, единица, количество, коэффициенты и подстроки.",
          "Удалите повтор или уточните объём (если работы разные, укажите это в наименовании).");
    }
  }

  bool Chosen(std::string_view resource_code, const normbase::NormResource* in_norm) const {
    for (const auto& c : chosen_) {
      if (c == resource_code) return true;
      if (c.size() > resource_code.size() && c.starts_with(resource_code) &&
          (c[resource_code.size()] == '-' || c[resource_code.size()] == '.')) {
        return true;
      }
    }
    if (in_norm != nullptr && release_ != nullptr) {
      for (const auto group_code : in_norm->tech_groups) {
        const auto* group = release_->FindTechGroup(group_code);
        if (group == nullptr) continue;
        for (const auto& c : chosen_) {
          if (std::find(group->resources.begin(), group->resources.end(), c) != group->resources.end()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  template <typename AddFn>
  void NormPositionChecks(std::size_t s, std::size_t p, const Position& pos, const Norm* norm,
                          const std::optional<std::pair<NormFamily, std::string_view>>& split,
                          AddFn& add) {
    std::unordered_map<std::string_view, const normbase::NormResource*> norm_resources;
    if (norm != nullptr) {
      for (const auto& r : norm->resources) norm_resources.emplace(r.code, &r);
    }
    // abstract-resource
    for (std::size_t i = 0; i < pos.resources.size(); ++i) {
      const core::Resource& r = pos.resources[i];
      const auto it = norm_resources.find(r.code);
      const normbase::NormResource* nr = it == norm_resources.end() ? nullptr : it->second;
      const bool abstract = r.by_project || (!r.price.priced() && (GroupCode(r.code) || (nr != nullptr && nr->abstract)));
      // A position with sub-rows has had its materials chosen: by the technology groups a choice
      // may come from another group (pipes 23.3.06.05 for «Трубопроводы» 18.5.13.01).
      if (abstract && r.kind != ResourceKind::kLabor && r.kind != ResourceKind::kMachine &&
          pos.extra.empty() && !Chosen(r.code, nr)) {
        add("abstract-resource", "resources[" + std::to_string(i) + "]",
            "Неучтённый ресурс " + r.code + " «" + r.name + "» (" +
                (r.by_project ? std::string("расход «П»") : "расход " + Ru(r.consumption)) +
                "): конкретный материал не выбран ни в этой позиции, ни в других позициях сметы, "
                "его стоимость не учтена.",
            "Добавьте материал из ФСБЦ (группа " + r.code +
                ") подстрокой позиции или отдельной позицией по спецификации; если материал не "
                "требуется проектом, замечание можно снять.");
      }
    }
    // coefficient-twice, coefficient-not-bound
    std::map<std::string, std::size_t> names;
    for (std::size_t i = 0; i < pos.coefficients.size(); ++i) {
      const std::string name = Folded(core::TrimWhitespace(pos.coefficients[i].name));
      if (name.empty()) continue;
      if (const auto [at, inserted] = names.emplace(name, i); !inserted) {
        add("coefficient-twice", "coefficients[" + std::to_string(i) + "]",
            "Коэффициент «" + pos.coefficients[i].name + "» применён дважды (coefficients[" +
                std::to_string(at->second) + "] и [" + std::to_string(i) + "]).",
            "Оставьте коэффициент один раз.");
      }
      CoefficientBinding(pos, i, norm, split, add);
    }
    // rate-missing, overhead-binding, profit-binding, rate-percent
    if (!pos.overhead || !pos.profit) {
      add("rate-missing", !pos.overhead ? "overhead" : "profit",
          std::string("У позиции не начислены ") +
              (!pos.overhead && !pos.profit ? "накладные расходы и сметная прибыль"
               : !pos.overhead              ? "накладные расходы"
                                            : "сметная прибыль") +
              " (приказы 812/пр и 774/пр).",
          norm != nullptr && !norm->overhead_code.empty()
              ? "Начислите НР " + std::string(norm->overhead_code) + " и СП " +
                    std::string(norm->profit_code) + " по привязке нормы."
              : std::string("Начислите НР и СП по виду работ нормы."));
    }
    if (norm != nullptr) {
      if (pos.overhead && !norm->overhead_code.empty() && !pos.overhead->code.empty() &&
          WithoutTerritory(pos.overhead->code) != WithoutTerritory(norm->overhead_code)) {
        add("overhead-binding", "overhead.code",
            "НР начислены по виду «" + pos.overhead->code + "», а норма " + pos.code +
                " привязана к «" + std::string(norm->overhead_code) + "».",
            "Примените НР «" + std::string(norm->overhead_code) + "» (приказ 812/пр).");
      }
      if (pos.profit && !norm->profit_code.empty() && !pos.profit->code.empty() &&
          WithoutTerritory(pos.profit->code) != WithoutTerritory(norm->profit_code)) {
        add("profit-binding", "profit.code",
            "СП начислена по виду «" + pos.profit->code + "», а норма " + pos.code +
                " привязана к «" + std::string(norm->profit_code) + "».",
            "Примените СП «" + std::string(norm->profit_code) + "» (приказ 774/пр).");
      }
      RatePercent(pos, norm, add);
    }
    // work-kind-mismatch
    if (split && (split->first == NormFamily::kGesnm ||
                  split->first == NormFamily::kGesn || split->first == NormFamily::kGesnr)) {
      const bool installation = split->first == NormFamily::kGesnm;
      const auto expected = installation ? core::WorkKind::kInstallation : core::WorkKind::kConstruction;
      if (pos.work_kind != expected) {
        add("work-kind-mismatch", "work_kind",
            std::string("Норма ") + std::string(normbase::FamilyPrefix(split->first)) +
                " учтена как " + (installation ? "строительные" : "монтажные") +
                " работы: в ССР она попадёт не в ту графу.",
            std::string("Укажите вид работ «") + (installation ? "монтажные" : "строительные") + "».");
      }
    }
    if (norm != nullptr) NormResources(pos, *norm, add);
    Prices(s, p, pos, add);
    // installation-without-equipment: a ГЭСНм of pieces with nothing installed listed.
    const bool lists_equipment = std::any_of(pos.resources.begin(), pos.resources.end(), [](const core::Resource& r) {
      return r.kind == ResourceKind::kEquipment;
    });
    if (split && split->first == NormFamily::kGesnm && pos.extra.empty() && !lists_equipment) {
      const std::string unit = normbase::NormalizeUnit(pos.unit);
      const bool pieces = unit == "шт" || unit == "компл" || unit == "комплект" || unit == "т" ||
                          unit == "1 шт" || unit == "1 компл";
      const auto& positions = in_.estimate->sections[s].positions;
      const bool next_is_resource =
          p + 1 < positions.size() && positions[p + 1].type == core::PositionType::kResource;
      if (pieces && !next_is_resource) {
        add("installation-without-equipment", "extra",
            "Монтаж по норме " + pos.code + " (" + pos.unit +
                ") учтён, а монтируемое оборудование не указано ни подстрокой позиции, ни "
                "следующей позицией.",
            "Добавьте оборудование (ФСБЦ книги 61–69 или по конъюнктурному анализу) отдельной "
            "позицией после монтажа или подстрокой.");
      }
    }
  }

  template <typename AddFn>
  void CoefficientBinding(const Position& pos, std::size_t i, const Norm* norm,
                          const std::optional<std::pair<NormFamily, std::string_view>>& split,
                          AddFn& add) {
    const std::string_view name = core::TrimWhitespace(pos.coefficients[i].name);
    const auto space = name.find(' ');
    auto it = rules_.find(name);
    if (it == rules_.end() && space != std::string_view::npos) it = rules_.find(name.substr(0, space));
    if (it == rules_.end() || !split) return;
    const normbase::CoefficientRule& rule = *it->second;
    const std::string code = normbase::PrintedCode(split->first, split->second);
    const auto listed = [&](const std::vector<std::string_view>& list) {
      return std::find(list.begin(), list.end(), code) != list.end() ||
             std::find(list.begin(), list.end(), split->second) != list.end();
    };
    bool bound = listed(rule.applies);
    for (const auto section : rule.applies_sections) {
      if (!section.empty() && split->second.starts_with(section)) bound = true;
      if (norm != nullptr && release_ != nullptr) {
        for (std::int32_t t = norm->table; t >= 0; t = release_->sections[t].parent) {
          if (release_->sections[t].code == section) bound = true;
        }
      }
    }
    const bool excluded = listed(rule.excluded);
    if (excluded || (!bound && (!rule.applies.empty() || !rule.applies_sections.empty()))) {
      add("coefficient-not-bound", "coefficients[" + std::to_string(i) + "]",
          "Коэффициент " + std::string(rule.code) + " «" + std::string(rule.name) + "» " +
              (excluded ? "исключён для нормы " : "не привязан к норме ") + code +
              " в технической части (привязка коэффициентов ФСНБ).",
          "Снимите коэффициент или обоснуйте его применение к этой норме.");
    }
  }

  template <typename AddFn>
  void RatePercent(const Position& pos, const Norm* norm, AddFn& add) {
    if (release_ == nullptr) return;
    const int t = std::clamp(in_.territory, 1, 3) - 1;
    if (pos.overhead && pos.overhead->percent.ok()) {
      const auto* rate = release_->FindRate(WithoutTerritory(pos.overhead->code));
      if (rate == nullptr) rate = release_->FindRate(norm->overhead_code);
      if (rate != nullptr && rate->overhead_percent[t].ok() &&
          rate->overhead_percent[t] != pos.overhead->percent) {
        add("rate-percent", "overhead.percent",
            "НР " + Ru(pos.overhead->percent) + " %, а по " + std::string(rate->code) + " (" +
                std::string(rate->work_type) + ") для территории сметы — " +
                Ru(rate->overhead_percent[t]) + " %.",
            "Примените норматив " + Ru(rate->overhead_percent[t]) +
                " % или обоснуйте иной (договор, поправочный коэффициент k).");
      }
    }
    if (pos.profit && pos.profit->percent.ok()) {
      const normbase::OverheadProfitRate* rate = nullptr;
      for (const auto& r : release_->rates) {
        if (r.profit_code == WithoutTerritory(pos.profit->code)) rate = &r;
      }
      if (rate != nullptr && rate->profit_percent.ok() && rate->profit_percent != pos.profit->percent) {
        add("rate-percent", "profit.percent",
            "СП " + Ru(pos.profit->percent) + " %, а по " + std::string(rate->profit_code) +
                " — " + Ru(rate->profit_percent) + " %.",
            "Примените норматив " + Ru(rate->profit_percent) + " % или обоснуйте иной.");
      }
    }
  }

  template <typename AddFn>
  void NormResources(const Position& pos, const Norm& norm, AddFn& add) {
    std::unordered_map<std::string_view, std::size_t> in_position;
    for (std::size_t i = 0; i < pos.resources.size(); ++i) in_position.emplace(pos.resources[i].code, i);
    std::string missing;
    std::string changed;
    std::string first_changed_field;
    for (const auto& r : norm.resources) {
      // The machinists' total ("2") and the abstract resources a position replaces by its choice.
      if (r.code == "2" || r.code.starts_with("4-100") || r.abstract || r.by_project) continue;
      const auto it = in_position.find(r.code);
      if (it == in_position.end()) {
        missing += (missing.empty() ? "" : ", ") + std::string(r.code);
        continue;
      }
      const core::Resource& mine = pos.resources[it->second];
      if (!mine.by_project && mine.consumption.ok() && r.consumption.ok() &&
          mine.consumption != r.consumption) {
        changed += (changed.empty() ? "" : "; ") + std::string(r.code) + ": " +
                   Ru(r.consumption) + " → " + Ru(mine.consumption);
        if (first_changed_field.empty()) {
          first_changed_field = "resources[" + std::to_string(it->second) + "].consumption";
        }
      }
    }
    if (!missing.empty()) {
      add("resource-missing", "resources",
          "В позиции нет ресурсов нормы " + pos.code + ": " + missing + ".",
          "Восстановите ресурсы нормы; исключение ресурса обосновывается проектом "
          "(техническая часть, п. 15 Методики 421/пр).");
    }
    if (!changed.empty()) {
      add("consumption-changed", first_changed_field,
          "Расход изменён против нормы " + pos.code + ": " + changed +
              ". Изменение расхода вне коэффициентов не допускается.",
          "Верните расход нормы и примените обоснованный коэффициент, если условия работ "
          "отличаются.");
    }
  }

  // The current price the base holds for a resource of the estimate's region and quarter.
  Decimal BasePrice(const core::Resource& r) const {
    if (prices_ == nullptr) return Decimal::Invalid();
    if (r.kind == ResourceKind::kLabor) {
      const auto it = prices_->labor_prices.find(r.code);
      return it == prices_->labor_prices.end() ? Decimal::Invalid() : it->second;
    }
    const auto it = prices_->current_prices.find(r.code);
    return it == prices_->current_prices.end() ? Decimal::Invalid() : it->second;
  }

  template <typename AddFn>
  void Prices(std::size_t s, std::size_t p, const Position& pos, AddFn& add) {
    std::string differs, unpriced, market, equipment;
    std::string differs_field, market_field, equipment_field, unpriced_field;
    const bool referenced = HasPriceReference(s, p);
    const auto note = [](std::string& list, std::string& field, std::string item, std::string at) {
      if (list.empty()) field = std::move(at);
      list += (list.empty() ? "" : "; ") + item;
    };
    for (std::size_t i = 0; i < pos.resources.size(); ++i) {
      const core::Resource& r = pos.resources[i];
      const std::string at = "resources[" + std::to_string(i) + "]";
      if (r.by_project) continue;
      if (!r.price.priced()) {
        // A group code is the norm's abstract resource (abstract-resource above), not a price left out.
        if (r.consumption.ok() && !r.consumption.IsZero() && !GroupCode(r.code)) {
          note(unpriced, unpriced_field, r.code, at);
        }
        continue;
      }
      const Decimal mine = CurrentPrice(r.price);
      const Decimal base = BasePrice(r);
      if (mine.ok() && base.ok() && mine != base) {
        note(differs, differs_field, r.code + ": " + Ru(mine) + " вместо " + Ru(base), at + ".price");
      }
      if (MarketCode(r.code) && !referenced && !MarketCodeNamesItsSource(r.code)) {
        note(market, market_field, r.code, at);
      }
      if (r.kind == ResourceKind::kMaterial && IsEquipment(r.code)) {
        note(equipment, equipment_field, r.code + " «" + r.name + "»", at + ".kind");
      }
    }
    for (std::size_t i = 0; i < pos.extra.size(); ++i) {
      const core::ExtraRow& e = pos.extra[i];
      const std::string at = "extra[" + std::to_string(i) + "]";
      if (!e.price.priced()) {
        note(unpriced, unpriced_field, e.code.empty() ? e.name : e.code, at);
        continue;
      }
      if ((MarketCode(e.code) || e.code.empty()) && !referenced && !MarketCodeNamesItsSource(e.code)) {
        note(market, market_field, e.code.empty() ? "«" + e.name + "»" : e.code, at);
      }
      if (e.kind == ResourceKind::kMaterial && IsEquipment(e.code)) {
        note(equipment, equipment_field, e.code + " «" + e.name + "»", at + ".kind");
      }
    }
    Report(differs, unpriced, market, equipment, differs_field, unpriced_field, market_field,
           equipment_field, add);
  }

  template <typename AddFn>
  void ResourcePositionChecks(std::size_t s, std::size_t p, const Position& pos, AddFn& add) {
    std::string differs, unpriced, market, equipment;
    if (!pos.price.priced()) {
      unpriced = pos.code.empty() ? "«" + pos.name + "»" : pos.code;
    } else {
      core::Resource as_resource;
      as_resource.kind = pos.kind;
      as_resource.code = pos.code;
      const Decimal mine = CurrentPrice(pos.price);
      const Decimal base = BasePrice(as_resource);
      if (mine.ok() && base.ok() && mine != base) {
        differs = pos.code + ": " + Ru(mine) + " вместо " + Ru(base);
      }
      if ((MarketCode(pos.code) || pos.code.empty()) && !HasPriceReference(s, p) &&
          !MarketCodeNamesItsSource(pos.code)) {
        market = pos.code.empty() ? "«" + pos.name + "»" : pos.code;
      }
    }
    if (pos.kind == ResourceKind::kMaterial && IsEquipment(pos.code)) {
      equipment = pos.code + " «" + pos.name + "»";
    }
    Report(differs, unpriced, market, equipment, "price", "price", "price_reference", "kind", add);
  }

  template <typename AddFn>
  void Report(const std::string& differs, const std::string& unpriced, const std::string& market,
              const std::string& equipment, const std::string& differs_field,
              const std::string& unpriced_field, const std::string& market_field,
              const std::string& equipment_field, AddFn& add) {
    if (!differs.empty()) {
      add("price-differs", differs_field,
          "Цены отличаются от текущих цен базы для региона " + in_.region + ", " + in_.quarter +
              ": " + differs + ". Возможно, цены другого квартала, региона или редакции.",
          "Обновите цены ресурсов по региону и кварталу сметы.");
    }
    if (!unpriced.empty()) {
      add("unpriced-resource", unpriced_field,
          "Ресурсы без цены: " + unpriced + ". Их стоимость не вошла в смету.",
          "Укажите цену ФГИС ЦС региона и квартала или цену по конъюнктурному анализу.");
    }
    if (!market.empty()) {
      add("market-price-no-reference", market_field,
          "Ресурсы по текущей цене без обоснования: " + market +
              ". Цена не из ФСБЦ/ФГИС ЦС должна ссылаться на конъюнктурный анализ (КА) — "
              "поставщика (ИНН) и дату предложения (п. 13 Методики 421/пр).",
          "Укажите ссылку на КА (поле price_reference) или код ТЦ с ИНН и датой предложения.");
    }
    if (!equipment.empty()) {
      add("equipment-as-material", equipment_field,
          "Учтено как материал, но это оборудование (ФСБЦ книги 61–69): " + equipment +
              ". Оборудование идёт в графу «оборудование» ССР, без НР и СП на него.",
          "Измените вид ресурса на «оборудование».");
    }
  }

  bool IsEquipment(std::string_view code) const {
    if (EquipmentBook(code)) return true;
    if (release_ == nullptr) return false;
    const auto* entry = release_->FindResource(code);
    return entry != nullptr && entry->kind == ResourceKind::kEquipment;
  }

  template <typename AddFn>
  void Texts(const Position& pos, AddFn& add) {
    // lookalike-letters: in the position's name and code and its resources' names.
    std::string mixed;
    std::string mixed_field;
    const auto look = [&](std::string_view text, std::string field) {
      if (auto w = MixedWord(text)) {
        if (mixed.empty()) mixed_field = std::move(field);
        mixed += (mixed.empty() ? "«" : ", «") + *w + "»";
      }
    };
    look(pos.code, "code");
    look(pos.name, "name");
    for (std::size_t i = 0; i < pos.resources.size(); ++i) {
      look(pos.resources[i].name, "resources[" + std::to_string(i) + "].name");
    }
    for (std::size_t i = 0; i < pos.extra.size(); ++i) {
      look(pos.extra[i].name, "extra[" + std::to_string(i) + "].name");
    }
    if (!mixed.empty()) {
      add("lookalike-letters", mixed_field,
          "Латинские буквы, похожие на русские, в словах: " + mixed +
              ". Такие слова не находятся поиском и не совпадают с базой.",
          "Перепечатайте слова русскими буквами.");
    }
    // resource-name-differs
    if (release_ != nullptr) {
      std::string differs, field;
      for (std::size_t i = 0; i < pos.resources.size(); ++i) {
        const core::Resource& r = pos.resources[i];
        const auto* entry = release_->FindResource(r.code);
        if (entry == nullptr || entry->name.empty() || r.name.empty()) continue;
        if (Comparable(entry->name) != Comparable(r.name)) {
          if (differs.empty()) field = "resources[" + std::to_string(i) + "].name";
          differs += (differs.empty() ? "" : "; ") + r.code + ": «" + r.name + "» — в базе «" +
                     std::string(entry->name) + "»";
        }
      }
      if (!differs.empty()) {
        add("resource-name-differs", field, "Наименования ресурсов отличаются от ФСБЦ: " + differs + ".",
            "Возьмите наименование из базы: экспертиза сверяет ресурсы по коду и наименованию.");
      }
    }
    // summary-cost-in-lsr, vat-rate
    const std::string name = Folded(pos.name);
    // «цена без НДС», «без учёта НДС»: a market price's basis, not VAT charged.
    const bool vat_excluded = Contains(name, "без ндс") || Contains(name, "без учета ндс") ||
                              Contains(name, "без учёта ндс") || Contains(name, "без налога на добавленную");
    const bool vat = !vat_excluded && (Contains(name, "ндс") || Contains(name, "налог на добавленную"));
    const bool winter = Contains(name, "зимн") && Contains(name, "удорож");
    const bool temporary = Contains(name, "временн") && (Contains(name, "здани") || Contains(name, "сооружени"));
    const bool contingency = Contains(name, "непредвиденн");
    if (vat || winter || temporary || contingency) {
      const char* what = vat ? "НДС" : winter ? "зимнее удорожание"
                         : temporary ? "временные здания и сооружения" : "резерв на непредвиденные затраты";
      add("summary-cost-in-lsr", "name",
          std::string("В локальной смете учтены ") + what +
              ": эти затраты начисляются в сводном сметном расчёте (главы 8, 9, резерв, НДС), "
              "а в ЛСР приводят к двойному счёту.",
          "Удалите позицию из ЛСР и учтите затраты в ССР.");
    }
    if (vat) {
      const std::string_view date = !in_.vat_date.empty() ? in_.vat_date : in_.date;
      const int expected = VatRateOn(date);
      const auto stated = PercentIn(pos.name);
      if (expected > 0 && stated && *stated != expected) {
        add("vat-rate", "name",
            "НДС " + std::to_string(*stated) + " %, а на дату " + std::string(date) +
                " ставка " + std::to_string(expected) + " %.",
            "Примените ставку " + std::to_string(expected) + " % (с 01.01.2026 — 22 %).");
      }
    }
  }

  const CheckInput& in_;
  const BaseRelease* release_;
  const normbase::RegionalPrices* prices_ = nullptr;
  std::unordered_map<std::string_view, const normbase::CoefficientRule*> rules_;
  std::vector<std::string> chosen_;
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> seen_;
  std::vector<Finding> findings_;
};

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      break;
  }
  return "info";
}

const std::vector<CheckRule>& CheckRules() { return kRules; }

std::vector<Finding> CheckEstimate(const CheckInput& input, const normbase::BaseRelease* release) {
  if (input.estimate == nullptr) return {};
  return Checker(input, release).Run();
}

}  // namespace estimate::ai
