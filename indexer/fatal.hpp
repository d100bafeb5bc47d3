#pragma once

namespace revsearch::indexer {

/// Makes std::terminate end revsearch-index with exit code 1 and a message, not SIGABRT.
///
/// Our own threads and destructors let no exception escape (each lane hands its error to the
/// job), but Xapian 1.4's glass backend can itself call std::terminate while it recovers from
/// a write that failed during a commit (a full or failing disk). Nothing can be saved in the
/// process then; the database on disk still holds the batches committed before, as after a
/// kill, and the same command run again resumes. The handler says so and exits 1 at once
/// (without unwinding or flushing, which could write a half-made state).
void install_terminate_handler();

}  // namespace revsearch::indexer
