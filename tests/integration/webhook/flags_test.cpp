// Unit tests of freightgate-webhook's command line (webhook/flags.cpp): Go-style durations as
// the apiserver's ?timeout= and the manifests write them, RFC 3339 for --now, env fallback and
// flag precedence, and errors that name the flag or env var.
#include "flags.h"

#include <map>

#include <gtest/gtest.h>

using namespace freightgate::webhook;
using std::chrono::milliseconds;

namespace {

EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](const char* k) -> std::optional<std::string> {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Duration, GoForms) {
  EXPECT_EQ(*parse_duration("10s"), milliseconds(10000));
  EXPECT_EQ(*parse_duration("1m0s"), milliseconds(60000));
  EXPECT_EQ(*parse_duration("1m30s"), milliseconds(90000));
  EXPECT_EQ(*parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(*parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*parse_duration("1h"), milliseconds(3600000));
  EXPECT_EQ(*parse_duration("3"), milliseconds(3000));
}

TEST(Duration, Rejects) {
  for (const char* bad : {"", "s", "10x", "ten", "10s5", "-1s", "1 s"})
    EXPECT_FALSE(parse_duration(bad).ok()) << bad;
}

TEST(Rfc3339, ZuluOffsetsAndFractions) {
  auto z = parse_rfc3339("2026-11-27T19:00:00Z");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(z->time_since_epoch()).count(),
            1795806000);
  auto plus = parse_rfc3339("2026-11-27T20:00:00+01:00");
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(*plus, *z);
  auto frac = parse_rfc3339("2026-11-27T19:00:00.5Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(*frac - *z).count(), 500);
  EXPECT_FALSE(parse_rfc3339("2026-11-27").ok());
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-11-27T19:00:00").ok());
}

TEST(Flags, DefaultsAreTheInternalsTable) {
  auto f = parse_flags({}, env_of({}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->listen, "0.0.0.0:9443");
  EXPECT_EQ(f->tls_cert_file, "/etc/freightgate/tls/tls.crt");
  EXPECT_EQ(f->tls_key_file, "/etc/freightgate/tls/tls.key");
  EXPECT_EQ(f->state, "kube");
  EXPECT_EQ(f->webhook_name, "applications.freightgate.io");
  EXPECT_EQ(f->metrics_listen, "");
  EXPECT_EQ(f->log_level, "info");
  EXPECT_EQ(f->drain_grace, milliseconds(20000));
  EXPECT_EQ(f->max_staleness, milliseconds(300000));
  EXPECT_EQ(f->max_body_bytes, 7u * 1024 * 1024);
  EXPECT_FALSE(f->now.has_value());
  EXPECT_FALSE(f->control_plane_users.has_value());
}

TEST(Flags, EnvThenFlagPrecedence) {
  auto env = env_of({{"FG_LISTEN", "127.0.0.1:1"},
                     {"FG_STATE", "dir:examples/guestbook"},
                     {"FG_DRAIN_GRACE", "5s"},
                     {"FG_NAMESPACES", "a,b"},
                     {"KUBECONFIG", "/k"}});
  auto f = parse_flags({"--listen", "127.0.0.1:2", "--drain-grace=7s"}, env);
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_EQ(f->listen, "127.0.0.1:2");
  EXPECT_EQ(f->state, "dir:examples/guestbook");
  EXPECT_EQ(f->drain_grace, milliseconds(7000));
  EXPECT_EQ(f->namespaces, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f->kubeconfig, "/k");
}

TEST(Flags, ErrorsNameTheFlagOrEnv) {
  auto bad_listen = parse_flags({"--listen", "9443"}, env_of({}));
  ASSERT_FALSE(bad_listen.ok());
  EXPECT_NE(bad_listen.error().to_string().find("--listen"), std::string::npos);
  auto bad_env = parse_flags({}, env_of({{"FG_DRAIN_GRACE", "soon"}}));
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.error().to_string().find("FG_DRAIN_GRACE"), std::string::npos);
  auto bad_state = parse_flags({"--state", "git:repo"}, env_of({}));
  ASSERT_FALSE(bad_state.ok());
  EXPECT_NE(bad_state.error().to_string().find("dir:PATH"), std::string::npos);
  EXPECT_FALSE(parse_flags({"--bogus"}, env_of({})).ok());
  EXPECT_FALSE(parse_flags({"--listen"}, env_of({})).ok());
  EXPECT_FALSE(parse_flags({"--control-plane-users", "(unclosed"}, env_of({})).ok());
  EXPECT_FALSE(parse_flags({"--log-level", "loud"}, env_of({})).ok());
  EXPECT_FALSE(parse_flags({"--max-body-bytes", "10"}, env_of({})).ok());
}

}  // namespace
