#include "kafka/client.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdlib>

#include "base/error.h"

namespace jejak::kafka {
namespace {

using base::Error;
using base::ErrorCode;

template <typename T, void (*Destroy)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Destroy(p);
  }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, Deleter<rd_kafka_conf_t, rd_kafka_conf_destroy>>;
using HandlePtr = std::unique_ptr<rd_kafka_t, Deleter<rd_kafka_t, rd_kafka_destroy>>;
using PartsPtr = std::unique_ptr<
    rd_kafka_topic_partition_list_t,
    Deleter<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_destroy>>;

// librdkafka logs to stderr by default; jejak reports errors itself (error
// callbacks, last_error()), so its log is shown only on request.
void Log(const rd_kafka_t*, int level, const char* facility, const char* text) {
  // Read once; jejak never sets the environment, so getenv races with nothing.
  static const bool enabled =
      std::getenv("JEJAK_KAFKA_LOG") != nullptr;  // NOLINT(concurrency-mt-unsafe)
  if (enabled) fmt::print(stderr, "rdkafka {} {}: {}\n", level, facility, text);
}

ConfPtr NewConf(const std::string& bootstrap, const KafkaProperties& ours,
                const KafkaProperties& extra) {
  ConfPtr conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
      throw Error(ErrorCode::kInvalidArgument, fmt::format("kafka: {}={}: {}", name, value, err));
    }
  };
  set("bootstrap.servers", bootstrap);
  set("reconnect.backoff.max.ms", "1000");  // reconnect soon after a broker restart
  for (const auto& [k, v] : ours) set(k, v);
  for (const auto& [k, v] : extra) set(k, v);
  rd_kafka_conf_set_log_cb(conf.get(), Log);
  return conf;
}

HandlePtr NewHandle(rd_kafka_type_t type, ConfPtr conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (!rk) throw Error(ErrorCode::kInvalidArgument, fmt::format("kafka: {}", err));
  static_cast<void>(conf.release());  // owned by rk now
  return HandlePtr(rk);
}

std::string FatalText(rd_kafka_t* rk) {
  char buf[512];
  if (rd_kafka_fatal_error(rk, buf, sizeof buf) == RD_KAFKA_RESP_ERR_NO_ERROR) return "";
  return buf;
}

}  // namespace

// Static trampolines from librdkafka's C callbacks to the wrappers.
struct KafkaCallbacks {
  static void Delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<Producer*>(opaque);
    KafkaDelivery d;
    d.tag = reinterpret_cast<uintptr_t>(m->_private);
    d.ok = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!d.ok) d.error = rd_kafka_err2str(m->err);
    d.partition = m->partition;
    d.offset = m->offset;
    if (d.ok) self->last_error_.clear();
    if (self->on_delivery_) self->on_delivery_(d);
  }
  static void ProducerError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Producer*>(opaque);
    self->last_error_ =
        fmt::format("{}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
  }
  static void ConsumerError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Consumer*>(opaque);
    self->last_error_ =
        fmt::format("{}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
  }
  static void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<Consumer*>(opaque);
    bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        if (auto* e = rd_kafka_incremental_assign(rk, parts)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, parts);
      }
    } else {
      // Whatever was processed is committed before another member takes over.
      rd_kafka_commit(rk, nullptr, 0);
      if (cooperative) {
        if (auto* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, nullptr);
      }
    }
    if (self->on_rebalance_) {
      KafkaRebalance r;
      r.assigned = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
      for (int i = 0; i < parts->cnt; ++i)
        r.partitions.emplace_back(parts->elems[i].topic, parts->elems[i].partition);
      self->on_rebalance_(r);
    }
  }
};

const std::string* KafkaRecord::Header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->name == name) return &it->value;
  }
  return nullptr;
}

Producer::Producer(const std::string& bootstrap, DeliveryFn on_delivery,
                   const KafkaProperties& extra)
    : on_delivery_(std::move(on_delivery)) {
  ConfPtr conf = NewConf(bootstrap,
                         {{"enable.idempotence", "true"},
                          {"acks", "all"},
                          // Never fail a message for time alone: a timeout would
                          // leave a gap in the partition (librdkafka's
                          // INTRODUCTION.md, "Message timeout considerations").
                          {"message.timeout.ms", "0"},
                          {"partitioner", "murmur2"},
                          {"linger.ms", "5"}},
                         extra);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), KafkaCallbacks::Delivery);
  rd_kafka_conf_set_error_cb(conf.get(), KafkaCallbacks::ProducerError);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rk_ = NewHandle(RD_KAFKA_PRODUCER, std::move(conf)).release();
}

Producer::~Producer() {
  on_delivery_ = nullptr;  // the owner may be half destroyed
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk_, 1000);
  rd_kafka_destroy(rk_);
}

bool Producer::Produce(const KafkaRecord& r, uint64_t tag) {
  // On the stack for the usual few headers: this runs once per message.
  constexpr size_t kInline = 24;
  size_t count = 5 + r.headers.size();
  rd_kafka_vu_t inline_vu[kInline];
  std::vector<rd_kafka_vu_t> heap_vu(count > kInline ? count : 0);
  rd_kafka_vu_t* vu = count > kInline ? heap_vu.data() : inline_vu;
  size_t n = 0;
  auto add = [&](rd_kafka_vtype_t type) -> rd_kafka_vu_t& {
    vu[n].vtype = type;
    return vu[n++];
  };
  add(RD_KAFKA_VTYPE_TOPIC).u.cstr = r.topic.c_str();
  auto& key = add(RD_KAFKA_VTYPE_KEY);
  key.u.mem.ptr = const_cast<char*>(r.key.data());
  key.u.mem.size = r.key.size();
  auto& value = add(RD_KAFKA_VTYPE_VALUE);
  value.u.mem.ptr = const_cast<char*>(r.value.data());
  value.u.mem.size = r.value.size();
  for (const auto& h : r.headers) {
    auto& v = add(RD_KAFKA_VTYPE_HEADER);
    v.u.header.name = h.name.c_str();
    v.u.header.val = h.value.data();
    v.u.header.size = static_cast<ssize_t>(h.value.size());
  }
  add(RD_KAFKA_VTYPE_MSGFLAGS).u.i = RD_KAFKA_MSG_F_COPY;
  // librdkafka hands the opaque back in the delivery report; it carries the
  // tag, never a pointer.
  add(RD_KAFKA_VTYPE_OPAQUE).u.ptr =
      reinterpret_cast<void*>(static_cast<uintptr_t>(tag));  // NOLINT(performance-no-int-to-ptr)
  rd_kafka_error_t* err = rd_kafka_produceva(rk_, vu, n);
  if (!err) return true;
  rd_kafka_resp_err_t code = rd_kafka_error_code(err);
  std::string text = rd_kafka_error_string(err);
  rd_kafka_error_destroy(err);
  if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
  if (code == RD_KAFKA_RESP_ERR__FATAL)
    throw Error(ErrorCode::kUnavailable, "kafka: " + FatalText(rk_));
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("kafka: cannot produce to {}: {}", r.topic, text));
}

void Producer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(rk_, static_cast<int>(timeout.count()));
}

size_t Producer::outstanding() const { return static_cast<size_t>(rd_kafka_outq_len(rk_)); }

void Producer::Purge() { rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT); }

std::string Producer::FatalError() const { return FatalText(rk_); }

bool CreateTopic(const std::string& bootstrap, const TopicSpec& spec,
                 std::chrono::milliseconds timeout) {
  HandlePtr rk = NewHandle(RD_KAFKA_PRODUCER, NewConf(bootstrap, {}, {}));
  char err[512];
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication, err, sizeof err);
  if (!topic) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("kafka: cannot create topic {}: {}", spec.name, err));
  }
  std::unique_ptr<rd_kafka_NewTopic_t, Deleter<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>>
      topic_owner(topic);
  std::unique_ptr<rd_kafka_AdminOptions_t,
                  Deleter<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>>
      options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  int ms = static_cast<int>(timeout.count());
  rd_kafka_AdminOptions_set_request_timeout(options.get(), ms, err, sizeof err);
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), ms, err, sizeof err);
  std::unique_ptr<rd_kafka_queue_t, Deleter<rd_kafka_queue_t, rd_kafka_queue_destroy>> queue(
      rd_kafka_queue_new(rk.get()));
  rd_kafka_CreateTopics(rk.get(), &topic, 1, options.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, Deleter<rd_kafka_event_t, rd_kafka_event_destroy>> ev(
      rd_kafka_queue_poll(queue.get(), ms + 5000));
  auto unavailable = [&](const std::string& why) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("kafka: cannot create topic {} at {}: {}", spec.name, bootstrap, why));
  };
  if (!ev) throw unavailable("no answer from the broker");
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw unavailable(rd_kafka_event_error_string(ev.get()));
  }
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  if (n != 1) throw unavailable("no result for the topic");
  rd_kafka_resp_err_t code = rd_kafka_topic_result_error(results[0]);
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  if (code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return false;
  const char* why = rd_kafka_topic_result_error_string(results[0]);
  std::string text = why ? why : rd_kafka_err2str(code);
  if (code == RD_KAFKA_RESP_ERR__TIMED_OUT || code == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
      code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR_NOT_CONTROLLER) {
    throw unavailable(text);
  }
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("kafka: the broker refused to create topic {} with {} partition(s) and "
                          "replication factor {}: {}",
                          spec.name, spec.partitions, spec.replication, text));
}

Consumer::Consumer(const std::string& bootstrap, const std::string& group,
                   const std::vector<std::string>& topics, const KafkaProperties& extra,
                   RebalanceFn on_rebalance)
    : on_rebalance_(std::move(on_rebalance)) {
  ConfPtr conf = NewConf(bootstrap,
                         {{"group.id", group},
                          {"enable.auto.commit", "false"},
                          {"enable.auto.offset.store", "false"},
                          {"auto.offset.reset", "earliest"},
                          {"enable.partition.eof", "false"}},
                         extra);
  rd_kafka_conf_set_rebalance_cb(conf.get(), KafkaCallbacks::Rebalance);
  rd_kafka_conf_set_error_cb(conf.get(), KafkaCallbacks::ConsumerError);
  rd_kafka_conf_set_opaque(conf.get(), this);
  HandlePtr rk = NewHandle(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(rk.get());
  PartsPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics)
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t e = rd_kafka_subscribe(rk.get(), list.get())) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("kafka: cannot subscribe: {}", rd_kafka_err2str(e)));
  }
  rk_ = rk.release();
}

Consumer::~Consumer() {
  rd_kafka_commit(rk_, nullptr, 0);
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

bool Consumer::Poll(std::chrono::milliseconds timeout, KafkaRecord* record) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, static_cast<int>(timeout.count()));
  if (!m) return false;
  std::unique_ptr<rd_kafka_message_t, Deleter<rd_kafka_message_t, rd_kafka_message_destroy>> owner(
      m);
  if (m->err) {
    if (m->err == RD_KAFKA_RESP_ERR__FATAL)
      throw Error(ErrorCode::kUnavailable, "kafka: " + FatalText(rk_));
    last_error_ = rd_kafka_message_errstr(m);
    return false;
  }
  record->topic = rd_kafka_topic_name(m->rkt);
  record->partition = m->partition;
  record->offset = m->offset;
  record->key.assign(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
  record->value.assign(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
  record->headers.clear();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      record->headers.push_back(
          {name, std::string(static_cast<const char*>(value), value ? size : 0)});
    }
  }
  return true;
}

void Consumer::Store(const KafkaRecord& record) {
  Store(record.topic, record.partition, record.offset + 1);
}

void Consumer::Store(const std::string& topic, int32_t partition, int64_t next_offset) {
  PartsPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = next_offset;
  // Fails only if the partition was just revoked: another member resumes it.
  rd_kafka_offsets_store(rk_, list.get());
}

int64_t Consumer::Lag() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_, &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  PartsPtr parts(raw);
  if (parts->cnt == 0 || rd_kafka_position(rk_, parts.get()) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return -1;
  // Before the first fetch the position is unknown: the consumer will start
  // at the group's committed offset, or, with none, at the low watermark
  // (auto.offset.reset=earliest). Taking the low watermark alone reported
  // the whole topic as lag after a restart that had nothing to read.
  bool unknown = false;
  for (int i = 0; i < parts->cnt; ++i) unknown |= parts->elems[i].offset < 0;
  PartsPtr committed;
  if (unknown) {
    committed.reset(rd_kafka_topic_partition_list_copy(parts.get()));
    if (rd_kafka_committed(rk_, committed.get(), 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  }
  int64_t lag = 0;
  for (int i = 0; i < parts->cnt; ++i) {
    const auto& p = parts->elems[i];
    int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(rk_, p.topic, p.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      return -1;
    }
    int64_t at = p.offset;
    if (at < 0) {
      const auto* c = rd_kafka_topic_partition_list_find(committed.get(), p.topic, p.partition);
      at = c && c->offset >= 0 ? c->offset : low;
    }
    lag += std::max<int64_t>(0, high - at);
  }
  return lag;
}

int Consumer::PartitionCount(const std::string& topic, std::chrono::milliseconds timeout) {
  std::unique_ptr<rd_kafka_topic_t, Deleter<rd_kafka_topic_t, rd_kafka_topic_destroy>> t(
      rd_kafka_topic_new(rk_, topic.c_str(), nullptr));
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t e =
      rd_kafka_metadata(rk_, 0, t.get(), &md, static_cast<int>(timeout.count()));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw Error(
        ErrorCode::kUnavailable,
        fmt::format("kafka: cannot read the metadata of topic {}: {}", topic, rd_kafka_err2str(e)));
  }
  int n = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
              ? md->topics[0].partition_cnt
              : 0;
  rd_kafka_metadata_destroy(md);
  return n;
}

void Consumer::Commit() {
  rd_kafka_resp_err_t e = rd_kafka_commit(rk_, nullptr, 0);
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  throw Error(ErrorCode::kUnavailable,
              fmt::format("kafka: commit failed: {}", rd_kafka_err2str(e)));
}

}  // namespace jejak::kafka
