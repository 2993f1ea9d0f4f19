// Manifest streams: parse with model::parse_stream, flatten Lists, emit with model::to_yaml.
#include "freightgate/render/manifests.h"

#include <cctype>
#include <cmath>

#include "freightgate/model/decode.h"

namespace freightgate::render {

using nlohmann::json;

std::string Object::display_name() const {
  std::string kind = body.is_object() && body.contains("kind") && body["kind"].is_string()
                         ? body["kind"].get<std::string>()
                         : "object";
  std::string name, ns;
  if (body.is_object() && body.contains("metadata") && body["metadata"].is_object()) {
    const json& m = body["metadata"];
    if (m.contains("name") && m["name"].is_string()) name = m["name"].get<std::string>();
    if (m.contains("namespace") && m["namespace"].is_string())
      ns = m["namespace"].get<std::string>();
  }
  return kind + " \"" + (ns.empty() ? name : ns + "/" + name) + "\"";
}

namespace {

bool is_k8s(const json& doc) {
  return doc.is_object() && doc.contains("apiVersion") && doc["apiVersion"].is_string() &&
         doc.contains("kind") && doc["kind"].is_string() &&
         !doc["kind"].get_ref<const std::string&>().empty();
}

bool is_list(const json& doc) {
  const std::string& kind = doc["kind"].get_ref<const std::string&>();
  return kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && doc.contains("items");
}

std::string where(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

}  // namespace

namespace {

model::ParseLimits parse_limits(const Limits& limits) {
  model::ParseLimits pl;
  pl.max_bytes = limits.max_file_bytes;
  pl.max_alias_expansions = limits.max_alias_expansions;
  pl.max_depth = limits.max_depth;
  return pl;
}

}  // namespace

Status check_stream(std::string_view text, const std::string& file, const Limits& limits) {
  auto docs = model::parse_stream(text, file, parse_limits(limits));
  if (!docs) return docs.error();
  return ok_status();
}

Result<std::vector<Object>> read_manifests(std::string_view text, const std::string& file,
                                           const Limits& limits, std::vector<std::string>* notes) {
  auto docs = model::parse_stream(text, file, parse_limits(limits));
  if (!docs) return docs.error();
  std::vector<Object> out;
  out.reserve(docs->size());
  for (auto& d : *docs) {
    if (d.body.is_null()) continue;
    if (!is_k8s(d.body)) {
      if (notes)
        notes->push_back(
            where(file, d.line) +
            ": skipped a document without apiVersion and kind (not a Kubernetes object)");
      continue;
    }
    if (is_list(d.body)) {
      json& items = d.body["items"];
      if (items.is_null()) continue;
      if (!items.is_array()) {
        Error e;
        e.file = file;
        e.line = d.line;
        e.object = d.body["kind"].get<std::string>();
        e.path = "items";
        e.message = "must be a list of objects";
        return e;
      }
      for (size_t i = 0; i < items.size(); ++i) {
        json& item = items[i];
        const int line = d.line_of("/items/" + std::to_string(i));
        if (!is_k8s(item)) {
          if (notes)
            notes->push_back(where(file, line) +
                             ": skipped a List item without apiVersion and kind");
          continue;
        }
        out.push_back(Object{std::move(item), file, line});
      }
      continue;
    }
    out.push_back(Object{std::move(d.body), file, d.line});
  }
  return out;
}

namespace {

// A direct YAML writer: model::to_yaml's output format rules (sorted keys, block style,
// strings that could read back as another type quoted) without yaml-cpp's Emitter, whose
// per-scalar regular expressions dominated the render time. Plain style only for strings made
// of a letter or '/' followed by characters that are never special; everything else is
// double-quoted with JSON escapes (a JSON string is a valid YAML double-quoted scalar), or a
// literal block for multi-line text.
bool plain_ok(const std::string& s) {
  if (s.empty() || s.size() > 1024) return false;
  const unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '/')) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) return false;
    switch (c) {
      case '#':
      case ',':
      case '[':
      case ']':
      case '{':
      case '}':
      case '"':
      case '\\':
      case '`':
        return false;
      case ':':
        if (i + 1 < s.size() && s[i + 1] == ' ') return false;
        break;
      default:
        break;
    }
  }
  // Words that YAML 1.1 or 1.2 readers take for booleans or null.
  std::string lower;
  if (s.size() <= 5) {
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const char* const kWords[] = {"y",   "n",    "yes",   "no",  "on",
                                         "off", "true", "false", "null"};
    for (const char* w : kWords)
      if (lower == w) return false;
  }
  return true;
}

bool literal_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
  }
  return s.back() != ' ' && s.back() != '\t';
}

void put_string(std::string& out, const std::string& s) {
  if (plain_ok(s))
    out += s;
  else
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

void put_literal(std::string& out, const std::string& s, size_t indent) {
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  out += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  const std::string body = s.substr(0, s.size() - trailing);
  size_t start = 0;
  while (true) {
    size_t nl = body.find('\n', start);
    std::string line = body.substr(start, nl == std::string::npos ? nl : nl - start);
    if (!line.empty()) out.append(indent, ' ') += line;
    out += '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  for (size_t i = 1; i < trailing; ++i) out += '\n';
}

void put_scalar(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      out += "null";
      break;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case json::value_t::number_integer:
      out += std::to_string(v.get<long long>());
      break;
    case json::value_t::number_unsigned:
      out += std::to_string(v.get<unsigned long long>());
      break;
    case json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isnan(d))
        out += ".nan";
      else if (std::isinf(d))
        out += d > 0 ? ".inf" : "-.inf";
      else
        out += v.dump();
      break;
    }
    case json::value_t::string:
      put_string(out, v.get_ref<const std::string&>());
      break;
    default:
      out += "null";
      break;
  }
}

void put_node(std::string& out, const json& v, size_t indent);

// After "key:" or "-": a scalar on the same line, a collection on the next lines.
void put_value(std::string& out, const json& v, size_t indent, bool in_seq) {
  if (v.is_object() && !v.empty()) {
    out += '\n';
    put_node(out, v, indent);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    put_node(out, v, in_seq ? indent : indent - 2);
  } else if (v.is_object()) {
    out += " {}\n";
  } else if (v.is_array()) {
    out += " []\n";
  } else if (v.is_string() && literal_ok(v.get_ref<const std::string&>())) {
    out += ' ';
    put_literal(out, v.get_ref<const std::string&>(), indent);
  } else {
    out += ' ';
    put_scalar(out, v);
    out += '\n';
  }
}

// A non-empty collection, every line starting at `indent`.
void put_node(std::string& out, const json& v, size_t indent) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      out.append(indent, ' ');
      put_string(out, it.key());
      out += ':';
      put_value(out, it.value(), indent + 2, false);
    }
    return;
  }
  for (const auto& item : v) {
    out.append(indent, ' ');
    if (item.is_object() && !item.empty()) {
      // "- k: v" then the other keys aligned under k.
      out += "- ";
      std::string sub;
      put_node(sub, item, indent + 2);
      out.append(sub, indent + 2, std::string::npos);
    } else {
      out += '-';
      put_value(out, item, indent + 2, true);
    }
  }
}

}  // namespace

std::string write_manifests(const std::vector<Object>& objects) {
  std::string out;
  out.reserve(objects.size() * 1024);
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i) out += "---\n";
    const json& b = objects[i].body;
    if (b.is_object() && !b.empty())
      put_node(out, b, 0);
    else
      out += model::to_yaml(b);
  }
  return out;
}

}  // namespace freightgate::render
