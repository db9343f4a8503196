// Publishes a log's cosigned checkpoints to a Kafka topic (`jejak serve
// --kafka --witness`: jejak.checkpoints), so that other agencies and
// auditors follow the log's growth without polling it. One record per
// checkpoint: key the origin, value the whole note with its cosignatures,
// header content-type "text/plain; charset=utf-8". The topic has one
// partition, so consumers see checkpoints in the order they were published.
// Checkpoints are few (one per witnessing round), so Publish() waits for the
// broker's acknowledgement.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace jejak::kafka {

class Producer;

class CheckpointPublisher {
 public:
  CheckpointPublisher(std::string bootstrap, std::string topic);
  ~CheckpointPublisher();
  CheckpointPublisher(const CheckpointPublisher&) = delete;
  CheckpointPublisher& operator=(const CheckpointPublisher&) = delete;

  // Returns once the broker has the record. Throws Error(kUnavailable) if it
  // does not within timeout (the next checkpoint is published anyway, and
  // supersedes it). Creates the topic on first use. Not thread-safe.
  void Publish(const std::string& note,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::string bootstrap_, topic_;
  bool topic_ready_ = false;
  std::unique_ptr<Producer> producer_;
  bool delivered_ = false;
  std::string error_;
};

}  // namespace jejak::kafka
