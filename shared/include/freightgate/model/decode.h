// Decoding YAML/JSON documents into model objects, and encoding them back.
//
// A YAML stream is first parsed into Documents (JSON trees that remember the source line of
// every node); each Document is then decoded by kind. Decoding errors carry the full field path
// and file:line, e.g.
//   stages.yaml:14: Stage "prod": spec.requestedFreight[0].origin.name: required
// Unknown fields never fail: they stay in ObjectBase::raw, and encode() writes them back.
//
// What decoding checks is what the CRD schema (and its CEL rules) would: types, required
// fields, enum values, Go durations, RFC 3339 times, one-of rules (a subscription has one
// type; a step has uses or task). Meaning beyond that (URL validity, Warehouse/Stage
// existence) is the admission rule sets' and the pipeline graph's business.
//
// Parsing: YAML 1.2 core schema for plain scalars (true/false, numbers, null/~); quoted and
// block scalars are strings. Merge keys (<<) are honoured; duplicate keys and non-scalar keys
// are errors. The line recorded for a mapping entry is the line of its key.
//
// Thread-safety: all functions are pure; Documents are immutable after parsing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/model/argocd.h"
#include "freightgate/model/kargo.h"
#include "freightgate/model/policy.h"
#include "freightgate/model/rbac.h"
#include "freightgate/status.h"

namespace freightgate::model {

// Limits that protect parsers from hostile input (alias bombs, huge files).
struct ParseLimits {
  size_t max_bytes = 16 * 1024 * 1024;  // whole stream
  size_t max_alias_expansions = 10000;  // nodes copied by expanding YAML aliases, per stream
  size_t max_depth = 256;               // nesting
};

// One document of a stream: its JSON value and where its nodes came from.
struct Document {
  nlohmann::json body;
  std::string file;
  int line = 0;  // line of the document's first node
  // JSON pointer ("/spec/requestedFreight/0") -> 1-based source line; may be null for JSON input.
  std::shared_ptr<const std::map<std::string, int>> lines;

  // Best-known line of the node at `pointer`, walking up to the nearest parent known.
  int line_of(const std::string& pointer) const;
};

// Parses a YAML (or JSON, a YAML subset) stream. Empty documents are skipped. `file` is only
// used for messages.
Result<std::vector<Document>> parse_stream(std::string_view text, const std::string& file,
                                           const ParseLimits& limits = {});

// Reads and parses one file.
Result<std::vector<Document>> parse_file(const std::string& path, const ParseLimits& limits = {});

// Every kind freightgate decodes. Unknown kinds decode to `Unknown`.
struct Unknown : ObjectBase {};
using AnyObject =
    std::variant<Project, ProjectConfig, Warehouse, Freight, Stage, Promotion, PromotionTask,
                 Application, PromotionPolicy, Namespace, Role, RoleBinding, Unknown>;

// Decoders: one per kind. They check field types and required fields, apply Kargo's defaults,
// and keep the whole document in `raw`.
Result<Project> decode_project(const Document& doc);
Result<ProjectConfig> decode_project_config(const Document& doc);
Result<Warehouse> decode_warehouse(const Document& doc);
Result<Freight> decode_freight(const Document& doc);
Result<Stage> decode_stage(const Document& doc);
Result<Promotion> decode_promotion(const Document& doc);
Result<PromotionTask> decode_promotion_task(const Document& doc);
Result<Application> decode_application(const Document& doc);
Result<PromotionPolicy> decode_promotion_policy(const Document& doc);
Result<Namespace> decode_namespace(const Document& doc);
Result<Role> decode_role(const Document& doc);                 // Role and ClusterRole
Result<RoleBinding> decode_role_binding(const Document& doc);  // RoleBinding and ClusterRoleBinding

// Dispatches on apiVersion/kind. Kinds: kargo.akuity.io/v1alpha1 Project, ProjectConfig,
// Warehouse, Freight, Stage, Promotion, PromotionTask and ClusterPromotionTask (decoded as a
// PromotionTask whose `kind` says which); argoproj.io/v1alpha1 Application;
// freightgate.io/v1alpha1 PromotionPolicy; v1 Namespace; rbac.authorization.k8s.io/v1 Role,
// ClusterRole, RoleBinding, ClusterRoleBinding. Anything else (including documents without
// apiVersion/kind) decodes to Unknown without error.
Result<AnyObject> decode_any(const Document& doc);

// Every decoding problem of one document (decode_any stops at the first); empty when it
// decodes. Used by `freightgate validate` to report all problems at once.
std::vector<Error> check(const Document& doc);

// Decodes as far as possible: the object with every field that did decode, and in `errors`
// every problem (none when decode_any would succeed). For tools that go on after a bad
// field, e.g. validate's graph checks still see a Stage with one bad field.
AnyObject decode_partial(const Document& doc, std::vector<Error>& errors);

// The common head of any decoded object.
const ObjectBase& base(const AnyObject& o);
ObjectBase& base(AnyObject& o);

// Decodes an object that arrived as JSON (e.g. AdmissionReview request.object).
Result<AnyObject> decode_json(const nlohmann::json& object, const std::string& what = "");

// Encoders: `raw` with the typed fields written over it (round-trip safe).
nlohmann::json encode(const Freight& f);
nlohmann::json encode(const Stage& s);
nlohmann::json encode(const Application& a);
nlohmann::json encode(const Warehouse& w);
nlohmann::json encode(const Promotion& p);
nlohmann::json encode(const Project& p);
nlohmann::json encode(const ProjectConfig& p);
nlohmann::json encode(const PromotionTask& t);
nlohmann::json encode(const PromotionPolicy& p);
nlohmann::json encode(const Namespace& n);
nlohmann::json encode(const Role& r);
nlohmann::json encode(const RoleBinding& b);
nlohmann::json encode(const Unknown& u);
nlohmann::json encode(const AnyObject& o);

// Encodes a JSON value as YAML with stable key order (deterministic output). Strings that
// would read back as another type ("true", "1.0", "null", "") are quoted, so
// parse_stream(to_yaml(v)) == v.
std::string to_yaml(const nlohmann::json& value);

}  // namespace freightgate::model
