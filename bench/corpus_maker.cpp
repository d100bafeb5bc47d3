#include "bench/corpus_maker.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "bench/rng.hpp"
#include "common/date.hpp"
#include "common/cli.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"

namespace po = boost::program_options;

namespace revsearch::bench {

namespace {

/// What is kept of a source review: its text and the facts about the thing reviewed. The
/// identity (id, reviewer, date) is made new for every copy.
struct SourceReview {
    std::string title;
    std::string body;
    std::string category;
    std::string product;
    std::optional<double> rating;
    std::optional<double> rating_scale;
};

bool is_name_word(std::string_view w) {
    if (w.size() < 2 || w.size() > 14) return false;
    if (w[0] < 'A' || w[0] > 'Z') return false;
    for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i] < 'a' || w[i] > 'z') return false;
    }
    // Amazon's placeholders are not names.
    static constexpr std::string_view kNotNames[] = {"Amazon", "Customer", "Kindle",   "Reader",
                                                     "Buyer",  "User",     "Anonymous"};
    for (const auto n : kNotNames) {
        if (w == n) return false;
    }
    return true;
}

/// Collects the pool and the name parts of real reviewers.
class PoolSink final : public corpus::RecordSink {
public:
    PoolSink(std::vector<SourceReview>& pool, std::uint64_t limit, std::set<std::string>& first,
             std::set<std::string>& last)
        : pool_(pool), limit_(limit), first_(first), last_(last) {}

    void on_review(Review&& r) override {
        if (!r.has_text() || (limit_ != 0 && pool_.size() >= limit_)) return;
        const std::vector<std::string> words = text::split(text::collapse_spaces(r.reviewer), ' ');
        if (!words.empty() && is_name_word(words.front())) first_.insert(words.front());
        if (words.size() >= 2 && is_name_word(words.back())) last_.insert(words.back());
        pool_.push_back(SourceReview{std::move(r.title), std::move(r.body), std::move(r.category),
                                     std::move(r.product), r.rating, r.rating_scale});
    }

    void on_reject(Reject&&) override { ++rejected; }

    std::uint64_t rejected = 0;

private:
    std::vector<SourceReview>& pool_;
    std::uint64_t limit_;
    std::set<std::string>& first_;
    std::set<std::string>& last_;
};

class SilentObserver final : public corpus::WalkObserver {
public:
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
};

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (Hinnant's days_from_civil, as in
/// common/date.cpp's inverse). Throws UsageError for anything else.
std::int64_t days_from_iso(const std::string& iso) {
    const std::optional<std::string> canonical = date::parse(iso);
    if (!canonical || canonical->size() != 10) {
        throw UsageError("not a full YYYY-MM-DD date: '" + iso + "'");
    }
    int y = std::atoi(canonical->substr(0, 4).c_str());
    const int m = std::atoi(canonical->substr(5, 2).c_str());
    const int d = std::atoi(canonical->substr(8, 2).c_str());
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/// The name of reviewer `index`: a real first name and a real last name (or initial), chosen
/// by hashing the index, so names need no table however many reviewers there are.
std::string reviewer_name(std::uint64_t seed, std::uint64_t index,
                          const std::vector<std::string>& first,
                          const std::vector<std::string>& last) {
    const std::string key = std::to_string(index);
    const std::uint64_t h = stable_hash(seed, key);
    if (first.empty()) return "Reviewer " + key;
    std::string name = first[h % first.size()];
    if (last.empty()) return name + " " + key;
    const std::string& surname = last[(h >> 20) % last.size()];
    if ((h >> 60) < 3) {  // 3 in 16 sign with an initial, as many Amazon reviewers do
        name += ' ';
        name += surname[0];
        name += '.';
    } else {
        name += ' ';
        name += surname;
    }
    return name;
}

std::string json_line(const std::string& id, const SourceReview& r, const std::string& reviewer,
                      const std::string& date) {
    nlohmann::ordered_json j;
    j["id"] = id;
    j["title"] = r.title;
    j["reviewer"] = reviewer;
    j["date"] = date;
    j["rating"] = r.rating ? nlohmann::ordered_json(*r.rating) : nlohmann::ordered_json(nullptr);
    j["rating_scale"] =
        r.rating_scale ? nlohmann::ordered_json(*r.rating_scale) : nlohmann::ordered_json(nullptr);
    j["category"] = r.category;
    j["product"] = r.product;
    j["body"] = r.body;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::vector<std::string> resolve_sources(const MakeCorpusOptions& options) {
    if (!options.sources.empty()) return options.sources;
    const std::filesystem::path shared(options.shared_dir);
    std::vector<std::string> sources = {
        (shared / "multi-domain-sentiment-blitzer2007").string(),
        (shared / "amazon-reviews-2018-5core-small").string(),
    };
    const std::filesystem::path imdb = shared / "imdb-large-movie-review-v1";
    if (options.pool == PoolSet::All) {
        sources.push_back(imdb.string());
    } else {
        sources.push_back((imdb / "aclImdb_labeled_train_test.tar.zst").string());
    }
    return sources;
}

MakeCorpusSummary make_corpus(const MakeCorpusOptions& options, std::ostream& log) {
    const auto start = std::chrono::steady_clock::now();
    MakeCorpusSummary summary;
    const std::int64_t day_from = days_from_iso(options.date_from);
    const std::int64_t day_to = days_from_iso(options.date_to);
    if (day_to < day_from) throw UsageError("--date-to is before --date-from");
    if (options.reviews_per_reviewer < 1) throw UsageError("--reviews-per-reviewer must be >= 1");

    // 1. The pool: every review of the sources, read as revsearch-index reads them.
    std::vector<SourceReview> pool;
    std::set<std::string> first_set, last_set;
    {
        std::vector<corpus::InputProblem> problems;
        const std::vector<corpus::InputFile> files =
            corpus::expand_inputs(resolve_sources(options), problems);
        for (const auto& p : problems) log << "make-corpus: " << p.path << ": " << p.reason << '\n';
        PoolSink sink(pool, options.pool_limit, first_set, last_set);
        SilentObserver observer;
        corpus::Walker walker(corpus::WalkOptions{});
        for (const corpus::InputFile& file : files) {
            if (options.pool_limit != 0 && pool.size() >= options.pool_limit) break;
            log << "make-corpus: reading " << file.path << '\n';
            walker.walk(file, sink, observer);
        }
        summary.rejected = sink.rejected;
    }
    if (pool.empty()) throw UsageError("the sources hold no reviews");
    summary.pool = pool.size();
    const std::vector<std::string> first(first_set.begin(), first_set.end());
    const std::vector<std::string> last(last_set.begin(), last_set.end());
    log << "make-corpus: pool of " << pool.size() << " reviews (" << summary.rejected
        << " source records rejected), " << first.size() << " first names, " << last.size()
        << " last names\n";

    // 2. The output, streamed.
    std::unique_ptr<std::ofstream> file;
    std::ostream* out = &std::cout;
    if (options.out_path != "-") {
        file =
            std::make_unique<std::ofstream>(options.out_path, std::ios::binary | std::ios::trunc);
        if (!*file) throw CorpusError(options.out_path, 0, "cannot write");
        out = file.get();
    }
    out->exceptions(std::ios::badbit | std::ios::failbit);

    summary.reviewers =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(options.count) /
                                                              options.reviews_per_reviewer));
    const ZipfSampler reviewers(summary.reviewers, options.reviewer_skew);
    Rng rng(options.seed);
    std::vector<std::uint32_t> order(pool.size());
    std::size_t next = order.size();  // forces a shuffle before the first review
    char id[32];
    for (std::uint64_t n = 1; n <= options.count; ++n) {
        if (next == order.size()) {
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
            rng.shuffle(order);
            next = 0;
        }
        const SourceReview& r = pool[order[next++]];
        std::snprintf(id, sizeof id, "r%08llu", static_cast<unsigned long long>(n));
        const std::string reviewer =
            reviewer_name(options.seed, reviewers.sample(rng), first, last);
        const std::string day = date::from_unix_time(rng.between(day_from, day_to) * 86400);
        const std::string line = json_line(id, r, reviewer, day);
        *out << line << '\n';
        summary.bytes += line.size() + 1;
        ++summary.written;
        if (n % 100000 == 0) log << "make-corpus: " << n << " reviews written\n";
    }
    out->flush();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

std::optional<MakeCorpusOptions> parse_make_corpus_args(int argc, const char* const* argv,
                                                        std::ostream& out) {
    MakeCorpusOptions o;
    std::string pool = "all";
    po::options_description desc(
        "Usage: revsearch-make-corpus [options] N [OUT.jsonl]\n"
        "Writes N reviews of real text (resampled from ../shared/corpora, with fresh ids,\n"
        "reviewers and dates) as canonical revsearch JSON Lines to OUT (default: stdout).\n"
        "Exits 77 when the shared corpora are absent.\n\nOptions");
    desc.add_options()("help,h", "show this help")(
        "count,n", po::value(&o.count), "how many reviews to write (or the first argument)")(
        "out,o", po::value(&o.out_path), "the JSONL file to write, '-' for stdout")(
        "shared", po::value(&o.shared_dir),
        "folder of the corpora (default $REVSEARCH_SHARED_CORPORA, else ../shared/corpora)")(
        "pool", po::value(&pool)->default_value(pool),
        "all: Blitzer + Amazon + all of aclImdb (118,722 reviews); labelled: without aclImdb's "
        "unsup part (68,722)")("source", po::value(&o.sources)->composing(),
                               "read these inputs instead of the pool set (repeatable)")(
        "pool-limit", po::value(&o.pool_limit)->default_value(0),
        "keep at most this many source reviews (0: all)")(
        "seed", po::value(&o.seed)->default_value(o.seed), "random seed")(
        "reviews-per-reviewer", po::value(&o.reviews_per_reviewer)->default_value(5),
        "mean reviews per reviewer")(
        "date-from", po::value(&o.date_from)->default_value(o.date_from), "first date")(
        "date-to", po::value(&o.date_to)->default_value(o.date_to), "last date");
    po::options_description hidden;
    std::vector<std::string> positional;
    hidden.add_options()("positional", po::value(&positional));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("positional", -1);
    const po::variables_map vm = cli::parse(argc, argv, all, pos);
    if (vm.count("help")) {
        out << desc << '\n';
        return std::nullopt;
    }
    if (positional.size() > 2) throw UsageError("too many arguments (expected N [OUT.jsonl])");
    if (!positional.empty()) {
        char* end = nullptr;
        o.count = std::strtoull(positional[0].c_str(), &end, 10);
        if (positional[0].empty() || *end != '\0') {
            throw UsageError("N must be a number, not '" + positional[0] + "'");
        }
    }
    if (positional.size() == 2) o.out_path = positional[1];
    if (o.count == 0) throw UsageError("say how many reviews to write (N > 0)");
    if (pool == "all") {
        o.pool = PoolSet::All;
    } else if (pool == "labelled" || pool == "labeled") {
        o.pool = PoolSet::Labelled;
    } else {
        throw UsageError("--pool takes all or labelled, not '" + pool + "'");
    }
    if (o.shared_dir.empty()) {
        const char* env = std::getenv("REVSEARCH_SHARED_CORPORA");
        o.shared_dir = env != nullptr && *env != '\0' ? env : "../shared/corpora";
    }
    return o;
}

int make_corpus_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        const std::optional<MakeCorpusOptions> options = parse_make_corpus_args(argc, argv, out);
        if (!options) return 0;
        if (options->sources.empty() && !std::filesystem::is_directory(options->shared_dir)) {
            err << "revsearch-make-corpus: skipped: the shared corpora are not at "
                << options->shared_dir << " (set --shared or $REVSEARCH_SHARED_CORPORA)\n";
            return kSkipExitCode;
        }
        const MakeCorpusSummary s = make_corpus(*options, err);
        char rate[64];
        std::snprintf(rate, sizeof rate, "%.1f MB in %.1f s", static_cast<double>(s.bytes) / 1e6,
                      s.seconds);
        err << "revsearch-make-corpus: wrote " << s.written << " reviews (" << rate
            << ") from a pool of " << s.pool << ", " << s.reviewers << " reviewers, to "
            << options->out_path << '\n';
        return 0;
    } catch (const UsageError& e) {
        err << "revsearch-make-corpus: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-make-corpus: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
