#include "services/edit_plan.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services::internal {

namespace json = boost::json;
using core::Decimal;

namespace {

// The fields a position patch may set (null removes the field).
constexpr std::string_view kPositionFields[] = {
    "number", "type",  "code",   "name",     "unit",  "quantity", "work_kind",
    "kind",   "price", "base_price", "index", "coefficients", "resources", "extra",
    "overhead", "profit", "auxiliary_materials"};
// Keys of an op that are not position fields.
constexpr std::string_view kOpKeys[] = {"op", "position_id", "section_id", "index", "family",
                                        "position", "summary"};

bool IsOneOf(std::string_view key, std::span<const std::string_view> keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

class EditPlanner {
 public:
  EditPlanner(const WorkingEstimate& w, BaseService& base) : w_(w), base_(base) {}

  Result<PreparedOp> Prepare(const json::object& op, const std::string& path) {
    auto name = StringField(op, "op", path);
    if (!name.ok()) return name.status();
    if (!name->has_value()) return InvalidArgument(Joined(path, "op") + ": is required");
    const std::string& kind = **name;
    if (kind == "add_section") return AddSection(op, path);
    if (kind == "rename_section") return RenameSection(op, path);
    if (kind == "remove_section") return RemoveSection(op, path);
    if (kind == "add_position") return AddPosition(op, path);
    if (kind == "update_position") return UpdatePosition(op, path);
    if (kind == "remove_position") return RemovePosition(op, path);
    if (kind == "move_position") return MovePosition(op, path);
    if (kind == "update_header") return UpdateHeader(op, path);
    return InvalidArgument(Joined(path, "op") + ": unknown op \"" + kind +
                           "\" (add_section, rename_section, remove_section, add_position, "
                           "update_position, remove_position, move_position, update_header)");
  }

 private:
  Result<std::size_t> SectionAt(const json::object& op, const std::string& path) {
    auto id = IdField(op, "section_id", path);
    if (!id.ok()) return id.status();
    if (!id->has_value()) return InvalidArgument(Joined(path, "section_id") + ": is required");
    auto s = FindSection(w_, **id);
    if (!s) {
      return InvalidField(Joined(path, "section_id"), "the estimate has no section " +
                             Id(**id));
    }
    return *s;
  }

  Result<std::pair<std::size_t, std::size_t>> PositionAt(const json::object& op,
                                                         const std::string& path) {
    auto id = IdField(op, "position_id", path);
    if (!id.ok()) return id.status();
    if (!id->has_value()) return InvalidArgument(Joined(path, "position_id") + ": is required");
    auto at = FindPosition(w_, **id);
    if (!at) {
      return InvalidField(Joined(path, "position_id"), "the estimate has no position " +
                             Id(**id));
    }
    return *at;
  }

  Result<PreparedOp> AddSection(const json::object& op, const std::string& path) {
    auto name = StringField(op, "name", path);
    if (!name.ok()) return name.status();
    const std::string n = name->value_or("");
    if (Status s = CheckName(n, Joined(path, "name")); !s.ok()) return s;
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    return PreparedOp{store::AddSection{n, *index}};
  }

  Result<PreparedOp> RenameSection(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto name = StringField(op, "name", path);
    if (!name.ok()) return name.status();
    const std::string n = name->value_or("");
    if (Status st = CheckName(n, Joined(path, "name")); !st.ok()) return st;
    PreparedOp out{store::RenameSection{w_.section_ids[*s], n}};
    out.before = json::value(w_.estimate.sections[*s].name);
    return out;
  }

  Result<PreparedOp> RemoveSection(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    PreparedOp out{store::RemoveSection{w_.section_ids[*s]}};
    out.before = json::object{{"name", w_.estimate.sections[*s].name},
                              {"positions", w_.documents[*s].size()}};
    return out;
  }

  // The next free printed number: one more than the largest whole number in use.
  std::string NextNumber() const {
    long long max = 0;
    for (const auto& section : w_.estimate.sections) {
      for (const auto& p : section.positions) {
        char* end = nullptr;
        const long long n = std::strtoll(p.number.c_str(), &end, 10);
        if (end != nullptr && *end == '\0' && n > max) max = n;
      }
    }
    if (!w_.resource_index) max = static_cast<long long>(w_.PositionCount());
    return std::to_string(max + 1);
  }

  // A priced position from the active release: a norm (ГЭСН…) or a price-book resource.
  Result<json::object> Priced(const json::object& op, const std::string& path,
                              std::vector<std::string>& warnings) {
    auto code = StringField(op, "code", path);
    if (!code.ok()) return code.status();
    if (!code->has_value() || (*code)->empty()) {
      return InvalidArgument(Joined(path, "code") +
                             ": is required (a norm code such as ГЭСН01-01-001-01, a resource "
                             "code, or give \"position\" as a whole document)");
    }
    if (!w_.resource_index) {
      return InvalidArgument(Joined(path, "code") +
                             ": positions of a base-index estimate are given as documents "
                             "(\"position\"); pricing by code uses the resource-index base");
    }
    const store::EstimateHeader& h = w_.info.header;
    if (h.region.empty() || h.quarter.empty()) {
      return InvalidArgument(Joined(path, "code") +
                             ": the estimate has no region and quarter to price from; set them "
                             "with update_header first");
    }
    auto active = base_.Active();
    if (!active->release) return FailedPrecondition("code: no normative base release is active");
    if (h.release_id && *h.release_id != active->release->info.id) {
      return FailedPrecondition("release_id: the estimate is priced from release " +
                                Id(*h.release_id) + ", the active release is " +
                                Id(active->release->info.id));
    }
    const json::value* qv = op.if_contains("quantity");
    if (qv == nullptr || !qv->is_string()) {
      return InvalidArgument(Joined(path, "quantity") + ": is required as a decimal string");
    }
    auto quantity = Decimal::Parse(qv->get_string());
    if (!quantity.ok()) {
      return InvalidArgument(Joined(path, "quantity") + ": \"" + std::string(qv->get_string()) +
                             "\" is not a decimal number");
    }
    if (quantity->IsNegative()) return InvalidArgument(Joined(path, "quantity") + ": must not be negative");
    normbase::PricingRequest request;
    request.region = h.region;
    request.quarter = h.quarter;
    request.zone = h.zone.empty() ? 1 : std::max(1, std::atoi(h.zone.c_str()));
    request.territory = TerritoryOf(h.options_json);
    request.quantity = *quantity;

    std::optional<normbase::NormFamily> family;
    std::string norm_code = **code;
    auto family_text = StringField(op, "family", path);
    if (!family_text.ok()) return family_text.status();
    if (family_text->has_value()) {
      family = normbase::ParseFamily(**family_text);
      if (!family) {
        return InvalidArgument(Joined(path, "family") + ": \"" + **family_text +
                               "\" is not one of gesn, gesnm, gesnr, gesnp, gesnmr");
      }
    } else if (auto split = SplitNormCode(norm_code)) {
      family = split->first;
      norm_code = split->second;
    }
    Result<normbase::PricedPosition> priced =
        family ? normbase::PriceNorm(*active->release, *family, norm_code, request)
               : normbase::PriceResource(*active->release, norm_code, request);
    if (!priced.ok()) {
      if (priced.status().code() == StatusCode::kNotFound) {
        return InvalidArgument(Joined(path, "code") + ": " + priced.status().message());
      }
      return priced.status();
    }
    warnings = priced->warnings;
    core::Position& p = priced->position;
    if (p.number.empty()) p.number = NextNumber();
    return formats::PositionToDocument(p);
  }

  // Sets the patch's position fields on `doc`; unknown fields are errors.
  static Status Patch(json::object& doc, const json::object& op, const std::string& path) {
    for (const auto& [key, value] : op) {
      if (IsOneOf(key, kOpKeys)) continue;
      if (!IsOneOf(key, kPositionFields)) {
        return InvalidArgument(Joined(path, key) + ": not a field of a position");
      }
      if (value.is_null()) {
        doc.erase(key);
      } else {
        doc[key] = value;
      }
    }
    return Status::Ok();
  }

  // Validates the document as the calculation will read it.
  Status Finish(PreparedOp& out, json::object& doc, const std::string& path) {
    out.document = json::serialize(doc);
    if (!w_.resource_index) return Status::Ok();  // checked with the whole document
    auto position = formats::ParsePositionDocument(out.document, path);
    if (!position.ok()) return position.status();
    if (Status s = CheckSigns(*position, path); !s.ok()) return s;
    auto figures = core::CalculatePosition(*position, w_.estimate.options);
    if (!figures.ok()) {
      return InvalidArgument(Joined(path, "quantity") + ": " + figures.status().message());
    }
    out.position = std::move(position).value();
    out.figures = std::move(figures).value();
    return Status::Ok();
  }

  Result<PreparedOp> AddPosition(const json::object& op, const std::string& path) {
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    PreparedOp out{store::AddPosition{w_.section_ids[*s], *index, {}}};
    json::object doc;
    if (const json::value* given = op.if_contains("position"); given && !given->is_null()) {
      if (!given->is_object()) return InvalidArgument(Joined(path, "position") + ": expected an object");
      doc = given->get_object();
      if (!doc.contains("number")) doc["number"] = NextNumber();
    } else {
      auto priced = Priced(op, path, out.warnings);
      if (!priced.ok()) return priced.status();
      doc = std::move(priced).value();
      json::object rest;
      for (const auto& [key, value] : op) {
        if (key != "code" && key != "quantity") rest[key] = value;
      }
      if (Status st = Patch(doc, rest, path); !st.ok()) return st;
    }
    if (Status st = Finish(out, doc, path); !st.ok()) return st;
    std::get<store::AddPosition>(out.change).document_json = out.document;
    return out;
  }

  Result<PreparedOp> UpdatePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    const auto [s, p] = *at;
    boost::system::error_code ec;
    json::value old = json::parse(w_.documents[s][p], ec);
    if (ec || !old.is_object()) return Internal("position " + Id(w_.position_ids[s][p]) + ": stored document is not JSON");
    json::object doc = old.get_object();
    if (Status st = Patch(doc, op, path); !st.ok()) return st;
    PreparedOp out{store::UpdatePosition{w_.position_ids[s][p], {}}};
    out.before = std::move(old);
    if (Status st = Finish(out, doc, path); !st.ok()) return st;
    std::get<store::UpdatePosition>(out.change).document_json = out.document;
    return out;
  }

  Result<PreparedOp> RemovePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    PreparedOp out{store::RemovePosition{w_.position_ids[at->first][at->second]}};
    boost::system::error_code ec;
    out.before = json::parse(w_.documents[at->first][at->second], ec);
    return out;
  }

  Result<PreparedOp> MovePosition(const json::object& op, const std::string& path) {
    auto at = PositionAt(op, path);
    if (!at.ok()) return at.status();
    auto s = SectionAt(op, path);
    if (!s.ok()) return s.status();
    auto index = IndexField(op, path);
    if (!index.ok()) return index.status();
    PreparedOp out{store::MovePosition{w_.position_ids[at->first][at->second], w_.section_ids[*s],
                                       *index}};
    out.before = json::object{{"section_id", w_.section_ids[at->first]}, {"index", at->second}};
    return out;
  }

  Result<PreparedOp> UpdateHeader(const json::object& op, const std::string& path) {
    store::UpdateHeader u;
    json::object before;
    const store::EstimateHeader& h = w_.info.header;
    for (const auto& [key, value] : op) {
      if (key == "op") continue;
      const std::string at = Joined(path, key);
      if (key == "options") {
        if (!value.is_object()) return InvalidArgument(at + ": expected an object");
        // What travels in the options besides them (a base-index estimate's indices, the ГГЭ
        // header of an import) stays unless the new options name it; null removes it.
        json::object merged = value.get_object();
        {
          boost::system::error_code ec;
          const json::value old = json::parse(h.options_json, ec);
          for (const char* kept : {"indices", "header"}) {
            const json::value* was = !ec && old.is_object() ? old.get_object().if_contains(kept) : nullptr;
            if (const json::value* now = merged.if_contains(kept); now != nullptr) {
              if (now->is_null()) merged.erase(kept);
            } else if (was != nullptr) {
              merged[kept] = *was;
            }
          }
        }
        const std::string text = json::serialize(merged);
        if (w_.resource_index) {
          if (auto parsed = formats::ParseCalcOptions(text); !parsed.ok()) {
            return InvalidArgument(Joined(path, parsed.status().message()));
          }
        }
        u.options_json = text;
        before["options"] = json::parse(h.options_json);
        continue;
      }
      if (key == "release_id") {
        if (value.is_null()) {
          u.release_id = std::optional<std::int64_t>();
        } else if (value.is_int64() && value.get_int64() > 0) {
          u.release_id = std::optional<std::int64_t>(value.get_int64());
        } else {
          return InvalidArgument(at + ": expected a release id or null");
        }
        before["release_id"] = h.release_id ? json::value(*h.release_id) : json::value(nullptr);
        continue;
      }
      if (!value.is_string()) return InvalidArgument(at + ": expected a string");
      std::string text(value.get_string());
      if (key == "name") {
        if (Status s = CheckName(text, at); !s.ok()) return s;
        u.name = text, before["name"] = h.name;
      } else if (key == "number") {
        u.number = text, before["number"] = h.number;
      } else if (key == "region") {
        u.region = text, before["region"] = h.region;
      } else if (key == "zone") {
        u.zone = text, before["zone"] = h.zone;
      } else if (key == "quarter") {
        u.quarter = text, before["quarter"] = h.quarter;
      } else if (key == "date" || key == "vat_date") {
        if (!text.empty() && !IsDate(text)) return InvalidArgument(at + ": expected YYYY-MM-DD");
        if (key == "date") {
          u.date = text, before["date"] = h.date;
        } else {
          u.vat_date = text, before["vat_date"] = h.vat_date;
        }
      } else if (key == "method") {
        return InvalidArgument(at + ": the method of an estimate is fixed; duplicate it instead");
      } else if (key == "status") {
        return InvalidArgument(at + ": change the status with POST /api/v1/estimates/{id}/status");
      } else {
        return InvalidArgument(at + ": not a field of an estimate's header");
      }
    }
    PreparedOp out{std::move(u)};
    out.before = std::move(before);
    return out;
  }

  const WorkingEstimate& w_;
  BaseService& base_;
};

}  // namespace

Result<PreparedOp> PrepareOp(const WorkingEstimate& w, BaseService& base, const json::object& op,
                             const std::string& path) {
  return EditPlanner(w, base).Prepare(op, path);
}

// Applies the saved ops to the in-memory estimate, in order, as the store applied them.
void ApplyToWorking(WorkingEstimate& w, std::vector<PreparedOp>& ops,
                    const std::vector<std::int64_t>& added_ids) {
  std::size_t next_added = 0;
  const auto insert_at = [](auto& vec, std::optional<std::size_t> index, auto value) {
    const std::size_t i = index ? std::min(*index, vec.size()) : vec.size();
    vec.insert(vec.begin() + static_cast<std::ptrdiff_t>(i), std::move(value));
  };
  for (PreparedOp& op : ops) {
    std::visit(
        [&](auto& change) {
          using T = std::decay_t<decltype(change)>;
          if constexpr (std::is_same_v<T, store::AddSection>) {
            const std::size_t i = change.index ? std::min(*change.index, w.section_ids.size())
                                               : w.section_ids.size();
            const auto at = static_cast<std::ptrdiff_t>(i);
            w.section_ids.insert(w.section_ids.begin() + at, added_ids.at(next_added++));
            core::Section section;
            section.name = change.name;
            w.estimate.sections.insert(w.estimate.sections.begin() + at, std::move(section));
            w.position_ids.insert(w.position_ids.begin() + at, std::vector<std::int64_t>());
            w.documents.insert(w.documents.begin() + at, std::vector<std::string>());
          } else if constexpr (std::is_same_v<T, store::RenameSection>) {
            w.estimate.sections[*FindSection(w, change.section_id)].name = change.name;
          } else if constexpr (std::is_same_v<T, store::RemoveSection>) {
            const auto at = static_cast<std::ptrdiff_t>(*FindSection(w, change.section_id));
            w.section_ids.erase(w.section_ids.begin() + at);
            w.estimate.sections.erase(w.estimate.sections.begin() + at);
            w.position_ids.erase(w.position_ids.begin() + at);
            w.documents.erase(w.documents.begin() + at);
          } else if constexpr (std::is_same_v<T, store::AddPosition>) {
            const std::size_t s = *FindSection(w, change.section_id);
            insert_at(w.position_ids[s], change.index, added_ids.at(next_added++));
            insert_at(w.documents[s], change.index, op.document);
            insert_at(w.estimate.sections[s].positions, change.index,
                      op.position ? std::move(*op.position) : core::Position{});
          } else if constexpr (std::is_same_v<T, store::UpdatePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            w.documents[s][p] = op.document;
            w.estimate.sections[s].positions[p] =
                op.position ? *op.position : core::Position{};
          } else if constexpr (std::is_same_v<T, store::RemovePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            const auto at = static_cast<std::ptrdiff_t>(p);
            w.position_ids[s].erase(w.position_ids[s].begin() + at);
            w.documents[s].erase(w.documents[s].begin() + at);
            w.estimate.sections[s].positions.erase(w.estimate.sections[s].positions.begin() + at);
          } else if constexpr (std::is_same_v<T, store::MovePosition>) {
            const auto [s, p] = *FindPosition(w, change.position_id);
            const auto at = static_cast<std::ptrdiff_t>(p);
            std::int64_t id = w.position_ids[s][p];
            std::string doc = std::move(w.documents[s][p]);
            core::Position position = std::move(w.estimate.sections[s].positions[p]);
            w.position_ids[s].erase(w.position_ids[s].begin() + at);
            w.documents[s].erase(w.documents[s].begin() + at);
            w.estimate.sections[s].positions.erase(w.estimate.sections[s].positions.begin() + at);
            const std::size_t t = *FindSection(w, change.section_id);
            insert_at(w.position_ids[t], change.index, id);
            insert_at(w.documents[t], change.index, std::move(doc));
            insert_at(w.estimate.sections[t].positions, change.index, std::move(position));
          } else if constexpr (std::is_same_v<T, store::UpdateHeader>) {
            store::EstimateHeader& h = w.info.header;
            if (change.name) h.name = *change.name, w.estimate.name = *change.name;
            if (change.number) h.number = *change.number;
            if (change.release_id) h.release_id = *change.release_id;
            if (change.region) h.region = *change.region;
            if (change.zone) h.zone = *change.zone;
            if (change.quarter) h.quarter = *change.quarter;
            if (change.date) h.date = *change.date;
            if (change.vat_date) h.vat_date = *change.vat_date;
            if (change.options_json) {
              h.options_json = *change.options_json;
              if (auto o = formats::ParseCalcOptions(h.options_json); o.ok()) w.estimate.options = *o;
            }
          } else if constexpr (std::is_same_v<T, store::SetStatus>) {
            w.info.header.status = change.status;
          }
        },
        op.change);
  }
}

const char* OpName(const store::EstimateChange& change) {
  static constexpr const char* kNames[] = {"add_section",     "rename_section", "remove_section",
                                           "add_position",    "update_position", "remove_position",
                                           "move_position",   "update_header",  "set_status"};
  return kNames[change.index()];
}

// The ids a change touches, for the audit record.
std::int64_t ItemIdOf(const store::EstimateChange& change) {
  return std::visit(
      [](const auto& c) -> std::int64_t {
        using T = std::decay_t<decltype(c)>;
        if constexpr (requires { c.position_id; }) return c.position_id;
        if constexpr (requires { c.section_id; } && !std::is_same_v<T, store::AddPosition>) {
          return c.section_id;
        }
        return 0;
      },
      change);
}

std::string ItemList(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += Id(ids[i]);
  }
  return out + "]";
}

}  // namespace estimate::services::internal
