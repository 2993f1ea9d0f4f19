// AdmissionReview v1 parsing and response encoding (reference admission-webhooks.md §1–2).
#include "freightgate/admission/review.h"

#include <openssl/evp.h>

#include <regex>
#include <span>

#include "freightgate/admission/respond.h"
#include "freightgate/model/json_reader.h"

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

// Reads an optional string member; a present non-string value is an error.
Result<std::string> opt_string(const json& obj, const char* key, const std::string& at) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return bad(at + key, "must be a string");
  return it->get<std::string>();
}

Status read_gvk(const json& req, const char* key, std::string& group, std::string& version,
                std::string& kind_or_resource, const char* last) {
  auto it = req.find(key);
  if (it == req.end() || it->is_null()) return ok_status();
  if (!it->is_object()) return bad(std::string("request.") + key, "must be an object");
  const std::string at = std::string("request.") + key + ".";
  auto g = opt_string(*it, "group", at);
  if (!g) return g.error();
  auto v = opt_string(*it, "version", at);
  if (!v) return v.error();
  auto k = opt_string(*it, last, at);
  if (!k) return k.error();
  group = *g;
  version = *v;
  kind_or_resource = *k;
  return ok_status();
}

Status read_user(const json& req, UserInfo& user) {
  auto it = req.find("userInfo");
  if (it == req.end() || it->is_null()) return ok_status();
  if (!it->is_object()) return bad("request.userInfo", "must be an object");
  auto name = opt_string(*it, "username", "request.userInfo.");
  if (!name) return name.error();
  user.username = *name;
  auto uid = opt_string(*it, "uid", "request.userInfo.");
  if (!uid) return uid.error();
  user.uid = *uid;
  if (auto g = it->find("groups"); g != it->end() && !g->is_null()) {
    if (!g->is_array()) return bad("request.userInfo.groups", "must be a list of strings");
    for (const auto& v : *g) {
      if (!v.is_string()) return bad("request.userInfo.groups", "must be a list of strings");
      user.groups.push_back(v.get<std::string>());
    }
  }
  if (auto x = it->find("extra"); x != it->end() && !x->is_null()) {
    if (!x->is_object()) return bad("request.userInfo.extra", "must be a map of string lists");
    for (const auto& [k, vs] : x->items()) {
      if (!vs.is_array()) return bad("request.userInfo.extra." + k, "must be a list of strings");
      auto& out = user.extra[k];
      for (const auto& v : vs) {
        if (!v.is_string()) return bad("request.userInfo.extra." + k, "must be a list of strings");
        out.push_back(v.get<std::string>());
      }
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
bool valid_audit_key(const std::string& key) {
  static const std::regex re("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");
  return !key.empty() && key.size() <= 63 && std::regex_match(key, re);
}

// The parts of a review no rule set reads, left out while parsing: an Argo CD Application's
// status (the controller's record of every resource, sync and health; most of a live
// Application's bytes) and, for every kind, metadata.managedFields. kube-apiserver writes
// request.resource before object and oldObject; a review in another order is read whole.
bool unread(std::span<const std::string> path, const json& so_far) {
  if (path.size() < 3 || path[0] != "request" || (path[1] != "object" && path[1] != "oldObject"))
    return false;
  if (path.size() == 4) return path[2] == "metadata" && path[3] == "managedFields";
  if (path.size() != 3 || path[2] != "status") return false;
  auto req = so_far.find("request");  // open, so present, but never assumed
  if (req == so_far.end() || !req->is_object()) return false;
  auto res = req->find("resource");
  if (res == req->end() || !res->is_object()) return false;
  auto group = res->find("group");
  auto resource = res->find("resource");
  return group != res->end() && *group == "argoproj.io" && resource != res->end() &&
         *resource == "applications";
}

}  // namespace

Result<AdmissionRequest> parse_review(std::string_view body) {
  static const model::JsonReadOptions kReviewReading{unread, 4};
  auto read = model::read_json(body, kReviewReading);
  if (!read) return bad("", "body is not valid JSON: " + read.error().message);
  json doc = std::move(*read);
  if (!doc.is_object()) return bad("", "body must be a JSON object");
  auto api = doc.find("apiVersion");
  if (api == doc.end() || !api->is_string() || *api != "admission.k8s.io/v1")
    return bad("apiVersion", "must be \"admission.k8s.io/v1\" (got " +
                                 (api == doc.end() ? std::string("nothing") : api->dump()) + ")");
  auto kind = doc.find("kind");
  if (kind == doc.end() || !kind->is_string() || *kind != "AdmissionReview")
    return bad("kind", "must be \"AdmissionReview\" (got " +
                           (kind == doc.end() ? std::string("nothing") : kind->dump()) + ")");
  auto reqit = doc.find("request");
  if (reqit == doc.end() || !reqit->is_object())
    return bad("request", "required: an AdmissionReview sent to a webhook carries a request");
  // Not const: object and oldObject are moved out of the parsed document (it dies here) instead
  // of deep-copied; they are the bulk of a review.
  json& req = *reqit;

  AdmissionRequest r;
  auto uid = opt_string(req, "uid", "request.");
  if (!uid) return uid.error();
  if (uid->empty()) return bad("request.uid", "required");
  r.uid = *uid;
  if (auto s = read_gvk(req, "kind", r.kind.group, r.kind.version, r.kind.kind, "kind"); !s)
    return s.error();
  if (auto s = read_gvk(req, "resource", r.resource.group, r.resource.version, r.resource.resource,
                        "resource");
      !s)
    return s.error();
  for (auto [key, dst] : {std::pair<const char*, std::string*>{"subResource", &r.subResource},
                          {"name", &r.name},
                          {"namespace", &r.namespace_},
                          {"operation", &r.operation}}) {
    auto v = opt_string(req, key, "request.");
    if (!v) return v.error();
    *dst = *v;
  }
  static const char* kOps[] = {"CREATE", "UPDATE", "DELETE", "CONNECT"};
  if (std::find(std::begin(kOps), std::end(kOps), r.operation) == std::end(kOps))
    return bad("request.operation",
               "must be one of CREATE, UPDATE, DELETE, CONNECT (got \"" + r.operation + "\")");
  if (auto s = read_user(req, r.userInfo); !s) return s.error();
  if (auto o = req.find("object"); o != req.end()) r.object = std::move(*o);
  if (auto o = req.find("oldObject"); o != req.end()) r.oldObject = std::move(*o);
  for (auto [key, dst] :
       {std::pair<const char*, json*>{"object", &r.object}, {"oldObject", &r.oldObject}}) {
    if (!dst->is_null() && !dst->is_object())
      return bad(std::string("request.") + key, "must be an object");
  }
  if (auto d = req.find("dryRun"); d != req.end() && !d->is_null()) {
    if (!d->is_boolean()) return bad("request.dryRun", "must be a boolean");
    r.dryRun = d->get<bool>();
  }
  return r;
}

std::string encode_review_response(const AdmissionResponse& response) {
  json resp = json::object();
  resp["uid"] = response.uid;
  resp["allowed"] = response.allowed;
  if (!response.allowed) {
    json status = json::object();
    status["code"] = response.code >= 400 ? response.code : 403;
    status["reason"] = response.reason.empty() ? "Forbidden" : response.reason;
    if (!response.message.empty()) status["message"] = response.message;
    status["status"] = "Failure";
    resp["status"] = std::move(status);
  } else if (response.patch.is_array() && !response.patch.empty()) {
    resp["patchType"] = "JSONPatch";
    resp["patch"] = base64(response.patch.dump());
  }
  json audit = json::object();
  for (const auto& [k, v] : response.auditAnnotations)
    if (valid_audit_key(k)) audit[k] = v;
  if (!audit.empty()) resp["auditAnnotations"] = std::move(audit);
  json warnings = json::array();
  std::vector<std::string> seen;
  for (const auto& w : response.warnings) {
    std::string c = clean_warning(w);
    if (c.empty() || std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    seen.push_back(c);
    warnings.push_back(c);
  }
  if (!warnings.empty()) resp["warnings"] = std::move(warnings);
  json out = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}};
  out["response"] = std::move(resp);
  return out.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

}  // namespace freightgate::admission
