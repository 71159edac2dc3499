#include "controller/reconcile/serialized_source.h"

#include <mutex>

namespace gitns::reconcile {
namespace {

class SerializedSource final : public RevisionSource {
 public:
  explicit SerializedSource(RevisionSource& inner) : inner_(inner) {}

  std::string describe() const override {
    std::lock_guard lock(mutex_);
    return inner_.describe();
  }
  base::Result<SourceRevision> fetch() override {
    std::lock_guard lock(mutex_);
    return inner_.fetch();
  }
  base::Result<std::vector<SourceEntry>> list(std::string_view revision) override {
    std::lock_guard lock(mutex_);
    return inner_.list(revision);
  }
  base::Result<std::string> read_blob(std::string_view blob_id) override {
    std::lock_guard lock(mutex_);
    return inner_.read_blob(blob_id);
  }
  base::Result<std::string> read_file(std::string_view revision, std::string_view path) override {
    std::lock_guard lock(mutex_);
    return inner_.read_file(revision, path);
  }
  base::Result<std::vector<std::string>> trailer_values(std::string_view from, std::string_view to,
                                                        std::string_view key) override {
    std::lock_guard lock(mutex_);
    return inner_.trailer_values(from, to, key);
  }
  std::string display_path(std::string_view path) const override {
    std::lock_guard lock(mutex_);
    return inner_.display_path(path);
  }

 private:
  RevisionSource& inner_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<RevisionSource> serialized_source(RevisionSource& inner) {
  return std::make_unique<SerializedSource>(inner);
}

}  // namespace gitns::reconcile
