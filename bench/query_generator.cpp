#include "bench/query_generator.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "bench/rng.hpp"
#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/topic_tagger.hpp"
#include "corpus/walker.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

enum class WordClass : std::uint8_t { None, Common, Medium, Rare };

/// A review queries are drawn from: its body words in order, and its fields.
struct Anchor {
    std::vector<std::string> words;  ///< lower-cased, unstemmed, in text order
    std::vector<std::string> reviewer_words;
    std::vector<std::string> topics;
    std::optional<double> rating;
    std::optional<double> rating_scale;
    std::string date;
};

constexpr std::size_t kMaxAnchorWords = 400;

bool is_query_word(std::string_view w) {
    if (w.size() < 2 || w.size() > 20) return false;
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// Reads the corpus: document frequencies and a reservoir sample of anchors.
class CorpusScan final : public corpus::RecordSink {
public:
    CorpusScan(const QueryGenOptions& options, const Analyzer& analyzer,
               const corpus::TopicTagger& tagger)
        : options_(options), analyzer_(analyzer), tagger_(tagger), rng_(options.seed) {}

    void on_review(Review&& r) override {
        if (docs_ >= options_.sample_docs) return;
        ++docs_;
        tokens_.clear();
        analyzer_.tokenize(r.title, tokens_, false);
        const std::size_t title_tokens = tokens_.size();
        analyzer_.tokenize(r.body, tokens_, false);
        seen_.clear();
        for (const Token& t : tokens_) {
            if (is_query_word(t.term) && seen_.insert(t.term).second) ++df[t.term];
        }
        // Reservoir sampling (Vitter's algorithm R): every review is kept with equal chance.
        std::size_t slot = anchors.size();
        if (anchors.size() >= options_.anchors) {
            slot = rng_.below(docs_);
            if (slot >= options_.anchors) return;
        }
        Anchor a;
        for (std::size_t i = title_tokens; i < tokens_.size() && a.words.size() < kMaxAnchorWords;
             ++i) {
            a.words.push_back(tokens_[i].term);
        }
        if (a.words.size() < 5) return;
        std::vector<Token> name;
        analyzer_.tokenize(r.reviewer, name, false);
        for (const Token& t : name) {
            if (is_query_word(t.term)) a.reviewer_words.push_back(t.term);
        }
        a.topics = tagger_.match(r.title + "\n" + r.body);
        a.rating = r.rating;
        a.rating_scale = r.rating_scale;
        a.date = r.date;
        if (slot == anchors.size()) {
            anchors.push_back(std::move(a));
        } else {
            anchors[slot] = std::move(a);
        }
    }

    void on_reject(Reject&&) override {}

    std::unordered_map<std::string, std::uint32_t> df;
    std::vector<Anchor> anchors;

private:
    const QueryGenOptions& options_;
    const Analyzer& analyzer_;
    const corpus::TopicTagger& tagger_;
    Rng rng_;
    std::uint64_t docs_ = 0;
    std::vector<Token> tokens_;
    std::unordered_set<std::string> seen_;
};

class SilentObserver final : public corpus::WalkObserver {
public:
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
};

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// Draws queries from anchors. Each draw may fail (the anchor lacks what the kind needs);
/// the caller retries with another anchor.
class Drawer {
public:
    Drawer(const std::vector<Anchor>& anchors,
           const std::unordered_map<std::string, WordClass>& classes, Rng& rng)
        : anchors_(anchors), classes_(classes), rng_(rng) {}

    std::optional<std::string> draw(QueryKind kind) {
        const Anchor& a = anchors_[rng_.below(anchors_.size())];
        switch (kind) {
            case QueryKind::CommonWord:
                return word(a, WordClass::Common);
            case QueryKind::MediumWord:
                return word(a, WordClass::Medium);
            case QueryKind::RareWord:
                return word(a, WordClass::Rare);
            case QueryKind::TwoWords:
                return words(a, 2);
            case QueryKind::ThreeWords:
                return words(a, 3);
            case QueryKind::FourWords:
                return words(a, 4);
            case QueryKind::CommonPhrase:
                return phrase(a, 2, true);
            case QueryKind::Phrase:
                return phrase(a, rng_.chance(0.7) ? 2 : 3, false);
            case QueryKind::Reviewer:
                return reviewer(a);
            case QueryKind::Topic:
                return topic(a);
            case QueryKind::Rating:
                return with(words(a, 1 + rng_.below(2)), rating(a));
            case QueryKind::Date:
                return with(words(a, 1 + rng_.below(2)), date(a));
            case QueryKind::Combined:
                return with(with(phrase(a, 2, false), rating(a)), date(a));
        }
        return std::nullopt;
    }

private:
    WordClass class_of(const std::string& w) const {
        const auto it = classes_.find(w);
        return it == classes_.end() ? WordClass::None : it->second;
    }

    WordClass random_class() {
        const double x = rng_.unit();
        return x < 0.3 ? WordClass::Common : x < 0.7 ? WordClass::Medium : WordClass::Rare;
    }

    std::optional<std::string> word(const Anchor& a, WordClass c) {
        std::vector<const std::string*> candidates;
        for (const std::string& w : a.words) {
            if (class_of(w) == c) candidates.push_back(&w);
        }
        if (candidates.empty()) return std::nullopt;
        return *candidates[rng_.below(candidates.size())];
    }

    /// `n` distinct words of the anchor, each of a random class, in text order.
    std::optional<std::string> words(const Anchor& a, std::size_t n) {
        std::vector<std::string> chosen;
        for (std::size_t i = 0; i < n; ++i) {
            std::optional<std::string> w;
            for (int attempt = 0;
                 attempt < 8 && (!w || std::count(chosen.begin(), chosen.end(), *w)); ++attempt) {
                w = word(a, random_class());
            }
            if (!w || std::count(chosen.begin(), chosen.end(), *w)) return std::nullopt;
            chosen.push_back(*w);
        }
        std::string q;
        for (const std::string& w : chosen) q += (q.empty() ? "" : " ") + w;
        return q;
    }

    std::optional<std::string> phrase(const Anchor& a, std::size_t n, bool common) {
        std::vector<std::size_t> starts;
        for (std::size_t i = 0; i + n <= a.words.size(); ++i) {
            bool ok = true;
            bool all_common = true;
            for (std::size_t j = i; j < i + n; ++j) {
                const WordClass c = class_of(a.words[j]);
                ok = ok && c != WordClass::None;
                all_common = all_common && c == WordClass::Common;
            }
            if (ok && all_common == common) starts.push_back(i);
        }
        if (starts.empty()) return std::nullopt;
        const std::size_t s = starts[rng_.below(starts.size())];
        std::string q = "\"";
        for (std::size_t j = s; j < s + n; ++j) q += (j == s ? "" : " ") + a.words[j];
        return q + "\"";
    }

    std::optional<std::string> reviewer(const Anchor& a) {
        if (a.reviewer_words.empty()) return std::nullopt;
        const std::string& name = a.reviewer_words[rng_.below(a.reviewer_words.size())];
        return with(word(a, rng_.chance(0.5) ? WordClass::Common : WordClass::Medium),
                    "reviewer:" + name);
    }

    std::optional<std::string> topic(const Anchor& a) {
        if (a.topics.empty()) return std::nullopt;
        const std::string& t = a.topics[rng_.below(a.topics.size())];
        const bool quote = t.find_first_of(" -") != std::string::npos;
        return with(word(a, rng_.chance(0.5) ? WordClass::Common : WordClass::Medium),
                    "topic:" + (quote ? "\"" + t + "\"" : t));
    }

    std::optional<std::string> rating(const Anchor& a) {
        if (!a.rating) return std::nullopt;
        const double r = *a.rating;
        const double top = a.rating_scale.value_or(5);
        double lo = r, hi = r;
        const double x = rng_.unit();
        if (x < 0.4) {  // the upper or lower part of the scale
            lo = r > top / 2 ? std::ceil(top * 0.7) : 1;
            hi = r > top / 2 ? top : std::floor(top * 0.4);
        } else if (x < 0.8) {
            lo = std::max(1.0, r - 1);
            hi = std::min(top, r + 1);
        }
        if (r < lo || r > hi) lo = hi = r;
        return "rating:" + format_number(lo) + ".." + format_number(hi);
    }

    std::optional<std::string> date(const Anchor& a) {
        if (a.date.size() < 7) return std::nullopt;
        const int year = std::stoi(a.date.substr(0, 4));
        const double x = rng_.unit();
        if (x < 0.6) {
            const int lo = year - static_cast<int>(rng_.below(3));
            const int hi = year + static_cast<int>(rng_.below(3));
            return "date:" + std::to_string(lo) + ".." + std::to_string(hi);
        }
        if (x < 0.85) {
            const int month = std::stoi(a.date.substr(5, 2));
            const int span = static_cast<int>(rng_.below(12));
            const int end = month + span;
            char buf[48];
            std::snprintf(buf, sizeof buf, "date:%04d-%02d..%04d-%02d", year, month,
                          year + (end - 1) / 12, (end - 1) % 12 + 1);
            return std::string(buf);
        }
        return "date:" + std::to_string(year - static_cast<int>(rng_.below(4))) + "..";
    }

    static std::optional<std::string> with(std::optional<std::string> q,
                                           std::optional<std::string> field) {
        if (!q || !field) return std::nullopt;
        return *q + " " + *field;
    }

    const std::vector<Anchor>& anchors_;
    const std::unordered_map<std::string, WordClass>& classes_;
    Rng& rng_;
};

constexpr std::array<std::pair<QueryKind, int>, 13> kMix = {{
    {QueryKind::CommonWord, 6},
    {QueryKind::MediumWord, 8},
    {QueryKind::RareWord, 8},
    {QueryKind::TwoWords, 12},
    {QueryKind::ThreeWords, 10},
    {QueryKind::FourWords, 8},
    {QueryKind::CommonPhrase, 6},
    {QueryKind::Phrase, 10},
    {QueryKind::Reviewer, 8},
    {QueryKind::Topic, 7},
    {QueryKind::Rating, 8},
    {QueryKind::Date, 8},
    {QueryKind::Combined, 1},
}};

}  // namespace

std::vector<std::string> generate_queries(const QueryGenOptions& options, std::ostream& log) {
    const Analyzer analyzer{AnalyzerSettings{}};
    const corpus::TopicLexicon lexicon = corpus::TopicLexicon::builtin();
    const corpus::TopicTagger tagger(lexicon, analyzer);
    CorpusScan scan(options, analyzer, tagger);
    {
        SilentObserver observer;
        corpus::WalkOptions walk;
        walk.format = corpus::Format::Jsonl;
        corpus::Walker walker(walk);
        std::vector<corpus::InputProblem> problems;
        for (const corpus::InputFile& f : corpus::expand_inputs({options.corpus}, problems)) {
            walker.walk(f, scan, observer);
        }
    }

    // Rank the vocabulary by document frequency; ties by the word, for determinism.
    std::vector<std::pair<std::string, std::uint32_t>> vocabulary;
    for (const auto& [w, n] : scan.df) {
        if (n >= 2) vocabulary.emplace_back(w, n);
    }
    std::sort(vocabulary.begin(), vocabulary.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (vocabulary.size() < 50 || scan.anchors.empty()) {
        throw UsageError("the corpus " + options.corpus +
                         " has too few words to draw queries from");
    }
    const std::size_t common_end = std::max<std::size_t>(20, vocabulary.size() / 100);
    const std::size_t medium_end = std::max<std::size_t>(200, vocabulary.size() / 10);
    std::unordered_map<std::string, WordClass> classes;
    for (std::size_t i = 0; i < vocabulary.size(); ++i) {
        classes[vocabulary[i].first] = i < common_end   ? WordClass::Common
                                       : i < medium_end ? WordClass::Medium
                                                        : WordClass::Rare;
    }
    log << "queries: " << vocabulary.size() << " words with df >= 2 in the sample; common df >= "
        << vocabulary[std::min(common_end, vocabulary.size()) - 1].second
        << ", medium df >= " << vocabulary[std::min(medium_end, vocabulary.size()) - 1].second
        << "; " << scan.anchors.size() << " anchor reviews\n";

    Rng rng(options.seed ^ 0x5151);
    Drawer drawer(scan.anchors, classes, rng);
    int total_weight = 0;
    for (const auto& [kind, weight] : kMix) total_weight += weight;
    std::vector<std::string> queries;
    std::set<std::string> seen;
    const std::size_t max_attempts = options.count * 200 + 1000;
    for (std::size_t attempt = 0; queries.size() < options.count && attempt < max_attempts;
         ++attempt) {
        int pick = static_cast<int>(rng.below(static_cast<std::uint64_t>(total_weight)));
        QueryKind kind = kMix.front().first;
        for (const auto& [k, weight] : kMix) {
            if (pick < weight) {
                kind = k;
                break;
            }
            pick -= weight;
        }
        std::optional<std::string> q;
        for (int tries = 0; tries < 50 && !q; ++tries) q = drawer.draw(kind);
        if (q && seen.insert(*q).second) queries.push_back(*q);
    }
    if (queries.size() < options.count) {
        log << "queries: only " << queries.size() << " distinct queries could be drawn\n";
    }
    return queries;
}

std::optional<QueryGenOptions> parse_queries_args(int argc, const char* const* argv,
                                                  std::ostream& out) {
    QueryGenOptions o;
    po::options_description desc(
        "Usage: revsearch-bench-queries --corpus FILE [options]\n"
        "Writes a fixed benchmark query set, one revsearch query per line, drawn from a JSONL\n"
        "corpus: rare, medium and common words, 1 to 4 words, phrases, and reviewer:, topic:,\n"
        "rating: and date: queries. The same corpus and seed give the same queries.\n\nOptions");
    desc.add_options()("help,h", "show this help")("corpus", po::value(&o.corpus)->required(),
                                                   "the JSONL corpus (bench/make-corpus output)")(
        "out,o", po::value(&o.out_path)->default_value(o.out_path),
        "where to write, '-' for stdout")("count,n", po::value(&o.count)->default_value(o.count),
                                          "how many queries")(
        "seed", po::value(&o.seed)->default_value(o.seed), "random seed")(
        "sample-docs", po::value(&o.sample_docs)->default_value(o.sample_docs),
        "count document frequencies over the first N reviews")(
        "anchors", po::value(&o.anchors)->default_value(o.anchors),
        "reviews kept to draw queries from");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            out << desc << '\n';
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    if (o.count == 0 || o.anchors == 0 || o.sample_docs == 0) {
        throw UsageError("--count, --anchors and --sample-docs must be positive");
    }
    return o;
}

int queries_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<QueryGenOptions> options = parse_queries_args(argc, argv, out);
        if (!options) return 0;
        const std::vector<std::string> queries = generate_queries(*options, err);
        std::ofstream file;
        std::ostream* sink = &out;
        if (options->out_path != "-") {
            file.open(options->out_path, std::ios::trunc);
            if (!file) throw Error("cannot write " + options->out_path);
            sink = &file;
        }
        for (const std::string& q : queries) *sink << q << '\n';
        sink->flush();
        if (!*sink) throw Error("cannot write " + options->out_path);
        err << "revsearch-bench-queries: wrote " << queries.size() << " queries\n";
        return 0;
    } catch (const UsageError& e) {
        err << "revsearch-bench-queries: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-bench-queries: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
