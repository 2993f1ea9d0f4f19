// Human-friendly Freight aliases ("wonky-wombat"), like Kargo's moniker-based generator
// (reference kargo-api.md §2.2): a random adjective, "-", a random animal.
//
// Randomness is injected (std::mt19937), so tests and demos are reproducible with a seed;
// mt19937 is fully specified by the standard, and the index is taken as `rng() % size`, so a
// seed gives the same aliases on every platform.
//
// Thread-safety: the word lists are immutable; a generator (std::mt19937) is not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "freightgate/status.h"

namespace freightgate::freight {

// The word lists (lowercase, [a-z] only, no duplicates).
std::span<const std::string_view> alias_adjectives();
std::span<const std::string_view> alias_animals();

// One alias from `rng`.
std::string generate_alias(std::mt19937& rng);

// Kargo's retry loop: draws aliases from `rng` until `taken(alias)` is false. Fails after
// `max_attempts` draws (Kargo loops forever; we prefer an error that says what to do).
Result<std::string> unique_alias(std::mt19937& rng,
                                 const std::function<bool(const std::string&)>& taken,
                                 int max_attempts = 1000);
// Convenience: a fresh generator seeded with `seed`.
Result<std::string> unique_alias(uint32_t seed,
                                 const std::function<bool(const std::string&)>& taken,
                                 int max_attempts = 1000);

// True when `s` has the alias shape "<adjective>-<animal>" with both words from the lists.
bool is_generated_alias(std::string_view s);

}  // namespace freightgate::freight
