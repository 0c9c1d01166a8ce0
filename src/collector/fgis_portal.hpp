#pragma once
// What the collector knows of the ФГИС ЦС portal (../shared/research/peers-and-formats.md §2.1,
// §2.3), as its public GET API answers (base URL configurable, FGIS_BASE_URL):
//
//   GET /OpenData/GetByNumber/{number}        the passport of an open-data set: the current file
//       {"identificationNumber":" 7707082071-fsnb","datasetName":"ФСНБ-2022",
//        "datasetFile":{"path":"<guid>","name":"data-20260812-structure-20240216.zip"},
//        "lastChangeDate":"2026-08-12T14:51:00+03:00","datasetVersionFiles":[…]}
//       (the ФСНБ set's number is stored with a leading space: a 404 is asked again with one)
//   GET /values/GetFileContent/{guid}        the file's bytes (a zip of the XML files)
//   GET /EstimatedPrice/CountrySubjects      [{"id":323,"name":"г. Москва"}, …]
//   GET /EstimatedPrice/PriceZones?subjectId=  [{"id":191,"name":"город Москва"}, …]
//   GET /EstimatedPrice/Periods?priceZoneId=   [{"id":427,"name":"3 квартал 2026 г."}, …] newest first
//   GET /EstimatedPrice/BuildingResources/Search/{Materials|Machines}?countrySubjectId=&priceZoneId=
//       &periodId=&…&page=&take=              {"items":[{"items":[{"code","estimatedPrice",…}]}],"total":N}
//   GET /EstimatedPrice/RimWorkerSalaryRegistry?…&page=&take=  {"items":[{"code","salary",…}],"total":N}
//   GET /IndicesForResourcesGroups/GenerateCustomReport?periodId=&priceZoneId=&authorityId=null
//       the resource-group indices (ГОСР) as XLSX: code | name | unit | base price | group |
//       group name | index, a sheet for materials and equipment and one for machines
//
// Every answer is checked for its shape before it is used; a wrong one is InvalidArgument naming
// the URL (without its query) and the JSON path. The price files are written in the shapes the
// importer reads (normbase/import_prices_json.cpp), pages merged.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/fetcher.hpp"
#include "core/status.hpp"

namespace estimate::collector {

// The current file of an open-data set.
struct DatasetFile {
  std::string number;     // as asked: "7707082071-fsnb"
  std::string title;      // datasetName
  std::string guid;       // datasetFile.path
  std::string file_name;  // datasetFile.name: "data-20260812-structure-20240216.zip"
  std::string changed;    // lastChangeDate as the portal writes it
  std::string url;        // of its bytes
};

// A region, a price zone or a period as the portal lists them.
struct PortalItem {
  std::int64_t id = 0;
  std::string name;
};

// What a price collection for one territory and period wrote.
struct PriceFiles {
  std::size_t materials = 0, machines = 0, salaries = 0;  // records
  bool indices = false;  // the resource-group indices report (XLSX) was there
  std::vector<std::string> files;                         // written, in the folder
};

class FgisPortal {
 public:
  // `base_url` without the trailing slash: "https://fgiscs.minstroyrf.ru/api".
  FgisPortal(Fetcher& fetcher, std::string base_url);

  Result<DatasetFile> CurrentFile(const std::string& number);
  std::string FileUrl(const std::string& guid) const;

  Result<std::vector<PortalItem>> Subjects();
  Result<std::vector<PortalItem>> Zones(std::int64_t subject_id);
  Result<std::vector<PortalItem>> Periods(std::int64_t zone_id);

  // Materials, machines, labour rates and (when the portal has them) the resource-group indices
  // of the territory and period into `folder` (created).
  Result<PriceFiles> FetchPrices(std::int64_t subject_id, std::int64_t zone_id,
                                 std::int64_t period_id, const std::string& folder);

  // Answers fetched (for the job's record).
  std::size_t requests() const { return requests_; }

 private:
  Result<std::string> Get(const std::string& path_and_query);
  Result<std::vector<PortalItem>> List(const std::string& path_and_query);

  Fetcher& fetcher_;
  std::string base_;
  std::size_t requests_ = 0;
};

// "3 квартал 2026 г." / "3 кв. 2026" → "2026-Q3"; nullopt when the name has no quarter and year.
std::optional<std::string> QuarterOfPeriodName(std::string_view name);
// "1 зона" / "Ценовая зона 2" → 1 / 2; nullopt when the name has no number.
std::optional<int> ZoneNumberOfName(std::string_view name);
// "data-20260812-structure-20240216.zip" → "20260812"; empty when the name is not so made.
std::string DataDateOfFileName(std::string_view name);

}  // namespace estimate::collector
