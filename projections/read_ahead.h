// Internal: reads an event source ahead on a thread of its own, a few
// chunks deep, so that the projector applies one chunk while the next ones
// are read and decoded. That thread also frees the chunks the projector is
// done with: freeing events costs about as much as decoding them. Reads
// happen one at a time, in order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "events/event.h"

namespace jejak::projections {

class ReadAhead {
 public:
  using Chunk = std::vector<events::Event>;
  using ReadFn = std::function<Chunk(uint64_t from, size_t max)>;

  // Reads chunks of up to `chunk` events from `from` on, keeping up to
  // `depth` chunks ready. read must outlive this.
  ReadAhead(const ReadFn& read, uint64_t from, size_t chunk, size_t depth);
  ~ReadAhead();  // stops after the read in progress
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next chunk, empty at the end; throws what the read threw, once the
  // chunks read before are taken.
  Chunk Next();
  // Hands back a chunk the caller is done with, to be freed.
  void Done(Chunk chunk);

 private:
  void Run();

  const ReadFn& read_;
  const size_t chunk_, depth_;
  uint64_t from_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> ready_;
  std::vector<Chunk> done_;
  std::exception_ptr error_;
  bool end_ = false, stop_ = false;
  // A plain thread, not base::BackgroundThread: it is one side of a bounded
  // queue, waking on the consumer's state (room in ready_, chunks in done_)
  // under the mutex and condition variable that Next() waits on, and it hands
  // every exception to the consumer, in order, through Next(). A second
  // lock and wake-up flag would only add a way to get the two out of step.
  std::thread thread_;
};

}  // namespace jejak::projections
