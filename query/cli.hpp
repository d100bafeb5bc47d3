#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "query/printer.hpp"
#include "query/searcher.hpp"
#include "query/server.hpp"

namespace revsearch::query {

/// The parsed command line of revsearch-query.
struct QueryOptions {
    std::string db_path;
    SearchRequest request;
    PrintOptions print;
    bool repl = false;          ///< --repl, or no query given on a terminal
    bool highlight_given = false;
    bool stats = false;         ///< --stats: describe the index instead of searching
    bool check = false;         ///< --check: say whether the index is sound (exit 0) or not (1)
    std::string queries_file;   ///< --queries: batch mode, a TREC run out
    bool number_by_position = false;
    bool manifest = false;      ///< --manifest: the run starts with the manifest as comments
    OpenOptions open;           ///< --allow-partial, --timeout: how a sharded index is opened
    std::optional<ServerOptions> serve;  ///< --serve [ADDR:]PORT: the HTTP API and search page
};

/// Parses argv. Returns nullopt when the command was informational (--help, --version) and
/// has printed its answer to `out`. `terminal` says whether stdout is a terminal (it picks
/// colour and the default highlight). Throws UsageError for a bad command line.
[[nodiscard]] std::optional<QueryOptions> parse_command_line(int argc, const char* const* argv,
                                                             std::ostream& out, bool terminal);

/// `revsearch-query`: the whole program. Reads REPL input from `in` when it is not a terminal.
/// Returns 0 ok, 1 error, 2 usage or malformed query. Never throws.
[[nodiscard]] int run(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                      std::ostream& err);

}  // namespace revsearch::query
