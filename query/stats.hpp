#pragma once

#include <ostream>

#include <nlohmann/json_fwd.hpp>
#include <xapian.h>

#include "query/printer.hpp"

namespace revsearch::query {

/// What an index holds, as one JSON object: documents, analyzer, schema, average_length,
/// ratings (with_rating; normalised: on the 0-5 scale; without_usable_scale), duplicates
/// (groups of reviews sharing a content key: groups, reviews_in_groups, copies that
/// --distinct leaves out, distinct_reviews, without_key, and the largest groups as examples;
/// null for an index of schema version 1), with_value, distinct_terms, topics and categories
/// (`[name, count]` pairs), topic_strengths (the lexicon, evidence rule and value slot of each
/// topic, or null), manifest, rejects_by_reason and last_run. The manifest names the input
/// files as the indexer was given them. Throws Xapian::Error on a bad index.
[[nodiscard]] nlohmann::ordered_json stats_json(const Xapian::Database& db);

/// stats_json() for what a Searcher has open. For a stub: counts, lengths and term statistics
/// over every reachable shard (Xapian combines them exactly); the analyzer as the Searcher
/// checked it; the manifest merged over shards (merged_manifest()); rejects_by_reason and
/// last_run's counts summed over shards (its timings and lane count, which every shard of one
/// run repeats: the largest); and `shards`, one object per
/// stub line (name, label, remote, reachable, documents, error) and `warnings`. Throws
/// Xapian::Error when a reachable shard fails.
[[nodiscard]] nlohmann::ordered_json stats_json(const Searcher& searcher);

/// The index's manifest (revsearch:manifest). For a stub, each reachable shard's own, merged:
/// the first shard's fields, `formats` summed, and `inputs` united, an input listed by several
/// shards (same path and hash) counting the sum of their records. Null when there is none.
[[nodiscard]] nlohmann::ordered_json merged_manifest(const Searcher& searcher);

/// print_stats() for what a Searcher has open (stats_json(const Searcher&)); the text form
/// ends with one line per shard: name, documents, reachable or why not.
void print_stats(std::ostream& out, const Searcher& searcher, OutputFormat format);

/// Prints what an index holds: the document count, the analyzer it was built with, per-field
/// statistics (documents with each value, distinct terms per text field), the topic and
/// category histograms, the source manifest, the reject totals over all runs and the last
/// run's summary. `format` is Text or Json (one object). Throws Xapian::Error on a bad index.
void print_stats(std::ostream& out, const Xapian::Database& db, OutputFormat format);

}  // namespace revsearch::query
