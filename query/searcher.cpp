#include "query/searcher.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <limits>
#include <unordered_map>

#include "common/error.hpp"
#include "common/range_terms.hpp"
#include "common/schema.hpp"
#include "common/shards.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"
#include "query/facet_pass.hpp"
#include "query/highlighter.hpp"
#include "query/printer.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

namespace {

Xapian::Database open_database(const std::string& path) {
    try {
        return Xapian::Database(path);
    } catch (const Xapian::DatabaseNotFoundError&) {
        throw IndexError(path, "no revsearch database here (build one with revsearch-index)");
    } catch (const Xapian::Error& e) {
        throw IndexError(path, "cannot open: " + e.get_description());
    }
}

constexpr int kMaxReopens = 5;

/// Opens one shard of a stub on its own. Throws Xapian::Error.
Xapian::Database open_shard(const shards::StubEntry& entry, const std::string& target,
                            const OpenOptions& options) {
    if (entry.kind == shards::StubEntry::Kind::Remote) {
        return Xapian::Remote::open(entry.host, entry.port, options.timeout_ms,
                                    options.connect_timeout_ms);
    }
    if (entry.backend == "inmemory") return Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY);
    const int backend = entry.backend == "glass"   ? Xapian::DB_BACKEND_GLASS
                        : entry.backend == "chert" ? Xapian::DB_BACKEND_CHERT
                                                   : 0;
    return Xapian::Database(target, backend);
}

std::string describe_analyzer(const AnalyzerSettings& a) {
    std::string out = "language ";
    out += a.language;
    out += ", stop words ";
    out += a.stopwords_name.empty() ? std::string("none") : a.stopwords_name;
    out += " (";
    out += std::to_string(a.stopwords.size());
    out += " words), ";
    out += a.positions_name();
    out += " positions, stem overrides ";
    out += a.stem_overrides.empty() ? std::string("none") : a.stem_overrides_name;
    out += " (" + std::to_string(a.stem_overrides.size()) + " words)";
    return out;
}

/// The text field a term belongs to, by its prefix ("" for boolean and unknown prefixes).
const s::Field* field_of(const std::string& term) {
    const unsigned char first = term.empty() ? 0 : static_cast<unsigned char>(term[0]);
    if (!(first >= 'A' && first <= 'Z')) return &s::kFields[0];  // body: unprefixed
    const s::Field* best = nullptr;
    for (const s::Field& f : s::kFields) {
        if (f.prefix.empty() || term.compare(0, f.prefix.size(), f.prefix) != 0) continue;
        if (term.size() > f.prefix.size()) {
            const unsigned char next = static_cast<unsigned char>(term[f.prefix.size()]);
            if (next >= 'A' && next <= 'Z') continue;  // a longer prefix
        }
        if (best == nullptr || f.prefix.size() > best->prefix.size()) best = &f;
    }
    return best;
}

bool is_text_term(const std::string& term) {
    const s::Field* f = field_of(term);
    return f != nullptr && f->kind == s::FieldKind::Text;
}

/// A stem worth adding by feedback: a word (not a number), not a stop word.
bool useful_expansion(const std::string& stem, const Analyzer& analyzer) {
    if (stem.size() < 2) return false;
    bool has_letter = false;
    for (unsigned char c : stem) has_letter = has_letter || std::isalpha(c) || c >= 0x80;
    if (!has_letter || analyzer.is_stopword(stem)) return false;
    if (analyzer.settings().language == "english") {
        for (auto w : kEnglishStopwords) {
            if (analyzer.term(w) == stem) return false;
        }
    }
    return true;
}

/// A hit's review id without its stored record (decompressing and decoding every record was
/// most of a top-1000 run's time, bench/RESULTS.md): under relevance order the match has
/// already read the id as the tie-break sort key; otherwise it is in its value slot. Empty
/// when the document has no id slot.
std::string hit_id(const Xapian::MSetIterator& it, bool sort_key_is_id) {
    if (sort_key_is_id) {
        std::string key = it.get_sort_key();
        if (!key.empty()) return key;
    }
    return it.get_document().get_value(s::kIdSlot);
}

/// True when the request's facets match the whole query exhaustively (facets of a value
/// slot; topics are counted topic by topic). Names are checked by count_facets().
bool facets_count_all(const SearchRequest& request) {
    return std::any_of(request.facets.begin(), request.facets.end(), [](const std::string& name) {
        return name == "reviewer" || name == "category" || name == "year" || name == "rating";
    });
}

/// A default-field query for one analysed stem: the unprefixed term, which holds the title's
/// words too on an index with title_in_default, or else the stem in the body or the title.
Xapian::Query default_field_term(const std::string& stem, const AnalyzerSettings& analyzer) {
    if (analyzer.title_in_default) return Xapian::Query(stem);
    return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(stem),
                         Xapian::Query(std::string(s::kTitlePrefix) + stem));
}


}  // namespace

SortOrder parse_sort(std::string_view name) {
    if (name == "relevance") return SortOrder::Relevance;
    if (name == "date") return SortOrder::Date;
    if (name == "rating") return SortOrder::Rating;
    throw UsageError("--sort takes relevance, date, rating or topic:NAME, not '" +
                     std::string(name) + "'");
}

void set_sort(SearchRequest& request, std::string_view name) {
    constexpr std::string_view kTopic = "topic:";
    if (name.substr(0, kTopic.size()) == kTopic) {
        std::string topic = text::trim(name.substr(kTopic.size()));
        if (topic.size() >= 2 && topic.front() == '"' && topic.back() == '"')
            topic = topic.substr(1, topic.size() - 2);
        if (topic.empty()) throw UsageError("--sort topic:NAME needs a topic, e.g. topic:burnout");
        request.sort = SortOrder::TopicStrength;
        request.sort_topic = topic;
        return;
    }
    request.sort = parse_sort(name);
    request.sort_topic.clear();
}

FacetSpec FacetSpec::parse(std::string_view spec) {
    FacetSpec f;
    const std::size_t op = spec.find(">=");
    f.name = text::trim(spec.substr(0, op));
    if (f.name == "topics") f.name = "topic";
    static constexpr std::string_view kNames[] = {"topic", "reviewer", "category", "year",
                                                  "rating"};
    if (std::find(std::begin(kNames), std::end(kNames), f.name) == std::end(kNames)) {
        throw UsageError("unknown facet '" + std::string(spec) +
                         "' (known: topic, topic>=N, reviewer, category, year, rating)");
    }
    if (op == std::string_view::npos) return f;
    const std::string bound = text::trim(spec.substr(op + 2));
    char* end = nullptr;
    const double v = std::strtod(bound.c_str(), &end);
    if (f.name != "topic" || bound.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
        throw UsageError(
            "facet '" + std::string(spec) +
            "': only topic takes a bound, topic>=N with N in mentions per 1,000 words");
    }
    f.min_strength = v;
    return f;
}

namespace {

/// The name a topic facet is answered under: "topic", or "topic>=N" with its bound.
std::string topic_facet_name(const FacetSpec& spec) {
    return spec.min_strength ? "topic>=" + format_number(*spec.min_strength, 3) : "topic";
}

}  // namespace

PrfParams PrfParams::parse(std::string_view spec) {
    PrfParams p;
    if (spec == "off") return p;
    auto parts = text::split(spec, ':');
    if (!parts.empty() && (parts[0] == "rm3" || parts[0] == "bo1")) {
        p.scheme = parts[0];
        parts.erase(parts.begin());
    }
    auto number = [&](const std::string& s, const char* what) {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || v < 0) {
            throw UsageError("--prf takes off or [rm3:|bo1:]DOCS:TERMS[:WEIGHT], bad " + std::string(what) + " '" + s + "'");
        }
        return v;
    };
    if (parts.size() < 2 || parts.size() > 3) throw UsageError("--prf takes off or [rm3:|bo1:]DOCS:TERMS[:WEIGHT]");
    p.docs = static_cast<std::size_t>(number(parts[0], "DOCS"));
    p.terms = static_cast<std::size_t>(number(parts[1], "TERMS"));
    if (parts.size() == 3) p.weight = number(parts[2], "WEIGHT");
    if (p.weight > 1) throw UsageError("--prf WEIGHT is between 0 and 1");
    return p;
}

std::string PrfParams::describe() const {
    if (docs == 0 || terms == 0) return "off";
    return scheme + ":" + std::to_string(docs) + ":" + std::to_string(terms) + ":" + format_number(weight, 4);
}

PrfParams batch_default_prf() { return PrfParams{}; }

std::map<std::string, double> parse_field_weights(std::string_view spec) {
    std::map<std::string, double> weights;
    for (const std::string& item : text::split(spec, ',')) {
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        const std::string name = item.substr(0, eq);
        bool text_field = false;
        for (const s::Field& f : s::kFields) text_field = text_field || (f.name == name && f.kind == s::FieldKind::Text);
        char* end = nullptr;
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        const double w = std::strtod(value.c_str(), &end);
        if (!text_field || value.empty() || *end != '\0' || w < 0) {
            throw UsageError("--field-weight takes text fields (body, title, reviewer, product) with "
                             "weights, e.g. title=2,body=1; not '" + item + "'");
        }
        weights[name] = w;
    }
    return weights;
}

Searcher::Searcher(const std::string& path, OpenOptions options)
    : path_(path),
      options_(options),
      stub_(shards::stub_file(path)),
      db_(open_all()),
      analyzer_(shard_analyzer()),
      builder_(analyzer_, db_),
      codec_(record_decoder()) {
    builder_.set_remote_shards(has_remote());
    try {
        schema_version_ = s::stored_version(db_);
    } catch (const Xapian::Error& e) {
        throw IndexError(path_, "cannot read the schema version: " + e.get_description());
    }
    if (stub_) builder_.set_topic_slots(shard_topic_slots());
}

TopicSlots Searcher::shard_topic_slots() const {
    try {
        std::optional<TopicSlots> agreed;
        for (const ShardStatus& shard : shards_) {
            if (!shard.reachable) continue;
            TopicSlots mine = TopicSlots::from_database(shard.database);
            if (!agreed) {
                agreed = std::move(mine);
                continue;
            }
            // Shards built with other lexicons may number topics differently: a topic keeps
            // strengths only where every shard puts them in the same slot.
            for (auto it = agreed->slots.begin(); it != agreed->slots.end();) {
                const auto other = mine.slots.find(it->first);
                it = other != mine.slots.end() && other->second == it->second
                         ? std::next(it)
                         : agreed->slots.erase(it);
            }
        }
        return agreed.value_or(TopicSlots{});
    } catch (const Xapian::Error& e) {
        throw IndexError(*stub_, "cannot read the topic slots: " + e.get_description());
    } catch (const Error& e) {
        throw IndexError(*stub_, e.what());
    }
}

Xapian::valueno Searcher::strength_slot(const std::string& topic, const char* what) const {
    if (const auto slot = builder_.topic_slots().slot(topic)) return *slot;
    std::string names;
    for (const auto& [name, slot] : builder_.topic_slots().slots)
        names += (names.empty() ? "" : ", ") + name;
    throw UsageError(std::string(what) + ": this index holds no strengths for topic '" + topic +
                     "' (" +
                     (names.empty() ? std::string("it was built without them: re-index to add them")
                                    : "topics with strengths: " + names) +
                     ")");
}

RecordDecoder Searcher::record_decoder() const {
    RecordDecoder decoder;
    const std::string key(s::kMetaDictionary);
    try {
        decoder.add(db_.get_metadata(key));
        for (const ShardStatus& shard : shards_) {
            if (shard.reachable) decoder.add(shard.database.get_metadata(key));
        }
    } catch (const Xapian::Error& e) {
        throw IndexError(path_, "cannot read the stored-record dictionary: " + e.get_description());
    }
    return decoder;
}

Xapian::Database Searcher::open_all() {
    if (!stub_) return open_database(path_);
    return open_shards({});
}

Xapian::Database Searcher::open_shards(const std::map<std::string, std::string>& left_out) {
    const std::vector<shards::StubEntry> entries = shards::read_stub(*stub_);
    if (entries.empty()) throw IndexError(*stub_, "the stub lists no databases");
    std::vector<ShardStatus> found;
    Xapian::Database combined;
    std::size_t reachable = 0;
    for (const shards::StubEntry& entry : entries) {
        ShardStatus shard;
        shard.label = shards::describe(entry, *stub_);
        shard.target = shards::resolve(entry, *stub_);
        shard.remote = entry.kind == shards::StubEntry::Kind::Remote;
        const auto skip = left_out.find(shard.label);
        if (skip != left_out.end()) {
            shard.error = skip->second;
        } else {
            try {
                shard.database = open_shard(entry, shard.target, options_);
                shard.documents = shard.database.get_doccount();
                shard.reachable = true;
            } catch (const Xapian::DatabaseNotFoundError&) {
                shard.error = "no database here";
            } catch (const Xapian::Error& e) {
                shard.error = e.get_description();
            }
        }
        if (!shard.reachable && !options_.allow_partial) {
            throw IndexError(shard.label, "cannot open shard: " + shard.error +
                                              " (--allow-partial searches the other shards)");
        }
        if (shard.reachable) {
            combined.add_database(shard.database);
            ++reachable;
        }
        found.push_back(std::move(shard));
    }
    if (reachable == 0) {
        std::string why;
        for (const ShardStatus& shard : found) why += "\n  " + shard.label + ": " + shard.error;
        throw IndexError(*stub_, "no shard could be opened:" + why);
    }
    shards_ = std::move(found);
    return combined;
}

AnalyzerSettings Searcher::shard_analyzer() const {
    try {
        if (!stub_) return AnalyzerSettings::from_database(db_);
        // Each shard's own metadata: the combined handle would read the first shard's only.
        const ShardStatus* first = nullptr;
        AnalyzerSettings settings;
        std::string schema;
        for (const ShardStatus& shard : shards_) {
            if (!shard.reachable) continue;
            const AnalyzerSettings mine = AnalyzerSettings::from_database(shard.database);
            const std::string my_schema = shard.database.get_metadata(std::string(s::kMetaSchema));
            if (first == nullptr) {
                first = &shard;
                settings = mine;
                schema = my_schema;
                continue;
            }
            if (mine.language != settings.language || mine.stopwords != settings.stopwords ||
                mine.packed_positions != settings.packed_positions ||
                mine.stem_overrides != settings.stem_overrides ||
                mine.title_in_default != settings.title_in_default) {
                throw IndexError(*stub_,
                                 "the shards were indexed with different analyzers, so one "
                                 "query cannot match them alike: " +
                                     first->label + " has " + describe_analyzer(settings) + ", " +
                                     shard.label + " has " + describe_analyzer(mine) +
                                     " (re-index them with the same --language, --stopwords, "
                                     "--positions and --stem-overrides)");
            }
            if (my_schema != schema) {
                throw IndexError(*stub_, "the shards have different schema versions: " + first->label +
                                             " has '" + schema + "', " + shard.label + " has '" +
                                             my_schema + "' (re-index the older ones)");
            }
        }
        return settings;
    } catch (const Xapian::Error& e) {
        throw IndexError(stub_ ? *stub_ : path_, "cannot read the analyzer settings: " + e.get_description());
    }
}

bool Searcher::has_remote() const noexcept {
    for (const ShardStatus& shard : shards_) {
        if (shard.remote && shard.reachable) return true;
    }
    return false;
}

std::vector<std::string> Searcher::open_warnings() const {
    std::string missing;
    std::size_t left_out = 0;
    for (const ShardStatus& shard : shards_) {
        if (shard.reachable) continue;
        ++left_out;
        missing += (missing.empty() ? "" : "; ") + shard.label + ": " + shard.error;
    }
    if (left_out == 0) return {};
    return {"partial results: " + std::to_string(left_out) + " of " + std::to_string(shards_.size()) +
            " shards left out: " + missing};
}

void Searcher::check_remote_support(const SearchRequest& request) const {
    if (request.weighting.is_builtin() || !has_remote()) return;
    std::string remotes;
    for (const ShardStatus& shard : shards_) {
        if (shard.remote && shard.reachable) remotes += (remotes.empty() ? "" : ", ") + shard.target;
    }
    throw UsageError("--weighting " + request.weighting.scheme + " cannot run on remote shards (" +
                     remotes + "): xapian-tcpsrv knows only Xapian's own weighting schemes; use "
                     "bm25, bm25+, lm, pl2, dph or tfidf, or search local shards");
}

void Searcher::add_warnings(const SearchRequest& request, SearchResult& result) const {
    for (std::string& w : open_warnings()) result.warnings.push_back(std::move(w));
    if (!has_remote() || !request.suggest || !request.like_id.empty() ||
        request.parse != ParseMode::Syntax) {
        return;
    }
    // Xapian's remote backend serves no spelling data, silently; say so only when a
    // suggestion was wanted, i.e. some word of the query is not in the index.
    std::vector<std::string> unknown;
    try {
        unknown = builder_.unknown_words(request.query);
    } catch (const Xapian::Error&) {
        return;
    }
    if (unknown.empty()) return;
    std::string words;
    for (const std::string& w : unknown) words += (words.empty() ? "" : ", ") + w;
    result.warnings.push_back("spelling suggestions leave out the remote shards (Xapian's remote "
                              "backend serves no spelling data); words not in the index: " + words);
}

void Searcher::recover(const Xapian::NetworkError& error, int failures) {
    if (!stub_) throw IndexError(path_, error.get_description());
    // Xapian's remote backend names the connection in the context: "remote:tcp(HOST:PORT)".
    const std::string context = error.get_context();
    const ShardStatus* culprit = nullptr;
    for (const ShardStatus& shard : shards_) {
        if (shard.remote && shard.reachable && context == "remote:tcp(" + shard.target + ")") culprit = &shard;
    }
    // Xapian's errors are not polymorphic: the type name is how to tell a timeout apart.
    const bool timed_out = std::string_view(error.get_type()) == "NetworkTimeoutError";
    std::map<std::string, std::string> left_out;
    for (const ShardStatus& shard : shards_) {
        if (!shard.reachable) left_out[shard.label] = shard.error;
    }
    // A connection that broke quickly (xapian-tcpsrv closes idle ones) gets one reconnect; a
    // shard that timed out, or failed again, is down.
    if (timed_out || failures > 0) {
        if (culprit == nullptr) {
            throw IndexError(*stub_, "a shard failed during the search: " + error.get_description());
        }
        if (!options_.allow_partial) {
            throw IndexError(culprit->label, "shard failed during the search: " + error.get_description() +
                                                 " (--allow-partial searches the other shards)");
        }
        left_out[culprit->label] = "failed during the search: " + error.get_description();
    }
    // Every shard is reopened, not only the failed one: other connections may still hold
    // replies to the search that was cut short.
    db_ = open_shards(left_out);
    builder_.set_database(db_);
    builder_.set_topic_slots(shard_topic_slots());
}

Xapian::doccount Searcher::doc_count() const { return db_.get_doccount(); }

bool Searcher::refresh() {
    if (has_remote()) return false;
    try {
        return db_.reopen();
    } catch (const Xapian::Error& e) {
        throw IndexError(path_, e.get_description());
    }
}

SearchResult Searcher::search(const SearchRequest& request) {
    check_query_length(request.query, request.budget);
    check_remote_support(request);
    int network_failures = 0;
    for (int attempt = 0;; ++attempt) {
        try {
            SearchResult result = search_once(request);
            add_warnings(request, result);
            return result;
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= kMaxReopens) throw IndexError(path_, "kept changing during the search");
            db_.reopen();
        } catch (const Xapian::QueryParserError& e) {
            throw QueryError(e.get_msg());
        } catch (const Xapian::NetworkError& e) {
            if (network_failures > static_cast<int>(shards_.size())) {
                throw IndexError(path_, "the shards kept failing: " + e.get_description());
            }
            recover(e, network_failures++);
            check_remote_support(request);
        } catch (const Xapian::Error& e) {
            throw IndexError(path_, e.get_description());
        }
    }
}

Xapian::Query Searcher::weighted_parse(const SearchRequest& request, const std::string& text,
                                       std::map<std::string, double>& factors, bool& one_leaf,
                                       std::vector<PhraseChoice>* deferred) {
    builder_.set_default_and(request.default_and);
    builder_.set_budget(request.budget);
    Xapian::Query matching = builder_.parse(text, request.parse, deferred);
    one_leaf = false;
    bool weighted = false;
    for (const auto& [field, w] : request.field_weights) weighted = weighted || w != 1.0;
    // With the title inside the default field, any title weight adds the title's own match.
    weighted = weighted || (analyzer_.settings().title_in_default && request.field_weights.count("title") != 0);
    if (!weighted) {
        for (auto it = matching.get_unique_terms_begin(); it != matching.get_unique_terms_end(); ++it) {
            if (is_text_term(*it)) factors[*it] = 1.0;
        }
        return matching;
    }
    // Scoring: every text term of the parsed query, each scaled by its field's weight, OR'd.
    // Matching: the parsed query itself, weighted 0, decides which documents qualify (so
    // `a AND b` matches a in the title and b in the body, and scores both). Phrases and
    // wildcards still decide matching; their words score as words.
    // On an index with the title's words unprefixed, a default-field word already counts its
    // title matches once; a title weight adds the word's title match (its `S` term) on top,
    // scaled by that weight.
    const bool title_inside = analyzer_.settings().title_in_default;
    const auto title_weight = request.field_weights.find("title");
    for (auto t = matching.get_unique_terms_begin(); t != matching.get_unique_terms_end(); ++t) {
        const s::Field* field = field_of(*t);
        if (field == nullptr || field->kind != s::FieldKind::Text) continue;
        const auto it = request.field_weights.find(std::string(field->name));
        factors[*t] = it == request.field_weights.end() ? 1.0 : it->second;
        if (title_inside && field->prefix.empty() && title_weight != request.field_weights.end()) {
            factors[std::string(s::kTitlePrefix) + *t] = title_weight->second;
        }
    }
    std::vector<Xapian::Query> scoring;
    for (const auto& [term, w] : factors) {
        scoring.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), w);
    }
    one_leaf = true;
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, matching, 0.0),
                         Xapian::Query(Xapian::Query::OP_OR, scoring.begin(), scoring.end()));
}

Searcher::Plan Searcher::plan(const SearchRequest& request, const std::string& text) {
    Plan p;
    std::vector<PhraseChoice> deferred;
    if (!request.like_id.empty()) {
        more_like_this(request, p);
        if (!text::trim(text).empty()) {
            // With a query, the likeness ranks the reviews the query matches: the query
            // decides what matches and adds nothing to the scores.
            std::map<std::string, double> unused;
            bool one_leaf = false;
            const Xapian::Query matching =
                weighted_parse(request, text, unused, one_leaf, &deferred);
            p.notices = builder_.notices();
            p.checks = builder_.phrase_checks();
            p.query = Xapian::Query(Xapian::Query::OP_FILTER, p.query, matching);
            p.filter_part = p.query;
        }
        if (!deferred.empty())
            p.phrases = std::make_shared<PackedPhraseDecider>(std::move(deferred), db_, p.checks);
        return p;
    }
    // Phrases every match must hold are checked lazily by a decider (query/phrase_source.hpp),
    // except under RM3, whose expansion makes the parsed query optional.
    const bool feedback = request.prf.docs > 0 && request.prf.terms > 0;
    p.query = weighted_parse(request, text, p.factors, p.one_leaf_per_term, feedback ? nullptr : &deferred);
    p.notices = builder_.notices();
    p.checks = builder_.phrase_checks();
    if (!deferred.empty())
        p.phrases = std::make_shared<PackedPhraseDecider>(std::move(deferred), db_, p.checks);
    p.filter_part = p.query;
    if (feedback && !p.query.empty()) expand(request, p);
    return p;
}

void Searcher::expand(const SearchRequest& request, Plan& plan) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(plan.query);
    const auto weight = request.weighting.make();
    enquire.set_weighting_scheme(*weight);
    enquire.set_sort_by_relevance_then_value(s::kIdSlot, false);
    const Xapian::MSet top = enquire.get_mset(0, static_cast<Xapian::doccount>(request.prf.docs), 0, nullptr,
                                              plan.phrases.get());
    if (top.empty()) return;

    std::vector<std::pair<std::string, double>> ranked =
        request.prf.scheme == "bo1" ? bo1_terms(request, plan, top) : rm3_terms(top);
    if (ranked.size() > request.prf.terms) ranked.resize(request.prf.terms);
    double mass = 0;
    for (const auto& [stem, p] : ranked) mass += p;
    if (mass <= 0) return;

    // (1 - weight) * original (terms weighted equally) + weight * the expansion terms, each by
    // its share of the expansion's weight (RM3's interpolation; Bo1's terms are mixed in the
    // same way, so the two differ only in which terms they pick and how they weigh them).
    std::size_t original_terms = 0;
    for (const auto& [term, f] : plan.factors) original_terms += f > 0 ? 1 : 0;
    const double keep = (1.0 - request.prf.weight) / static_cast<double>(std::max<std::size_t>(1, original_terms));
    for (auto& [term, f] : plan.factors) f *= keep;
    std::vector<Xapian::Query> expansion;
    for (const auto& [stem, p] : ranked) {
        const double w = request.prf.weight * p / mass;
        expansion.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, default_field_term(stem, analyzer_.settings()), w);
        plan.factors[stem] += w;
        if (!analyzer_.settings().title_in_default) plan.factors[std::string(s::kTitlePrefix) + stem] += w;
        plan.expansion.push_back(stem);
    }
    const Xapian::Query original(Xapian::Query::OP_SCALE_WEIGHT, plan.query, keep);
    const Xapian::Query added(Xapian::Query::OP_OR, expansion.begin(), expansion.end());
    // With filters in the query (fields, ranges), expansion re-ranks the filtered matches
    // rather than bringing in documents the filters exclude.
    bool filtered = false;
    for (auto it = plan.query.get_unique_terms_begin(); it != plan.query.get_unique_terms_end(); ++it) {
        filtered = filtered || !is_text_term(*it);
    }
    filtered = filtered || plan.query.get_description().find("VALUE_") != std::string::npos;
    plan.query = Xapian::Query(filtered ? Xapian::Query::OP_AND_MAYBE : Xapian::Query::OP_OR, original, added);
}

std::vector<std::pair<std::string, double>> Searcher::bo1_terms(const SearchRequest& request, const Plan& plan,
                                                                const Xapian::MSet& top) {
    // Bo1 (Amati, "Probabilistic Models for Information Retrieval based on Divergence from
    // Randomness", PhD thesis, Glasgow 2003, eq. 8.9; Terrier's default expansion), computed
    // by Xapian's ESet: w(t) = tf_x log2((1 + P_n) / P_n) + log2(1 + P_n), with tf_x the
    // term's frequency in the feedback documents and P_n its collection frequency over the
    // number of documents. The query's own terms are not offered again.
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
    Xapian::Enquire enquire(db_);
    enquire.set_query(plan.query);
    enquire.set_expansion_scheme("bo1");
    struct DefaultFieldWords : Xapian::ExpandDecider {
        const Analyzer* analyzer = nullptr;
        bool operator()(const std::string& term) const override {
            return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') && useful_expansion(term, *analyzer);
        }
    } decider;
    decider.analyzer = &analyzer_;
    // Exact term frequencies, so the expansion does not depend on how the reviews are sharded.
    const Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(request.prf.terms), rset,
                                               Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
    std::vector<std::pair<std::string, double>> ranked;
    for (auto it = eset.begin(); it != eset.end(); ++it) ranked.emplace_back(*it, it.get_weight());
    return ranked;
}

std::vector<std::pair<std::string, double>> Searcher::rm3_terms(const Xapian::MSet& top) {
    // P(d|Q): the feedback documents' scores, normalised. P(w|d): tf / |d| over body and title.
    double score_sum = 0;
    for (auto it = top.begin(); it != top.end(); ++it) score_sum += std::max(0.0, it.get_weight());
    std::unordered_map<std::string, double> model;
    for (auto it = top.begin(); it != top.end(); ++it) {
        const double p_d = score_sum > 0 ? std::max(0.0, it.get_weight()) / score_sum
                                         : 1.0 / static_cast<double>(top.size());
        std::unordered_map<std::string, double> tf;
        double length = 0;
        for (auto t = db_.termlist_begin(*it); t != db_.termlist_end(*it); ++t) {
            const std::string& term = *t;
            std::string stem;
            if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z')) {
                stem = term;
            } else if (!analyzer_.settings().title_in_default && term.size() > 1 &&
                       term[0] == s::kTitlePrefix[0] && !(term[1] >= 'A' && term[1] <= 'Z')) {
                stem = term.substr(1);
            } else {
                continue;
            }
            tf[stem] += t.get_wdf();
            length += t.get_wdf();
        }
        if (length == 0) continue;
        for (const auto& [stem, count] : tf) {
            if (useful_expansion(stem, analyzer_)) model[stem] += p_d * count / length;
        }
    }
    std::vector<std::pair<std::string, double>> ranked(model.begin(), model.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return ranked;
}

void Searcher::more_like_this(const SearchRequest& request, Plan& plan) {
    const std::string id_term = s::id_term(request.like_id);
    Xapian::PostingIterator p = db_.postlist_begin(id_term);
    if (p == db_.postlist_end(id_term)) throw UsageError("--like: no review with id '" + request.like_id + "'");
    Xapian::RSet rset;
    rset.add_document(*p);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(id_term));
    struct TextTerms : Xapian::ExpandDecider {
        const Analyzer* analyzer;
        bool operator()(const std::string& term) const override {
            return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') && useful_expansion(term, *analyzer);
        }
    } decider;
    decider.analyzer = &analyzer_;
    // Exact term frequencies: over several shards Xapian otherwise estimates them, and the
    // expansion would depend on how the reviews are sharded.
    const Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(std::max<std::size_t>(request.prf.terms, 20)),
                                               rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
    std::vector<Xapian::Query> terms;
    for (auto it = eset.begin(); it != eset.end(); ++it) {
        terms.push_back(default_field_term(*it, analyzer_.settings()));
        plan.factors[*it] = 1.0;
        plan.factors[std::string(s::kTitlePrefix) + *it] = 1.0;
        plan.expansion.push_back(*it);
    }
    plan.query = Xapian::Query(Xapian::Query::OP_AND_NOT,
                               Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                               Xapian::Query(id_term));
    plan.filter_part = plan.query;
}

void Searcher::configure_enquire(Xapian::Enquire& enquire, const SearchRequest& request,
                                 Xapian::MultiValueKeyMaker& keys) const {
    if (request.sort == SortOrder::Rating && !builder_.ratings_normalised()) {
        throw UsageError(kOldRatingsMessage);
    }
    const Xapian::valueno topic_slot =
        request.sort == SortOrder::TopicStrength ? strength_slot(request.sort_topic, "--sort") : 0;
    if (request.sort != SortOrder::Relevance && has_remote()) {
        // xapian-tcpsrv cannot run a KeyMaker (UnimplementedError), so remote shards sort by
        // the value alone: equal dates or ratings then go by score, not by id.
        enquire.set_sort_by_value_then_relevance(request.sort == SortOrder::Date ? s::kDateSlot
                                                 : request.sort == SortOrder::Rating
                                                     ? s::kRatingSlot
                                                     : topic_slot,
                                                 true);
        return;
    }
    switch (request.sort) {
        case SortOrder::Relevance:
            // Ties in score go to the smaller external id, never to docid order.
            enquire.set_sort_by_relevance_then_value(s::kIdSlot, false);
            break;
        case SortOrder::Date:
            keys.add_value(s::kDateSlot, true);
            keys.add_value(s::kIdSlot, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
        case SortOrder::Rating:
            keys.add_value(s::kRatingSlot, true);
            keys.add_value(s::kIdSlot, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
        case SortOrder::TopicStrength:
            // Reversed, a review without the topic's value sorts after every one with it.
            keys.add_value(topic_slot, true);
            keys.add_value(s::kIdSlot, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
    }
}

FacetValueMap Searcher::rating_facet_map() const {
    // A bucket is named by its value alone when the index has no other rating in it: then
    // `rating:4` selects what `rating:4..4.49` would. Without range terms the ratings present
    // are not listed cheaply, so every bucket but 5 is named as a range.
    std::set<double> mixed;
    if (analyzer_.settings().range_terms) {
        const std::string prefix(s::kRatingPrefix);
        for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t) {
            const auto v = range_terms::rating_of_term(*t);
            if (v && *v != s::rating_bucket(*v)) mixed.insert(s::rating_bucket(*v));
        }
    }
    const bool all_mixed = !analyzer_.settings().range_terms;
    return [mixed = std::move(mixed), all_mixed](const std::string& value) {
        const double bucket = s::rating_bucket(s::rating_from_value(value));
        if (bucket >= s::kRatingScale || (!all_mixed && mixed.count(bucket) == 0)) {
            return format_number(bucket, 2);
        }
        return format_number(bucket, 2) + ".." + format_number(bucket + 0.49, 2);
    };
}

Xapian::doccount Searcher::other_copies(const std::string& key, const Xapian::Query& query,
                                        const Xapian::MatchDecider* phrases) {
    const std::string term = std::string(s::kContentKeyPrefix) + key;
    const Xapian::doccount indexed = db_.get_termfreq(term);
    if (indexed <= 1) return 0;
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(term)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet copies = enquire.get_mset(0, indexed, 0, nullptr, phrases);
    return copies.size() > 0 ? copies.size() - 1 : 0;
}

std::vector<Facet> Searcher::count_facets(const SearchRequest& request, const Xapian::Query& query,
                                          const Xapian::MatchDecider* phrases, bool distinct,
                                          SearchResult& result) {
    std::vector<Facet> facets;
    const Xapian::doccount all = db_.get_doccount();
    std::vector<std::string> names;
    std::vector<SlotFacetSpec> specs;
    std::vector<FacetSpec> topic_facets;
    // The name each requested facet is answered under, in the order asked.
    std::vector<std::string> asked;
    for (const std::string& text : request.facets) {
        const FacetSpec facet = FacetSpec::parse(text);
        const std::string& name = facet.name;
        if (name == "topic") {
            topic_facets.push_back(facet);
            asked.push_back(topic_facet_name(facet));
            continue;
        }
        asked.push_back(name);
        SlotFacetSpec spec;
        if (name == "reviewer") {
            spec.slot = s::kReviewerSlot;
        } else if (name == "category") {
            spec.slot = s::kCategorySlot;
        } else if (name == "year") {
            spec.slot = s::kYearSlot;
        } else if (name == "rating") {
            if (!builder_.ratings_normalised()) {
                // The page asks for every facet; the others are still right.
                result.warnings.push_back(std::string("no rating facet: ") + kOldRatingsMessage);
                continue;
            }
            spec.slot = s::kRatingSlot;
            spec.map = rating_facet_map();
        } else {
            throw UsageError("unknown facet '" + name + "' (known: topic, reviewer, category, year, rating)");
        }
        names.push_back(name);
        specs.push_back(std::move(spec));
    }
    // Counts over the whole match: check_at_least = every document makes the match exhaustive,
    // so the spies see each matching document once. Xapian's remote backend runs only its own
    // spies, which count every copy of a review.
    const bool remote = has_remote();
    if (distinct && remote) {
        result.warnings.push_back(
            "facet counts over remote shards count every copy of a duplicated review "
            "(xapian-tcpsrv runs only Xapian's own match spies)");
    }
    // Topics are multi-valued (boolean terms). Within one database and without a collapse, a
    // topic is counted from its own postings against the docids this match saw
    // (query/facet_pass.hpp). Over several shards a spy sees each shard's own docids, which the
    // combined postings do not use, so there, and for distinct reviews or a strength bound,
    // each topic is counted by a filtered match of its own.
    const bool topics_in_pass = !remote && !distinct && db_.size() == 1 && !topic_facets.empty();
    std::optional<MatchedDocsSpy> docs;
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (!remote) {
        FacetCountSpy spy(specs, distinct);
        enquire.add_matchspy(&spy);
        if (topics_in_pass) enquire.add_matchspy(&docs.emplace(db_));
        (void)enquire.get_mset(0, 0, all, nullptr, phrases);
        FacetCounts counts = spy.finish();
        result.counted = FullCount{counts.documents, counts.reviews};
        for (std::size_t i = 0; i < names.size(); ++i) {
            facets.push_back(Facet{names[i], {counts.values[i].begin(), counts.values[i].end()}});
        }
    } else if (!specs.empty()) {
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        for (const SlotFacetSpec& spec : specs) {
            spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(spec.slot));
            enquire.add_matchspy(spies.back().get());
        }
        const Xapian::MSet whole = enquire.get_mset(0, 0, all, nullptr, phrases);
        // Exhaustive, so exact; under a collapse these spies counted copies, not reviews.
        if (!distinct) {
            result.counted = FullCount{whole.get_matches_estimated(), whole.get_matches_estimated()};
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
            std::map<std::string, Xapian::doccount> values;
            for (auto it = spies[i]->values_begin(); it != spies[i]->values_end(); ++it) {
                values[specs[i].map ? specs[i].map(*it) : std::string(*it)] += it.get_termfreq();
            }
            facets.push_back(Facet{names[i], {values.begin(), values.end()}});
        }
    }
    for (const FacetSpec& spec : topic_facets) {
        // With a bound, only reviews whose strength in the topic reaches it count.
        Facet facet{topic_facet_name(spec), {}};
        const std::string prefix(s::kTopicPrefix);
        Xapian::Enquire by_topic(db_);
        by_topic.set_weighting_scheme(Xapian::BoolWeight());
        for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
            const std::string topic = (*it).substr(prefix.size());
            if (docs && !spec.min_strength) {
                const Xapian::doccount n = docs->count_holding(*it);
                if (n > 0) facet.values.emplace_back(topic, n);
                continue;
            }
            Xapian::Query filter(*it);
            if (spec.min_strength) {
                const auto slot = builder_.topic_slots().slot(topic);
                if (!slot) continue;  // no strengths: it cannot be counted as strong
                filter = Xapian::Query(Xapian::Query::OP_AND, filter,
                                       Xapian::Query(Xapian::Query::OP_VALUE_GE, *slot,
                                                     s::strength_value(*spec.min_strength)));
            }
            by_topic.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, filter));
            Xapian::doccount n = 0;
            if (distinct && !remote) {
                FacetCountSpy spy({}, true);
                by_topic.clear_matchspies();
                by_topic.add_matchspy(&spy);
                (void)by_topic.get_mset(0, 0, all, nullptr, phrases);
                by_topic.clear_matchspies();
                n = spy.finish().reviews;
            } else {
                n = by_topic.get_mset(0, 0, all, nullptr, phrases).get_matches_estimated();
            }
            if (n > 0) facet.values.emplace_back(topic, n);
        }
        facets.push_back(std::move(facet));
    }
    for (Facet& f : facets) {
        std::stable_sort(f.values.begin(), f.values.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        if (f.values.size() > request.facet_limit) f.values.resize(request.facet_limit);
    }
    // Keep the order the facets were asked for.
    std::vector<Facet> ordered;
    for (const std::string& key : asked) {
        for (Facet& f : facets) {
            if (f.name == key) ordered.push_back(f);
        }
    }
    return ordered;
}

void Searcher::explain(const SearchRequest& request, const Plan& plan, Xapian::docid docid, Hit& hit) {
    // Each term's part, measured: the term alone, scaled as the plan scaled it, scored on this
    // document with the same collection statistics (Xapian weighs every leaf of a query on its
    // own, so the parts add up to the score when each term occurs once in the query).
    const std::string doc_term = s::id_term(hit.review.id);
    std::map<std::string, std::size_t> occurrences;
    for (auto it = plan.query.get_terms_begin(); it != plan.query.get_terms_end(); ++it) ++occurrences[*it];
    Xapian::Enquire enquire(db_);
    const auto weight = request.weighting.make();
    enquire.set_weighting_scheme(*weight);
    double sum = 0;
    for (const auto& [term, factor] : plan.factors) {
        if (factor == 0 || !is_text_term(term)) continue;
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), factor),
                                        Xapian::Query(doc_term)));
        const Xapian::MSet m = enquire.get_mset(0, 1);
        if (m.empty() || *m.begin() != docid) continue;
        const std::size_t leaves =
            plan.one_leaf_per_term || request.prf.docs > 0 || !request.like_id.empty()
                ? 1
                : std::max<std::size_t>(1, occurrences[term]);
        const double part = m.begin().get_weight() * static_cast<double>(leaves);
        if (part == 0) continue;
        const s::Field* field = field_of(term);
        hit.explanation.push_back({std::string(field->name), term.substr(field->prefix.size()), part});
        sum += part;
    }
    std::sort(hit.explanation.begin(), hit.explanation.end(),
              [](const auto& a, const auto& b) { return a.weight > b.weight; });
    hit.unexplained = hit.score - sum;
}

SearchResult Searcher::search_once(const SearchRequest& request) {
    SearchResult result;
    std::string text = request.query;
    if (request.synonyms && request.parse == ParseMode::Syntax) text = request.synonyms->expand(text);
    const Plan p = plan(request, text);
    result.expansion = p.expansion;

    Xapian::Enquire enquire(db_);
    enquire.set_query(p.query);
    const auto weight = request.weighting.make();
    enquire.set_weighting_scheme(*weight);
    Xapian::MultiValueKeyMaker keys;
    configure_enquire(enquire, request, keys);
    // Copies of one review share a content key; an index without keys has nothing to collapse
    // on, and says so rather than quietly showing every copy.
    const bool distinct = request.distinct && schema_version_ >= 2;
    if (request.distinct && !distinct) {
        result.warnings.push_back(
            "duplicates are not collapsed: this index was built before reviews had content keys "
            "(schema version 1); re-index it to collapse them");
    }
    if (distinct) enquire.set_collapse_key(s::kContentKeySlot);
    result.distinct = distinct;
    // Value facets match the whole of the filter part exhaustively; when that is the query
    // itself (no feedback terms), their count is the total and the search need not count.
    const bool facets_count = facets_count_all(request) && request.prf.docs == 0;
    const Xapian::doccount check_at_least =
        facets_count || request.k == 0 ? 0
                                       : static_cast<Xapian::doccount>(std::min<std::size_t>(
                                             request.exact_count_limit, db_.get_doccount()));
    const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                               static_cast<Xapian::doccount>(request.k),
                                               check_at_least, nullptr, p.phrases.get());
    result.total = {mset.get_matches_lower_bound(), mset.get_matches_estimated(),
                    mset.get_matches_upper_bound()};
    const auto skipped = [&p] { return p.checks ? p.checks->documents_skipped() : 0; };
    // A page that is not full ends the match, so everything before it was counted (unless
    // phrase checks ran out of budget and refused documents unchecked).
    if (mset.size() < request.k && (mset.size() > 0 || request.offset == 0) && skipped() == 0) {
        result.total = MatchCount::of(static_cast<Xapian::doccount>(request.offset + mset.size()));
    }
    result.terms = highlight_terms(p.query);
    result.prefixes = wildcard_prefixes(request.query);
    const Highlighter highlighter(analyzer_, result.terms, result.prefixes, &stems_);
    std::size_t rank = request.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.rank = ++rank;
        hit.score = it.get_weight();
        if (request.ids_only) {
            hit.review.id = hit_id(it, request.sort == SortOrder::Relevance);
        }
        if (!request.ids_only || hit.review.id.empty()) {
            // Only a document without the id slot (not written by revsearch-index) needs its
            // record when only the id is wanted.
            hit.review = from_stored_json(codec_.decode(stored_record(it.get_document())));
        }
        if (!request.ids_only && !builder_.topic_slots().empty()) {
            const Xapian::Document doc = it.get_document();
            for (const std::string& topic : hit.review.topics) {
                const auto slot = builder_.topic_slots().slot(topic);
                if (!slot) continue;
                const std::string value = doc.get_value(*slot);
                if (!value.empty())
                    hit.topic_strengths.emplace_back(topic, s::strength_from_value(value));
            }
        }
        if (request.snippets && !request.ids_only) {
            hit.snippet = highlighter.snippet(hit.review.body, request.snippet_chars);
        }
        if (!request.ids_only) {
            hit.content_key = it.get_document().get_value(s::kContentKeySlot);
            if (distinct) {
                hit.copies = hit.content_key.empty()
                                 ? 0
                                 : other_copies(hit.content_key, p.query, p.phrases.get());
            }
        }
        if (request.explain) explain(request, p, *it, hit);
        result.hits.push_back(std::move(hit));
    }
    if (!request.facets.empty()) {
        result.facets = count_facets(request, p.filter_part, p.phrases.get(), distinct, result);
        // Under feedback the facets count the parsed query's matches, not the expanded query's.
        if (request.prf.docs > 0 && request.prf.terms > 0) result.counted.reset();
        if (result.counted && skipped() == 0) {
            result.total = MatchCount::of(distinct ? result.counted->reviews : result.counted->documents);
        }
    }
    result.notices = p.notices;
    if (skipped() > 0) {
        // Documents refused unchecked may hold the phrase: the count is a range that covers them.
        result.total.upper = static_cast<Xapian::doccount>(
            std::min<std::uint64_t>(std::numeric_limits<Xapian::doccount>::max(),
                                    std::uint64_t{result.total.upper} + skipped()));
        result.total.estimated =
            std::clamp(result.total.estimated, result.total.lower, result.total.upper);
        result.notices.push_back(
            "the phrase and NEAR checks used up the query's budget after " +
            std::to_string(p.checks->documents_checked()) + " reviews; " +
            std::to_string(skipped()) +
            " more were not checked, so results, counts and facets may be incomplete "
            "(--max-query-cost)");
    }
    if (request.suggest && request.like_id.empty() && !text::trim(request.query).empty() &&
        request.parse == ParseMode::Syntax) {
        result.suggestion = builder_.suggest(request.query);
    }
    return result;
}

std::optional<Review> Searcher::fetch(const std::string& id) {
    int network_failures = 0;
    for (int attempt = 0;; ++attempt) {
        try {
            const std::string term = s::id_term(id);
            Xapian::PostingIterator p = db_.postlist_begin(term);
            if (p == db_.postlist_end(term)) return std::nullopt;
            return from_stored_json(codec_.decode(stored_record(db_.get_document(*p))));
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= kMaxReopens) throw IndexError(path_, "kept changing during the fetch");
            db_.reopen();
        } catch (const Xapian::NetworkError& e) {
            if (network_failures > static_cast<int>(shards_.size())) {
                throw IndexError(path_, "the shards kept failing: " + e.get_description());
            }
            recover(e, network_failures++);
        } catch (const Xapian::Error& e) {
            throw IndexError(path_, e.get_description());
        }
    }
}

}  // namespace revsearch::query
