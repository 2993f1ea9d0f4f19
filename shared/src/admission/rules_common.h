// Internal helpers shared by the pipeline-kind rule sets (rules_<kind>.cpp): naming the object
// in messages, decoding the request's object, Kubernetes name rules, label selectors and name
// patterns, the project check and authorization questions.
//
// Every denial reads `<Kind> "<name>" in namespace "<ns>": <field>: <problem>; <way out>`.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "freightgate/admission/engine.h"
#include "freightgate/admission/respond.h"
#include "freightgate/model/decode.h"
#include "freightgate/model/json_view.h"

namespace freightgate::admission::rules {

inline constexpr const char* kAliasLabel = "kargo.akuity.io/alias";
inline constexpr const char* kShardLabel = "kargo.akuity.io/shard";
inline constexpr const char* kProjectLabel = "kargo.akuity.io/project";
inline constexpr const char* kStageLabel = "kargo.akuity.io/stage";
inline constexpr const char* kStageAnnotation = "kargo.akuity.io/stage";
inline constexpr const char* kCreateActorAnnotation = "kargo.akuity.io/create-actor";

// `Freight "abc" in namespace "guestbook"`, or `Project "guestbook"` when ns is empty.
std::string describe(std::string_view kind, std::string_view ns, std::string_view name);

// The object the request is about, described: kind from the request, name from the object
// (or the request, or `generateName*`), namespace from the request.
std::string describe(const AdmissionRequest& req);
// The same for a request whose object (`object`, never oldObject) is read as a view.
std::string describe(const RequestInfo& req, model::JsonView object);

// The object of the request: `object`, or `oldObject` on DELETE.
const nlohmann::json& subject_object(const AdmissionRequest& req);

// `<who>: <field>: <text>` (field left out when empty).
std::string message(std::string_view who, std::string_view field, std::string_view text);

// Decodes `obj` (an AdmissionReview object) as T. A kind mismatch is an error too.
template <class T>
Result<T> decode_as(const nlohmann::json& obj) {
  auto any = model::decode_json(obj);
  if (!any) return any.error();
  if (T* t = std::get_if<T>(&*any)) return std::move(*t);
  Error e;
  e.path = "kind";
  e.message = "unexpected kind \"" + obj.value("kind", std::string()) + "\"";
  return e;
}

// Denial for an object that does not decode: names the field and keeps the decoder's advice.
Decision deny_invalid(const AdmissionRequest& req, const Error& error);

// Kubernetes name rules (k8s.io/apimachinery validation).
bool is_dns1123_label(std::string_view s);      // [a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 63
bool is_dns1123_subdomain(std::string_view s);  // labels joined by '.', <= 253
// "" when valid, else e.g. `"Foo" is not a valid DNS-1123 label (lowercase letters, digits and
// '-', starting and ending with a letter or digit, at most 63 characters)`.
std::string dns1123_label_problem(std::string_view s);
std::string dns1123_subdomain_problem(std::string_view s);

// "" when `ns` is a Kargo project namespace, else the problem and the fix.
std::string project_problem(const state::Snapshot& snapshot, std::string_view ns);

// Kargo stage name patterns: exact name, "regex:..."/"regexp:..." or "glob:...".
// "" when it parses, else the problem.
std::string name_pattern_problem(std::string_view pattern);
// Whether `name` matches the pattern (exact, regex search semantics anchored as written, or
// glob with * ? [..]). An unparseable pattern matches nothing.
bool name_pattern_matches(std::string_view pattern, std::string_view name);

// "" when the selector's matchExpressions are well-formed, else `<path>...: problem`.
std::string label_selector_problem(const nlohmann::json& selector, const std::string& path);

// Asks the authorizer whether the requester may `verb` the Stage `stage` in `ns`
// (group kargo.akuity.io, resource stages). An authorizer error is returned as is.
Result<bool> may_on_stage(const Context& ctx, const UserInfo& user, std::string_view verb,
                          std::string_view ns, std::string_view stage);

// The requester as Kargo's actor string: `kubernetes:<username>`.
std::string kubernetes_actor(const UserInfo& user);

// String field `key` of a JSON object ("" when absent or not a string).
std::string json_str(const nlohmann::json& obj, const char* key);

// Reads metadata.labels / metadata.annotations of a JSON object ("" when absent).
std::string json_label(const nlohmann::json& obj, const std::string& key);
std::string json_annotation(const nlohmann::json& obj, const std::string& key);
// Sets (or, with nullopt, removes) a label/annotation, creating the parent maps as needed.
void set_json_label(nlohmann::json& obj, const std::string& key, std::optional<std::string> v);
void set_json_annotation(nlohmann::json& obj, const std::string& key, std::optional<std::string> v);

}  // namespace freightgate::admission::rules
