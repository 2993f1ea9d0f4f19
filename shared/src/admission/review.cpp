// AdmissionReview v1 parsing and response encoding (reference admission-webhooks.md §1–2).
#include "freightgate/admission/review.h"

#include <openssl/evp.h>

#include <algorithm>
#include <span>

#include "freightgate/admission/respond.h"
#include "freightgate/model/json_reader.h"
#include "freightgate/model/json_view.h"
#include "freightgate/model/json_writer.h"

namespace freightgate::admission {

namespace {

using nlohmann::json;

Error bad(std::string path, std::string message) {
  Error e;
  e.object = "AdmissionReview";
  e.path = std::move(path);
  e.message = std::move(message);
  return e;
}

using model::JsonView;

// The value as JSON text, for messages.
std::string text_of(JsonView v) {
  if (v.is_absent()) return "nothing";
  auto j = model::build_json(v);
  return j ? j->dump(-1, ' ', false, json::error_handler_t::replace) : "?";
}

// Reads an optional string member's value `v` into *out; a present non-string value is an
// error at `at` + `key`.
Status opt_string(JsonView v, std::string_view at, std::string_view key, std::string& out) {
  if (v.is_null()) {
    out.clear();
    return ok_status();
  }
  if (!v.is_string()) return bad(std::string(at).append(key), "must be a string");
  out.assign(v.str());
  return ok_status();
}

Status read_gvk(JsonView gvk, const char* key, std::string& group, std::string& version,
                std::string& kind_or_resource, const char* last) {
  if (gvk.is_null()) return ok_status();
  if (!gvk.is_object()) return bad(std::string("request.") + key, "must be an object");
  const std::string at = std::string("request.") + key + ".";
  const std::string_view keys[] = {"group", "version", last};
  JsonView m[3];
  gvk.pick(keys, m);
  std::string* dst[] = {&group, &version, &kind_or_resource};
  for (std::size_t i = 0; i < 3; ++i)
    if (auto s = opt_string(m[i], at, keys[i], *dst[i]); !s) return s;
  return ok_status();
}

Result<std::vector<std::string>> string_list(JsonView list, const std::string& at) {
  std::vector<std::string> out;
  if (!list.is_array()) return bad(at, "must be a list of strings");
  for (JsonView v : list.elements()) {
    if (!v.is_string()) return bad(at, "must be a list of strings");
    out.emplace_back(v.str());
  }
  return out;
}

Status read_user(JsonView u, UserInfo& user) {
  if (u.is_null()) return ok_status();
  if (!u.is_object()) return bad("request.userInfo", "must be an object");
  static constexpr std::string_view kKeys[] = {"username", "uid", "groups", "extra"};
  JsonView m[std::size(kKeys)];
  u.pick(kKeys, m);
  if (auto s = opt_string(m[0], "request.userInfo.", kKeys[0], user.username); !s) return s;
  if (auto s = opt_string(m[1], "request.userInfo.", kKeys[1], user.uid); !s) return s;
  if (JsonView g = m[2]; !g.is_null()) {
    auto groups = string_list(g, "request.userInfo.groups");
    if (!groups) return groups.error();
    user.groups = std::move(*groups);
  }
  if (JsonView x = m[3]; !x.is_null()) {
    if (!x.is_object()) return bad("request.userInfo.extra", "must be a map of string lists");
    // In key order, so that the first bad entry named is always the same one.
    for (const auto& [k, vs] : x.members()) {
      const std::string key(k);
      auto list = string_list(vs, "request.userInfo.extra." + key);
      if (!list) return list.error();
      user.extra[key] = std::move(*list);
    }
  }
  return ok_status();
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// kube-apiserver accepts `<webhook>/<key>` only when key is a qualified name without '/'
// (reference §2.7); anything else would be dropped there, so it is dropped here.
// ([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?, at most 63 characters.)
bool valid_audit_key(const std::string& key) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (key.empty() || key.size() > 63 || !alnum(key.front()) || !alnum(key.back())) return false;
  return std::all_of(key.begin(), key.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// The parts of an object no rule set reads, left out when it is built: an Argo CD Application's
// status (the controller's record of every resource, sync and health; most of a live
// Application's bytes) and, for every kind, metadata.managedFields.
bool unread_of_application(std::span<const std::string> path, const json&) {
  return (path.size() == 1 && path[0] == "status") ||
         (path.size() == 2 && path[0] == "metadata" && path[1] == "managedFields");
}
bool unread(std::span<const std::string> path, const json&) {
  return path.size() == 2 && path[0] == "metadata" && path[1] == "managedFields";
}

}  // namespace

Result<ReviewView> read_review(JsonView doc) {
  if (!doc.is_object()) return bad("", "body must be a JSON object");
  // Each object's members read in one walk (JsonView::pick), then checked in this order.
  static constexpr std::string_view kTop[] = {"apiVersion", "kind", "request"};
  JsonView top[std::size(kTop)];
  doc.pick(kTop, top);
  const auto [api, kind, req] = top;
  if (api.str() != "admission.k8s.io/v1")
    return bad("apiVersion", "must be \"admission.k8s.io/v1\" (got " + text_of(api) + ")");
  if (kind.str() != "AdmissionReview")
    return bad("kind", "must be \"AdmissionReview\" (got " + text_of(kind) + ")");
  if (!req.is_object())
    return bad("request", "required: an AdmissionReview sent to a webhook carries a request");

  enum {
    kUid,
    kKind,
    kResource,
    kSubResource,
    kName,
    kNamespace,
    kOperation,
    kUserInfo,
    kObject,
    kOldObject,
    kDryRun
  };
  static constexpr std::string_view kRequest[] = {"uid",    "kind",      "resource",  "subResource",
                                                  "name",   "namespace", "operation", "userInfo",
                                                  "object", "oldObject", "dryRun"};
  JsonView m[std::size(kRequest)];
  req.pick(kRequest, m);

  ReviewView review;
  RequestInfo& r = review.info;
  if (auto s = opt_string(m[kUid], "request.", "uid", r.uid); !s) return s.error();
  if (r.uid.empty()) return bad("request.uid", "required");
  if (auto s = read_gvk(m[kKind], "kind", r.kind.group, r.kind.version, r.kind.kind, "kind"); !s)
    return s.error();
  if (auto s = read_gvk(m[kResource], "resource", r.resource.group, r.resource.version,
                        r.resource.resource, "resource");
      !s)
    return s.error();
  const std::pair<int, std::string*> strings[] = {{kSubResource, &r.subResource},
                                                  {kName, &r.name},
                                                  {kNamespace, &r.namespace_},
                                                  {kOperation, &r.operation}};
  for (auto [i, dst] : strings)
    if (auto s = opt_string(m[i], "request.", kRequest[i], *dst); !s) return s.error();
  static const char* kOps[] = {"CREATE", "UPDATE", "DELETE", "CONNECT"};
  if (std::find(std::begin(kOps), std::end(kOps), r.operation) == std::end(kOps))
    return bad("request.operation",
               "must be one of CREATE, UPDATE, DELETE, CONNECT (got \"" + r.operation + "\")");
  if (auto s = read_user(m[kUserInfo], r.userInfo); !s) return s.error();
  review.object = m[kObject];
  review.oldObject = m[kOldObject];
  for (int i : {kObject, kOldObject}) {
    if (!m[i].is_null() && !m[i].is_object())
      return bad("request." + std::string(kRequest[i]), "must be an object");
  }
  if (JsonView d = m[kDryRun]; !d.is_null()) {
    if (!d.is_bool()) return bad("request.dryRun", "must be a boolean");
    r.dryRun = bool(d.element());
  }
  return review;
}

Result<AdmissionRequest> build_request(const ReviewView& review) {
  AdmissionRequest r;
  static_cast<RequestInfo&>(r) = review.info;
  const bool application =
      r.resource.group == "argoproj.io" && r.resource.resource == "applications";
  static const model::JsonReadOptions kApplication{unread_of_application, 2};
  static const model::JsonReadOptions kOther{unread, 2};
  for (auto [view, dst] :
       {std::pair<JsonView, json*>{review.object, &r.object}, {review.oldObject, &r.oldObject}}) {
    auto built = model::build_json(view, application ? kApplication : kOther);
    if (!built) return bad("request", built.error().message);
    *dst = std::move(*built);
  }
  return r;
}

Result<ReviewView> read_review(model::JsonDocument& doc, std::string_view body) {
  auto root = doc.parse(body);
  if (!root) return bad("", "body is not valid JSON: " + root.error().message);
  return read_review(*root);
}

Result<AdmissionRequest> parse_review(std::string_view body) {
  thread_local model::JsonDocument mine;
  std::optional<model::JsonDocument> own;
  auto review = read_review(model::scratch_document(body.size(), mine, own), body);
  if (!review) return review.error();
  return build_request(*review);
}

JsonPatch JsonPatch::of(const json& ops) {
  if (!ops.is_array() || ops.empty()) return {};
  std::string text;
  model::append_json(text, ops);
  return JsonPatch(std::move(text));
}

json JsonPatch::ops() const { return text_.empty() ? json::array() : json::parse(text_); }

std::string encode_review_response(const AdmissionResponse& response) {
  // Written directly (model/json_writer.h): the members in the order nlohmann's dump of the same
  // object writes them, sorted by key.
  using model::append_json_string;
  std::string out = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{)";
  out += response.allowed ? R"("allowed":true)" : R"("allowed":false)";
  bool first_audit = true;
  for (const auto& [k, v] : response.auditAnnotations) {
    if (!valid_audit_key(k)) continue;
    out += first_audit ? R"(,"auditAnnotations":{)" : ",";
    first_audit = false;
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  if (!first_audit) out += '}';
  if (response.allowed && !response.patch.empty()) {
    out += R"(,"patch":")";
    out += base64(response.patch.text());
    out += R"(","patchType":"JSONPatch")";
  }
  if (!response.allowed) {
    out += R"(,"status":{"code":)";
    out += std::to_string(response.code >= 400 ? response.code : 403);
    if (!response.message.empty()) {
      out += R"(,"message":)";
      append_json_string(out, response.message);
    }
    out += R"(,"reason":)";
    append_json_string(out, response.reason.empty() ? "Forbidden" : response.reason);
    out += R"(,"status":"Failure"})";
  }
  out += R"(,"uid":)";
  append_json_string(out, response.uid);
  std::vector<std::string> seen;
  for (const auto& w : response.warnings) {
    std::string c = clean_warning(w);
    if (c.empty() || std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    out += seen.empty() ? R"(,"warnings":[)" : ",";
    append_json_string(out, c);
    seen.push_back(std::move(c));
  }
  if (!seen.empty()) out += ']';
  out += "}}";
  return out;
}

}  // namespace freightgate::admission
