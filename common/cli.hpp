#pragma once

#include <string>

#include <boost/program_options.hpp>

#include "common/analyzer.hpp"

/// Option groups shared by the executables. Each group adds its options to a description and
/// fills a plain struct, so parsing is testable in-process with a fake argv.
namespace revsearch::cli {

/// `--db DIR`: the database; defaults to $REVSEARCH_DB, else ./revsearch.db.
struct DatabaseOptions {
    std::string path;
    void add_to(boost::program_options::options_description& desc);
};

/// `--language`, `--stopwords`: how text is analysed. Only the indexer takes these; the query
/// side reads them from the index.
struct AnalyzerOptions {
    std::string language = "english";
    /// "none", "english" or a file. English by default: it raised MAP on all three judged
    /// collections (docs/EVALUATION.md) and drops the most frequent postings.
    std::string stopwords = "english";
    /// "packed" (one value per document) or "xapian" (Xapian's position table, which
    /// xapian-tcpsrv and Xapian's own tools can search by phrase).
    std::string positions = "packed";
    /// "default" (revsearch's list for the language: English has one), "english", "none", or
    /// a file of `WORD STEM` / `WORD` lines (common/analyzer.hpp, load_stem_overrides).
    std::string stem_overrides = "default";
    /// "in-default" (the title's words also in the default field, as Omega indexes them:
    /// AnalyzerSettings::title_in_default), "separate" (under `S` only, as indexes built
    /// before it have them), or "" (not given): in-default with packed positions, separate
    /// with Xapian's, whose phrase matcher takes a word without positions (a title word in the
    /// default field) as matching any phrase.
    std::string title_layout;
    void add_to(boost::program_options::options_description& desc);
    /// Resolves the stop-word list and the stem overrides. Throws UsageError for an unknown
    /// language, a missing or malformed file, or overrides with language "none".
    [[nodiscard]] AnalyzerSettings settings() const;
};

/// Parses argv against `options` and `positional` into `vm` (store, then notify). Throws
/// UsageError, carrying Boost's message, for a bad command line.
[[nodiscard]] boost::program_options::variables_map parse(
    int argc, const char* const* argv, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional);

/// The default database path: $REVSEARCH_DB if set and non-empty, else "./revsearch.db".
[[nodiscard]] std::string default_db_path();

/// True when the file descriptor is a terminal.
[[nodiscard]] bool is_terminal(int fd);

}  // namespace revsearch::cli
