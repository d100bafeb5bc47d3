#pragma once

#include <optional>
#include <ostream>

#include "indexer/index_job.hpp"

namespace revsearch::indexer {

/// The parsed command line: options for a run, or nothing when the command was informational
/// (--help, --version, --list-languages) and has already printed its answer to `out`.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<IndexOptions> parse_command_line(int argc, const char* const* argv,
                                                             std::ostream& out);

/// `revsearch-index`: the whole program. Returns the exit code: 0 ok, 1 error, 2 usage,
/// 3 finished but some records were rejected. Never throws.
[[nodiscard]] int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace revsearch::indexer
