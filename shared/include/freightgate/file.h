// Reading a whole file.
//
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "freightgate/status.h"

namespace freightgate {

// The bytes of the file at `path`; an error naming the file and why it cannot be read.
Result<std::string> read_file(const std::string& path);

}  // namespace freightgate
