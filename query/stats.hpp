#pragma once

#include <ostream>

#include <xapian.h>

#include "query/printer.hpp"

namespace revsearch::query {

/// Prints what an index holds: the document count, the analyzer it was built with, per-field
/// statistics (documents with each value, distinct terms per text field), the topic and
/// category histograms, the source manifest, the reject totals over all runs and the last
/// run's summary. `format` is Text or Json (one object). Throws Xapian::Error on a bad index.
void print_stats(std::ostream& out, const Xapian::Database& db, OutputFormat format);

}  // namespace revsearch::query
