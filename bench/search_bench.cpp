// Search over a full-size synthetic release: 60,000 norms (names combined from word lists of
// real norm names, tables and collections, work content) with ~1,000,000 resource lines, and a
// price book of 30,000 materials and 2,000 machines. Measures the index build (time, memory) and
// the latency of typical queries: p50/p99 counters are per single query, in microseconds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "normbase/base_release.hpp"
#include "normbase/search.hpp"

namespace {

using estimate::normbase::BaseRelease;
using estimate::normbase::NormFamily;
using estimate::normbase::SearchIndex;
using estimate::normbase::SearchQuery;

constexpr int kNorms = 60000;
constexpr int kNormsPerTable = 6;
constexpr int kMaterials = 30000;
constexpr int kMachines = 2000;
constexpr int kLinesPerNorm = 17;

const char* const kWorks[] = {
    "Устройство", "Прокладка",     "Монтаж",   "Демонтаж",      "Разборка",      "Установка",
    "Окраска",    "Облицовка",     "Укладка",  "Гидроизоляция", "Теплоизоляция", "Ремонт",
    "Замена",     "Очистка",       "Промывка", "Испытание",     "Наладка",       "Огрунтовка",
    "Штукатурка", "Бетонирование", "Заделка",  "Сверление",     "Пробивка",      "Врезка"};
const char* const kObjects[] = {"трубопроводов",  "кровель",      "стен",
                                "перегородок",    "полов",        "фундаментов",
                                "колодцев",       "кабеля",       "воздуховодов",
                                "насосов",        "задвижек",     "оконных блоков",
                                "дверных блоков", "лестниц",      "плит перекрытия",
                                "балок",          "колонн",       "покрытий",
                                "отмосток",       "водостоков",   "радиаторов",
                                "светильников",   "щитов",        "трансформаторов",
                                "генераторов",    "вентиляторов", "котлов",
                                "резервуаров",    "опор",         "ограждений"};
const char* const kMaterialsOf[] = {"из стальных труб",
                                    "из полиэтиленовых труб",
                                    "из кирпича",
                                    "из монолитного бетона",
                                    "на битумной мастике",
                                    "из рулонных материалов",
                                    "из гипсокартонных листов",
                                    "из керамической плитки",
                                    "из сборного железобетона",
                                    "из чугунных труб",
                                    "из медного провода",
                                    "из минеральной ваты",
                                    "из профилированного листа",
                                    "из древесины",
                                    "из алюминиевых профилей",
                                    "оцинкованных",
                                    "в траншее",
                                    "на кронштейнах"};
const char* const kParameters[] = {
    "диаметром",      "толщиной",     "массой до",  "площадью до", "производительностью",
    "напряжением до", "мощностью до", "высотой до", "длиной до"};
const char* const kParameterUnits[] = {"мм", "мм", "т", "м2", "м3/ч", "кВ", "кВт", "м", "м"};
const int kValues[] = {15,  20,  25,  32,  40,  50,  65,  80,  100,  125,
                       150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200};
const char* const kUnits[] = {"100 м", "100 м2", "1 м3", "шт", "1 т", "100 м3", "10 шт", "1 км"};
const char* const kContent[] = {"Разметка мест установки.",
                                "Установка и крепление конструкций.",
                                "Сварка стыков трубопровода.",
                                "Гидравлическое испытание с промывкой.",
                                "Очистка поверхности от пыли.",
                                "Нанесение грунтовки.",
                                "Подача материалов к месту работ.",
                                "Разборка с сортировкой материалов.",
                                "Приготовление раствора.",
                                "Укладка и уплотнение бетонной смеси.",
                                "Наклейка рулонных материалов на битумной мастике.",
                                "Проверка и наладка оборудования.",
                                "Погрузка строительного мусора.",
                                "Заделка отверстий и борозд.",
                                "Прокладка кабеля с креплением.",
                                "Окраска за два раза."};
const char* const kCollections[] = {"Земляные работы",
                                    "Бетонные и железобетонные конструкции",
                                    "Кровли",
                                    "Полы",
                                    "Отделочные работы",
                                    "Трубопроводы внутренние",
                                    "Водопровод и канализация - наружные сети",
                                    "Отопление - внутренние устройства",
                                    "Вентиляция и кондиционирование воздуха",
                                    "Электротехнические установки",
                                    "Автоматизированные системы управления",
                                    "Теплоизоляционные работы",
                                    "Защита строительных конструкций от коррозии",
                                    "Металлические конструкции",
                                    "Деревянные конструкции",
                                    "Конструкции из кирпича и блоков"};
const char* const kMaterialWords[] = {"Трубы стальные",
                                      "Трубы полиэтиленовые",
                                      "Кирпич керамический",
                                      "Бетон тяжелый",
                                      "Раствор цементный",
                                      "Мастика битумная",
                                      "Материал рулонный кровельный",
                                      "Плитка керамическая",
                                      "Лист гипсокартонный",
                                      "Кабель силовой",
                                      "Провод медный",
                                      "Плиты минераловатные",
                                      "Профиль алюминиевый",
                                      "Доски обрезные",
                                      "Краска масляная",
                                      "Грунтовка глифталевая",
                                      "Электроды сварочные",
                                      "Болты строительные",
                                      "Задвижки чугунные",
                                      "Отводы стальные"};
const char* const kMaterialTraits[] = {"оцинкованные",     "марки М150",  "класса В15", "толщиной",
                                       "диаметр условный", "сечением",    "длиной",     "шириной",
                                       "марки ПВ-1",       "ГОСТ 3262-75"};
const char* const kMachineWords[] = {"Краны башенные",
                                     "Краны на автомобильном ходу",
                                     "Экскаваторы одноковшовые",
                                     "Бульдозеры",
                                     "Катки дорожные",
                                     "Автомобили бортовые",
                                     "Компрессоры передвижные",
                                     "Агрегаты сварочные",
                                     "Погрузчики",
                                     "Подъемники"};

struct Synthetic {
  BaseRelease release;
  std::unique_ptr<SearchIndex> index;
  double build_seconds = 0;
  long rss_release_mb = 0;
  long rss_index_mb = 0;
};

long RssMb() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4096 / (1024 * 1024);
}

void Fill(BaseRelease& r) {
  std::mt19937 rng(20250818);
  auto pick = [&](const auto& list) {
    return list[std::uniform_int_distribution<std::size_t>(0, std::size(list) - 1)(rng)];
  };
  auto t = [&](const std::string& s) { return r.text.Intern(s); };
  using estimate::core::Decimal;
  using estimate::core::ResourceKind;
  r.book_sections.push_back({t("Книга"), t("01"), t("Материалы для общестроительных работ"), -1});
  r.book_sections.push_back({t("Книга"), t("91"), t("Машины и механизмы"), -1});
  char code[64];
  for (int i = 0; i < kMaterials; ++i) {
    estimate::normbase::PriceBookEntry e;
    std::snprintf(code, sizeof code, "%02d.%d.%02d.%02d-%04d", 1 + i % 25, i % 9, i % 13, i % 7, i);
    e.code = t(code);
    e.name = t(std::string(pick(kMaterialWords)) + ", " + pick(kMaterialTraits) + " " +
               std::to_string(pick(kValues)) + " мм");
    e.unit = t(i % 3 == 0 ? "м" : i % 3 == 1 ? "т" : "м2");
    e.kind = ResourceKind::kMaterial;
    e.base_price = Decimal::FromInt(100 + i % 1000);
    e.section = 0;
    r.resources.push_back(e);
  }
  for (int i = 0; i < kMachines; ++i) {
    estimate::normbase::PriceBookEntry e;
    std::snprintf(code, sizeof code, "91.%02d.%02d-%03d", 1 + i % 20, i % 11, i);
    e.code = t(code);
    e.name = t(std::string(pick(kMachineWords)) + ", грузоподъемность " +
               std::to_string(1 + i % 50) + " т");
    e.unit = t("маш.-ч");
    e.kind = ResourceKind::kMachine;
    e.base_price = Decimal::FromInt(500 + i % 700);
    e.section = 1;
    r.resources.push_back(e);
  }
  const NormFamily families[] = {NormFamily::kGesn, NormFamily::kGesnm, NormFamily::kGesnr,
                                 NormFamily::kGesnp, NormFamily::kGesnmr};
  const int tables = kNorms / kNormsPerTable;
  std::vector<int> table_section(static_cast<std::size_t>(tables));
  for (int tb = 0; tb < tables; ++tb) {
    const NormFamily family = families[tb % 10 < 6 ? 0 : tb % 10 < 8 ? 1 : 2 + tb % 3];
    const int collection = 1 + (tb / 5) % 47;
    std::snprintf(code, sizeof code, "%02d", collection);
    r.sections.push_back(
        {family, t("Сборник"), t(code), t(kCollections[collection % std::size(kCollections)]), -1});
    std::snprintf(code, sizeof code, "%02d-%02d-%03d", collection, 1 + tb % 9, tb % 1000);
    r.sections.push_back(
        {family, t("Таблица"), t(code),
         t(std::string(pick(kWorks)) + " " + pick(kObjects) + " " + pick(kMaterialsOf)),
         static_cast<std::int32_t>(r.sections.size() - 1)});
    table_section[static_cast<std::size_t>(tb)] = static_cast<int>(r.sections.size() - 1);
  }
  r.norms.reserve(kNorms);
  for (int i = 0; i < kNorms; ++i) {
    const int tb = i / kNormsPerTable;
    const auto& table =
        r.sections[static_cast<std::size_t>(table_section[static_cast<std::size_t>(tb)])];
    estimate::normbase::Norm n;
    n.family = table.family;
    n.code = t(std::string(table.code) + "-" + (i % kNormsPerTable < 9 ? "0" : "") +
               std::to_string(1 + i % kNormsPerTable));
    const std::size_t p =
        std::uniform_int_distribution<std::size_t>(0, std::size(kParameters) - 1)(rng);
    n.name = t(std::string(table.name) + " " + kParameters[p] + " " +
               std::to_string(pick(kValues)) + " " + kParameterUnits[p]);
    n.unit = t(pick(kUnits));
    n.table = table_section[static_cast<std::size_t>(tb)];
    const int items = 1 + i % 3;
    for (int k = 0; k < items; ++k) n.content.push_back(t(pick(kContent)));
    for (int k = 0; k < kLinesPerNorm; ++k) {
      estimate::normbase::NormResource line;
      const auto& entry =
          k < 3 ? r.resources[static_cast<std::size_t>(kMaterials + (i * 7 + k * 131) % kMachines)]
                : r.resources[static_cast<std::size_t>((i * 13 + k * 977) % kMaterials)];
      line.code = entry.code;
      line.name = entry.name;
      line.unit = entry.unit;
      line.consumption = Decimal::FromInt(1 + k);
      n.resources.push_back(std::move(line));
    }
    r.norms.push_back(std::move(n));
  }
  r.Finish();
}

Synthetic& Base() {
  static Synthetic s = [] {
    Synthetic out;
    const long before = RssMb();
    Fill(out.release);
    const long with_release = RssMb();
    const auto start = std::chrono::steady_clock::now();
    out.index = SearchIndex::Build(out.release);
    out.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.rss_release_mb = with_release - before;
    out.rss_index_mb = RssMb() - with_release;
    return out;
  }();
  return s;
}

void BM_BuildIndex(benchmark::State& state) {
  Synthetic& s = Base();
  for (auto _ : state) {
    auto index = SearchIndex::Build(s.release);
    benchmark::DoNotOptimize(index);
  }
  std::size_t lines = 0;
  for (const auto& n : s.release.norms) lines += n.resources.size();
  state.counters["norms"] = static_cast<double>(s.release.norms.size());
  state.counters["resource_lines"] = static_cast<double>(lines);
  state.counters["index_MB"] = static_cast<double>(s.index->MemoryBytes()) / (1024 * 1024);
  state.counters["rss_release_MB"] = static_cast<double>(s.rss_release_mb);
  state.counters["rss_index_MB"] = static_cast<double>(s.rss_index_mb);
  state.counters["first_build_s"] = s.build_seconds;
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond)->Iterations(2);

// One query again and again; p50/p99 of the single-query times and the hit count as counters.
template <bool kNormSearch>
void RunQuery(benchmark::State& state, const char* text) {
  Synthetic& s = Base();
  SearchQuery q;
  q.text = text;
  std::vector<double> times;
  times.reserve(100000);
  std::size_t total = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    if constexpr (kNormSearch) {
      auto r = s.index->SearchNorms(q);
      total = r.total;
      benchmark::DoNotOptimize(r);
    } else {
      auto r = s.index->SearchResources(q);
      total = r.total;
      benchmark::DoNotOptimize(r);
    }
    times.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  if (!times.empty()) {
    state.counters["p50_us"] = times[times.size() / 2];
    state.counters["p99_us"] = times[std::min(times.size() - 1, times.size() * 99 / 100)];
  }
  state.counters["hits"] = static_cast<double>(total);
}

void BM_Norms(benchmark::State& state, const char* text) { RunQuery<true>(state, text); }
void BM_Resources(benchmark::State& state, const char* text) { RunQuery<false>(state, text); }

BENCHMARK_CAPTURE(BM_Norms, two_words, "прокладка трубопроводов")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, bill_line, "Прокладка трубопроводов из стальных труб Ду50")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, frequent_word, "устройство")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, shorthand, "ПНР насосов")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, synonyms, "демонтаж кирпичных стен")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, long_query,
                  "устройство кровель из рулонных материалов на битумной мастике 100 м2 "
                  "площадью до 500 м2")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, exact_code, "12-02-055-01")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, code_prefix, "ГЭСН12")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, code_and_words, "12-01 трубопроводов")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Norms, unknown_word, "абырвалг")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Resources, words, "кран башенный")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Resources, words_and_size, "трубы стальные диаметр условный 50")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Resources, code_prefix, "91.05")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Resources, exact_code, "02.1.01.01-0001")->Unit(benchmark::kMicrosecond);

}  // namespace
