#include "formats/document/detail/json_out.hpp"

namespace estimate::formats {

void AppendString(std::string* out, std::string_view s) {
  out->push_back('"');
  // Runs that need no escape (nearly all of a name or a code) are appended whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
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
      default: {
        static const char kHex[] = "0123456789abcdef";
        *out += "\\u00";
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
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
