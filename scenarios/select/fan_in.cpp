// select/fan-in: receive from three producers at once until all are done.
//
//   for open > 0 {
//     select {
//     case v, ok := <-a: if !ok { a = nil; open-- } else { sum += v }
//     ...
//   }
// A closed producer's channel is set to nil, which turns its case off.
#include <chrono>
#include <string>
#include <vector>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  std::vector<Chan<int>> ins;
  for (int p = 0; p < 3; p++) {
    ins.push_back(make_chan<int>(0, "in" + std::to_string(p)));
    go([in = ins.back(), p] {
      for (int i = 1; i <= 3; i++) {
        work(std::chrono::microseconds(10 * (p + 1)));
        in.Send(p * 10 + i);
      }
      in.Close();
    }, "producer");
  }
  int sum = 0, open = 3;
  while (open > 0) {
    std::vector<SelectCase> cases;
    for (Chan<int>& in : ins) {
      cases.emplace_back(recv_case(in, [&](int v, bool ok) {
        if (ok) {
          sum += v;
        } else {
          in = Chan<int>();  // nil: this case is never chosen again
          open--;
        }
      }));
    }
    select(cases);
  }
  check(sum == 3 * 6 + 10 * 3 + 20 * 3, "sum = " + std::to_string(sum));
}

}  // namespace

extern const Scenario kSelectFanIn{
    "select/fan-in",
    "Merge three producers with select; a closed input's channel becomes nil to turn its case off",
    "Each select locks its channels in lock order (select.lock), polls the cases in a "
    "random order (select.case poll=...) and runs the first that can proceed "
    "(select.ready). When none can, it queues a record on every channel "
    "(chan.select.enqueue) and parks once (select.park); the first producer to send "
    "claims it (selectDone), hands its value over and wakes it (select.wake); the woken "
    "select takes its other records off (chan.select.dequeue). A closed input is ready "
    "for ever (ok = false), so its channel is set to nil: a nil channel's case is never "
    "chosen. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
