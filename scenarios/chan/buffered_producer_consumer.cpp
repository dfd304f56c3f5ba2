// chan/buffered-producer-consumer: a producer runs ahead of a slow consumer
// by up to the buffer's capacity.
//
// The producer makes 8 jobs into a channel of capacity 3 and closes it; the
// consumer ranges over it, taking longer per job than the producer.
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto jobs = make_chan<int>(3, "jobs");
  go([jobs] {
    for (int i = 1; i <= 8; i++) {
      work(10us);  // make a job
      jobs.Send(i);
    }
    jobs.Close();  // no more jobs: the consumer's range ends
  }, "producer");
  int sum = 0, count = 0;
  for (int job : jobs) {
    work(40us);  // the consumer is slower
    sum += job;
    count++;
  }
  check(count == 8 && sum == 36, "consumed " + std::to_string(count) + " jobs summing to " + std::to_string(sum));
}

}  // namespace

extern const Scenario kChanBufferedProducerConsumer{
    "chan/buffered-producer-consumer",
    "A producer fills a capacity-3 channel ahead of a slower consumer, then closes it",
    "Watch the ring in the channel inspector: the producer's sends go into slot sendx "
    "(chan.send.buffer) until qcount reaches dataqsiz = 3; its next send parks on sendq "
    "with its job (chan.send.park). Each receive then takes the oldest job at recvx and "
    "moves the parked sender's job into the freed slot (chan.recv.rotate): the ring stays "
    "full and in order, and sendx follows recvx. After close the consumer still drains "
    "the jobs left, then its range ends (chan.recv.closed). Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
