// JSON text without a json value in between (model/json_writer.h). ASCII text, nearly all of what
// Kubernetes objects and our messages hold, is escaped here; a string with any other byte is
// left to nlohmann's serializer, which validates and replaces UTF-8 exactly as dump() does.
#include "freightgate/model/json_writer.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace freightgate::model {

namespace {

void append_escaped(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

// The bytes a JSON string holds as they are: ASCII from 0x20 on, but the quote and backslash.
constexpr auto kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Whether any of the 8 bytes in `w` is not plain: a control character, '"', '\\' or a byte
// from 0x80 on (bit tricks on all 8 at once: a byte of (x - 0x01) & ~x has its top bit set
// where x's byte is zero).
constexpr bool any_special(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kTops = 0x8080808080808080ULL;
  auto zero_byte = [](uint64_t x) { return (x - kOnes) & ~x & kTops; };
  const uint64_t below_space = (w - 0x20 * kOnes) & ~w & kTops;  // also sets high bytes: fine
  return ((w & kTops) | below_space | zero_byte(w ^ ('"' * kOnes)) |
          zero_byte(w ^ ('\\' * kOnes))) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // One pass: runs of plain bytes are copied whole (skipped 8 at a time while a word holds
  // none other); the first non-ASCII byte hands the whole string to nlohmann (what was
  // appended of it is taken back).
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    uint64_t word;
    while (i + 8 <= s.size() && (std::memcpy(&word, s.data() + i, 8), !any_special(word))) i += 8;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) continue;
    if (c >= 0x80) {
      out.resize(start);
      out += nlohmann::json(std::string(s))
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out.append(s.data() + run, i - run);
    append_escaped(out, c);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_json(std::string& out, const nlohmann::json& value) {
  using V = nlohmann::json::value_t;
  switch (value.type()) {
    case V::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, k);
        out += ':';
        append_json(out, v);
      }
      out += '}';
      return;
    }
    case V::array: {
      out += '[';
      bool first = true;
      for (const auto& v : value) {
        if (!first) out += ',';
        first = false;
        append_json(out, v);
      }
      out += ']';
      return;
    }
    case V::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case V::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case V::null:
      out += "null";
      return;
    case V::number_integer:
    case V::number_unsigned: {
      char buf[24];
      auto r = value.is_number_unsigned()
                   ? std::to_chars(buf, buf + sizeof buf, value.get<std::uint64_t>())
                   : std::to_chars(buf, buf + sizeof buf, value.get<std::int64_t>());
      out.append(buf, r.ptr);
      return;
    }
    default:  // floating point (nlohmann's shortest round-trip form), binary, discarded
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

void append_json_pointer_token(std::string& out, std::string_view key) {
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] != '~' && key[i] != '/') continue;
    out.append(key.data() + run, i - run);
    out += key[i] == '~' ? "~0" : "~1";
    run = i + 1;
  }
  out.append(key.data() + run, key.size() - run);
}

std::string json_pointer_token(std::string_view key) {
  std::string out;
  append_json_pointer_token(out, key);
  return out;
}

}  // namespace freightgate::model
