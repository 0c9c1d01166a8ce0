#include "services/estimate_service.hpp"

namespace estimate::services {

EstimateServices::EstimateServices(store::Database& db, store::EstimateRepository& estimates,
                                   store::AuditRepository& audit, BaseService& base,
                                   cache::ResultCache& results, Options options)
    : deps_{db, estimates, audit, base, results, std::move(options)},
      working(deps_),
      reader(deps_, working),
      catalog(deps_, reader, working),
      editing(deps_, working),
      history(deps_, reader, working),
      rollups(deps_, reader),
      documents(deps_, working, reader, catalog, editing, rollups),
      checker(deps_, working, history) {}

}  // namespace estimate::services
