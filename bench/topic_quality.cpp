#include "bench/topic_quality.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/analyzer.hpp"
#include "common/cli.hpp"
#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/topic_labels.hpp"
#include "corpus/walker.hpp"

namespace revsearch::bench {

namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

constexpr int kSkipExitCode = 77;

std::string fixed(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

void print_agreement(std::ostream& out, const std::string& topic, const std::string& split,
                     const std::string& material, const corpus::TopicAgreement& a) {
    out << "topic_quality topic=\"" << topic << "\" split=" << split << " material=" << material
        << " tp=" << a.true_positives << " fp=" << a.false_positives << " fn=" << a.false_negatives
        << " precision=" << fixed(a.precision()) << " recall=" << fixed(a.recall()) << '\n';
}

/// Counts, per topic, the reviews the tagger tags.
class Rate final : public corpus::RecordSink, public corpus::WalkObserver {
  public:
    explicit Rate(const corpus::TopicTagger& tagger) : tagger_(tagger) {}
    void on_review(Review&& r) override {
        ++reviews;
        for (const corpus::TopicEvidence& e : tagger_.measure(r)) {
            if (e.tagged) ++tagged[tagger_.names()[e.topic]];
        }
    }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::size_t reviews = 0;
    std::map<std::string, std::size_t> tagged;

  private:
    const corpus::TopicTagger& tagger_;
};

}  // namespace

int topic_quality_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        std::string labels_path, corpora, topics;
        std::vector<std::string> rate;
        std::string details;
        po::options_description options("revsearch-topic-quality options");
        options.add_options()("help,h", "show this help")(
            "labels", po::value(&labels_path)->required(),
            "labelled reviews (tests/fixtures/topics/labels.tsv)")(
            "corpora", po::value(&corpora)->required(),
            "the corpora folder the labels name files in")(
            "topics", po::value(&topics), "a topic lexicon (TOML); default: the built-in one")(
            "rate", po::value(&rate)->multitoken(),
            "also count the tags over every review of these inputs")(
            "details", po::value(&details),
            "print each review of this split (tune, test) where the tagger and the label disagree, "
            "with its evidence");
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, options), vm);
        if (vm.count("help")) {
            out << options << '\n';
            return 0;
        }
        po::notify(vm);
        if (!fs::is_directory(corpora)) {
            err << "revsearch-topic-quality: skipped: no corpora at " << corpora << '\n';
            return kSkipExitCode;
        }
        std::ifstream in(labels_path);
        if (!in) throw UsageError("cannot read " + labels_path);
        const std::vector<corpus::TopicLabel> labels = corpus::read_topic_labels(in, labels_path);
        std::vector<std::string> missing;
        const std::vector<Review> reviews = corpus::find_labelled_reviews(labels, corpora, missing);
        for (const std::string& m : missing)
            err << "revsearch-topic-quality: not found: " << m << '\n';

        AnalyzerSettings settings;
        settings.stopwords_name = "english";
        settings.stopwords = load_stopwords("english");
        const Analyzer analyzer(settings);
        const corpus::TopicLexicon lexicon =
            topics.empty() ? corpus::TopicLexicon::builtin() : corpus::TopicLexicon::load(topics);
        const corpus::TopicTagger tagger(lexicon, analyzer);

        if (!details.empty()) {
            for (std::size_t i = 0; i < labels.size(); ++i) {
                if (labels[i].split != details || reviews[i].id.empty()) continue;
                const auto evidence = tagger.measure(reviews[i]);
                std::string tagged, mentioned;
                for (const corpus::TopicEvidence& e : evidence) {
                    const std::string& name = tagger.names()[e.topic];
                    if (e.tagged) tagged += (tagged.empty() ? "" : ",") + name;
                    mentioned += " " + name + "=" + fixed(e.points) + "/" + fixed(e.needed) +
                                 (e.in_title ? "(title)" : "");
                }
                std::string truth;
                for (const std::string& t : labels[i].topics)
                    truth += (truth.empty() ? "" : ",") + t;
                if (tagged == truth) continue;
                out << "topic_details id=\"" << labels[i].id
                    << "\" label=" << (truth.empty() ? "-" : truth)
                    << " tagged=" << (tagged.empty() ? "-" : tagged) << " evidence:" << mentioned
                    << '\n';
            }
        }
        for (const std::string split : {"tune", "test", "all"}) {
            for (const std::string material : {"psychology", "general", "all"}) {
                std::vector<corpus::TopicLabel> some;
                std::vector<Review> theirs;
                for (std::size_t i = 0; i < labels.size(); ++i) {
                    if ((split == "all" || labels[i].split == split) &&
                        (material == "all" || labels[i].material == material)) {
                        some.push_back(labels[i]);
                        theirs.push_back(reviews[i]);
                    }
                }
                const auto scores = corpus::score_topics(tagger, some, theirs);
                for (const auto& [topic, a] : scores)
                    print_agreement(out, topic, split, material, a);
                print_agreement(out, "*", split, material, corpus::overall(scores));
            }
        }
        if (!rate.empty()) {
            Rate counter(tagger);
            std::vector<corpus::InputProblem> problems;
            corpus::Walker walker(corpus::WalkOptions{});
            for (const auto& f : corpus::expand_inputs(rate, problems))
                walker.walk(f, counter, counter);
            for (const std::string& name : tagger.names()) {
                out << "topic_rate topic=\"" << name << "\" reviews=" << counter.reviews
                    << " tagged=" << counter.tagged[name] << '\n';
            }
        }
        return 0;
    } catch (const po::error& e) {
        err << "revsearch-topic-quality: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const UsageError& e) {
        err << "revsearch-topic-quality: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Usage);
    } catch (const std::exception& e) {
        err << "revsearch-topic-quality: error: " << e.what() << '\n';
        return static_cast<int>(ExitCode::Error);
    }
}

}  // namespace revsearch::bench
