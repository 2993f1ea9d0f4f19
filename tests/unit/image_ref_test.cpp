// Image references: kustomize's Split/IsImageMatched cases (api/internal/image/image_test.go),
// the images transformer's tag/digest rules, validation and the IMAGES pin list.
#include "freightgate/freight/image_ref.h"

#include <gtest/gtest.h>

using freightgate::freight::apply_pin;
using freightgate::freight::image_matches;
using freightgate::freight::ImageRef;
using freightgate::freight::parse_image_pins;
using freightgate::freight::parse_image_ref;
using freightgate::freight::split_image;

namespace {

struct SplitCase {
  const char* in;
  const char* name;
  const char* tag;
  const char* digest;
};

TEST(SplitImage, KustomizeCases) {
  const SplitCase cases[] = {
      {"nginx", "nginx", "", ""},
      {"nginx:1.2", "nginx", "1.2", ""},
      {"nginx@sha256:abc", "nginx", "", "sha256:abc"},
      {"nginx:1.2@sha256:abc", "nginx", "1.2", "sha256:abc"},
      {"localhost:5000/app", "localhost:5000/app", "", ""},
      {"localhost:5000/app:v1", "localhost:5000/app", "v1", ""},
      {"localhost:5000/app@sha256:abc", "localhost:5000/app", "", "sha256:abc"},
      {"localhost:5000/app:v1@sha256:abc", "localhost:5000/app", "v1", "sha256:abc"},
      {"ghcr.io/acme/team/app:1.0.0", "ghcr.io/acme/team/app", "1.0.0", ""},
      {"docker.io/library/nginx:latest", "docker.io/library/nginx", "latest", ""},
  };
  for (const auto& c : cases) {
    ImageRef r = split_image(c.in);
    EXPECT_EQ(r.name, c.name) << c.in;
    EXPECT_EQ(r.tag, c.tag) << c.in;
    EXPECT_EQ(r.digest, c.digest) << c.in;
    EXPECT_EQ(r.str(), c.in);
  }
}

TEST(ImageRef, RegistryAndPath) {
  EXPECT_EQ(split_image("localhost:5000/a/b:1").registry(), "localhost:5000");
  EXPECT_EQ(split_image("localhost:5000/a/b:1").path(), "a/b");
  EXPECT_EQ(split_image("localhost/a").registry(), "localhost");
  EXPECT_EQ(split_image("ghcr.io/a").registry(), "ghcr.io");
  EXPECT_EQ(split_image("acme/app").registry(), "");
  EXPECT_EQ(split_image("acme/app").path(), "acme/app");
  EXPECT_EQ(split_image("nginx").registry(), "");
}

TEST(ImageMatches, KustomizeSemantics) {
  EXPECT_TRUE(image_matches("nginx", "nginx"));
  EXPECT_TRUE(image_matches("nginx:1.2", "nginx"));
  EXPECT_TRUE(image_matches("nginx:", "nginx"));
  EXPECT_TRUE(image_matches("nginx@sha256:abc", "nginx"));
  EXPECT_TRUE(image_matches("nginx:1.2@sha256:abc", "nginx"));
  EXPECT_TRUE(image_matches("nginx:{{TAG}}", "nginx"));
  EXPECT_TRUE(image_matches("localhost:5000/app:v1", "localhost:5000/app"));
  // A longer name or another registry is another image.
  EXPECT_FALSE(image_matches("nginx-extra:1", "nginx"));
  EXPECT_FALSE(image_matches("my/nginx:1", "nginx"));
  EXPECT_FALSE(image_matches("nginx/sidecar:1", "nginx"));
  EXPECT_FALSE(image_matches("localhost:5000/app", "localhost"));
  EXPECT_FALSE(image_matches("docker.io/nginx:1", "nginx"));
  EXPECT_FALSE(image_matches("nginx:1/2", "nginx"));
  EXPECT_FALSE(image_matches("nginx@abc", "nginx"));
  // Literal comparison: kustomize's unescaped regex would match "axb" for "a.b".
  EXPECT_FALSE(image_matches("ghcrxio/app", "ghcr.io/app"));
  EXPECT_FALSE(image_matches("", "nginx"));
  EXPECT_FALSE(image_matches("nginx", ""));
}

TEST(ApplyPin, TagAndDigestRules) {
  const std::string d = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(apply_pin("nginx:1.0", ImageRef{"nginx", "1.2", d}), "nginx:1.2@" + d);
  EXPECT_EQ(apply_pin("nginx@sha256:old", ImageRef{"nginx", "1.2", ""}), "nginx:1.2");
  EXPECT_EQ(apply_pin("nginx:1.0@sha256:old", ImageRef{"nginx", "1.2", ""}), "nginx:1.2");
  EXPECT_EQ(apply_pin("nginx:1.0", ImageRef{"nginx", "", d}), "nginx@" + d);
  EXPECT_EQ(apply_pin("localhost:5000/app", ImageRef{"localhost:5000/app", "v2", ""}),
            "localhost:5000/app:v2");
}

TEST(ParseImageRef, Valid) {
  for (const char* s :
       {"nginx", "nginx:1.25.3", "ghcr.io/acme/app:v1_2-3", "localhost:5000/a/b",
        "registry.example.com:443/team/app__x/y-z:1",
        "ghcr.io/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}) {
    auto r = parse_image_ref(s);
    EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().to_string());
  }
}

TEST(ParseImageRef, InvalidSaysWhy) {
  struct C {
    const char* in;
    const char* why;
  };
  const C cases[] = {
      {"", "empty"},
      {"Nginx", "path component"},
      {"acme/App", "path component"},
      {"nginx:", "tag"},
      {"nginx:-x", "tag"},
      {"nginx@sha256:abc", "digest"},
      {"nginx@sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "digest"},
      {"bad_host:5000/app", "registry"},
      {"a//b", "path component"},
  };
  for (const auto& c : cases) {
    auto r = parse_image_ref(c.in, "IMAGES[0]");
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.error().path, "IMAGES[0]");
    EXPECT_NE(r.error().message.find(c.why), std::string::npos)
        << c.in << " -> " << r.error().message;
  }
}

TEST(ParseImagePins, ListFormat) {
  const std::string d = "sha256:" + std::string(64, 'b');
  auto pins = parse_image_pins(" ghcr.io/a/x:1.0@" + d + ", localhost:5000/y:2 ,z@" + d + ",");
  ASSERT_TRUE(pins.ok()) << pins.error().to_string();
  ASSERT_EQ(pins->size(), 3u);
  EXPECT_EQ((*pins)[0], (ImageRef{"ghcr.io/a/x", "1.0", d}));
  EXPECT_EQ((*pins)[1], (ImageRef{"localhost:5000/y", "2", ""}));
  EXPECT_EQ((*pins)[2], (ImageRef{"z", "", d}));
  EXPECT_TRUE(parse_image_pins("").ok());
  EXPECT_TRUE(parse_image_pins("")->empty());
}

TEST(ParseImagePins, Refusals) {
  auto floating = parse_image_pins("ghcr.io/a/x");
  ASSERT_FALSE(floating.ok());
  EXPECT_NE(floating.error().message.find("pins no version"), std::string::npos);
  auto twice = parse_image_pins("a:1,b:2,a:3");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().path, "IMAGES[2]");
  EXPECT_NE(twice.error().message.find("pinned twice"), std::string::npos);
}

}  // namespace
