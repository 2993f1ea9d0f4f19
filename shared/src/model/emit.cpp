// to_yaml: deterministic YAML from JSON with yaml-cpp's Emitter. nlohmann::json keeps object
// keys sorted, so the key order is stable. Strings that would resolve to another type when
// read back are double-quoted.
#include <cmath>

#include <yaml-cpp/emitter.h>

#include "freightgate/model/decode.h"
#include "model_internal.h"

namespace freightgate::model {

namespace {

using nlohmann::json;

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  if (!detail::resolve_plain(s).is_string()) return true;
  // YAML 1.1 booleans and sexagesimal-looking values: quote for older readers (go-yaml v2).
  static const char* const k11[] = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
                                    "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  for (const char* w : k11)
    if (s == w) return true;
  return false;
}

// A literal block (|) reads back with exactly one trailing newline (clip chomping), so it
// is used only for such strings; yaml-cpp is then given the text without that newline.
bool literal_ok(const std::string& s) {
  if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n') return false;
  if (s.find('\n') == s.size() - 1) return false;  // one line: plain or quoted reads better
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\n') return false;
    if (c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
  }
  return true;
}

void emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      out << YAML::Null;
      break;
    case json::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      break;
    case json::value_t::number_integer:
      out << v.get<long long>();
      break;
    case json::value_t::number_unsigned:
      out << v.get<unsigned long long>();
      break;
    case json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isnan(d))
        out << ".nan";
      else if (std::isinf(d))
        out << (d > 0 ? ".inf" : "-.inf");
      else
        out << v.dump();  // shortest round-trip form, e.g. 1.5, 1.0, 1e+300
      break;
    }
    case json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      if (needs_quotes(s))
        out << YAML::DoubleQuoted << s;
      else if (literal_ok(s))
        out << YAML::Literal << s.substr(0, s.size() - 1);
      else
        out << s;
      break;
    }
    case json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const auto& e : v) emit(out, e);
      out << YAML::EndSeq;
      break;
    case json::value_t::object:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      out << YAML::BeginMap;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out << YAML::Key;
        if (needs_quotes(it.key())) out << YAML::DoubleQuoted;
        out << it.key() << YAML::Value;
        emit(out, it.value());
      }
      out << YAML::EndMap;
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

std::string to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  emit(out, value);
  std::string s = out.c_str();
  if (s.empty() || s.back() != '\n') s += '\n';
  return s;
}

}  // namespace freightgate::model
