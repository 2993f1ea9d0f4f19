#include "freightgate/status.h"

namespace freightgate {

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!object.empty()) out += object + ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

}  // namespace freightgate
