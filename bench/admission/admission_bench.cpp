// The policy engine alone on the reviews bench/webhook-load posts (bench/admission/*.json:
// alice's UPDATE of guestbook-dev asking for Freight jolly-jaguar, and the object the mutate
// patch produced): parse, decide, encode, per phase; no TLS, no HTTP. Run from any directory:
//   build-bench/bench/fg-admission-bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "freightgate/admission/engine.h"
#include "freightgate/file.h"
#include "freightgate/state/dir_source.h"

using namespace freightgate;

namespace {

std::string slurp(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw std::runtime_error(text.error().to_string());
  return std::move(*text);
}

struct Fixture {
  std::shared_ptr<state::DirSource> source;
  admission::EngineConfig config;
  std::string mutate = slurp(FG_SOURCE_DIR "/bench/admission/review-mutate.json");
  std::string validate = slurp(FG_SOURCE_DIR "/bench/admission/review-validate.json");
  model::Time now = model::Time{} + std::chrono::seconds(1795687200);  // 2026-11-26T10:00:00Z

  Fixture() {
    auto src = state::DirSource::open(FG_SOURCE_DIR "/examples/guestbook");
    if (!src) throw std::runtime_error(src.error().to_string());
    source = *src;
  }
  admission::Decision run(admission::Phase phase, const std::string& body) const {
    admission::Context ctx{*source->current(), *source->authorizer(), now, config};
    return admission::handle(phase, body, ctx);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// Fails the benchmark unless the decision is the one bench/webhook-load expects.
void check(benchmark::State& state, const admission::Decision& d, bool want_patch) {
  if (!d.ok) return state.SkipWithError(d.failure.message.c_str());
  if (!d.response.allowed) return state.SkipWithError(d.response.message.c_str());
  if (want_patch == d.response.patch.empty())
    state.SkipWithError(want_patch ? "mutate returned no patch" : "validate returned a patch");
}

void Parse(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(admission::parse_review(f.mutate));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.mutate.size()));
}

void Decide(benchmark::State& state, admission::Phase phase) {
  const auto& f = fixture();
  const std::string& body = phase == admission::Phase::Mutate ? f.mutate : f.validate;
  check(state, f.run(phase, body), phase == admission::Phase::Mutate);
  for (auto _ : state) {
    auto d = f.run(phase, body);
    benchmark::DoNotOptimize(admission::encode_review_response(d.response));
  }
}

void Validate(benchmark::State& s) { Decide(s, admission::Phase::Validate); }
void Mutate(benchmark::State& s) { Decide(s, admission::Phase::Mutate); }

}  // namespace

BENCHMARK(Parse);
BENCHMARK(Validate);
BENCHMARK(Mutate);
BENCHMARK_MAIN();
