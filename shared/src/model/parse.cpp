// YAML/JSON stream -> Documents. Built on yaml-cpp's event parser (not YAML::Load) so that
// every node's line is known and aliases are expanded under a budget: a "billion laughs"
// document is refused after max_alias_expansions copied nodes instead of exhausting memory.
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "freightgate/model/decode.h"
#include "freightgate/model/json_writer.h"
#include "model_internal.h"

namespace freightgate::model {

using nlohmann::json;

int Document::line_of(const std::string& pointer) const {
  if (lines) {
    std::string p = pointer;
    while (true) {
      auto it = lines->find(p);
      if (it != lines->end()) return it->second;
      if (p.empty()) break;
      auto slash = p.rfind('/');
      p = slash == std::string::npos ? std::string() : p.substr(0, slash);
    }
  }
  return line;
}

namespace detail {

namespace {

bool all_digits(std::string_view s, size_t from = 0) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool is_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool mant = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, mant = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, mant = true;
  }
  if (!mant) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!all_digits(s.substr(i))) return false;
    return true;
  }
  return i == s.size();
}

}  // namespace

// YAML 1.2 core schema resolution of a plain scalar.
json resolve_plain(const std::string& v) {
  if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return nullptr;
  if (v == "true" || v == "True" || v == "TRUE") return true;
  if (v == "false" || v == "False" || v == "FALSE") return false;
  std::string_view s = v;
  const bool sign = s[0] == '-' || s[0] == '+';
  if (all_digits(s, sign ? 1 : 0)) {
    errno = 0;
    char* end = nullptr;
    long long ll = std::strtoll(v.c_str(), &end, 10);
    if (errno == 0 && end && *end == 0) return ll;
    errno = 0;
    if (s[0] != '-') {
      unsigned long long ull = std::strtoull(v.c_str() + (sign ? 1 : 0), &end, 10);
      if (errno == 0 && end && *end == 0) return ull;
    }
    return std::strtod(v.c_str(), nullptr);
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    bool ok = true;
    for (size_t i = 2; i < s.size(); ++i) {
      const char c = s[i];
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      const bool oct = c >= '0' && c <= '7';
      ok = ok && (s[1] == 'x' ? hex : oct);
    }
    if (ok && s.size() <= 18) return std::stoll(v.substr(2), nullptr, s[1] == 'x' ? 16 : 8);
  }
  if (is_float(s)) return std::strtod(v.c_str(), nullptr);
  if (v == ".inf" || v == ".Inf" || v == ".INF" || v == "+.inf" || v == "+.Inf" || v == "+.INF")
    return std::numeric_limits<double>::infinity();
  if (v == "-.inf" || v == "-.Inf" || v == "-.INF") return -std::numeric_limits<double>::infinity();
  if (v == ".nan" || v == ".NaN" || v == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return v;
}

}  // namespace detail

namespace {

// Thrown inside the event handler to abort parsing; never leaves this file.
struct ParseAbort : std::runtime_error {
  ParseAbort(int line, const std::string& msg) : std::runtime_error(msg), line(line) {}
  int line;
};

size_t count_nodes(const json& j) {
  size_t n = 1;
  if (j.is_structured())
    for (const auto& c : j) n += count_nodes(c);
  return n;
}

class Builder : public YAML::EventHandler {
 public:
  Builder(const ParseLimits& limits, size_t& alias_budget_used)
      : limits_(limits), alias_used_(alias_budget_used) {}

  json root;
  int root_line = 0;
  bool have_root = false;
  std::shared_ptr<std::map<std::string, int>> lines =
      std::make_shared<std::map<std::string, int>>();

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) throw ParseAbort(mark.line + 1, "a mapping key must not be null");
    leaf(mark, json(nullptr), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw ParseAbort(mark.line + 1, "unknown alias");
    alias_used_ += it->second.nodes;
    if (alias_used_ > limits_.max_alias_expansions)
      throw ParseAbort(mark.line + 1, "YAML aliases expand to more than " +
                                          std::to_string(limits_.max_alias_expansions) +
                                          " nodes (alias bomb?); write the values out instead of "
                                          "using anchors and aliases");
    if (expecting_key()) {
      if (!it->second.value.is_string())
        throw ParseAbort(mark.line + 1, "a mapping key must be a scalar");
      set_key(it->second.value.get<std::string>(), mark, false);
      return;
    }
    if (stack_.size() + it->second.depth > limits_.max_depth)
      throw ParseAbort(mark.line + 1, depth_message());
    leaf(mark, it->second.value, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    json v;
    if (tag == "?") {
      v = detail::resolve_plain(value);
    } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
      v = detail::resolve_plain(value);
      const bool want_num = tag.ends_with("int") || tag.ends_with("float");
      const bool fits = want_num                ? v.is_number()
                        : tag.ends_with("bool") ? v.is_boolean()
                                                : v.is_null();
      if (!fits)
        throw ParseAbort(mark.line + 1, "value \"" + value + "\" does not match its tag " + tag);
    } else {
      v = value;  // quoted, block, !!str and custom tags: a string
    }
    if (expecting_key()) {
      bool merge = tag == "?" && value == "<<";
      set_key(v.is_string() ? v.get<std::string>() : value, mark, merge);
      if (anchor) remember(anchor, json(value), 1);
      return;
    }
    leaf(mark, std::move(v), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, json::array(), anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, json::object(), anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    json value;
    std::string pointer;
    YAML::anchor_t anchor = 0;
    // map state
    bool has_key = false;
    std::string key;
    int key_line = 0;
    bool key_is_merge = false;
    std::vector<json> merges;
    int merge_line = 0;
    size_t depth_below = 0;
  };
  struct Anchored {
    json value;
    size_t nodes;
    size_t depth;
  };

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key;
  }

  std::string depth_message() const {
    return "nesting deeper than " + std::to_string(limits_.max_depth) + " levels";
  }

  void set_key(std::string key, const YAML::Mark& mark, bool merge) {
    Frame& f = stack_.back();
    if (!merge && f.value.contains(key))
      throw ParseAbort(mark.line + 1,
                       "duplicate key \"" + key + "\" in a mapping; keep one of them");
    f.has_key = true;
    f.key = std::move(key);
    f.key_line = mark.line + 1;
    f.key_is_merge = merge;
  }

  void remember(YAML::anchor_t anchor, const json& v, size_t depth) {
    anchors_[anchor] = Anchored{v, count_nodes(v), depth};
  }

  // Pointer and line for the next child of the innermost container.
  std::pair<std::string, int> child_slot(const YAML::Mark& mark) {
    if (stack_.empty()) return {"", mark.line + 1};
    Frame& f = stack_.back();
    if (f.value.is_array())
      return {f.pointer + "/" + std::to_string(f.value.size()), mark.line + 1};
    return {f.pointer + "/" + json_pointer_token(f.key), f.key_line};
  }

  void attach(json v, size_t depth) {
    if (stack_.empty()) {
      root = std::move(v);
      have_root = true;
      return;
    }
    Frame& f = stack_.back();
    f.depth_below = std::max(f.depth_below, depth);
    if (f.value.is_array()) {
      f.value.push_back(std::move(v));
      return;
    }
    if (f.key_is_merge) {
      if (v.is_object()) {
        f.merges.push_back(std::move(v));
      } else if (v.is_array()) {
        for (auto& m : v) {
          if (!m.is_object())
            throw ParseAbort(f.key_line, "a merge key (<<) takes a mapping or a list of mappings");
          f.merges.push_back(std::move(m));
        }
      } else {
        throw ParseAbort(f.key_line, "a merge key (<<) takes a mapping or a list of mappings");
      }
      f.merge_line = f.key_line;
    } else {
      f.value[f.key] = std::move(v);
    }
    f.has_key = false;
  }

  void leaf(const YAML::Mark& mark, json v, YAML::anchor_t anchor) {
    auto [ptr, line] = child_slot(mark);
    if (stack_.empty()) root_line = mark.line + 1;
    (*lines)[ptr] = line;
    if (anchor) remember(anchor, v, 1);
    attach(std::move(v), 1);
  }

  void open(const YAML::Mark& mark, json v, YAML::anchor_t anchor) {
    if (expecting_key())
      throw ParseAbort(mark.line + 1, "a mapping key must be a scalar, not a mapping or a list");
    if (stack_.size() + 1 > limits_.max_depth) throw ParseAbort(mark.line + 1, depth_message());
    auto [ptr, line] = child_slot(mark);
    if (stack_.empty()) root_line = mark.line + 1;
    (*lines)[ptr] = line;
    Frame f;
    f.value = std::move(v);
    f.pointer = std::move(ptr);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    // Merge keys: explicit keys win; earlier merge sources win over later ones.
    for (auto& m : f.merges)
      for (auto it = m.begin(); it != m.end(); ++it)
        if (!f.value.contains(it.key())) {
          (*lines)[f.pointer + "/" + json_pointer_token(it.key())] = f.merge_line;
          f.value[it.key()] = it.value();
        }
    const size_t depth = f.depth_below + 1;
    if (f.anchor) remember(f.anchor, f.value, depth);
    attach(std::move(f.value), depth);
  }

  const ParseLimits& limits_;
  size_t& alias_used_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
};

Error parse_error(const std::string& file, int line, std::string msg) {
  Error e;
  e.file = file;
  e.line = line;
  e.message = "invalid YAML: " + std::move(msg);
  return e;
}

}  // namespace

Result<std::vector<Document>> parse_stream(std::string_view text, const std::string& file,
                                           const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    Error e;
    e.file = file;
    e.message = "input is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                std::to_string(limits.max_bytes) + "; split it into smaller files";
    return e;
  }
  std::vector<Document> docs;
  size_t alias_used = 0;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    while (true) {
      Builder b(limits, alias_used);
      if (!parser.HandleNextDocument(b)) break;
      if (!b.have_root || b.root.is_null()) continue;  // empty document
      Document d;
      d.body = std::move(b.root);
      d.file = file;
      d.line = b.root_line;
      d.lines = std::move(b.lines);
      docs.push_back(std::move(d));
    }
  } catch (const ParseAbort& e) {
    return parse_error(file, e.line, e.what());
  } catch (const YAML::DeepRecursion& e) {
    return parse_error(file, e.mark.line + 1,
                       "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
  } catch (const YAML::Exception& e) {
    return parse_error(file, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  }
  return docs;
}

Result<std::vector<Document>> parse_file(const std::string& path, const ParseLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error e;
    e.file = path;
    e.message = "cannot open file; check the path and its permissions";
    return e;
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) break;  // parse_stream reports the limit
  }
  if (in.bad()) {
    Error e;
    e.file = path;
    e.message = "read error";
    return e;
  }
  return parse_stream(text, path, limits);
}

}  // namespace freightgate::model
