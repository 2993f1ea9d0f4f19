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
#include "freightgate/model/json_view.h"
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

// A JSON Patch as the compact JSON text kube-apiserver receives (base64-encoded), or none.
// The mutating webhook writes it once (diff_patch_text) and never builds it as json values;
// ops() parses it for those who read the operations (tests, `freightgate check`).
class JsonPatch {
 public:
  JsonPatch() = default;  // none
  // `text` is a JSON Patch array; "[]" (nothing to do) is none.
  explicit JsonPatch(std::string text) : text_(text == "[]" ? std::string() : std::move(text)) {}
  // The text of `ops`; none unless it is a non-empty array.
  static JsonPatch of(const nlohmann::json& ops);

  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }
  // The operations; an empty array when there are none.
  nlohmann::json ops() const;

 private:
  std::string text_;
};

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  int code = 0;                                         // status.code, set on denial (403)
  std::string reason;                                   // status.reason, e.g. "Forbidden"
  std::string message;                                  // status.message
  JsonPatch patch;                                      // JSON Patch, or none
  std::map<std::string, std::string> auditAnnotations;  // keys without '/'
  std::vector<std::string> warnings;
};

// A review as read from its parsed text: the request's fields, and its objects as views.
struct ReviewView {
  RequestInfo info;
  model::JsonView object;     // absent or null when the review has none
  model::JsonView oldObject;  // idem
};

// Reads and checks an AdmissionReview v1 from `root`, the parse of its body (building nothing
// of the objects). Errors (wrong apiVersion/kind, missing request or uid, fields of the wrong
// type) are the caller's 400 Bad Request.
Result<ReviewView> read_review(model::JsonView root);
// Parses `body` into `doc`, then read_review: the views point into `doc`. Malformed JSON is an
// error too.
Result<ReviewView> read_review(model::JsonDocument& doc, std::string_view body);

// The request with its objects built as nlohmann::json, leaving out what no rule set reads: an
// Argo CD Application's status and every object's metadata.managedFields.
Result<AdmissionRequest> build_request(const ReviewView& review);

// Parses an AdmissionReview v1 body: read_review + build_request. Errors (malformed JSON, and
// those of read_review) are the caller's 400 Bad Request.
Result<AdmissionRequest> parse_review(std::string_view body);

// Serialises {apiVersion, kind, response}: patch as standard padded base64 with
// patchType JSONPatch only when there is a non-empty patch; status only on denial.
std::string encode_review_response(const AdmissionResponse& response);

}  // namespace freightgate::admission
