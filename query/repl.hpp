#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "query/printer.hpp"
#include "query/searcher.hpp"

namespace revsearch::query {

/// A source of input lines for the REPL.
class LineReader {
public:
    virtual ~LineReader() = default;
    /// Reads the next line into `line`. Returns false at end of input.
    virtual bool read_line(std::string& line) = 0;
};

/// Lines from a stream, with no prompt: for pipes, scripts and tests.
class StreamLineReader final : public LineReader {
public:
    explicit StreamLineReader(std::istream& in) : in_(in) {}
    bool read_line(std::string& line) override;

private:
    std::istream& in_;
};

/// Lines from GNU readline, with a prompt, editing, and a history file kept between sessions
/// (`$HOME/.revsearch_history`). For terminals only.
class ReadlineLineReader final : public LineReader {
public:
    explicit ReadlineLineReader(std::string prompt);
    ~ReadlineLineReader() override;
    bool read_line(std::string& line) override;

private:
    std::string prompt_;
    std::string history_file_;
};

/// The interactive loop: a line is a query, or a command starting with ':' (see kReplHelp).
/// It reuses one Searcher, so the database stays open across queries. An error on one line is
/// reported on `err` and the session goes on.
class Repl {
public:
    /// `searcher`, `out` and `err` must outlive the REPL.
    Repl(Searcher& searcher, SearchRequest defaults, PrintOptions print, std::ostream& out,
         std::ostream& err);

    /// Runs until :quit or end of input. Returns the exit code (0).
    int run(LineReader& reader);
    /// Convenience: runs over the lines of a stream.
    int run(std::istream& in);

    /// Handles one line. Returns false when the session should end.
    bool handle_line(const std::string& line);

private:
    void run_query();
    void command(const std::string& name, const std::string& arg);
    [[nodiscard]] const Hit* hit_by_rank(const std::string& arg) const;
    /// The typed query plus the facet filters chosen with :facet.
    [[nodiscard]] std::string effective_query() const;

    Searcher& searcher_;
    SearchRequest request_;
    PrintOptions print_;
    std::ostream& out_;
    std::ostream& err_;
    std::optional<SearchResult> last_;
    std::vector<std::string> filters_;
};

/// The REPL's help text.
extern const char* const kReplHelp;

}  // namespace revsearch::query
