// A RevisionSource that several threads may share: every call takes one mutex. The
// reconciler fetches and reads on the controller thread while the HTTP API plans past
// revisions (GET /api/v1/revisions/{rev}/plan) on its own threads, and libgit2 allows a
// repository to be used from several threads only when the calls are serialized.
// Calls are short (one object read) except fetch(), which an API read may wait behind.
#pragma once

#include <memory>

#include "controller/reconcile/source.h"

namespace gitns::reconcile {

// `inner` must outlive the wrapper.
std::unique_ptr<RevisionSource> serialized_source(RevisionSource& inner);

}  // namespace gitns::reconcile
