// Helpers for the install tests: run a command, parse a YAML stream into JSON documents, validate
// a document against an OpenAPI v3 / JSON Schema subset, and inspect X.509 certificates.
//
// The schema validator covers the subset freightgate's CRDs and values.schema.json use: type
// (one or a list), properties, required, additionalProperties (bool or schema), items, enum,
// pattern, minLength/maxLength, minimum/maximum, minItems/maxItems, format date-time, $ref to
// #/definitions/..., and the Kubernetes extensions x-kubernetes-preserve-unknown-fields and
// x-kubernetes-int-or-string. Like `kubectl apply` (strict field validation), a field that an
// object schema does not declare is an error unless the object preserves unknown fields.
// CEL rules (x-kubernetes-validations) are not evaluated.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fgtest {

using nlohmann::json;

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs argv (no shell) with extra environment entries "K=V"; captures stdout and stderr.
CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// Starts argv in the background with stdout and stderr appended to `log_file`; returns the pid
// (or -1). Stop it with kill(pid, SIGTERM) and reap it with wait_exit().
int spawn(const std::vector<std::string>& argv, const std::string& log_file);
// Waits up to `timeout_ms` for pid to exit; returns its exit code, or -1 after SIGKILL on timeout.
int wait_exit(int pid, int timeout_ms);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// Finds an executable on PATH; "" when absent.
std::string which(const std::string& name);

std::string read_file(const std::string& path);

// Parses a YAML stream (documents separated by ---) into JSON values, resolving plain scalars
// the YAML 1.2 core-schema way (true/false/null/ints/floats) and keeping quoted ones strings.
// Empty documents are skipped. Throws YAML::Exception on malformed input.
std::vector<json> parse_yaml_stream(const std::string& text);
json parse_yaml(const std::string& text);  // exactly one document

// Validates `value` against `schema`; `root` resolves $ref. Returns one message per problem,
// each starting with the JSON path (".spec.windows[0].kind: ...").
std::vector<std::string> validate(const json& schema, const json& value, const json& root);
inline std::vector<std::string> validate(const json& schema, const json& value) {
  return validate(schema, value, schema);
}

// Structural-schema problems (apiextensions rules): every node has a type unless it preserves
// unknown fields or is int-or-string; properties and additionalProperties are exclusive.
std::vector<std::string> structural_errors(const json& schema, const std::string& path = "");

// Base64 (standard alphabet) decode; throws std::runtime_error on bad input.
std::string base64_decode(const std::string& text);

// What the install tests need from a PEM certificate.
struct CertInfo {
  bool ok = false;
  std::string error;
  std::vector<std::string> dns_names;
  bool is_ca = false;
  bool currently_valid = false;
  bool signed_by_ca = false;  // verifies with the public key of `ca_pem`
  bool matches_key = false;   // private key `key_pem` belongs to it
};
CertInfo inspect_cert(const std::string& cert_pem, const std::string& ca_pem = "",
                      const std::string& key_pem = "");

}  // namespace fgtest
