#include "query/query_builder.hpp"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/range_terms.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"
#include "query/phrase_source.hpp"
#include "query/title_layout.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

const char* const kOldRatingsMessage =
    "this index was built before ratings were put on one scale (schema version 1: each rating "
    "as its source gave it, out of 5 or of 10 alike), so rating filters, sorting and facets "
    "would mix scales; re-index it with this revsearch-index to use them";

namespace {

/// A boolean field: the value is normalised as the indexer normalised it.
class BooleanFieldProcessor : public Xapian::FieldProcessor {
public:
    explicit BooleanFieldProcessor(std::string prefix) : prefix_(std::move(prefix)) {}
    Xapian::Query operator()(const std::string& value) override {
        return Xapian::Query(s::boolean_term(prefix_, value));
    }

private:
    std::string prefix_;
};

/// `topic:NAME`, reviews tagged NAME, and `topic:NAME>=N`, reviews tagged NAME whose text
/// mentions it at least N times per 1,000 words (the strength the indexer stored, one value slot
/// per topic: common/topic_slots.hpp). A multi-word name is quoted with its bound inside the
/// quotes, `topic:"compassion fatigue>=2"`; the builder moves a bound written after the
/// closing quote there.
class TopicFieldProcessor : public Xapian::FieldProcessor {
  public:
    TopicFieldProcessor(const TopicSlots* slots, std::shared_ptr<std::string> error)
        : slots_(slots), error_(std::move(error)) {}
    Xapian::Query operator()(const std::string& value) override {
        const std::size_t op = value.rfind(">=");
        if (op == std::string::npos) return Xapian::Query(s::boolean_term(s::kTopicPrefix, value));
        const std::string name = text::trim(value.substr(0, op));
        const std::string bound = text::trim(value.substr(op + 2));
        const auto strength = parse_strength(bound);
        if (!strength) {
            *error_ = "not a topic strength: '" + bound +
                      "' (mentions per 1,000 words, e.g. topic:" +
                      (name.find(' ') == std::string::npos ? name : "\"" + name + "\"") + ">=2)";
            return Xapian::Query::MatchNothing;
        }
        const auto slot = slots_->slot(name);
        if (!slot) {
            *error_ =
                "this index holds no strengths for topic '" + name + "' (" + known_topics() + ")";
            return Xapian::Query::MatchNothing;
        }
        return Xapian::Query(
            Xapian::Query::OP_AND, Xapian::Query(s::boolean_term(s::kTopicPrefix, name)),
            Xapian::Query(Xapian::Query::OP_VALUE_GE, *slot, s::strength_value(*strength)));
    }

  private:
    static std::optional<double> parse_strength(const std::string& text) {
        if (text.empty()) return std::nullopt;
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (*end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
        return v;
    }
    [[nodiscard]] std::string known_topics() const {
        if (slots_->empty()) return "it was built without them: re-index to add them";
        std::string names;
        for (const auto& [name, slot] : slots_->slots) names += (names.empty() ? "" : ", ") + name;
        return "topics with strengths: " + names;
    }

    const TopicSlots* slots_;
    std::shared_ptr<std::string> error_;
};

class IdFieldProcessor : public Xapian::FieldProcessor {
public:
    Xapian::Query operator()(const std::string& value) override {
        return Xapian::Query(s::id_term(value));
    }
};

/// The queries behind `date:` and `rating:` filters. An index with range terms
/// (common/range_terms.hpp) gets unions of posting lists; any other gets value ranges, which
/// read every document's value. Both match the same documents.
class RangeQueries {
public:
    RangeQueries(const Xapian::Database* db, bool terms) : db_(db), terms_(terms) {}

    /// Reviews whose date key lies in [lo, hi]; an absent bound is open.
    [[nodiscard]] Xapian::Query dates(const std::optional<std::string>& lo, const std::optional<std::string>& hi) const {
        if (!lo && !hi) return Xapian::Query::MatchAll;
        if (!terms_) {
            if (lo && hi) return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, s::kDateSlot, *lo, *hi);
            if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, s::kDateSlot, *lo);
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, s::kDateSlot, *hi);
        }
        // Open ends, and ends beyond the index's dates, stop at the years the index has.
        const std::string first = db_->get_value_lower_bound(s::kDateSlot);
        const std::string last = db_->get_value_upper_bound(s::kDateSlot);
        if (first.size() != 8 || last.size() != 8) return Xapian::Query::MatchNothing;
        std::string from = first.substr(0, 4) + "0000";
        std::string to = last.substr(0, 4) + "1231";
        if (lo && *lo > from) from = *lo;
        if (hi && *hi < to) to = *hi;
        return any_of(range_terms::date_range_terms(from, to));
    }

    /// Reviews whose rating lies in [lo, hi]; an absent bound is open.
    [[nodiscard]] Xapian::Query ratings(std::optional<double> lo, std::optional<double> hi) const {
        if (!lo && !hi) return Xapian::Query::MatchAll;
        if (!terms_) {
            if (lo && hi) {
                return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, s::kRatingSlot, s::rating_value(*lo),
                                     s::rating_value(*hi));
            }
            if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, s::kRatingSlot, s::rating_value(*lo));
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, s::kRatingSlot, s::rating_value(*hi));
        }
        // An index has few distinct ratings: the terms of those in the range.
        std::vector<std::string> terms;
        const std::string prefix(s::kRatingPrefix);
        for (auto t = db_->allterms_begin(prefix); t != db_->allterms_end(prefix); ++t) {
            const auto rating = range_terms::rating_of_term(*t);
            if (rating && (!lo || *rating >= *lo) && (!hi || *rating <= *hi)) terms.push_back(*t);
        }
        return any_of(terms);
    }

private:
    /// The OR of boolean terms, weighted 0 (a filter scores nothing, whatever the weighting).
    static Xapian::Query any_of(const std::vector<std::string>& terms) {
        if (terms.empty()) return Xapian::Query::MatchNothing;
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                             Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), 0.0);
    }

    const Xapian::Database* db_;
    bool terms_;
};

/// A rating as written in a query: a whole number or decimal, nothing else.
std::optional<double> parse_rating(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    return v;
}

/// Reads a filter's value, one value or a range `A..B` whose ends may be empty (open): calls
/// read(text, lower) for each end given (both, with the one value, for a single value), and
/// stops at the first that returns false. Returns whether every end was read.
template <typename Read>
bool read_bounds(const std::string& value, Read&& read) {
    const std::size_t dots = value.find("..");
    if (dots == std::string::npos) return read(value, true) && read(value, false);
    const std::string lo = value.substr(0, dots);
    const std::string hi = value.substr(dots + 2);
    return (lo.empty() || read(lo, true)) && (hi.empty() || read(hi, false));
}

/// `date:2016-05` (the whole period, as if written `date:2016-05..2016-05`) and
/// `date:2015..2016-06`: partial dates on either end, open ends allowed (`date:2015..`).
/// Xapian's DateRangeProcessor rejects mixed precision, so this applies common/date.hpp's rule:
/// a partial lower bound starts its period and a partial upper bound ends it.
///
/// Ranges are read here, as the value of a boolean field, not by a Xapian::RangeProcessor:
/// the QueryParser groups a range processor's value ranges by slot, but puts every other
/// query (the range terms' union) in one group, which would OR a date range with a rating
/// range. As a field, date filters are ORed with each other and ANDed with other fields.
class DateFilterProcessor : public Xapian::FieldProcessor {
public:
    DateFilterProcessor(RangeQueries ranges, std::shared_ptr<std::string> error)
        : ranges_(ranges), error_(std::move(error)) {}
    Xapian::Query operator()(const std::string& value) override {
        std::optional<std::string> lo, hi;
        const bool ok = read_bounds(value, [&](const std::string& text, bool lower) {
            const auto d = date::parse(text);
            if (!d) {
                *error_ = "not a date: '" + text + "' (use YYYY, YYYY-MM or YYYY-MM-DD)";
                return false;
            }
            (lower ? lo : hi) = lower ? date::lower_bound_key(*d) : date::upper_bound_key(*d);
            return true;
        });
        return ok ? ranges_.dates(lo, hi) : Xapian::Query::MatchNothing;
    }

private:
    RangeQueries ranges_;
    std::shared_ptr<std::string> error_;
};

/// `rating:4` (exactly that rating) and `rating:3..4.5`, open ends allowed (`rating:4..`):
/// a boolean field for the same reason as dates (DateFilterProcessor).
///
/// Ratings are on the one 0-5 scale (schema::normalised_rating), so `rating:4..5` is 4 to 5
/// stars, 8 to 10 of 10. An index of schema version 1 holds ratings as given, on mixed scales,
/// so a rating filter there is refused rather than answered wrongly.
class RatingFilterProcessor : public Xapian::FieldProcessor {
public:
    RatingFilterProcessor(RangeQueries ranges, std::shared_ptr<std::string> error, bool normalised)
        : ranges_(ranges), error_(std::move(error)), normalised_(normalised) {}
    Xapian::Query operator()(const std::string& value) override {
        if (!normalised_) {
            *error_ = kOldRatingsMessage;
            return Xapian::Query::MatchNothing;
        }
        std::optional<double> lo, hi;
        const bool ok = read_bounds(value, [&](const std::string& text, bool lower) {
            const auto v = parse_rating(text);
            if (!v) *error_ = "not a rating: '" + text + "'";
            (lower ? lo : hi) = v;
            return v.has_value();
        });
        return ok ? ranges_.ratings(lo, hi) : Xapian::Query::MatchNothing;
    }

private:
    RangeQueries ranges_;
    std::shared_ptr<std::string> error_;
    bool normalised_;
};
/// True for the fields whose values are literals: boolean filters and ranges.
bool is_filter_field(const std::string& name) {
    if (name == "date" || name == "rating") return true;
    for (const s::Field& f : s::kFields) {
        if (f.kind == s::FieldKind::Boolean && f.name == name) return true;
    }
    return false;
}

/// Drops stop words inside phrases ("state of mind", state-of-mind). The indexer leaves stop
/// words out without leaving gaps in the positions, and QueryParser keeps stop words inside
/// phrases, so without this a phrase with a stop word could never match.
std::string strip_phrase_stopwords(std::string_view text, const Analyzer& analyzer) {
    if (analyzer.settings().stopwords.empty()) return std::string(text);
    std::string out;
    std::string word;
    bool quoted = false;
    bool in_compound = false;  // a word joined to the previous one by '-'
    auto flush = [&](char next) {
        if (word.empty()) return;
        const bool phrase_word = quoted || in_compound || next == '-';
        const std::string lower = Xapian::Unicode::tolower(word);
        if (phrase_word && analyzer.is_stopword(lower)) {
            if (!out.empty() && out.back() == '-' && next != '-') out.pop_back();
        } else {
            out += word;
        }
        word.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || u >= 0x80 || c == '\'') {
            word += c;
            continue;
        }
        if (c == ':' && !quoted && is_filter_field(word)) {
            // A filter's value (id:self-compassion-in-psychotherapy, topic:"x of y") is a
            // literal, not words: copy it as written.
            out += word + ':';
            word.clear();
            std::size_t end = i + 1;
            if (end < text.size() && text[end] == '"') {
                end = text.find('"', end + 1);
                end = end == std::string_view::npos ? text.size() : end + 1;
            } else {
                while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != ')') ++end;
            }
            out.append(text.substr(i + 1, end - i - 1));
            i = end - 1;
            in_compound = false;
            continue;
        }
        flush(c);
        if (c == '-' && !out.empty() && out.back() != ' ' && out.back() != '-' && out.back() != '"') {
            in_compound = true;
            out += c;
            continue;
        }
        if (c == '-' && !out.empty() && out.back() == '-') continue;  // "self-the-x": one dash
        in_compound = false;
        if (c == '"') quoted = !quoted;
        out += c;
    }
    flush('\0');
    if (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

/// `topic:"compassion fatigue">=2` as `topic:"compassion fatigue>=2"`: the QueryParser hands a
/// quoted filter's value to the field processor without what follows the closing quote, so the
/// bound moves inside.
std::string move_topic_bounds(std::string_view text) {
    std::string out;
    constexpr std::string_view kField = "topic:\"";
    std::size_t at = 0;
    while (true) {
        const std::size_t field = text.find(kField, at);
        const bool starts_word =
            field != std::string_view::npos &&
            (field == 0 || !std::isalnum(static_cast<unsigned char>(text[field - 1])));
        const std::size_t close =
            field == std::string_view::npos ? field : text.find('"', field + kField.size());
        if (close == std::string_view::npos) break;
        if (!starts_word || text.substr(close + 1, 2) != ">=") {
            out.append(text.substr(at, close + 1 - at));
            at = close + 1;
            continue;
        }
        std::size_t bound = close + 3;
        while (bound < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[bound])) || text[bound] == '.'))
            ++bound;
        out.append(text.substr(at, close - at));
        out.append(text.substr(close + 1, bound - close - 1));
        out += '"';
        at = bound;
    }
    out.append(text.substr(at));
    return out;
}

/// Strips characters that QueryParser would read as syntax, for ParseMode::Plain.
std::string plain_words(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = u >= 0x80 || std::isalnum(u) || c == '\'';
        out += keep ? c : ' ';
    }
    return out;
}

}  // namespace

QueryBuilder::QueryBuilder(const Analyzer& analyzer, const Xapian::Database& db)
    : analyzer_(analyzer),
      db_(db),
      topic_slots_(TopicSlots::from_database(db)),
      ratings_normalised_(s::stored_version(db) >= 2) {
    configure(parser_, "");
}

void QueryBuilder::set_topic_slots(TopicSlots slots) { topic_slots_ = std::move(slots); }

void QueryBuilder::configure(Xapian::QueryParser& parser, std::string_view only_field) const {
    parser.set_database(db_);
    analyzer_.configure(parser);
    parser.set_max_expansion(1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                             Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
    for (const s::Field& field : s::kFields) {
        const std::string name(field.name);
        if (field.kind == s::FieldKind::Text) {
            const bool on = only_field.empty() || only_field == field.name;
            const std::string prefix =
                (on ? "" : std::string(kDisabledFieldPrefix)) + std::string(field.prefix);
            // An index with the title's words in the unprefixed terms searches those alone
            // by default: adding `S` would score each title word twice, with two idfs. Its
            // `body:` words are marked, so apply_title_layout() can keep them to the body.
            const bool title_inside = analyzer_.settings().title_in_default;
            const bool body_marked = title_inside && on && field.prefix == s::kBodyPrefix;
            parser.add_prefix(name, body_marked ? std::string(kBodyOnlyPrefix) : prefix);
            if (field.in_default && !(title_inside && field.prefix == s::kTitlePrefix))
                parser.add_prefix("", prefix);
            continue;
        }
        if (field.prefix == s::kTopicPrefix) continue;  // below: it shares the filters' errors
        Xapian::FieldProcessor* proc = field.prefix == s::kIdPrefix
                                           ? static_cast<Xapian::FieldProcessor*>(new IdFieldProcessor)
                                           : new BooleanFieldProcessor(std::string(field.prefix));
        parser.add_boolean_prefix(name, proc->release());
    }
    const RangeQueries ranges(&db_, analyzer_.settings().range_terms);
    auto error = std::make_shared<std::string>();
    filter_errors_[&parser] = error;
    parser.add_boolean_prefix("topic", (new TopicFieldProcessor(&topic_slots_, error))->release());
    parser.add_boolean_prefix("date", (new DateFilterProcessor(ranges, error))->release());
    auto* ratings = new RatingFilterProcessor(ranges, error, ratings_normalised_);
    parser.add_boolean_prefix("rating", ratings->release());
}

void QueryBuilder::set_default_and(bool on) {
    default_and_ = on;
    parser_.set_default_op(on ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
}

Xapian::Query QueryBuilder::run_parser(Xapian::QueryParser& parser, std::string_view text,
                                       ParseMode mode, unsigned extra_flags,
                                       std::vector<PhraseChoice>* deferred) {
    const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                           Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                           Xapian::QueryParser::FLAG_PURE_NOT | extra_flags;
    const auto found = filter_errors_.find(&parser);
    std::string* filter_error = found == filter_errors_.end() ? nullptr : found->second.get();
    if (filter_error != nullptr) filter_error->clear();
    try {
        Xapian::Query q =
            mode == ParseMode::Plain
                ? parser.parse_query(plain_words(text), extra_flags)
                : parser.parse_query(strip_phrase_stopwords(move_topic_bounds(text), analyzer_),
                                     flags);
        if (filter_error != nullptr && !filter_error->empty()) throw QueryError(*filter_error);
        if (analyzer_.settings().title_in_default) q = apply_title_layout(q, remote_shards_);
        // The budget prices the query as it will run: after the layout's rewrite.
        std::uint64_t cost = 0;
        q = apply_budget(q, db_, budget_, notices_, &cost);
        // The phrase checks get what the postings leave of the budget.
        checks_ = std::make_shared<PhraseCheckBudget>(
            budget_.max_cost > cost ? budget_.max_cost - cost : 0);
        if (!analyzer_.settings().packed_positions) return q;
        unsigned phrases = 0;
        q = rewrite_positional(q, phrases, deferred, checks_);
        if (phrases > 0 && remote_shards_) {
            throw UsageError("phrase and NEAR searches cannot run on remote shards of an index with "
                             "packed positions (xapian-tcpsrv lacks revsearch's phrase matcher); "
                             "build the shards with --positions xapian, or search local shards");
        }
        return q;
    } catch (const Xapian::QueryParserError& e) {
        if (filter_error != nullptr && !filter_error->empty()) throw QueryError(*filter_error);
        throw QueryError(e.get_msg());
    } catch (const Xapian::InvalidArgumentError& e) {
        throw QueryError(e.get_msg());
    }
}

bool QueryBuilder::is_unknown_word(std::string_view text, const Token& w) const {
    // A field's name (`topic` in `topic:grief`) is syntax, and its value is everything after
    // the colon up to the next space, so the `2018` of `date:2015..2018` is a value too.
    const std::size_t chunk = text.find_last_of(" \t", w.begin == 0 ? 0 : w.begin - 1);
    const std::size_t chunk_start = chunk == std::string_view::npos || w.begin == 0 ? 0 : chunk + 1;
    const bool field_value = text.substr(chunk_start, w.begin - chunk_start).find(':') != std::string_view::npos;
    const bool field_name = w.end < text.size() && text[w.end] == ':';
    if (field_value || field_name || w.term.size() < 3) return false;
    const std::string term = analyzer_.term(w.term);
    return !db_.term_exists(term) && !db_.term_exists(std::string(s::kTitlePrefix) + term);
}

std::vector<std::string> QueryBuilder::unknown_words(std::string_view text) const {
    std::vector<Token> words;
    analyzer_.tokenize(text, words, false);
    std::vector<std::string> unknown;
    for (const Token& w : words) {
        if (is_unknown_word(text, w)) unknown.push_back(w.term);
    }
    return unknown;
}

void QueryBuilder::set_database(const Xapian::Database& db) {
    db_ = db;
    parser_.set_database(db_);
}

Xapian::Query QueryBuilder::parse(std::string_view text, ParseMode mode, std::vector<PhraseChoice>* deferred) {
    notices_.clear();
    Xapian::Query q = run_parser(parser_, text, mode, 0, deferred);
    // Symbols (© €) are no words, so the parser drops them; the index holds them as boolean
    // terms, and a query that names one requires it.
    const std::vector<std::string> symbols = s::symbol_terms(text);
    if (symbols.empty()) return q;
    const Xapian::Query required(Xapian::Query::OP_AND, symbols.begin(), symbols.end());
    if (q.empty()) return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, required, 0.0);
    return Xapian::Query(Xapian::Query::OP_FILTER, q, required);
}

std::string QueryBuilder::suggest(std::string_view text) {
    // Only words the index does not know are corrected: Xapian's spelling suggestion offers a
    // more frequent neighbour even for a word that exists ("mind" -> "find").
    try {
        std::vector<Token> words;
        analyzer_.tokenize(text, words, false);
        std::string out;
        std::size_t pos = 0;
        bool changed = false;
        for (const Token& w : words) {
            if (!is_unknown_word(text, w)) continue;
            const std::string fix = db_.get_spelling_suggestion(w.term);
            if (fix.empty() || fix == w.term) continue;
            out.append(text.substr(pos, w.begin - pos));
            out += fix;
            pos = w.end;
            changed = true;
        }
        if (!changed) return {};
        out.append(text.substr(pos));
        return out;
    } catch (const Xapian::Error&) {
        return {};
    }
}

std::vector<std::string> highlight_terms(const Xapian::Query& query) {
    std::vector<std::string> terms;
    for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
        const std::string& term = *it;
        if (term.empty()) continue;
        const unsigned char first = static_cast<unsigned char>(term[0]);
        if (!(first >= 'A' && first <= 'Z')) {
            terms.push_back(term);  // unprefixed: a body term
            continue;
        }
        for (const s::Field& field : s::kFields) {
            if (field.kind != s::FieldKind::Text || field.prefix.empty()) continue;
            if (term.compare(0, field.prefix.size(), field.prefix) == 0 &&
                term.size() > field.prefix.size()) {
                const unsigned char next = static_cast<unsigned char>(term[field.prefix.size()]);
                if (next >= 'A' && next <= 'Z') continue;  // a longer prefix, e.g. XP vs X
                terms.push_back(term.substr(field.prefix.size()));
                break;
            }
        }
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    return terms;
}

}  // namespace revsearch::query
