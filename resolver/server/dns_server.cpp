// Asio glue: one io_context per thread, each with its own SO_REUSEPORT UDP socket and TCP
// acceptor per listen address. The protocol work lives in udp_batch.cpp and tcp_session.cpp.
#include "resolver/server/dns_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "resolver/server/counters.h"
#include "resolver/server/socket_util.h"
#include "resolver/server/tcp_session.h"
#include "resolver/server/udp_batch.h"

namespace gitns::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr int kTcpBacklog = 1024;
// Batches drained per readiness event before yielding to the other handlers (TCP, timers)
// on the same io_context.
constexpr int kUdpRoundsPerWakeup = 8;
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);

template <class Protocol>
Protocol protocol_of(const Endpoint& ep) {
  return ep.family() == AF_INET6 ? Protocol::v6() : Protocol::v4();
}

}  // namespace

class Worker;
class UdpListener;
class TcpListener;

struct DnsServer::Impl {
  ServerConfig config;
  QueryHandler handler;
  std::vector<Endpoint> endpoints;
  std::atomic<size_t> tcp_connections{0};
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  std::mutex stop_mu;
  bool stopped = false;
  ServerStats final_stats;  // what the workers counted, kept after stop()

  base::Status bind_all();
  void run_threads();
  void stop();
};

class Worker {
 public:
  Worker(DnsServer::Impl& server, unsigned index)
      : server_(server), index_(index), io_(1), guard_(io_.get_executor()), tcp_scratch_(65535) {}

  base::Status listen(const Endpoint& ep);
  void run();
  void stop() { io_.stop(); }

  DnsServer::Impl& server() { return server_; }
  unsigned index() const { return index_; }
  asio::io_context& io() { return io_; }
  Counters& counters() { return counters_; }
  std::span<uint8_t> tcp_scratch() { return tcp_scratch_; }

 private:
  DnsServer::Impl& server_;
  unsigned index_;
  Counters counters_;  // outlives io_: connections still count while the context is destroyed
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<uint8_t> tcp_scratch_;
  std::vector<std::unique_ptr<UdpListener>> udp_;
  std::vector<std::unique_ptr<TcpListener>> tcp_;
};

// Waits for readability with Asio, then drains the socket in recvmmsg batches.
class UdpListener {
 public:
  UdpListener(Worker& w, const Endpoint& ep, UniqueFd fd)
      : worker_(w), socket_(w.io()),
        batch_(w.server().config.udp_max_payload, ep.is_wildcard(), w.index()) {
    socket_.assign(protocol_of<udp>(ep), fd.release());
  }
  void start() { arm(); }

 private:
  void arm() {
    socket_.async_wait(udp::socket::wait_read, [this](const error_code& ec) {
      if (!ec) drain();
    });
  }
  void drain() {
    int fd = socket_.native_handle();
    for (int round = 0; round < kUdpRoundsPerWakeup; ++round) {
      size_t n = batch_.run_once(fd, worker_.server().handler, worker_.counters());
      if (n < UdpBatch::kBatch) return arm();
    }
    asio::post(worker_.io(), [this] { drain(); });  // more is waiting: let others run first
  }

  Worker& worker_;
  udp::socket socket_;
  UdpBatch batch_;
};

// One TCP connection; it lives on the io_context of the thread that accepted it.
class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(Worker& w, tcp::socket socket)
      : worker_(w), socket_(std::move(socket)), timer_(w.io()),
        session_(w.server().config.tcp_max_pipelined) {}
  ~TcpConnection() { worker_.server().tcp_connections.fetch_sub(1, std::memory_order_relaxed); }

  void start() {
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);  // each write is a whole answer batch
    peer_len_ = sizeof peer_;
    if (getpeername(socket_.native_handle(), reinterpret_cast<sockaddr*>(&peer_), &peer_len_) != 0)
      peer_len_ = 0;
    touch();
    arm_timer();
    read();
  }

 private:
  void touch() { deadline_ = Clock::now() + worker_.server().config.tcp_idle_timeout; }

  // One timer per connection, re-armed only when it fires: activity just moves deadline_.
  void arm_timer() {
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (ec || self->closed_) return;
      if (Clock::now() < self->deadline_) return self->arm_timer();
      bump(self->worker_.counters().tcp_idle_timeouts);
      self->close();
    });
  }

  void read() {
    std::span<uint8_t> space = session_.read_space();
    socket_.async_read_some(asio::buffer(space.data(), space.size()),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(const error_code& ec, size_t n) {
    if (closed_) return;
    if (ec) {
      if (session_.mid_frame()) bump(worker_.counters().tcp_bad_frames);
      return close();
    }
    touch();
    session_.commit_read(n);
    step();
  }

  void step() {
    QueryContext ctx{Transport::tcp, reinterpret_cast<const sockaddr*>(&peer_), peer_len_, 65535,
                     worker_.index()};
    switch (session_.process(worker_.server().handler, ctx, worker_.tcp_scratch(),
                             worker_.counters())) {
      case TcpSession::Next::read: return read();
      case TcpSession::Next::write: return write(false);
      case TcpSession::Next::write_then_close: return write(true);
      case TcpSession::Next::close: return close();
    }
  }

  // async_write keeps sending until every byte is out, so partial sends are handled.
  void write(bool then_close) {
    touch();
    std::span<const uint8_t> out = session_.output();
    asio::async_write(socket_, asio::buffer(out.data(), out.size()),
                      [self = shared_from_this(), then_close](const error_code& ec, size_t) {
                        if (self->closed_) return;
                        if (ec || then_close) return self->close();
                        self->session_.output_sent();
                        self->step();
                      });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
  }

  Worker& worker_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  TcpSession session_;
  sockaddr_storage peer_{};
  socklen_t peer_len_ = 0;
  Clock::time_point deadline_;
  bool closed_ = false;
};

class TcpListener {
 public:
  TcpListener(Worker& w, const Endpoint& ep, UniqueFd fd)
      : worker_(w), acceptor_(w.io()), retry_(w.io()) {
    acceptor_.assign(protocol_of<tcp>(ep), fd.release());
  }
  void start() { accept(); }

 private:
  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      on_accept(ec, std::move(socket));
    });
  }

  void on_accept(const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {  // e.g. out of descriptors: back off instead of spinning on the error
      retry_.expires_after(kAcceptRetry);
      retry_.async_wait([this](const error_code& e) {
        if (!e) accept();
      });
      return;
    }
    accept();  // re-armed first: admit() may throw (bad_alloc) and the listener must go on
    admit(std::move(socket));
  }

  // The limit is server-wide; connections beyond it are closed at once.
  void admit(tcp::socket socket) {
    auto& server = worker_.server();
    if (server.tcp_connections.fetch_add(1, std::memory_order_relaxed) >=
        server.config.tcp_max_connections) {
      server.tcp_connections.fetch_sub(1, std::memory_order_relaxed);
      bump(worker_.counters().tcp_refused);
      error_code ignored;
      socket.close(ignored);
      return;
    }
    bump(worker_.counters().tcp_accepted);
    std::make_shared<TcpConnection>(worker_, std::move(socket))->start();
  }

  Worker& worker_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
};

base::Status Worker::listen(const Endpoint& ep) {
  GITNS_TRY(UniqueFd ufd, open_udp_socket(ep));
  GITNS_TRY(UniqueFd tfd, open_tcp_listener(ep, kTcpBacklog));
  try {  // assign() throws only on resource exhaustion; keep exceptions inside the glue
    udp_.push_back(std::make_unique<UdpListener>(*this, ep, std::move(ufd)));
    tcp_.push_back(std::make_unique<TcpListener>(*this, ep, std::move(tfd)));
  } catch (const std::exception& e) {
    return base::fail(base::Errc::io, "listening on " + ep.to_string() + ": " + e.what());
  }
  udp_.back()->start();
  tcp_.back()->start();
  return {};
}

// A handler that throws past its own catch (e.g. bad_alloc in Asio) must not end the
// thread: count it and keep serving until stop().
void Worker::run() {
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception&) {
      bump(counters_.handler_errors);
    }
  }
}

base::Status DnsServer::Impl::bind_all() {
  for (auto& w : workers) {
    for (const Endpoint& ep : endpoints) GITNS_CHECK(w->listen(ep));
  }
  return {};
}

void DnsServer::Impl::run_threads() {
  for (auto& w : workers) threads.emplace_back([worker = w.get()] { worker->run(); });
}

void DnsServer::Impl::stop() {
  std::lock_guard lock(stop_mu);
  if (stopped) return;
  stopped = true;
  for (auto& w : workers) w->stop();
  for (auto& t : threads) t.join();
  threads.clear();
  // Destroying the workers closes every socket, so the ports are free when stop() returns.
  for (auto& w : workers) w->counters().add_to(final_stats);
  workers.clear();
}

namespace {

base::Status check_config(const ServerConfig& c, const QueryHandler& handler) {
  if (!handler) return base::fail(base::Errc::semantic, "DnsServer needs a query handler");
  if (c.listen.empty()) return base::fail(base::Errc::semantic, "no listen address given");
  if (c.udp_max_payload < 512 || c.udp_max_payload > 65535)
    return base::fail(base::Errc::limit, "udp_max_payload must be within 512..65535, got " +
                                             std::to_string(c.udp_max_payload));
  if (c.tcp_idle_timeout.count() <= 0)
    return base::fail(base::Errc::limit, "tcp_idle_timeout must be positive");
  return {};
}

base::Result<std::vector<Endpoint>> resolve_endpoints(const std::vector<std::string>& listen) {
  std::vector<Endpoint> out;
  std::set<std::string> seen;
  for (const std::string& text : listen) {
    GITNS_TRY(Endpoint ep, parse_endpoint(text));
    if (ep.port() != 0 && !seen.insert(ep.to_string()).second)
      return base::fail(base::Errc::semantic, "listen address " + ep.to_string() + " given twice");
    GITNS_TRY(Endpoint free, check_address_free(ep));
    out.push_back(free);
  }
  return out;
}

}  // namespace

DnsServer::DnsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DnsServer::~DnsServer() { stop(); }

base::Result<std::unique_ptr<DnsServer>> DnsServer::start(const ServerConfig& config,
                                                          QueryHandler handler) {
  GITNS_CHECK(check_config(config, handler));
  GITNS_TRY(std::vector<Endpoint> endpoints, resolve_endpoints(config.listen));
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->handler = std::move(handler);
  impl->endpoints = std::move(endpoints);
  unsigned n = config.threads != 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) impl->workers.push_back(std::make_unique<Worker>(*impl, i));
  GITNS_CHECK(impl->bind_all());
  impl->run_threads();
  return std::unique_ptr<DnsServer>(new DnsServer(std::move(impl)));
}

void DnsServer::stop() { impl_->stop(); }

const std::vector<Endpoint>& DnsServer::endpoints() const { return impl_->endpoints; }

unsigned DnsServer::threads() const { return static_cast<unsigned>(impl_->workers.size()); }

ServerStats DnsServer::stats() const {
  std::lock_guard lock(impl_->stop_mu);
  ServerStats s = impl_->final_stats;
  for (const auto& w : impl_->workers) w->counters().add_to(s);
  return s;
}

}  // namespace gitns::server
