#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "query/highlighter.hpp"
#include "query/searcher.hpp"

/// The JSON forms of hits, facets and reviews. `--format json` prints them and the HTTP API
/// (query/server.hpp) answers with them, so a script sees the same fields from either.
namespace revsearch::query {

/// One ranked hit: rank, score, id, title, reviewer, date, rating and rating_scale (as given),
/// rating_normalised (on the 0-5 scale that filters, sorts and facets use; null when the
/// rating has no usable scale), topics, topic_strength (an object: topic -> mentions per 1,000
/// words, for the topics the index holds strengths of), category, product, url, snippet and
/// content_key (null when the review has none), plus `copies` (other matching copies the
/// collapse left out) when duplicates were collapsed, and `explain` when the hit carries an
/// explanation.
/// The snippet is rendered in `highlight`; with Highlight::Html its text is HTML-escaped and
/// the marks are `<b>` elements. Every other string is plain text, as stored.
[[nodiscard]] nlohmann::ordered_json hit_json(const Hit& hit, Highlight highlight);

/// Facet counts as an object, one member per facet in the order given, each an array of
/// `{"value": ..., "count": ...}` objects, most frequent first.
[[nodiscard]] nlohmann::ordered_json facets_json(const std::vector<Facet>& facets);

/// A match count: `{"exact": true|false, "value": N, "lower": L, "upper": U}`. `value` is the
/// number of matching reviews when `exact`, and Xapian's estimate of it otherwise; `lower` and
/// `upper` bound it in both cases (they equal `value` when exact).
[[nodiscard]] nlohmann::ordered_json total_json(const MatchCount& total);

/// The last line of `--format json`, printed after the hits even when there are none:
/// `{"total": total_json(), "returned": hits printed, "suggestion": "..." or null,
/// "expansion": [terms added by --prf or --like], "facets": facets_json(),
/// "warnings": [warnings, then notices], "distinct": whether duplicates were collapsed,
/// "copies_collapsed": copies left out when the match was counted in full, else null}`. Hit lines have a "rank" and this line has none.
[[nodiscard]] nlohmann::ordered_json summary_json(const SearchResult& result);

/// A whole review: the fields of hit_json() without rank, score, snippet and copies, plus body,
/// source and extra; its content_key is computed from the review as the indexer computed it.
/// With a `highlighter` (which must outlive the call) the body has the query's words marked
/// and is rendered in `highlight` (escaped for Html); without one it is the stored text.
[[nodiscard]] nlohmann::ordered_json review_json(const Review& review, Highlight highlight,
                                                 const Highlighter* highlighter);

/// `j` on one line, with invalid UTF-8 in strings replaced by U+FFFD rather than thrown on.
[[nodiscard]] std::string dump_json(const nlohmann::ordered_json& j);

}  // namespace revsearch::query
