// The shapes a rule set answers with: allow, deny, mutate (JSON Patch by diff), fail.
#include "freightgate/admission/respond.h"

#include "freightgate/admission/overlay_patch.h"
#include "freightgate/admission/patch.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

Decision base(const RequestInfo& req) {
  Decision d;
  d.ok = true;
  d.request = req;
  d.response.uid = req.uid;
  return d;
}

void add_warnings(Decision& d, std::vector<std::string> warnings) {
  for (auto& w : warnings) {
    std::string c = clean_warning(std::move(w));
    if (!c.empty()) d.response.warnings.push_back(std::move(c));
  }
}

}  // namespace

Decision allow(const RequestInfo& req, std::vector<std::string> warnings) {
  Decision d = base(req);
  d.response.allowed = true;
  add_warnings(d, std::move(warnings));
  return d;
}

Decision deny(const RequestInfo& req, std::string message) {
  Decision d = base(req);
  d.response.allowed = false;
  d.response.code = 403;
  d.response.reason = "Forbidden";
  d.response.message = std::move(message);
  return d;
}

Decision mutate_to(const AdmissionRequest& req, const nlohmann::json& desired,
                   std::vector<std::string> warnings) {
  return patch_decision(req, req.object, desired, std::move(warnings));
}

namespace {
Decision no_object_to_patch(const RequestInfo& req) {
  return fail(req, FailureKind::Internal,
              "freightgate attempted to patch a request without an object (operation " +
                  req.operation + ")");
}
}  // namespace

Decision patch_decision(const RequestInfo& req, const nlohmann::json& from,
                        const nlohmann::json& desired, std::vector<std::string> warnings) {
  if (from.is_null()) return no_object_to_patch(req);
  Decision d = allow(req, std::move(warnings));
  d.response.patch = JsonPatch(diff_patch_text(from, desired));
  return d;
}

Decision patch_decision(const RequestInfo& req, model::JsonView from, const Overlay& desired) {
  if (!from.is_object()) return no_object_to_patch(req);  // a Kubernetes object is a JSON object
  Decision d = allow(req);
  d.response.patch = JsonPatch(overlay_patch_text(from, desired));
  return d;
}

Decision fail(const RequestInfo& req, FailureKind kind, std::string message) {
  Decision d = base(req);
  d.ok = false;
  d.failure = Failure{kind, std::move(message)};
  return d;
}

std::string clean_warning(std::string w) {
  constexpr size_t kMaxBytes = 120;
  std::string out;
  out.reserve(w.size());
  // Control characters (and invalid UTF-8) make kube-apiserver drop the whole warning.
  for (size_t i = 0; i < w.size();) {
    auto c = static_cast<unsigned char>(w[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool valid = len > 0 && i + len <= w.size();
    for (size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(w[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    if (len == 1 && (c < 0x20 || c == 0x7F)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
      continue;
    }
    if (out.size() + len > kMaxBytes) break;
    out.append(w, i, len);
    i += len;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  size_t start = out.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : out.substr(start);
}

}  // namespace freightgate::admission
