#include "api/base_json.hpp"

#include <boost/json.hpp>
#include <string_view>
#include <utility>

#include "wire/base_json.hpp"

namespace estimate::api {
namespace json = boost::json;
namespace {

// UTF-16 code units in `text` before the byte offset `bytes`: what a browser's string indexes.
std::size_t Utf16Units(std::string_view text, std::size_t bytes) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < bytes && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    units += (c >= 0xF0) ? 2 : 1;      // four-byte sequences are surrogate pairs
  }
  return units;
}

// The search keeps byte offsets and lengths; the contract gives [start, end) in UTF-16 code
// units (JavaScript string indexes), so a client marks words without decoding bytes.
json::array HighlightsJson(std::string_view text, const std::vector<normbase::Highlight>& highlights) {
  json::array a;
  for (const auto& h : highlights) {
    a.push_back(json::array{Utf16Units(text, h.begin), Utf16Units(text, h.begin + h.length)});
  }
  return a;
}

json::array UnknownWordsJson(const std::vector<std::string>& words) {
  json::array unknown;
  for (const auto& w : words) unknown.push_back(json::string(w));
  return unknown;
}

json::object PricedJson(const services::PricedView& priced) {
  return wire::PricedJson(priced.position, priced.calculation, priced.warnings);
}

}  // namespace

json::object ReleasesJson(const std::vector<normbase::ReleaseInfo>& releases) {
  json::array items;
  for (const auto& info : releases) items.push_back(wire::ReleaseInfoJson(info));
  return json::object{{"items", std::move(items)}};
}

json::object NormSearchJson(const services::NormSearchPage& page) {
  json::array items;
  for (const auto& hit : page.result.hits) {
    json::object o = wire::NormSummaryJson(*hit.norm);
    o["score"] = hit.score;
    o["exact_code"] = hit.exact_code;
    o["name_highlighted"] = normbase::MarkHighlights(hit.norm->name, hit.name_highlights);
    o["name_highlights"] = HighlightsJson(hit.norm->name, hit.name_highlights);
    if (!hit.snippet.empty()) {
      o["snippet_highlighted"] = normbase::MarkHighlights(hit.snippet, hit.snippet_highlights);
    }
    items.push_back(std::move(o));
  }
  return json::object{
      {"items", std::move(items)},
      {"total", page.result.total},
      {"unknown_words", UnknownWordsJson(page.result.unknown_words)},
      {"release", json::object{{"id", page.release->info.id}, {"name", page.release->info.name}}}};
}

json::object ResourceSearchJson(const services::ResourceSearchPage& page) {
  json::array items;
  for (const auto& hit : page.result.hits) {
    json::object o = wire::ResourceJson(*page.release, *hit.resource);
    o.erase("release");
    o["score"] = hit.score;
    o["exact_code"] = hit.exact_code;
    o["name_highlighted"] = normbase::MarkHighlights(hit.resource->name, hit.name_highlights);
    o["name_highlights"] = HighlightsJson(hit.resource->name, hit.name_highlights);
    items.push_back(std::move(o));
  }
  return json::object{{"items", std::move(items)},
                      {"total", page.result.total},
                      {"unknown_words", UnknownWordsJson(page.result.unknown_words)}};
}

json::object NormCardJson(const services::NormCard& card,
                          const std::optional<services::PricedView>& priced) {
  json::object out = wire::NormJson(*card.release, *card.norm);
  if (priced) out["priced"] = PricedJson(*priced);
  return out;
}

json::object ResourceCardJson(const services::ResourceCard& card,
                              const std::optional<services::PricedView>& priced) {
  json::object out = wire::ResourceJson(*card.release, *card.entry);
  if (priced) out["priced"] = PricedJson(*priced);
  return out;
}

}  // namespace estimate::api
