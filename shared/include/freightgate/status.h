// Error values for the whole core. Nothing in libfreightgate throws across its public API:
// fallible functions return Result<T>, whose error names where the problem is (file, line,
// object, field path) and what to do about it.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace freightgate {

struct Error {
  std::string file;     // source file of the document, "" when not from a file
  int line = 0;         // 1-based line in `file`, 0 when unknown
  std::string object;   // e.g. `Stage "prod"`, "" when not about one object
  std::string path;     // field path, e.g. `spec.requestedFreight[0].origin.name`
  std::string message;  // what is wrong and how to fix it, e.g. "required"

  // "stages.yaml:14: Stage \"prod\": spec.requestedFreight[0].origin.name: required"
  // Parts that are empty are left out together with their separator.
  std::string to_string() const;
};

// Either a value or an Error. Modelled on std::expected (C++23), which g++ 12 lacks in C++20.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}   // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For functions that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace freightgate
