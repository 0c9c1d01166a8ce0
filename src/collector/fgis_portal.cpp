#include "collector/fgis_portal.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

namespace estimate::collector {
namespace {

Status ResourceExhausted(std::string message) {
  return Status(StatusCode::kResourceExhausted, std::move(message));
}

namespace json = boost::json;
namespace fs = std::filesystem;

// Pages of a paginated search: `take` rows each, up to this many pages (a portal that ignores
// `take` answers everything on the first).
constexpr int kPageSize = 1000;
constexpr int kMaxPages = 500;

std::string Encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<json::value> Parse(const std::string& body, const std::string& where) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return InvalidArgument(where + ": the answer is not JSON (" + ec.message() + ")");
  return v;
}

const json::string* StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

std::string Digits(std::string_view s, std::size_t from, std::size_t& end) {
  std::string d;
  end = from;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') d += s[end++];
  return d;
}

Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return ResourceExhausted("cannot write " + path.string() + " (disk full?)");
  return Status::Ok();
}

}  // namespace

std::optional<std::string> QuarterOfPeriodName(std::string_view name) {
  // The first digit 1–4 followed by "кв" (квартал, кв.), then a four-digit year.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] < '1' || name[i] > '4') continue;
    if (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') continue;
    std::size_t j = i + 1;
    if (j < name.size() && name[j] >= '0' && name[j] <= '9') continue;
    while (j < name.size() && name[j] == ' ') ++j;
    if (name.substr(j, 4) != "кв") continue;
    for (std::size_t k = j; k + 4 <= name.size(); ++k) {
      std::size_t end = 0;
      const std::string year = Digits(name, k, end);
      if (year.size() == 4 && (k == 0 || name[k - 1] < '0' || name[k - 1] > '9')) {
        return year + "-Q" + name[i];
      }
    }
  }
  return std::nullopt;
}

std::optional<int> ZoneNumberOfName(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') continue;
    std::size_t end = 0;
    const std::string d = Digits(name, i, end);
    if (d.size() <= 2) return std::stoi(d);
    return std::nullopt;
  }
  return std::nullopt;
}

std::string DataDateOfFileName(std::string_view name) {
  if (name.rfind("data-", 0) != 0) return {};
  std::size_t end = 0;
  const std::string d = Digits(name, 5, end);
  return d.size() == 8 ? d : std::string();
}

FgisPortal::FgisPortal(Fetcher& fetcher, std::string base_url)
    : fetcher_(fetcher), base_(std::move(base_url)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

std::string FgisPortal::FileUrl(const std::string& guid) const {
  return base_ + "/values/GetFileContent/" + Encode(guid);
}

Result<std::string> FgisPortal::Get(const std::string& path_and_query) {
  ++requests_;
  auto answer = fetcher_.GetText(base_ + path_and_query);
  if (!answer.ok()) return answer.status();
  return std::move(answer->body);
}

Result<DatasetFile> FgisPortal::CurrentFile(const std::string& number) {
  std::string asked = number;
  auto body = Get("/OpenData/GetByNumber/" + Encode(asked));
  if (!body.ok() && body.status().code() == StatusCode::kNotFound && !number.starts_with(' ')) {
    // The ФСНБ-2022 set is registered as " 7707082071-fsnb" (a leading space).
    asked = " " + number;
    body = Get("/OpenData/GetByNumber/" + Encode(asked));
  }
  if (!body.ok()) return body.status();
  const std::string where = "ФГИС ЦС /OpenData/GetByNumber/" + number;
  auto v = Parse(*body, where);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return InvalidArgument(where + ": the answer is not an object");
  const json::object& o = v->get_object();
  const json::value* file = o.if_contains("datasetFile");
  if (file == nullptr || !file->is_object()) {
    return InvalidArgument(where + ": datasetFile is missing (the set has no current file)");
  }
  const json::string* guid = StringAt(file->get_object(), "path");
  const json::string* name = StringAt(file->get_object(), "name");
  if (guid == nullptr || guid->empty()) return InvalidArgument(where + ": datasetFile.path is missing");
  if (name == nullptr || name->empty()) return InvalidArgument(where + ": datasetFile.name is missing");
  DatasetFile out;
  out.number = number;
  if (const auto* t = StringAt(o, "datasetName")) out.title = std::string(*t);
  if (const auto* c = StringAt(o, "lastChangeDate")) out.changed = std::string(*c);
  out.guid = std::string(*guid);
  out.file_name = std::string(*name);
  if (out.file_name.find('/') != std::string::npos || out.file_name.find('\\') != std::string::npos ||
      out.file_name == "." || out.file_name == "..") {
    return InvalidArgument(where + ": datasetFile.name \"" + out.file_name + "\" is not a file name");
  }
  out.url = FileUrl(out.guid);
  return out;
}

Result<std::vector<PortalItem>> FgisPortal::List(const std::string& path_and_query) {
  auto body = Get(path_and_query);
  if (!body.ok()) return body.status();
  const std::string where = "ФГИС ЦС " + path_and_query.substr(0, path_and_query.find('?'));
  auto v = Parse(*body, where);
  if (!v.ok()) return v.status();
  const json::array* rows = v->if_array();
  // Some lists come paged: {"items":[…],"total":N}.
  if (rows == nullptr && v->is_object()) {
    if (const json::value* items = v->get_object().if_contains("items")) rows = items->if_array();
  }
  if (rows == nullptr) return InvalidArgument(where + ": the answer is not a list");
  std::vector<PortalItem> out;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const json::object* row = (*rows)[i].if_object();
    const std::string at = where + ": [" + std::to_string(i) + "]";
    if (row == nullptr) return InvalidArgument(at + " is not an object");
    const json::value* id = row->if_contains("id");
    const json::string* name = StringAt(*row, "name");
    if (id == nullptr || !id->is_int64() || id->get_int64() <= 0) {
      return InvalidArgument(at + ".id is not a positive whole number");
    }
    if (name == nullptr) return InvalidArgument(at + ".name is not a string");
    out.push_back({id->get_int64(), std::string(*name)});
  }
  return out;
}

Result<std::vector<PortalItem>> FgisPortal::Subjects() {
  return List("/EstimatedPrice/CountrySubjects?page=1&take=100&sort=%7B%7D");
}

Result<std::vector<PortalItem>> FgisPortal::Zones(std::int64_t subject_id) {
  return List("/EstimatedPrice/PriceZones?subjectId=" + std::to_string(subject_id));
}

Result<std::vector<PortalItem>> FgisPortal::Periods(std::int64_t zone_id) {
  return List("/EstimatedPrice/Periods?priceZoneId=" + std::to_string(zone_id) +
              "&authorityId=null");
}

Result<PriceFiles> FgisPortal::FetchPrices(std::int64_t subject_id, std::int64_t zone_id,
                                           std::int64_t period_id, const std::string& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return ResourceExhausted("cannot create " + folder + ": " + ec.message());
  const std::string territory = "countrySubjectId=" + std::to_string(subject_id) +
                                "&priceZoneId=" + std::to_string(zone_id) +
                                "&periodId=" + std::to_string(period_id);
  PriceFiles out;
  // Pages of a search into one list of rows; `grouped`: rows inside groups' "items".
  auto collect = [&](const std::string& path, bool grouped, json::array& rows) -> Status {
    std::int64_t total = -1;
    std::string previous_first;  // the first row of the page before: a portal that ignores `page`
    for (int page = 1; page <= kMaxPages; ++page) {
      const std::string query = path + "&page=" + std::to_string(page) +
                                "&take=" + std::to_string(kPageSize) + "&sort=%7B%7D";
      auto body = Get(query);
      if (!body.ok()) return body.status();
      const std::string where = "ФГИС ЦС " + path.substr(0, path.find('?')) + " page " +
                                std::to_string(page);
      auto v = Parse(*body, where);
      if (!v.ok()) return v.status();
      const json::object* o = v->if_object();
      const json::value* items = o != nullptr ? o->if_contains("items") : nullptr;
      if (items == nullptr || !items->is_array()) {
        return InvalidArgument(where + ": items is not a list");
      }
      if (const json::value* t = o->if_contains("total")) {
        if (!t->is_int64() || t->get_int64() < 0) {
          return InvalidArgument(where + ": total is not a whole number");
        }
        total = t->get_int64();
      }
      std::size_t got = 0;
      const json::array& list = items->get_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!grouped) {
          if (!list[i].is_object()) {
            return InvalidArgument(where + ": items[" + std::to_string(i) + "] is not an object");
          }
          rows.push_back(list[i]);
          ++got;
          continue;
        }
        const json::object* group = list[i].if_object();
        const json::value* inner = group != nullptr ? group->if_contains("items") : nullptr;
        if (inner == nullptr || !inner->is_array()) {
          return InvalidArgument(where + ": items[" + std::to_string(i) + "].items is not a list");
        }
        for (const json::value& row : inner->get_array()) {
          if (!row.is_object()) {
            return InvalidArgument(where + ": items[" + std::to_string(i) +
                                   "].items has a row that is not an object");
          }
          rows.push_back(row);
          ++got;
        }
      }
      // A page that repeats the one before (a portal ignoring `page`): its rows are not new.
      std::string first;
      if (got > 0) {
        const json::value& row = rows[rows.size() - got];
        first = json::serialize(row);
      }
      if (page > 1 && got > 0 && first == previous_first) {
        rows.erase(rows.end() - static_cast<std::ptrdiff_t>(got), rows.end());
        break;
      }
      previous_first = first;
      // `total` counts rows (the registry) or groups' rows (the searches) alike; a short page is
      // the last.
      if (got == 0 || got < static_cast<std::size_t>(kPageSize) || total < 0 ||
          static_cast<std::int64_t>(rows.size()) >= total) {
        break;
      }
    }
    if (total >= 0 && static_cast<std::int64_t>(rows.size()) < total) {
      return InvalidArgument("ФГИС ЦС " + path.substr(0, path.find('?')) + ": " +
                             std::to_string(rows.size()) + " rows of the " + std::to_string(total) +
                             " announced");
    }
    return Status::Ok();
  };
  const std::string search = "&search=&authorityId=null&refresh=%7B%7D&value=";
  for (const auto& [kind, file, count] :
       {std::tuple{"Materials", "current_prices_materials.json", &out.materials},
        std::tuple{"Machines", "current_prices_machines.json", &out.machines}}) {
    json::array rows;
    const std::string path = std::string("/EstimatedPrice/BuildingResources/Search/") + kind + "?" +
                             territory + search +
                             (std::string_view(kind) == "Materials" ? "&materials=true" : "");
    if (Status s = collect(path, true, rows); !s.ok()) return s;
    *count = rows.size();
    const std::size_t n = rows.size();
    json::object doc{{"items", json::array{json::object{{"items", std::move(rows)}}}},
                     {"total", n}};
    if (Status s = WriteFile(fs::path(folder) / file, json::serialize(doc)); !s.ok()) return s;
    out.files.push_back(file);
  }
  {
    json::array rows;
    if (Status s = collect("/EstimatedPrice/RimWorkerSalaryRegistry?" + territory + "&authorityId=null",
                           false, rows);
        !s.ok()) {
      return s;
    }
    out.salaries = rows.size();
    const std::size_t n = rows.size();
    json::object doc{{"items", std::move(rows)}, {"total", n}};
    if (Status s = WriteFile(fs::path(folder) / "worker_salary.json", json::serialize(doc)); !s.ok()) {
      return s;
    }
    out.files.push_back("worker_salary.json");
  }
  // The resource-group indices (ГОСР), an XLSX report; a portal without it for the period: none.
  {
    ++requests_;
    const std::string path = (fs::path(folder) / "group_indices.xlsx").string();
    auto report = fetcher_.Download(base_ + "/IndicesForResourcesGroups/GenerateCustomReport?periodId=" +
                                        std::to_string(period_id) + "&priceZoneId=" + std::to_string(zone_id) +
                                        "&authorityId=null",
                                    path);
    // Optional: only a portal that cannot be reached (or a full disk) fails the prices.
    if (report.ok()) {
      out.files.push_back("group_indices.xlsx");
      out.indices = true;
    } else if (report.status().code() == StatusCode::kUnavailable ||
               report.status().code() == StatusCode::kResourceExhausted ||
               report.status().code() == StatusCode::kAborted) {
      return report.status();
    }
  }
  return out;
}

}  // namespace estimate::collector
