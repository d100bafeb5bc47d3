#pragma once

#include <ostream>

namespace revsearch::bench {

/// `revsearch-topic-quality`: how well a topic lexicon tags real reviews. Reads hand-labelled
/// reviews (corpus/topic_labels.hpp) from the corpora and prints, per topic and overall, the
/// tagger's agreement with the labels for each split (tune, test) and material (psychology,
/// general), one `topic_quality key=value ...` line each. With --rate INPUT..., it also reads
/// every review of those inputs and prints how many each topic tags (`topic_rate` lines): how
/// often a lexicon fires on text nobody labelled. Exits 77 when the corpora are absent.
int topic_quality_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace revsearch::bench
