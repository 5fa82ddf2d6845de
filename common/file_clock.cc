// Reading the time from a file: parse, keep the last good value.
#include "common/file_clock.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/civil_date.h"

namespace samverkan {
namespace {

std::optional<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

StatusOr<int64_t> ParseClockText(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  const std::string s(text);
  CivilDate d;
  int hour = 0, minute = 0, second = 0;
  char tail = 0;
  int n = 0;
  const bool date_only = s.size() == 10 &&
                         std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &d.year,
                                     &d.month, &d.day, &n) == 3 &&
                         n == 10;
  const bool date_time =
      s.size() == 20 &&
      std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &d.year, &d.month,
                  &d.day, &hour, &minute, &second, &tail) == 7 &&
      tail == 'Z';
  if ((!date_only && !date_time) || !IsValidCivilDate(d) || hour > 23 ||
      minute > 59 || second > 59) {
    return InvalidArgumentError("clock text \"" + s +
                                "\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  }
  const int64_t seconds =
      DaysFromCivil(d) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000000;
}

StatusOr<std::unique_ptr<FileClock>> FileClock::Open(std::string path) {
  std::optional<std::string> text = ReadAll(path);
  if (!text) return NotFoundError("cannot read clock file " + path);
  StatusOr<int64_t> now = ParseClockText(*text);
  if (!now.ok()) return now.status();
  return std::unique_ptr<FileClock>(new FileClock(std::move(path), *now));
}

int64_t FileClock::NowMicros() const {
  if (std::optional<std::string> text = ReadAll(path_)) {
    StatusOr<int64_t> now = ParseClockText(*text);
    if (now.ok() && *now > last_.load()) last_ = *now;
  }
  return last_.load();
}

}  // namespace samverkan
