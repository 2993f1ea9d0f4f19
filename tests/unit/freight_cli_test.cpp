// Freight IDs of the example pipeline's Freight, through the library and through
// `freightgate freight id` (the CLI binary, when it has been built).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "admission_test_util.h"
#include "freightgate/freight/id.h"
#include "freightgate/model/decode.h"

namespace fs = std::filesystem;
using namespace freightgate;

namespace {

const std::string kExample = std::string(FG_SOURCE_DIR) + "/examples/guestbook/freight.yaml";
const std::string kCli = std::string(FG_BINARY_DIR) + "/cli/freightgate";

std::vector<model::Freight> example_freight() {
  std::vector<model::Freight> out;
  auto docs = model::parse_file(kExample);
  EXPECT_TRUE(docs.ok()) << docs.error().to_string();
  if (!docs.ok()) return out;
  for (const auto& d : *docs) {
    if (d.body.value("kind", "") != "Freight") continue;
    auto f = model::decode_freight(d);
    EXPECT_TRUE(f.ok()) << f.error().to_string();
    if (f.ok()) out.push_back(*f);
  }
  return out;
}

struct Proc {
  int status = -1;
  std::string out;
};

// Runs a shell command, capturing stdout (stderr folded in with 2>&1 by the caller if wanted).
Proc run(const std::string& cmd) {
  Proc r;
  r.out = fgtest::run(cmd, &r.status);
  return r;
}

TEST(FreightExamples, NamesAreKargoIds) {
  auto all = example_freight();
  ASSERT_EQ(all.size(), 3u);
  for (const auto& f : all) EXPECT_EQ(freight::freight_id(f), f.metadata.name) << f.alias;
}

TEST(FreightIdCli, PrintsOneIdPerFreightDocument) {
  if (!fs::exists(kCli)) GTEST_SKIP() << kCli << " not built";
  Proc r = run(kCli + " freight id -f " + kExample);
  ASSERT_EQ(r.status, 0) << r.out;
  std::string want;
  for (const auto& f : example_freight()) want += f.metadata.name + "\n";
  EXPECT_EQ(r.out, want);
  EXPECT_EQ(run(kCli + " freight id --check -f " + kExample + " >/dev/null").status, 0);
}

TEST(FreightIdCli, CheckFlagsAWrongName) {
  if (!fs::exists(kCli)) GTEST_SKIP() << kCli << " not built";
  const fs::path tmp = fs::temp_directory_path() / ("fg-freight-id-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const fs::path file = tmp / "freight.yaml";
  {
    std::ofstream out(file);
    out << "apiVersion: kargo.akuity.io/v1alpha1\n"
           "kind: Freight\n"
           "metadata:\n"
           "  name: my-freight\n"
           "  namespace: demo\n"
           "origin: {kind: Warehouse, name: my-warehouse}\n"
           "images:\n"
           "- {repoURL: ghcr.io/example/app, tag: v1.2.3, digest: 'sha256:deadbeef'}\n"
           "commits:\n"
           "- {repoURL: 'https://github.com/example/repo.git', id: abc123}\n"
           "charts:\n"
           "- {repoURL: 'https://charts.example.com', name: app, version: 1.0.0}\n"
           "---\n"
           "apiVersion: v1\n"
           "kind: ConfigMap\n"
           "metadata: {name: ignored}\n";
  }
  Proc r = run(kCli + " freight id -f " + file.string() + " 2>/dev/null");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "8f3266597adb502c7b0513f3497e4e8d0a19d679\n");  // reference §2.1
  r = run(kCli + " freight id --check -f " + file.string() + " 2>&1 >/dev/null");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("freight.yaml:1: Freight \"my-freight\": metadata.name: is not the "
                       "Freight's ID 8f3266597adb502c7b0513f3497e4e8d0a19d679"),
            std::string::npos)
      << r.out;
  // A file without Freight is an error, and so is a missing -f.
  r = run(kCli + " freight id -f " + (tmp / "nope.yaml").string() + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(run(kCli + " freight id 2>/dev/null").status, 2);
  fs::remove_all(tmp);
}

}  // namespace
