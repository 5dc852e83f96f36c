// Sends acknowledgements (source, run, sequence) back to the senders of records, to the reply_to
// address each record carried, batched (up to 1024 per ACK message) over one cached PUSH socket
// per address. Used by sinks (towards ingest nodes) and by ingest nodes (towards the FELIX side).
//
//   AckPublisher acks(ctx, "sink-0", socket_options);
//   acks.add(envelope.reply_to(), RecordKey::of(envelope));
//   size_t sent = acks.flush();   // after the records are durable
//
// An ack that cannot be queued is dropped, not retried: the sender re-sends the record after its
// time-out and is acknowledged again (receivers drop the duplicate), so nothing is lost.
// Not thread-safe: one thread owns it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "transport/zmq_io.h"
#include "wire/record_key.h"

namespace daqz {

class AckPublisher {
 public:
  AckPublisher(zmq::context_t& ctx, std::string node_id, SocketOptions socket_options);

  // Queues one acknowledgement; an empty reply_to (sender wants none) is ignored.
  void add(const std::string& reply_to, const RecordKey& key);
  size_t pending() const { return pending_count_; }
  // Sends everything queued; returns the number of acknowledgements handed to ZeroMQ.
  size_t flush();

 private:
  zmq::socket_t* socket_for(const std::string& endpoint);

  zmq::context_t& ctx_;
  std::string node_id_;
  SocketOptions options_;
  std::map<std::string, std::vector<wire::AckEntry>> pending_;  // by reply_to endpoint
  size_t pending_count_ = 0;
  std::map<std::string, zmq::socket_t> sockets_;
};

}  // namespace daqz
