#pragma once

#include <xapian.h>

namespace revsearch {

/// Xapian's internal document number. Never shown to users and never used to break ties:
/// shards and compaction renumber it. The review's external id is the stable identity.
using DocId = Xapian::docid;

/// A relevance score as Xapian's weighting schemes produce it.
using Score = double;

}  // namespace revsearch
