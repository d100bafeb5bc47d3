#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "query/printer.hpp"
#include "query/searcher.hpp"

namespace revsearch::query {

/// One query of a test collection.
struct Topic {
    std::string qid;
    std::string text;
};

/// Reads queries in any of the forms test collections use, detected from the content:
///   - TREC topics: `<top><num>N</num><title>text</title>...</top>` (`<num>` may read
///     `Number: N`; the title is the query);
///   - SMART queries: `.I N` then `.W` and the text (CACM's extra `.A`/`.N` fields are ignored);
///     `number_by_position` numbers them 1, 2, ... in file order instead of by `.I` (Cranfield's
///     judgments count queries by position);
///   - lines `qid<TAB>query text`.
/// Throws CorpusError for a file that is none of these.
[[nodiscard]] std::vector<Topic> read_topics(std::istream& in, const std::string& name,
                                             bool number_by_position);

/// Runs every topic and writes a TREC run (`qid Q0 docid rank score tag`), deterministic:
/// ties are broken by review id. With `manifest` non-empty, the run starts with it as `#`
/// comment lines. Shows a progress line on `progress` when it is a terminal. Writes each
/// distinct warning of the results (e.g. shards left out) once to `warnings`, when given, and
/// each notice of the query budget with its query id. A topic the budget refuses, or whose
/// text is not a query, gets no run lines: it is reported on `warnings` as an error naming
/// the topic, and the run goes on. Returns the number of topics refused so.
[[nodiscard]] std::size_t run_batch(Searcher& searcher, const std::vector<Topic>& topics,
                                    SearchRequest request, const PrintOptions& print,
                                    std::ostream& out, std::ostream* progress,
                                    std::ostream* warnings = nullptr);

/// The manifest lines of a run: revsearch version, analyzer, weighting and options, and the
/// index's own manifest (sources, counts).
[[nodiscard]] std::string run_manifest(const Searcher& searcher, const SearchRequest& request);

}  // namespace revsearch::query
