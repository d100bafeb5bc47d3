#include "corpus/topic_labels.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"

namespace revsearch::corpus {

namespace fs = std::filesystem;

std::vector<TopicLabel> read_topic_labels(std::istream& in, const std::string& name) {
    std::vector<TopicLabel> labels;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const std::vector<std::string> f = text::split(line, '\t');
        if (f.size() != 6) throw CorpusError(name, number, "expected 6 tab-separated fields");
        TopicLabel label{f[0], f[1], f[2], f[3], f[4], {}};
        if (label.split != "tune" && label.split != "test") {
            throw CorpusError(name, number,
                              "split must be tune or test, not '" + label.split + "'");
        }
        if (label.material != "psychology" && label.material != "general") {
            throw CorpusError(name, number, "material must be psychology or general");
        }
        if (f[5] != "-") {
            for (const std::string& t : text::split(f[5], ',')) {
                if (!text::trim(t).empty()) label.topics.push_back(schema::normalize_boolean(t));
            }
        }
        labels.push_back(std::move(label));
    }
    return labels;
}

namespace {

/// Keeps the reviews of one file whose ids are wanted.
class Pick final : public RecordSink, public WalkObserver {
  public:
    explicit Pick(std::set<std::string> wanted) : wanted_(std::move(wanted)) {}
    void on_review(Review&& r) override {
        if (wanted_.count(r.id) != 0) found.emplace(r.id, std::move(r));
    }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, Format, std::uint64_t) override {}
    std::map<std::string, Review> found;

  private:
    std::set<std::string> wanted_;
};

}  // namespace

std::vector<Review> find_labelled_reviews(const std::vector<TopicLabel>& labels,
                                          const fs::path& corpora,
                                          std::vector<std::string>& missing) {
    std::map<std::string, std::set<std::string>> by_file;  // corpus/file -> ids
    for (const TopicLabel& l : labels) by_file[l.corpus + "/" + l.file].insert(l.id);
    std::map<std::string, std::map<std::string, Review>> found;
    for (const auto& [file, ids] : by_file) {
        const fs::path path = corpora / file;
        if (!fs::exists(path)) continue;
        std::vector<InputProblem> problems;
        Walker walker(WalkOptions{});
        Pick pick(ids);
        for (const InputFile& input : expand_inputs({path.string()}, problems))
            walker.walk(input, pick, pick);
        found[file] = std::move(pick.found);
    }
    std::vector<Review> reviews;
    for (const TopicLabel& l : labels) {
        auto& file = found[l.corpus + "/" + l.file];
        const auto it = file.find(l.id);
        if (it == file.end()) {
            missing.push_back(l.corpus + "/" + l.file + "#" + l.id);
            reviews.emplace_back();
        } else {
            reviews.push_back(it->second);
        }
    }
    return reviews;
}

double TopicAgreement::precision() const noexcept {
    const int tagged = true_positives + false_positives;
    return tagged == 0 ? 1.0 : static_cast<double>(true_positives) / tagged;
}

double TopicAgreement::recall() const noexcept {
    const int labelled = true_positives + false_negatives;
    return labelled == 0 ? 1.0 : static_cast<double>(true_positives) / labelled;
}

TopicAgreement& TopicAgreement::operator+=(const TopicAgreement& other) noexcept {
    true_positives += other.true_positives;
    false_positives += other.false_positives;
    false_negatives += other.false_negatives;
    return *this;
}

std::map<std::string, TopicAgreement> score_topics(const TopicTagger& tagger,
                                                   const std::vector<TopicLabel>& labels,
                                                   const std::vector<Review>& reviews) {
    std::map<std::string, TopicAgreement> scores;
    for (const std::string& name : tagger.names()) scores[schema::normalize_boolean(name)];
    for (std::size_t i = 0; i < labels.size() && i < reviews.size(); ++i) {
        if (reviews[i].id.empty()) continue;
        std::set<std::string> tagged;
        for (const TopicEvidence& e : tagger.measure(reviews[i])) {
            if (e.tagged) tagged.insert(schema::normalize_boolean(tagger.names()[e.topic]));
        }
        const std::set<std::string> truth(labels[i].topics.begin(), labels[i].topics.end());
        for (const std::string& t : tagged) {
            (truth.count(t) != 0 ? scores[t].true_positives : scores[t].false_positives) += 1;
        }
        for (const std::string& t : truth) {
            if (tagged.count(t) == 0) scores[t].false_negatives += 1;
        }
    }
    return scores;
}

TopicAgreement overall(const std::map<std::string, TopicAgreement>& by_topic) {
    TopicAgreement sum;
    for (const auto& [topic, a] : by_topic) sum += a;
    return sum;
}

}  // namespace revsearch::corpus
