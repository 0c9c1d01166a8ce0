#include "ai/chat.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/text.hpp"
#include "normbase/base_release.hpp"
#include "normbase/russian_text.hpp"

namespace estimate::ai {
namespace {

// Words too common in estimates and questions to tell passages apart.
bool StopWord(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "и", "в", "во", "на", "по", "с", "со", "к", "ко", "о", "об", "от", "до", "из", "за", "для",
      "не", "ни", "а", "но", "или", "ли", "же", "то", "как", "что", "чт", "это", "эт", "при",
      "так", "как", "ест", "быт", "мож", "нужн", "над", "какой", "как", "котор", "ег", "е", "их",
      "сколько", "скольк", "где", "когд", "почему", "почем", "зачем", "ли"};
  return kWords.contains(w);
}

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

std::string Ru(const core::Decimal& d) {
  if (!d.ok()) return "—";
  std::string s = d.Normalized().ToString();
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

}  // namespace

const char* PassageKindName(PassageKind kind) {
  switch (kind) {
    case PassageKind::kMethodology:
      return "methodology";
    case PassageKind::kTechnicalPart:
      return "technical_part";
    case PassageKind::kEstimate:
      break;
  }
  return "estimate";
}

std::vector<std::string> RetrievalTerms(std::string_view text) {
  std::vector<normbase::Token> tokens;
  normbase::Tokenize(text, tokens);
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) {
    if (t.kind == normbase::TokenKind::kJoined) continue;
    if (t.kind == normbase::TokenKind::kWord) {
      std::string stem = normbase::StemRussian(t.text);
      if (stem.empty() || StopWord(stem) || StopWord(t.text)) continue;
      out.push_back(std::move(stem));
    } else {
      out.push_back(t.text);
    }
  }
  return out;
}

PassageIndex::PassageIndex(std::vector<Passage> passages) : passages_(std::move(passages)) {
  terms_.resize(passages_.size());
  lengths_.resize(passages_.size());
  double total = 0;
  for (std::size_t i = 0; i < passages_.size(); ++i) {
    const Passage& p = passages_[i];
    // The title counts twice: it says what the passage is about.
    for (const auto& t : RetrievalTerms(p.title)) terms_[i][t] += 2;
    for (const auto& t : RetrievalTerms(p.text)) ++terms_[i][t];
    std::uint32_t length = 0;
    for (const auto& [term, count] : terms_[i]) {
      length += count;
      ++document_frequency_[term];
    }
    lengths_[i] = length;
    total += length;
  }
  if (!passages_.empty()) average_length_ = std::max(1.0, total / static_cast<double>(passages_.size()));
}

std::vector<PassageHit> PassageIndex::Search(std::string_view query, std::size_t limit) const {
  std::vector<std::string> terms = RetrievalTerms(query);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  const double n = static_cast<double>(passages_.size());
  std::vector<double> scores(passages_.size(), 0.0);
  for (const auto& term : terms) {
    const auto df = document_frequency_.find(term);
    if (df == document_frequency_.end()) continue;
    const double idf = std::log(1.0 + (n - df->second + 0.5) / (df->second + 0.5));
    for (std::size_t i = 0; i < passages_.size(); ++i) {
      const auto tf = terms_[i].find(term);
      if (tf == terms_[i].end()) continue;
      const double f = tf->second;
      scores[i] += idf * f * (kK1 + 1) / (f + kK1 * (1 - kB + kB * lengths_[i] / average_length_));
    }
  }
  std::vector<PassageHit> hits;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > 0) hits.push_back({i, scores[i]});
  }
  // Ties in the passages' order: the same question, the same sources.
  std::stable_sort(hits.begin(), hits.end(),
                   [](const PassageHit& a, const PassageHit& b) { return a.score > b.score; });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

std::vector<Passage> MethodologyPassages() {
  std::vector<Passage> out;
  const std::string_view notes = MethodologyNotes();
  std::size_t at = 0;
  Passage* current = nullptr;
  while (at < notes.size()) {
    auto end = notes.find('\n', at);
    if (end == std::string_view::npos) end = notes.size();
    const std::string_view line = notes.substr(at, end - at);
    at = end + 1;
    if (line.starts_with("## ")) {
      out.push_back({});
      current = &out.back();
      current->kind = PassageKind::kMethodology;
      current->title = std::string(core::TrimWhitespace(line.substr(3)));
    } else if (current == nullptr || line.starts_with("# ")) {
      continue;
    } else if (line.starts_with("Источник:")) {
      current->citation = std::string(core::TrimWhitespace(line.substr(std::string_view("Источник:").size())));
    } else if (!core::TrimWhitespace(line).empty()) {
      if (!current->text.empty()) current->text.push_back('\n');
      current->text += std::string(core::TrimWhitespace(line));
    }
  }
  return out;
}

std::vector<Passage> TechnicalPassages(const normbase::BaseRelease& release) {
  std::vector<Passage> out;
  const std::string base = release.info.name.empty() ? std::string("ФСНБ") : release.info.name;
  for (const auto& rule : release.coefficients) {
    Passage p;
    p.kind = PassageKind::kTechnicalPart;
    p.title = "Коэффициент " + std::string(rule.code);
    p.text = std::string(rule.name);
    const auto factor = [&](const char* label, const core::Decimal& d) {
      if (d.ok()) p.text += std::string("; ") + label + " " + Ru(d);
    };
    factor("к затратам труда", rule.labor);
    factor("к затратам труда машинистов", rule.machinist_labor);
    factor("к эксплуатации машин", rule.machines);
    factor("к материалам", rule.materials);
    factor("к оплате труда", rule.worker);
    if (!rule.formula.empty()) p.text += "; формула " + std::string(rule.formula);
    if (!rule.applies.empty() || !rule.applies_sections.empty()) {
      p.text += ". Применяется к: ";
      std::size_t listed = 0;
      for (const auto& list : {&rule.applies_sections, &rule.applies}) {
        for (const auto code : *list) {
          if (listed == 12) break;
          p.text += (listed++ == 0 ? "" : ", ") + std::string(code);
        }
      }
      const std::size_t all = rule.applies.size() + rule.applies_sections.size();
      if (all > listed) p.text += " и ещё " + std::to_string(all - listed);
    }
    p.text += ".";
    p.citation = base + ", привязка коэффициентов, " + std::string(rule.code) +
                 (rule.decree.empty() ? std::string() : " (" + std::string(rule.decree) + ")");
    out.push_back(std::move(p));
  }
  for (const auto& rate : release.rates) {
    Passage p;
    p.kind = PassageKind::kTechnicalPart;
    p.title = "НР и СП: " + std::string(rate.work_type);
    p.text = "Вид работ «" + std::string(rate.work_type) + "» (" + std::string(rate.code) + ", " +
             std::string(rate.profit_code) + "): НР " + Ru(rate.overhead_percent[0]) +
             " % (территория), " + Ru(rate.overhead_percent[1]) + " % (МПРКС), " +
             Ru(rate.overhead_percent[2]) + " % (РКС); СП " + Ru(rate.profit_percent) + " %.";
    if (!rate.collections.empty()) p.text += " Сборники: " + std::string(rate.collections) + ".";
    p.citation = "Приказы 812/пр и 774/пр, п. " + std::string(rate.item) + " (" + base + ")";
    out.push_back(std::move(p));
  }
  // Norm tables: their names with the work composition of their first norm.
  std::vector<const normbase::Norm*> first_of_table(release.sections.size(), nullptr);
  for (const auto& norm : release.norms) {
    if (norm.table >= 0 && first_of_table[norm.table] == nullptr) first_of_table[norm.table] = &norm;
  }
  for (std::size_t t = 0; t < release.sections.size(); ++t) {
    const normbase::Norm* norm = first_of_table[t];
    if (norm == nullptr) continue;
    const auto& section = release.sections[t];
    Passage p;
    p.kind = PassageKind::kTechnicalPart;
    p.title = std::string(normbase::FamilyPrefix(norm->family)) + " " + std::string(section.code) +
              " " + std::string(section.name);
    p.text = "Единица измерения: " + std::string(norm->unit) + ".";
    if (!norm->content.empty()) {
      p.text += " Состав работ:";
      for (const auto item : norm->content) p.text += " " + std::string(item);
    }
    p.citation = base + ", " + std::string(normbase::FamilyPrefix(norm->family)) + ", таблица " +
                 std::string(section.code);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Passage> EstimatePassages(std::string_view header, const std::vector<EstimateLine>& lines) {
  std::vector<Passage> out;
  out.push_back({PassageKind::kEstimate, "Смета: заголовок и итоги", std::string(header), "ЛСР, заголовок", 0});
  for (const auto& l : lines) {
    Passage p;
    p.kind = PassageKind::kEstimate;
    p.title = "Позиция " + l.number + ": " + l.code;
    p.text = l.name + ". Количество " + l.quantity + " " + l.unit + ", всего " + l.total + " руб.";
    p.citation = "ЛСР, позиция " + (l.number.empty() ? std::to_string(l.position_id) : l.number);
    p.position_id = l.position_id;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ChatMessage> AnswerPrompt(std::string_view question, const std::vector<const Passage*>& sources) {
  std::string system =
      "Ты — помощник сметчика, знающий Методику 421/пр, ФСНБ-2022 и требования "
      "Главгосэкспертизы. Отвечай по-русски, кратко и по делу. Опирайся только на "
      "пронумерованные источники ниже; после каждого утверждения ставь ссылку на источник в "
      "квадратных скобках, например [2]. Если в источниках нет ответа, так и скажи и не "
      "выдумывай нормы, коэффициенты и цифры.\n\nИсточники:\n";
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Passage& p = *sources[i];
    system += "[" + std::to_string(i + 1) + "] " + p.title + " (" + p.citation + ")\n" + p.text + "\n\n";
  }
  return {{"system", std::move(system)}, {"user", std::string(question)}};
}

}  // namespace estimate::ai
