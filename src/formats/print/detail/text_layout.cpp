#include "formats/print/detail/text_layout.hpp"

#include <utility>

namespace estimate::formats {

using core::Decimal;

std::size_t Width(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Fit(std::string_view s, std::size_t width) {
  if (Width(s) <= width) return std::string(s);
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead && ++n > width - 1) break;
    out.push_back(s[i]);
  }
  return out + "…";
}

std::string Pad(std::string_view s, std::size_t width, bool right) {
  std::string v = Fit(s, width);
  const std::size_t w = Width(v);
  const std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + v : v + fill;
}

std::string Ru(const Decimal& d, int places) {
  const std::string plain = d.ToFixed(places);
  std::string sign;
  std::string_view digits = plain;
  if (!digits.empty() && digits[0] == '-') {
    sign = "-";
    digits.remove_prefix(1);
  }
  const std::size_t point = digits.find('.');
  const std::string_view integer = digits.substr(0, point);
  std::string out;
  for (std::size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) out.push_back(' ');
    out.push_back(integer[i]);
  }
  if (point != std::string_view::npos) out += "," + std::string(digits.substr(point + 1));
  return sign + out;
}

std::string Qty(const Decimal& d) {
  std::string s = d.Normalized().ToString();
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (const Column& c : columns_) width_ += c.width + 1;
  if (width_ > 0) --width_;
}

void TextTable::Row(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) line += ' ';
    line += Pad(i < cells.size() ? cells[i] : std::string(), columns_[i].width, columns_[i].right);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out_ += line;
  out_ += '\n';
}

void TextTable::Line(std::string_view text) {
  out_ += text;
  out_ += '\n';
}

void TextTable::Rule() { Line(std::string(width_, '-')); }

}  // namespace estimate::formats
