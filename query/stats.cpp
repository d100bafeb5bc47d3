#include "query/stats.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/record_codec.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;
using json = nlohmann::ordered_json;

namespace {

json parsed_metadata(const Xapian::Database& db, std::string_view key) {
    const std::string value = db.get_metadata(std::string(key));
    if (value.empty()) return nullptr;
    return json::parse(value, nullptr, false);
}

/// Terms with `prefix` (and no longer prefix), with their document frequencies.
std::vector<std::pair<std::string, Xapian::doccount>> terms_with_prefix(const Xapian::Database& db,
                                                                        std::string_view prefix) {
    std::vector<std::pair<std::string, Xapian::doccount>> out;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        const std::string term = *it;
        out.emplace_back(term.substr(p.size()), it.get_termfreq());
    }
    return out;
}

std::uint64_t count_text_terms(const Xapian::Database& db, std::string_view prefix) {
    std::uint64_t n = 0;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        const std::string& term = *it;
        if (prefix.empty()) {
            // Unprefixed terms start with a lower-case letter, a digit or a non-ASCII byte.
            const unsigned char c = static_cast<unsigned char>(term[0]);
            if (c >= 'A' && c <= 'Z') continue;
        } else if (term.size() > p.size() && term[p.size()] >= 'A' && term[p.size()] <= 'Z') {
            continue;  // a longer prefix
        }
        ++n;
    }
    return n;
}

/// Adds the numbers of `from` into `into`, key by key, recursing into objects. Keys named in
/// `take_max` (and everything inside them) keep the larger value instead: figures of the
/// whole run that every shard repeats, such as its wall and CPU time or its lane count.
void add_counts(json& into, const json& from, std::initializer_list<std::string_view> take_max = {},
                bool all_max = false) {
    if (!from.is_object()) return;
    if (!into.is_object()) into = json::object();
    for (const auto& [key, value] : from.items()) {
        json& mine = into[key];
        const bool max = all_max || std::find(take_max.begin(), take_max.end(), key) != take_max.end();
        if (value.is_object()) {
            add_counts(mine, value, take_max, max);
        } else if (value.is_number()) {
            if (mine.is_number_float() || value.is_number_float()) {
                const double a = mine.is_number() ? mine.get<double>() : 0.0;
                mine = max ? std::max(a, value.get<double>()) : a + value.get<double>();
            } else {
                const std::uint64_t a = mine.is_number() ? mine.get<std::uint64_t>() : 0;
                mine = max ? std::max(a, value.get<std::uint64_t>()) : a + value.get<std::uint64_t>();
            }
        } else if (mine.is_null()) {
            mine = value;
        }
    }
}

/// How many examples of duplicate groups --stats lists.
constexpr std::size_t kDuplicateExamples = 5;

/// The duplicate groups of an index: reviews that share a content key (schema::
/// kContentKeyPrefix terms whose frequency is over 1), and the largest few as examples.
/// Null for an index without content keys (schema version 1).
json duplicates_json(const Xapian::Database& db) {
    if (s::stored_version(db) < 2) return nullptr;
    std::uint64_t groups = 0, reviews = 0;
    std::vector<std::pair<Xapian::doccount, std::string>> largest;  // (size, term), a min-heap
    const auto bigger = [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    const std::string prefix(s::kContentKeyPrefix);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        const Xapian::doccount n = it.get_termfreq();
        if (n < 2) continue;
        ++groups;
        reviews += n;
        largest.emplace_back(n, *it);
        std::push_heap(largest.begin(), largest.end(), bigger);
        if (largest.size() > kDuplicateExamples) {
            std::pop_heap(largest.begin(), largest.end(), bigger);
            largest.pop_back();
        }
    }
    std::sort(largest.begin(), largest.end(), bigger);
    RecordDecoder decoder;
    decoder.add(db.get_metadata(std::string(s::kMetaDictionary)));
    json examples = json::array();
    for (const auto& [n, term] : largest) {
        json example = {{"content_key", term.substr(prefix.size())}, {"reviews", n}};
        const Xapian::Document doc = db.get_document(*db.postlist_begin(term));
        example["id"] = doc.get_value(s::kIdSlot);
        try {
            const Review r = from_stored_json(decoder.decode(stored_record(doc)));
            example["title"] = r.title;
            example["reviewer"] = r.reviewer;
        } catch (const Error&) {
            // A shard's record under another dictionary: the id and key still name the group.
        }
        examples.push_back(example);
    }
    const Xapian::doccount keyed = db.get_value_freq(s::kContentKeySlot);
    return {{"groups", groups},
            {"reviews_in_groups", reviews},
            {"copies", reviews - groups},
            {"distinct_reviews", db.get_doccount() - (reviews - groups)},
            {"without_key", db.get_doccount() - keyed},
            {"examples", examples}};
}

/// The ratings of an index: how many have one, and how many of those are on the 0-5 scale.
json ratings_json(const Xapian::Database& db) {
    if (s::stored_version(db) < 2) {
        return {{"scale", "as given (schema version 1)"},
                {"with_rating", db.get_value_freq(s::kRatingSlot)}};
    }
    const Xapian::doccount given = db.get_value_freq(s::kRatingGivenSlot);
    const Xapian::doccount normalised = db.get_value_freq(s::kRatingSlot);
    return {{"scale", "0-5"},
            {"with_rating", given},
            {"normalised", normalised},
            {"without_usable_scale", given - std::min(given, normalised)}};
}

/// `{"windows-1252": 3, "UTF-16LE": 1}` as "UTF-16LE 1, windows-1252 3".
std::string counts_text(const json& counts) {
    std::string out;
    for (const auto& [key, n] : counts.items()) {
        out += (out.empty() ? "" : ", ") + key + " " + n.dump();
    }
    return out;
}

/// Records transcoded to UTF-8, by source encoding, summed over a manifest's inputs.
json transcoded_totals(const json& manifest) {
    json totals = json::object();
    if (!manifest.is_object()) return totals;
    for (const json& in : manifest.value("inputs", json::array())) {
        if (in.is_object()) add_counts(totals, in.value("transcoded", json::object()));
    }
    return totals;
}

/// The text form of stats_json().
void print_stats_text(std::ostream& out, const json& j) {
    const json& fields = j["distinct_terms"];
    const std::string schema = j["schema"].get<std::string>();
    out << "documents: " << j["documents"] << '\n'
        << "schema version: " << (schema.empty() ? "unknown (not written by revsearch-index)" : schema)
        << '\n'
        << (j.value("run_state", std::string()) == "running"
                ? "state: an indexing run is under way or was interrupted (run it again to "
                  "finish)\n"
                : "")
        << "analyzer: language " << j["analyzer"]["language"].get<std::string>() << ", stop words "
        << j["analyzer"]["stopwords"].get<std::string>() << ", stemming STEM_ALL, positions "
        << j["analyzer"]["positions"].get<std::string>() << ", date and rating ranges by "
        << (j["analyzer"].value("range_terms", false) ? "terms" : "values") << ", stem overrides "
        << j["analyzer"].value("stem_overrides", std::string("none")) << " ("
        << j["analyzer"].value("stem_override_words", 0) << " words)\n"
        << "average document length: " << format_number(j["average_length"].get<double>(), 1) << " terms\n"
        << "documents with: date " << j["with_value"]["date"] << ", rating " << j["with_value"]["rating"]
        << ", reviewer " << j["with_value"]["reviewer"] << ", category " << j["with_value"]["category"]
        << '\n'
        << "distinct terms:";
    for (const auto& [name, n] : fields.items()) out << ' ' << name << ' ' << n;
    const json& ratings = j["ratings"];
    out << "\nratings: " << ratings["with_rating"] << " reviews have one";
    if (ratings.contains("normalised")) {
        out << "; on the 0-5 scale: " << ratings["normalised"] << ", without a usable scale: "
            << ratings["without_usable_scale"];
        if (ratings["without_usable_scale"].get<std::uint64_t>() > 0) {
            out << " (kept as given, in no rating range, sort or facet)";
        }
    } else {
        out << ", each as given (schema version 1: re-index to filter, sort or count by rating)";
    }
    const json& dups = j["duplicates"];
    if (dups.is_null()) {
        out << "\nduplicates: not known (schema version 1: re-index to find and collapse them)";
    } else {
        out << "\nduplicates: " << dups["groups"] << " groups hold " << dups["reviews_in_groups"]
            << " reviews; --distinct leaves out " << dups["copies"] << " copies and shows "
            << dups["distinct_reviews"] << " distinct reviews";
        for (const auto& e : dups["examples"]) {
            out << "\n  " << e["reviews"]
                << " copies: " << e.value("title", std::string("(untitled)"));
            const std::string reviewer = e.value("reviewer", std::string());
            if (!reviewer.empty()) out << " by " << reviewer;
            out << " (id " << e["id"].get<std::string>()
                << ", dup:" << e["content_key"].get<std::string>() << ")";
        }
    }
    out << "\ntopics:\n";
    if (const json& t = j["topic_strengths"]; t.is_object()) {
        out << "  (tagged by the " << t.value("lexicon", "") << " lexicon, evidence rule "
            << t.value("rule", json::object()).dump()
            << "; strengths in mentions per 1,000 words)\n";
    }
    for (const auto& t : j["topics"]) out << "  " << t[0].get<std::string>() << ": " << t[1] << '\n';
    out << "categories (top 50):\n";
    for (const auto& c : j["categories"]) out << "  " << c[0].get<std::string>() << ": " << c[1] << '\n';
    if (j["manifest"].is_object()) {
        // Manifests written before the algorithm was recorded do not say which hash they hold.
        const std::string algorithm = j["manifest"].value("hash_algorithm", std::string());
        out << "sources:\n";
        for (const auto& in : j["manifest"].value("inputs", json::array())) {
            out << "  " << in.value("path", "") << " (" << in.value("bytes", 0) << " bytes, "
                << in.value("records", 0) << " records, "
                << (algorithm.empty() ? "hash (algorithm not recorded)" : algorithm) << ' '
                << in.value("hash", "");
            if (in.contains("transcoded")) out << "; transcoded " << counts_text(in["transcoded"]);
            out << ")\n";
        }
        out << "transcoded to UTF-8:";
        if (j["transcoded_by_encoding"].empty()) out << " none";
        out << '\n';
        for (const auto& [encoding, n] : j["transcoded_by_encoding"].items()) {
            out << "  from " << encoding << ": " << n << " records\n";
        }
    }
    out << "rejected over all runs:";
    if (j["rejects_by_reason"].empty()) out << " none";
    out << '\n';
    for (const auto& [reason, n] : j["rejects_by_reason"].items()) out << "  " << n << ": " << reason << '\n';
    if (j.contains("shards")) {
        out << "shards: " << j["shards"].size() << '\n';
        for (const auto& shard : j["shards"]) {
            out << "  " << shard["label"].get<std::string>() << ": ";
            if (shard["reachable"].get<bool>()) {
                out << shard["documents"] << " documents, reachable\n";
            } else {
                out << "unreachable: " << shard["error"].get<std::string>() << '\n';
            }
        }
    }
}

}  // namespace

json merged_manifest(const Searcher& searcher) {
    if (!searcher.sharded()) return parsed_metadata(searcher.database(), s::kMetaManifest);
    json merged = nullptr;
    std::map<std::pair<std::string, std::string>, std::size_t> input_at;  // (path, hash) -> index
    for (const ShardStatus& shard : searcher.shards()) {
        if (!shard.reachable) continue;
        const json m = parsed_metadata(shard.database, s::kMetaManifest);
        if (!m.is_object()) continue;
        if (!merged.is_object()) {
            merged = m;
            merged["inputs"] = json::array();
            merged["formats"] = json::object();
        }
        add_counts(merged["formats"], m.value("formats", json::object()));
        for (const json& in : m.value("inputs", json::array())) {
            if (!in.is_object()) continue;
            const auto key = std::make_pair(in.value("path", std::string()), in.value("hash", std::string()));
            const auto at = input_at.find(key);
            if (at == input_at.end()) {
                input_at.emplace(key, merged["inputs"].size());
                merged["inputs"].push_back(in);
            } else {
                // One input routed over several shards: each shard counts the records it holds.
                json& mine = merged["inputs"][at->second];
                mine["records"] = mine.value("records", std::uint64_t{0}) + in.value("records", std::uint64_t{0});
                if (in.contains("transcoded")) add_counts(mine["transcoded"], in["transcoded"]);
            }
        }
    }
    return merged;
}

namespace {

json analyzer_json(const AnalyzerSettings& analyzer) {
    return {{"language", analyzer.language},
            {"stopwords", analyzer.stopwords_name.empty() ? "none" : analyzer.stopwords_name},
            {"stemming", "STEM_ALL"},
            {"positions", analyzer.positions_name()},
            {"range_terms", analyzer.range_terms},
            {"stem_overrides", analyzer.stem_overrides.empty() ? "none" : analyzer.stem_overrides_name},
            {"stem_override_words", analyzer.stem_overrides.size()}};
}

}  // namespace

json stats_json(const Searcher& searcher) {
    json j = stats_json(searcher.database());
    if (!searcher.sharded()) return j;
    // The combined handle gives exact counts, lengths and term statistics over every reachable
    // shard, but its metadata is the first shard's: metadata is read shard by shard.
    const AnalyzerSettings& analyzer = searcher.analyzer().settings();
    j["analyzer"] = analyzer_json(analyzer);
    j["manifest"] = merged_manifest(searcher);
    j["transcoded_by_encoding"] = transcoded_totals(j["manifest"]);
    json rejects = json::object();
    json last_run = nullptr;
    json shards = json::array();
    for (const ShardStatus& shard : searcher.shards()) {
        json entry = {{"name", shard.target}, {"label", shard.label}, {"remote", shard.remote},
                      {"reachable", shard.reachable}, {"documents", shard.documents}};
        if (!shard.reachable) {
            entry["error"] = shard.error;
            shards.push_back(entry);
            continue;
        }
        const json stats = parsed_metadata(shard.database, s::kMetaStats);
        if (stats.is_object()) {
            add_counts(rejects, stats.value("rejects_by_reason", json::object()));
            add_counts(last_run, stats.value("last_run", json::object()),
                       {"seconds", "compact_seconds", "cpu_seconds", "lanes"});
        }
        shards.push_back(entry);
    }
    j["rejects_by_reason"] = rejects;
    j["last_run"] = last_run;
    j["shards"] = shards;
    j["warnings"] = searcher.open_warnings();
    return j;
}

void print_stats(std::ostream& out, const Searcher& searcher, OutputFormat format) {
    const json j = stats_json(searcher);
    if (format == OutputFormat::Json) {
        out << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        return;
    }
    print_stats_text(out, j);
}

json stats_json(const Xapian::Database& db) {
    json j;
    j["documents"] = db.get_doccount();
    const AnalyzerSettings analyzer = AnalyzerSettings::from_database(db);
    j["analyzer"] = analyzer_json(analyzer);
    j["schema"] = db.get_metadata(std::string(s::kMetaSchema));
    // "running": an indexing run is under way, or stopped before it finished.
    const json run = parsed_metadata(db, s::kMetaRun);
    j["run_state"] = run.is_object() ? run.value("state", std::string()) : std::string();
    j["average_length"] = db.get_avlength();
    j["ratings"] = ratings_json(db);
    j["duplicates"] = duplicates_json(db);
    j["with_value"] = {{"date", db.get_value_freq(s::kDateSlot)},
                       {"rating", db.get_value_freq(s::kRatingSlot)},
                       {"reviewer", db.get_value_freq(s::kReviewerSlot)},
                       {"category", db.get_value_freq(s::kCategorySlot)}};
    json fields = json::object();
    for (const s::Field& f : s::kFields) {
        if (f.kind == s::FieldKind::Text) fields[std::string(f.name)] = count_text_terms(db, f.prefix);
    }
    j["distinct_terms"] = fields;
    auto histogram = [&](std::string_view prefix, std::size_t limit) {
        auto terms = terms_with_prefix(db, prefix);
        std::stable_sort(terms.begin(), terms.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        json h = json::array();
        for (std::size_t i = 0; i < terms.size() && i < limit; ++i) {
            h.push_back({terms[i].first, terms[i].second});
        }
        return h;
    };
    j["topics"] = histogram(s::kTopicPrefix, 1000);
    // What tagged them, and which value slot holds each topic's strength (null: no strengths).
    j["topic_strengths"] = parsed_metadata(db, s::kMetaTopics);
    j["categories"] = histogram(s::kCategoryPrefix, 50);
    j["manifest"] = parsed_metadata(db, s::kMetaManifest);
    j["transcoded_by_encoding"] = transcoded_totals(j["manifest"]);
    const json stats = parsed_metadata(db, s::kMetaStats);
    j["rejects_by_reason"] = stats.is_object() ? stats.value("rejects_by_reason", json::object()) : json::object();
    j["last_run"] = stats.is_object() ? stats.value("last_run", json(nullptr)) : json(nullptr);
    return j;
}

void print_stats(std::ostream& out, const Xapian::Database& db, OutputFormat format) {
    const json j = stats_json(db);
    if (format == OutputFormat::Json) {
        out << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        return;
    }
    print_stats_text(out, j);
}

}  // namespace revsearch::query
