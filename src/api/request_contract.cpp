#include "api/request_contract.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "api/docs_routes.hpp"

namespace estimate::api {
namespace json = boost::json;

namespace {

// "/a/{b}/c" → "~1a~1{b}~1c": a path as a JSON-pointer token, for error places.
std::string PointerToken(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace

void RequestContract::Key(std::string_view method, std::string_view path, std::string& key) {
  key.clear();
  for (char c : method) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  key += ' ';
  // Parameters by position only: {id} and {estimate_id} are the same segment.
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const std::size_t close = path.find('}', i);
      if (close != std::string_view::npos) {
        key += "{}";
        i = close;
        continue;
      }
    }
    key += path[i];
  }
}

Result<RequestContract> RequestContract::Compile(std::string_view openapi) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json::string_view(openapi.data(), openapi.size()), ec);
  if (ec) return InvalidArgument("openapi: not valid JSON (" + ec.message() + ")");
  const json::value* paths = doc.is_object() ? doc.get_object().if_contains("paths") : nullptr;
  if (paths == nullptr || !paths->is_object()) return InvalidArgument("openapi: no paths");
  JsonSchemaCompiler compiler(doc);
  RequestContract contract;
  for (const auto& [path, item] : paths->get_object()) {
    if (!item.is_object()) continue;
    for (const auto& [method, operation] : item.get_object()) {
      static constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                                      "options", "head", "patch", "trace"};
      if (std::find(std::begin(kMethods), std::end(kMethods), std::string_view(method)) ==
              std::end(kMethods) ||
          !operation.is_object()) {
        continue;
      }
      const std::string where =
          "#/paths/" + PointerToken(path) + "/" + std::string(method) + "/requestBody";
      const json::value* body = operation.get_object().if_contains("requestBody");
      // A requestBody may be a $ref to components/requestBodies.
      if (body != nullptr && body->is_object()) {
        if (const json::value* ref = body->get_object().if_contains("$ref");
            ref != nullptr && ref->is_string()) {
          std::string_view r = ref->get_string();
          const json::value* target = nullptr;
          if (r.starts_with("#/")) {
            boost::system::error_code pointer_ec;
            target = doc.find_pointer(json::string_view(r.data() + 1, r.size() - 1), pointer_ec);
          }
          if (target == nullptr) {
            return InvalidArgument(where + ": $ref " + std::string(r) + " points at nothing");
          }
          body = target;
        }
      }
      const json::value* content = body != nullptr && body->is_object()
                                       ? body->get_object().if_contains("content")
                                       : nullptr;
      if (content == nullptr || !content->is_object()) continue;
      bool json_done = false, form_done = false;
      for (const auto& [media, type] : content->get_object()) {
        const std::string_view m(media);
        const bool is_json = m.find("json") != std::string_view::npos;
        const bool is_form = m == "multipart/form-data" || m == "application/x-www-form-urlencoded";
        if ((!is_json || json_done) && (!is_form || form_done)) continue;
        const json::value* schema =
            type.is_object() ? type.get_object().if_contains("schema") : nullptr;
        if (schema == nullptr) continue;
        auto compiled =
            compiler.Compile(*schema, where + "/content/" + PointerToken(media) + "/schema");
        if (!compiled.ok()) return compiled.status();
        std::string key;
        Key(method, path, key);
        (is_json ? contract.operations_ : contract.forms_)
            .insert_or_assign(std::move(key), std::move(*compiled));
        (is_json ? json_done : form_done) = true;
      }
    }
  }
  return contract;
}

const RequestContract& RequestContract::Embedded() {
  static const RequestContract* contract = [] {
    auto compiled = Compile(OpenApiDocument());
    if (!compiled.ok()) {
      std::fprintf(stderr, "the embedded OpenAPI document does not compile: %s\n",
                   compiled.status().message().c_str());
      std::abort();
    }
    return new RequestContract(std::move(*compiled));
  }();
  return *contract;
}

const JsonSchema* RequestContract::Find(std::string_view method, std::string_view route) const {
  if (operations_.empty()) return nullptr;
  thread_local std::string key;  // no allocation per request once it has grown
  Key(method, route, key);
  auto it = operations_.find(key);
  return it == operations_.end() ? nullptr : &it->second;
}

std::optional<std::string> RequestContract::CheckForm(std::string_view method,
                                                      std::string_view route,
                                                      const json::value& fields) const {
  if (forms_.empty()) return std::nullopt;
  thread_local std::string key;
  Key(method, route, key);
  auto it = forms_.find(key);
  return it == forms_.end() ? std::nullopt : it->second.ValidateForm(fields);
}

std::optional<std::string> RequestContract::Check(std::string_view method, std::string_view route,
                                                  const json::value& body) const {
  const JsonSchema* schema = Find(method, route);
  if (schema == nullptr) return std::nullopt;
  return schema->Validate(body);
}

}  // namespace estimate::api
