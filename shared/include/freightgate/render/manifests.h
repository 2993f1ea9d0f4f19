// Manifest streams: reading rendered or hand-written Kubernetes YAML into objects, and writing
// them back as one deterministic YAML stream.
//
// Reading goes through model::parse_stream, so size, nesting and YAML alias expansion are
// bounded (alias bombs are refused, not expanded). `kind: List` / `*List` documents are
// flattened into their items, as Argo CD and kustomize do. Documents that are not Kubernetes
// objects (no string apiVersion and kind) are skipped with a note.
//
// Writing emits every object in block style with sorted keys, sequences at their key's indent
// (kubectl's layout), strings that could read back as another type double-quoted, multi-line
// text as literal blocks; documents separated by "---". Same objects in, same bytes out, and
// read_manifests(write_manifests(x)) == x.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "freightgate/status.h"

namespace freightgate::render {

// Bounds on what one render may read. Defaults suit the Argo CD gRPC limit (100 MiB total).
struct Limits {
  size_t max_file_bytes = 16u << 20;    // one input file or one stream
  size_t max_total_bytes = 64u << 20;   // all files read plus all tool output
  size_t max_files = 20000;             // files looked at in a plain directory walk
  size_t max_alias_expansions = 10000;  // nodes copied by YAML aliases, per stream
  size_t max_depth = 256;               // YAML nesting
};

// One Kubernetes object and where it came from (for messages).
struct Object {
  nlohmann::json body;
  std::string file;
  int line = 0;

  // `Deployment "guestbook"` (`Deployment "ns/guestbook"` with a namespace).
  std::string display_name() const;
};

// Parses a stream, flattens Lists, skips non-Kubernetes documents (one note each, naming file
// and line). Errors name file:line and say what to fix.
Result<std::vector<Object>> read_manifests(std::string_view text, const std::string& file,
                                           const Limits& limits, std::vector<std::string>* notes);

// Parses `text` under `limits` only to refuse what read_manifests would refuse (syntax, size,
// alias bombs) before another tool reads the file.
Status check_stream(std::string_view text, const std::string& file, const Limits& limits);

// The YAML stream of `objects`, "---" between documents, "" for no objects.
std::string write_manifests(const std::vector<Object>& objects);

}  // namespace freightgate::render
