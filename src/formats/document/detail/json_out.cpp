#include "formats/document/detail/json_out.hpp"

namespace estimate::formats {

void AppendString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendKey(std::string* out, std::string_view key, bool* first) {
  if (!*first) *out += ", ";
  *first = false;
  out->push_back('"');
  *out += key;
  *out += "\": ";
}

void AppendField(std::string* out, std::string_view key, const core::Decimal& d, int places,
                 bool* first) {
  AppendKey(out, key, first);
  out->push_back('"');
  *out += d.ToFixed(places);
  out->push_back('"');
}

void AppendText(std::string* out, std::string_view key, std::string_view text, bool* first) {
  AppendKey(out, key, first);
  AppendString(out, text);
}

}  // namespace estimate::formats
