#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/record_codec.hpp"
#include "common/review.hpp"
#include "common/types.hpp"
#include "query/facet_counts.hpp"
#include "query/highlighter.hpp"
#include "query/query_budget.hpp"
#include "query/query_builder.hpp"
#include "query/synonyms.hpp"
#include "query/weighting.hpp"

namespace revsearch::query {

enum class SortOrder {
    Relevance,
    Date,
    Rating,
    TopicStrength,  ///< strongest first (SearchRequest::sort_topic), then by id
};

/// Parses "relevance", "date", "rating". Throws UsageError otherwise.
[[nodiscard]] SortOrder parse_sort(std::string_view name);

/// A facet as requested: its name, and for `topic>=N` (count only reviews whose strength in
/// each topic is at least N) the bound. Throws UsageError for an unknown facet or a bad bound.
struct FacetSpec {
    std::string name;                    ///< topic, reviewer, category, year or rating
    std::optional<double> min_strength;  ///< topic only

    [[nodiscard]] static FacetSpec parse(std::string_view spec);
};

/// Pseudo-relevance feedback: the top `docs` results suggest `terms` words (not stop words)
/// that are added to the query, the original weighted 1 - `weight` and the expansion
/// `weight`, each added word by its share of the expansion's weight.
///   - `rm3`: a relevance model P(w|R) = sum_d P(w|d) P(d|Q) (Lavrenko & Croft,
///     "Relevance-Based Language Models", SIGIR 2001; the RM3 interpolation of Abdul-Jaleel
///     et al., TREC 2004);
///   - `bo1`: Amati's Bo1 divergence-from-randomness weights, computed by Xapian's ESet with
///     the "bo1" expansion scheme (the query's own words are not offered again).
struct PrfParams {
    std::string scheme = "rm3";  ///< "rm3" or "bo1"
    std::size_t docs = 0;        ///< 0: off
    std::size_t terms = 10;
    double weight = 0.5;

    /// Parses `off`, `[rm3:|bo1:]DOCS:TERMS[:WEIGHT]` (no scheme: rm3). Throws UsageError.
    [[nodiscard]] static PrfParams parse(std::string_view spec);
    /// `off`, or `SCHEME:DOCS:TERMS:WEIGHT` with every part: the form parse() reads back.
    [[nodiscard]] std::string describe() const;
};

/// What batch mode (`--queries`) expands with when `--prf` is not given: off. Expansion was to
/// be on only if it won every held-out fold of the leave-one-collection-out cross-validation
/// on Cranfield, CACM and NPL; it won Cranfield and NPL and lost CACM (docs/EVALUATION.md).
/// Interactive searches do not expand unless asked.
[[nodiscard]] PrfParams batch_default_prf();

/// Field boosts applied at query time: each text field's matches are scaled by its weight.
/// Parses `title=2,body=1,...`. Throws UsageError for an unknown field or a negative weight.
[[nodiscard]] std::map<std::string, double> parse_field_weights(std::string_view spec);

/// One question to the index.
struct SearchRequest {
    std::string query;
    ParseMode parse = ParseMode::Syntax;
    bool default_and = false;
    std::size_t offset = 0;
    std::size_t k = 10;
    SortOrder sort = SortOrder::Relevance;
    std::string sort_topic;  ///< the topic of SortOrder::TopicStrength
    WeightingSpec weighting;
    std::map<std::string, double> field_weights;  ///< empty: every field weighs 1
    PrfParams prf;
    std::string like_id;                ///< more like this review (replaces the query's words)
    std::vector<std::string> facets;    ///< topic (or topic>=N), reviewer, category, year, rating
    std::size_t facet_limit = 20;       ///< values shown per facet
    bool explain = false;
    bool suggest = true;                ///< spelling suggestion when the index has spelling data
    bool snippets = true;
    std::size_t snippet_chars = 240;
    /// Hits carry only rank, score and review.id (and explain's parts): the stored records are
    /// not read (the id comes from its value slot), so there are no snippets either. For runs
    /// that print ids (TREC output); ids, scores and order are those of the full request.
    bool ids_only = false;
    std::shared_ptr<const SynonymTable> synonyms;
    /// Collapse duplicates: the copies of one review (one content key, common/content_key.hpp)
    /// are one result, the best ranked copy, and count once in totals and facets. Xapian's
    /// collapse key (Enquire::set_collapse_key on schema::kContentKeySlot) does it.
    bool distinct = false;
    /// What the query may cost (query/query_budget.hpp); the same for the CLI, the REPL and
    /// the server.
    QueryBudget budget;
    /// Matches are counted exactly when there are at most this many (Xapian's check_at_least:
    /// the match looks at this many documents before it may stop early). Past it the count is
    /// Xapian's bounds and estimate, unless facets counted the whole match anyway. README,
    /// "Result counts", gives what it costs on 1M reviews.
    std::size_t exact_count_limit = kDefaultExactCountLimit;

    static constexpr std::size_t kDefaultExactCountLimit = 10000;
};

/// How many reviews match a request: exactly, or within the bounds Xapian gives.
struct MatchCount {
    Xapian::doccount lower = 0;      ///< at least this many match
    Xapian::doccount estimated = 0;  ///< Xapian's estimate; the count itself when exact()
    Xapian::doccount upper = 0;      ///< at most this many match
    /// True when the count is known: every match was counted, or Xapian's bounds meet.
    [[nodiscard]] bool exact() const noexcept { return lower == upper; }
    /// An exact count of `n`.
    [[nodiscard]] static MatchCount of(Xapian::doccount n) noexcept { return {n, n, n}; }
};

/// Sets request.sort from "relevance", "date", "rating" or "topic:NAME" (strongest mentions of
/// NAME first; request.sort_topic holds NAME). Throws UsageError otherwise.
void set_sort(SearchRequest& request, std::string_view name);

/// A term's part in a result's score.
struct TermContribution {
    std::string field;  ///< "body", "title", ... or "filter"
    std::string term;   ///< as indexed (stemmed), without its prefix
    double weight = 0;
};

/// One ranked review.
struct Hit {
    std::size_t rank = 0;  ///< 1-based, counting from the first result (offset included)
    Score score = 0;
    Review review;
    std::string snippet;   ///< marked with kMarkStart/kMarkEnd; render() prints it
    std::vector<TermContribution> explanation;  ///< with SearchRequest::explain
    double unexplained = 0;  ///< score minus the sum of the contributions
    std::string content_key;  ///< the review's content key ("" when it has none, or ids_only)
    /// With SearchRequest::distinct: how many other matching copies of this review the
    /// collapse left out (exact: counted by the review's content key term). Unset otherwise.
    std::optional<Xapian::doccount> copies;
    /// The strength (mentions per 1,000 words) of each of the review's topics the index holds
    /// one for, in the review's topic order; empty with SearchRequest::ids_only.
    std::vector<std::pair<std::string, double>> topic_strengths;
};

/// Counts of one facet over the whole match, most frequent first.
struct Facet {
    std::string name;  ///< as requested (`topic>=2` keeps its bound)
    std::vector<std::pair<std::string, Xapian::doccount>> values;
};

/// A match counted in full: the matching documents, and the distinct reviews among them
/// (equal unless duplicates were collapsed).
struct FullCount {
    Xapian::doccount documents = 0;
    Xapian::doccount reviews = 0;
};

struct SearchResult {
    std::vector<Hit> hits;
    /// How many reviews match in all (not only the page of hits); with `distinct`, how many
    /// distinct reviews. Exact when every match was counted: fewer matches than
    /// SearchRequest::exact_count_limit, a last page that is not full, or facets that counted
    /// the whole match; otherwise Xapian's bounds.
    MatchCount total;
    /// Duplicates were collapsed (SearchRequest::distinct, on an index with content keys).
    bool distinct = false;
    /// Set when the facets' match counted every matching document (facets were asked for,
    /// without feedback; over remote shards only without `distinct`): exact figures for the
    /// whole match.
    std::optional<FullCount> counted;
    std::vector<std::string> terms;  ///< analysed terms to highlight
    std::vector<std::string> prefixes;  ///< wildcard patterns to highlight
    std::vector<Facet> facets;
    std::string suggestion;          ///< "did you mean", or empty
    std::vector<std::string> expansion;  ///< terms added by feedback or more-like-this
    std::vector<std::string> warnings;   ///< e.g. spelling unavailable over remote shards
    /// What the query budget cut (a wildcard's words past it). They quote only the query's
    /// own words, so unlike warnings (which may name shard paths) they may be shown to anyone.
    std::vector<std::string> notices;
};

/// How a Searcher opens a sharded database (a stub). Ignored for a single database.
struct OpenOptions {
    /// Leave out shards that cannot be opened, or that fail during a search, and say so in
    /// SearchResult::warnings, instead of throwing IndexError. At least one shard must answer.
    bool allow_partial = false;
    /// Remote shards: milliseconds one operation may take before it fails (0: no limit).
    /// Xapian's default.
    unsigned timeout_ms = 10000;
    /// Remote shards: milliseconds connecting may take (0: no limit). Xapian's default.
    unsigned connect_timeout_ms = 10000;
};

/// One shard of a stub database, as the Searcher last found it.
struct ShardStatus {
    std::string label;         ///< shards::describe(): "STUB:LINE (HOST:PORT or PATH)"
    std::string target;        ///< HOST:PORT, or the resolved local path
    bool remote = false;
    bool reachable = false;
    std::string error;         ///< why it is left out, when not reachable
    Xapian::doccount documents = 0;
    Xapian::Database database; ///< this shard alone (its own metadata); empty when unreachable
};

/// Answers queries against one database or a stub listing several (docs/SCALING.md). Reads
/// the analyzer the index was built with from its metadata. Ranked results break score ties
/// by the review's external id, never by docid, so shards and compaction do not reorder them.
/// When a writer commits underneath, the searcher reopens and retries. Not thread-safe: one
/// per thread.
///
/// A stub (a file, or a folder holding XAPIANDB) is parsed here rather than by Xapian, and
/// each shard opened on its own: local ones as databases, `remote HOST:PORT` ones through
/// Xapian's remote backend (xapian-tcpsrv). So errors name the shard, shards that are down
/// can be left out (OpenOptions::allow_partial), and each shard's metadata can be read.
/// Over remote shards: the custom weighting `bm25std` is refused (UsageError); spelling
/// suggestions come from local shards only (a warning says so when a word is unknown);
/// sorting by date or rating breaks ties by score rather than by id (xapian-tcpsrv cannot run
/// a KeyMaker).
class Searcher {
public:
    /// Opens read-only. Throws IndexError if there is no readable database at `path`, if a
    /// listed shard cannot be opened (without allow_partial; with it, if none can), or if the
    /// shards were indexed with different analyzers or schema versions.
    explicit Searcher(const std::string& path, OpenOptions options = {});

    /// Runs a request. Throws QueryError for a malformed query, IndexError if the database
    /// fails (naming the shard when one does), UsageError for an unknown facet or --like id,
    /// or for a weighting that remote shards cannot run. A remote connection that broke
    /// (e.g. closed by xapian-tcpsrv's idle timeout) is reopened and the search retried once;
    /// with allow_partial, a shard that stays down is left out and named in the warnings.
    [[nodiscard]] SearchResult search(const SearchRequest& request);

    /// The review with this id, or nullopt.
    [[nodiscard]] std::optional<Review> fetch(const std::string& id);

    /// Moves to the latest committed revision of a local database or local shards (Xapian's
    /// reopen), so that what follows reads what a writer committed since; true if it moved.
    /// With remote shards it does nothing (a search reopens them when they change under it).
    /// Throws IndexError if the database cannot be read.
    bool refresh();

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
    /// The topics whose strengths every reachable shard holds in the same slot.
    [[nodiscard]] const TopicSlots& topic_slots() const noexcept { return builder_.topic_slots(); }
    [[nodiscard]] Xapian::doccount doc_count() const;
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// The combined database (every reachable shard). Its get_metadata() reads the first
    /// shard only: use shards() for each shard's own.
    [[nodiscard]] const Xapian::Database& database() const noexcept { return db_; }

    /// True when `path` named a stub.
    [[nodiscard]] bool sharded() const noexcept { return stub_.has_value(); }
    /// The shards in stub order; empty for a single database.
    [[nodiscard]] const std::vector<ShardStatus>& shards() const noexcept { return shards_; }
    /// Warnings that apply to every result now: the shards left out.
    [[nodiscard]] std::vector<std::string> open_warnings() const;

private:
    /// The query to run, and the scale factor each text term received on the way.
    struct Plan {
        Xapian::Query query;
        Xapian::Query filter_part;  ///< what must match (for facets and explain filters)
        std::map<std::string, double> factors;
        std::vector<std::string> expansion;
        /// True when each scored term has exactly one scoring leaf (field weights, feedback,
        /// more-like-this build their scoring part that way); otherwise a term's leaves are
        /// its occurrences in the parsed query.
        bool one_leaf_per_term = false;
        /// The phrases every match must hold, checked on packed positions by this decider
        /// (null when there are none); every get_mset() of the plan's queries passes it.
        std::shared_ptr<Xapian::MatchDecider> phrases;
        std::vector<std::string> notices;  ///< what the budget cut
        /// What the plan's phrase checks may spend (null when the query was not parsed).
        std::shared_ptr<PhraseCheckBudget> checks;
    };
    [[nodiscard]] SearchResult search_once(const SearchRequest& request);
    [[nodiscard]] Plan plan(const SearchRequest& request, const std::string& text);
    [[nodiscard]] Xapian::Query weighted_parse(const SearchRequest& request, const std::string& text,
                                               std::map<std::string, double>& factors,
                                               bool& one_leaf, std::vector<PhraseChoice>* deferred);
    /// Adds pseudo-relevance feedback (request.prf) to the plan.
    void expand(const SearchRequest& request, Plan& plan);
    /// The expansion words of RM3 and of Bo1 with their weights, most weighty first.
    [[nodiscard]] std::vector<std::pair<std::string, double>> rm3_terms(const Xapian::MSet& top);
    [[nodiscard]] std::vector<std::pair<std::string, double>> bo1_terms(const SearchRequest& request,
                                                                        const Plan& plan, const Xapian::MSet& top);
    void more_like_this(const SearchRequest& request, Plan& plan);
    void configure_enquire(Xapian::Enquire& enquire, const SearchRequest& request,
                           Xapian::MultiValueKeyMaker& keys) const;
    /// The facets of `query`'s whole match; with `distinct`, each review counted once. Sets
    /// result.counted (local shards) and adds warnings to `result`.
    [[nodiscard]] std::vector<Facet> count_facets(const SearchRequest& request,
                                                  const Xapian::Query& query,
                                                  const Xapian::MatchDecider* phrases,
                                                  bool distinct, SearchResult& result);
    /// Maps a rating slot value to its facet value: the half-star bucket (schema::rating_bucket)
    /// as `4..4.49`, or as `4` when the index holds no other rating in that bucket (so the
    /// facet value, used as a `rating:` filter, selects exactly the reviews it counts).
    [[nodiscard]] FacetValueMap rating_facet_map() const;
    /// The other matching copies of the review with content key `key`.
    [[nodiscard]] Xapian::doccount other_copies(const std::string& key, const Xapian::Query& query,
                                                const Xapian::MatchDecider* phrases);
    void explain(const SearchRequest& request, const Plan& plan, Xapian::docid docid, Hit& hit);

    /// Opens every shard of the stub into shards_ and returns them combined. A shard that
    /// fails, or is in `left_out` (label -> reason), is recorded as unreachable, and throws
    /// IndexError unless allow_partial.
    [[nodiscard]] Xapian::Database open_shards(const std::map<std::string, std::string>& left_out);
    /// Opens the database at path_: the stub's shards, or the single database.
    [[nodiscard]] Xapian::Database open_all();
    /// The analyzer of the reachable shards. Throws IndexError when they disagree.
    [[nodiscard]] AnalyzerSettings shard_analyzer() const;
    /// The topic strength slots the reachable shards agree on (a topic whose slot differs
    /// between shards has no strengths). Throws IndexError when a record is unreadable.
    [[nodiscard]] TopicSlots shard_topic_slots() const;
    /// The strength slot of `topic`. Throws UsageError naming the topics that have one.
    [[nodiscard]] Xapian::valueno strength_slot(const std::string& topic, const char* what) const;
    /// A decoder for the stored records of every reachable shard.
    [[nodiscard]] RecordDecoder record_decoder() const;
    /// After a NetworkError: reconnects and decides whether to retry. Throws IndexError when
    /// the search cannot go on.
    void recover(const Xapian::NetworkError& error, int failures);
    void check_remote_support(const SearchRequest& request) const;
    void add_warnings(const SearchRequest& request, SearchResult& result) const;
    [[nodiscard]] bool has_remote() const noexcept;

    std::string path_;
    OpenOptions options_;
    std::optional<std::string> stub_;
    std::vector<ShardStatus> shards_;
    Xapian::Database db_;
    Analyzer analyzer_;
    QueryBuilder builder_;
    int schema_version_ = 0;  ///< schema::stored_version() of the index (every shard agrees)
    StemCache stems_{analyzer_};  ///< the snippets' stems, kept across queries
    RecordDecoder codec_;  ///< decodes stored records (every shard's zstd dictionary)
};

}  // namespace revsearch::query
