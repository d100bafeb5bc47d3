#include "bench/stem_groups.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "common/analyzer.hpp"
#include "common/cli.hpp"
#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

/// The corpus as word ids, one run per review, stop words left out.
struct WordStream {
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<std::string> words;
    std::vector<std::uint64_t> df;  ///< reviews holding each word
    std::vector<std::uint64_t> cf;  ///< occurrences of each word
    std::vector<std::uint32_t> text;
    std::vector<std::size_t> starts{0};  ///< review r is text[starts[r], starts[r + 1])
};

class StreamSink final : public corpus::RecordSink {
public:
    StreamSink(const Analyzer& analyzer, WordStream& stream)
        : analyzer_(analyzer), stream_(stream) {}

    void on_review(Review&& r) override {
        tokens_.clear();
        analyzer_.tokenize(r.title, tokens_, false);
        analyzer_.tokenize(r.body, tokens_, false);
        if (tokens_.empty()) return;
        for (const Token& t : tokens_) {
            const auto [it, added] =
                stream_.ids.emplace(t.term, static_cast<std::uint32_t>(stream_.words.size()));
            if (added) {
                stream_.words.push_back(t.term);
                stream_.df.push_back(0);
                stream_.cf.push_back(0);
                seen_.push_back(0);
            }
            const std::uint32_t id = it->second;
            ++stream_.cf[id];
            if (seen_[id] != serial_) {
                seen_[id] = serial_;
                ++stream_.df[id];
            }
            stream_.text.push_back(id);
        }
        stream_.starts.push_back(stream_.text.size());
        ++serial_;
    }
    void on_reject(Reject&&) override {}

private:
    const Analyzer& analyzer_;
    WordStream& stream_;
    std::vector<Token> tokens_;
    std::vector<std::uint64_t> seen_;  ///< per word, the serial of the last review holding it
    std::uint64_t serial_ = 1;
};

class QuietObserver final : public corpus::WalkObserver {
public:
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
};

/// A word worth grouping: letters only (any non-ASCII byte counts as a letter), 3 bytes or more.
bool is_plain_word(const std::string& w) {
    if (w.size() < 3) return false;
    return std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
    });
}

using SparseVector = std::unordered_map<std::uint32_t, double>;

double cosine(const SparseVector& a, const SparseVector& b) {
    double dot = 0, na = 0, nb = 0;
    for (const auto& [k, v] : a) {
        na += v * v;
        const auto it = b.find(k);
        if (it != b.end()) dot += v * it->second;
    }
    for (const auto& [k, v] : b) nb += v * v;
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace

StemGroupsResult find_stem_groups(const StemGroupsOptions& options, std::ostream& log) {
    if (options.inputs.empty()) throw UsageError("no inputs given");
    if (options.window == 0 || options.contexts == 0)
        throw UsageError("--window and --contexts must be positive");
    AnalyzerSettings split;
    split.language = "none";
    split.stopwords_name = "english";
    split.stopwords = load_stopwords("english");
    const Analyzer splitter(split);
    std::string overrides_name;
    const Xapian::Stem stemmer =
        make_stemmer(options.language,
                     load_stem_overrides(options.stem_overrides, options.language, overrides_name));

    WordStream stream;
    {
        std::vector<corpus::InputProblem> problems;
        const std::vector<corpus::InputFile> files =
            corpus::expand_inputs(options.inputs, problems);
        for (const auto& p : problems) log << "stem-groups: " << p.path << ": " << p.reason << '\n';
        StreamSink sink(splitter, stream);
        QuietObserver observer;
        corpus::Walker walker(corpus::WalkOptions{});
        for (const corpus::InputFile& file : files) {
            log << "stem-groups: reading " << file.path << '\n';
            walker.walk(file, sink, observer);
        }
    }
    StemGroupsResult result;
    result.reviews = stream.starts.size() - 1;
    if (result.reviews == 0) throw UsageError("the inputs hold no reviews");

    // Frequent words, grouped by stem.
    std::map<std::string, std::vector<std::uint32_t>> by_stem;
    for (std::uint32_t w = 0; w < stream.words.size(); ++w) {
        if (stream.df[w] < options.min_df || !is_plain_word(stream.words[w])) continue;
        ++result.frequent_words;
        by_stem[stemmer(stream.words[w])].push_back(w);
    }
    std::vector<std::int32_t> candidate(stream.words.size(), -1);  // word -> row, or -1
    std::vector<std::uint32_t> rows;
    for (auto& [stem, members] : by_stem) {
        if (members.size() < 2) continue;
        ++result.groups;
        for (const std::uint32_t w : members) {
            candidate[w] = static_cast<std::int32_t>(rows.size());
            rows.push_back(w);
        }
    }

    // Contexts: the most frequent words (stop words are already out of the stream).
    std::vector<std::uint32_t> by_cf(stream.words.size());
    for (std::uint32_t w = 0; w < by_cf.size(); ++w) by_cf[w] = w;
    std::sort(by_cf.begin(), by_cf.end(), [&](std::uint32_t a, std::uint32_t b) {
        return stream.cf[a] != stream.cf[b] ? stream.cf[a] > stream.cf[b]
                                            : stream.words[a] < stream.words[b];
    });
    if (by_cf.size() > options.contexts) by_cf.resize(options.contexts);
    std::vector<std::int32_t> context(stream.words.size(), -1);
    for (std::size_t i = 0; i < by_cf.size(); ++i) context[by_cf[i]] = static_cast<std::int32_t>(i);

    // Co-occurrence counts of each candidate within the window, inside one review.
    std::vector<SparseVector> counts(rows.size());
    for (std::size_t r = 0; r + 1 < stream.starts.size(); ++r) {
        const std::size_t begin = stream.starts[r], end = stream.starts[r + 1];
        for (std::size_t i = begin; i < end; ++i) {
            const std::int32_t row = candidate[stream.text[i]];
            if (row < 0) continue;
            const std::size_t lo = i - std::min(options.window, i - begin);
            const std::size_t hi = std::min(end, i + options.window + 1);
            for (std::size_t j = lo; j < hi; ++j) {
                const std::int32_t c = context[stream.text[j]];
                if (j != i && c >= 0)
                    counts[static_cast<std::size_t>(row)][static_cast<std::uint32_t>(c)] += 1;
            }
        }
    }
    // Positive PMI: log(P(c | w) / P(c)), with P(c) the context word's share of all words.
    const double tokens = static_cast<double>(stream.text.size());
    for (SparseVector& v : counts) {
        double total = 0;
        for (const auto& [c, n] : v) total += n;
        for (auto it = v.begin(); it != v.end();) {
            const double p_c = static_cast<double>(stream.cf[by_cf[it->first]]) / tokens;
            const double pmi = std::log((it->second / total) / p_c);
            if (pmi > 0) {
                it->second = pmi;
                ++it;
            } else {
                it = v.erase(it);
            }
        }
    }

    std::vector<StemGroup> groups;
    for (auto& [stem, members] : by_stem) {
        if (members.size() < 2) continue;
        std::sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) {
            return stream.df[a] != stream.df[b] ? stream.df[a] > stream.df[b]
                                                : stream.words[a] < stream.words[b];
        });
        StemGroup g;
        g.stem = stem;
        const SparseVector& head = counts[static_cast<std::size_t>(candidate[members[0]])];
        for (const std::uint32_t w : members) {
            StemMember m{stream.words[w], stream.df[w], 1.0};
            if (w != members[0])
                m.similarity = cosine(head, counts[static_cast<std::size_t>(candidate[w])]);
            g.min_similarity = std::min(g.min_similarity, m.similarity);
            g.members.push_back(std::move(m));
        }
        if (g.min_similarity <= options.max_similarity) groups.push_back(std::move(g));
    }
    std::sort(groups.begin(), groups.end(), [](const StemGroup& a, const StemGroup& b) {
        return a.min_similarity != b.min_similarity ? a.min_similarity < b.min_similarity
                                                    : a.stem < b.stem;
    });
    if (groups.size() > options.top) groups.resize(options.top);
    result.flagged = std::move(groups);
    return result;
}

std::optional<StemGroupsOptions> parse_stem_groups_args(int argc, const char* const* argv,
                                                        std::ostream& out) {
    StemGroupsOptions o;
    po::options_description desc(
        "Usage: revsearch-stem-groups [options] INPUT...\n"
        "Groups a corpus's frequent words by stem and lists the groups whose members keep\n"
        "different company (least similar first): candidates for stem overrides.\n\nOptions");
    desc.add_options()("help,h", "show this help")(
        "language", po::value(&o.language)->default_value(o.language), "Snowball language")(
        "stem-overrides", po::value(&o.stem_overrides)->default_value(o.stem_overrides),
        "overrides applied first: none, english, default, or a file")(
        "min-df", po::value(&o.min_df)->default_value(o.min_df), "reviews a word must occur in")(
        "window", po::value(&o.window)->default_value(o.window), "context words either side")(
        "contexts", po::value(&o.contexts)->default_value(o.contexts), "context vocabulary size")(
        "top", po::value(&o.top)->default_value(o.top), "groups to print")(
        "max-similarity", po::value(&o.max_similarity)->default_value(o.max_similarity),
        "print only groups with a member at most this similar to the head");
    po::options_description hidden;
    hidden.add_options()("input", po::value(&o.inputs));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("input", -1);
    const po::variables_map vm = cli::parse(argc, argv, all, pos);
    if (vm.count("help")) {
        out << desc << '\n';
        return std::nullopt;
    }
    return o;
}

int stem_groups_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const auto options = parse_stem_groups_args(argc, argv, out);
        if (!options) return 0;
        const StemGroupsResult r = find_stem_groups(*options, err);
        char buf[64];
        for (const StemGroup& g : r.flagged) {
            std::snprintf(buf, sizeof buf, "%.3f", g.min_similarity);
            out << g.stem << '\t' << buf;
            for (const StemMember& m : g.members) {
                std::snprintf(buf, sizeof buf, "%.3f", m.similarity);
                out << '\t' << m.word << ':' << m.df << ':' << buf;
            }
            out << '\n';
        }
        out << "metric reviews=" << r.reviews << "\nmetric frequent_words=" << r.frequent_words
            << "\nmetric groups=" << r.groups << "\nmetric flagged=" << r.flagged.size() << '\n';
        return 0;
    } catch (const UsageError& e) {
        err << "revsearch-stem-groups: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        err << "revsearch-stem-groups: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace revsearch::bench
