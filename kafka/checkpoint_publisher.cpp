#include "kafka/checkpoint_publisher.h"

#include <fmt/format.h>

#include "base/error.h"
#include "kafka/client.h"

namespace jejak::kafka {

using base::Error;
using base::ErrorCode;

CheckpointPublisher::CheckpointPublisher(std::string bootstrap, std::string topic)
    : bootstrap_(std::move(bootstrap)), topic_(std::move(topic)) {}

CheckpointPublisher::~CheckpointPublisher() = default;

void CheckpointPublisher::Publish(const std::string& note, std::chrono::milliseconds timeout) {
  if (!topic_ready_) {
    CreateTopic(bootstrap_, TopicSpec{topic_, 1, 1}, timeout);
    topic_ready_ = true;
  }
  if (!producer_) {
    producer_ = std::make_unique<Producer>(bootstrap_, [this](const KafkaDelivery& d) {
      delivered_ = d.ok;
      error_ = d.ok ? "" : d.error;
    });
  }
  KafkaRecord r;
  r.topic = topic_;
  r.key = note.substr(0, note.find('\n'));  // the origin
  r.value = note;
  r.headers.push_back({"content-type", "text/plain; charset=utf-8"});
  delivered_ = false;
  error_.clear();
  if (!producer_->Produce(r, 0)) {
    throw Error(ErrorCode::kUnavailable, "publishing a checkpoint: the Kafka queue is full");
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (producer_->outstanding() > 0 && std::chrono::steady_clock::now() < deadline) {
    producer_->Poll(std::chrono::milliseconds(50));
  }
  if (producer_->outstanding() > 0 || !delivered_) {
    std::string why = !error_.empty() ? error_ : producer_->last_error();
    producer_.reset();  // drops what is queued: the next checkpoint supersedes it
    throw Error(ErrorCode::kUnavailable,
                fmt::format("Kafka did not take the checkpoint for {}: {}", topic_,
                            why.empty() ? "no answer in time" : why));
  }
}

}  // namespace jejak::kafka
