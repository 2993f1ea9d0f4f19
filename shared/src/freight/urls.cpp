// Kargo's URL normalisation, ported from pkg/urls and the parts of Go's net/url and
// go-containerregistry's pkg/name that it relies on.
#include "freightgate/freight/urls.h"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace freightgate::freight {
namespace {

// ---------------------------------------------------------------- UTF-8 and Go's unicode tables

constexpr char32_t kRuneError = 0xFFFD;

// Decodes one rune at s[i]; invalid sequences decode as (RuneError, 1) like Go.
char32_t decode_rune(std::string_view s, size_t i, size_t* width) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *width = 1;
    return b0;
  }
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  char32_t r = 0;
  size_t n = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    r = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    r = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    r = b0 & 0x07;
  } else {
    *width = 1;
    return kRuneError;
  }
  for (size_t k = 1; k < n; ++k) {
    int c = cont(k);
    if (c < 0) {
      *width = 1;
      return kRuneError;
    }
    r = (r << 6) | static_cast<char32_t>(c);
  }
  // Overlong encodings, surrogates and out-of-range values are invalid.
  if ((n == 3 && r < 0x800) || (n == 4 && (r < 0x10000 || r > 0x10FFFF)) ||
      (r >= 0xD800 && r <= 0xDFFF)) {
    *width = 1;
    return kRuneError;
  }
  *width = n;
  return r;
}

void encode_rune(char32_t r, std::string* out) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

// Go's unicode.IsSpace.
bool go_is_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Go's unicode.IsPrint (letters, marks, numbers, punctuation, symbols and U+0020). Outside
// Latin-1 this covers the separators, format characters, private use and noncharacters; other
// unassigned code points are treated as printable.
bool go_is_print(char32_t r) {
  if (r < 0x20 || (r >= 0x7F && r <= 0xA0) || r == 0xAD) return false;
  if (r <= 0xFF) return true;
  if (go_is_space(r)) return false;
  if ((r >= 0x0600 && r <= 0x0605) || r == 0x061C || r == 0x06DD || r == 0x070F || r == 0x08E2 ||
      r == 0x180E || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
      (r >= 0x2060 && r <= 0x2064) || (r >= 0x2066 && r <= 0x206F) || r == 0xFEFF ||
      (r >= 0xFFF9 && r <= 0xFFFB) || r == 0x110BD || r == 0x110CD ||
      (r >= 0x13430 && r <= 0x1343F) || (r >= 0x1BCA0 && r <= 0x1BCA3) ||
      (r >= 0x1D173 && r <= 0x1D17A) || r == 0xE0001 || (r >= 0xE0020 && r <= 0xE007F))
    return false;                                                            // Cf
  if ((r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000) return false;            // Co
  if ((r >= 0xFDD0 && r <= 0xFDEF) || (r & 0xFFFE) == 0xFFFE) return false;  // noncharacters
  return true;
}

// Kargo's isSpace: unicode.IsSpace(r) || !unicode.IsPrint(r).
bool kargo_is_space(char32_t r) { return go_is_space(r) || !go_is_print(r); }

// strings.Map(rmSpaceRune, s): drops every "space"; invalid bytes become U+FFFD like Go.
std::string rm_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    // ASCII without decoding: only controls, DEL and the space itself are "spaces" there.
    if (auto c = static_cast<unsigned char>(s[i]); c < 0x80) {
      if (c > 0x20 && c != 0x7F) out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t w = 0;
    char32_t r = decode_rune(s, i, &w);
    if (!kargo_is_space(r)) {
      if (r == kRuneError && w == 1)
        encode_rune(kRuneError, &out);
      else
        out.append(s.substr(i, w));
    }
    i += w;
  }
  return out;
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// url.PathUnescape: "%XY" decoded; a malformed escape is an error.
std::optional<std::string> path_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = unhex(s[i + 1]), lo = unhex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool valid_escapes(std::string_view s) { return path_unescape(s).has_value(); }

// Kargo's trimSpace: unescape if possible, then trim "spaces" at both ends.
std::string kargo_trim_space(std::string_view repo) {
  std::string s(repo);
  if (auto u = path_unescape(repo)) s = *u;
  size_t begin = 0;
  while (begin < s.size()) {
    size_t w = 0;
    char32_t r = decode_rune(s, begin, &w);
    if (!kargo_is_space(r)) break;
    begin += w;
  }
  size_t end = s.size();
  while (end > begin) {
    // Find the start of the last rune in [begin, end).
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 &&
           end - start < 4)
      --start;
    size_t w = 0;
    char32_t r = decode_rune(s, start, &w);
    if (start + w != end) {  // not a valid rune ending at `end`: treat the last byte alone
      start = end - 1;
      r = kRuneError;
    }
    if (!kargo_is_space(r)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

bool has_internal_spaces(std::string_view repo) {
  std::string trimmed = kargo_trim_space(repo);
  return rm_spaces(trimmed) != trimmed;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void trim_suffix(std::string* s, std::string_view suffix) {
  if (s->size() >= suffix.size() &&
      std::string_view(*s).substr(s->size() - suffix.size()) == suffix)
    s->resize(s->size() - suffix.size());
}

// ---------------------------------------------------------------- a subset of Go's net/url

struct GoUrl {
  std::string scheme;
  std::string opaque;
  bool has_user = false;
  std::string user;  // raw userinfo
  std::string host;
  std::string path;  // raw (escaped) path
  bool omit_host = false;
  bool force_query = false;
  std::string raw_query;
  std::string fragment;  // raw

  // url.URL.String()
  std::string str() const {
    std::string buf;
    if (!scheme.empty()) buf += scheme + ":";
    if (!opaque.empty()) {
      buf += opaque;
    } else {
      if (!scheme.empty() || !host.empty() || has_user) {
        if (!(omit_host && host.empty() && !has_user)) {
          if (!host.empty() || !path.empty() || has_user) buf += "//";
          if (has_user) buf += user + "@";
          buf += host;
        }
      }
      if (!path.empty() && path[0] != '/' && !host.empty()) buf += "/";
      if (buf.empty()) {
        // A relative path whose first segment has a colon gets "./" so it is not a scheme.
        auto seg = std::string_view(path).substr(0, path.find('/'));
        if (seg.find(':') != std::string_view::npos) buf += "./";
      }
      buf += path;
    }
    if (force_query || !raw_query.empty()) buf += "?" + raw_query;
    if (!fragment.empty()) buf += "#" + fragment;
    return buf;
  }
};

bool valid_optional_port(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Characters Go accepts unescaped in a host (shouldEscape(c, encodeHost) == false).
bool host_char_ok(unsigned char c) {
  static constexpr std::string_view kPunct = "-_.~!$&'()*+,;=:[]<>\"";
  return c >= 0x80 || is_alnum(c) || kPunct.find(static_cast<char>(c)) != std::string_view::npos;
}

std::optional<std::string> parse_host(std::string_view host) {
  if (starts_with(host, "[")) {
    size_t i = host.rfind(']');
    if (i == std::string_view::npos) return std::nullopt;
    if (!valid_optional_port(host.substr(i + 1))) return std::nullopt;
  } else if (size_t i = host.rfind(':'); i != std::string_view::npos) {
    if (!valid_optional_port(host.substr(i))) return std::nullopt;
  }
  for (char c : host)
    if (!host_char_ok(static_cast<unsigned char>(c))) return std::nullopt;  // incl. '%'
  return std::string(host);
}

// Characters Go's validUserinfo accepts.
bool userinfo_char_ok(unsigned char c) {
  static constexpr std::string_view kPunct = "-._:~!$&'()*+,;=%@";
  return is_alnum(c) || kPunct.find(static_cast<char>(c)) != std::string_view::npos;
}

// url.Parse (not via request).
std::optional<GoUrl> go_url_parse(std::string_view raw) {
  GoUrl u;
  size_t hash = raw.find('#');
  std::string_view rest = raw.substr(0, hash);
  if (hash != std::string_view::npos) {
    u.fragment = std::string(raw.substr(hash + 1));
    if (!valid_escapes(u.fragment)) return std::nullopt;
  }
  for (char c : raw)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
  if (rest == "*") {
    u.path = "*";
    return u;
  }
  // getScheme
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return std::nullopt;  // missing protocol scheme
      u.scheme = to_lower(rest.substr(0, i));
      rest = rest.substr(i + 1);
    }
    break;
  }
  if (!rest.empty() && rest.back() == '?' && std::count(rest.begin(), rest.end(), '?') == 1) {
    u.force_query = true;
    rest = rest.substr(0, rest.size() - 1);
  } else if (size_t q = rest.find('?'); q != std::string_view::npos) {
    u.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!starts_with(rest, "/")) {
    if (!u.scheme.empty()) {
      u.opaque = std::string(rest);
      return u;
    }
    auto seg = rest.substr(0, rest.find('/'));
    if (seg.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (starts_with(rest, "//") && (!u.scheme.empty() || !starts_with(rest, "///"))) {
    std::string_view authority = rest.substr(2);
    size_t slash = authority.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : authority.substr(slash);
    authority = authority.substr(0, slash);
    size_t at = authority.rfind('@');
    std::optional<std::string> host =
        parse_host(at == std::string_view::npos ? authority : authority.substr(at + 1));
    if (!host) return std::nullopt;
    u.host = *host;
    if (at != std::string_view::npos) {
      auto userinfo = authority.substr(0, at);
      for (char c : userinfo)
        if (!userinfo_char_ok(static_cast<unsigned char>(c))) return std::nullopt;
      if (!valid_escapes(userinfo)) return std::nullopt;
      u.has_user = true;
      u.user = std::string(userinfo);
    }
  } else if (!u.scheme.empty() && starts_with(rest, "/")) {
    u.omit_host = true;
  }
  if (!valid_escapes(rest)) return std::nullopt;
  u.path = std::string(rest);
  return u;
}

// len(url.Query()) > 0: url.ParseQuery keeps a key when it is non-empty, has no ';' and both
// key and value unescape.
bool has_query_params(std::string_view q) {
  while (true) {
    size_t amp = q.find('&');
    std::string_view kv = q.substr(0, amp);
    if (!kv.empty() && kv.find(';') == std::string_view::npos) {
      size_t eq = kv.find('=');
      auto k = kv.substr(0, eq);
      auto v = eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1);
      if (valid_escapes(k) && valid_escapes(v)) return true;
    }
    if (amp == std::string_view::npos) return false;
    q = q.substr(amp + 1);
  }
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// `^((?:[\w-]+@)?[\w-]+(?:\.[\w-]+)*)(?::(.*))?$` -> (userHost, path)
std::optional<std::pair<std::string, std::string>> match_scp(std::string_view s) {
  if (s.find('\n') != std::string_view::npos) return std::nullopt;  // '.' does not match \n
  size_t i = 0;
  size_t at = s.find('@');
  if (at != std::string_view::npos) {
    if (at == 0) return std::nullopt;
    for (size_t k = 0; k < at; ++k)
      if (!is_word(s[k])) return std::nullopt;
    i = at + 1;
  }
  // host: [\w-]+(\.[\w-]+)*
  size_t host_start = i;
  bool need_word = true;
  while (i < s.size() && s[i] != ':') {
    if (s[i] == '.') {
      if (need_word) return std::nullopt;
      need_word = true;
    } else if (is_word(s[i])) {
      need_word = false;
    } else {
      return std::nullopt;
    }
    ++i;
  }
  if (need_word || i == host_start) return std::nullopt;
  std::string user_host(s.substr(0, i));
  std::string path = i < s.size() ? std::string(s.substr(i + 1)) : std::string();
  return std::make_pair(user_host, path);
}

// ---------------------------------------------------------------- go-containerregistry pkg/name

bool only_chars(std::string_view s, std::string_view allowed) {
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

constexpr std::string_view kTagChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
constexpr std::string_view kRepoChars = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
constexpr std::string_view kDefaultRegistry = "index.docker.io";

struct Repository {
  std::string registry;
  std::string repo;
  std::string repository_str() const {
    if (repo.find('/') == std::string::npos && registry == kDefaultRegistry)
      return "library/" + repo;
    return repo;
  }
  std::string name() const {
    return registry.empty() ? repository_str() : registry + "/" + repository_str();
  }
};

bool check_registry(std::string_view name) {
  std::string with_slashes = "//" + std::string(name);
  auto u = go_url_parse(with_slashes);
  return u && u->host == name;
}

std::optional<Repository> new_repository(std::string_view name) {
  if (name.empty()) return std::nullopt;
  std::string_view registry, repo = name;
  size_t slash = name.find('/');
  if (slash != std::string_view::npos) {
    auto first = name.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos) {
      registry = first;
      repo = name.substr(slash + 1);
    }
  }
  if (repo.size() < 2 || repo.size() > 255 || !only_chars(repo, kRepoChars)) return std::nullopt;
  if (!check_registry(registry)) return std::nullopt;
  Repository r;
  r.registry = registry.empty() || registry == "docker.io" ? std::string(kDefaultRegistry)
                                                           : std::string(registry);
  r.repo = std::string(repo);
  return r;
}

std::optional<Repository> new_tag(std::string_view name) {
  std::string_view base = name;
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    auto tag = name.substr(colon + 1);
    if (tag.find('/') == std::string_view::npos) {
      base = name.substr(0, colon);
      if (tag.empty()) return std::nullopt;
      if (tag.size() > 128 || !only_chars(tag, kTagChars)) return std::nullopt;
    }
  }
  return new_repository(base);
}

std::optional<Repository> new_digest(std::string_view name) {
  if (std::count(name.begin(), name.end(), '@') != 1) return std::nullopt;
  size_t at = name.find('@');
  auto base = name.substr(0, at);
  auto dig = name.substr(at + 1);
  if (!starts_with(dig, "sha256:")) return std::nullopt;
  auto hex = dig.substr(7);
  if (hex.size() != 64 || !only_chars(hex, "0123456789abcdef")) return std::nullopt;
  std::string b(base);
  if (auto t = new_tag(base)) b = t->name();
  return new_repository(b);
}

}  // namespace

std::string normalize_git(std::string_view repo_in) {
  if (has_internal_spaces(repo_in)) return std::string(repo_in);
  std::string orig(repo_in);
  std::string repo = rm_spaces(orig);
  if (repo.empty()) return orig;

  if (starts_with(repo, "http://") || starts_with(repo, "https://") ||
      starts_with(repo, "ssh://")) {
    auto u = go_url_parse(repo);
    if (!u || has_query_params(u->raw_query)) return orig;
    if (!starts_with(repo, "ssh://")) {
      u->has_user = false;
      u->user.clear();
    }
    trim_suffix(&u->path, "/");
    trim_suffix(&u->path, ".git");
    return to_lower(u->str());
  }

  auto m = match_scp(repo);
  if (!m) return orig;
  auto path_url = go_url_parse(m->second);
  if (!path_url) return orig;
  trim_suffix(&path_url->path, "/");
  trim_suffix(&path_url->path, ".git");
  if (path_url->path.empty()) return to_lower("ssh://" + m->first);
  return to_lower("ssh://" + m->first + "/" + path_url->str());
}

std::string normalize_image(std::string_view url) {
  std::optional<Repository> r = new_tag(url);
  if (!r) r = new_digest(url);
  if (!r) return std::string(url);
  if (r->registry == "index.docker.io" || r->registry == "registry-1.docker.io") {
    std::string repo = r->repository_str();
    if (starts_with(repo, "library/")) repo.erase(0, 8);
    return repo;
  }
  return r->registry + "/" + r->repository_str();
}

std::string normalize_chart(std::string_view url) {
  // strings.TrimSpace: ASCII and Unicode white space at both ends.
  size_t b = 0, e = url.size();
  while (b < e) {
    size_t w = 0;
    if (!go_is_space(decode_rune(url, b, &w))) break;
    b += w;
  }
  while (e > b && (url[e - 1] == ' ' || (url[e - 1] >= '\t' && url[e - 1] <= '\r'))) --e;
  std::string s = to_lower(url.substr(b, e - b));
  if (starts_with(s, "oci://")) s.erase(0, 6);
  return normalize_image(s);
}

std::string go_path_clean(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  const size_t n = path.size();
  std::string out;
  size_t r = 0, dotdot = 0;
  if (rooted) {
    out.push_back('/');
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    if (path[r] == '/') {
      ++r;
    } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
      ++r;
    } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {
        size_t w = out.size() - 1;
        while (w > dotdot && out[w] != '/') --w;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out.push_back('/');
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out.push_back('/');
      for (; r < n && path[r] != '/'; ++r) out.push_back(path[r]);
    }
  }
  if (out.empty()) return ".";
  return out;
}

std::string go_path_join(const std::vector<std::string_view>& elems) {
  std::string joined;
  bool any = false;
  for (auto e : elems) {
    if (e.empty()) continue;
    if (any) joined.push_back('/');
    joined.append(e);
    any = true;
  }
  if (!any) return "";
  return go_path_clean(joined);
}

}  // namespace freightgate::freight
