// Manifest streams, image pinning in every workload kind, the floating check and stamping.
#include <gtest/gtest.h>

#include <string>

#include "freightgate/render/manifests.h"
#include "freightgate/render/pin.h"

using freightgate::freight::ImageRef;
using freightgate::render::Limits;
using freightgate::render::Object;
using freightgate::render::pin_images;
using freightgate::render::PinOptions;
using freightgate::render::read_manifests;
using freightgate::render::stamp;
using freightgate::render::write_manifests;

namespace {

const std::string kDigest = "sha256:" + std::string(64, 'c');

std::vector<Object> read(const std::string& text, std::vector<std::string>* notes = nullptr) {
  auto r = read_manifests(text, "t.yaml", Limits{}, notes);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? *r : std::vector<Object>{};
}

std::string pod_template(const std::string& image) {
  return "      template:\n        spec:\n          containers:\n          - name: c\n            "
         "image: " +
         image + "\n";
}

TEST(ReadManifests, MultiDocListsAndNonKubernetes) {
  std::vector<std::string> notes;
  auto objs = read(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\n"
      "replicaCount: 3\n---\n"
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: "
      "b}\n"
      "- {apiVersion: v1, kind: Secret, metadata: {name: c}}\n- just: data\n---\n"
      "apiVersion: v1\nkind: ServiceList\nitems: null\n",
      &notes);
  ASSERT_EQ(objs.size(), 3u);
  EXPECT_EQ(objs[0].display_name(), "ConfigMap \"a\"");
  EXPECT_EQ(objs[1].display_name(), "Service \"b\"");
  EXPECT_EQ(objs[2].display_name(), "Secret \"c\"");
  EXPECT_EQ(objs[1].line, 11);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("t.yaml:6"), std::string::npos) << notes[0];
}

TEST(ReadManifests, AliasBombRefused) {
  std::string bomb =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: &a "
      "[\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string n = "l" + std::to_string(i);
    bomb += "  " + n + ": &" + n + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" +
            prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
    prev = n;
  }
  auto r = read_manifests(bomb, "bomb.yaml", Limits{}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("alias"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(r.error().file, "bomb.yaml");
}

TEST(ReadManifests, SizeBound) {
  Limits l;
  l.max_file_bytes = 100;
  auto r = read_manifests(std::string(200, '#'), "big.yaml", l, nullptr);
  ASSERT_FALSE(r.ok());
}

TEST(WriteManifests, DeterministicAndTypePreserving) {
  auto objs = read(
      "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\ndata: {port: \"8080\", on: \"yes\", "
      "e: \"\", t: \"true\"}\n"
      "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n");
  const std::string out = write_manifests(objs);
  EXPECT_EQ(out, write_manifests(read(out)));
  auto again = read(out);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].body, objs[0].body);
  EXPECT_EQ(again[0].body["data"]["port"], "8080");
  EXPECT_EQ(again[0].body["data"]["on"], "yes");
  EXPECT_EQ(out.rfind("apiVersion: v1\n", 0), 0u);  // keys sorted
  EXPECT_NE(out.find("\n---\napiVersion: v1\nkind: Namespace"), std::string::npos);
  EXPECT_EQ(write_manifests({}), "");
}

TEST(WriteManifests, RoundTripsAwkwardValues) {
  nlohmann::json body = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", "awkward"}, {"labels", {{"app.kubernetes.io/name", "x"}}}}},
      {"data",
       {{"clip", "line1\nline2\n"},
        {"strip", "line1\n\nline3"},
        {"keep", "a\nb\n\n\n"},
        {"indented", "  starts with spaces\nx\n"},
        {"trailing", "a \nb\n"},
        {"colon", "a: b"},
        {"hash", "a #b"},
        {"url", "http://x/y?z=1&w=2"},
        {"number", "0x1F"},
        {"float", "1e3"},
        {"null", "~"},
        {"No", "No"},
        {"empty", ""},
        {"dash", "- x"},
        {"star", "*x"},
        {"unicode", "grüße ✓"},
        {"tab", "a\tb"},
        {"quote", "say \"hi\""},
        {"8080", "key looks like a number"}}},
      {"spec",
       {{"n", 1.5},
        {"i", -3},
        {"b", false},
        {"z", nullptr},
        {"emptyMap", nlohmann::json::object()},
        {"emptyList", nlohmann::json::array()},
        {"nested", {{1, 2}, nlohmann::json::array(), {{"a", {{"b", {1}}}}}, "s"}},
        {"script", {{{"run", "set -e\necho hi\n"}, {"name", "step"}}}}}}};
  std::vector<Object> objs{Object{body, "x", 1}};
  const std::string out = write_manifests(objs);
  auto back = read_manifests(out, "out", Limits{}, nullptr);
  ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << out;
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].body, body) << out;
  EXPECT_NE(out.find("  clip: |\n    line1\n    line2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("image"), 0u);
}

struct KindCase {
  std::string doc;
  std::string pointer;  // to the image
};

TEST(PinImages, EveryWorkloadKindAndContainerList) {
  const std::string img = "ghcr.io/acme/app:old";
  const KindCase cases[] = {
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: " +
           img + "}]\n",
       "/spec/containers/0/image"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: c, "
       "image: " +
           img + "}]\n",
       "/spec/initContainers/0/image"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  ephemeralContainers: [{name: c, "
       "image: " +
           img + "}]\n",
       "/spec/ephemeralContainers/0/image"},
      {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n" + pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: d}\nspec:\n" + pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n" + pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: d}\nspec:\n" + pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: d}\nspec:\n" +
           pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: batch/v1\nkind: Job\nmetadata: {name: d}\nspec:\n" + pod_template(img),
       "/spec/template/spec/containers/0/image"},
      {"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: d}\nspec:\n" +
           pod_template(img),
       "/spec/template/spec/containers/0/image"},
  };
  for (const auto& c : cases) {
    auto objs = read(c.doc);
    ASSERT_EQ(objs.size(), 1u) << c.doc;
    PinOptions o;
    o.images = {ImageRef{"ghcr.io/acme/app", "1.2.3", kDigest}};
    auto r = pin_images(objs, o);
    ASSERT_TRUE(r.ok()) << c.doc << r.error().to_string();
    EXPECT_EQ(r->pinned, 1u) << c.doc;
    EXPECT_EQ(objs[0].body.at(nlohmann::json::json_pointer(c.pointer)),
              "ghcr.io/acme/app:1.2.3@" + kDigest);
  }
}

TEST(PinImages, CronJobPath) {
  auto objs = read(
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    "
      "spec:\n      template:\n"
      "        spec:\n          containers: [{name: c, image: 'localhost:5000/app'}]\n");
  PinOptions o;
  o.images = {ImageRef{"localhost:5000/app", "v2", ""}};
  ASSERT_TRUE(pin_images(objs, o).ok());
  EXPECT_EQ(
      objs[0].body["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"],
      "localhost:5000/app:v2");
}

TEST(PinImages, OtherImagesAndKindsUntouched) {
  auto objs = read("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n" +
                   pod_template("ghcr.io/acme/app-sidecar:1") +
                   "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {image: "
                   "'ghcr.io/acme/app:old'}\n");
  PinOptions o;
  o.images = {ImageRef{"ghcr.io/acme/app", "1", ""}};
  auto r = pin_images(objs, o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->pinned, 0u);
  ASSERT_EQ(r->unmatched, std::vector<std::string>{"ghcr.io/acme/app"});
  EXPECT_EQ(objs[0].body["spec"]["template"]["spec"]["containers"][0]["image"],
            "ghcr.io/acme/app-sidecar:1");
  EXPECT_EQ(objs[1].body["data"]["image"], "ghcr.io/acme/app:old");
  o.fail_on_unmatched_pin = true;
  auto strict = pin_images(objs, o);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().message.find("matches no container"), std::string::npos);
}

TEST(PinImages, FloatingInCustomResourceIsAnError) {
  auto objs = read(
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k, namespace: "
      "ns}\nspec:\n" +
      pod_template("ghcr.io/acme/app:latest"));
  PinOptions o;
  o.images = {ImageRef{"ghcr.io/acme/app", "1", ""}};
  auto r = pin_images(objs, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().object, "Service \"ns/k\"");
  EXPECT_EQ(r.error().path, "spec.template.spec.containers[0].image");
  EXPECT_NE(r.error().message.find("write \"ghcr.io/acme/app:1\""), std::string::npos)
      << r.error().message;
  o.fail_on_floating = false;
  EXPECT_TRUE(pin_images(objs, o).ok());
}

TEST(PinImages, OtherSpellingOfPinnedRepositoryIsFloating) {
  auto objs = read(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "
      "'nginx:1.25'}]\n");
  PinOptions o;
  o.images = {ImageRef{"docker.io/library/nginx", "1.27", ""}};
  auto r = pin_images(objs, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("differently"), std::string::npos) << r.error().message;
}

TEST(PinImages, CustomResourceDefinitionsAreNotScanned) {
  auto objs = read(
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: "
      "x.example.com}\n"
      "spec:\n  example:\n    containers: [{image: 'ghcr.io/acme/app:latest'}]\n");
  PinOptions o;
  o.images = {ImageRef{"ghcr.io/acme/app", "1", ""}};
  EXPECT_TRUE(pin_images(objs, o).ok());
}

TEST(Stamp, EveryObjectKeepsItsAnnotations) {
  auto objs = read(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {keep: me}}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
  stamp(objs, "abc", "prod");
  for (const auto& o : objs) {
    EXPECT_EQ(o.body["metadata"]["annotations"]["freightgate.io/freight"], "abc");
    EXPECT_EQ(o.body["metadata"]["annotations"]["freightgate.io/stage"], "prod");
  }
  EXPECT_EQ(objs[0].body["metadata"]["annotations"]["keep"], "me");
}

}  // namespace
