// `freightgate freight id -f FILE...`: prints the Kargo name (40 hex, Kargo's
// GenerateFreightID) of every Freight document in FILE, one per line, in document order.
// Other kinds in the file are skipped. "-" reads standard input.
//
//   --explain                     also print the exact string that is hashed
//   --include-subscription-name   Kargo main's variant (subscriptionName suffix, after v1.11.2)
//   --check                       exit 1 when a document's metadata.name differs from its ID
//
// Exit: 0 ok, 1 a decoding problem / no Freight / --check mismatch, 2 usage error.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "command.h"
#include "freightgate/freight/id.h"
#include "freightgate/model/decode.h"

namespace freightgate::cli {
namespace {

constexpr const char* kUsage =
    "usage: freightgate freight id -f FILE [-f FILE]... [--explain] [--check]\n"
    "                              [--include-subscription-name]\n";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "freightgate freight id: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

bool is_freight(const model::Document& d) {
  if (!d.body.is_object()) return false;
  auto kind = d.body.find("kind");
  auto api = d.body.find("apiVersion");
  return kind != d.body.end() && kind->is_string() && *kind == "Freight" && api != d.body.end() &&
         api->is_string() && api->get<std::string>().rfind("kargo.akuity.io/", 0) == 0;
}

int run_freight_id(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  bool explain = false, check = false;
  freight::FreightIdOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-f" || a == "--filename") {
      if (i + 1 >= args.size()) return usage_error(a + " needs a file name");
      files.push_back(args[++i]);
    } else if (a.rfind("--filename=", 0) == 0) {
      files.push_back(a.substr(11));
    } else if (a == "--explain") {
      explain = true;
    } else if (a == "--check") {
      check = true;
    } else if (a == "--include-subscription-name") {
      options.include_subscription_name = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      return usage_error("unknown argument \"" + a + "\"");
    }
  }
  if (files.empty()) return usage_error("-f FILE is required");

  int status = 0;
  for (const std::string& file : files) {
    Result<std::vector<model::Document>> docs =
        file == "-" ? model::parse_stream(std::string(std::istreambuf_iterator<char>(std::cin),
                                                      std::istreambuf_iterator<char>()),
                                          "<stdin>")
                    : model::parse_file(file);
    if (!docs.ok()) {
      std::fprintf(stderr, "%s\n", docs.error().to_string().c_str());
      status = 1;
      continue;
    }
    size_t found = 0;
    for (const model::Document& doc : *docs) {
      if (!is_freight(doc)) continue;
      ++found;
      Result<model::Freight> f = model::decode_freight(doc);
      if (!f.ok()) {
        std::fprintf(stderr, "%s\n", f.error().to_string().c_str());
        status = 1;
        continue;
      }
      const std::string id = freight::freight_id(*f, options);
      std::printf("%s\n", id.c_str());
      if (explain)
        std::printf("  %s\n", freight::freight_id_input(f->origin, f->commits, f->images, f->charts,
                                                        f->artifacts, options)
                                  .c_str());
      if (check && f->metadata.name != id) {
        Error e;
        e.file = doc.file;
        e.line = doc.line;
        e.object = f->display_name();
        e.path = "metadata.name";
        e.message = "is not the Freight's ID " + id +
                    " (Kargo names Freight by its content); set metadata.name: " + id;
        std::fprintf(stderr, "%s\n", e.to_string().c_str());
        status = 1;
      }
    }
    if (found == 0) {
      std::fprintf(stderr,
                   "%s: no Freight documents (kind: Freight, apiVersion: "
                   "kargo.akuity.io/v1alpha1)\n",
                   file.c_str());
      status = 1;
    }
  }
  std::fflush(stdout);
  return status;
}

const Registration kFreightId{Command{
    {"freight", "id"},
    "freight id -f FILE",
    "print the Kargo name (Freight ID) of each Freight document in FILE",
    run_freight_id,
}};

}  // namespace
}  // namespace freightgate::cli
