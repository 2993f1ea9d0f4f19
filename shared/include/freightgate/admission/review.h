// AdmissionReview admission.k8s.io/v1: the request kube-apiserver sends and the response it
// accepts (reference admission-webhooks.md §1–2). Pure data + (de)serialisation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/admission/authorizer.h"
#include "freightgate/status.h"

namespace freightgate::admission {

struct GroupVersionKind {
  std::string group, version, kind;
};
struct GroupVersionResource {
  std::string group, version, resource;
};

// Everything about a request but its objects: what logs, metrics and messages name.
struct RequestInfo {
  std::string uid;
  GroupVersionKind kind;
  GroupVersionResource resource;
  std::string subResource;
  std::string name;
  std::string namespace_;
  std::string operation;  // CREATE | UPDATE | DELETE | CONNECT
  UserInfo userInfo;
  bool dryRun = false;
};

struct AdmissionRequest : RequestInfo {
  // Read-only once parsed: deciding never copies them (they are most of a review's bytes).
  nlohmann::json object;     // null when absent
  nlohmann::json oldObject;  // null when absent
};

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  int code = 0;                                         // status.code, set on denial (403)
  std::string reason;                                   // status.reason, e.g. "Forbidden"
  std::string message;                                  // status.message
  nlohmann::json patch;                                 // JSON Patch array, or null for none
  std::map<std::string, std::string> auditAnnotations;  // keys without '/'
  std::vector<std::string> warnings;
};

// Parses an AdmissionReview v1 body. Errors (malformed JSON, wrong apiVersion/kind, missing
// request or uid) are the caller's 400 Bad Request.
Result<AdmissionRequest> parse_review(std::string_view body);

// Serialises {apiVersion, kind, response}: patch as standard padded base64 with
// patchType JSONPatch only when there is a non-empty patch; status only on denial.
std::string encode_review_response(const AdmissionResponse& response);

}  // namespace freightgate::admission
