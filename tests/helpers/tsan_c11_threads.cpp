// Linked into every executable of a ThreadSanitizer build (JEJAK_SANITIZE=
// thread) only. Debian's librdkafka starts its threads with C11 thrd_create,
// which glibc implements without calling pthread_create, and clang 14's TSan
// intercepts only the pthread calls: such a thread has no TSan state, and its
// first malloc crashes; a thread joined or detached unseen stays "live" to
// TSan, which then fails when its id is reused. Defined here, in the
// executable, these take precedence over glibc's for librdkafka and go
// through the pthread calls. A C11 thread's result travels as a pointer-sized
// integer, as in glibc.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <new>

namespace {

struct Start {
  thrd_start_t fn;
  void* arg;
};

void* RunC11Thread(void* p) {
  Start s = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(s.fn(s.arg)));
}

}  // namespace

extern "C" int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg) {
  auto* s = new (std::nothrow) Start{fn, arg};
  if (s == nullptr) return thrd_nomem;
  int rc = pthread_create(thr, nullptr, RunC11Thread, s);
  if (rc == 0) return thrd_success;
  delete s;
  return rc == EAGAIN ? thrd_nomem : thrd_error;
}

extern "C" int thrd_join(thrd_t thr, int* res) {
  void* result = nullptr;
  if (pthread_join(thr, &result) != 0) return thrd_error;
  if (res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(result));
  return thrd_success;
}

extern "C" int thrd_detach(thrd_t thr) {
  return pthread_detach(thr) == 0 ? thrd_success : thrd_error;
}
