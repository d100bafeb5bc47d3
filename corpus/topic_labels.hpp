#pragma once

#include <filesystem>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "common/review.hpp"
#include "corpus/topic_tagger.hpp"

/// Hand-labelled reviews of the real corpora, for measuring the topic tagger
/// (tests/fixtures/topics/labels.tsv; docs/TOPICS.md says how they were made).
namespace revsearch::corpus {

/// One labelled review: where it is, and the topics a reader found it to be about.
struct TopicLabel {
    std::string corpus;    ///< a folder of the corpora, e.g. "imdb-large-movie-review-v1"
    std::string file;      ///< the file in it, e.g. "aclImdb_labeled_train_test.tar.zst"
    std::string id;        ///< the review's id as revsearch reads it
    std::string split;     ///< "tune" (the lexicon was tuned on it) or "test" (held out)
    std::string material;  ///< "psychology" (psychology pages and books) or "general"
    std::vector<std::string> topics;  ///< empty: about none of the lexicon's topics
};

/// Reads labels: tab-separated `corpus file id split material topics` lines, topics comma-
/// separated or "-"; `#` lines are comments. Throws CorpusError (naming `name` and the line)
/// for a malformed line.
[[nodiscard]] std::vector<TopicLabel> read_topic_labels(std::istream& in, const std::string& name);

/// Finds the labelled reviews in the corpora under `corpora`, reading each labelled file once.
/// Returns them in label order; a label whose file or review is missing is named in `missing`.
[[nodiscard]] std::vector<Review> find_labelled_reviews(const std::vector<TopicLabel>& labels,
                                                        const std::filesystem::path& corpora,
                                                        std::vector<std::string>& missing);

/// Agreement of the tagger with the labels for one topic (or all together).
struct TopicAgreement {
    int true_positives = 0;
    int false_positives = 0;
    int false_negatives = 0;
    /// tp / (tp + fp), or 1 when the tagger gave the topic to nothing.
    [[nodiscard]] double precision() const noexcept;
    /// tp / (tp + fn), or 1 when no label has the topic.
    [[nodiscard]] double recall() const noexcept;
    TopicAgreement& operator+=(const TopicAgreement& other) noexcept;
};

/// The tagger's topics for each review against its label, per lexicon topic; labels of topics
/// the lexicon lacks count as misses. `reviews[i]` is `labels[i]`'s review; a label without a
/// review (an empty id) is passed over.
[[nodiscard]] std::map<std::string, TopicAgreement> score_topics(
    const TopicTagger& tagger, const std::vector<TopicLabel>& labels,
    const std::vector<Review>& reviews);

/// The sum over topics.
[[nodiscard]] TopicAgreement overall(const std::map<std::string, TopicAgreement>& by_topic);

}  // namespace revsearch::corpus
